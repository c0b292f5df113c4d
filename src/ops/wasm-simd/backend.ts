// Which kernel float32 GEMMs run on: the scalar JS kernel (src/ops/gemm.ts) or the generated WebAssembly SIMD
// kernel (runtime.ts). float64 always runs in JS (wasm SIMD f64x2 would gain little, and float64 is the
// gradient-checking dtype whose results should not depend on the machine).
//
//   setGemmBackend('auto' | 'js' | 'wasm-simd')   or the environment variable LSTM_TS_GEMM (read at load)
//
// 'auto' (default): wasm SIMD for float32 when the engine supports it and the product is large enough to pay
// for copying the operands into wasm memory (useWasmGemm). 'js': never. 'wasm-simd': every float32 product
// (throws if unavailable).

import type { TypedArray } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { wasmSimdStatus } from './runtime.js';

export type GemmBackend = 'auto' | 'js' | 'wasm-simd';
const BACKENDS: readonly GemmBackend[] = ['auto', 'js', 'wasm-simd'];

let current: GemmBackend = 'auto';

/** Sets the float32 GEMM backend for the whole process; returns the previous one. */
export function setGemmBackend(backend: GemmBackend): GemmBackend {
  if (!BACKENDS.includes(backend)) fail('setGemmBackend', `backend must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(backend)}`);
  if (backend === 'wasm-simd' && !wasmSimdStatus().ok) fail('setGemmBackend', `'wasm-simd' requested but ${wasmSimdStatus().reason}`);
  const prev = current;
  current = backend;
  return prev;
}

export function getGemmBackend(): GemmBackend {
  return current;
}

/** Runs `fn` with the given backend, restoring the previous one afterwards (tests, benchmarks). */
export function withGemmBackend<T>(backend: GemmBackend, fn: () => T): T {
  const prev = setGemmBackend(backend);
  try {
    return fn();
  } finally {
    current = prev;
  }
}

const envValue = typeof process === 'object' && process !== null ? process.env?.LSTM_TS_GEMM : undefined;
if (envValue !== undefined && envValue !== '') {
  if (!BACKENDS.includes(envValue as GemmBackend)) {
    fail('LSTM_TS_GEMM', `must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(envValue)}`);
  }
  current = envValue as GemmBackend;
}

/**
 * 'auto' threshold. Measured on this machine (bench/matmul.ts): copying in/out costs ~1 ns per element of
 * A, B and C, the JS kernel ~0.4 ns per multiply-add and the SIMD kernel ~0.1 ns. With fewer than ~4 rows or
 * columns the copies of the large operand are not repaid, and below ~16K multiply-adds the call overhead
 * dominates. The rule depends only on the shape, so the same product always runs on the same kernel.
 */
const MIN_DIM = 4;
const MIN_MACS = 1 << 14;

/** Whether a float32 product of this shape runs on the wasm SIMD kernel under the current backend. */
export function useWasmGemm(A: TypedArray, B: TypedArray, C: TypedArray, M: number, K: number, N: number): boolean {
  if (current === 'js' || !(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)) return false;
  if (current === 'wasm-simd') return true;
  return M >= MIN_DIM && N >= MIN_DIM && K >= MIN_DIM && M * K * N >= MIN_MACS && wasmSimdStatus().ok;
}
