// simpleRnnSequence (the pure-TS fused SimpleRNN) against the same SimpleRNN composed from primitive ops and the
// generic autograd engine (composed.ts composedSimpleRnn), fast-check over sizes, right-padded lengths (0
// allowed), directions, zero_output_for_mask, tanh and relu: float32 values ≤ 1e-5, gradients ≤ 1e-4 relative;
// float64 ≤ 1e-12; float64 finite differences of the BPTT.
import { expect } from 'chai';
import fc from 'fast-check';
import { Tensor, tensor, Random, backward, ops } from '../../src/index.js';
import { simpleRnnSequence } from '../../src/kernels/simple-rnn-sequence.js';
import { composedSimpleRnn } from './composed.js';
import { arbLstmCase, type LstmCase } from './lstm-cases.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';

type P = LstmCase & { relu: boolean };
const arb: fc.Arbitrary<P> = fc.tuple(arbLstmCase({ T: 6, B: 4, I: 5, H: 4 }), fc.boolean()).map(([c, relu]) => ({ ...c, relu }));

function run(p: P, fused: boolean, dtype: 'float32' | 'float64'): { outs: Tensor[]; grads: ArrayLike<number>[] } {
  const rng = new Random(p.seed);
  const mk = (shape: number[], s: number): Tensor => tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniformRange(-s, s)), { shape, dtype, requiresGrad: true });
  const ins = [mk([p.T, p.B, p.I], 1), mk([p.B, p.H], 0.5), mk([p.I, p.H], 0.8), mk([p.H, p.H], 0.8), mk([p.H], 0.5)];
  const opts = { activation: (p.relu ? 'relu' : 'tanh') as 'tanh' | 'relu', seqLengths: p.lens, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask };
  const [a, b, c, d, e] = ins;
  const outs = fused ? simpleRnnSequence(a, b, c, d, e, opts) : composedSimpleRnn(a, b, c, d, e, opts);
  const r2 = new Random(p.seed + 1);
  backward(outs, outs.map((o) => tensor(Array.from({ length: o.size }, () => r2.uniformRange(-1, 1)), { shape: [...o.shape], dtype })));
  return { outs, grads: ins.map((t) => (t.grad === null ? new Float64Array(t.size) : t.grad.data)) };
}

function compare(dtype: 'float32' | 'float64', valTol: number, gradTol: number, runs: number): void {
  fc.assert(fc.property(arb, (p) => {
    const F = run(p, true, dtype);
    const C = run(p, false, dtype);
    F.outs.forEach((o, k) => {
      for (let i = 0; i < o.size; i++) {
        const d = Math.abs(o.data[i] - C.outs[k].data[i]);
        if (!(d <= valTol)) throw new Error(`output ${k}[${i}]: fused ${o.data[i]} vs composed ${C.outs[k].data[i]} (${JSON.stringify(p)})`);
      }
    });
    F.grads.forEach((g, k) => {
      const ref = C.grads[k];
      let scale = 0;
      for (let i = 0; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
      for (let i = 0; i < g.length; i++) {
        const d = Math.abs(g[i] - ref[i]);
        if (!(d <= gradTol * scale + (dtype === 'float32' ? 1e-7 : 1e-13))) throw new Error(`grad ${k}[${i}]: fused ${g[i]} vs composed ${ref[i]} (${JSON.stringify(p)})`);
      }
    });
  }), { numRuns: runs, seed: 20261202 });
}

describe('kernels/simpleRnnSequence: fused TS SimpleRNN == composed primitive ops (fast-check)', () => {
  it('float32: values ≤ 1e-5 abs, all five gradients ≤ 1e-4 rel (tanh and relu)', () => compare('float32', 1e-5, 1e-4, 150));
  it('float64: values and gradients ≤ 1e-12', () => compare('float64', 1e-12, 1e-12, 60));
  it('float64 finite differences of the hand-written BPTT (tanh; lengths with a 0; goBackwards)', () => {
    const rng = new Random(9);
    const mk = (shape: number[]): Tensor => tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniformRange(-0.8, 0.8)), { shape, dtype: 'float64', requiresGrad: true });
    const ins = [mk([4, 3, 2]), mk([3, 3]), mk([2, 3]), mk([3, 3]), mk([3])];
    const w = tensor(Array.from({ length: 36 }, () => rng.uniformRange(-1, 1)), { shape: [4, 3, 3], dtype: 'float64' });
    const res = gradcheck((...xs: Tensor[]) => {
      const [y, hT] = simpleRnnSequence(xs[0], xs[1], xs[2], xs[3], xs[4], { seqLengths: [4, 0, 2], goBackwards: true });
      return ops.add(ops.sum(ops.mul(y, w)), ops.sum(ops.mul(hT, hT)));
    }, ins);
    expect(res.ok, JSON.stringify(res)).to.equal(true);
  });
  it('errors name the argument', () => {
    const x = tensor(new Array(6).fill(0), { shape: [2, 1, 3] });
    const h0 = tensor([0, 0], { shape: [1, 2] });
    const K = tensor(new Array(6).fill(0), { shape: [3, 2] });
    const R = tensor(new Array(4).fill(0), { shape: [2, 2] });
    expect(() => simpleRnnSequence(x, h0, K, R, tensor([0, 0, 0]))).to.throw(/bias must have shape \[2\]/);
    expect(() => simpleRnnSequence(x, h0, K, R, tensor([0, 0]), { activation: 'sigmoid' as 'tanh' })).to.throw(/activation/);
  });
});
