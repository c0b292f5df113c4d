// Primitive ops against real TensorFlow 2.21 in float64: values and gradients of Σ w ⊙ op(inputs), read from
// test/core/fixtures/core_ops.json (written by generate_core_ops.py next to it). The inputs include kinks
// (relu at 0, clip bounds, max/min ties, hard_sigmoid corners), so TF's conventions there are checked too.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ops, tensor, Tensor, backward } from '../../src/index.js';

interface Enc { shape: number[]; data: number[] }
interface Case {
  name: string;
  dtype?: 'float32';
  op: string;
  attrs: Record<string, unknown>;
  inputs: Enc[];
  outputs: Enc[];
  weights: Enc[];
  grads: (Enc | null)[];
}

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/core_ops.json', import.meta.url)), 'utf8')) as { tensorflow: string; cases: Case[] };
const TOL = 1e-12;
// float32: ops made of correctly rounded float32 arithmetic (add, mul, clip, relu6, /6, ...) must match TF bit for
// bit; TF's float32 exp/tanh/sigmoid/softmax/matmul kernels (Eigen) are not correctly rounded and its float32
// reductions (mean) sum in a tree order, so those get a few-ulp relative tolerance (float32 ulp = 2^-23 ≈ 1.2e-7).
const APPROX_F32 = new Set(['sigmoid', 'tanh', 'exp', 'softmax', 'matmul', 'mean']);
const TOL_F32_APPROX = 5e-7;
const TOL_F32_REDUCED = 5e-7;

type Fn = (xs: Tensor[], a: Record<string, unknown>) => Tensor | Tensor[];
const num = (v: unknown) => v as number;
const OPS: Record<string, Fn> = {
  exp: ([x]) => ops.exp(x), log: ([x]) => ops.log(x), sigmoid: ([x]) => ops.sigmoid(x), tanh: ([x]) => ops.tanh(x),
  relu: ([x]) => ops.relu(x), hardSigmoid: ([x]) => ops.hardSigmoid(x), hardSigmoidKeras2: ([x]) => ops.hardSigmoidKeras2(x),
  clip: ([x], a) => ops.clip(x, num(a.lo), num(a.hi)), abs: ([x]) => ops.abs(x), square: ([x]) => ops.square(x),
  sqrt: ([x]) => ops.sqrt(x), scale: ([x], a) => ops.scale(x, num(a.s)), addScalar: ([x], a) => ops.addScalar(x, num(a.s)),
  maximum: ([p, q]) => ops.maximum(p, q), minimum: ([p, q]) => ops.minimum(p, q),
  add: ([p, q]) => ops.add(p, q), sub: ([p, q]) => ops.sub(p, q), mul: ([p, q]) => ops.mul(p, q), div: ([p, q]) => ops.div(p, q),
  neg: ([x]) => ops.neg(x), matmul: ([p, q]) => ops.matmul(p, q),
  softmax: ([x], a) => ops.softmax(x, num(a.axis)), logSoftmax: ([x], a) => ops.logSoftmax(x, num(a.axis)),
  sum: ([x], a) => ops.sum(x, (a.axes ?? undefined) as number[] | undefined, a.keepDims as boolean),
  mean: ([x], a) => ops.mean(x, (a.axes ?? undefined) as number[] | undefined, a.keepDims as boolean),
  reshape: ([x], a) => ops.reshape(x, a.shape as number[]), transpose: ([x], a) => ops.transpose(x, a.perm as number[]),
  concat: (xs, a) => ops.concat(xs, num(a.axis)), split: ([x], a) => ops.split(x, a.sizes as number | number[], num(a.axis)),
  slice: ([x], a) => ops.slice(x, a.begin as number[], a.size as number[]), stack: (xs, a) => ops.stack(xs, num(a.axis)),
  unstack: ([x], a) => ops.unstack(x, num(a.axis)), reverse: ([x], a) => ops.reverse(x, num(a.axis)),
  reverseSequence: ([x], a) => ops.reverseSequence(x, a.lengths as number[], num(a.seqAxis), num(a.batchAxis)),
  where: ([c, p, q]) => ops.where(c, p, q),
  gather: ([p], a) => ops.gather(p, Array.isArray((a.indices as unknown[])[0]) ? tensor(a.indices as number[][]) : (a.indices as number[]), num(a.axis)),
  dropout: ([x, m]) => ops.dropout(x, m),
};

function expectEnc(actual: Tensor, want: Enc, what: string, tol = TOL): void {
  expect(actual.shape, `${what} shape`).to.deep.equal(want.shape);
  for (let i = 0; i < want.data.length; i++) {
    const a = actual.data[i];
    const w = want.data[i];
    const ok = tol === 0 ? a === w : Math.abs(a - w) <= tol * Math.max(1, Math.abs(w));
    if (!ok) throw new Error(`${what}[${i}]: lstm-ts ${a} vs TensorFlow ${w} (tolerance ${tol})`);
  }
}

describe(`ops vs real TensorFlow ${fixture.tensorflow} (float64 to ${TOL}; float32 bit-exact or ${TOL_F32_APPROX} for Eigen-approximated kernels)`, () => {
  it('the fixture covers every op family', () => {
    expect(new Set(fixture.cases.map((c) => c.op))).to.include.members(Object.keys(OPS));
  });
  for (const c of fixture.cases) {
    it(c.name, () => {
      const fn = OPS[c.op];
      expect(fn, `no mapping for op ${c.op}`).to.be.a('function');
      const dtype = c.dtype ?? 'float64';
      const tol = dtype === 'float64' ? TOL : APPROX_F32.has(c.op) ? TOL_F32_APPROX : 0;
      const xs = c.inputs.map((e, i) => tensor(Float64Array.from(e.data), { shape: e.shape, dtype, requiresGrad: c.grads[i] !== null }));
      const r = fn(xs, c.attrs);
      const outs = Array.isArray(r) ? r : [r];
      expect(outs.length).to.equal(c.outputs.length);
      outs.forEach((o, k) => expect(o.dtype).to.equal(dtype));
      outs.forEach((o, k) => expectEnc(o, c.outputs[k], `output ${k}`, tol));
      backward(outs, outs.map((o, k) => tensor(Float64Array.from(c.weights[k].data), { shape: c.weights[k].shape, dtype })));
      c.grads.forEach((g, i) => {
        if (g === null) return;
        const got = xs[i].grad ?? tensor(new Float64Array(xs[i].size), { shape: xs[i].shape.slice(), dtype });
        // A gradient summed over broadcast axes is a reduction: we accumulate in float64 and round once, TF in
        // float32 in Eigen's tree order, so float32 reduced gradients may differ by a few ulps.
        const reduced = dtype === 'float32' && c.inputs[i].data.length < c.outputs[0].data.length;
        // TF's float32 SqrtGrad computes gy·(0.5/y) on full SIMD packets but (0.5·gy)/y on the scalar tail, so
        // its last few elements can differ from the packet formula (which we use everywhere) by one ulp.
        const sqrtTail = dtype === 'float32' && c.op === 'sqrt';
        expectEnc(got, g, `grad of input ${i}`, reduced || sqrtTail ? Math.max(tol, TOL_F32_REDUCED) : tol);
      });
    });
  }
});
