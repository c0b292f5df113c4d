// reverse, reverseSequence, where, gather, dropout/dropoutMask: hand-built expectations (the
// reverseSequence case is the one printed by tf.reverse_sequence in TF 2.21 for the same input),
// gradient checks, properties over random shapes, and error messages.

import { expect } from 'chai';
import fc from 'fast-check';
import { ops, tensor, assertGradcheck, Random, Tensor } from '../../src/index.js';
import { rand64, f64, expectClose, forEachIndex, at } from './helpers.js';

const shapeArb = (minRank: number, maxRank: number, maxDim = 4) => fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
const seedArb = fc.integer({ min: 1, max: 100000 });

describe('reverse / reverseSequence', () => {
  it('reverse flips one axis', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    expectClose(ops.reverse(x, 1), [[3, 2, 1], [6, 5, 4]]);
    expectClose(ops.reverse(x, 0), [[4, 5, 6], [1, 2, 3]]);
    expectClose(ops.reverse(x, -1), [[3, 2, 1], [6, 5, 4]]);
    expectClose(ops.reverse(x, [0, 1]), [[6, 5, 4], [3, 2, 1]]);
  });
  it('reverseSequence flips only the first lengths[b] steps (tf.reverse_sequence)', () => {
    // tf.reverse_sequence(reshape(range(12), [3, 4]), [2, 0, 4], seq_axis=1, batch_axis=0)
    const x = f64([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
    expectClose(ops.reverseSequence(x, [2, 0, 4], 1, 0), [[1, 0, 2, 3], [4, 5, 6, 7], [11, 10, 9, 8]]);
    // Time-major [T=3, B=2, F=1] with the batch on axis 1.
    const tm = f64([[[1], [10]], [[2], [20]], [[3], [30]]]);
    expectClose(ops.reverseSequence(tm, Int32Array.from([3, 2]), 0, 1), [[[3], [20]], [[2], [10]], [[1], [30]]]);
  });
  it('gradient checks', () => {
    assertGradcheck('reverse', (t) => ops.reverse(t, 1), [rand64([2, 3, 4], 1)]);
    assertGradcheck('reverse two axes', (t) => ops.reverse(t, [2, 0]), [rand64([2, 3, 4], 11)]);
    assertGradcheck('reverseSequence', (t) => ops.reverseSequence(t, [3, 1, 0], 1, 0), [rand64([3, 4, 2], 2)]);
    assertGradcheck('reverseSequence time-major', (t) => ops.reverseSequence(t, [4, 2], 0, 1), [rand64([4, 2, 3], 3)]);
  });
  it('property: reverseSequence twice is the identity and matches index arithmetic', () => {
    fc.assert(fc.property(shapeArb(2, 4), fc.nat(), fc.nat(), seedArb, (shape, s1, s2, seed) => {
      const seqAxis = s1 % shape.length;
      const batchAxis = (seqAxis + 1 + (s2 % (shape.length - 1))) % shape.length;
      const T = shape[seqAxis];
      const lengths = Array.from({ length: shape[batchAxis] }, (_, b) => (seed * (b + 7)) % (T + 1));
      const x = rand64(shape, seed);
      const y = ops.reverseSequence(x, lengths, seqAxis, batchAxis);
      forEachIndex(shape, (idx) => {
        const len = lengths[idx[batchAxis]];
        const src = idx.slice();
        if (idx[seqAxis] < len) src[seqAxis] = len - 1 - idx[seqAxis];
        expect(at(y, idx)).to.equal(at(x, src));
      });
      const back = ops.reverseSequence(y, lengths, seqAxis, batchAxis);
      expect(Array.from(back.data)).to.deep.equal(Array.from(x.data));
    }), { numRuns: 80 });
  });
  it('property: reverse twice is the identity; reverse = reverseSequence with full lengths', () => {
    fc.assert(fc.property(shapeArb(2, 4), fc.nat(), seedArb, (shape, s1, seed) => {
      const axis = s1 % shape.length;
      const other = (axis + 1) % shape.length;
      const x = rand64(shape, seed);
      const r = ops.reverse(x, axis);
      expect(Array.from(ops.reverse(r, axis).data)).to.deep.equal(Array.from(x.data));
      const full = new Array<number>(shape[other]).fill(shape[axis]);
      expect(Array.from(ops.reverseSequence(x, full, axis, other).data)).to.deep.equal(Array.from(r.data));
    }), { numRuns: 50 });
  });
  it('errors name the argument and the shape', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    expect(() => ops.reverseSequence(x, [1, 2, 3], 1, 0)).to.throw(/reverseSequence: lengths has 3 entries but batch axis 0 of shape \[2, 3\] has 2/);
    expect(() => ops.reverseSequence(x, [1, 4], 1, 0)).to.throw(/reverseSequence: lengths\[1\] = 4 must be an integer in \[0, 3\]/);
    expect(() => ops.reverseSequence(x, [1, 1], 1, 1)).to.throw(/reverseSequence: seqAxis and batchAxis must differ/);
    expect(() => ops.reverseSequence(f64([1]), [1], 0, 0)).to.throw(/reverseSequence: x must have rank ≥ 2/);
    expect(() => ops.reverse(x, 2)).to.throw(/reverse: axis 2 is out of range for a tensor of rank 2/);
    expect(() => ops.reverse(x, [1, -1])).to.throw(/reverse: axis \[1,-1\] names an axis twice/);
  });
});

describe('where', () => {
  it('picks a where cond is nonzero, b elsewhere, with broadcasting of all three', () => {
    expectClose(ops.where(f64([1, 0, 1]), f64([1, 2, 3]), f64([10, 20, 30])), [1, 20, 3]);
    // mask [B, 1] against states [B, H] (the RNN masking case) and a scalar b
    expectClose(ops.where(f64([[1], [0]]), f64([[1, 2], [3, 4]]), f64(0)), [[1, 2], [0, 0]]);
    // a float32 mask may select between float64 operands
    expectClose(ops.where(tensor([0, 1]), f64([1, 2]), f64([5, 6])), [5, 2]);
    expect(ops.select).to.equal(ops.where);
  });
  it('gradient goes to a where cond ≠ 0, to b elsewhere, none to cond', () => {
    const cond = f64([[1, 0, 1], [0, 0, 1]]);
    cond.requiresGrad = true;
    const a = f64([[1, 2, 3], [4, 5, 6]]);
    const b = f64([7, 8, 9]);
    a.requiresGrad = true;
    b.requiresGrad = true;
    ops.sum(ops.where(cond, a, b)).backward();
    expectClose(a.grad!, [[1, 0, 1], [0, 0, 1]]);
    expectClose(b.grad!, [1, 2, 0]);
    expect(cond.grad).to.equal(null);
    const c = f64([[1], [0], [1]]);
    assertGradcheck('where', (p, q) => ops.where(c, p, q), [rand64([3, 4], 1), rand64([4], 2)]);
  });
  it('errors', () => {
    expect(() => ops.where(f64([1, 0]), f64([1, 2, 3]), f64([1]))).to.throw(/where: shapes \[2\] and \[3\] cannot be broadcast/);
    expect(() => ops.where(f64([1]), f64([1]), tensor([1]))).to.throw(/where: dtypes of a and b differ: float64 and float32/);
  });
});

describe('gather', () => {
  const table = f64([[0, 1], [10, 11], [20, 21]]);
  it('embedding lookup along axis 0 with number[], Int32Array and a [2, 2] index tensor', () => {
    expectClose(ops.gather(table, [2, 0, 2]), [[20, 21], [0, 1], [20, 21]]);
    expectClose(ops.gather(table, Int32Array.from([1])), [[10, 11]]);
    expectClose(ops.gather(table, tensor([[0, 1], [2, 2]])), [[[0, 1], [10, 11]], [[20, 21], [20, 21]]]);
  });
  it('along axis 1', () => {
    expectClose(ops.gather(table, [1, 1, 0], 1), [[1, 1, 0], [11, 11, 10], [21, 21, 20]]);
  });
  it('gradient is a scatter-add: repeated indices accumulate', () => {
    const t = f64([[0, 1], [10, 11], [20, 21]]);
    t.requiresGrad = true;
    ops.sum(ops.gather(t, [2, 0, 2])).backward();
    expectClose(t.grad!, [[1, 1], [0, 0], [2, 2]]);
    assertGradcheck('gather axis 0', (p) => ops.gather(p, [3, 1, 1, 0]), [rand64([4, 3], 3)]);
    assertGradcheck('gather axis 1', (p) => ops.gather(p, tensor([[2, 0], [2, 2]]), 1), [rand64([2, 3, 2], 4)]);
  });
  it('errors: out-of-range and non-integer indices', () => {
    expect(() => ops.gather(table, [0, 3])).to.throw(/gather: index 3 at position 1 is out of range \[0, 3\) for axis 0 of params shape \[3, 2\]/);
    expect(() => ops.gather(table, [-1])).to.throw(/gather: index -1 at position 0 is out of range/);
    expect(() => ops.gather(table, [0.5])).to.throw(/gather: indices must hold integers, got 0.5/);
    expect(() => ops.gather(table, [0], 2)).to.throw(/gather: axis 2 is out of range/);
  });
});

describe('dropout / dropoutMask', () => {
  it('dropout multiplies by the mask; the mask gets no gradient, x gets the mask', () => {
    const x = f64([[1, 2], [3, 4]]);
    x.requiresGrad = true;
    const m = f64([[2, 0], [0, 2]]);
    m.requiresGrad = true;
    const y = ops.dropout(x, m);
    expectClose(y, [[2, 0], [0, 8]]);
    ops.sum(y).backward();
    expectClose(x.grad!, [[2, 0], [0, 2]]);
    expect(m.grad).to.equal(null);
    // a per-row mask [B, 1] broadcast over features
    expectClose(ops.dropout(f64([[1, 2], [3, 4]]), f64([[0], [2]])), [[0, 0], [6, 8]]);
    const mask = ops.dropoutMask([3, 4], 0.5, new Random(3), 'float64');
    assertGradcheck('dropout', (t) => ops.dropout(t, mask), [rand64([3, 4], 5)]);
  });
  it('dropoutMask holds only 0 and 1/(1−rate), is reproducible from the seed, and keeps ≈ 1−rate', () => {
    const a = ops.dropoutMask([100, 100], 0.2, new Random(42));
    const b = ops.dropoutMask([100, 100], 0.2, new Random(42));
    expect(Array.from(a.data)).to.deep.equal(Array.from(b.data));
    const keep = Math.fround(1 / 0.8);
    let kept = 0;
    for (const v of a.data) {
      expect(v === 0 || v === keep).to.equal(true);
      if (v !== 0) kept++;
    }
    // Binomial(10000, 0.8): sd = 40, so ±200 is a 5σ band.
    expect(kept).to.be.within(8000 - 200, 8000 + 200);
    expect(Array.from(ops.dropoutMask([5], 0, new Random(1)).data)).to.deep.equal([1, 1, 1, 1, 1]);
  });
  it('errors', () => {
    expect(() => ops.dropoutMask([2], 1, new Random(1))).to.throw(/dropoutMask: rate must be in \[0, 1\), got 1/);
    expect(() => ops.dropoutMask([2], -0.1, new Random(1))).to.throw(/dropoutMask: rate must be in \[0, 1\)/);
    expect(() => ops.dropout(f64([1, 2]), tensor([1, 1]))).to.throw(/dropout: dtypes differ: x is float64, mask is float32/);
    expect(() => ops.dropout(f64([1, 2]), f64([[1, 1], [1, 1]]))).to.throw(/dropout: mask of shape \[2, 2\] must broadcast to x's shape \[2\]/);
  });
});

describe('ops compose: a masked GRU-like update differentiates end to end', () => {
  it('where(mask, tanh(x·w), h) with a gather-ed embedding', () => {
    const mask = f64([[1], [0], [1]]);
    assertGradcheck('composite', (emb: Tensor, w: Tensor, h: Tensor) => {
      const x = ops.gather(emb, [2, 0, 1]);
      return ops.where(mask, ops.tanh(ops.matmul(x, w)), h);
    }, [rand64([3, 4], 1), rand64([4, 2], 2), rand64([3, 2], 3)]);
  });
});
