// Import of files written by real Keras 3 (HDF5 through h5.ts):
//   loadKerasWeightsH5(model, file): `model.save_weights('x.weights.h5')` (h5wasm reads the HDF5 file) into a
//     built lstm-ts Sequential; each layer's datasets live under layers/<snake_case class>[_k]/.../vars/<i>.
//   loadKerasModel(file): a whole `model.save('m.keras')` archive, a ZIP of config.json, metadata.json and
//     model.weights.h5 (src/train/zip.ts reads it): layers from config.json, weights from the .h5, compile.

import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { LstmTsError, fail, shapeStr, sameShape } from '../tensor/shape.js';
import type { Layer } from '../keras/engine/layer.js';
import { Model } from './model.js';
import { functionalFromConfig } from '../keras/engine/functional.js';
import { deserializeLayer } from '../keras/engine/registry.js';
import { buildFromInputShape, restoreCompile, sequentialFromConfig } from './saving.js';
import { zipEntries, zipRead, type ZipEntry } from './zip.js';
import { kerasSaveName, kerasWeightGroups } from './keras-weight-layout.js';
import { withH5Bytes, openH5, checkHdf5, checkHdf5Bytes, type H5File, type H5Node } from './h5.js';
import { checkOptions, checkBoolean, describeValue } from '../util/options.js';
import { nodeFs } from '../util/host.js';

/** node:fs, fetched at call time (src/util/host.ts: no static node: imports, so the package bundles for a browser). */
const fs = (): typeof import('node:fs') => nodeFs('Keras file import');
export { kerasSaveName } from './keras-weight-layout.js';

/** A copy of bytes a caller handed in: it may reuse its buffer while a load awaits h5wasm. */
function copyBytes(source: Uint8Array | ArrayBuffer): Uint8Array {
  return source instanceof ArrayBuffer ? new Uint8Array(source.slice(0)) : new Uint8Array(source);
}

/**
 * Loads a model saved by Keras 3 `model.save('m.keras')`, from a path or from the archive's bytes (a
 * Uint8Array / ArrayBuffer, e.g. fetched): the archive's config.json rebuilds the model (Sequential or
 * Functional; each layer through the registry, as loadModel does), model.weights.h5 fills the weights (Keras's
 * group layout, every count and shape checked, as loadKerasWeightsH5), and compile_config restores the
 * optimizer, loss and metrics unless `compile: false`. Optimizer slot state is not read. Keras writes the ZIP
 * members stored; deflated members (a re-packed archive) are read too.
 */
export async function loadKerasModel(source: string | Uint8Array | ArrayBuffer, opts: { compile?: boolean } = {}): Promise<Model> {
  const isBytes = source instanceof Uint8Array || source instanceof ArrayBuffer;
  if (!isBytes && (typeof source !== 'string' || source === '')) {
    fail('loadKerasModel', `source must be the path of a .keras file or its bytes (Uint8Array / ArrayBuffer), got ${describeValue(source)}`);
  }
  checkOptions('loadKerasModel', opts, ['compile']);
  checkBoolean('loadKerasModel', 'compile', opts.compile);
  const file = isBytes ? '<bytes>' : (source as string);
  let buf: Uint8Array;
  try {
    buf = isBytes ? copyBytes(source as Uint8Array | ArrayBuffer) : fs().readFileSync(file);
  } catch (e) {
    return fail('loadKerasModel', `cannot read ${file}: ${(e as Error).message}`);
  }
  // A legacy full-model HDF5 file (`model.save('m.h5')`, Keras 2 / tf.keras, still written by Keras 3.15)
  if (buf.length >= 8 && buf[0] === 0x89 && buf[1] === 0x48 && buf[2] === 0x44 && buf[3] === 0x46) {
    return withH5Bytes('loadKerasModel', buf, 'model.h5', (path) => loadLegacyH5(path, file, opts.compile ?? true));
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
  checkModelJson('loadKerasModel', json, file);
  if (!names.includes('model.weights.h5') && names.includes('model.weights.npz')) {
    fail('loadKerasModel', `${file} stores its weights as model.weights.npz; only model.weights.h5 (Keras's default) is supported`);
  }
  const weights = zipRead(buf, member('model.weights.h5'), file);
  const model = modelFromJson(json);
  // h5wasm opens files by path: hand it the member through a scratch file (h5.ts).
  await withH5Bytes('loadKerasModel', weights, 'model.weights.h5', (path) => readWeightsH5(model, path, `${file}:model.weights.h5`));
  if (opts.compile ?? true) restoreCompile(model, json.compile_config);
  return model;
}

function checkModelJson(op: string, json: Record<string, unknown>, file: string): void {
  if (json.class_name !== 'Sequential' && json.class_name !== 'Functional' && json.class_name !== 'Model') {
    fail(op, `${file} holds a '${String(json.class_name)}' model; Sequential and Functional models can be loaded (a subclassed model has no config to rebuild it from)`);
  }
}

/** The built model (fresh weights) from a Keras `model.to_json()` object. */
function modelFromJson(json: Record<string, unknown>): Model {
  if (json.class_name === 'Sequential') {
    const seq = sequentialFromConfig(json.config as Record<string, unknown>);
    buildFromInputShape(seq);
    return seq;
  }
  // Built as it is defined: the traced layer calls create every weight (functional.ts).
  return functionalFromConfig(json.config as Record<string, unknown>, (e) => deserializeLayer({ class_name: e.class_name, config: e.config }));
}

/**
 * A model from Keras's `model.to_json()` file and the weights `model.save_weights('m.weights.h5')` wrote (Keras
 * `model_from_json` + `load_weights`); compile_config, which to_json includes once the model is compiled,
 * restores the optimizer and loss unless `compile: false`.
 */
export async function loadKerasModelJson(jsonFile: string, weightsFile: string, opts: { compile?: boolean } = {}): Promise<Model> {
  if (typeof jsonFile !== 'string' || jsonFile === '') fail('loadKerasModelJson', `jsonFile must be the path of a model.to_json() file, got ${describeValue(jsonFile)}`);
  checkOptions('loadKerasModelJson', opts, ['compile']);
  checkBoolean('loadKerasModelJson', 'compile', opts.compile);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(fs().readFileSync(jsonFile, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    return fail('loadKerasModelJson', `cannot read ${jsonFile} as JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object') fail('loadKerasModelJson', `${jsonFile} is not a model.to_json() object`);
  checkModelJson('loadKerasModelJson', json, jsonFile);
  const model = modelFromJson(json);
  await loadKerasWeightsH5(model, weightsFile);
  if (opts.compile ?? true) restoreCompile(model, json.compile_config);
  return model;
}

/** A dataset's values as a flat array: h5wasm gives a scalar dataset (shape []: Attention's `scale`) as a number. */
function datasetValues(v: ArrayLike<number> | number): number[] {
  return typeof v === 'number' ? [v] : Array.from(v);
}

/** An attribute's value read through h5wasm (strings, arrays of strings). */
function attr(node: H5Node, name: string): unknown {
  const a = (node as unknown as { attrs?: Record<string, { value: unknown }> }).attrs;
  return a && name in a ? a[name].value : undefined;
}

const textOf = (v: unknown): string => (typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v));
const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.map(textOf) : v === undefined || v === null ? [] : typeof v === 'string' ? [v] : Array.from(v as ArrayLike<unknown>).map(textOf));

/**
 * Keras's legacy full-model HDF5 format (keras/src/legacy/saving/legacy_h5_format.py, keras-layers.md §2):
 * root attributes `model_config` (the model's JSON) and `training_config`; `model_weights` lists
 * `layer_names`, and each layer's group its `weight_names`, the datasets in the layer's weight order. Layers with
 * weights are matched in order, as Keras's `load_weights_from_hdf5_group` does, every name, count and shape checked.
 */
async function loadLegacyH5(path: string, file: string, compile: boolean): Promise<Model> {
  const where = 'loadKerasModel';
  const f = await openH5(path, 'r');
  try {
    const mc = attr(f, 'model_config');
    if (mc === undefined) fail(where, `${file} is an HDF5 file without a model_config attribute: a weights-only file? (use loadKerasWeightsH5 for .weights.h5)`);
    const json = JSON.parse(textOf(mc)) as { class_name: string; config: Record<string, unknown> };
    let model: Model;
    if (json.class_name === 'Sequential') {
      const seq = sequentialFromConfig(json.config);
      buildFromInputShape(seq);
      model = seq;
    } else if (json.class_name === 'Functional' || json.class_name === 'Model') {
      model = functionalFromConfig(json.config, (e) => deserializeLayer({ class_name: e.class_name, config: e.config }));
    } else {
      return fail(where, `${file} holds a '${json.class_name}' model; Sequential and Functional models can be loaded`);
    }
    const mw = f.get?.('model_weights');
    if (!mw) fail(where, `${file} has no model_weights group`);
    const stored = listOf(attr(mw, 'layer_names')).filter((n) => listOf(attr(mw.get!(n)!, 'weight_names')).length > 0);
    const withWeights = model.layers.filter((l) => l.weights.length > 0);
    if (stored.length !== withWeights.length) {
      fail(where, `${file} stores weights for ${stored.length} layers (${stored.join(', ')}) but the model has ${withWeights.length} (${withWeights.map((l) => l.name).join(', ')})`);
    }
    withWeights.forEach((layer, k) => {
      const g = mw.get!(stored[k])!;
      const names = listOf(attr(g, 'weight_names'));
      // Keras's _legacy_weights order: trainable, then non-trainable; a nested model's group holds all of its
      // layers' weights (named by their paths) in that order.
      const targets = [...layer.trainableWeights, ...layer.nonTrainableWeights];
      if (names.length !== targets.length) fail(where, `layer '${layer.name}' has ${targets.length} weights but ${file} stores ${names.length} for '${stored[k]}'`);
      names.forEach((n, i) => {
        const ds = g.get!(n);
        if (!ds) fail(where, `${file}: dataset ${stored[k]}/${n} is missing`);
        if (!sameShape(ds.shape ?? [], targets[i].shape)) {
          fail(where, `layer '${layer.name}' weight ${i} (${n}): file has shape ${shapeStr(ds.shape ?? [])}, the model needs ${shapeStr(targets[i].shape)}`);
        }
        targets[i].assign(tensor(datasetValues(ds.value as ArrayLike<number> | number), { shape: [...targets[i].shape], dtype: targets[i].dtype }));
      });
    });
    if (compile) {
      const tc = attr(f, 'training_config');
      if (tc !== undefined) {
        const t = JSON.parse(textOf(tc)) as Record<string, unknown>;
        restoreCompile(model, { optimizer: t.optimizer_config, loss: t.loss, metrics: t.metrics, loss_weights: t.loss_weights });
      }
    }
    return model;
  } finally {
    f.close();
  }
}

// ---- Keras .weights.h5 import ---------------------------------------------------------------------------

/** The node at a slash-separated path below `root`, or null. */
function h5At(root: H5Node, path: string): H5Node | null {
  let node: H5Node | null = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    if (!node || node.type !== 'Group' || !(node.keys?.() ?? []).includes(part)) return null;
    node = node.get!(part);
  }
  return node;
}

/**
 * Loads weights saved by Keras 3 (`model.save_weights('m.weights.h5')`) into a built lstm-ts model, from a path
 * (Node) or from the file's bytes (Node and browsers).
 * Layers are matched by position and class as Keras stores them (layers/<snake_case class>[_k]), their variables
 * group by group as keras-weight-layout.ts describes (stacked cells in the model's order); every count and shape
 * is checked.
 */
export async function loadKerasWeightsH5(model: Model, source: string | Uint8Array | ArrayBuffer): Promise<void> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const bytes = copyBytes(source);
    checkHdf5Bytes('loadKerasWeightsH5', bytes, '<bytes>');
    return withH5Bytes('loadKerasWeightsH5', bytes, 'model.weights.h5', (path) => readWeightsH5(model, path, '<bytes>'));
  }
  if (typeof source !== 'string' || source === '') {
    fail('loadKerasWeightsH5', `source must be the path of a .weights.h5 file or its bytes (Uint8Array / ArrayBuffer), got ${describeValue(source)}`);
  }
  checkHdf5('loadKerasWeightsH5', source);
  return readWeightsH5(model, source, source);
}

/** loadKerasWeightsH5 on an HDF5 file at `path` (a scratch file for bytes); `file` names it in errors. */
async function readWeightsH5(model: Model, path: string, file: string): Promise<void> {
  let f: H5File;
  try {
    f = await openH5(path, 'r');
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
      const groups = kerasWeightGroups(layer);
      if (groups.every((g) => g.weights.length === 0)) continue;
      if (!available.includes(key)) {
        fail('loadKerasWeightsH5', `layer '${layer.name}' (stored by Keras as layers/${key}) not found in ${file}; the file has layers: ${available.join(', ')}`);
      }
      for (const g of groups) {
        const rel = `${key}${g.path ? '/' + g.path : ''}/vars`;
        const where = `layers/${rel}`;
        const vars = h5At(layersGroup, rel);
        const stored = vars && vars.type === 'Group' ? (vars.keys?.() ?? []).filter((k) => /^\d+$/.test(k)) : [];
        // Keras `_check_load_own_variables`: an object loads exactly as many variables as it holds.
        if (stored.length !== g.weights.length) {
          fail('loadKerasWeightsH5', `layer '${layer.name}': '${g.name}' has ${g.weights.length} weights but ${file} stores ${stored.length} at ${where}`);
        }
        g.weights.forEach((w, i) => {
          const ds = vars!.get!(String(i))!;
          const shape = ds.shape ?? [];
          if (!sameShape(shape, w.shape)) {
            fail('loadKerasWeightsH5', `layer '${layer.name}' weight ${w.name}: file has shape ${shapeStr(shape)} at ${where}/${i}, model needs ${shapeStr(w.shape)}`);
          }
          const value = ds.value as ArrayLike<number> | number;
          w.assign(value instanceof Tensor ? value : datasetValues(value));
        });
      }
    }
  } finally {
    f.close();
  }
}
