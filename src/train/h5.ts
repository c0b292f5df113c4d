// The two things the Keras import and export need from outside TypeScript: h5wasm (HDF5 files, opened BY PATH
// only) and a scratch file to hand it bytes that live in memory (a ZIP member, a fetched file).
//
// `#h5wasm` is a subpath import of our package.json: h5wasm's Node build on Node (real files), its ESM build
// elsewhere (emscripten's in-memory file system). So on Node a scratch file lives in a private temporary
// folder, and in a browser in h5wasm's MEMFS; the code that reads and writes HDF5 is the same on both.

import { fail } from '../tensor/shape.js';
import { isNode, nodeFs, nodeModule, pathJoin } from '../util/host.js';

/** The part of h5wasm's Group / Dataset / File API lstm-ts uses (read and write). */
export interface H5Node {
  type: string;
  keys?(): string[];
  get?(k: string): H5Node | null;
  value?: unknown;
  shape?: number[] | null;
  create_group(name: string): H5Node;
  create_dataset(args: { name: string; data: Float32Array | Float64Array; shape: number[]; dtype: string }): unknown;
  create_attribute(name: string, data: string): void;
}
export interface H5File extends H5Node { close(): void }

/**
 * Whether `path` starts with the HDF5 signature (\x89HDF\r\n\x1a\n at byte 0, or at 512, 1024, 2048, ...
 * after a user block). Checked before h5wasm sees a file: on anything else it fails with "name not defined"
 * and prints HDF5's diagnostics to stderr.
 */
export function checkHdf5(op: string, path: string): void {
  let buf: Uint8Array;
  try {
    buf = nodeFs(op).readFileSync(path);
  } catch (e) {
    fail(op, `cannot read ${path}: ${(e as Error).message}`);
  }
  checkHdf5Bytes(op, buf, path);
}

/** checkHdf5 for bytes in memory (`what` names them in the error). */
export function checkHdf5Bytes(op: string, buf: Uint8Array, what: string): void {
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  for (let at = 0; at + 8 <= buf.length; at = at === 0 ? 512 : at * 2) {
    if (sig.every((b, k) => buf[at + k] === b)) return;
  }
  fail(op, `${what} is not an HDF5 file (no HDF5 signature; ${buf.length} bytes)`);
}

/** h5wasm's emscripten file system (the ESM build's MEMFS). */
interface H5Fs { writeFile(path: string, data: Uint8Array): void; readFile(path: string): Uint8Array; unlink(path: string): void }
type H5Module = { ready: Promise<unknown>; File: new (path: string, mode: string) => H5File; FS?: H5Fs | null };
let h5Module: H5Module | null = null;

/**
 * Loads h5wasm (15 MB on Node, 4 MB in a browser, so only when a Keras file is first read or written) and waits
 * for its WebAssembly module. Afterwards files open synchronously (openH5Sync), which the synchronous paths need
 * (ModelCheckpoint inside fit).
 */
export async function loadH5(): Promise<void> {
  if (h5Module !== null) return;
  // Both builds export `ready`, `File` and `FS` by name (FS is set once ready: read it through the module
  // namespace, a live binding) and a default object without FS.
  const m = (await import('#h5wasm')) as unknown as H5Module;
  await m.ready;
  h5Module = m;
}

export function h5Loaded(): boolean {
  return h5Module !== null;
}

export async function openH5(path: string, mode: 'r' | 'w'): Promise<H5File> {
  await loadH5();
  return new h5Module!.File(path, mode);
}

/** Opens `path` synchronously; h5wasm must be loaded already (loadH5), else `op` fails saying so. */
export function openH5Sync(op: string, path: string, mode: 'r' | 'w'): H5File {
  if (h5Module === null) {
    fail(op, 'writing a Keras HDF5 file needs h5wasm, which loads asynchronously: `await lt.keras.loadH5()` (or `await callback.ready`) once before this synchronous call');
  }
  return new h5Module.File(path, mode);
}

let scratchCount = 0;

/** A scratch file for h5wasm: in a private temporary folder on Node, in h5wasm's MEMFS elsewhere. */
interface Scratch { path: string; write(d: Uint8Array): void; read(): Uint8Array; remove(): void }
function scratchFile(op: string, name: string): Scratch {
  if (isNode()) {
    const fs = nodeFs(op);
    const dir = fs.mkdtempSync(pathJoin(nodeModule('node:os', op).tmpdir(), 'lstm-ts-h5-'));
    const path = pathJoin(dir, name);
    return {
      path, write: (d) => fs.writeFileSync(path, d), read: () => new Uint8Array(fs.readFileSync(path)),
      remove: () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const mem = h5Module?.FS;
  if (!mem) fail(op, 'h5wasm is not loaded (or this build has no in-memory file system): `await lt.keras.loadH5()` first');
  const path = `/lstm-ts-scratch-${++scratchCount}-${name}`;
  return {
    path, write: (d) => mem.writeFile(path, d), read: () => mem.readFile(path),
    remove: () => { try { mem.unlink(path); } catch { /* never written */ } },
  };
}

/** Runs `fn` on the path of a scratch file holding `bytes` (an HDF5 file in memory), removed after fn settles. */
export async function withH5Bytes<T>(op: string, bytes: Uint8Array, name: string, fn: (path: string) => Promise<T>): Promise<T> {
  await loadH5();
  const s = scratchFile(op, name);
  try {
    s.write(bytes);
    return await fn(s.path);
  } finally {
    s.remove();
  }
}

/** The bytes of the HDF5 file `write(path)` creates at a scratch path (h5wasm must be loaded: loadH5). */
export function h5BytesSync(op: string, name: string, write: (path: string) => void): Uint8Array {
  const s = scratchFile(op, name);
  try {
    write(s.path);
    return s.read();
  } finally {
    s.remove();
  }
}
