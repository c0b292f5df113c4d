// fast-check properties over random shapes for the ops whose other tests use fixed shapes: element-wise
// functions against Math.* element by element, where with three-way broadcasting, gather along any axis,
// slice with random boxes, batched matmul, and softmax's shift invariance. Each compares against an
// independent index-by-index computation in the test.

import { expect } from 'chai';
import fc from 'fast-check';
import { ops, Tensor, tensor } from '../../src/index.js';
import { rand64, forEachIndex, at } from './helpers.js';

const shapeArb = (minRank: number, maxRank: number, maxDim = 4) => fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
const seedArb = fc.integer({ min: 1, max: 100000 });

describe('properties over random shapes', () => {
  const elementwise: [string, (x: Tensor) => Tensor, (v: number) => number][] = [
    ['exp', ops.exp, Math.exp],
    ['tanh', ops.tanh, Math.tanh],
    ['sigmoid', ops.sigmoid, (v) => 1 / (1 + Math.exp(-v))],
    ['relu', ops.relu, (v) => Math.max(v, 0)],
    ['abs', ops.abs, Math.abs],
    ['square', ops.square, (v) => v * v],
    ['hardSigmoid', ops.hardSigmoid, (v) => Math.min(Math.max(v + 3, 0), 6) / 6],
    ['hardSigmoidKeras2', ops.hardSigmoidKeras2, (v) => Math.min(Math.max(0.2 * v + 0.5, 0), 1)],
    ['clip', (x) => ops.clip(x, -0.5, 1), (v) => Math.min(Math.max(v, -0.5), 1)],
  ];
  it('element-wise ops keep the shape and match Math.* at every element', () => {
    fc.assert(fc.property(shapeArb(0, 4), seedArb, (shape, seed) => {
      const x = rand64(shape, seed, -5, 5);
      for (const [name, op, f] of elementwise) {
        const y = op(x);
        expect(y.shape, name).to.deep.equal(shape);
        for (let i = 0; i < x.size; i++) expect(y.data[i], name).to.be.closeTo(f(x.data[i]), 1e-15);
      }
    }), { numRuns: 40 });
  });

  it('where(cond, a, b) with three broadcast shapes matches the index rule', () => {
    const tripleArb = shapeArb(0, 3).chain((s) => fc.tuple(
      fc.constant(s),
      ...[0, 1, 2].map(() => fc.tuple(fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }), fc.integer({ min: 0, max: s.length }))),
    ));
    fc.assert(fc.property(tripleArb, seedArb, ([s, ...subs], seed) => {
      const shapes = subs.map(([ones, drop]) => s.map((d, i) => (ones[i] ? 1 : d)).slice(drop));
      const cond = rand64(shapes[0], seed);
      for (let i = 0; i < cond.size; i++) cond.data[i] = cond.data[i] > 0 ? 1 : 0;
      const a = rand64(shapes[1], seed + 1);
      const b = rand64(shapes[2], seed + 2);
      const y = ops.where(cond, a, b);
      const n = y.rank;
      const pick = (t: Tensor, idx: number[]) => at(t, idx.slice(n - t.rank).map((v, k) => (t.shape[k] === 1 ? 0 : v)));
      forEachIndex(y.shape, (idx) => expect(at(y, idx)).to.equal(pick(cond, idx) !== 0 ? pick(a, idx) : pick(b, idx)));
    }), { numRuns: 60 });
  });

  it('gather along a random axis matches params[..., indices[j], ...]', () => {
    fc.assert(fc.property(shapeArb(1, 3), fc.nat(), fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), seedArb, (shape, ax, raw, seed) => {
      const axis = ax % shape.length;
      const idx = raw.map((v) => v % shape[axis]);
      const p = rand64(shape, seed);
      const y = ops.gather(p, idx, axis);
      const want = shape.slice();
      want[axis] = idx.length;
      expect(y.shape).to.deep.equal(want);
      forEachIndex(y.shape, (i) => {
        const src = i.slice();
        src[axis] = idx[i[axis]];
        expect(at(y, i)).to.equal(at(p, src));
      });
    }), { numRuns: 60 });
  });

  it('slice with a random box matches x[begin + idx]', () => {
    fc.assert(fc.property(shapeArb(1, 4), fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 4, maxLength: 4 }), seedArb, (shape, boxes, seed) => {
      const begin = shape.map((d, k) => boxes[k][0] % d);
      const size = shape.map((d, k) => (boxes[k][1] % 3 === 0 ? -1 : boxes[k][1] % (d - begin[k] + 1)));
      const x = rand64(shape, seed);
      const y = ops.slice(x, begin, size);
      expect(y.shape).to.deep.equal(shape.map((d, k) => (size[k] === -1 ? d - begin[k] : size[k])));
      forEachIndex(y.shape, (i) => expect(at(y, i)).to.equal(at(x, i.map((v, k) => v + begin[k]))));
    }), { numRuns: 60 });
  });

  it('batched matmul [P, M, K]·[P, K, N] and [P, M, K]·[K, N] match per-batch sums', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.boolean(), seedArb, (P, M, K, N, shared, seed) => {
      const a = rand64([P, M, K], seed);
      const b = shared ? rand64([K, N], seed + 1) : rand64([P, K, N], seed + 1);
      const y = ops.matmul(a, b);
      expect(y.shape).to.deep.equal([P, M, N]);
      forEachIndex([P, M, N], ([p, i, j]) => {
        let s = 0;
        for (let k = 0; k < K; k++) s += at(a, [p, i, k]) * (shared ? at(b, [k, j]) : at(b, [p, k, j]));
        expect(at(y, [p, i, j])).to.be.closeTo(s, 1e-13);
      });
    }), { numRuns: 60 });
  });

  it('softmax is invariant to adding a constant along the axis; logSoftmax shifts nothing either', () => {
    fc.assert(fc.property(shapeArb(1, 3), fc.double({ min: -50, max: 50, noNaN: true }), seedArb, (shape, c, seed) => {
      const x = rand64(shape, seed, -3, 3);
      const xc = ops.addScalar(x, c);
      const a = ops.softmax(x, 0);
      const b = ops.softmax(xc, 0);
      for (let i = 0; i < a.size; i++) expect(b.data[i]).to.be.closeTo(a.data[i], 1e-12);
      const la = ops.logSoftmax(x, -1);
      const lb = ops.logSoftmax(xc, -1);
      for (let i = 0; i < la.size; i++) expect(lb.data[i]).to.be.closeTo(la.data[i], 1e-11);
    }), { numRuns: 60 });
  });

  it('dropout with a [B, 1] mask zeroes whole rows and scales the rest by the mask value', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), seedArb, (B, F, seed) => {
      const x = rand64([B, F], seed);
      const m = tensor(Float64Array.from({ length: B }, (_, b) => ((seed >> b) & 1 ? 2 : 0)), { shape: [B, 1] });
      const y = ops.dropout(x, m);
      forEachIndex([B, F], ([b, f]) => expect(at(y, [b, f])).to.equal(at(x, [b, f]) * m.data[b]));
    }), { numRuns: 40 });
  });
});
