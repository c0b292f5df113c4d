// The two things the Keras import and export need from outside TypeScript: h5wasm's Node build (HDF5 files,
// opened BY PATH only) and a private temporary folder to hand it bytes that live in memory (a ZIP member).

import { mkdtempSync, rmSync } from 'node:fs';
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

/** Opens `path` with h5wasm (mode 'r' or 'w'), after its WebAssembly module is ready. */
export async function openH5(path: string, mode: 'r' | 'w'): Promise<H5File> {
  const h5 = ((await import('h5wasm/node')) as unknown as {
    default: { ready: Promise<unknown>; File: new (path: string, mode: string) => H5File };
  }).default;
  await h5.ready;
  return new h5.File(path, mode);
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
