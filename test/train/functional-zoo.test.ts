// A randomized zoo of 24 Functional models generated and trained by REAL TF 2.21 / Keras 3.15
// (test/fixtures/generate_functional_zoo.py): single-input graphs with merged branches (Masking, Add or
// Concatenate with a Dense branch), two inputs with a shared or a separate recurrent layer and the merge layers,
// seq2seq with LSTM or SimpleRNN encoder states as the decoder's initial_state, two outputs by name with
// per-output losses and loss weights, nested Functionals called once or twice. Each archive was saved untrained;
// here it must load, give TF's predictions, and trained with its own compile_config (SGD / Adam / RMSprop) by
// fit(batch 3, 3 epochs, no shuffle) give TF's loss for every epoch and every final weight (by layer name).
// Tolerance 1e-5 absolute + 1e-4 relative, as the Sequential zoo.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';
import { expectClose, flat } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fx = JSON.parse(readFileSync(join(fixtures, 'functional_zoo.json'), 'utf8')) as {
  cases: { name: string; file: string; description: string; x: lt.NestedArray[]; y: lt.NestedArray[]; y_by_name: boolean;
    pred: lt.NestedArray[]; history_loss: number[]; final: Record<string, lt.NestedArray[]> }[] };
const ATOL = 1e-5;
const RTOL = 1e-4;

/** Every weight-holding layer of a model, nested models' layers included, by name. */
function byName(m: { layers: lt.keras.Layer[] }): Map<string, lt.keras.Layer> {
  const out = new Map<string, lt.keras.Layer>();
  for (const l of m.layers) {
    if (l instanceof lt.keras.Functional) for (const [k, v] of byName(l)) out.set(k, v);
    else if (l.weights.length > 0) out.set(l.name, l);
  }
  return out;
}

describe('train: a random zoo of 24 Functional models trained by TF 2.21 (predictions, fit losses, final weights)', () => {
  it('covers every kind of graph', () => {
    const all = fx.cases.map((c) => c.description).join(' ');
    for (const k of ['branches', 'Masking', 'two_inputs', 'shared', 'seq2seq (LSTM states)', 'seq2seq (SimpleRNN state)', 'two_outputs', 'by name', 'nested', 'called twice']) {
      expect(all, k).to.include(k);
    }
  });
  for (const c of fx.cases) {
    it(`${c.name}: ${c.description}`, async () => {
      lt.keras.clearSession();
      const model = await lt.keras.loadKerasModel(join(fixtures, 'functional_zoo', c.file));
      const xs = c.x.map((v) => lt.tensor(v));
      const x = xs.length === 1 ? xs[0] : xs;
      const out = model.apply(x);
      (Array.isArray(out) ? out : [out]).forEach((o, i) => expectClose(o.data, flat(c.pred[i]), ATOL, RTOL, `prediction ${i}`));
      const ys = c.y.map((v) => lt.tensor(v));
      const names = (model as lt.keras.Functional).outputNamesList;
      const y = ys.length === 1 ? ys[0] : c.y_by_name ? Object.fromEntries(names.map((n, i) => [n, ys[i]])) : ys;
      const h = model.fit(x, y, { batchSize: 3, epochs: 3, shuffle: false, verbose: 0 });
      expectClose(h.history.loss, c.history_loss, ATOL, RTOL, 'epoch losses');
      const layers = byName(model);
      for (const [k, ws] of Object.entries(c.final)) {
        expect(layers.has(k), `layer ${k}`).to.equal(true);
        layers.get(k)!.weights.forEach((w, i) => expectClose(w.data, flat(ws[i]), ATOL, RTOL, `final ${w.name}`));
      }
    });
  }
});
