// Import of files written by real Keras 3:
//   loadKerasWeightsH5(model, file): `model.save_weights('x.weights.h5')` (h5wasm reads the HDF5 file) into a
//     built lstm-ts Sequential; each layer's datasets live under layers/<snake_case class>[_k]/.../vars/<i>.
//   loadKerasModel(file): a whole `model.save('m.keras')` archive, a ZIP of config.json, metadata.json and
//     model.weights.h5 (src/train/zip.ts reads it): layers from config.json, weights from the .h5, compile.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { LstmTsError, fail, shapeStr, sameShape } from '../tensor/shape.js';
import { deserializeLayer } from '../keras/engine/registry.js';
import type { Layer } from '../keras/engine/layer.js';
import { Sequential } from './sequential.js';
import { buildFromInputShape, restoreCompile } from './saving.js';
import { zipEntries, zipRead, type ZipEntry } from './zip.js';

/**
 * Loads a model saved by Keras 3 `model.save('m.keras')`: the archive's config.json rebuilds the layers (only
 * Sequential models; each layer through the registry, as loadModel does), model.weights.h5 fills the weights
 * (matched by layer name, every shape checked, as loadKerasWeightsH5), and compile_config restores the
 * optimizer, loss and metrics unless `compile: false`. Optimizer slot state is not read. Keras writes the ZIP
 * members stored; deflated members (a re-packed archive) are read too.
 */
export async function loadKerasModel(file: string, opts: { compile?: boolean } = {}): Promise<Sequential> {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    return fail('loadKerasModel', `cannot read ${file}: ${(e as Error).message}`);
  }
  const entries = zipEntries(buf, file);
  const names = entries.map((e) => e.name);
  const member = (name: string): ZipEntry => {
    const e = entries.find((m) => m.name === name);
    if (!e) fail('loadKerasModel', `${file} has no ${name}; its members are: ${names.join(', ')} (not a Keras 3 .keras file?)`);
    return e;
  };
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(new TextDecoder().decode(zipRead(buf, member('config.json'), file))) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof LstmTsError) throw e;
    return fail('loadKerasModel', `config.json in ${file} is not valid JSON: ${(e as Error).message}`);
  }
  if (json.class_name !== 'Sequential') {
    fail('loadKerasModel', `${file} holds a '${String(json.class_name)}' model; only Sequential models can be loaded (rebuild it as a Sequential, or load its weights with loadKerasWeightsH5)`);
  }
  if (!names.includes('model.weights.h5') && names.includes('model.weights.npz')) {
    fail('loadKerasModel', `${file} stores its weights as model.weights.npz; only model.weights.h5 (Keras's default) is supported`);
  }
  const weights = zipRead(buf, member('model.weights.h5'), file);
  const model = Sequential.fromConfigWith(json.config as Record<string, unknown>, (className, config) =>
    deserializeLayer({ class_name: className, config }));
  buildFromInputShape(model);
  // h5wasm's Node build opens files by path: hand it the member through a private temporary folder.
  const tmp = mkdtempSync(join(tmpdir(), 'lstm-ts-keras-'));
  try {
    const path = join(tmp, 'model.weights.h5');
    writeFileSync(path, weights);
    await loadKerasWeightsH5(model, path);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (opts.compile ?? true) restoreCompile(model, json.compile_config);
  return model;
}

// ---- Keras .weights.h5 import ---------------------------------------------------------------------------

interface H5Node {
  type: string;
  keys?(): string[];
  get?(k: string): H5Node | null;
  value?: unknown;
  shape?: number[] | null;
}

/** Datasets of one saved Keras object: its own vars/0..n, then its children (cell, forward/backward layers). */
function collectVars(g: H5Node): { path: string; node: H5Node }[] {
  const out: { path: string; node: H5Node }[] = [];
  const walk = (node: H5Node, path: string): void => {
    const keys = node.keys?.() ?? [];
    if (keys.includes('vars')) {
      const vars = node.get!('vars')!;
      const idx = (vars.keys?.() ?? []).filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
      for (const k of idx) out.push({ path: `${path}/vars/${k}`, node: vars.get!(k)! });
    }
    // Keras weight order: a wrapper's forward layer before its backward layer, a layer's cell after its own vars.
    const rank = (k: string): number => (k === 'cell' ? 0 : k === 'forward_layer' ? 1 : k === 'backward_layer' ? 2 : 3);
    const children = keys.filter((k) => k !== 'vars').sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
    for (const k of children) {
      const c = node.get!(k);
      if (c && c.type === 'Group') walk(c, `${path}/${k}`);
    }
  };
  walk(g, '');
  return out;
}

/**
 * The group Keras 3 stores a layer's weights under (saving_lib `_save_container_state`): not the layer's name,
 * which is auto-generated and not reproducible, but its class name in snake case (`naming.to_snake_case`:
 * LSTM → lstm, SimpleRNN → simple_rnn, TimeDistributed → time_distributed), numbered _1, _2, … for repeats of
 * a class in the same list (`_get_unique_name`).
 */
export function kerasSaveName(className: string, used: Map<string, number>): string {
  const snake = className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
  const n = used.get(snake);
  used.set(snake, n === undefined ? 0 : n + 1);
  return n === undefined ? snake : `${snake}_${n + 1}`;
}

/**
 * Loads weights saved by Keras 3 (`model.save_weights('m.weights.h5')`) into a built lstm-ts Sequential model.
 * Layers are matched by position and class as Keras stores them (layers/<snake_case class>[_k], see
 * kerasSaveName), weights by Keras order within each layer; every shape is checked.
 */
export async function loadKerasWeightsH5(model: Sequential, file: string): Promise<void> {
  const h5mod = (await import('h5wasm/node')) as unknown as {
    default: { ready: Promise<unknown>; File: new (path: string, mode: string) => H5Node & { close(): void } };
  };
  const h5 = h5mod.default;
  await h5.ready;
  let f: H5Node & { close(): void };
  try {
    f = new h5.File(file, 'r');
  } catch (e) {
    return fail('loadKerasWeightsH5', `cannot open ${file} as HDF5: ${(e as Error).message}`);
  }
  try {
    const layersGroup = f.get?.('layers');
    if (!layersGroup) fail('loadKerasWeightsH5', `${file} has no 'layers' group: not a Keras 3 .weights.h5 file`);
    const available = layersGroup.keys?.() ?? [];
    const used = new Map<string, number>();
    for (const layer of model.layers as Layer[]) {
      const key = kerasSaveName(layer.className, used); // every layer counts, also those without weights
      const ws = layer.weights;
      if (ws.length === 0) continue;
      const g = available.includes(key) ? layersGroup.get!(key) : null;
      if (!g) fail('loadKerasWeightsH5', `layer '${layer.name}' (stored by Keras as layers/${key}) not found in ${file}; the file has layers: ${available.join(', ')}`);
      const vars = collectVars(g);
      if (vars.length !== ws.length) {
        fail('loadKerasWeightsH5', `layer '${layer.name}' has ${ws.length} weights but the file stores ${vars.length} under layers/${key} (${vars.map((v) => v.path).join(', ')})`);
      }
      vars.forEach((v, i) => {
        const shape = v.node.shape ?? [];
        if (!sameShape(shape, ws[i].shape)) {
          fail('loadKerasWeightsH5', `layer '${layer.name}' weight ${ws[i].name}: file has shape ${shapeStr(shape)} at layers/${key}${v.path}, model needs ${shapeStr(ws[i].shape)}`);
        }
        const value = v.node.value as ArrayLike<number>;
        ws[i].assign(value instanceof Tensor ? value : Array.from(value));
      });
    }
  } finally {
    f.close();
  }
}
