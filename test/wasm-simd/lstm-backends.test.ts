import { expect } from 'chai';
import fc from 'fast-check';
import { Tensor, tensor, Random, backward } from '../../src/index.js';
import { lstmSequence } from '../../src/kernels/lstm-sequence.js';
import { withGemmBackend } from '../../src/ops/wasm-simd/backend.js';
import { arbLstmCase, checkFixtureCase, fusedFixtureCases, type LstmCase } from '../kernels/lstm-cases.js';

// The fused LSTM kernel (src/kernels/ts.ts) with its GEMMs on the wasm SIMD kernel — the input projection,
// the resident recurrent R / Rᵀ of every step, the weight-gradient GEMMs — against (1) itself on the JS
// GEMM, and (2) the real TensorFlow 2.21 fixtures, at the tolerances the kernel suite already uses
// (test/kernels/fused-vs-composed.test.ts: values 1e-5 abs, gradients 1e-4 relative to the largest entry;
// test/kernels/tf-fixtures.test.ts: outputs 1e-5 abs, gradients 1e-5 abs + 1e-4 rel).

type P = LstmCase;

// Sizes reach past the wasm tile (4 rows × 8 columns) and its edges: B 1..9, 4H up to 4·17 = 68.
const arbCase = arbLstmCase({ T: 6, B: 9, I: 24, H: 17 });

function run(p: P): { outs: Float32Array[]; grads: Float32Array[] } {
  const rng = new Random(p.seed);
  const mk = (shape: number[], s: number): Tensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, () => rng.uniformRange(-s, s)), { shape, dtype: 'float32', requiresGrad: true });
  };
  const ins = [mk([p.T, p.B, p.I], 1), mk([p.B, p.H], 0.5), mk([p.B, p.H], 0.5), mk([p.I, 4 * p.H], 0.8), mk([p.H, 4 * p.H], 0.8), mk([4 * p.H], 0.5)];
  const [x, h0, c0, K, R, b] = ins;
  const outs = lstmSequence(x, h0, c0, K, R, b, { seqLengths: p.lens, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask });
  const seedRng = new Random(p.seed + 1);
  backward(outs, outs.map((o) => tensor(Array.from({ length: o.size }, () => seedRng.uniformRange(-1, 1)), { shape: [...o.shape], dtype: 'float32' })));
  return { outs: outs.map((o) => o.data as Float32Array), grads: ins.map((t) => t.grad!.data as Float32Array) };
}

describe('wasm-simd: fused LSTM kernel, wasm-simd GEMM == js GEMM (fast-check, float32)', () => {
  it('values ≤ 1e-5 abs and all six gradients ≤ 1e-4 rel', () => {
    let worstVal = 0, worstGrad = 0, differing = 0;
    fc.assert(fc.property(arbCase, (p) => {
      const J = withGemmBackend('js', () => run(p));
      const W = withGemmBackend('wasm-simd', () => run(p));
      let same = true;
      W.outs.forEach((o, k) => {
        for (let i = 0; i < o.length; i++) {
          const d = Math.abs(o[i] - J.outs[k][i]);
          if (d !== 0) same = false;
          worstVal = Math.max(worstVal, d);
          if (!(d <= 1e-5)) throw new Error(`output ${k}[${i}]: wasm ${o[i]} vs js ${J.outs[k][i]} (${JSON.stringify(p)})`);
        }
      });
      W.grads.forEach((g, k) => {
        const ref = J.grads[k];
        let scale = 0;
        for (const v of ref) scale = Math.max(scale, Math.abs(v));
        for (let i = 0; i < g.length; i++) {
          const d = Math.abs(g[i] - ref[i]);
          if (scale > 0) worstGrad = Math.max(worstGrad, d / scale);
          if (!(d <= 1e-4 * scale + 1e-7)) throw new Error(`grad ${k}[${i}]: wasm ${g[i]} vs js ${ref[i]} (scale ${scale}; ${JSON.stringify(p)})`);
        }
      });
      if (!same) differing++;
    }), { numRuns: 80, seed: 20261123 });
    console.log(`      worst value diff ${worstVal.toExponential(2)}, worst grad rel diff ${worstGrad.toExponential(2)}, ${differing}/80 cases not bit-identical`);
    // The two runs really used different arithmetic (float32 vs float64 accumulation) in most cases.
    expect(differing).to.be.greaterThan(20);
  });
});

// ---- real TF 2.21 fixtures, kernel on the wasm SIMD GEMM ----

describe('wasm-simd: fused LSTM kernel on the wasm-simd GEMM vs real TF 2.21 fixtures', () => {
  // The same selection as test/kernels/tf-fixtures.test.ts: LSTM cases the fused kernel's semantics cover.
  const cases = fusedFixtureCases();
  it('covers the fused-eligible LSTM fixtures', () => expect(cases.length).to.be.greaterThan(15));
  for (const c of cases) it(c.name, () => withGemmBackend('wasm-simd', () => checkFixtureCase(c)));
});
