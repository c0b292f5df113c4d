import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { uleb, sleb } from '../../src/ops/wasm-simd/encoder.js';
import { sgemmModuleBytes, simdProbeBytes, DEFAULT_TILE } from '../../src/ops/wasm-simd/sgemm-module.js';
import {
  WasmSgemm, wasmSimdAvailable, wasmSimdStatus, sgemmWasm, packBWasm, sgemmPackedWasm,
} from '../../src/ops/wasm-simd/runtime.js';
import { setGemmBackend, getGemmBackend, withGemmBackend, useWasmGemm } from '../../src/ops/wasm-simd/backend.js';
import { gemm, gemmNT, gemmTN } from '../../src/ops/gemm.js';
import * as lt from '../../src/index.js';
import { arbCase, check, operands, rand, wasmTol, U, type Case } from './gemm-cases.js';
import { LstmTsError } from '../../src/index.js';

// The WebAssembly SIMD sgemm (src/ops/wasm-simd/) against a float64 triple loop.
//
// Tolerance. The kernel accumulates each output in float32, k ascending: acc ← fl(acc + fl(a·b)). With
// u = 2⁻²⁴ the classical bound (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1) is
//   |ĉ − c| ≤ γ_K · Σ_k |a_k·b_k|,  γ_K = K·u / (1 − K·u),
// and the copy-out with `accumulate` adds one more rounding of |C₀ + c|. We assert
//   |ĉ − c| ≤ (K + 1)·u·(Σ|a·b| + |C₀|) · 1.01      (1.01 covers 1/(1 − K·u) for K ≤ 70 000)
// which is a proven bound, not a fitted one. The JS path (float64 accumulation, one rounding) must meet the
// much tighter u·|c| + K·2⁻⁵³·Σ|a·b|.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// @types/node types WebAssembly only partly; validate() is all these tests need.
const validate = (bytes: Uint8Array): boolean => (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes);


describe('wasm-simd: encoder and generated module', () => {
  it('LEB128 encodes the WebAssembly spec examples', () => {
    expect(uleb(0)).to.deep.equal([0]);
    expect(uleb(127)).to.deep.equal([0x7f]);
    expect(uleb(128)).to.deep.equal([0x80, 0x01]);
    expect(uleb(624485)).to.deep.equal([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).to.deep.equal([0x7f]);
    expect(sleb(63)).to.deep.equal([0x3f]);
    expect(sleb(64)).to.deep.equal([0xc0, 0x00]);
    expect(sleb(-123456)).to.deep.equal([0xc0, 0xbb, 0x78]);
    expect(() => uleb(-1)).to.throw(/non-negative/);
  });

  it('the SIMD probe and the sgemm module validate (default and other register tiles)', () => {
    expect(validate(simdProbeBytes())).to.equal(true);
    for (const tile of [DEFAULT_TILE, { MR: 1, NV: 1 }, { MR: 3, NV: 3 }, { MR: 6, NV: 2 }, { MR: 2, NV: 4 }]) {
      const bytes = sgemmModuleBytes(tile);
      expect(validate(bytes), `tile ${JSON.stringify(tile)}`).to.equal(true);
      expect([...bytes.slice(0, 8)]).to.deep.equal([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    }
    // Corrupting one opcode byte makes it invalid (the validation above is not vacuous).
    const bad = sgemmModuleBytes();
    bad[bad.length - 1] = 0xff;
    expect(validate(bad)).to.equal(false);
  });

  it('is available on this Node (wasm SIMD is on by default since V8 9.1)', () => {
    expect(wasmSimdAvailable(), wasmSimdStatus().reason).to.equal(true);
  });
});

describe('wasm-simd: sgemmWasm vs a float64 triple loop (fast-check)', () => {
  it('all shapes 1..70, offsets, accumulate, A and/or B transposed, within (K+1)·2⁻²⁴·Σ|a·b|', () => {
    let worst = 0;
    fc.assert(fc.property(arbCase, (p) => {
      const { A, B, C0, ref, mag } = operands(p);
      const C = C0.slice();
      expect(sgemmWasm(A, p.aOff, B, p.bOff, C, p.cOff, p.M, p.K, p.N, p.accumulate, p.transA, p.transB)).to.equal(true);
      worst = Math.max(worst, check(p, C, C0, ref, mag, wasmTol(mag)));
    }), { numRuns: 300, seed: 4242 });
    console.log(`      worst error / ((K+1)·u·Σ|a·b|) = ${worst.toFixed(3)}`);
  });

  it('other generated register tiles give results within the same bound', () => {
    for (const tile of [{ MR: 1, NV: 1 }, { MR: 3, NV: 3 }, { MR: 6, NV: 2 }]) {
      const k = new WasmSgemm(tile);
      fc.assert(fc.property(arbCase, (p) => {
        const { A, B, C0, ref, mag } = operands(p);
        const C = C0.slice();
        expect(k.gemm(A, p.aOff, p.transA, B, p.bOff, p.transB, C, p.cOff, p.M, p.K, p.N, p.accumulate)).to.equal(true);
        check(p, C, C0, ref, mag, wasmTol(mag));
      }), { numRuns: 40, seed: 7 });
    }
  });

  it('grows its memory for operands larger than the initial 1 MiB, then still agrees', () => {
    const k = new WasmSgemm();
    const before = k.memoryBytes;
    const p: Case = { M: 131, K: 300, N: 517, aOff: 1, bOff: 2, cOff: 3, accumulate: false, transA: false, transB: true, seed: 99 };
    const { A, B, C0, ref, mag } = operands(p);
    const C = C0.slice();
    expect(k.gemm(A, 1, false, B, 2, true, C, 3, p.M, p.K, p.N, false)).to.equal(true);
    expect(k.memoryBytes).to.be.greaterThan(before);
    check(p, C, C0, ref, mag, wasmTol(mag));
  });

  it('K = 0 gives zeros (or leaves C with accumulate); M or N = 0 writes nothing', () => {
    const C = Float32Array.from([5, 6, 7, 8]);
    sgemmWasm(new Float32Array(0), 0, new Float32Array(0), 0, C, 0, 2, 0, 2, true);
    expect([...C]).to.deep.equal([5, 6, 7, 8]);
    sgemmWasm(new Float32Array(0), 0, new Float32Array(0), 0, C, 0, 2, 0, 2, false);
    expect([...C]).to.deep.equal([0, 0, 0, 0]);
    const D = Float32Array.from([1, 2]);
    sgemmWasm(new Float32Array(4), 0, new Float32Array(4), 0, D, 0, 0, 2, 2, false);
    expect([...D]).to.deep.equal([1, 2]);
  });

  it('hand-checkable 2×3 · 3×2 product (exact in float32)', () => {
    const C = new Float32Array(4);
    sgemmWasm(Float32Array.from([1, 2, 3, 4, 5, 6]), 0, Float32Array.from([7, 8, 9, 10, 11, 12]), 0, C, 0, 2, 3, 2, false);
    expect([...C]).to.deep.equal([58, 64, 139, 154]); // [1 2 3]·[7 9 11]ᵀ = 58, …
  });

  it('rejects float64 operands with a clear error', () => {
    expect(() => sgemmWasm(new Float64Array(4), 0, new Float32Array(4), 0, new Float32Array(4), 0, 2, 2, 2, false))
      .to.throw(LstmTsError, /sgemmWasm: argument A must be a Float32Array, got Float64Array/);
  });
});

describe('wasm-simd: resident packed operand (packBWasm / sgemmPackedWasm)', () => {
  it('one packed B reused for many A (as the LSTM recurrent GEMM), plain and transposed packing', () => {
    for (const transposed of [false, true]) {
      const K = 37, N = 45, M = 9;
      const B = rand(K * N, 5);
      const packed = packBWasm(B, 0, K, N, transposed, 'test:B')!;
      for (let step = 0; step < 4; step++) {
        const p: Case = { M, K, N, aOff: step, bOff: 0, cOff: 0, accumulate: false, transA: false, transB: transposed, seed: 10 + step };
        const A = rand(step + M * K, 10 + step);
        const ref = new Float64Array(M * N), mag = new Float64Array(M * N);
        for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
          for (let k = 0; k < K; k++) {
            const v = A[step + i * K + k] * B[transposed ? j * K + k : k * N + j];
            ref[i * N + j] += v;
            mag[i * N + j] += Math.abs(v);
          }
        }
        const C = new Float32Array(M * N);
        expect(sgemmPackedWasm(A, step, packed, C, 0, M)).to.equal(true);
        check(p, C, new Float32Array(M * N), ref, mag, wasmTol(mag));
      }
    }
  });

  it('a handle whose slot was packed again is refused; reserved slot names are refused', () => {
    const B = rand(16, 1);
    const first = packBWasm(B, 0, 4, 4, false, 'test:stale')!;
    packBWasm(B, 0, 4, 4, false, 'test:stale');
    expect(() => sgemmPackedWasm(rand(16, 2), 0, first, new Float32Array(16), 0, 4)).to.throw(/overwritten by a later packBWasm/);
    expect(() => packBWasm(B, 0, 4, 4, false, 'work')).to.throw(LstmTsError, /reserved/);
  });
});

describe('wasm-simd: backend switch and gemm dispatch', () => {
  afterEach(() => setGemmBackend('auto'));

  it('the switch is public API (lt.setGemmBackend, lt.wasmSimdAvailable, …)', () => {
    expect(lt.setGemmBackend).to.equal(setGemmBackend);
    expect(lt.getGemmBackend).to.equal(getGemmBackend);
    expect(lt.wasmSimdAvailable).to.equal(wasmSimdAvailable);
    expect(lt.wasmSimdStatus().ok).to.equal(true);
  });

  it('setGemmBackend validates its argument and returns the previous backend', () => {
    expect(getGemmBackend()).to.equal('auto');
    expect(setGemmBackend('js')).to.equal('auto');
    expect(getGemmBackend()).to.equal('js');
    // @ts-expect-error: invalid on purpose
    expect(() => setGemmBackend('gpu')).to.throw(LstmTsError, /setGemmBackend: backend must be one of auto, js, wasm-simd, native, got "gpu"/);
    expect(getGemmBackend()).to.equal('js');
  });

  it("'auto' picks wasm only for float32 products with ≥ 4096 multiply-adds; float64 never", () => {
    const f = new Float32Array(1);
    const d = new Float64Array(1);
    expect(useWasmGemm(f, f, f, 32, 128, 512)).to.equal(true);
    expect(useWasmGemm(f, f, f, 2, 128, 512)).to.equal(true);
    expect(useWasmGemm(f, f, f, 16, 16, 16)).to.equal(true); // 4096 multiply-adds
    expect(useWasmGemm(f, f, f, 8, 8, 8)).to.equal(false); // too little work to repay the call and copies
    expect(useWasmGemm(d, d, d, 32, 128, 512)).to.equal(false);
    withGemmBackend('wasm-simd', () => {
      expect(useWasmGemm(f, f, f, 1, 1, 1)).to.equal(true);
      expect(useWasmGemm(d, d, d, 32, 128, 512)).to.equal(false);
    });
    withGemmBackend('js', () => expect(useWasmGemm(f, f, f, 32, 128, 512)).to.equal(false));
  });

  it("gemm / gemmNT / gemmTN under 'wasm-simd' meet the float32-accumulation bound", () => {
    setGemmBackend('wasm-simd');
    fc.assert(fc.property(arbCase, (p) => {
      const q = p.transA ? { ...p, transB: false } : p; // gemmTN transposes only A
      const { A, B, C0, ref, mag } = operands(q);
      const C = C0.slice();
      const f = q.transA ? gemmTN : q.transB ? gemmNT : gemm;
      f(A, q.aOff, B, q.bOff, C, q.cOff, q.M, q.K, q.N, q.accumulate);
      check(q, C, C0, ref, mag, wasmTol(mag));
    }), { numRuns: 100, seed: 11 });
  });

  it("'js' (the fallback) keeps the float64-accumulating kernel: error ≤ u·|c| + K·2⁻⁵³·Σ|a·b|", () => {
    setGemmBackend('js');
    let wasmWouldFail = 0;
    fc.assert(fc.property(arbCase, (p) => {
      const q = p.transA ? { ...p, transB: false } : p;
      const { A, B, C0, ref, mag } = operands(q);
      const C = C0.slice();
      const f = q.transA ? gemmTN : q.transB ? gemmNT : gemm;
      f(A, q.aOff, B, q.bOff, C, q.cOff, q.M, q.K, q.N, q.accumulate);
      check(q, C, C0, ref, mag, (K, i) => U * Math.abs(ref[i]) + (K + 2) * 2 ** -53 * mag[i] + 1e-45);
      // The same bound is generally NOT met by float32 accumulation: this is what tells the paths apart.
      const W = C0.slice();
      sgemmWasm(A, q.aOff, B, q.bOff, W, q.cOff, q.M, q.K, q.N, q.accumulate, q.transA, q.transB);
      for (let i = 0; i < q.M * q.N; i++) {
        if (Math.abs(W[q.cOff + i] - ref[i]) > U * Math.abs(ref[i]) + (q.K + 2) * 2 ** -53 * mag[i] + 1e-45) { wasmWouldFail++; break; }
      }
    }), { numRuns: 100, seed: 12 });
    expect(wasmWouldFail, 'cases where float32 accumulation exceeds the float64 bound').to.be.greaterThan(10);
  });

  it("float64 still runs in JS (float64 arithmetic) under 'wasm-simd'", () => {
    setGemmBackend('wasm-simd');
    const A = Float64Array.from([1 / 3, 2 / 3]);
    const B = Float64Array.from([3, 3]);
    const C = new Float64Array(1);
    gemm(A, 0, B, 0, C, 0, 1, 2, 1, false);
    expect(C[0]).to.equal(1 / 3 * 3 + 2 / 3 * 3); // float64 arithmetic, not float32
  });
});

describe('wasm-simd: LSTM_TS_GEMM environment variable', () => {
  // A child process, because the variable is read once when the module loads.
  const probe = "import('./src/ops/wasm-simd/backend.ts').then((m) => console.log('backend=' + m.getGemmBackend())).catch((e) => console.log('error=' + e.message))";
  const runWith = (value: string): string => execFileSync(process.execPath, ['--import', 'tsx', '-e', probe], {
    cwd: root, env: { ...process.env, LSTM_TS_GEMM: value }, encoding: 'utf8',
  }).trim();

  it("LSTM_TS_GEMM=js selects the JS kernel; an unknown value is an error naming the variable", () => {
    expect(runWith('js')).to.equal('backend=js');
    expect(runWith('fast')).to.equal('error=LSTM_TS_GEMM: must be one of auto, js, wasm-simd, native, got "fast"');
  });
});
