// The one dense kernel everything heavy runs on: C = A·B (+ C), row-major, no views, with the two
// transposed variants matmul's backward (and the fused LSTM kernel) need: gemmNT = A·Bᵀ, gemmTN = Aᵀ·B.
//
// How it is fast enough in plain JS (bench/matmul.ts measures it against the plain i-k-j loop):
//  * Register blocking. Each inner-loop iteration loads 4 values of A and 4 of B and performs 16
//    multiply-adds into 16 local accumulators that V8 keeps in registers; the plain loop instead loads and
//    stores C on every multiply-add. This ~halves memory traffic per flop.
//  * Packing. For each block of 4 output columns, B's 4 columns are copied once into a contiguous
//    Float64Array panel [K][4] (converted from float32 once, not once per use). The panel (8·4·K bytes)
//    stays in L1/L2 while every block of 4 rows of A streams past it. The transposed variants differ only
//    in how the panel is packed (B row-major [K,N] or [N,K]) and in A's strides ([M,K] or [K,M]), so no
//    transposed copy of a whole operand is made.
//  * Accumulation is in float64 locals, so a float32 product is rounded once per output element.

import type { TypedArray } from '../tensor/tensor.js';
// Large float32 products run on the native addon's GEMM when it is registered (src/native.ts), else those large
// enough to pay for the copies on the generated WebAssembly SIMD kernel (src/ops/wasm-simd/, docs/architecture.md
// "WASM SIMD GEMM"); setGemmBackend('js') keeps everything here.
import { useWasmGemm, tryNativeGemm } from './wasm-simd/backend.js';
import { sgemmWasm } from './wasm-simd/runtime.js';

let panel = new Float64Array(4 * 1024);

function panelFor(K: number): Float64Array {
  if (panel.length < 4 * K) panel = new Float64Array(4 * K);
  return panel;
}

/**
 * Packs columns j0..j0+w−1 (w ≤ 4) of the logical B[K,N] into P[k*4 + c], zero-padding c ≥ w.
 * transB: B is stored as [N,K] (element (k, j) at j*K + k) instead of [K,N] (at k*N + j).
 */
function packPanel(P: Float64Array, B: TypedArray, bOff: number, K: number, N: number, j0: number, w: number, transB: boolean): void {
  if (!transB && w === 4) {
    for (let k = 0, p = 0, s = bOff + j0; k < K; k++, p += 4, s += N) {
      P[p] = B[s];
      P[p + 1] = B[s + 1];
      P[p + 2] = B[s + 2];
      P[p + 3] = B[s + 3];
    }
    return;
  }
  if (transB && w === 4) {
    const r0 = bOff + j0 * K;
    const r1 = r0 + K;
    const r2 = r1 + K;
    const r3 = r2 + K;
    for (let k = 0, p = 0; k < K; k++, p += 4) {
      P[p] = B[r0 + k];
      P[p + 1] = B[r1 + k];
      P[p + 2] = B[r2 + k];
      P[p + 3] = B[r3 + k];
    }
    return;
  }
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < 4; c++) {
      P[k * 4 + c] = c < w ? B[transB ? bOff + (j0 + c) * K + k : bOff + k * N + j0 + c] : 0;
    }
  }
}

/**
 * The shared driver. Logical A[M,K] lives at A[aOff + i*ars + k*aks] (ars, aks = K, 1 for row-major A;
 * 1, M for A stored transposed as [K,M]); logical B[K,N] is packed per 4-column panel.
 */
function gemmCore(
  A: TypedArray, aOff: number, ars: number, aks: number,
  B: TypedArray, bOff: number, transB: boolean,
  C: TypedArray, cOff: number,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (!accumulate) for (let i = 0; i < M; i++) C.fill(0, cOff + i * N, cOff + i * N + N);
    return;
  }
  if (M < 4) {
    // Too few rows to amortise packing (each B element is used M times): read B in place.
    gemmFewRows(A, aOff, ars, aks, B, bOff, transB, C, cOff, M, K, N, accumulate);
    return;
  }
  const P = panelFor(K);
  const kEnd = K * 4;
  for (let j0 = 0; j0 < N; j0 += 4) {
    const w = Math.min(4, N - j0);
    packPanel(P, B, bOff, K, N, j0, w, transB);
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      let pa = aOff + i * ars;
      const r1 = ars, r2 = 2 * ars, r3 = 3 * ars;
      for (let pb = 0; pb < kEnd; pb += 4, pa += aks) {
        const b0 = P[pb], b1 = P[pb + 1], b2 = P[pb + 2], b3 = P[pb + 3];
        let a = A[pa];
        s00 += a * b0; s01 += a * b1; s02 += a * b2; s03 += a * b3;
        a = A[pa + r1];
        s10 += a * b0; s11 += a * b1; s12 += a * b2; s13 += a * b3;
        a = A[pa + r2];
        s20 += a * b0; s21 += a * b1; s22 += a * b2; s23 += a * b3;
        a = A[pa + r3];
        s30 += a * b0; s31 += a * b1; s32 += a * b2; s33 += a * b3;
      }
      const c0 = cOff + i * N + j0;
      store(C, c0, w, s00, s01, s02, s03, accumulate);
      store(C, c0 + N, w, s10, s11, s12, s13, accumulate);
      store(C, c0 + 2 * N, w, s20, s21, s22, s23, accumulate);
      store(C, c0 + 3 * N, w, s30, s31, s32, s33, accumulate);
    }
    for (; i < M; i++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let pa = aOff + i * ars;
      for (let pb = 0; pb < kEnd; pb += 4, pa += aks) {
        const a = A[pa];
        s0 += a * P[pb]; s1 += a * P[pb + 1]; s2 += a * P[pb + 2]; s3 += a * P[pb + 3];
      }
      store(C, cOff + i * N + j0, w, s0, s1, s2, s3, accumulate);
    }
  }
}

/** 1–3 rows: 1×4 register blocks reading B directly (4 adjacent columns, or 4 adjacent rows of a [N,K] B). */
function gemmFewRows(
  A: TypedArray, aOff: number, ars: number, aks: number,
  B: TypedArray, bOff: number, transB: boolean,
  C: TypedArray, cOff: number,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  const N4 = N - (N % 4);
  for (let i = 0; i < M; i++) {
    const a0 = aOff + i * ars;
    for (let j0 = 0; j0 < N4; j0 += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      if (transB) {
        const r0 = bOff + j0 * K, r1 = r0 + K, r2 = r1 + K, r3 = r2 + K;
        for (let k = 0, pa = a0; k < K; k++, pa += aks) {
          const a = A[pa];
          s0 += a * B[r0 + k]; s1 += a * B[r1 + k]; s2 += a * B[r2 + k]; s3 += a * B[r3 + k];
        }
      } else {
        for (let k = 0, pa = a0, pb = bOff + j0; k < K; k++, pa += aks, pb += N) {
          const a = A[pa];
          s0 += a * B[pb]; s1 += a * B[pb + 1]; s2 += a * B[pb + 2]; s3 += a * B[pb + 3];
        }
      }
      store(C, cOff + i * N + j0, 4, s0, s1, s2, s3, accumulate);
    }
    for (let j = N4; j < N; j++) {
      let s = 0;
      for (let k = 0, pa = a0; k < K; k++, pa += aks) s += A[pa] * B[transB ? bOff + j * K + k : bOff + k * N + j];
      const c = cOff + i * N + j;
      C[c] = accumulate ? C[c] + s : s;
    }
  }
}

/** Writes (or adds) the first w of four accumulators into C[c..c+w). */
function store(C: TypedArray, c: number, w: number, s0: number, s1: number, s2: number, s3: number, accumulate: boolean): void {
  if (w === 4) {
    if (accumulate) {
      C[c] += s0; C[c + 1] += s1; C[c + 2] += s2; C[c + 3] += s3;
    } else {
      C[c] = s0; C[c + 1] = s1; C[c + 2] = s2; C[c + 3] = s3;
    }
    return;
  }
  const s = [s0, s1, s2, s3];
  for (let q = 0; q < w; q++) {
    if (accumulate) C[c + q] += s[q];
    else C[c + q] = s[q];
  }
}

/**
 * C[M,N] (=|+=) A[M,K] · B[K,N]. All arrays row-major and dense; `aOff`, `bOff`, `cOff` are element offsets
 * (batched matmul and the fused LSTM kernel address sub-blocks of larger buffers with them).
 * With `accumulate` the product is added to C (which is then only rounded after the addition).
 */
export function gemm(
  A: TypedArray, aOff: number,
  B: TypedArray, bOff: number,
  C: TypedArray, cOff: number,
  M: number, K: number, N: number,
  accumulate: boolean,
): void {
  if (tryNativeGemm(A, aOff, false, B, bOff, false, C, cOff, M, K, N, accumulate)) return;
  if (useWasmGemm(A, B, C, M, K, N) && sgemmWasm(A, aOff, B, bOff, C, cOff, M, K, N, accumulate)) return;
  gemmCore(A, aOff, K, 1, B, bOff, false, C, cOff, M, K, N, accumulate);
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
  if (tryNativeGemm(A, aOff, false, B, bOff, true, C, cOff, M, K, N, accumulate)) return;
  if (useWasmGemm(A, B, C, M, K, N) && sgemmWasm(A, aOff, B, bOff, C, cOff, M, K, N, accumulate, false, true)) return;
  gemmCore(A, aOff, K, 1, B, bOff, true, C, cOff, M, K, N, accumulate);
}

/** C[M,N] (=|+=) A[K,M]ᵀ · B[K,N] (A given untransposed, row-major [K,M]). */
export function gemmTN(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, K: number, N: number, accumulate: boolean,
): void {
  if (tryNativeGemm(A, aOff, true, B, bOff, false, C, cOff, M, K, N, accumulate)) return;
  if (useWasmGemm(A, B, C, M, K, N) && sgemmWasm(A, aOff, B, bOff, C, cOff, M, K, N, accumulate, true, false)) return;
  gemmCore(A, aOff, 1, M, B, bOff, false, C, cOff, M, K, N, accumulate);
}
