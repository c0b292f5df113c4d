// NumPy's .npy and .npz files (numpy/lib/_format_impl.py, NumPy 2.4; NEP 1): read and write, for parity
// references exchanged with Python (issue #19: `lstm-ts compare --inputs x.npy --reference ref.npz`).
//
//   .npy = "\x93NUMPY" + major + minor + header length (uint16 LE in 1.0, uint32 LE in 2.0 / 3.0) + header + data.
//   The header is a Python dict literal, {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }, padded with
//   spaces and a final '\n' so that the data starts at a multiple of 64 bytes; 3.0 is 2.0 with a UTF-8 header.
//   .npz = a ZIP archive of NAME.npy members (np.savez: stored; np.savez_compressed: deflate).
//
// Read: float32, float64, int8/16/32/64, uint8/16/32, bool, either byte order, C or Fortran order (Fortran data is
// reordered to C order). Write: the same dtypes, little-endian, C order, with NumPy's exact header (the same bytes
// as np.save for the same array; the tests compare them). Anything else (structured dtypes, object arrays,
// pickles, complex numbers, float16) is refused with the dtype in the message.

import { fail } from '../tensor/shape.js';
import { zipEntries, zipRead, zipStored } from './zip.js';

export type NpyDtype = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'bool';

export type NpyData = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array;

/** An array as NumPy stores it: dtype, shape, and the elements in C (row-major) order. bool is a Uint8Array of 0/1. */
export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: NpyData;
}

// descr kind+size → dtype; '|' (not applicable) or '<' / '>' / '=' give the byte order.
const KINDS: Record<string, NpyDtype> = {
  f4: 'float32', f8: 'float64', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', u2: 'uint16', u4: 'uint32', b1: 'bool',
};
const DESCR: Record<NpyDtype, string> = {
  float32: '<f4', float64: '<f8', int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8', uint8: '|u1', uint16: '<u2', uint32: '<u4', bool: '|b1',
};
const SIZE: Record<NpyDtype, number> = { float32: 4, float64: 8, int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, bool: 1 };

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ARRAY_ALIGN = 64; // numpy/lib/_format_impl.py ARRAY_ALIGN
const GROWTH_AXIS_MAX_DIGITS = 21; // ... GROWTH_AXIS_MAX_DIGITS: spare spaces so the shape can grow in place

function newData(dtype: NpyDtype, n: number): NpyData {
  switch (dtype) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int8': return new Int8Array(n);
    case 'int16': return new Int16Array(n);
    case 'int32': return new Int32Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'uint32': return new Uint32Array(n);
    default: return new Uint8Array(n); // uint8, bool
  }
}

/** Parses the header dict NumPy writes (a Python literal with exactly these three keys). */
function parseHeader(text: string, what: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    // A structured dtype's descr is a list ("'descr': [('a', '<f4'), ...]"): say so rather than "bad header".
    if (/'descr'\s*:\s*\[/.test(text)) fail(what, `structured dtypes are not supported (header ${JSON.stringify(text.trim())})`);
    fail(what, `not a NumPy array header (expected 'descr', 'fortran_order' and 'shape'), got ${JSON.stringify(text.trim())}`);
  }
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s !== '');
  const out: number[] = [];
  for (const d of dims) {
    if (!/^\d+$/.test(d)) fail(what, `shape entries must be non-negative integers, got (${shape[1]})`);
    out.push(Number(d));
  }
  return { descr: descr[1], fortran: fortran[1] === 'True', shape: out };
}

/** Reorders Fortran-order (column-major) elements into C order. */
function fortranToC<T extends NpyData>(src: T, shape: number[]): T {
  const n = src.length;
  const out = new (src.constructor as { new (n: number): T })(n);
  const r = shape.length;
  // C strides and Fortran strides, in elements.
  const cs = new Array<number>(r), fs = new Array<number>(r);
  for (let k = r - 1, s = 1; k >= 0; k--) { cs[k] = s; s *= shape[k]; }
  for (let k = 0, s = 1; k < r; k++) { fs[k] = s; s *= shape[k]; }
  const idx = new Array<number>(r).fill(0);
  for (let c = 0; c < n; c++) {
    let f = 0;
    for (let k = 0; k < r; k++) f += idx[k] * fs[k];
    (out as unknown as { [i: number]: unknown })[c] = (src as unknown as { [i: number]: unknown })[f];
    for (let k = r - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** Reads one .npy file. `what` names it in errors (a path, or "x.npz member a.npy"). */
export function readNpy(buf: Uint8Array, what = 'readNpy'): NpyArray {
  if (buf.length < 10 || MAGIC.some((m, i) => buf[i] !== m)) fail(what, 'not a .npy file (no \\x93NUMPY magic string)');
  const major = buf[6];
  const minor = buf[7];
  if (major < 1 || major > 3 || minor !== 0) fail(what, `unsupported .npy format version ${major}.${minor} (1.0, 2.0 and 3.0 are known)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const hlenSize = major === 1 ? 2 : 4;
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + hlenSize;
  if (start + hlen > buf.length) fail(what, `header length ${hlen} runs past the end of the file (${buf.length} bytes)`);
  const headerBytes = buf.subarray(start, start + hlen);
  const text = major === 3 ? new TextDecoder('utf-8').decode(headerBytes) : String.fromCharCode(...headerBytes);
  const h = parseHeader(text, what);
  const order = h.descr[0];
  const kind = KINDS[h.descr.slice(1)];
  if (!['<', '>', '|', '='].includes(order) || !kind) {
    fail(what, `dtype '${h.descr}' is not supported (float32, float64, int8/16/32/64, uint8/16/32 and bool are; object, complex, float16 and string arrays are not)`);
  }
  const dtype = kind;
  const size = SIZE[dtype];
  const n = h.shape.reduce((a, b) => a * b, 1);
  const dataStart = start + hlen;
  if (buf.length - dataStart < n * size) {
    fail(what, `shape (${h.shape.join(', ')}) of ${h.descr} needs ${n * size} data bytes, the file has ${buf.length - dataStart}`);
  }
  const bigEndian = order === '>';
  const out = newData(dtype, n);
  const ddv = new DataView(buf.buffer, buf.byteOffset + dataStart, n * size);
  const le = !bigEndian;
  for (let i = 0; i < n; i++) {
    const o = i * size;
    switch (dtype) {
      case 'float32': (out as Float32Array)[i] = ddv.getFloat32(o, le); break;
      case 'float64': (out as Float64Array)[i] = ddv.getFloat64(o, le); break;
      case 'int8': (out as Int8Array)[i] = ddv.getInt8(o); break;
      case 'int16': (out as Int16Array)[i] = ddv.getInt16(o, le); break;
      case 'int32': (out as Int32Array)[i] = ddv.getInt32(o, le); break;
      case 'int64': (out as BigInt64Array)[i] = ddv.getBigInt64(o, le); break;
      case 'uint16': (out as Uint16Array)[i] = ddv.getUint16(o, le); break;
      case 'uint32': (out as Uint32Array)[i] = ddv.getUint32(o, le); break;
      case 'bool': {
        const v = ddv.getUint8(o);
        if (v > 1) fail(what, `bool element ${i} is ${v}, not 0 or 1`);
        (out as Uint8Array)[i] = v;
        break;
      }
      default: (out as Uint8Array)[i] = ddv.getUint8(o);
    }
  }
  return { dtype, shape: h.shape, data: h.fortran && h.shape.length > 1 ? fortranToC(out, h.shape) : out };
}

function pyRepr(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Writes one .npy file: little-endian, C order, NumPy's header byte for byte (version 1.0, or 2.0 if needed). */
export function writeNpy(a: NpyArray, what = 'writeNpy'): Uint8Array {
  const { dtype, shape, data } = a;
  if (!(dtype in DESCR)) fail(what, `dtype must be one of ${Object.keys(DESCR).join(', ')}, got ${JSON.stringify(dtype)}`);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) fail(what, `shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  const n = shape.reduce((x, y) => x * y, 1);
  if (!data || data.length !== n) fail(what, `data has ${data?.length} elements, shape [${shape.join(', ')}] needs ${n}`);
  const expected = newData(dtype, 0).constructor;
  if (data.constructor !== expected) fail(what, `data must be a ${expected.name} for dtype ${dtype}, got ${data.constructor.name}`);
  // _write_array_header: the dict with sorted keys, each "'key': repr(value), ", then "}", then the growth spaces.
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${pyRepr(shape)}, }`;
  if (shape.length > 0) header += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  // _wrap_header: pad with spaces and a final newline to a multiple of ARRAY_ALIGN (a full ARRAY_ALIGN when it is
  // already aligned: NumPy's padlen is never 0).
  let major = 1;
  let hlenSize = 2;
  let hlen = header.length + 1;
  let padlen = ARRAY_ALIGN - ((6 + 2 + hlenSize + hlen) % ARRAY_ALIGN);
  if (hlen + padlen > 0xffff) {
    major = 2;
    hlenSize = 4;
    padlen = ARRAY_ALIGN - ((6 + 2 + hlenSize + hlen) % ARRAY_ALIGN);
  }
  hlen += padlen;
  const size = SIZE[dtype];
  const out = new Uint8Array(8 + hlenSize + hlen + n * size);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (hlenSize === 2) dv.setUint16(8, hlen, true);
  else dv.setUint32(8, hlen, true);
  let p = 8 + hlenSize;
  for (let i = 0; i < header.length; i++) out[p++] = header.charCodeAt(i);
  for (let i = 0; i < padlen; i++) out[p++] = 0x20;
  out[p++] = 0x0a;
  for (let i = 0; i < n; i++, p += size) {
    switch (dtype) {
      case 'float32': dv.setFloat32(p, (data as Float32Array)[i], true); break;
      case 'float64': dv.setFloat64(p, (data as Float64Array)[i], true); break;
      case 'int8': dv.setInt8(p, (data as Int8Array)[i]); break;
      case 'int16': dv.setInt16(p, (data as Int16Array)[i], true); break;
      case 'int32': dv.setInt32(p, (data as Int32Array)[i], true); break;
      case 'int64': dv.setBigInt64(p, (data as BigInt64Array)[i], true); break;
      case 'uint16': dv.setUint16(p, (data as Uint16Array)[i], true); break;
      case 'uint32': dv.setUint32(p, (data as Uint32Array)[i], true); break;
      case 'bool': {
        const v = (data as Uint8Array)[i];
        if (v > 1) fail(what, `bool data must be 0 or 1, element ${i} is ${v}`);
        dv.setUint8(p, v);
        break;
      }
      default: dv.setUint8(p, (data as Uint8Array)[i]);
    }
  }
  return out;
}

/** Reads a .npz archive: every NAME.npy member, by NAME (np.load(...).files order). Stored and deflated members. */
export function readNpz(buf: Uint8Array, what = 'readNpz'): Map<string, NpyArray> {
  const out = new Map<string, NpyArray>();
  for (const e of zipEntries(buf, what)) {
    if (e.name.endsWith('/')) continue;
    if (!e.name.endsWith('.npy')) fail(what, `member '${e.name}' is not a .npy file (np.savez writes NAME.npy members)`);
    out.set(e.name.slice(0, -4), readNpy(zipRead(buf, e, what), `${what} member ${e.name}`));
  }
  return out;
}

/** Writes a .npz archive as np.savez does (stored members NAME.npy, in the given order). */
export function writeNpz(arrays: Map<string, NpyArray> | Record<string, NpyArray>, what = 'writeNpz'): Uint8Array {
  const entries = arrays instanceof Map ? [...arrays.entries()] : Object.entries(arrays);
  const seen = new Set<string>();
  for (const [name] of entries) {
    // '/' is allowed as np.savez allows it (the member is a/b.npy, np.load names it 'a/b': the compare references
    // use 'layer/node/index'); an empty, '.' or '..' part would make a member path other tools resolve elsewhere.
    if (!name || seen.has(name) || name.split('/').some((p) => p === '' || p === '.' || p === '..')) {
      fail(what, `array names must be unique and non-empty, with no empty, '.' or '..' part between '/', got ${JSON.stringify(name)}`);
    }
    seen.add(name);
  }
  return zipStored(entries.map(([name, a]) => ({ name: `${name}.npy`, data: writeNpy(a, `${what} '${name}'`) })));
}

/**
 * Arrays from JSON, for inputs written by hand or by JS code: a nested array (one array, named `x`) or an object
 * of nested arrays by name. Numbers become float32 (an Embedding casts its float ids to int32, as Keras does),
 * booleans bool; the nesting must be rectangular, and every leaf of one array must be a number or every leaf a
 * boolean.
 */
export function arraysFromJson(text: string, what = 'arraysFromJson'): Map<string, NpyArray> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    fail(what, `not JSON: ${(e as Error).message}`);
  }
  const entries: [string, unknown][] = Array.isArray(v) ? [['x', v]]
    : v !== null && typeof v === 'object' ? Object.entries(v as Record<string, unknown>)
    : fail(what, `expected a nested array or an object of nested arrays, got ${v === null ? 'null' : typeof v}`);
  const out = new Map<string, NpyArray>();
  for (const [name, a] of entries) {
    const shape: number[] = [];
    for (let cur: unknown = a; Array.isArray(cur); cur = cur[0]) {
      shape.push(cur.length);
      if (cur.length === 0) break;
    }
    const leaves: unknown[] = [];
    const walk = (x: unknown, depth: number, at: string): void => {
      if (depth === shape.length) {
        if (Array.isArray(x)) fail(what, `'${name}'${at} is nested deeper than its first element (shape [${shape.join(', ')}])`);
        leaves.push(x);
        return;
      }
      if (!Array.isArray(x) || x.length !== shape[depth]) {
        fail(what, `'${name}' is not rectangular: ${at || 'the top level'} has ${Array.isArray(x) ? `${x.length} elements` : 'a scalar'}, expected ${shape[depth]} (shape [${shape.join(', ')}])`);
      }
      x.forEach((e, i) => walk(e, depth + 1, `${at}[${i}]`));
    };
    walk(a, 0, '');
    if (leaves.every((x) => typeof x === 'boolean') && leaves.length > 0) {
      out.set(name, { dtype: 'bool', shape, data: Uint8Array.from(leaves as boolean[], (b) => (b ? 1 : 0)) });
    } else {
      const bad = leaves.findIndex((x) => typeof x !== 'number');
      if (bad >= 0) fail(what, `'${name}': element ${bad} is ${JSON.stringify(leaves[bad])}; expected numbers (or all booleans)`);
      out.set(name, { dtype: 'float32', shape, data: Float32Array.from(leaves as number[]) });
    }
  }
  return out;
}
