// Training an Embedding whose ids repeat within a batch, vs REAL TF 2.21 / Keras 3.15
// (test/fixtures/generate_indexed_slices.py). TF's gradient of the lookup is tf.IndexedSlices — one row per
// looked-up position — and Keras 3's optimizers square it slice by slice, so Adam and RMSprop see Σ gᵢ² over a
// row's occurrences, not (Σ gᵢ)²; clipnorm and global_clipnorm take the norm over the slices, clipvalue clips
// each slice (autograd/indexed-slices.ts). A dense gradient (here a regularizer's) makes TF densify, and the plain
// formulas apply again. ids [3, 5] with repeats -> Embedding(6, 3) -> Flatten -> Dense(1), mse, 4 train_on_batch
// steps: every loss and the final weights. Tolerance 1e-6 absolute + 1e-5 relative (float32, a few steps).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';
import { expectClose, flat } from './helpers.js';
import { getIndexedSlices } from '../../src/autograd/indexed-slices.js';

interface Case { name: string; kind: 'plain' | 'shared' | 'regularized'; optimizer: Record<string, unknown>; initial: Record<string, lt.NestedArray[]>; losses: number[]; final: Record<string, lt.NestedArray[]> }
const fx = JSON.parse(readFileSync(new URL('../fixtures/indexed_slices.json', import.meta.url), 'utf8')) as { ids: number[][]; ids2: number[][]; y: lt.NestedArray; cases: Case[] };
const L = lt.keras.layers;
const S = (t: unknown): lt.keras.SymbolicTensor => t as lt.keras.SymbolicTensor;

function build(kind: Case['kind']): lt.keras.Model {
  if (kind === 'shared') {
    const a = lt.keras.Input({ shape: [5], name: 'a' });
    const b = lt.keras.Input({ shape: [5], name: 'b' });
    const emb = new L.Embedding({ inputDim: 6, outputDim: 3, name: 'emb' });
    const h = S(new L.Concatenate({ name: 'cat' }).apply([S(new L.Flatten({ name: 'fa' }).apply(S(emb.apply(a)))), S(new L.Flatten({ name: 'fb' }).apply(S(emb.apply(b))))]));
    return new lt.keras.Model({ inputs: [a, b], outputs: S(new L.Dense({ units: 1, name: 'out' }).apply(h)) });
  }
  const x = lt.keras.Input({ shape: [5], name: 'ids' });
  const emb = new L.Embedding({ inputDim: 6, outputDim: 3, name: 'emb', embeddingsRegularizer: kind === 'regularized' ? new lt.keras.regularizers.L2({ l2: 0.01 }) : null });
  return new lt.keras.Model({ inputs: x, outputs: S(new L.Dense({ units: 1, name: 'out' }).apply(S(new L.Flatten({ name: 'flat' }).apply(S(emb.apply(x)))))) });
}

describe('train: an Embedding\'s gradient as TF\'s IndexedSlices (repeated ids) vs TF 2.21', () => {
  for (const c of fx.cases) {
    it(`${c.name}: 4 train_on_batch steps give TF's losses and final weights`, () => {
      lt.keras.clearSession();
      const m = build(c.kind);
      for (const [k, ws] of Object.entries(c.initial)) m.getLayer(k).setWeights(ws.map((v) => lt.tensor(v)));
      const { class_name: cls, ...config } = c.optimizer;
      m.compile({ optimizer: lt.keras.optimizers.get({ class_name: cls, config }), loss: 'mse' });
      const x = c.kind === 'shared' ? [lt.tensor(fx.ids), lt.tensor(fx.ids2)] : lt.tensor(fx.ids);
      const losses = c.losses.map(() => m.trainOnBatch(x, lt.tensor(fx.y)));
      expectClose(losses, c.losses, 1e-6, 1e-5, 'losses');
      for (const [k, ws] of Object.entries(c.final)) m.getLayer(k).weights.forEach((w, i) => expectClose(w.data, flat(ws[i]), 1e-6, 1e-5, `final ${w.name}`));
    });
  }

  it('the slices: one row per looked-up position (duplicates kept), summing to the dense gradient; a dense addend drops them', () => {
    const table = lt.tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
    const y = lt.ops.gather(table, [1, 1, 2], 0);
    y.backward(lt.tensor([[1, 10], [100, 1000], [2, 3]]));
    const s = getIndexedSlices(table.grad!)!;
    expect(Array.from(s.indices)).to.deep.equal([1, 1, 2]);
    expect(Array.from(s.values)).to.deep.equal([1, 10, 100, 1000, 2, 3]);
    expect(table.grad!.toArray()).to.deep.equal([[0, 0], [101, 1010], [2, 3]]);
    // a second lookup adds its slices (TF's AddN of IndexedSlices concatenates them)
    lt.ops.gather(table, [0], 0).backward(lt.tensor([[7, 8]]));
    expect(Array.from(getIndexedSlices(table.grad!)!.indices)).to.deep.equal([1, 1, 2, 0]);
    // a dense gradient on the same leaf makes it dense, as TF densifies IndexedSlices + Tensor
    lt.ops.mul(table, lt.ones([3, 2])).backward(lt.ones([3, 2]));
    expect(getIndexedSlices(table.grad!)).to.equal(undefined);
    expect(table.grad!.toArray()).to.deep.equal([[8, 9], [102, 1011], [3, 4]]);
  });
});
