// reshape, transpose, concat/split, slice, stack/unstack: hand-written expected layouts, gradient checks,
// fast-check round-trip properties over random shapes (concat∘split = id, transpose∘transpose⁻¹ = id,
// unstack∘stack = id, transpose agrees with index arithmetic), and error messages.

import { expect } from 'chai';
import fc from 'fast-check';
import { ops, tensor, assertGradcheck, Tensor } from '../../src/index.js';
import { rand64, f64, expectClose, forEachIndex, at } from './helpers.js';

const shapeArb = (minRank: number, maxRank: number, maxDim = 4) => fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
const seedArb = fc.integer({ min: 1, max: 100000 });
const same = (a: Tensor, b: Tensor) => {
  expect(a.shape).to.deep.equal(b.shape);
  expect(Array.from(a.data)).to.deep.equal(Array.from(b.data));
};

describe('reshape', () => {
  it('keeps row-major order and infers one -1', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    expectClose(ops.reshape(x, [3, 2]), [[1, 2], [3, 4], [5, 6]]);
    expect(ops.reshape(x, [-1]).shape).to.deep.equal([6]);
    expect(ops.reshape(x, [1, -1, 2]).shape).to.deep.equal([1, 3, 2]);
    expect(ops.reshape(f64([5]), []).shape).to.deep.equal([]);
  });
  it('gradient check', () => assertGradcheck('reshape', (t) => ops.reshape(t, [4, -1]), [rand64([2, 3, 4], 1)]));
  it('errors name both shapes', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    expect(() => ops.reshape(x, [4, 2])).to.throw(/reshape: cannot reshape \[2, 3\] \(6 elements\) to \[4, 2\] \(8 elements\)/);
    expect(() => ops.reshape(x, [-1, -1])).to.throw(/reshape: only one -1 is allowed/);
    expect(() => ops.reshape(x, [4, -1])).to.throw(/reshape: cannot infer -1 in \[4, -1\] for 6 elements/);
  });
});

describe('transpose / permute', () => {
  it('2-D default reverses axes; 3-D with a permutation', () => {
    expectClose(ops.transpose(f64([[1, 2, 3], [4, 5, 6]])), [[1, 4], [2, 5], [3, 6]]);
    const x = f64([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]); // [2, 3, 2]
    // y[i][j][k] = x[j][k][i] for perm [2, 0, 1]: y.shape = [2, 2, 3]
    expectClose(ops.transpose(x, [2, 0, 1]), [[[1, 3, 5], [7, 9, 11]], [[2, 4, 6], [8, 10, 12]]]);
    expect(ops.permute).to.equal(ops.transpose);
    expect(ops.transpose(f64(3)).item()).to.equal(3);
    expectClose(ops.transpose(f64([1, 2])), [1, 2]);
    expectClose(ops.transpose(f64([[1, 2]]), [0, 1]), [[1, 2]]);
  });
  it('gradient check for several permutations', () => {
    for (const p of [[1, 0, 2], [2, 0, 1], [0, 2, 1], [2, 1, 0]]) assertGradcheck(`transpose ${p}`, (t) => ops.transpose(t, p), [rand64([2, 3, 4], 2)]);
  });
  it('property: y[idx] = x[idx permuted] and transpose by the inverse permutation restores x', () => {
    fc.assert(fc.property(shapeArb(1, 5), seedArb, seedArb, (shape, seed, pseed) => {
      const perm = shape.map((_, i) => i);
      for (let i = perm.length - 1, s = pseed; i > 0; i--) { s = (s * 16807) % 2147483647; const j = s % (i + 1); [perm[i], perm[j]] = [perm[j], perm[i]]; }
      const x = rand64(shape, seed);
      const y = ops.transpose(x, perm);
      expect(y.shape).to.deep.equal(perm.map((p) => shape[p]));
      forEachIndex(y.shape, (idx) => {
        const xi = new Array<number>(shape.length);
        perm.forEach((p, k) => (xi[p] = idx[k]));
        expect(at(y, idx)).to.equal(at(x, xi));
      });
      const inv = new Array<number>(perm.length);
      perm.forEach((p, k) => (inv[p] = k));
      same(ops.transpose(y, inv), x);
    }), { numRuns: 80 });
  });
  it('errors: wrong length, not a permutation, axis out of range', () => {
    const x = f64([[1, 2]]);
    expect(() => ops.transpose(x, [0])).to.throw(/transpose: perm \[0\] must have 2 entries/);
    expect(() => ops.transpose(x, [0, 0])).to.throw(/transpose: perm \[0, 0\] is not a permutation of 0..1/);
    expect(() => ops.transpose(x, [0, 2])).to.throw(/transpose: axis 2 is out of range for a tensor of rank 2/);
  });
});

describe('concat / split', () => {
  it('concat along axis 0 and 1; split by count and by sizes with -1', () => {
    const a = f64([[1, 2], [3, 4]]);
    const b = f64([[5], [6]]);
    expectClose(ops.concat([a, b], 1), [[1, 2, 5], [3, 4, 6]]);
    expectClose(ops.concat([a, f64([[7, 8]])], 0), [[1, 2], [3, 4], [7, 8]]);
    const [p, q] = ops.split(f64([[1, 2, 3, 4], [5, 6, 7, 8]]), 2, 1);
    expectClose(p, [[1, 2], [5, 6]]);
    expectClose(q, [[3, 4], [7, 8]]);
    const parts = ops.split(f64([1, 2, 3, 4, 5]), [1, -1, 2], 0);
    expect(parts.map((t) => t.toArray())).to.deep.equal([[1], [2, 3], [4, 5]]);
  });
  it('the same tensor twice in concat / stack receives both gradients', () => {
    const x = f64([1, 2]);
    x.requiresGrad = true;
    ops.sum(ops.mul(ops.concat([x, x], 0), f64([1, 2, 3, 4]))).backward();
    expectClose(x.grad!, [1 + 3, 2 + 4]);
    assertGradcheck('stack twice', (t) => ops.stack([t, t, ops.scale(t, 2)], 1), [rand64([2, 3], 9)]);
  });
  it('gradient checks (split with an unused output gets zero gradient there)', () => {
    assertGradcheck('concat', (a, b, c) => ops.concat([a, b, c], 1), [rand64([2, 1, 3], 1), rand64([2, 3, 3], 2), rand64([2, 2, 3], 3)]);
    assertGradcheck('split', (t) => ops.split(t, [1, 2, 1], -1), [rand64([2, 3, 4], 4)]);
    assertGradcheck('split first only', (t) => ops.split(t, 2, 0)[0], [rand64([4, 3], 5)]);
    const x = f64([[1, 2], [3, 4]]);
    x.requiresGrad = true;
    ops.sum(ops.split(x, 2, 1)[1]).backward();
    expectClose(x.grad!, [[0, 1], [0, 1]]);
  });
  it('property: concat(split(x)) = x along any axis with random sizes', () => {
    fc.assert(fc.property(shapeArb(1, 4, 5), fc.nat(), seedArb, (shape, axisSeed, seed) => {
      const axis = axisSeed % shape.length;
      const x = rand64(shape, seed);
      const sizes: number[] = [];
      let left = shape[axis];
      for (let s = seed; left > 0; ) { s = (s * 16807) % 2147483647; const k = 1 + (s % left); sizes.push(k); left -= k; }
      const parts = ops.split(x, sizes, axis);
      expect(parts.map((t) => t.shape[axis])).to.deep.equal(sizes);
      same(ops.concat(parts, axis), x);
    }), { numRuns: 80 });
  });
  it('errors name the shapes', () => {
    expect(() => ops.concat([f64([[1, 2]]), f64([[1, 2, 3]])], 0)).to.throw(/concat: shapes differ outside axis 0: xs\[0\] is \[1, 2\], xs\[1\] is \[1, 3\]/);
    expect(() => ops.concat([f64([1]), tensor([1])], 0)).to.throw(/concat: dtypes differ: xs\[0\] is float64, xs\[1\] is float32/);
    expect(() => ops.concat([], 0)).to.throw(/concat: xs must be a non-empty array/);
    expect(() => ops.split(f64([1, 2, 3]), 2, 0)).to.throw(/split: axis 0 of shape \[3\] has length 3, not divisible into 2 equal parts/);
    expect(() => ops.split(f64([1, 2, 3]), [1, 1], 0)).to.throw(/split: sizes \[1, 1\] sum to 2 but axis 0 of shape \[3\] has length 3/);
    expect(() => ops.split(f64([1, 2, 3]), 3, 1)).to.throw(/split: axis 1 is out of range for a tensor of rank 1/);
  });
});

describe('slice', () => {
  it('begin/size with -1 = to the end', () => {
    const x = f64([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expectClose(ops.slice(x, [1, 0], [2, 2]), [[4, 5], [7, 8]]);
    expectClose(ops.slice(x, [0, 1], [-1, 1]), [[2], [5], [8]]);
    expectClose(ops.slice(x, [2, 2], [1, -1]), [[9]]);
  });
  it('gradient scatters into zeros at the same place', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    x.requiresGrad = true;
    ops.sum(ops.slice(x, [0, 1], [2, 2])).backward();
    expectClose(x.grad!, [[0, 1, 1], [0, 1, 1]]);
    assertGradcheck('slice', (t) => ops.slice(t, [1, 0, 2], [1, -1, 2]), [rand64([2, 3, 4], 6)]);
  });
  it('errors: wrong number of entries and out of range', () => {
    const x = f64([[1, 2, 3]]);
    expect(() => ops.slice(x, [0], [1])).to.throw(/slice: begin \[0\] and size \[1\] must each have 2 entries for x of shape \[1, 3\]/);
    expect(() => ops.slice(x, [0, 2], [1, 2])).to.throw(/slice: axis 1: begin 2 with size 2 is out of range for dimension 3/);
  });
});

describe('stack / unstack', () => {
  it('stack along axis 0, 1 and -1', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    expectClose(ops.stack([a, b]), [[1, 2], [3, 4]]);
    expectClose(ops.stack([a, b], 1), [[1, 3], [2, 4]]);
    expectClose(ops.stack([a, b], -1), [[1, 3], [2, 4]]);
    expect(ops.unstack(f64([[1, 2], [3, 4]]), 1).map((t) => t.toArray())).to.deep.equal([[1, 3], [2, 4]]);
  });
  it('gradient checks', () => {
    assertGradcheck('stack', (a, b, c) => ops.stack([a, b, c], 1), [rand64([2, 3], 1), rand64([2, 3], 2), rand64([2, 3], 3)]);
    assertGradcheck('unstack', (t) => ops.unstack(t, 1), [rand64([2, 3, 2], 4)]);
    assertGradcheck('unstack one used', (t) => ops.unstack(t, 0)[1], [rand64([3, 2], 5)]);
  });
  it('property: stack(unstack(x, axis), axis) = x', () => {
    fc.assert(fc.property(shapeArb(1, 4), fc.nat(), seedArb, (shape, axisSeed, seed) => {
      const axis = axisSeed % shape.length;
      const x = rand64(shape, seed);
      const parts = ops.unstack(x, axis);
      expect(parts.length).to.equal(shape[axis]);
      same(ops.stack(parts, axis), x);
    }), { numRuns: 60 });
  });
  it('errors', () => {
    expect(() => ops.stack([f64([1, 2]), f64([1])])).to.throw(/stack: shapes differ: xs\[0\] is \[2\], xs\[1\] is \[1\]/);
    expect(() => ops.stack([f64([1, 2])], 2)).to.throw(/stack: axis 2 is out of range for a tensor of rank 2/);
    expect(() => ops.unstack(f64(1))).to.throw(/unstack: cannot unstack a scalar/);
  });
});
