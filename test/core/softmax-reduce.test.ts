// softmax / logSoftmax and sum / mean: hand-derivable values, float64 gradient checks along every axis,
// and fast-check properties over random shapes (rows of softmax sum to 1; summing over all axes in any
// grouping gives the total; sum matches an independent nested-loop reference).

import { expect } from 'chai';
import fc from 'fast-check';
import { ops, tensor, assertGradcheck } from '../../src/index.js';
import { rand64, f64, expectClose, forEachIndex, at } from './helpers.js';

const shapeArb = (minRank: number, maxRank: number, maxDim = 4) => fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

describe('softmax / logSoftmax', () => {
  it('softmax([0, ln 3]) = [1/4, 3/4]; a shift of the row changes nothing', () => {
    expectClose(ops.softmax(f64([[0, Math.log(3)], [100, 100 + Math.log(3)]])), [[0.25, 0.75], [0.25, 0.75]], 1e-15);
  });
  it('softmax along axis 0 and a large-magnitude row without overflow', () => {
    expectClose(ops.softmax(f64([[0, 1], [Math.log(3), 1]]), 0), [[0.25, 0.5], [0.75, 0.5]], 1e-15);
    expectClose(ops.softmax(tensor([1000, 1000])), [0.5, 0.5]);
  });
  it('logSoftmax([0, ln 3]) = [ln 1/4, ln 3/4] and equals log(softmax) on float64', () => {
    expectClose(ops.logSoftmax(f64([0, Math.log(3)])), [Math.log(0.25), Math.log(0.75)], 1e-15);
    const x = rand64([3, 5], 1, -5, 5);
    const a = ops.logSoftmax(x, 1);
    const b = ops.log(ops.softmax(x, 1));
    for (let i = 0; i < a.size; i++) expect(a.data[i]).to.be.closeTo(b.data[i], 1e-14);
  });
  it('gradient checks along each axis of a rank-3 tensor', () => {
    for (const axis of [0, 1, 2, -1]) {
      assertGradcheck(`softmax axis ${axis}`, (x) => ops.softmax(x, axis), [rand64([2, 3, 4], 2 + axis, -2, 2)]);
      assertGradcheck(`logSoftmax axis ${axis}`, (x) => ops.logSoftmax(x, axis), [rand64([2, 3, 4], 7 + axis, -2, 2)]);
    }
  });
  it('property: every softmax row is positive and sums to 1 (random shapes and axes)', () => {
    fc.assert(fc.property(shapeArb(1, 4), fc.nat(), fc.integer({ min: 1, max: 1000 }), (shape, axisSeed, seed) => {
      const axis = axisSeed % shape.length;
      const x = rand64(shape, seed, -10, 10);
      const y = ops.softmax(x, axis);
      const s = ops.sum(y, axis);
      for (let i = 0; i < s.size; i++) expect(s.data[i]).to.be.closeTo(1, 1e-12);
      for (let i = 0; i < y.size; i++) expect(y.data[i]).to.be.greaterThan(0);
    }), { numRuns: 60 });
  });
  it('errors: scalar input and bad axis', () => {
    expect(() => ops.softmax(f64(1))).to.throw(/softmax: x must have rank ≥ 1/);
    expect(() => ops.softmax(f64([[1, 2]]), 2)).to.throw(/softmax: axis 2 is out of range for a tensor of rank 2/);
    expect(() => ops.logSoftmax(f64([[1, 2]]), -3)).to.throw(/logSoftmax: axis -3 is out of range/);
  });
});

describe('sum / mean', () => {
  const x = f64([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]); // shape [2, 2, 3]
  it('over all axes, one axis, several axes, negative axes', () => {
    expectClose(ops.sum(x), 78);
    expectClose(ops.mean(x), 6.5);
    expectClose(ops.sum(x, 0), [[8, 10, 12], [14, 16, 18]]);
    expectClose(ops.sum(x, -1), [[6, 15], [24, 33]]);
    expectClose(ops.sum(x, [0, 2]), [6 + 24, 15 + 33]);
    expectClose(ops.mean(x, [2, 0]), [(6 + 24) / 6, (15 + 33) / 6]);
    expectClose(ops.sum(x, 1), [[5, 7, 9], [17, 19, 21]]);
  });
  it('keepDims keeps reduced axes as 1; axes=[] is the identity', () => {
    const s = ops.sum(x, [1], true);
    expect(s.shape).to.deep.equal([2, 1, 3]);
    expectClose(s, [[[5, 7, 9]], [[17, 19, 21]]]);
    expect(ops.mean(x, undefined, true).shape).to.deep.equal([1, 1, 1]);
    expectClose(ops.sum(x, []), x.toArray());
  });
  it('float32 sums accumulate in float64 (1 + 1e-8 added 1e4 times is not stuck at 1)', () => {
    const n = 10000;
    const t = tensor(Float32Array.from({ length: n + 1 }, (_, i) => (i === 0 ? 1 : 1e-8)));
    // In float32, 1 + 1e-8 rounds to 1 every time; accumulating in float64 gives 1.0001 → float32(1.0001).
    expect(ops.sum(t).item()).to.equal(Math.fround(1 + n * 1e-8));
  });
  it('gradients: sum broadcasts 1s back, mean broadcasts 1/count', () => {
    const w = f64([[1, 2], [3, 4]]);
    w.requiresGrad = true;
    ops.mean(w).backward();
    expectClose(w.grad!, [[0.25, 0.25], [0.25, 0.25]]);
    for (const axes of [undefined, 0, 1, 2, [0, 2], [1, 2], [-1, 0]] as const) {
      assertGradcheck(`sum ${String(axes)}`, (t) => ops.sum(t, axes as number | number[] | undefined), [rand64([2, 3, 4], 5)]);
      assertGradcheck(`mean ${String(axes)} keepDims`, (t) => ops.mean(t, axes as number | number[] | undefined, true), [rand64([2, 3, 4], 6)]);
    }
  });
  it('property: sum over all axes equals the total, whatever the grouping of the axes', () => {
    fc.assert(fc.property(shapeArb(1, 4), fc.integer({ min: 1, max: 1000 }), (shape, seed) => {
      const t = rand64(shape, seed);
      let total = 0;
      for (let i = 0; i < t.size; i++) total += t.data[i];
      let stepwise = t;
      while (stepwise.rank > 0) stepwise = ops.sum(stepwise, stepwise.rank - 1);
      expect(ops.sum(t).item()).to.be.closeTo(total, 1e-12);
      expect(stepwise.item()).to.be.closeTo(total, 1e-12);
    }), { numRuns: 60 });
  });
  it('property: sum over a random axis subset matches nested loops', () => {
    fc.assert(fc.property(shapeArb(1, 4), fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), fc.integer({ min: 1, max: 1000 }), (shape, pick, seed) => {
      const axes = shape.map((_, i) => i).filter((i) => pick[i]);
      const t = rand64(shape, seed);
      const y = ops.sum(t, axes, true);
      const ref = new Map<string, number>();
      forEachIndex(shape, (idx) => {
        const key = idx.map((v, k) => (axes.includes(k) ? 0 : v)).join(',');
        ref.set(key, (ref.get(key) ?? 0) + at(t, idx));
      });
      forEachIndex(y.shape, (idx) => expect(at(y, idx)).to.be.closeTo(ref.get(idx.join(','))!, 1e-12));
    }), { numRuns: 60 });
  });
  it('errors: bad axis, repeated axis, mean over an empty axis', () => {
    expect(() => ops.sum(x, 3)).to.throw(/sum: axis 3 is out of range for a tensor of rank 3/);
    expect(() => ops.sum(x, [1, -2])).to.throw(/sum: axis -2 is repeated in axes \[1, -2\]/);
    expect(() => ops.mean(f64([]))).to.throw(/mean: cannot average over an empty axis/);
  });
});
