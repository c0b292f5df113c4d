// GRU models saved by REAL TF 2.21 / Keras 3.15 (test/fixtures/generate_gru_models.py): a Sequential with
// GRU(reset_after=True) -> GRU(reset_after=False), Masking -> Bidirectional(GRU, sum) -> GRU with CCE, a
// Functional with Embedding(mask_zero) -> RNN([GRUCell, LSTMCell]) and GRU(go_backwards), and the first again in
// the legacy .h5 format. Each loads here, predicts TF's outputs, and trained with its compile config (Adam) by
// fit(batch 3, 2 epochs, no shuffle) gives TF's epoch losses and final weights; then saveKerasModel writes it
// and it loads back to the same predictions. Tolerance 1e-5 absolute + 1e-4 relative, as the model zoos.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';
import { expectClose, flat } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fx = JSON.parse(readFileSync(join(fixtures, 'gru_models.json'), 'utf8')) as {
  cases: { name: string; file: string; x: lt.NestedArray; y: lt.NestedArray; pred: lt.NestedArray; history_loss: number[]; final: Record<string, lt.NestedArray[]> }[] };

describe('train: GRU models saved by TF 2.21 (.keras and legacy .h5): predictions, fit, final weights, save round trip', () => {
  for (const c of fx.cases) {
    it(`${c.name} (${c.file})`, async () => {
      lt.keras.clearSession();
      const model = await lt.keras.loadKerasModel(join(fixtures, 'gru_models', c.file));
      const x = lt.tensor(c.x);
      expectClose((model.predict(x) as lt.Tensor).data, flat(c.pred), 1e-5, 1e-4, 'prediction');
      const h = model.fit(x, lt.tensor(c.y), { batchSize: 3, epochs: 2, shuffle: false, verbose: 0 });
      expectClose(h.history.loss, c.history_loss, 1e-5, 1e-4, 'epoch losses');
      const layers = new Map(model.layers.map((l) => [l.name, l]));
      for (const [k, ws] of Object.entries(c.final)) {
        expect(layers.has(k), `layer ${k}`).to.equal(true);
        layers.get(k)!.weights.forEach((w, i) => expectClose(w.data, flat(ws[i]), 1e-5, 1e-4, `final ${w.name}`));
      }
      const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-gru-'));
      try {
        await lt.keras.saveKerasModel(model, join(dir, 'm.keras'));
        const back = await lt.keras.loadKerasModel(join(dir, 'm.keras'));
        expect(Array.from((back.predict(x) as lt.Tensor).data)).to.deep.equal(Array.from((model.predict(x) as lt.Tensor).data));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
