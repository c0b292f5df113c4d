import { expect } from 'chai';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, tensor, ops, Random } from '../../src/index.js';
import { lstmSequence } from '../../src/kernels/lstm-sequence.js';
import { maskToSeqLengths } from '../../src/kernels/select.js';
import { withGemmBackend } from '../../src/ops/wasm-simd/backend.js';

// The fused LSTM kernel (src/kernels/ts.ts) with its GEMMs on the wasm SIMD kernel — the input projection,
// the resident recurrent R / Rᵀ of every step, the weight-gradient GEMMs — against (1) itself on the JS
// GEMM, and (2) the real TensorFlow 2.21 fixtures, at the tolerances the kernel suite already uses
// (test/kernels/fused-vs-composed.test.ts: values 1e-5 abs, gradients 1e-4 relative to the largest entry;
// test/kernels/tf-fixtures.test.ts: outputs 1e-5 abs, gradients 1e-5 abs + 1e-4 rel).

interface P { T: number; B: number; I: number; H: number; lens: number[] | null; goBackwards: boolean; zeroOutputForMask: boolean; seed: number }

// Sizes reach past the wasm tile (4 rows × 8 columns) and its edges: B 1..9, 4H up to 4·17 = 68.
const arbCase = fc.record({ T: fc.integer({ min: 1, max: 6 }), B: fc.integer({ min: 1, max: 9 }), I: fc.integer({ min: 1, max: 24 }), H: fc.integer({ min: 1, max: 17 }) })
  .chain((d) => fc.record({
    T: fc.constant(d.T), B: fc.constant(d.B), I: fc.constant(d.I), H: fc.constant(d.H),
    lens: fc.option(fc.array(fc.integer({ min: 0, max: d.T }), { minLength: d.B, maxLength: d.B }), { nil: null }),
    goBackwards: fc.boolean(),
    zeroOutputForMask: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1e6 }),
  }));

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
  for (const o of outs) o.backward(tensor(Array.from({ length: o.size }, () => seedRng.uniformRange(-1, 1)), { shape: [...o.shape], dtype: 'float32' }));
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

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
type N3 = number[][][];
interface FixtureCase {
  name: string; x: N3; weights: [number[][], number[][], number[]]; mask?: number[][]; initial_state?: [number[][], number[][]];
  outputs: unknown[]; loss_weights: unknown[]; grad_x?: N3; grad_weights: [number[][], number[][], number[]];
  grad_initial_state?: [number[][], number[][]]; config: Record<string, unknown>;
}
const flat = (v: unknown): number[] => (Array.isArray(v) ? (v as unknown[]).flatMap(flat) : [v as number]);
function timeMajor(v: N3): number[] {
  const out: number[] = [];
  for (let t = 0; t < v[0].length; t++) for (let b = 0; b < v.length; b++) out.push(...v[b][t]);
  return out;
}
function close(name: string, got: ArrayLike<number>, want: number[], atol: number, rtol: number): void {
  expect(got.length, `${name} size`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= atol + rtol * Math.abs(want[i]))) throw new Error(`${name}[${i}]: got ${got[i]}, TF ${want[i]} (|diff| ${d.toExponential(2)})`);
  }
}

describe('wasm-simd: fused LSTM kernel on the wasm-simd GEMM vs real TF 2.21 fixtures', () => {
  const fixture = JSON.parse(fs.readFileSync(path.join(root, 'test/fixtures/keras_rnn.json'), 'utf8')) as { cases: FixtureCase[] };
  // The same selection as test/kernels/tf-fixtures.test.ts: LSTM cases the fused kernel's semantics cover.
  const cases = fixture.cases.filter((c) => {
    const k = c.config;
    return c.name.startsWith('lstm_') && c.grad_x !== undefined && k.activation === 'tanh' && k.recurrent_activation === 'sigmoid' &&
      k.use_bias === true && k.recurrent_dropout === 0 && k.dropout === 0 && (!c.mask || maskToSeqLengths(c.mask).rightPadded);
  });
  it('covers the fused-eligible LSTM fixtures', () => expect(cases.length).to.be.greaterThan(15));
  for (const c of cases) {
    it(c.name, () => withGemmBackend('wasm-simd', () => {
      const B = c.x.length, T = c.x[0].length, I = c.x[0][0].length, H = c.weights[1].length;
      const x = tensor(timeMajor(c.x), { shape: [T, B, I], requiresGrad: true });
      const K = tensor(flat(c.weights[0]), { shape: [I, 4 * H], requiresGrad: true });
      const R = tensor(flat(c.weights[1]), { shape: [H, 4 * H], requiresGrad: true });
      const bias = tensor(c.weights[2], { shape: [4 * H], requiresGrad: true });
      const init = c.initial_state ?? [null, null];
      const h0 = tensor(init[0] ? flat(init[0]) : new Array(B * H).fill(0), { shape: [B, H], requiresGrad: true });
      const c0 = tensor(init[1] ? flat(init[1]) : new Array(B * H).fill(0), { shape: [B, H], requiresGrad: true });
      const lengths = c.mask ? Array.from(maskToSeqLengths(c.mask).lengths) : null;
      const [y, hT, cT] = lstmSequence(x, h0, c0, K, R, bias, {
        seqLengths: lengths, goBackwards: c.config.go_backwards === true, zeroOutputForMask: c.config.zero_output_for_mask === true,
      });
      const yBT = ops.transpose(y, [1, 0, 2]);
      const first = c.config.return_sequences === true ? yBT : ops.reshape(ops.slice(yBT, [0, T - 1, 0], [B, 1, H]), [B, H]);
      const outs = c.config.return_state === true ? [first, hT, cT] : [first];
      outs.forEach((o, k) => close(`output ${k}`, o.data, flat(c.outputs[k]), 1e-5, 0));
      let loss: Tensor | null = null;
      outs.forEach((o, k) => {
        const term = ops.sum(ops.mul(o, tensor(flat(c.loss_weights[k]), { shape: [...o.shape] })));
        loss = loss === null ? term : ops.add(loss, term);
      });
      (loss as unknown as Tensor).backward();
      close('grad_x', x.grad!.data, timeMajor(c.grad_x!), 1e-5, 1e-4);
      close('grad kernel', K.grad!.data, flat(c.grad_weights[0]), 1e-5, 1e-4);
      close('grad recurrent_kernel', R.grad!.data, flat(c.grad_weights[1]), 1e-5, 1e-4);
      close('grad bias', bias.grad!.data, flat(c.grad_weights[2]), 1e-5, 1e-4);
      if (c.grad_initial_state) {
        close('grad h0', h0.grad!.data, flat(c.grad_initial_state[0]), 1e-5, 1e-4);
        close('grad c0', c0.grad!.data, flat(c.grad_initial_state[1]), 1e-5, 1e-4);
      }
    }));
  }
});
