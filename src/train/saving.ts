// Saving and loading Sequential models.
//
// model.save(dir) / saveModel(model, dir) writes a folder:
//   config.json    — the model in Keras 3's `model.to_json()` format: {module, class_name: 'Sequential',
//                    config: {name, layers: [InputLayer, {class_name, config, build_config}, ...]},
//                    build_config, compile_config}; the layer configs are the layers' own Keras getConfig().
//   weights.bin    — every weight's raw values, little-endian, in Keras `model.weights` order, back to back.
//   manifest.json  — {format, version, weights: [{name, shape, dtype, offset, byte_length}]}: what is where
//                    in weights.bin, so the binary file needs no header and can be memory-mapped elsewhere.
// loadModel(dir) rebuilds the layers from config.json through the layer registry (each layer class's
// fromConfig), builds them with the recorded input shape, and assigns the weights (count, shapes and dtypes
// checked). The optimizer and loss are restored from compile_config; optimizer slot state is not saved.
//
// Files written by real Keras 3 (.weights.h5, .keras) are read by keras-import.ts, with the helpers below.

import { allocate } from '../tensor/tensor.js';
import { fail, shapeStr, sameShape, sizeOf } from '../tensor/shape.js';
import { deserializeLayer, registerLayerClass } from '../keras/engine/registry.js';
import '../keras/layers.js'; // registers every built-in layer class for deserializeLayer
import { Sequential } from './sequential.js';
import type { Model } from './model.js';
import { functionalFromConfig } from '../keras/engine/functional.js';
import { WEIGHTS_FORMAT, type Manifest } from './save-model.js';
export { saveModel, WEIGHTS_FORMAT } from './save-model.js';
import * as optimizersMod from './optimizers/index.js';
import * as lossesMod from './losses/index.js';
import * as metricsMod from './metrics/index.js';
import { crc32 } from './zip.js';
import { checkOptions, checkBoolean, describeValue } from '../util/options.js';
import { nodeFs, pathJoin } from '../util/host.js';

/** node:fs, fetched at call time (src/util/host.ts: no static node: imports, so the package bundles for a browser). */
const fs = (): typeof import('node:fs') => nodeFs('loadModel');

/** A Sequential from its Keras config, every layer through the layer registry (not built yet). */
export function sequentialFromConfig(cfg: Record<string, unknown>): Sequential {
  return Sequential.fromConfigWith(cfg, (className, config) => deserializeLayer({ class_name: className, config }));
}

// A Sequential nested in a config (e.g. inside another Sequential) deserializes like any layer.
registerLayerClass('Sequential', sequentialFromConfig);

function readJson(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs().readFileSync(path, 'utf8');
  } catch (e) {
    return fail('loadModel', `cannot read ${what} at ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    return fail('loadModel', `${what} at ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * Builds every layer by running the model once on zeros of the recorded input shape (its batch size when the
 * shape fixes one, as a stateful model's does; else 1; unknown sequence lengths at 1), then zeroes the states of stateful layers, which that
 * run has advanced: a loaded model starts from zero states, as one freshly built by Keras does.
 */
export function buildFromInputShape(model: Sequential): void {
  const s = model.inputShape;
  if (!s) fail('loadModel', 'the config has no input shape (no InputLayer / build_input_shape); cannot build the layers');
  model.buildFresh(s);
}

/** Rebuilds a Sequential or Functional model from a folder written by saveModel: identical predictions. */
export function loadModel(dir: string, opts: { compile?: boolean } = {}): Model {
  if (typeof dir !== 'string' || dir === '') fail('loadModel', `dir must be the path of a folder written by model.save(), got ${describeValue(dir)}`);
  checkOptions('loadModel', opts, ['compile']);
  checkBoolean('loadModel', 'compile', opts.compile);
  const json = readJson(pathJoin(dir, 'config.json'), 'config.json');
  let model: Model;
  if (json.class_name === 'Functional') {
    model = functionalFromConfig(json.config as Record<string, unknown>, (e) => deserializeLayer({ class_name: e.class_name, config: e.config }));
  } else if (json.class_name === 'Sequential') {
    const seq = sequentialFromConfig(json.config as Record<string, unknown>);
    buildFromInputShape(seq);
    model = seq;
  } else {
    return fail('loadModel', `only Sequential and Functional models can be loaded, got class_name '${String(json.class_name)}'`);
  }
  const manifest = readJson(pathJoin(dir, 'manifest.json'), 'manifest.json') as unknown as Manifest;
  if (manifest.format !== WEIGHTS_FORMAT) fail('loadModel', `manifest.json has format '${manifest.format}', expected '${WEIGHTS_FORMAT}'`);
  let buf: Uint8Array;
  try {
    buf = fs().readFileSync(pathJoin(dir, 'weights.bin'));
  } catch (e) {
    return fail('loadModel', `cannot read weights.bin in ${dir}: ${(e as Error).message}`);
  }
  const ws = model.weights;
  if (!Array.isArray(manifest.weights)) fail('loadModel', 'manifest.json has no weights list');
  if (manifest.weights.length !== ws.length) {
    fail('loadModel', `weights.bin holds ${manifest.weights.length} weights but the rebuilt model has ${ws.length}`);
  }
  checkByteRanges(manifest, buf);
  manifest.weights.forEach((e, i) => {
    const w = ws[i];
    if (!sameShape(e.shape, w.shape)) fail('loadModel', `weight ${i} ('${e.name}') has shape ${shapeStr(e.shape)} in the file but ${shapeStr(w.shape)} in the model ('${w.name}')`);
    const n = sizeOf(e.shape);
    const width = e.dtype === 'float64' ? 8 : 4;
    if (e.byte_length !== n * width || e.offset + e.byte_length > buf.length) {
      fail('loadModel', `weight ${i} ('${e.name}'): byte range ${e.offset}+${e.byte_length} does not fit ${n} ${e.dtype} values in a ${buf.length}-byte weights.bin`);
    }
    if (e.crc32 !== undefined && crc32(buf.subarray(e.offset, e.offset + e.byte_length)) !== e.crc32) {
      fail('loadModel', `weight ${i} ('${e.name}'): its bytes in weights.bin do not match the manifest's CRC-32 (the file is corrupt or was changed)`);
    }
    const vals = allocate(e.dtype, n);
    const view = new DataView(buf.buffer, buf.byteOffset + e.offset, e.byte_length);
    for (let k = 0; k < n; k++) vals[k] = width === 8 ? view.getFloat64(k * 8, true) : view.getFloat32(k * 4, true);
    w.assign(vals);
  });
  if (opts.compile ?? true) restoreCompile(model, json.compile_config);
  return model;
}

/**
 * The weights must tile weights.bin exactly: in manifest order, each starting where the previous one ended,
 * the first at 0 and the last ending at the file's end. Ranges that overlap, leave gaps or are shifted would
 * otherwise load other bytes as weights without a word.
 */
function checkByteRanges(manifest: Manifest, buf: Uint8Array): void {
  let end = 0;
  manifest.weights.forEach((e, i) => {
    if (!Number.isInteger(e.offset) || !Number.isInteger(e.byte_length) || e.byte_length < 0) {
      fail('loadModel', `weight ${i} ('${e.name}'): offset and byte_length must be non-negative integers, got ${String(e.offset)} and ${String(e.byte_length)}`);
    }
    if (e.offset !== end) {
      fail('loadModel', `weight ${i} ('${e.name}') starts at byte ${e.offset} of weights.bin, but the previous weight ends at ${end}: ` +
        'the byte ranges must be in order, disjoint and without gaps');
    }
    end = e.offset + e.byte_length;
  });
  if (end !== buf.length) fail('loadModel', `the manifest's weights cover ${end} bytes but weights.bin has ${buf.length}`);
}

/** compile_config metrics: a flat list, a list per output, or an object by output name (Keras's forms). */
function perOutputMetrics(m: unknown): metricsMod.MetricSpec | undefined {
  if (m === null || m === undefined) return undefined;
  const list = (v: unknown): metricsMod.MetricIdentifier[] => (Array.isArray(v) ? v.map(metricsMod.idFromConfig) : [metricsMod.idFromConfig(v)]);
  if (Array.isArray(m)) return m.length > 0 && m.every((x) => Array.isArray(x)) ? m.map(list) : list(m);
  if (typeof m === 'object' && typeof (m as { class_name?: unknown }).class_name !== 'string') {
    return Object.fromEntries(Object.entries(m as Record<string, unknown>).map(([k, v]) => [k, list(v)]));
  }
  return list([m]);
}

/** Keras `compile_config` (optimizer, loss, metrics) → model.compile; nothing when it lacks an optimizer or loss. */
export function restoreCompile(model: Model, compileConfig: unknown): void {
  const cc = compileConfig as Record<string, unknown> | undefined | null;
  if (!cc || !cc.optimizer || !cc.loss) return;

  // One loss (a name or a serialized loss), or one per output: a list, or an object keyed by output name.
  const one = (l: unknown): lossesMod.Loss => lossesMod.get(l as string | Record<string, unknown>);
  const l = cc.loss;
  const isSerialized = l !== null && typeof l === 'object' && !Array.isArray(l) && typeof (l as { class_name?: unknown }).class_name === 'string';
  const loss = typeof l === 'string' || isSerialized ? one(l) : Array.isArray(l) ? l.map(one)
    : Object.fromEntries(Object.entries(l as Record<string, unknown>).map(([k, v]) => [k, one(v)]));
  const lw = cc.loss_weights as number[] | Record<string, number> | null | undefined;
  model.compile({
    optimizer: optimizersMod.get(cc.optimizer as Record<string, unknown>),
    loss,
    ...(lw !== null && lw !== undefined ? { lossWeights: lw } : {}),
    metrics: perOutputMetrics(cc.metrics),
    weightedMetrics: perOutputMetrics(cc.weighted_metrics),
  });
}
