// The one dense kernel everything heavy runs on: C = A·B (+ C), row-major, no views.
//
// Why this loop order: i-k-j keeps the inner loop streaming along contiguous rows of B and C, which V8
// turns into tight scalar code; unrolling four rows of A means each loaded B[k, j] feeds four multiply-adds,
// roughly doubling throughput over the plain i-k-j loop (bench/matmul.ts measures both). Accumulation is
// in a float64 scratch block, so a float32 product is rounded once per output element, not once per k.

import type { TypedArray } from '../tensor/tensor.js';

let scratch = new Float64Array(4 * 1024);

function scratchFor(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n);
  return scratch;
}

/**
 * C[M,N] (=|+=) A[M,K] · B[K,N]. All arrays row-major and dense; `aOff`, `bOff`, `cOff` are element offsets
 * (batched matmul and the fused LSTM kernel address sub-blocks of larger buffers with them).
 */
export function gemm(
  A: TypedArray, aOff: number,
  B: TypedArray, bOff: number,
  C: TypedArray, cOff: number,
  M: number, K: number, N: number,
  accumulate: boolean,
): void {
  const acc = scratchFor(4 * N);
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    acc.fill(0, 0, 4 * N);
    const a0 = aOff + i * K;
    const a1 = a0 + K;
    const a2 = a1 + K;
    const a3 = a2 + K;
    for (let k = 0; k < K; k++) {
      const x0 = A[a0 + k];
      const x1 = A[a1 + k];
      const x2 = A[a2 + k];
      const x3 = A[a3 + k];
      const bo = bOff + k * N;
      for (let j = 0; j < N; j++) {
        const b = B[bo + j];
        acc[j] += x0 * b;
        acc[N + j] += x1 * b;
        acc[2 * N + j] += x2 * b;
        acc[3 * N + j] += x3 * b;
      }
    }
    const co = cOff + i * N;
    if (accumulate) for (let j = 0; j < 4 * N; j++) C[co + j] += acc[j];
    else for (let j = 0; j < 4 * N; j++) C[co + j] = acc[j];
  }
  for (; i < M; i++) {
    acc.fill(0, 0, N);
    const a0 = aOff + i * K;
    for (let k = 0; k < K; k++) {
      const x0 = A[a0 + k];
      const bo = bOff + k * N;
      for (let j = 0; j < N; j++) acc[j] += x0 * B[bo + j];
    }
    const co = cOff + i * N;
    if (accumulate) for (let j = 0; j < N; j++) C[co + j] += acc[j];
    else for (let j = 0; j < N; j++) C[co + j] = acc[j];
  }
}

/** Dense transpose of a [rows, cols] block into a new [cols, rows] array of the same type. */
export function transpose2d(A: TypedArray, aOff: number, rows: number, cols: number): TypedArray {
  const out = new (A.constructor as { new (n: number): TypedArray })(rows * cols);
  for (let r = 0; r < rows; r++) {
    const ro = aOff + r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = A[ro + c];
  }
  return out;
}

/** C[M,N] (=|+=) A[M,K] · B[N,K]ᵀ (B given untransposed, row-major [N,K]). */
export function gemmNT(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  gemm(A, aOff, transpose2d(B, bOff, N, K), 0, C, cOff, M, K, N, accumulate);
}

/** C[M,N] (=|+=) A[K,M]ᵀ · B[K,N] (A given untransposed, row-major [K,M]). */
export function gemmTN(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  gemm(transpose2d(A, aOff, K, M), 0, B, bOff, C, cOff, M, K, N, accumulate);
}
