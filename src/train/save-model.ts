// Writing a model folder (config.json + weights.bin + manifest.json); see saving.ts for the format and the
// loaders. Kept apart from saving.ts so Sequential.save can use it without an import cycle.
import type { Tensor, DType } from '../tensor/tensor.js';
import { fail } from '../tensor/shape.js';
import { crc32 } from './zip.js';
import { pythonJson } from '../util/python-json.js';
import { nodeFs, pathJoin } from '../util/host.js';

/** node:fs, fetched at call time (src/util/host.ts: no static node: imports, so the package bundles for a browser). */
const fs = (): typeof import('node:fs') => nodeFs('saveModel');

/** What saveModel needs from a model. */
export interface SavableModel {
  readonly built: boolean;
  readonly weights: Tensor[];
  toJSON(): Record<string, unknown>;
}

export const WEIGHTS_FORMAT = 'lstm-ts-weights';

export interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: DType;
  offset: number;
  byte_length: number;
  /** CRC-32 (zip's polynomial) of the weight's bytes; written since manifest version 2, checked on load. */
  crc32?: number;
}

export interface Manifest {
  format: string;
  version: number;
  weights: ManifestEntry[];
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function toLittleEndianBytes(data: Float32Array | Float64Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  if (!littleEndian) {
    const w = data.BYTES_PER_ELEMENT;
    for (let i = 0; i < bytes.length; i += w) bytes.subarray(i, i + w).reverse();
  }
  return bytes;
}

/** Writes config.json, weights.bin and manifest.json into `dir` (created if needed). */
export function saveModel(model: SavableModel, dir: string): void {
  if (model === null || typeof model !== 'object' || !Array.isArray(model.weights)) fail('saveModel', `model must be a built Sequential, got ${model === null ? 'null' : typeof model}`);
  if (typeof dir !== 'string' || dir === '') fail('saveModel', `dir must be a folder path, got ${dir === null ? 'null' : typeof dir}`);
  if (!model.built) {
    fail('saveModel', 'the model has not been built yet: call it (predict / fit) once before saving');
  }
  fs().mkdirSync(dir, { recursive: true });
  const entries: ManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const w of model.weights) {
    const bytes = toLittleEndianBytes(w.data);
    entries.push({ name: w.name ?? `weight_${entries.length}`, shape: [...w.shape], dtype: w.dtype, offset, byte_length: bytes.length, crc32: crc32(bytes) });
    chunks.push(bytes);
    offset += bytes.length;
  }
  const all = new Uint8Array(offset);
  let p = 0;
  for (const c of chunks) {
    all.set(c, p);
    p += c.length;
  }
  fs().writeFileSync(pathJoin(dir, 'config.json'), pythonJson(model.toJSON(), 1));
  fs().writeFileSync(pathJoin(dir, 'weights.bin'), all);
  const manifest: Manifest = { format: WEIGHTS_FORMAT, version: 2, weights: entries };
  fs().writeFileSync(pathJoin(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
}

