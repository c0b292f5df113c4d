// Losses vs values computed by hand here (plain Math, from Keras's documented formulas and examples in
// keras/src/losses/losses.py docstrings), and float64 finite-difference gradient checks.
import { expect } from 'chai';
import { tensor, assertGradcheck, Tensor, LstmTsError, type NestedArray } from '../../src/index.js';
import * as losses from '../../src/train/losses/index.js';
import { expectClose } from './helpers.js';

const f64 = (v: NestedArray): Tensor => tensor(v, { dtype: 'float64' });
const sig = (x: number): number => 1 / (1 + Math.exp(-x));

describe('train/losses: values', () => {
  it('meanSquaredError: Keras docstring example and reductions', () => {
    const yt = tensor([[0, 1], [0, 0]]);
    const yp = tensor([[1, 1], [1, 0]]);
    expectClose(losses.meanSquaredError(yt, yp).toFlatArray(), [0.5, 0.5], 0);
    expect(new losses.MeanSquaredError().apply(yt, yp).item()).to.equal(0.5);
    expect(new losses.MeanSquaredError({ reduction: 'sum' }).apply(yt, yp).item()).to.equal(1.0);
    expect(new losses.MeanSquaredError({ reduction: 'none' }).apply(yt, yp).toFlatArray()).to.deep.equal([0.5, 0.5]);
    // y_true [B] against y_pred [B, 1]: Keras expands y_true (squeeze_or_expand_to_same_rank)
    const v = losses.meanSquaredError(tensor([1, 2, 3]), tensor([[1], [0], [5]]));
    expect(v.shape).to.deep.equal([3]);
    expect(v.toFlatArray()).to.deep.equal([0, 4, 4]);
  });

  it('binaryCrossentropy from probabilities: Keras example [0.916, 0.714] and ε clipping', () => {
    const yt = tensor([[0, 1], [0, 0]], { dtype: 'float64' });
    const yp = tensor([[0.6, 0.4], [0.4, 0.6]], { dtype: 'float64' });
    const expected = [-(Math.log(0.4) + Math.log(0.4)) / 2, -(Math.log(0.6) + Math.log(0.4)) / 2];
    expectClose(losses.binaryCrossentropy(yt, yp).toFlatArray(), expected, 1e-12);
    expectClose(expected, [0.916, 0.714], 1e-3); // the docstring's rounded numbers
    expectClose([new losses.BinaryCrossentropy().apply(yt, yp).item()], [(expected[0] + expected[1]) / 2], 1e-12);
    // p = 0 with label 1 is clipped to ε = 1e-7: loss −log(1e-7); p = 1 with label 0 → −log(1 − (1 − 1e-7)).
    const clipped = losses.binaryCrossentropy(f64([[1, 0]]), f64([[0, 1]]));
    const lossHi = -Math.log(1 - (1 - 1e-7));
    expectClose(clipped.toFlatArray(), [(-Math.log(1e-7) + lossHi) / 2], 1e-9);
    // float32 uses ε and 1−ε as float32 stores them (TF casts the Python double).
    const c32 = losses.binaryCrossentropy(tensor([[1]]), tensor([[0]]));
    expectClose(c32.toFlatArray(), [-Math.log(Math.fround(1e-7))], 1e-5, 1e-6);
  });

  it('binaryCrossentropy from logits equals −(z log σ(x) + (1−z) log(1−σ(x))) and stays finite for |x| = 100', () => {
    const xs = [-3, -0.5, 0, 0.7, 2.5];
    const zs = [1, 0, 1, 0.25, 0];
    const v = losses.binaryCrossentropy(tensor([zs], { dtype: 'float64' }), tensor([xs], { dtype: 'float64' }), { fromLogits: true });
    const e = xs.reduce((s, x, i) => s - (zs[i] * Math.log(sig(x)) + (1 - zs[i]) * Math.log(1 - sig(x))), 0) / xs.length;
    expectClose(v.toFlatArray(), [e], 1e-12);
    const big = losses.binaryCrossentropy(f64([[0, 1]]), f64([[100, -100]]), { fromLogits: true });
    expectClose(big.toFlatArray(), [100], 1e-9);
  });

  it('binaryCrossentropy label smoothing moves labels towards 0.5', () => {
    const v = losses.binaryCrossentropy(f64([[1]]), f64([[0.8]]), { labelSmoothing: 0.2 });
    const z = 1 * 0.8 + 0.1;
    expectClose(v.toFlatArray(), [-(z * Math.log(0.8) + (1 - z) * Math.log(0.2))], 1e-12);
  });

  it('categoricalCrossentropy from probabilities: Keras example [0.0513, 2.303], renormalisation', () => {
    const yt = f64([[0, 1, 0], [0, 0, 1]]);
    const yp = f64([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
    const v = losses.categoricalCrossentropy(yt, yp).toFlatArray();
    expectClose(v, [-Math.log(0.95), -Math.log(0.1)], 1e-12);
    expectClose(v, [0.0513, 2.303], 1e-3);
    // Unnormalised rows are divided by their sum first (TF backend).
    expectClose(losses.categoricalCrossentropy(f64([[0, 1]]), f64([[1, 3]])).toFlatArray(), [-Math.log(0.75)], 1e-12);
    // A zero probability on the true class is clipped to ε.
    expectClose(losses.categoricalCrossentropy(f64([[1, 0]]), f64([[0, 1]])).toFlatArray(), [-Math.log(1e-7)], 1e-9);
  });

  it('categoricalCrossentropy from logits = −Σ z log softmax(x), stable for logits of 1000', () => {
    const x = [2, -1, 0.5];
    const z = [0.2, 0.3, 0.5];
    const se = x.reduce((s, v) => s + Math.exp(v), 0);
    const e = -x.reduce((s, v, i) => s + z[i] * Math.log(Math.exp(v) / se), 0);
    expectClose(losses.categoricalCrossentropy(f64([z]), f64([x]), { fromLogits: true }).toFlatArray(), [e], 1e-12);
    expectClose(losses.categoricalCrossentropy(f64([[0, 1]]), f64([[1000, 0]]), { fromLogits: true }).toFlatArray(), [1000], 1e-9);
    // label smoothing 0.3 over 3 classes: z' = z·0.7 + 0.1
    const ls = losses.categoricalCrossentropy(f64([[0, 0, 1]]), f64([x]), { fromLogits: true, labelSmoothing: 0.3 });
    const zs = [0.1, 0.1, 0.8];
    expectClose(ls.toFlatArray(), [-x.reduce((s, v, i) => s + zs[i] * Math.log(Math.exp(v) / se), 0)], 1e-12);
  });

  it('sparseCategoricalCrossentropy matches the categorical values for the same labels, [B] or [B,1]', () => {
    const yp = f64([[0.05, 0.95, 0], [0.1, 0.8, 0.1]]);
    expectClose(losses.sparseCategoricalCrossentropy(f64([1, 2]), yp).toFlatArray(), [-Math.log(0.95), -Math.log(0.1)], 1e-6);
    expectClose(losses.sparseCategoricalCrossentropy(f64([[1], [2]]), yp).toFlatArray(), [-Math.log(0.95), -Math.log(0.1)], 1e-6);
    // Unnormalised probabilities: log(clip(p)) are used as logits, so rows are renormalised implicitly...
    expectClose(losses.sparseCategoricalCrossentropy(f64([1]), f64([[0.1, 0.3]])).toFlatArray(), [-Math.log(0.75)], 1e-12);
    // ...after clipping to [ε, 1−ε]: [1, 3] becomes [1−ε, 1−ε], so the loss is log 2 (as in TF).
    expectClose(losses.sparseCategoricalCrossentropy(f64([1]), f64([[1, 3]])).toFlatArray(), [Math.log(2)], 1e-12);
    const x = [3, -2, 0.5, 1];
    const se = x.reduce((s, v) => s + Math.exp(v), 0);
    expectClose(losses.sparseCategoricalCrossentropy(f64([3]), f64([x]), { fromLogits: true }).toFlatArray(),
      [-Math.log(Math.exp(1) / se)], 1e-12);
    // [B, T] labels against [B, T, C] predictions give [B, T] values
    const seq = losses.sparseCategoricalCrossentropy(f64([[0, 1]]), f64([[[0.5, 0.5], [0.25, 0.75]]]));
    expect(seq.shape).to.deep.equal([1, 2]);
    expectClose(seq.toFlatArray(), [-Math.log(0.5), -Math.log(0.75)], 1e-12);
  });

  it('masks and sample weights follow Keras reduce_weighted_values', () => {
    const yt = f64([[0], [0], [0], [0]]);
    const yp = f64([[1], [2], [3], [4]]); // per-sample MSE 1, 4, 9, 16
    const mask = f64([1, 0, 1, 0]);
    // sum_over_batch_size with a mask = mean over the valid entries
    expectClose([new losses.MeanSquaredError().apply(yt, yp, { mask }).item()], [(1 + 9) / 2], 1e-12);
    expectClose([new losses.MeanSquaredError({ reduction: 'sum' }).apply(yt, yp, { mask }).item()], [10], 1e-12);
    const sw = f64([1, 0.5, 0, 2]);
    expectClose([new losses.MeanSquaredError().apply(yt, yp, { sampleWeight: sw }).item()], [(1 + 2 + 0 + 32) / 4], 1e-12);
  });

  it('rejects bad shapes, labels and options with the loss name in the message', () => {
    expect(() => losses.meanSquaredError(tensor([[1, 2]]), tensor([[1, 2, 3]]))).to.throw(LstmTsError, /meanSquaredError: .*\[1, 2\].*\[1, 3\]/);
    expect(() => losses.sparseCategoricalCrossentropy(tensor([3]), tensor([[0.5, 0.5]]))).to.throw(LstmTsError, /label 3 .*\[0, 2\)/);
    expect(() => losses.sparseCategoricalCrossentropy(tensor([0.5]), tensor([[0.5, 0.5]]))).to.throw(LstmTsError, /not an integer/);
    expect(() => losses.sparseCategoricalCrossentropy(tensor([0, 1]), tensor([[0.5, 0.5]]))).to.throw(LstmTsError, /leading shape/);
    expect(() => losses.categoricalCrossentropy(tensor([1]), tensor([[0.5, 0.5]]))).to.throw(LstmTsError, /same rank/);
    expect(() => new losses.MeanSquaredError({ reduction: 'avg' as never })).to.throw(LstmTsError, /reduction must be one of/);
    expect(() => losses.get('binary_focal_crossentropi')).to.throw(LstmTsError, /unknown loss 'binary_focal_crossentropi'/);
  });

  it('get() resolves Keras names and configs; getConfig matches Keras 3 keys', () => {
    expect(losses.get('mse')).to.be.instanceOf(losses.MeanSquaredError);
    expect(losses.get('sparse_categorical_crossentropy')).to.be.instanceOf(losses.SparseCategoricalCrossentropy);
    const bce = new losses.BinaryCrossentropy({ fromLogits: true });
    expect(bce.serialize()).to.deep.equal({ module: 'keras.losses', class_name: 'BinaryCrossentropy',
      config: { name: 'binary_crossentropy', reduction: 'sum_over_batch_size', from_logits: true, label_smoothing: 0, axis: -1 }, registered_name: null });
    const back = losses.get(bce.serialize()) as losses.BinaryCrossentropy;
    expect(back.fromLogits).to.equal(true);
  });
});

describe('train/losses: float64 gradient checks', () => {
  const B = 3;
  const C = 4;
  const rnd = (seed: number, lo: number, hi: number): number[][] => {
    let s = seed;
    return Array.from({ length: B }, () => Array.from({ length: C }, () => {
      s = (s * 16807) % 2147483647;
      return lo + ((hi - lo) * s) / 2147483647;
    }));
  };
  const probs = f64(rnd(3, 0.05, 0.95));
  const logits = f64(rnd(5, -3, 3));
  const onehot = f64([[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
  const soft = f64(rnd(11, 0, 1));
  const sparse = f64([0, 2, 3]);
  const cases: [string, (p: Tensor) => Tensor, Tensor][] = [
    ['mse', (p) => new losses.MeanSquaredError().apply(soft, p), logits],
    ['mae', (p) => new losses.MeanAbsoluteError({ reduction: 'sum' }).apply(soft, p), logits],
    ['bce probs', (p) => losses.binaryCrossentropy(soft, p), probs],
    ['bce probs smoothed', (p) => losses.binaryCrossentropy(soft, p, { labelSmoothing: 0.1 }), probs],
    ['bce logits', (p) => losses.binaryCrossentropy(soft, p, { fromLogits: true }), logits],
    ['cce probs (unnormalised rows)', (p) => losses.categoricalCrossentropy(onehot, p), probs],
    ['cce probs soft labels', (p) => losses.categoricalCrossentropy(soft, p), probs],
    ['cce logits soft labels (Σz ≠ 1)', (p) => losses.categoricalCrossentropy(soft, p, { fromLogits: true }), logits],
    ['scce probs', (p) => losses.sparseCategoricalCrossentropy(sparse, p), probs],
    ['scce logits', (p) => losses.sparseCategoricalCrossentropy(sparse, p, { fromLogits: true }), logits],
    ['scce logits, sum_over_batch_size', (p) => new losses.SparseCategoricalCrossentropy({ fromLogits: true }).apply(sparse, p), logits],
    ['cce logits, masked mean', (p) => new losses.CategoricalCrossentropy({ fromLogits: true }).apply(onehot, p, { mask: f64([1, 0, 1]) }), logits],
  ];
  for (const [name, fn, x] of cases) {
    it(`gradcheck: ${name}`, () => {
      assertGradcheck(name, fn, [x], { atol: 1e-7, rtol: 1e-5 });
    });
  }

  it('clipped probabilities get zero gradient (tf.clip_by_value backward)', () => {
    const p = tensor([[0, 0.5, 1]], { dtype: 'float64', requiresGrad: true });
    losses.binaryCrossentropy(f64([[1, 1, 0]]), p).backward(tensor([1], { dtype: 'float64' }));
    const g = p.grad!.toFlatArray();
    expect(g[0]).to.equal(0);
    expect(g[2]).to.equal(0);
    expectClose([g[1]], [-1 / 0.5 / 3], 1e-12);
  });
});
