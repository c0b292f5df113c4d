// The matmul ops on the native addon's GEMM (native/core/gemm.h via src/native.ts → src/ops/wasm-simd/backend.ts):
//   1. gemm / gemmNT / gemmTN under setGemmBackend('native') meet the float32-accumulation bound against a
//      float64 reference, with offsets, transposes and accumulation, on every micro-kernel this CPU runs, and
//      leave the elements around the C block untouched (the addon gets subarray views);
//   2. 'auto' uses it exactly from NATIVE_GEMM_MIN_MACS multiply-adds on (measured by bench/gemm-backends.ts),
//      not after lt.native.disable(), and forcing 'native' without it throws with the reason;
//   3. matmul's float32 forward and gradients on 'native' equal the JS kernel's within float32 rounding.
import { expect } from 'chai';
import fc from 'fast-check';
import * as lt from '../../src/index.js';
import { gemm, gemmNT, gemmTN } from '../../src/ops/gemm.js';
import { setGemmBackend, withGemmBackend, NATIVE_GEMM_MIN_MACS } from '../../src/ops/wasm-simd/backend.js';
import { arbCase, check, operands, wasmTol } from '../wasm-simd/gemm-cases.js';
import { cpuAddon } from '../../src/kernels/native-addon.js';
import { maxAbs, maxMag, requireCpu } from './helpers.js';

describe('native: the matmul ops on the native GEMM', function () {
  // Earlier test files leave the native backends disabled (layer-zoo, tf-fixtures): enable them here, restore after.
  let wasEnabled = false;
  before(() => {
    wasEnabled = lt.native.isEnabled();
    lt.native.enable();
  });
  after(() => {
    if (!wasEnabled) lt.native.disable();
  });
  afterEach(() => setGemmBackend('auto'));

  it("gemm / gemmNT / gemmTN under 'native' meet the float32-accumulation bound on every micro-kernel", function () {
    requireCpu(this);
    const isas = lt.native.info().cpu!.isasSupported as ('avx512' | 'avx2' | 'generic')[];
    const before = lt.native.info().cpu!.isa as 'avx512' | 'avx2' | 'generic';
    try {
      for (const isa of isas) {
        lt.native.setCpuIsa(isa);
        setGemmBackend('native');
        fc.assert(fc.property(arbCase, (p) => {
          const q = p.transA ? { ...p, transB: false } : p; // gemmTN transposes only A
          const { A, B, C0, ref, mag } = operands(q);
          const C = C0.slice();
          const f = q.transA ? gemmTN : q.transB ? gemmNT : gemm;
          f(A, q.aOff, B, q.bOff, C, q.cOff, q.M, q.K, q.N, q.accumulate);
          check(q, C, C0, ref, mag, wasmTol(mag));
        }), { numRuns: 60, seed: 21 });
      }
    } finally {
      lt.native.setCpuIsa(before);
    }
  });

  it("'auto' uses the native GEMM from NATIVE_GEMM_MIN_MACS on, and not after disable(); forcing it unregistered throws", function () {
    const addon = requireCpu(this);
    if (!addon.sgemm) this.skip();
    // Count the addon's sgemm calls by wrapping it (the registered function looks the addon up at each call).
    const a = cpuAddon()!;
    const orig = a.sgemm!;
    let calls = 0;
    a.sgemm = (x) => { calls++; orig.call(a, x); };
    try {
      const prod = (M: number, K: number, N: number) => {
        const A = new Float32Array(M * K).fill(1), B = new Float32Array(K * N).fill(1), C = new Float32Array(M * N);
        gemm(A, 0, B, 0, C, 0, M, K, N, false);
        expect(C[0], 'value').to.equal(K);
      };
      expect(NATIVE_GEMM_MIN_MACS).to.equal(32768);
      prod(32, 32, 31); // 31744 < 32768: wasm / JS
      expect(calls).to.equal(0);
      prod(32, 32, 32); // 32768: native
      expect(calls).to.equal(1);
      withGemmBackend('js', () => prod(64, 64, 64));
      withGemmBackend('wasm-simd', () => prod(64, 64, 64));
      expect(calls, "'js' and 'wasm-simd' never call the addon").to.equal(1);
      withGemmBackend('native', () => prod(2, 2, 2)); // forced: every size
      expect(calls).to.equal(2);
      // float64 never runs natively
      const D = new Float64Array(64 * 64).fill(1), E = new Float64Array(64 * 64);
      gemm(D, 0, D, 0, E, 0, 64, 64, 64, false);
      expect(calls).to.equal(2);
      lt.native.disable();
      prod(64, 64, 64);
      expect(calls, 'after disable()').to.equal(2);
      expect(() => setGemmBackend('native')).to.throw(/setGemmBackend: 'native' requested but the native GEMM is not registered/);
    } finally {
      a.sgemm = orig;
      lt.native.enable();  // the describe's after() restores the state found before the file
    }
  });

  it('matmul forward and its gradients (A·B, dA = dC·Bᵀ, dB = Aᵀ·dC) on the native GEMM equal the JS kernel within float32 rounding', function () {
    requireCpu(this);
    const run = (backend: 'js' | 'native') => withGemmBackend(backend, () => {
      const x = lt.randomUniform([48, 200], -1, 1, { seed: 9 });
      const w = lt.randomUniform([200, 96], -0.2, 0.2, { seed: 4 });
      x.requiresGrad = true;
      w.requiresGrad = true;
      const y = lt.tanh(lt.matmul(x, w));
      lt.sum(lt.mul(y, y)).backward();
      return { y: y.data, dx: x.grad!.data, dw: w.grad!.data };
    });
    const js = run('js'), nat = run('native');
    for (const k of ['y', 'dx', 'dw'] as const) {
      // float32 accumulation over K ≤ 200 terms of size ≤ ~1 against the JS kernel's float64 accumulation.
      expect(maxAbs(nat[k], js[k]) / Math.max(1, maxMag(js[k])), k).to.be.below(1e-5);
    }
  });
});
