// Shared by the float32 GEMM tests (wasm SIMD: sgemm.test.ts; native: test/native/gemm-backend.test.ts): random
// cases with offsets, transposes and accumulation, their float64 reference with Σ|a·b| per element, and the check.
import { expect } from 'chai';
import fc from 'fast-check';

export const U = 2 ** -24;

export function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32) * 2 - 1;
  }
  return a;
}

export interface Case { M: number; K: number; N: number; aOff: number; bOff: number; cOff: number; accumulate: boolean; transA: boolean; transB: boolean; seed: number }

export const arbCase: fc.Arbitrary<Case> = fc.record({
  M: fc.integer({ min: 1, max: 70 }), K: fc.integer({ min: 1, max: 70 }), N: fc.integer({ min: 1, max: 70 }),
  aOff: fc.integer({ min: 0, max: 5 }), bOff: fc.integer({ min: 0, max: 5 }), cOff: fc.integer({ min: 0, max: 5 }),
  accumulate: fc.boolean(), transA: fc.boolean(), transB: fc.boolean(), seed: fc.integer({ min: 1, max: 1e9 }),
});

/** Operands of a case, and the float64 reference with Σ|a·b| per element. */
export function operands(p: Case): { A: Float32Array; B: Float32Array; C0: Float32Array; ref: Float64Array; mag: Float64Array } {
  const { M, K, N, aOff, bOff, cOff, transA, transB } = p;
  const A = rand(aOff + M * K + 3, p.seed);
  const B = rand(bOff + K * N + 3, p.seed + 1);
  const C0 = rand(cOff + M * N + 3, p.seed + 2);
  const ref = new Float64Array(M * N);
  const mag = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0, m = 0;
      for (let k = 0; k < K; k++) {
        const a = A[aOff + (transA ? k * M + i : i * K + k)];
        const b = B[bOff + (transB ? j * K + k : k * N + j)];
        s += a * b;
        m += Math.abs(a * b);
      }
      ref[i * N + j] = (p.accumulate ? C0[cOff + i * N + j] : 0) + s;
      mag[i * N + j] = m + (p.accumulate ? Math.abs(C0[cOff + i * N + j]) : 0);
    }
  }
  return { A, B, C0, ref, mag };
}

/** Checks C against the reference, and that the padding around the M×N block was not touched. */
export function check(p: Case, C: Float32Array, C0: Float32Array, ref: Float64Array, mag: Float64Array, tol: (k: number, i: number) => number): number {
  const { M, N, cOff } = p;
  let worst = 0;
  for (let i = 0; i < M * N; i++) {
    const d = Math.abs(C[cOff + i] - ref[i]);
    const t = tol(p.K, i);
    if (!(d <= t)) throw new Error(`C[${i}] = ${C[cOff + i]}, float64 reference ${ref[i]}, |diff| ${d} > tol ${t} (${JSON.stringify(p)})`);
    if (mag[i] > 0) worst = Math.max(worst, d / (mag[i] * (p.K + 1) * U));
  }
  for (let i = 0; i < cOff; i++) expect(C[i], 'element before cOff').to.equal(C0[i]);
  for (let i = cOff + M * N; i < C.length; i++) expect(C[i], 'element after the block').to.equal(C0[i]);
  return worst;
}

/** Float32 accumulation: |c − c64| ≤ 1.01·(K+1)·u·Σ|a·b| (Higham §3.1). */
export const wasmTol = (mag: Float64Array) => (K: number, i: number): number => 1.01 * (K + 1) * U * mag[i];
