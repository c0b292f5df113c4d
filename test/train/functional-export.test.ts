// The reverse Functional zoo: 21 random Functional models BUILT AND TRAINED BY LSTM-TS
// (test/fixtures/make_functional_exports.ts: branches with Masking and merges, two inputs with a shared or a
// separate recurrent layer and the 8 merge layers, variable-length seq2seq with encoder states, two outputs as a
// list or by name with per-output losses, loss weights and metrics, nested models called once or twice,
// Embedding(maskZero) ids, autoencoders with RepeatVector / TimeDistributed, Flatten / Reshape / Permute), saved
// with saveKerasModel and loaded by REAL TF 2.21 / Keras 3.15 (check_functional_export.py), which predicted with
// them and trained them with its fit (2 epochs, batch 3, no shuffle) from the compile_config we wrote.
// Here: TF predicts what lstm-ts predicted before saving; the archive loads back here with TF's predictions; the
// same fit gives Keras's history (every key) and every final weight; today's exporter writes the same configs.
// Tolerances: predictions 2e-6 absolute + 1e-5 relative (float32 through a few recurrent layers in two
// libraries); training 1e-5 absolute + 1e-4 relative, as the forward zoo.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';
import { expectClose, flat } from './helpers.js';
import { zipEntries, zipRead } from '../../src/train/zip.js';
import { functionalExports } from '../fixtures/make_functional_exports.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
interface Case {
  name: string; file: string; description: string; x: lt.NestedArray[]; y: lt.NestedArray[]; y_by_name: string[] | null; lstm_ts_pred: lt.NestedArray[];
  tf: { warnings: string[]; layers: string[]; optimizer: string; pred: lt.NestedArray[]; history: Record<string, number[]>; final: Record<string, lt.NestedArray[]> };
}
const fx = JSON.parse(readFileSync(join(fixtures, 'functional_export.json'), 'utf8')) as { cases: Case[] };

function byName(m: { layers: lt.keras.Layer[] }): Map<string, lt.keras.Layer> {
  const out = new Map<string, lt.keras.Layer>();
  for (const l of m.layers) {
    if (l instanceof lt.keras.Functional) for (const [k, v] of byName(l)) out.set(k, v);
    else if (l.weights.length > 0) out.set(l.name, l);
  }
  return out;
}
const configOf = (file: string): unknown => {
  const b = new Uint8Array(readFileSync(file));
  return JSON.parse(new TextDecoder().decode(zipRead(b, zipEntries(b, file).find((e) => e.name === 'config.json')!, file)));
};

describe('train: 21 random Functional models trained and saved by lstm-ts, loaded and trained by TF 2.21', () => {
  it('covers every kind of graph', () => {
    const all = fx.cases.map((c) => c.description).join(' ');
    for (const k of ['branches', 'Masking', 'two_inputs', 'shared', 'seq2seq', 'two_outputs', 'by name', 'list', 'metrics', 'nested', 'called twice', 'Embedding(maskZero)',
      'RepeatVector', 'Flatten', 'Permute', 'Dot', 'bi_lstm', 'RNN(LSTMCell, SimpleRNNCell)', 'sgd', 'adam', 'rmsprop']) {
      expect(all, k).to.include(k);
    }
  });
  for (const c of fx.cases) {
    it(`${c.name}: ${c.description}`, async () => {
      lt.keras.clearSession();
      // TF loaded it without a warning other than the optimizer slots we do not write
      for (const w of c.tf.warnings) expect(w).to.match(/^Skipping variable loading for optimizer/);
      c.tf.pred.forEach((p, i) => expectClose(flat(c.lstm_ts_pred[i]), flat(p), 2e-6, 1e-5, `TF vs lstm-ts prediction ${i}`));
      const model = await lt.keras.loadKerasModel(join(fixtures, 'functional_export', c.file));
      const xs = c.x.map((v) => lt.tensor(v));
      const x = xs.length === 1 ? xs[0] : xs;
      const pred = model.predict(x, { batchSize: 16 });
      const preds = pred instanceof lt.Tensor ? [pred] : Array.isArray(pred) ? pred : c.y_by_name!.map((n) => pred[n]);
      preds.forEach((p, i) => expectClose(p.data, flat(c.tf.pred[i]), 2e-6, 1e-5, `loaded prediction ${i}`));
      const ys = c.y.map((v) => lt.tensor(v));
      const y = c.y_by_name ? Object.fromEntries(c.y_by_name.map((n, i) => [n, ys[i]])) : ys.length === 1 ? ys[0] : ys;
      const h = model.fit(x, y, { batchSize: 3, epochs: 2, shuffle: false, verbose: 0 });
      expect(Object.keys(h.history).sort(), 'history keys').to.deep.equal(Object.keys(c.tf.history).sort());
      for (const [k, vs] of Object.entries(c.tf.history)) expectClose(h.history[k], vs, 1e-5, 1e-4, `history ${k}`);
      const layers = byName(model);
      for (const [k, ws] of Object.entries(c.tf.final)) {
        expect(layers.has(k), `layer ${k}`).to.equal(true);
        layers.get(k)!.weights.forEach((w, i) => expectClose(w.data, flat(ws[i]), 1e-5, 1e-4, `final ${w.name}`));
      }
    });
  }
  it('today\'s exporter writes the configs TF accepted (the zoo rebuilt and retrained from its seed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-fexport-'));
    try {
      for (const c of functionalExports()) {
        const file = join(dir, `${c.name}.keras`);
        await lt.keras.saveKerasModel(c.model, file);
        expect(configOf(file), `${c.name}: config.json`).to.deep.equal(configOf(join(fixtures, 'functional_export', `${c.name}.keras`)));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
