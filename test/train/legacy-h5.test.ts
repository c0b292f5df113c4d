// Legacy full-model HDF5 files (`model.save('m.h5')`, the Keras 2 / tf.keras format, still written by Keras 3.15)
// from REAL TF 2.21 (test/fixtures/generate_legacy_h5.py): a Sequential (LSTM → Bidirectional(SimpleRNN) →
// Dense), a two-input Functional with a shared LSTM, and a Functional with a nested Functional (called twice) and a
// nested Sequential (one weight group per nested model, weights named by their paths) load with loadKerasModel (the file is recognised by its
// HDF5 signature), predict TF's outputs, and after one train_on_batch with the file's training_config give TF's
// loss and every weight (by layer name). Tolerance 1e-5 absolute + 1e-4 relative, as the model zoo.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';
import { expectClose, flat } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fx = JSON.parse(readFileSync(join(fixtures, 'legacy_h5.json'), 'utf8')) as {
  cases: { name: string; file: string; x: lt.NestedArray[]; y_pred: lt.NestedArray; y_true: lt.NestedArray; train_loss: number; weights_after: Record<string, lt.NestedArray[]> }[] };

describe('train: legacy full-model .h5 files (Keras 2 format) written by TF 2.21', () => {
  for (const c of fx.cases) {
    it(`${c.name}: loads, predicts TF's outputs, one SGD step (training_config) gives TF's loss and weights`, async () => {
      lt.keras.clearSession();
      const model = await lt.keras.loadKerasModel(join(fixtures, 'legacy_h5', c.file));
      const xs = c.x.map((v) => lt.tensor(v));
      const x = xs.length === 1 ? xs[0] : xs;
      expectClose((model.apply(x) as lt.Tensor).data, flat(c.y_pred), 1e-5, 1e-4, 'predict');
      const loss = model.trainOnBatch(x, lt.tensor(c.y_true));
      expect(loss).to.be.closeTo(c.train_loss, 1e-5 + 1e-4 * Math.abs(c.train_loss));
      const byName = new Map(model.layers.map((l) => [l.name, l]));
      for (const [k, ws] of Object.entries(c.weights_after)) byName.get(k)!.weights.forEach((w, i) => expectClose(w.data, flat(ws[i]), 1e-5, 1e-4, `${w.name} after one step`));
    });
  }
});
