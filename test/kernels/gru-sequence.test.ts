// gruSequence (src/kernels/gru-sequence.ts, the pure-TS fused GRU) against the same GRU composed from primitive
// ops and differentiated by the generic autograd engine (test/kernels/composed.ts composedGru), over random
// sizes, right-padded lengths (0 allowed), directions and zero_output_for_mask (fast-check): float32 values
// ≤ 1e-5 absolute and gradients of all five inputs ≤ 1e-4 relative to each gradient's largest entry; float64
// values and gradients ≤ 1e-12; and a float64 finite-difference gradcheck of the hand-written BPTT. The real
// TF 2.21 GRU fixtures run through this kernel via the GRU layer (test/keras-recurrent/tf-fixtures.test.ts).
import { expect } from 'chai';
import fc from 'fast-check';
import { Tensor, tensor, Random, backward, ops, native } from '../../src/index.js';
import { gruSequence } from '../../src/kernels/gru-sequence.js';
import { selectGruBackend } from '../../src/kernels/select.js';
import { composedGru } from './composed.js';
import { arbLstmCase, type LstmCase } from './lstm-cases.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';

function leaves(p: LstmCase, dtype: 'float32' | 'float64'): Tensor[] {
  const rng = new Random(p.seed);
  const mk = (shape: number[], s: number): Tensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tensor(Array.from({ length: n }, () => rng.uniformRange(-s, s)), { shape, dtype, requiresGrad: true });
  };
  return [mk([p.T, p.B, p.I], 1), mk([p.B, p.H], 0.5), mk([p.I, 3 * p.H], 0.8), mk([p.H, 3 * p.H], 0.8), mk([2, 3 * p.H], 0.5)];
}

function run(p: LstmCase, fused: boolean, dtype: 'float32' | 'float64'): { outs: Tensor[]; grads: ArrayLike<number>[] } {
  const ins = leaves(p, dtype);
  const opts = { seqLengths: p.lens, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask };
  const [a, b, c, d, e] = ins;
  const outs = fused ? gruSequence(a, b, c, d, e, opts) : composedGru(a, b, c, d, e, opts);
  const rng = new Random(p.seed + 1);
  backward(outs, outs.map((o) => tensor(Array.from({ length: o.size }, () => rng.uniformRange(-1, 1)), { shape: [...o.shape], dtype })));
  return { outs, grads: ins.map((t) => (t.grad === null ? new Float64Array(t.size) : t.grad.data)) };
}

function compare(dtype: 'float32' | 'float64', valTol: number, gradTol: number, runs: number): { worstVal: number; worstGrad: number } {
  let worstVal = 0;
  let worstGrad = 0;
  fc.assert(fc.property(arbLstmCase({ T: 6, B: 4, I: 5, H: 4 }), (p) => {
    const F = run(p, true, dtype);
    const C = run(p, false, dtype);
    F.outs.forEach((o, k) => {
      expect([...o.shape]).to.deep.equal([...C.outs[k].shape]);
      for (let i = 0; i < o.size; i++) {
        const d = Math.abs(o.data[i] - C.outs[k].data[i]);
        worstVal = Math.max(worstVal, d);
        if (!(d <= valTol)) throw new Error(`output ${k}[${i}]: fused ${o.data[i]} vs composed ${C.outs[k].data[i]} (${JSON.stringify(p)})`);
      }
    });
    F.grads.forEach((g, k) => {
      const ref = C.grads[k];
      let scale = 0;
      for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
      for (let i = 0; i < g.length; i++) {
        const d = Math.abs(g[i] - ref[i]);
        if (scale > 0) worstGrad = Math.max(worstGrad, d / scale);
        if (!(d <= gradTol * scale + 1e-7 * (dtype === 'float32' ? 1 : 1e-6))) throw new Error(`grad of input ${k}[${i}]: fused ${g[i]} vs composed ${ref[i]} (scale ${scale}; ${JSON.stringify(p)})`);
      }
    });
  }), { numRuns: runs, seed: 20261201 });
  return { worstVal, worstGrad };
}

describe('kernels/gruSequence: fused TS GRU == composed primitive ops (fast-check)', () => {
  it('float32: values ≤ 1e-5 abs, all five gradients ≤ 1e-4 rel', () => {
    const { worstVal, worstGrad } = compare('float32', 1e-5, 1e-4, 150);
    console.log(`      worst value diff ${worstVal.toExponential(2)}, worst grad rel diff ${worstGrad.toExponential(2)}`);
  });
  it('float64: values and gradients ≤ 1e-12', () => {
    compare('float64', 1e-12, 1e-12, 60);
  });
  it('float64 finite differences of the hand-written BPTT (lengths with a 0, goBackwards)', () => {
    const rng = new Random(7);
    const mk = (shape: number[]): Tensor => tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniformRange(-0.8, 0.8)), { shape, dtype: 'float64', requiresGrad: true });
    const T = 4, B = 3, I = 2, H = 3;
    const ins = [mk([T, B, I]), mk([B, H]), mk([I, 3 * H]), mk([H, 3 * H]), mk([2, 3 * H])];
    const w = tensor(Array.from({ length: T * B * H }, () => rng.uniformRange(-1, 1)), { shape: [T, B, H], dtype: 'float64' });
    const res = gradcheck((...xs: Tensor[]) => {
      const [y, hT] = gruSequence(xs[0], xs[1], xs[2], xs[3], xs[4], { seqLengths: [4, 0, 2], goBackwards: true });
      return ops_sum(y, w, hT);
    }, ins);
    expect(res.ok, JSON.stringify(res)).to.equal(true);
  });
  it('errors name the argument; selection explains the GRU rules', () => {
    const x = tensor(new Array(2 * 1 * 3).fill(0), { shape: [2, 1, 3] });
    const h0 = tensor([0, 0], { shape: [1, 2] });
    const K = tensor(new Array(18).fill(0), { shape: [3, 6] });
    const R = tensor(new Array(12).fill(0), { shape: [2, 6] });
    expect(() => gruSequence(x, h0, K, R, tensor(new Array(6).fill(0), { shape: [6] }))).to.throw(/bias must have shape \[2, 6\]/);
    expect(() => gruSequence(x, h0, K, R, tensor(new Array(12).fill(0), { shape: [2, 6] }), { seqLengths: [3] })).to.throw(/seqLengths\[0\] must be an integer in 0\.\.2/);
    expect(() => gruSequence(x, h0, K, R, tensor(new Array(12).fill(0), { shape: [2, 6] }), { goBack: true } as never)).to.throw(/unknown option 'goBack'/);
    const base = { activation: 'tanh', recurrentActivation: 'sigmoid', recurrentDropout: 0, unroll: false, useBias: true, dtype: 'float32' as const };
    // Without sizes, 'auto' takes the addon when it is enabled and loaded, the fused TS kernel otherwise.
    const was = native.isEnabled();
    try {
      native.disable();
      expect(selectGruBackend({ ...base, resetAfter: true }).name).to.equal('ts');
      native.enable();
      expect(selectGruBackend({ ...base, resetAfter: true }).name).to.equal(native.info().loaded ? 'native-cpu' : 'ts');
      if (native.info().loaded) {
        // The size rule at GRU's inference threshold (192 multiply-adds, T·B·(I+H)·3H): B1 T2 I2 H2 is 48 and stays
        // in TypeScript, where 14 runs of bench/small-calls.ts measured it faster (the addon at a median 0.89×);
        // B1 T8 I2 H2 is 192 and goes native (1.4–1.8× faster there). docs/benchmarks.md "'auto' at the crossover".
        const small = selectGruBackend({ ...base, resetAfter: true, dims: { T: 2, B: 1, I: 2, H: 2 } });
        expect(small.name).to.equal('ts');
        expect(small.reasons.join('\n')).to.include('= 48 multiply-adds < 192');
        expect(selectGruBackend({ ...base, resetAfter: true, dims: { T: 8, B: 1, I: 2, H: 2 } }).name).to.equal('native-cpu');
      }
    } finally {
      if (was) native.enable(); else native.disable();
    }
    const rb = selectGruBackend({ ...base, resetAfter: false });
    expect(rb.name).to.equal('generic');
    expect(rb.reasons.join('\n')).to.match(/ts: reset_after=False \(the fused kernel, like cuDNN, needs reset_after=True\)/);
    expect(() => selectGruBackend({ ...base, resetAfter: true, backend: 'cudnn' })).to.throw(/backend 'cudnn' was requested but cannot run this call: (no GRU kernel for cudnn yet|.*CUDA|.*cuDNN)/);
  });
});

function ops_sum(y: Tensor, w: Tensor, hT: Tensor): Tensor {
  return ops.add(ops.sum(ops.mul(y, w)), ops.sum(ops.mul(hT, hT)));
}
