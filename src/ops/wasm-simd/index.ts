// WebAssembly SIMD float32 GEMM: module bytes generated at load time by our own encoder (see runtime.ts).
export { wasmSimdAvailable, wasmSimdStatus, sgemmWasm, packBWasm, sgemmPackedWasm, WasmSgemm } from './runtime.js';
export type { WasmPackedB } from './runtime.js';
export { setGemmBackend, getGemmBackend, withGemmBackend, useWasmGemm, NATIVE_GEMM_MIN_MACS } from './backend.js';
export type { GemmBackend } from './backend.js';
export { sgemmModuleBytes, DEFAULT_TILE } from './sgemm-module.js';
export type { SgemmTile } from './sgemm-module.js';
