// A GEMM whose right operand is packed ONCE and reused: the LSTM's recurrent GEMM multiplies by the same
// recurrentKernel R (forward: h·R) or Rᵀ (backward: dz·Rᵀ) at every one of the T steps, with only B rows.
// src/ops/gemm.ts packs (and converts float32 → float64) B's column panels on every call, which for
// [32,128]·[128,512] is a sizeable part of the call; packing R once per sequence makes each step's GEMM
// ~25–35% faster (measured with bench/lstm-step.ts and a micro-benchmark, see docs/lstm.md "Speed").
//
// The arithmetic is the same as gemm.ts — float64 accumulators, k ascending, one rounding per output
// element — so results are identical to gemm() on the unpacked matrix (test/kernels/packed-gemm.test.ts).

import type { TypedArray } from '../tensor/tensor.js';

/** B[K, N] as ⌈N/4⌉ panels of [K][4] float64 values (zero-padded past N). */
export interface PackedB {
  readonly K: number;
  readonly N: number;
  readonly data: Float64Array;
}

/**
 * Packs the logical B[K,N]. `transposed`: B is stored as [N,K] (so this packs its transpose; the backward
 * pass packs Rᵀ straight from R without a transposed copy). `into` is reused when large enough.
 */
export function packB(B: TypedArray, K: number, N: number, transposed: boolean, into?: Float64Array): PackedB {
  const panels = Math.ceil(N / 4);
  const n = panels * 4 * K;
  const P = into !== undefined && into.length >= n ? into : new Float64Array(n);
  for (let p = 0; p < panels; p++) {
    const base = p * 4 * K;
    for (let c = 0; c < 4; c++) {
      const j = p * 4 + c;
      if (j >= N) {
        for (let k = 0; k < K; k++) P[base + k * 4 + c] = 0;
      } else if (transposed) {
        const row = j * K;
        for (let k = 0; k < K; k++) P[base + k * 4 + c] = B[row + k];
      } else {
        for (let k = 0; k < K; k++) P[base + k * 4 + c] = B[k * N + j];
      }
    }
  }
  return { K, N, data: P };
}

/** C[M,N] = A[M,K] · B, with A row-major at aOff and C row-major at cOff. */
export function gemmPacked(A: TypedArray, aOff: number, B: PackedB, C: TypedArray, cOff: number, M: number): void {
  const { K, N } = B;
  const P = B.data;
  for (let j0 = 0; j0 < N; j0 += 4) {
    const w = Math.min(4, N - j0);
    const base = j0 * K;
    const end = base + 4 * K;
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      let pa = aOff + i * K;
      for (let pb = base; pb < end; pb += 4, pa++) {
        const b0 = P[pb], b1 = P[pb + 1], b2 = P[pb + 2], b3 = P[pb + 3];
        let a = A[pa];
        s00 += a * b0; s01 += a * b1; s02 += a * b2; s03 += a * b3;
        a = A[pa + K];
        s10 += a * b0; s11 += a * b1; s12 += a * b2; s13 += a * b3;
        a = A[pa + 2 * K];
        s20 += a * b0; s21 += a * b1; s22 += a * b2; s23 += a * b3;
        a = A[pa + 3 * K];
        s30 += a * b0; s31 += a * b1; s32 += a * b2; s33 += a * b3;
      }
      const c = cOff + i * N + j0;
      put(C, c, w, s00, s01, s02, s03);
      put(C, c + N, w, s10, s11, s12, s13);
      put(C, c + 2 * N, w, s20, s21, s22, s23);
      put(C, c + 3 * N, w, s30, s31, s32, s33);
    }
    for (; i < M; i++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let pa = aOff + i * K;
      for (let pb = base; pb < end; pb += 4, pa++) {
        const a = A[pa];
        s0 += a * P[pb]; s1 += a * P[pb + 1]; s2 += a * P[pb + 2]; s3 += a * P[pb + 3];
      }
      put(C, cOff + i * N + j0, w, s0, s1, s2, s3);
    }
  }
}

function put(C: TypedArray, c: number, w: number, s0: number, s1: number, s2: number, s3: number): void {
  if (w === 4) {
    C[c] = s0; C[c + 1] = s1; C[c + 2] = s2; C[c + 3] = s3;
    return;
  }
  C[c] = s0;
  if (w > 1) C[c + 1] = s1;
  if (w > 2) C[c + 2] = s2;
}
