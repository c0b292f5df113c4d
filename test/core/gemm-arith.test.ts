// The dense kernels (gemm, gemmNT, gemmTN) against a plain triple loop over random shapes, offsets and
// both dtypes (covering every remainder path of the 4×4 register blocking and the few-rows path), and the
// broadcasting arithmetic ops against an explicit index loop over random broadcast-compatible shapes.

import { expect } from 'chai';
import fc from 'fast-check';
import { ops, assertGradcheck } from '../../src/index.js';
import { gemm, gemmNT, gemmTN } from '../../src/ops/gemm.js';
import { rand64, forEachIndex, at, f64, expectClose } from './helpers.js';

function reference(A: ArrayLike<number>, B: ArrayLike<number>, M: number, K: number, N: number, transA: boolean, transB: boolean): Float64Array {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += (transA ? A[k * M + i] : A[i * K + k]) * (transB ? B[j * K + k] : B[k * N + j]);
      C[i * N + j] = s;
    }
  }
  return C;
}

describe('gemm kernels', () => {
  it('2×2 by hand: [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]] in all three layouts', () => {
    const A = Float64Array.from([1, 2, 3, 4]);
    const B = Float64Array.from([5, 6, 7, 8]);
    const C = new Float64Array(4);
    gemm(A, 0, B, 0, C, 0, 2, 2, 2, false);
    expect(Array.from(C)).to.deep.equal([19, 22, 43, 50]);
    gemmNT(A, 0, Float64Array.from([5, 7, 6, 8]), 0, C, 0, 2, 2, 2, false); // Bᵀ stored
    expect(Array.from(C)).to.deep.equal([19, 22, 43, 50]);
    gemmTN(Float64Array.from([1, 3, 2, 4]), 0, B, 0, C, 0, 2, 2, 2, true); // Aᵀ stored; accumulate
    expect(Array.from(C)).to.deep.equal([38, 44, 86, 100]);
  });
  it('property: all layouts, dtypes, offsets and accumulate flags match a triple loop', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 11 }),
      fc.constantFrom('NN', 'NT', 'TN'), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 3 }),
      (M, K, N, mode, acc, f32, off) => {
        const mk = (n: number, g: (i: number) => number) => {
          const a = f32 ? new Float32Array(n) : new Float64Array(n);
          for (let i = 0; i < n; i++) a[i] = g(i);
          return a;
        };
        const A = mk(M * K + off, (i) => Math.sin(3 * i + M));
        const B = mk(K * N + off, (i) => Math.cos(2 * i + N));
        const C = mk(M * N + off, (i) => 0.25 * i);
        const C0 = C.slice();
        const f = mode === 'NN' ? gemm : mode === 'NT' ? gemmNT : gemmTN;
        f(A, off, B, off, C, off, M, K, N, acc);
        const R = reference(A.subarray(off), B.subarray(off), M, K, N, mode === 'TN', mode === 'NT');
        const tol = f32 ? 1e-5 : 1e-12;
        for (let i = 0; i < off; i++) expect(C[i]).to.equal(C0[i]); // nothing before cOff is touched
        for (let i = 0; i < M * N; i++) expect(C[off + i]).to.be.closeTo(R[i] + (acc ? C0[off + i] : 0), tol);
      }), { numRuns: 200 });
  });
  it('matmul of a 70×130 · 130×33 float64 product matches the triple loop (several full blocks)', () => {
    const a = rand64([70, 130], 1);
    const b = rand64([130, 33], 2);
    const R = reference(a.data, b.data, 70, 130, 33, false, false);
    const y = ops.matmul(a, b);
    for (let i = 0; i < R.length; i++) expect(y.data[i]).to.be.closeTo(R[i], 1e-12);
  });
});

describe('broadcasting arithmetic vs an explicit index loop', () => {
  // A pair of shapes that broadcast: start from a common shape and set some axes to 1 / drop leading axes.
  const pairArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 4 }).chain((shape) =>
    fc.tuple(
      fc.constant(shape),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
      fc.integer({ min: 0, max: shape.length }),
    ).map(([s, m1, m2, drop]) => [s.map((d, i) => (m1[i] ? 1 : d)), s.map((d, i) => (m2[i] ? 1 : d)).slice(drop)] as const));
  const cases: [string, (a: never, b: never) => unknown, (x: number, y: number) => number][] = [
    ['add', ops.add as never, (x, y) => x + y],
    ['sub', ops.sub as never, (x, y) => x - y],
    ['mul', ops.mul as never, (x, y) => x * y],
    ['div', ops.div as never, (x, y) => x / y],
    ['maximum', ops.maximum as never, (x, y) => Math.max(x, y)],
  ];
  for (const [name, op, f] of cases) {
    it(`${name}: y[idx] = f(a[idx mod a.shape], b[idx mod b.shape])`, () => {
      fc.assert(fc.property(pairArb, fc.integer({ min: 1, max: 10000 }), ([sa, sb], seed) => {
        const a = rand64([...sa], seed);
        const b = rand64([...sb], seed + 1, 0.5, 2);
        const y = (op as unknown as (p: typeof a, q: typeof b) => typeof a)(a, b);
        const n = Math.max(sa.length, sb.length);
        const expShape = Array.from({ length: n }, (_, i) => {
          const da = i < n - sa.length ? 1 : sa[i - (n - sa.length)];
          const db = i < n - sb.length ? 1 : sb[i - (n - sb.length)];
          return Math.max(da, db);
        });
        expect(y.shape).to.deep.equal(expShape);
        forEachIndex(expShape, (idx) => {
          const ia = idx.slice(n - sa.length).map((v, k) => (sa[k] === 1 ? 0 : v));
          const ib = idx.slice(n - sb.length).map((v, k) => (sb[k] === 1 ? 0 : v));
          expect(at(y, idx)).to.equal(f(at(a, ia), at(b, ib)));
        });
      }), { numRuns: 60 });
    });
  }
  it('gradients of broadcast operands are summed over the broadcast axes (random shapes)', () => {
    fc.assert(fc.property(pairArb, fc.integer({ min: 1, max: 10000 }), ([sa, sb], seed) => {
      assertGradcheck('mul', ops.mul, [rand64([...sa], seed), rand64([...sb], seed + 1)]);
      assertGradcheck('sub', ops.sub, [rand64([...sa], seed + 2), rand64([...sb], seed + 3)]);
    }), { numRuns: 25 });
  });
  it('bias gradient by hand: d/db Σ (x + b) over a [3, 2] batch is [3, 3]', () => {
    const b = f64([0.5, -1]);
    b.requiresGrad = true;
    ops.sum(ops.add(f64([[1, 2], [3, 4], [5, 6]]), b)).backward();
    expectClose(b.grad!, [3, 3]);
  });
});
