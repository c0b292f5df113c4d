// Functional models saved by REAL TF 2.21 / Keras 3.15 as .keras archives (test/fixtures/
// generate_functional_archives.py) load with loadKerasModel: the Keras lstm_seq2seq training model and the
// inference encoder/decoder built from its layers, a siamese model with a shared LSTM, a masked Embedding
// model with a Concatenate, outputs given by name, a nested Functional, and a variable-length input
// (predictions at several lengths). Each must give TF's outputs; the single-input single-output ones also
// TF's loss and every weight after one train_on_batch with the archive's compile_config.
// Tolerance 1e-5 absolute + 1e-4 relative, as the Sequential model zoo.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';
import { expectClose, flat } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fx = JSON.parse(readFileSync(join(fixtures, 'functional_archives.json'), 'utf8')) as {
  cases: { name: string; file: string; runs: { inputs: lt.NestedArray[]; outputs: lt.NestedArray[] }[];
    train?: { x: lt.NestedArray; y: lt.NestedArray; loss: number; weights_after: lt.NestedArray[] } }[];
  greedy_decode: { source: lt.NestedArray; tokens: number[][]; last_probs: lt.NestedArray } };
const ATOL = 1e-5;
const RTOL = 1e-4;

describe('train: Functional models from TF 2.21 .keras archives (seq2seq, shared layers, masks, named outputs, nesting, variable length)', () => {
  for (const c of fx.cases) {
    it(`${c.name}: loads and gives TF's outputs${c.runs.length > 1 ? ` at ${c.runs.length} input sizes` : ''}${c.train ? '; one SGD step gives TF\'s loss and weights' : ''}`, async () => {
      lt.keras.clearSession();
      const model = await lt.keras.loadKerasModel(join(fixtures, 'functional_archives', c.file));
      expect(model.className).to.equal('Functional');
      c.runs.forEach((r, k) => {
        const xs = r.inputs.map((v) => lt.tensor(v));
        const ys = model.apply(xs.length === 1 ? xs[0] : xs);
        const list = Array.isArray(ys) ? ys : [ys];
        expect(list.length, 'number of outputs').to.equal(r.outputs.length);
        list.forEach((y, i) => expectClose(y.data, flat(r.outputs[i]), ATOL, RTOL, `run ${k} output ${i}`));
      });
      if (c.train) {
        const loss = model.trainOnBatch(lt.tensor(c.train.x), lt.tensor(c.train.y));
        expect(loss).to.be.closeTo(c.train.loss, ATOL + RTOL * Math.abs(c.train.loss));
        const byValue = model.getWeights().map((w) => w.toFlatArray()).sort((p, q) => p.length - q.length || p[0] - q[0]);
        const want = c.train.weights_after.map((w) => flat(w)).sort((p, q) => p.length - q.length || p[0] - q[0]);
        expect(byValue.length).to.equal(want.length);
        // Keras's get_weights() order and ours can differ between parallel branches; compare as a multiset
        // of weight tensors matched by size and first element, then element-wise.
        byValue.forEach((w, i) => expectClose(w, want[i], ATOL, RTOL, `weight ${i} after one SGD step`));
      }
    });
  }

  it('loads from the archive\'s bytes too (Uint8Array and ArrayBuffer), to the same outputs', async () => {
    const c = fx.cases.find((k) => k.name === 'seq2seq_train')!;
    const bytes = new Uint8Array(readFileSync(join(fixtures, 'functional_archives', c.file)));
    for (const src of [bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)]) {
      lt.keras.clearSession();
      const m = await lt.keras.loadKerasModel(src);
      const y = m.apply(c.runs[0].inputs.map((v) => lt.tensor(v))) as lt.Tensor;
      expectClose(y.data, flat(c.runs[0].outputs[0]), ATOL, RTOL, 'output');
    }
  });

  it('a Lambda layer is refused, naming the layer and how to supply a JS replacement', () => {
    expect(() => lt.keras.deserializeLayer({ class_name: 'Lambda', config: { name: 'my_lambda', function: {} } }))
      .to.throw(/layer 'my_lambda' is a Lambda: its function is Python bytecode.*registerLayerClass/);
  });

  it('the Keras seq2seq greedy decoding loop (docs/functional.md) on the loaded encoder and decoder gives TF\'s tokens and last probabilities', async () => {
    lt.keras.clearSession();
    const encoder = await lt.keras.loadKerasModel(join(fixtures, 'functional_archives', 'seq2seq_encoder.keras'));
    const decoder = await lt.keras.loadKerasModel(join(fixtures, 'functional_archives', 'seq2seq_decoder.keras'));
    const g = fx.greedy_decode;
    const B = g.tokens[0].length;
    const oneHot = (tok: number[]): lt.Tensor => lt.tensor(tok.map((k) => [[0, 1, 2, 3].map((j) => (j === k ? 1 : 0))]));
    let [hs, cs] = encoder.apply(lt.tensor(g.source)) as lt.Tensor[];
    let target = oneHot(Array.from({ length: B }, () => 0));
    let probs: lt.Tensor | null = null;
    const tokens: number[][] = [];
    for (let step = 0; step < g.tokens.length; step++) {
      const [p, h2, c2] = decoder.apply([target, hs, cs]) as lt.Tensor[];
      const tok = Array.from({ length: B }, (_, b) => {
        const row = p.toFlatArray().slice(b * 4, b * 4 + 4);
        return row.indexOf(Math.max(...row));
      });
      tokens.push(tok);
      target = oneHot(tok);
      [hs, cs] = [h2, c2];
      probs = p;
    }
    expect(tokens).to.deep.equal(g.tokens);
    expectClose(probs!.data, flat(g.last_probs), ATOL, RTOL, 'last step probabilities');
  });
});
