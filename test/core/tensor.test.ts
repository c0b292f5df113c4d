// Tensor creation and conversion (nested arrays, TypedArray + shape, ndarray views with non-trivial strides
// and offsets, back to ndarray), dtypes, the seeded generator (xoshiro128** known-answer vector), and
// noGrad / detach / requiresGrad bookkeeping.

import { expect } from 'chai';
import ndarray from 'ndarray';
import {
  Tensor, tensor, fromNdarray, toNdarray, zeros, ones, full, zerosLike, onesLike, scalar,
  randomUniform, randomNormal, Random, setRandomSeed, noGrad, enableGrad, isGradEnabled, ops, LstmTsError,
} from '../../src/index.js';

describe('Tensor creation', () => {
  it('from nested arrays: shape inferred, row-major data, float32 by default', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).to.deep.equal([2, 3]);
    expect(t.dtype).to.equal('float32');
    expect(t.data).to.be.instanceOf(Float32Array);
    expect(Array.from(t.data)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(t.toArray()).to.deep.equal([[1, 2, 3], [4, 5, 6]]);
    expect(tensor([[[1], [2]]]).shape).to.deep.equal([1, 2, 1]);
  });
  it('float32 rounds values, float64 keeps them', () => {
    expect(tensor([0.1]).data[0]).to.equal(Math.fround(0.1));
    expect(tensor([0.1], { dtype: 'float64' }).data[0]).to.equal(0.1);
    const d = tensor([[0.1, 0.2]], { dtype: 'float64' });
    expect(d.data).to.be.instanceOf(Float64Array);
    expect(d.toArray()).to.deep.equal([[0.1, 0.2]]);
  });
  it('from a TypedArray + shape (copied; Float64Array keeps float64)', () => {
    const src = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const t = tensor(src, { shape: [3, 2] });
    expect(t.dtype).to.equal('float64');
    expect(t.toArray()).to.deep.equal([[1, 2], [3, 4], [5, 6]]);
    src[0] = 99;
    expect(t.data[0]).to.equal(1);
    expect(tensor(Float32Array.from([1, 2]), { dtype: 'float64' }).dtype).to.equal('float64');
    expect(tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray()).to.deep.equal([[1, 2], [3, 4]]);
    const ids = tensor(Int32Array.from([3, 0, 7, 1]), { shape: [2, 2] });
    expect(ids.dtype).to.equal('float32');
    expect(ids.toArray()).to.deep.equal([[3, 0], [7, 1]]);
    expect(tensor(Uint8Array.from([1, 0]), { dtype: 'float64' }).toArray()).to.deep.equal([1, 0]);
  });
  it('scalars, item(), and the constant fills', () => {
    const s = tensor(3.5);
    expect(s.shape).to.deep.equal([]);
    expect(s.item()).to.equal(3.5);
    expect(s.toArray()).to.equal(3.5);
    expect(scalar(2, 'float64').dtype).to.equal('float64');
    expect(zeros([2, 2]).toArray()).to.deep.equal([[0, 0], [0, 0]]);
    expect(ones([3]).toArray()).to.deep.equal([1, 1, 1]);
    expect(full([2], 7, 'float64').toArray()).to.deep.equal([7, 7]);
    expect(zeros([1], { dtype: 'float64' }).dtype).to.equal('float64');
    const f = tensor([[1, 2]], { dtype: 'float64' });
    expect(zerosLike(f).dtype).to.equal('float64');
    expect(onesLike(f).toArray()).to.deep.equal([[1, 1]]);
    expect(tensor([]).shape).to.deep.equal([0]);
  });
  it('clone copies, cast converts, assign overwrites a leaf in place', () => {
    const t = tensor([1, 2], { dtype: 'float64' });
    const c = t.clone();
    c.data[0] = 5;
    expect(t.data[0]).to.equal(1);
    expect(t.cast('float32').dtype).to.equal('float32');
    expect(() => t.cast('int8' as unknown as 'float32')).to.throw(/cast: dtype must be 'float32' or 'float64', got int8/);
    t.assign([3, 4]);
    expect(t.toArray()).to.deep.equal([3, 4]);
    t.assign(tensor([5, 6]));
    expect(t.toArray()).to.deep.equal([5, 6]);
    expect(() => t.assign(tensor([1, 2, 3]))).to.throw(/assign: value shape \[3\] does not match variable shape \[2\]/);
  });
  it('rejects ragged arrays, mismatched sizes and bad shapes with the op name', () => {
    expect(() => tensor([[1, 2], [3]])).to.throw(LstmTsError, /tensor: ragged nested array: values\[1\] should be an array of length 2 \(shape \[2, 2\]\), got an array of length 1/);
    expect(() => tensor(Float32Array.from([1, 2, 3]), { shape: [2, 2] })).to.throw(/tensor: 3 values do not fill shape \[2, 2\]/);
    expect(() => tensor([[1, 2], [3, 4]], { shape: [4, 1] })).to.throw(/tensor: nested array has shape \[2, 2\] but shape \[4, 1\] was given/);
    expect(() => zeros([2, -1])).to.throw(/full: shape must be a shape of non-negative integers, got \[2, -1\]/);
    expect(() => zeros([2], 'int32' as unknown as 'float32')).to.throw(/full: dtype must be 'float32' or 'float64', got int32/);
    expect(() => tensor([1], { dtype: 'int32' as unknown as 'float32' })).to.throw(/tensor: dtype must be 'float32' or 'float64', got int32/);
    expect(() => new Tensor(new Float32Array(3), [2, 2])).to.throw(/Tensor: data has 3 elements but shape \[2, 2\] needs 4/);
    expect(() => tensor([1, 2]).item()).to.throw(/item: tensor must have exactly one element, got shape \[2\]/);
  });
});

describe('ndarray interop', () => {
  it('copies a transposed ndarray view (strides [1, 3]) into row-major order', () => {
    const a = ndarray(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]); // [[1,2,3],[4,5,6]]
    const at = a.transpose(1, 0); // [[1,4],[2,5],[3,6]], stride [1, 3]
    expect(at.stride).to.deep.equal([1, 3]);
    const t = fromNdarray(at);
    expect(t.shape).to.deep.equal([3, 2]);
    expect(t.toArray()).to.deep.equal([[1, 4], [2, 5], [3, 6]]);
    expect(tensor(at).toArray()).to.deep.equal([[1, 4], [2, 5], [3, 6]]);
  });
  it('honours offsets and negative strides (lo/hi/step views)', () => {
    const a = ndarray(Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), [3, 4]);
    const v = a.hi(3, 3).lo(1, 1); // rows 1..2, cols 1..2
    expect(fromNdarray(v).toArray()).to.deep.equal([[5, 6], [9, 10]]);
    expect(fromNdarray(v).dtype).to.equal('float64');
    const r = a.step(-1, 2); // rows reversed, every other column
    expect(fromNdarray(r).toArray()).to.deep.equal([[8, 10], [4, 6], [0, 2]]);
  });
  it('toNdarray gives a row-major copy readable with get()', () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
    const n = toNdarray(t);
    expect(n.shape).to.deep.equal([2, 3]);
    expect(n.get(1, 2)).to.equal(6);
    expect(n.get(0, 1)).to.equal(2);
    n.set(0, 0, 42);
    expect(t.data[0]).to.equal(1);
    expect(fromNdarray(n.transpose(1, 0)).toArray()).to.deep.equal([[42, 4], [2, 5], [3, 6]]);
  });
});

describe('Random (xoshiro128**, splitmix32-seeded)', () => {
  it('matches the published xoshiro128** outputs for state {1, 2, 3, 4}', () => {
    const r = new Random(0) as unknown as { s0: number; s1: number; s2: number; s3: number; nextUint32(): number };
    r.s0 = 1; r.s1 = 2; r.s2 = 3; r.s3 = 4;
    const out = Array.from({ length: 10 }, () => r.nextUint32());
    // Reference: Blackman & Vigna's xoshiro128starstar.c started from s = {1, 2, 3, 4}.
    expect(out).to.deep.equal([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804]);
  });
  it('the same seed gives the same sequence; different seeds differ; fork is deterministic', () => {
    const a = new Random(123);
    const b = new Random(123);
    const c = new Random(124);
    const sa = Array.from({ length: 20 }, () => a.uniform());
    expect(Array.from({ length: 20 }, () => b.uniform())).to.deep.equal(sa);
    expect(Array.from({ length: 20 }, () => c.uniform())).to.not.deep.equal(sa);
    const f1 = new Random(9).fork();
    const f2 = new Random(9).fork();
    expect(f1.uniform()).to.equal(f2.uniform());
    for (const u of sa) expect(u >= 0 && u < 1).to.equal(true);
  });
  it('uniform has mean ≈ 1/2, normal mean ≈ 0 and variance ≈ 1 (5σ bands), permutation is a permutation', () => {
    const r = new Random(5);
    const n = 20000;
    let s = 0;
    for (let i = 0; i < n; i++) s += r.uniform();
    expect(s / n).to.be.closeTo(0.5, 5 * Math.sqrt(1 / 12 / n));
    let m = 0;
    let v = 0;
    for (let i = 0; i < n; i++) { const z = r.normal(); m += z; v += z * z; }
    expect(m / n).to.be.closeTo(0, 5 / Math.sqrt(n));
    expect(v / n).to.be.closeTo(1, 5 * Math.sqrt(2 / n));
    expect(Array.from(r.permutation(10)).sort((p, q) => p - q)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (let i = 0; i < 100; i++) { const k = r.int(7); expect(Number.isInteger(k) && k >= 0 && k < 7).to.equal(true); }
  });
  it('randomUniform / randomNormal are reproducible by seed, and setRandomSeed resets the global stream', () => {
    expect(randomUniform([5], -2, 3, { seed: 7 }).toArray()).to.deep.equal(randomUniform([5], -2, 3, { seed: 7 }).toArray());
    expect(randomNormal([5], 1, 2, { seed: 7, dtype: 'float64' }).dtype).to.equal('float64');
    for (const v of randomUniform([100], -2, 3, { seed: 8 }).data) expect(v >= -2 && v < 3).to.equal(true);
    setRandomSeed(77);
    const g1 = randomUniform([4]).toArray();
    setRandomSeed(77);
    expect(randomUniform([4]).toArray()).to.deep.equal(g1);
    setRandomSeed(1337); // the library's default global seed, so later test files see a fresh default stream
    expect(() => new Random(NaN)).to.throw(/Random: seed must be a finite number/);
  });
});

describe('noGrad / detach / requiresGrad', () => {
  it('noGrad turns recording off inside and restores it afterwards, also after a throw', () => {
    expect(isGradEnabled()).to.equal(true);
    const w = tensor([1, 2], { requiresGrad: true });
    noGrad(() => {
      expect(isGradEnabled()).to.equal(false);
      const y = ops.sigmoid(w);
      expect(y.requiresGrad).to.equal(false);
      expect(y.gradFn).to.equal(null);
      const z = enableGrad(() => ops.sigmoid(w));
      expect(z.requiresGrad).to.equal(true);
    });
    expect(() => noGrad(() => { throw new Error('boom'); })).to.throw('boom');
    expect(isGradEnabled()).to.equal(true);
  });
  it('detach cuts the graph: no gradient flows through the detached branch', () => {
    const x = tensor([2], { dtype: 'float64', requiresGrad: true });
    const y = ops.mul(x, x); // dy/dx = 2x = 4
    const z = ops.mul(y, y.detach()); // treat the second y as a constant: dz/dx = y · 2x = 16
    z.backward();
    expect(x.grad!.item()).to.equal(16);
    expect(y.detach().requiresGrad).to.equal(false);
    expect(y.detach().isLeaf).to.equal(true);
  });
  it('an op records only if some input requires grad, and marks its output', () => {
    const a = tensor([1]);
    const b = tensor([1], { requiresGrad: true });
    expect(ops.exp(a).gradFn).to.equal(null);
    const y = ops.add(a, b);
    expect(y.requiresGrad).to.equal(true);
    expect(y.gradFn!.op).to.equal('add');
    expect(y.isLeaf).to.equal(false);
    expect(() => y.requireGrad(false)).to.throw(/requireGrad: only leaves can be switched off/);
  });
  it('multi-output ops set outputIndex and take gradients from any subset of outputs', () => {
    const x = tensor([[1, 2, 3, 4]], { dtype: 'float64', requiresGrad: true });
    const parts = ops.split(x, 4, 1);
    expect(parts.map((p) => p.outputIndex)).to.deep.equal([0, 1, 2, 3]);
    expect(new Set(parts.map((p) => p.gradFn)).size).to.equal(1);
    ops.add(ops.scale(parts[1], 3), parts[3]).backward();
    expect(x.grad!.toArray()).to.deep.equal([[0, 3, 0, 1]]);
  });
});
