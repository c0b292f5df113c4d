import { expect } from 'chai';
import fc from 'fast-check';
import { Tensor, tensor, Random, backward } from '../../src/index.js';
import { lstmSequence } from '../../src/kernels/lstm-sequence.js';
import { composedLstm } from './composed.js';
import { arbLstmCase, type LstmCase } from './lstm-cases.js';

// Property: the fused kernel (hand-written BPTT) equals the same LSTM composed from primitive ops and
// differentiated by the generic autograd engine, over random sizes, masks and directions, in float32.
// Tolerances: values ≤ 1e-5 absolute; gradients ≤ 1e-4 relative to the largest entry of each gradient
// (max|a − b| ≤ 1e-4 · max|b|), which is what float32 accumulation-order differences allow.

type P = LstmCase;

const arbCase = arbLstmCase({ T: 6, B: 4, I: 5, H: 4 });

function leaves(p: P): Tensor[] {
  const rng = new Random(p.seed);
  const mk = (shape: number[], s: number): Tensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, () => rng.uniformRange(-s, s)), { shape, dtype: 'float32', requiresGrad: true });
  };
  return [mk([p.T, p.B, p.I], 1), mk([p.B, p.H], 0.5), mk([p.B, p.H], 0.5), mk([p.I, 4 * p.H], 0.8), mk([p.H, 4 * p.H], 0.8), mk([4 * p.H], 0.5)];
}

function run(p: P, fused: boolean): { outs: Tensor[]; grads: Float32Array[] } {
  const ins = leaves(p);
  const opts = { seqLengths: p.lens, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask };
  const [a, b, c, d, e, f] = ins;
  const outs = fused ? lstmSequence(a, b, c, d, e, f, opts) : composedLstm(a, b, c, d, e, f, opts);
  // Seeds: fixed pseudo-random weights on y, hT and cT, so every output and path matters.
  const rng = new Random(p.seed + 1);
  backward(outs, outs.map((o) => tensor(Array.from({ length: o.size }, () => rng.uniformRange(-1, 1)), { shape: [...o.shape], dtype: 'float32' })));
  return { outs, grads: ins.map((t) => (t.grad === null ? new Float32Array(t.size) : (t.grad.data as Float32Array))) };
}

describe('kernels/lstmSequence: fused == composed primitive ops (fast-check, float32)', () => {
  it('values ≤ 1e-5 abs and all six gradients ≤ 1e-4 rel', () => {
    let worstVal = 0;
    let worstGrad = 0;
    fc.assert(fc.property(arbCase, (p) => {
      const F = run(p, true);
      const C = run(p, false);
      F.outs.forEach((o, k) => {
        expect([...o.shape]).to.deep.equal([...C.outs[k].shape]);
        for (let i = 0; i < o.size; i++) {
          const d = Math.abs(o.data[i] - C.outs[k].data[i]);
          worstVal = Math.max(worstVal, d);
          if (!(d <= 1e-5)) throw new Error(`output ${k}[${i}]: fused ${o.data[i]} vs composed ${C.outs[k].data[i]} (${JSON.stringify(p)})`);
        }
      });
      F.grads.forEach((g, k) => {
        const ref = C.grads[k];
        let scale = 0;
        for (const v of ref) scale = Math.max(scale, Math.abs(v));
        for (let i = 0; i < g.length; i++) {
          const d = Math.abs(g[i] - ref[i]);
          if (scale > 0) worstGrad = Math.max(worstGrad, d / scale);
          if (!(d <= 1e-4 * scale + 1e-7)) throw new Error(`grad of input ${k}[${i}]: fused ${g[i]} vs composed ${ref[i]} (scale ${scale}; ${JSON.stringify(p)})`);
        }
      });
    }), { numRuns: 150, seed: 20261123 });
    console.log(`      worst value diff ${worstVal.toExponential(2)}, worst grad rel diff ${worstGrad.toExponential(2)}`);
    // Not an assertion of equality-by-construction: the two paths share only matmul/gemm.
    expect(worstVal).to.be.below(1e-5);
    expect(worstGrad).to.be.below(1e-4);
  });
});
