// A minimal ZIP reader (and a stored-only writer, zipStored) for Keras `.keras` archives (PKWARE APPNOTE
// 6.3.10, §4.3): the end-of-central-directory record gives the central directory; each central entry gives a
// member's method, sizes, CRC-32 and the offset of its local header, after which the data follows. Sizes are
// taken from the central directory, which is authoritative also when the writer streamed the member
// (general-purpose flag bit 3, sizes after the data). Methods: 0 (stored: what Keras writes) and 8 (deflate,
// through node:zlib). Every member read is checked against its CRC-32 and its declared size; ZIP64,
// encryption and multi-disk archives are refused by name.

import { nodeModule } from '../util/host.js';
import { fail } from '../tensor/shape.js';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  localHeaderOffset: number;
  flags: number;
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as ZIP stores it. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The central directory of a ZIP archive held in memory. `what` names the file in errors. */
export function zipEntries(buf: Uint8Array, what: string): ZipEntry[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // The EOCD record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
  let eocd = -1;
  for (let p = buf.length - 22; p >= Math.max(0, buf.length - 22 - 0xffff); p--) {
    if (dv.getUint32(p, true) === EOCD_SIG) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) fail('zip', `${what} is not a ZIP archive (no end-of-central-directory record); a .keras file is a ZIP`);
  const disk = dv.getUint16(eocd + 4, true);
  const count = dv.getUint16(eocd + 10, true);
  const cdSize = dv.getUint32(eocd + 12, true);
  const cdOffset = dv.getUint32(eocd + 16, true);
  if (disk !== 0) fail('zip', `${what} is a multi-disk ZIP archive, which is not supported`);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) fail('zip', `${what} is a ZIP64 archive, which is not supported`);
  if (cdOffset + cdSize > eocd) fail('zip', `${what}: central directory (offset ${cdOffset}, ${cdSize} bytes) runs past the end record at ${eocd}: truncated or corrupt`);
  const out: ZipEntry[] = [];
  let p = cdOffset;
  const dec = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (p + 46 > eocd || dv.getUint32(p, true) !== CEN_SIG) fail('zip', `${what}: central directory entry ${i} at offset ${p} is corrupt`);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    const e: ZipEntry = {
      flags: dv.getUint16(p + 8, true),
      method: dv.getUint16(p + 10, true),
      crc32: dv.getUint32(p + 16, true),
      compressedSize: dv.getUint32(p + 20, true),
      size: dv.getUint32(p + 24, true),
      localHeaderOffset: dv.getUint32(p + 42, true),
      name: dec.decode(buf.subarray(p + 46, p + 46 + nameLen)),
    };
    if (e.compressedSize === 0xffffffff || e.size === 0xffffffff || e.localHeaderOffset === 0xffffffff) {
      fail('zip', `${what}: member '${e.name}' uses ZIP64 sizes, which are not supported`);
    }
    out.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The uncompressed bytes of one member, checked against its size and CRC-32. */
export function zipRead(buf: Uint8Array, e: ZipEntry, what: string): Uint8Array {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const at = e.localHeaderOffset;
  if (at + 30 > buf.length || dv.getUint32(at, true) !== LOC_SIG) fail('zip', `${what}: local header of '${e.name}' at offset ${at} is missing or corrupt`);
  if (e.flags & 1) fail('zip', `${what}: member '${e.name}' is encrypted, which is not supported`);
  const start = at + 30 + dv.getUint16(at + 26, true) + dv.getUint16(at + 28, true);
  if (start + e.compressedSize > buf.length) fail('zip', `${what}: member '${e.name}' (${e.compressedSize} bytes at ${start}) runs past the end of the file: truncated`);
  const raw = buf.subarray(start, start + e.compressedSize);
  let data: Uint8Array;
  if (e.method === 0) data = raw;
  else if (e.method === 8) {
    try {
      // maxOutputLength: a member never inflates past its declared size (no zip bomb).
      data = new Uint8Array(nodeModule('node:zlib', 'zip', 'Keras writes the members of a .keras file stored, which load everywhere; a re-packed archive with deflated members loads on Node')
        .inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) }));
    } catch (err) {
      return fail('zip', `${what}: member '${e.name}' does not inflate: ${(err as Error).message}`);
    }
  } else return fail('zip', `${what}: member '${e.name}' uses compression method ${e.method}; only 0 (stored) and 8 (deflate) are supported`);
  if (data.length !== e.size) fail('zip', `${what}: member '${e.name}' has ${data.length} bytes, the directory says ${e.size}`);
  const c = crc32(data);
  if (c !== e.crc32) fail('zip', `${what}: member '${e.name}' fails its CRC-32 check (0x${c.toString(16)} != 0x${e.crc32.toString(16)}): corrupt`);
  return data;
}

/**
 * A ZIP archive of stored (uncompressed) members, as Keras writes `.keras` files: local header + data per
 * member, then the central directory and the end record (APPNOTE §4.3.6). Times are the DOS epoch (1980-01-01):
 * the archive's bytes depend only on its members.
 */
export function zipStored(members: { name: string; data: Uint8Array }[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const m of members) {
    const name = enc.encode(m.name);
    const crc = crc32(m.data);
    if (m.data.length >= 0xffffffff || offset >= 0xffffffff) fail('zip', `member '${m.name}' would need ZIP64, which is not supported`);
    const loc = new Uint8Array(30 + name.length);
    const lv = new DataView(loc.buffer);
    lv.setUint32(0, LOC_SIG, true);
    lv.setUint16(4, 20, true); // version needed: 2.0
    lv.setUint16(10, 0, true); // time 00:00
    lv.setUint16(12, 0x21, true); // date 1980-01-01
    lv.setUint32(14, crc, true);
    lv.setUint32(18, m.data.length, true);
    lv.setUint32(22, m.data.length, true);
    lv.setUint16(26, name.length, true);
    loc.set(name, 30);
    const cen = new Uint8Array(46 + name.length);
    const cv = new DataView(cen.buffer);
    cv.setUint32(0, CEN_SIG, true);
    cv.setUint16(4, 20, true); // version made by
    cv.setUint16(6, 20, true); // version needed
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, m.data.length, true);
    cv.setUint32(24, m.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    cen.set(name, 46);
    parts.push(loc, m.data);
    central.push(cen);
    offset += loc.length + m.data.length;
  }
  const cdSize = central.reduce((s, c) => s + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, EOCD_SIG, true);
  ev.setUint16(8, members.length, true);
  ev.setUint16(10, members.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let p = 0;
  for (const part of [...parts, ...central, end]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}
