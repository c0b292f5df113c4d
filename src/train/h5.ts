// The two things the Keras import and export need from outside TypeScript: h5wasm's Node build (HDF5 files,
// opened BY PATH only) and a private temporary folder to hand it bytes that live in memory (a ZIP member).

import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { fail } from '../tensor/shape.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    fail(op, `cannot read ${path}: ${(e as Error).message}`);
  }
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  for (let at = 0; at + 8 <= buf.length; at = at === 0 ? 512 : at * 2) {
    if (sig.every((b, k) => buf[at + k] === b)) return;
  }
  fail(op, `${path} is not an HDF5 file (no HDF5 signature; ${buf.length} bytes)`);
}

type H5Module = { ready: Promise<unknown>; File: new (path: string, mode: string) => H5File };
let h5Module: H5Module | null = null;

/**
 * Loads h5wasm's Node build (15 MB, so only when a Keras file is first read or written) and waits for its
 * WebAssembly module. Afterwards files open synchronously (openH5Sync), which the synchronous paths need
 * (ModelCheckpoint inside fit).
 */
export async function loadH5(): Promise<void> {
  if (h5Module !== null) return;
  const h5 = ((await import('h5wasm/node')) as unknown as { default: H5Module }).default;
  await h5.ready;
  h5Module = h5;
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

/** inTempDir for synchronous work. */
export function inTempDirSync<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-h5-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `fn` with a fresh private temporary folder, removed afterwards (also on error). */
export async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-h5-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
