import { expect } from 'chai';
import { Tensor, tensor, Random, assertGradcheck, ops } from '../../src/index.js';
import { lstmSequence } from '../../src/kernels/lstm-sequence.js';
import { oracleLstm } from './oracle.js';
import { composedLstm } from './composed.js';

type DT = 'float32' | 'float64';

function rand(rng: Random, shape: number[], dtype: DT, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, () => rng.uniformRange(-scale, scale));
  return tensor(v, { shape, dtype });
}

function nested3(t: Tensor): number[][][] {
  return t.toArray() as number[][][];
}
function nested2(t: Tensor): number[][] {
  return t.toArray() as number[][];
}

interface Case { T: number; B: number; I: number; H: number; lens?: number[]; goBackwards?: boolean; zeroOutputForMask?: boolean }

function makeInputs(c: Case, dtype: DT, seed: number): Tensor[] {
  const rng = new Random(seed);
  return [
    rand(rng, [c.T, c.B, c.I], dtype),
    rand(rng, [c.B, c.H], dtype, 0.5),
    rand(rng, [c.B, c.H], dtype, 0.5),
    rand(rng, [c.I, 4 * c.H], dtype, 0.7),
    rand(rng, [c.H, 4 * c.H], dtype, 0.7),
    rand(rng, [4 * c.H], dtype, 0.5),
  ];
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('kernels/lstmSequence: forward values', () => {
  it('matches hand-derived values with constant weights (kernel 0.01, recurrent 0.02, bias 0.03)', () => {
    // T=2, B=1, I=2, H=2, x = [[1,2]], [[3,4]], h0 = c0 = 0.
    // Step 1: every gate sees z = 0.01·(1+2) + 0 + 0.03 = 0.06, so i = f = o = σ(0.06) = 0.51499550161941,
    //   g = tanh(0.06) = 0.0599281035291435, c1 = i·g = 0.030862703738091194,
    //   h1 = o·tanh(c1) = 0.01588910908678286 (both units equal).
    // Step 2: z = 0.01·(3+4) + 0.02·(h1+h1) + 0.03 = 0.10 + 0.04·h1 = 0.10063556436347132,
    //   c2 = σ(z)·c1 + σ(z)·tanh(z) = 0.06887701039645301, h2 = σ(z)·tanh(c2) = 0.036112824536714536.
    const dtype = 'float64';
    const x = tensor([[[1, 2]], [[3, 4]]], { dtype });
    const z2 = tensor([[0, 0]], { dtype });
    const K = tensor(new Array(2 * 8).fill(0.01), { shape: [2, 8], dtype });
    const R = tensor(new Array(2 * 8).fill(0.02), { shape: [2, 8], dtype });
    const b = tensor(new Array(8).fill(0.03), { dtype });
    const [y, h, c] = lstmSequence(x, z2, z2, K, R, b);
    const h1 = 0.01588910908678286, h2 = 0.036112824536714536, c2 = 0.06887701039645301;
    expect(maxAbsDiff(y.data, [h1, h1, h2, h2])).to.be.below(1e-15);
    expect(maxAbsDiff(h.data, [h2, h2])).to.be.below(1e-15);
    expect(maxAbsDiff(c.data, [c2, c2])).to.be.below(1e-15);
    // float32 agrees to float32 precision.
    const f = (t: Tensor): Tensor => t.cast('float32');
    const [y32] = lstmSequence(f(x), f(z2), f(z2), f(K), f(R), f(b));
    expect(maxAbsDiff(y32.data, [h1, h1, h2, h2])).to.be.below(1e-8);
  });

  it('hand-derived masking + goBackwards: x=[x0,x1,pad], len=2 gives [0, o(x1), o(x0|x1)]', () => {
    // Processing order t = 2, 1, 0. t=2 is padding: state carried (zeros), output = previous output = 0.
    // t=1 with x1=[1,2] is the first real step: the same numbers as step 1 above (h = 0.01588910908678286).
    // t=0 with x0=[3,4] is then step 2 above (h = 0.036112824536714536).
    // With zeroOutputForMask the padded output is 0 as well (here identical).
    const dtype = 'float64';
    const x = tensor([[[3, 4]], [[1, 2]], [[9, 9]]], { dtype });
    const z2 = tensor([[0, 0]], { dtype });
    const K = tensor(new Array(16).fill(0.01), { shape: [2, 8], dtype });
    const R = tensor(new Array(16).fill(0.02), { shape: [2, 8], dtype });
    const b = tensor(new Array(8).fill(0.03), { dtype });
    const h1 = 0.01588910908678286, h2 = 0.036112824536714536, c2 = 0.06887701039645301;
    const [y, h, c] = lstmSequence(x, z2, z2, K, R, b, { seqLengths: [2], goBackwards: true });
    expect(maxAbsDiff(y.data, [0, 0, h1, h1, h2, h2])).to.be.below(1e-15);
    expect(maxAbsDiff(h.data, [h2, h2])).to.be.below(1e-15);
    expect(maxAbsDiff(c.data, [c2, c2])).to.be.below(1e-15);
    // Forward direction with the same mask on [x1', x0', pad]: padded output repeats the last valid h,
    // or is zero with zeroOutputForMask; the final state is the last valid one.
    const xf = tensor([[[1, 2]], [[3, 4]], [[9, 9]]], { dtype });
    const [yf] = lstmSequence(xf, z2, z2, K, R, b, { seqLengths: [2] });
    expect(maxAbsDiff(yf.data, [h1, h1, h2, h2, h2, h2])).to.be.below(1e-15);
    const [yz, hz] = lstmSequence(xf, z2, z2, K, R, b, { seqLengths: [2], zeroOutputForMask: true });
    expect(maxAbsDiff(yz.data, [h1, h1, h2, h2, 0, 0])).to.be.below(1e-15);
    expect(maxAbsDiff(hz.data, [h2, h2])).to.be.below(1e-15);
  });

  const cases: Case[] = [
    { T: 4, B: 3, I: 5, H: 3 },
    { T: 4, B: 3, I: 5, H: 3, goBackwards: true },
    { T: 5, B: 4, I: 2, H: 3, lens: [5, 2, 0, 3] },
    { T: 5, B: 4, I: 2, H: 3, lens: [5, 2, 0, 3], goBackwards: true },
    { T: 5, B: 4, I: 2, H: 3, lens: [1, 2, 0, 5], zeroOutputForMask: true },
    { T: 5, B: 4, I: 2, H: 3, lens: [1, 2, 0, 5], zeroOutputForMask: true, goBackwards: true },
  ];
  for (const c of cases) {
    it(`equals the plain-loop Keras oracle (float64, 1e-12): ${JSON.stringify(c)}`, () => {
      const [x, h0, c0, K, R, b] = makeInputs(c, 'float64', 11);
      const mask = c.lens ? Array.from({ length: c.B }, (_, bb) => Array.from({ length: c.T }, (_, t) => t < c.lens![bb])) : undefined;
      const ref = oracleLstm({
        x: nested3(x), h0: nested2(h0), c0: nested2(c0), kernel: nested2(K), recurrentKernel: nested2(R),
        bias: Array.from(b.data), mask, goBackwards: c.goBackwards, zeroOutputForMask: c.zeroOutputForMask,
      });
      const [y, hT, cT] = lstmSequence(x, h0, c0, K, R, b, { seqLengths: c.lens, goBackwards: c.goBackwards, zeroOutputForMask: c.zeroOutputForMask });
      expect(maxAbsDiff(y.data, ref.y.flat(2))).to.be.below(1e-12);
      expect(maxAbsDiff(hT.data, ref.h.flat())).to.be.below(1e-12);
      expect(maxAbsDiff(cT.data, ref.c.flat())).to.be.below(1e-12);
    });
  }

  it('float32 forward equals the float64 oracle within 1e-5', () => {
    const c: Case = { T: 7, B: 3, I: 6, H: 5, lens: [7, 3, 0], goBackwards: true };
    const ins = makeInputs(c, 'float64', 5);
    const [x, h0, c0, K, R, b] = ins;
    const mask = Array.from({ length: c.B }, (_, bb) => Array.from({ length: c.T }, (_, t) => t < c.lens![bb]));
    const ref = oracleLstm({ x: nested3(x), h0: nested2(h0), c0: nested2(c0), kernel: nested2(K), recurrentKernel: nested2(R), bias: Array.from(b.data), mask, goBackwards: true });
    const f = ins.map((t) => t.cast('float32'));
    const [y] = lstmSequence(f[0], f[1], f[2], f[3], f[4], f[5], { seqLengths: c.lens, goBackwards: true });
    expect(y.dtype).to.equal('float32');
    expect(maxAbsDiff(y.data, ref.y.flat(2))).to.be.below(1e-5);
  });

  it('records nothing when no input requires grad, and one node otherwise', () => {
    const [x, h0, c0, K, R, b] = makeInputs({ T: 2, B: 1, I: 1, H: 1 }, 'float32', 1);
    const [y] = lstmSequence(x, h0, c0, K, R, b);
    expect(y.gradFn).to.equal(null);
    K.requireGrad();
    const [y2, h2] = lstmSequence(x, h0, c0, K, R, b);
    expect(y2.gradFn).to.not.equal(null);
    expect(y2.gradFn).to.equal(h2.gradFn);
    expect(y2.gradFn!.op).to.equal('lstmSequence');
  });
});

describe('kernels/lstmSequence: gradients (float64 finite differences w.r.t. all six inputs)', () => {
  const cases: Case[] = [
    { T: 3, B: 2, I: 3, H: 2 },
    { T: 3, B: 2, I: 3, H: 2, goBackwards: true },
    { T: 4, B: 3, I: 2, H: 2, lens: [4, 2, 0] },
    { T: 4, B: 3, I: 2, H: 2, lens: [4, 2, 0], goBackwards: true },
    { T: 4, B: 3, I: 2, H: 2, lens: [1, 3, 0], zeroOutputForMask: true },
    { T: 4, B: 3, I: 2, H: 2, lens: [1, 3, 0], zeroOutputForMask: true, goBackwards: true },
  ];
  for (const c of cases) {
    it(`gradcheck ${JSON.stringify(c)}`, () => {
      const ins = makeInputs(c, 'float64', 3);
      assertGradcheck('lstmSequence', (x, h0, c0, K, R, b) => lstmSequence(x, h0, c0, K, R, b, {
        seqLengths: c.lens, goBackwards: c.goBackwards, zeroOutputForMask: c.zeroOutputForMask,
      }), ins, { atol: 1e-7, rtol: 1e-5 });
    });
  }

  it('gradcheck of two stacked calls (layer 2 reads layer 1\'s y): no state shared between calls', () => {
    const c1: Case = { T: 3, B: 2, I: 2, H: 2, lens: [3, 1] };
    const a = makeInputs(c1, 'float64', 21);
    const b = makeInputs({ ...c1, I: 2 }, 'float64', 22).slice(1);
    assertGradcheck('stacked lstmSequence', (x, h0, c0, K, R, bias, h02, c02, K2, R2, bias2) => {
      const [y1] = lstmSequence(x, h0, c0, K, R, bias, { seqLengths: c1.lens });
      const [y2, h2] = lstmSequence(y1, h02, c02, K2, R2, bias2, { seqLengths: c1.lens, goBackwards: true });
      return [y2, h2];
    }, [...a, ...b], { atol: 1e-7, rtol: 1e-5 });
  });

  it('H = 190 (recurrent GEMM through gemm()/gemmNT instead of the packed copy): values and gradients equal the composed ops in float64', () => {
    const c: Case = { T: 3, B: 2, I: 3, H: 190, lens: [3, 2], goBackwards: true };
    const opts = { seqLengths: c.lens, goBackwards: true };
    const run = (f: typeof lstmSequence | typeof composedLstm): { out: Tensor[]; grads: Tensor[] } => {
      const ins = makeInputs(c, 'float64', 4).map((t) => t.requireGrad());
      const [x, h0, c0, K, R, b] = ins;
      const out = f(x, h0, c0, K, R, b, opts);
      ops.add(ops.add(ops.sum(ops.mul(out[0], out[0])), ops.sum(out[1])), ops.sum(ops.mul(out[2], out[1]))).backward();
      return { out, grads: ins.map((t) => t.grad!) };
    };
    const F = run(lstmSequence);
    const C = run(composedLstm);
    F.out.forEach((o, k) => expect(maxAbsDiff(o.data, C.out[k].data)).to.be.below(1e-12));
    F.grads.forEach((g, k) => expect(maxAbsDiff(g.data, C.grads[k].data), `grad ${k}`).to.be.below(1e-10));
  });

  it('x without requiresGrad: dx is skipped, every other gradient is unchanged', () => {
    const c: Case = { T: 4, B: 3, I: 3, H: 2, lens: [4, 2, 0] };
    const run = (xGrad: boolean): Tensor[] => {
      const ins = makeInputs(c, 'float32', 8);
      ins.forEach((t, i) => t.requireGrad(i > 0 || xGrad));
      const [y, h] = lstmSequence(ins[0], ins[1], ins[2], ins[3], ins[4], ins[5], { seqLengths: c.lens });
      ops.add(ops.sum(ops.mul(y, y)), ops.sum(h)).backward();
      return ins;
    };
    const withX = run(true);
    const noX = run(false);
    expect(noX[0].grad).to.equal(null);
    expect(withX[0].grad!.size).to.equal(4 * 3 * 3);
    for (let i = 1; i < 6; i++) expect(Array.from(noX[i].grad!.data)).to.deep.equal(Array.from(withX[i].grad!.data));
  });

  it('a row of length 0 gets exactly dh0 = dhT, dc0 = dcT and dx = 0', () => {
    const c: Case = { T: 3, B: 2, I: 2, H: 2, lens: [3, 0] };
    const ins = makeInputs(c, 'float64', 9).map((t) => t.requireGrad());
    const [x, h0, c0, K, R, b] = ins;
    const [y, hT, cT] = lstmSequence(x, h0, c0, K, R, b, { seqLengths: c.lens });
    const loss = ops.add(ops.add(ops.sum(y), ops.sum(ops.mul(hT, hT))), ops.sum(cT));
    loss.backward();
    // Row 1: y is all zeros (no valid step; prev output starts at 0), hT = h0, cT = c0.
    expect(Array.from(y.data).filter((_, i) => Math.floor(i / 2) % 2 === 1)).to.deep.equal([0, 0, 0, 0, 0, 0]);
    expect(Array.from(h0.grad!.data.slice(2))).to.deep.equal([2 * h0.data[2], 2 * h0.data[3]]);
    expect(Array.from(c0.grad!.data.slice(2))).to.deep.equal([1, 1]);
    for (let t = 0; t < 3; t++) expect(Array.from(x.grad!.data.slice(t * 4 + 2, t * 4 + 4))).to.deep.equal([0, 0]);
  });
});

describe('kernels/lstmSequence: argument validation', () => {
  const [x, h0, c0, K, R, b] = makeInputs({ T: 2, B: 3, I: 4, H: 2 }, 'float32', 1);
  it('names the argument and expected vs actual shape', () => {
    expect(() => lstmSequence(ops.reshape(x, [6, 4]), h0, c0, K, R, b)).to.throw(/lstmSequence: x must be time-major \[T, B, I\], got shape \[6, 4\]/);
    expect(() => lstmSequence(x, h0, c0, tensor(new Array(4 * 7).fill(0), { shape: [4, 7] }), R, b)).to.throw(/kernel must have shape \[I, 4H\].*got \[4, 7\]/);
    expect(() => lstmSequence(x, h0, c0, tensor(new Array(5 * 8).fill(0), { shape: [5, 8] }), R, b)).to.throw(/kernel must have shape \[4, 8\].*got \[5, 8\]/);
    expect(() => lstmSequence(x, h0, c0, K, tensor(new Array(24).fill(0), { shape: [3, 8] }), b)).to.throw(/recurrentKernel must have shape \[2, 8\].*got \[3, 8\]/);
    expect(() => lstmSequence(x, h0, c0, K, R, tensor([1, 2]))).to.throw(/bias must have shape \[8\].*got \[2\]/);
    expect(() => lstmSequence(x, tensor([[1, 2]]), c0, K, R, b)).to.throw(/h0 must have shape \[3, 2\].*got \[1, 2\]/);
    expect(() => lstmSequence(x, h0, tensor([1, 2]), K, R, b)).to.throw(/c0 must have shape \[3, 2\].*got \[2\]/);
  });
  it('rejects mixed dtypes, bad seqLengths and T = 0', () => {
    expect(() => lstmSequence(x, h0, c0, K.cast('float64'), R, b)).to.throw(/one dtype: x is float32 but kernel is float64/);
    expect(() => lstmSequence(x, h0, c0, K, R, b, { seqLengths: [1, 2] })).to.throw(/seqLengths must have one entry per batch row \(B=3\), got 2/);
    expect(() => lstmSequence(x, h0, c0, K, R, b, { seqLengths: [1, 3, 0] })).to.throw(/seqLengths\[1\] must be an integer in 0\.\.2/);
    expect(() => lstmSequence(x, h0, c0, K, R, b, { seqLengths: [1, -1, 0] })).to.throw(/seqLengths\[1\]/);
    expect(() => lstmSequence(x, h0, c0, K, R, b, { seqLengths: [1, 1.5, 0] })).to.throw(/seqLengths\[1\]/);
    expect(() => lstmSequence(tensor(new Float32Array(0), { shape: [0, 3, 4] }), h0, c0, K, R, b)).to.throw(/T=0/);
    expect(() => lstmSequence(x, h0, c0, K, R, b, { seqLengths: tensor([[1, 2, 0]]) })).to.throw(/seqLengths must be 1-D \[B\], got shape \[1, 3\]/);
    expect(() => lstmSequence(x, h0, c0, K, R, b, { seqLengths: 3 as never })).to.throw(/seqLengths must be an array of B integers/);
  });
  it('accepts seqLengths as an array, an Int32Array or a 1-D tensor, with identical results', () => {
    const a = lstmSequence(x, h0, c0, K, R, b, { seqLengths: [2, 1, 0] })[0].data;
    const i = lstmSequence(x, h0, c0, K, R, b, { seqLengths: Int32Array.from([2, 1, 0]) })[0].data;
    const t = lstmSequence(x, h0, c0, K, R, b, { seqLengths: tensor([2, 1, 0]) })[0].data;
    expect(Array.from(i)).to.deep.equal(Array.from(a));
    expect(Array.from(t)).to.deep.equal(Array.from(a));
  });
});
