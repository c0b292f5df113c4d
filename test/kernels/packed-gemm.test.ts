import { expect } from 'chai';
import fc from 'fast-check';
import { packB, gemmPacked } from '../../src/kernels/packed-gemm.js';

// The packed GEMM must equal the textbook triple loop accumulated in float64 in k order and rounded once
// (that is its documented arithmetic), exactly — for any M (incl. < 4), N not a multiple of 4, both
// storage orders of B, float32 and float64.
describe('kernels/packed-gemm: gemmPacked == float64 triple loop (exact)', () => {
  it('random shapes and offsets', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 11 }), fc.integer({ min: 1, max: 10 }),
      fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 1e6 }),
      (M, K, N, transposed, f64, off, seed) => {
        let s = seed;
        const r = (): number => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
        const mk = (n: number): Float32Array | Float64Array => (f64 ? new Float64Array(n) : new Float32Array(n)).map(r);
        const A = mk(off + M * K);
        const B = mk(K * N); // [K,N], or [N,K] when transposed
        const C = f64 ? new Float64Array(off + M * N) : new Float32Array(off + M * N);
        gemmPacked(A, off, packB(B, K, N, transposed), C, off, M);
        for (let i = 0; i < M; i++) {
          for (let j = 0; j < N; j++) {
            let acc = 0;
            for (let k = 0; k < K; k++) acc += A[off + i * K + k] * (transposed ? B[j * K + k] : B[k * N + j]);
            const want = f64 ? acc : Math.fround(acc);
            if (C[off + i * N + j] !== want) throw new Error(`C[${i},${j}] = ${C[off + i * N + j]}, want ${want}`);
          }
        }
        for (let q = 0; q < off; q++) expect(C[q]).to.equal(0); // nothing written before cOff
      }), { numRuns: 200 });
  });
});
