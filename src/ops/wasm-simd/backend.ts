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
 * 'auto' threshold, measured on this machine (CPU time per gemm call, JS kernel vs wasm incl. copies):
 * 8×8×8 (512 multiply-adds) 0.9 vs 2.1 µs — the call and copy overhead loses; 16×16×16 (4096) 3.5 vs 2.1 µs;
 * 4×64×64 16 vs 6.7 µs; 2×128×512 293 vs 79 µs; 1×512×2048 1384 vs 1307 µs (one row: break-even, the copy of
 * B dominates). So wasm from 4096 multiply-adds on, whatever the shape. The rule depends only on the shape, so
 * the same product always runs on the same kernel.
 */
const MIN_MACS = 4096;

/** Whether a float32 product of this shape runs on the wasm SIMD kernel under the current backend. */
export function useWasmGemm(A: TypedArray, B: TypedArray, C: TypedArray, M: number, K: number, N: number): boolean {
  if (current === 'js' || !(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)) return false;
  if (current === 'wasm-simd') return true;
  return M * K * N >= MIN_MACS && wasmSimdStatus().ok;
}
