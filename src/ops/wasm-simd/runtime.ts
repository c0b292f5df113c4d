// The JS side of the WebAssembly SIMD sgemm: instantiates the generated module (sgemm-module.ts) once, owns its
// one growable Memory, copies/packs operands in and the product out, and offers
//   * sgemmWasm(...)            — the semantics of gemm()/gemmNT()/gemmTN() in src/ops/gemm.ts, float32 only;
//   * packBWasm / sgemmPackedWasm — a right operand packed ONCE and kept resident in wasm memory, for callers
//     that multiply by the same matrix many times (the fused LSTM kernel's recurrent GEMM, T times per call).
//
// Why copies: wasm code can only address its own Memory, and our tensors are ordinary JS typed arrays. Copying
// costs O(MK + KN + MN) element moves against O(MKN) multiply-adds, and the copy is where the operands get
// their SIMD-friendly packed layout (and where transposes are absorbed: the kernel itself only does A·B).
//
// Memory: named slots ('B'; 'work' = B's staging copy, later A and C; the resident ones) bump-allocated in the
// one Memory, 64-byte aligned. A slot that must grow moves to the end (its old bytes are abandoned);
// capacities grow by ≥ 1.5× so the waste stays bounded. Calls never interleave (JS is single-threaded and nothing here calls back out), so slots are safe.

import type { TypedArray } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { sgemmModuleBytes, simdProbeBytes, DEFAULT_TILE, type SgemmTile } from './sgemm-module.js';

// The few WebAssembly JS-API members used here, typed locally: the project's TS lib set has no DOM types and
// @types/node declares only part of the WebAssembly namespace. Looked up on globalThis so that an engine
// without WebAssembly is reported (wasmSimdStatus) instead of crashing at import.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

// packB(src, dst, K, ldb, panels) and packBT(src, dst, K, panels, k4), see sgemm-module.ts.
type PackFn = (src: number, dst: number, K: number, a: number, b: number) => void;
type SgemmFn = (a: number, b: number, c: number, mBlocks: number, mTail: number, K: number, P: number) => void;

interface Slot {
  off: number; // byte offset
  cap: number; // bytes
  gen: number; // bumped on every (re)pack, so stale packed handles are detected
}

/** Largest wasm memory we let the slots use (bytes); above it gemm falls back to JS. */
const MAX_BYTES = 2 ** 31;

/** One instantiated kernel with its Memory. Normally a singleton; tests/benches may build other tiles. */
export class WasmSgemm {
  readonly tile: SgemmTile;
  private readonly memory: WasmMemory;
  private readonly fn: SgemmFn;
  private readonly packFn: PackFn;
  private readonly packTFn: PackFn;
  private heap: Float32Array;
  private readonly slots = new Map<string, Slot>();
  private top = 64;

  constructor(tile: SgemmTile = DEFAULT_TILE) {
    this.tile = tile;
    if (wasm === undefined) throw new Error('WebAssembly is not available in this JavaScript engine');
    this.memory = new wasm.Memory({ initial: 16 }); // 1 MiB to start
    const module = new wasm.Module(sgemmModuleBytes(tile));
    const instance = new wasm.Instance(module, { env: { memory: this.memory } });
    this.fn = instance.exports.sgemm as unknown as SgemmFn;
    this.packFn = instance.exports.packB as unknown as PackFn;
    this.packTFn = instance.exports.packBT as unknown as PackFn;
    this.heap = new Float32Array(this.memory.buffer);
  }

  /** Bytes of the Memory (for tests and memory reports). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** The slot named `key` with at least `bytes` bytes; bumps its generation. Returns null if over MAX_BYTES. */
  private slot(key: string, bytes: number): Slot | null {
    let s = this.slots.get(key);
    if (s === undefined || s.cap < bytes) {
      const cap = Math.ceil(Math.max(bytes, s === undefined ? 0 : Math.floor(s.cap * 1.5)) / 64) * 64;
      // The slot on top can grow in place; any other moves to the top.
      const off = s !== undefined && s.off + s.cap === this.top ? s.off : this.top;
      if (off + cap > MAX_BYTES) return null;
      const need = off + cap - this.memory.buffer.byteLength;
      if (need > 0) {
        try {
          this.memory.grow(Math.ceil(need / 65536));
        } catch {
          return null; // the engine refused: the caller falls back to JS
        }
        this.heap = new Float32Array(this.memory.buffer);
      }
      this.top = off + cap;
      s = { off, cap, gen: s === undefined ? 0 : s.gen };
      this.slots.set(key, s);
    }
    s.gen++;
    return s;
  }

  /**
   * Packs the logical B[K,N] (stored [K,N] at bOff, or [N,K] when `transposed`) into slot `key` as panels
   * [K][NR], zero-padded past N. Returns null when wasm memory cannot hold it.
   */
  packB(B: TypedArray, bOff: number, K: number, N: number, transposed: boolean, key: string): WasmPackedB | null {
    const NR = 4 * this.tile.NV;
    const P = Math.ceil(N / NR);
    const full = Math.floor(N / NR);
    // One memcpy of the full panels' part of B into a staging slot, then the module's own SIMD packB (row-major
    // B) or packBT (B stored [N,K]: 4×4 shuffle transposes, for the first 4·⌊K/4⌋ k) — a JS loop writing wasm
    // memory element by element was ~4× slower (measured at 768×2048). JS packs only the rest: the partial
    // last panel and, when transposed, the K mod 4 last k of each panel. The staging copy lives in the 'work'
    // slot, which gemmPacked reuses for A and C afterwards.
    const k4 = transposed ? K >> 2 : K;
    const useWasm = full > 0 && k4 > 0;
    const stage = useWasm ? this.slot('work', K * (transposed ? full * NR : N) * 4) : null;
    const s = this.slot(key, P * K * NR * 4);
    if (s === null || (useWasm && stage === null)) return null;
    const W = this.heap;
    if (stage !== null) {
      W.set(B.subarray(bOff, bOff + K * (transposed ? full * NR : N)), stage.off / 4);
      if (transposed) this.packTFn(stage.off, s.off, K, full, k4);
      else this.packFn(stage.off, s.off, K, N * 4, full);
    }
    for (let p = transposed ? 0 : full; p < P; p++) {
      const j0 = p * NR;
      const w = Math.min(NR, N - j0);
      const base = s.off / 4 + p * K * NR;
      if (!transposed) {
        for (let k = 0, o = base, src = bOff + j0; k < K; k++, o += NR, src += N) {
          for (let c = 0; c < w; c++) W[o + c] = B[src + c];
          for (let c = w; c < NR; c++) W[o + c] = 0;
        }
      } else {
        // Column j of the logical B is row j of the stored [N,K]: read it contiguously, write with stride NR.
        const k0 = useWasm && p < full ? 4 * k4 : 0;
        for (let c = 0; c < NR; c++) {
          if (c < w) for (let k = k0, src = bOff + (j0 + c) * K, o = base + k0 * NR + c; k < K; k++, o += NR) W[o] = B[src + k];
          else for (let k = k0, o = base + k0 * NR + c; k < K; k++, o += NR) W[o] = 0;
        }
      }
    }
    return { K, N, key, gen: s.gen, owner: this };
  }

  /**
   * C[M,N] (=|+=) A·B for a B packed by packB. A is the logical [M,K]: stored [M,K] at aOff, or [K,M] when
   * `transA`. Returns false (nothing written) when wasm memory cannot hold A and C.
   */
  gemmPacked(A: TypedArray, aOff: number, transA: boolean, pb: WasmPackedB, C: TypedArray, cOff: number, M: number, accumulate: boolean): boolean {
    const { K, N } = pb;
    const b = this.slots.get(pb.key);
    if (pb.owner !== this || b === undefined || b.gen !== pb.gen) {
      throw new Error(`sgemmPackedWasm: the packed operand in slot '${pb.key}' was overwritten by a later packBWasm`);
    }
    if (M === 0 || N === 0) return true;
    const { MR, NV } = this.tile;
    const NR = 4 * NV;
    const P = Math.ceil(N / NR);
    // A and C share the 'work' slot (A first, C after it at a 64-byte boundary).
    const aBytes = Math.ceil((M * K) / 16) * 64;
    const work = this.slot('work', aBytes + M * P * NR * 4);
    if (work === null) return false;
    const sa = { off: work.off };
    const sc = { off: work.off + aBytes };
    // Pack A: full blocks of MR rows as [K][MR], then the tail rows as [K] each.
    const W = this.heap;
    const mBlocks = Math.floor(M / MR);
    let o = sa.off / 4;
    for (let q = 0; q < mBlocks; q++) {
      const i0 = q * MR;
      if (!transA && MR === 4) {
        // The default tile, unrolled by hand: faster than the generic loop below, which V8 does not unroll.
        const r0 = aOff + i0 * K, r1 = r0 + K, r2 = r1 + K, r3 = r2 + K;
        for (let k = 0; k < K; k++, o += 4) {
          W[o] = A[r0 + k]; W[o + 1] = A[r1 + k]; W[o + 2] = A[r2 + k]; W[o + 3] = A[r3 + k];
        }
      } else if (!transA) {
        for (let k = 0; k < K; k++) for (let r = 0, src = aOff + i0 * K + k; r < MR; r++, src += K) W[o++] = A[src];
      } else {
        for (let k = 0, src = aOff + i0; k < K; k++, src += M) for (let r = 0; r < MR; r++) W[o++] = A[src + r];
      }
    }
    for (let i = mBlocks * MR; i < M; i++) {
      if (!transA) {
        W.set(A.subarray(aOff + i * K, aOff + i * K + K), o);
        o += K;
      } else {
        for (let k = 0, src = aOff + i; k < K; k++, src += M) W[o++] = A[src];
      }
    }
    this.fn(sa.off, b.off, sc.off, mBlocks, M - mBlocks * MR, K, P);
    // Copy out the N real columns of each padded row. With `accumulate` the float32 product is added to C in
    // double precision and rounded once when stored, as gemm() does.
    const ldc = P * NR;
    for (let i = 0, src = sc.off / 4; i < M; i++, src += ldc) {
      const dst = cOff + i * N;
      if (!accumulate) C.set(W.subarray(src, src + N), dst);
      else for (let j = 0; j < N; j++) C[dst + j] += W[src + j];
    }
    return true;
  }

  /** gemm semantics with optional transposes of the stored operands; false when wasm memory is exhausted. */
  gemm(
    A: TypedArray, aOff: number, transA: boolean, B: TypedArray, bOff: number, transB: boolean,
    C: TypedArray, cOff: number, M: number, K: number, N: number, accumulate: boolean,
  ): boolean {
    if (M === 0 || N === 0) return true;
    if (K === 0) {
      if (!accumulate) C.fill(0, cOff, cOff + M * N);
      return true;
    }
    const pb = this.packB(B, bOff, K, N, transB, 'B');
    return pb !== null && this.gemmPacked(A, aOff, transA, pb, C, cOff, M, accumulate);
  }
}

/** A right operand resident in wasm memory (see packBWasm). Valid until its slot is packed again. */
export interface WasmPackedB {
  readonly K: number;
  readonly N: number;
  readonly key: string;
  readonly gen: number;
  readonly owner: WasmSgemm;
}

// ---- availability and the process-wide instance ----

let instance: WasmSgemm | null = null;
let probed: { ok: boolean; reason: string } | null = null;

/** Whether this engine can compile and run the generated SIMD module (probed once), with the reason if not. */
export function wasmSimdStatus(): { ok: boolean; reason: string } {
  if (probed !== null) return probed;
  if (wasm === undefined || typeof wasm.validate !== 'function') {
    probed = { ok: false, reason: 'WebAssembly is not available in this JavaScript engine' };
  } else if (!wasm.validate(simdProbeBytes())) {
    probed = { ok: false, reason: 'this engine does not support WebAssembly fixed-width SIMD (v128)' };
  } else {
    try {
      instance = new WasmSgemm();
      probed = { ok: true, reason: `wasm SIMD sgemm ready (tile ${instance.tile.MR}×${4 * instance.tile.NV})` };
    } catch (e) {
      probed = { ok: false, reason: `instantiating the generated sgemm module failed: ${(e as Error).message}` };
    }
  }
  return probed;
}

export function wasmSimdAvailable(): boolean {
  return wasmSimdStatus().ok;
}

function kernel(op: string): WasmSgemm {
  const st = wasmSimdStatus();
  if (!st.ok || instance === null) fail(op, `WebAssembly SIMD is unavailable: ${st.reason}`);
  return instance;
}

function checkF32(op: string, arrays: Record<string, TypedArray>): void {
  for (const [n, a] of Object.entries(arrays)) {
    if (!(a instanceof Float32Array)) fail(op, `argument ${n} must be a Float32Array, got ${a.constructor.name}`);
  }
}

/**
 * C[M,N] (=|+=) op(A)·op(B), float32, row-major, element offsets — the semantics of gemm() in src/ops/gemm.ts.
 * `transA`: A is stored [K,M] (gemmTN); `transB`: B is stored [N,K] (gemmNT). Accumulates in float32 SIMD lanes,
 * k ascending: the result differs from the JS path's float64 accumulation by rounding (≈ K·2⁻²⁴ relative to
 * Σ|a·b| at worst). Falls back to the JS kernel if the operands do not fit in wasm memory.
 */
export function sgemmWasm(
  A: TypedArray, aOff: number, B: TypedArray, bOff: number, C: TypedArray, cOff: number,
  M: number, K: number, N: number, accumulate: boolean, transA = false, transB = false,
): boolean {
  checkF32('sgemmWasm', { A, B, C });
  return kernel('sgemmWasm').gemm(A, aOff, transA, B, bOff, transB, C, cOff, M, K, N, accumulate);
}

/**
 * Packs B (logical [K,N]; stored [N,K] when `transposed`) into wasm memory under `slot` and returns a handle for
 * sgemmPackedWasm. Packing a slot again invalidates its previous handle. Null when it does not fit.
 */
export function packBWasm(B: TypedArray, bOff: number, K: number, N: number, transposed: boolean, slot: string): WasmPackedB | null {
  checkF32('packBWasm', { B });
  if (slot === 'B' || slot === 'work') fail('packBWasm', `slot '${slot}' is reserved for sgemmWasm's own operands`);
  return kernel('packBWasm').packB(B, bOff, K, N, transposed, slot);
}

/** C[M,N] (=|+=) A[M,K]·B with B resident (packBWasm). False when A and C do not fit (nothing written). */
export function sgemmPackedWasm(A: TypedArray, aOff: number, packed: WasmPackedB, C: TypedArray, cOff: number, M: number, accumulate = false): boolean {
  checkF32('sgemmPackedWasm', { A, C });
  return packed.owner.gemmPacked(A, aOff, false, packed, C, cOff, M, accumulate);
}
