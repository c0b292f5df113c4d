// Which kernel float32 GEMMs run on: the scalar JS kernel (src/ops/gemm.ts), the generated WebAssembly SIMD
// kernel (runtime.ts), or the native addon's GEMM (native/core/gemm.h, registered by src/native.ts when the
// addon can be used; the ops never import the addon, so this module stays loadable in a browser). float64
// always runs in JS (float64 is the gradient-checking dtype whose results should not depend on the machine).
//
//   setGemmBackend('auto' | 'js' | 'wasm-simd' | 'native')   or the environment variable LSTM_TS_GEMM (read at load)
//
// 'auto' (default): the native GEMM for float32 products of at least NATIVE_GEMM_MIN_MACS multiply-adds when it
// is registered and loads; else wasm SIMD when the engine supports it and the product is large enough to pay for
// copying the operands into wasm memory (useWasmGemm). 'js': neither. 'wasm-simd' / 'native': every float32
// product (throws if unavailable).

import type { TypedArray } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { wasmSimdStatus } from './runtime.js';
import { envVar } from '../../util/host.js';

export type GemmBackend = 'auto' | 'js' | 'wasm-simd' | 'native';
const BACKENDS: readonly GemmBackend[] = ['auto', 'js', 'wasm-simd', 'native'];

/**
 * A native float32 GEMM: C[cOff..] (+)= op(A)·op(B), the operands at the given offsets. Returns false when it
 * cannot run (the addon did not load), and the caller falls back.
 */
export type NativeGemm = (
  A: Float32Array, aOff: number, transA: boolean, B: Float32Array, bOff: number, transB: boolean,
  C: Float32Array, cOff: number, M: number, K: number, N: number, accumulate: boolean,
) => boolean;
let nativeGemm: NativeGemm | null = null;
let nativeGemmReason: () => string | null = () => 'not registered (src/native.ts registers it when the addon is enabled)';

/** Registers (or with null removes) the native GEMM; `unavailable` says why it cannot run, or null. */
export function registerNativeGemm(fn: NativeGemm | null, unavailable?: () => string | null): void {
  nativeGemm = fn;
  nativeGemmReason = fn ? (unavailable ?? (() => null)) : () => 'not registered (lt.native.disable() or LSTM_TS_NATIVE=0)';
}

/** Why the native GEMM cannot be used here, or null when it can. */
export function nativeGemmUnavailableReason(): string | null {
  return nativeGemmReason();
}

let current: GemmBackend = 'auto';

/** Sets the float32 GEMM backend for the whole process; returns the previous one. */
export function setGemmBackend(backend: GemmBackend): GemmBackend {
  if (!BACKENDS.includes(backend)) fail('setGemmBackend', `backend must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(backend)}`);
  if (backend === 'wasm-simd' && !wasmSimdStatus().ok) fail('setGemmBackend', `'wasm-simd' requested but ${wasmSimdStatus().reason}`);
  if (backend === 'native') {
    const why = nativeGemmUnavailableReason();
    if (why !== null) fail('setGemmBackend', `'native' requested but the native GEMM is ${why}`);
  }
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

const envValue = envVar('LSTM_TS_GEMM');
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

/**
 * 'auto' threshold for the native GEMM, measured by bench/gemm-backends.ts (docs/benchmarks.md "Own GEMM"): below
 * it the N-API call (≈ 2–4 µs) costs more than the wasm kernel's whole product. The rule depends only on the
 * shape, so the same product always runs on the same kernel.
 */
export const NATIVE_GEMM_MIN_MACS = 32768;

/**
 * Runs a float32 product on the native GEMM when the current backend says so; false when it did not (then the
 * caller tries wasm SIMD, then JS).
 */
export function tryNativeGemm(
  A: TypedArray, aOff: number, transA: boolean, B: TypedArray, bOff: number, transB: boolean,
  C: TypedArray, cOff: number, M: number, K: number, N: number, accumulate: boolean,
): boolean {
  if (current === 'js' || current === 'wasm-simd' || nativeGemm === null) return false;
  if (!(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)) return false;
  if (current === 'auto' && M * K * N < NATIVE_GEMM_MIN_MACS) return false;
  return nativeGemm(A, aOff, transA, B, bOff, transB, C, cOff, M, K, N, accumulate);
}

/** Whether a float32 product of this shape runs on the wasm SIMD kernel under the current backend. */
export function useWasmGemm(A: TypedArray, B: TypedArray, C: TypedArray, M: number, K: number, N: number): boolean {
  if (current === 'js' || current === 'native' || !(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)) return false;
  if (current === 'wasm-simd') return true;
  return M * K * N >= MIN_MACS && wasmSimdStatus().ok;
}
