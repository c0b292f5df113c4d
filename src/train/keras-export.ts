// Export to Keras 3: saveKerasModel(model, 'm.keras') writes the archive Keras's `keras.saving.load_model`
// reads (keras/src/saving/saving_lib.py): a stored ZIP of
//   metadata.json     {keras_version, date_saved}: the Keras release whose format this follows (3.15.1),
//   config.json       model.toJSON(): Keras 3 `serialize_keras_object(model)` with build and compile configs,
//   model.weights.h5  every variable in Keras's group layout (keras-weight-layout.ts), written with h5wasm.
// Optimizer slot state is not written: Keras then warns that it skips loading the optimizer's variables and
// starts them fresh, as it does for any archive saved before the first training step.
// Checked by loading lstm-ts's exports in real TF 2.21 (test/fixtures/check_lstm_ts_export.py): same predictions.

import { fail } from '../tensor/shape.js';
import type { Layer } from '../keras/engine/layer.js';
import type { Model } from './model.js';
import { kerasSaveName, kerasWeightGroups } from './keras-weight-layout.js';
import { zipStored } from './zip.js';
import { h5BytesSync, openH5Sync, loadH5, type H5Node } from './h5.js';
import { pythonJson } from '../util/python-json.js';
import { nodeFs } from '../util/host.js';

/** node:fs, fetched at call time (src/util/host.ts: no static node: imports, so the package bundles for a browser). */
const fs = (): typeof import('node:fs') => nodeFs('Keras file export');

/** The Keras release whose `.keras` layout and config keys lstm-ts writes (and is tested against). */
export const KERAS_FORMAT_VERSION = '3.15.1';

function varsGroup(parent: H5Node, name: string): H5Node {
  const g = parent.create_group('vars');
  g.create_attribute('name', name); // Keras stores each object's name on its vars group
  return g;
}

/** Writes the model's variables into `file` (a new HDF5 file) in Keras 3's layout; h5wasm must be loaded. */
function writeWeightsH5(model: Model, file: string, op: string): void {
  const f = openH5Sync(op, file, 'w');
  try {
    const layersGroup = f.create_group('layers');
    const used = new Map<string, number>();
    for (const layer of model.layers as Layer[]) {
      const key = kerasSaveName(layer.className, used);
      const base = layersGroup.create_group(key);
      const made = new Map<string, H5Node>([['', base]]);
      const groupAt = (path: string): H5Node => {
        let g = made.get(path);
        if (g) return g;
        const cut = path.lastIndexOf('/');
        g = groupAt(cut < 0 ? '' : path.slice(0, cut)).create_group(path.slice(cut + 1));
        made.set(path, g);
        return g;
      };
      for (const wg of kerasWeightGroups(layer)) {
        const vars = varsGroup(groupAt(wg.path), wg.name);
        wg.weights.forEach((w, i) => {
          vars.create_dataset({ name: String(i), data: w.data as Float32Array | Float64Array, shape: [...w.shape], dtype: w.dtype === 'float64' ? '<d' : '<f' });
        });
      }
    }
    varsGroup(f, model.name); // the model's own (empty) variables
  } finally {
    f.close();
  }
}

/**
 * Saves a Sequential or Functional model as a Keras 3 `.keras` archive that `keras.saving.load_model` reads: layers, weights
 * and, if compiled, the optimizer, loss and metrics (not the optimizer's slot state). lstm-ts reads it back with
 * loadKerasModel.
 */
export async function saveKerasModel(model: Model, file: string): Promise<void> {
  await loadH5();
  saveKerasModelSync(model, file);
}

/**
 * Keras `model.save_weights('x.weights.h5')`: the variables alone, in the layout of the archive's
 * model.weights.h5 (loadKerasWeightsH5 and Keras's load_weights read it).
 */
export async function saveKerasWeights(model: Model, file: string): Promise<void> {
  await loadH5();
  saveKerasWeightsSync(model, file);
}

/** saveKerasWeights for synchronous callers (ModelCheckpoint); h5wasm must be loaded (loadH5). */
export function saveKerasWeightsSync(model: Model, file: string): void {
  if (!file.endsWith('.weights.h5')) fail('saveKerasWeights', `the file name must end in .weights.h5 (Keras refuses others), got ${file}`);
  writeWeightsH5(model, file, 'saveKerasWeights');
}

/**
 * The bytes of the `.keras` archive saveKerasModel writes (Node and browsers: e.g. to offer as a download, or to
 * POST); loadKerasModel reads them back, and so does Keras's `load_model` once they are a file.
 */
export async function kerasModelBytes(model: Model): Promise<Uint8Array> {
  await loadH5();
  return kerasArchive(model, 'kerasModelBytes');
}

/** saveKerasModel for synchronous callers (ModelCheckpoint); h5wasm must be loaded (loadH5). */
export function saveKerasModelSync(model: Model, file: string): void {
  if (!file.endsWith('.keras')) fail('saveKerasModel', `the file name must end in .keras (Keras refuses others), got ${file}`);
  const bytes = kerasArchive(model, 'saveKerasModel');
  try {
    fs().writeFileSync(file, bytes);
  } catch (e) {
    fail('saveKerasModel', `cannot write ${file}: ${(e as Error).message}`);
  }
}

/** The .keras ZIP (metadata.json, config.json, model.weights.h5, stored); h5wasm must be loaded. */
function kerasArchive(model: Model, op: string): Uint8Array {
  // A Sequential needs a known input shape (its config starts with an InputLayer); a Functional always has one.
  if ('inputShape' in model && !(model as { inputShape: unknown }).inputShape) {
    fail(op, 'the model has no input shape yet: call it (predict/fit) once, or give its first layer batchInputShape');
  }
  const weights = h5BytesSync(op, 'model.weights.h5', (path) => writeWeightsH5(model, path, op));
  const enc = new TextEncoder();
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}@${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return zipStored([
    { name: 'metadata.json', data: enc.encode(JSON.stringify({ keras_version: KERAS_FORMAT_VERSION, date_saved: date })) },
    { name: 'config.json', data: enc.encode(pythonJson(model.toJSON())) },
    { name: 'model.weights.h5', data: weights },
  ]);
}
