// Element-wise functions of one tensor (and the two-operand maximum/minimum). Each forward loop writes a
// new buffer; each backward multiplies the incoming gradient by the local derivative, written next to it.
//
// Why explicit loops instead of `mapUnary(x, f)`: a per-element closure call through a megamorphic call
// site costs several times the arithmetic in V8; these ops run on every LSTM gate of every time step when a
// layer is composed from primitives, so each op gets its own monomorphic loop (bench/matmul.ts measures it).

import { Tensor, allocate, type TypedArray } from '../tensor/tensor.js';
import { fail } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { broadcastBinary, sumToShape } from './elementwise.js';

function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) fail(op, `x must be a Tensor, got ${x === null ? 'null' : typeof x}`);
}

function checkNumber(op: string, arg: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || Number.isNaN(v)) fail(op, `${arg} must be a number, got ${String(v)}`);
}

/** A new buffer of x's dtype and size, filled by `fill(src, dst)`. */
function mapInto(x: Tensor, fill: (src: TypedArray, dst: TypedArray) => void): Tensor {
  const out = allocate(x.dtype, x.size);
  fill(x.data, out);
  return new Tensor(out, x.shape);
}

/** y = eˣ;  dy/dx = y. */
export function exp(x: Tensor): Tensor {
  checkTensor('exp', x);
  const y = mapInto(x, (s, d) => { for (let i = 0; i < d.length; i++) d[i] = Math.exp(s[i]); });
  return record('exp', [x], y, (gy) => {
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data, yd = y.data;
    for (let i = 0; i < out.length; i++) out[i] = g[i] * yd[i];
    return [new Tensor(out, gy.shape)];
  });
}

/** y = ln x (NaN for x < 0, −∞ at 0, as in TF);  dy/dx = 1/x. */
export function log(x: Tensor): Tensor {
  checkTensor('log', x);
  const y = mapInto(x, (s, d) => { for (let i = 0; i < d.length; i++) d[i] = Math.log(s[i]); });
  return record('log', [x], y, (gy) => {
    // TF: gy · reciprocal(x), two ops, each rounded to the dtype.
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data, xd = x.data;
    const f32 = x.dtype === 'float32';
    for (let i = 0; i < out.length; i++) {
      const r = 1 / xd[i];
      out[i] = g[i] * (f32 ? Math.fround(r) : r);
    }
    return [new Tensor(out, gy.shape)];
  });
}

/**
 * y = 1 / (1 + e⁻ˣ), computed as eˣ/(1+eˣ) for x < 0 so that large |x| never overflows;
 * dy/dx = y(1 − y).
 */
export function sigmoid(x: Tensor): Tensor {
  checkTensor('sigmoid', x);
  const y = mapInto(x, (s, d) => {
    for (let i = 0; i < d.length; i++) {
      const v = s[i];
      if (v >= 0) d[i] = 1 / (1 + Math.exp(-v));
      else {
        const e = Math.exp(v);
        d[i] = e / (1 + e);
      }
    }
  });
  return record('sigmoid', [x], y, (gy) => {
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data, yd = y.data;
    // Eigen's sigmoid gradient (gy·y)·(1 − y), with float32 rounding after each step for float32 tensors.
    if (gy.dtype === 'float32') {
      for (let i = 0; i < out.length; i++) out[i] = Math.fround(g[i] * yd[i]) * Math.fround(1 - yd[i]);
    } else {
      for (let i = 0; i < out.length; i++) out[i] = g[i] * yd[i] * (1 - yd[i]);
    }
    return [new Tensor(out, gy.shape)];
  });
}

/** y = tanh x;  dy/dx = 1 − y². */
export function tanh(x: Tensor): Tensor {
  checkTensor('tanh', x);
  const y = mapInto(x, (s, d) => { for (let i = 0; i < d.length; i++) d[i] = Math.tanh(s[i]); });
  return record('tanh', [x], y, (gy) => {
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data, yd = y.data;
    // Eigen's tanh gradient gy·(1 − y·y), with float32 rounding after each step for float32 tensors.
    if (gy.dtype === 'float32') {
      for (let i = 0; i < out.length; i++) out[i] = g[i] * Math.fround(1 - Math.fround(yd[i] * yd[i]));
    } else {
      for (let i = 0; i < out.length; i++) out[i] = g[i] * (1 - yd[i] * yd[i]);
    }
    return [new Tensor(out, gy.shape)];
  });
}

/** y = max(x, 0);  dy/dx = 1 for x > 0, else 0 (TF's ReluGrad uses the strict inequality). */
export function relu(x: Tensor): Tensor {
  checkTensor('relu', x);
  const y = mapInto(x, (s, d) => { for (let i = 0; i < d.length; i++) d[i] = s[i] > 0 ? s[i] : 0; });
  return record('relu', [x], y, (gy) => {
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data, xd = x.data;
    for (let i = 0; i < out.length; i++) out[i] = xd[i] > 0 ? g[i] : 0;
    return [new Tensor(out, gy.shape)];
  });
}

/** Keras' `linear` activation: the identity (a copy, so the result never aliases a weight). */
export function linear(x: Tensor): Tensor {
  checkTensor('linear', x);
  const y = new Tensor(x.data.slice(), x.shape);
  return record('linear', [x], y, (gy) => [gy]);
}

/**
 * Keras 3 `hard_sigmoid`: relu6(x + 3) / 6, i.e. x/6 + 1/2 clipped to [0, 1].
 * Gradient 1/6 strictly inside (−3, 3) and 0 outside and at the kinks (TF's Relu6Grad is 1 only for
 * 0 < x+3 < 6).
 */
export function hardSigmoid(x: Tensor): Tensor {
  checkTensor('hardSigmoid', x);
  const f32 = x.dtype === 'float32';
  // TF runs three ops, each rounding to the tensor's dtype: t = x + 3, relu6(t), / 6. For float32 we round t
  // like TF's float32 add (the division is rounded when stored).
  const y = mapInto(x, (s, d) => {
    for (let i = 0; i < d.length; i++) {
      const r = f32 ? Math.fround(s[i] + 3) : s[i] + 3;
      d[i] = (r <= 0 ? 0 : r >= 6 ? 6 : r) / 6;
    }
  });
  return record('hardSigmoid', [x], y, (gy) => {
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data, xd = x.data;
    for (let i = 0; i < out.length; i++) {
      const r = f32 ? Math.fround(xd[i] + 3) : xd[i] + 3;
      out[i] = r > 0 && r < 6 ? g[i] / 6 : 0;
    }
    return [new Tensor(out, gy.shape)];
  });
}

/**
 * Keras 2 / tf.keras `hard_sigmoid`: clip(0.2·x + 0.5, 0, 1). Gradient 0.2 where the pre-clip value lies in
 * [0, 1] (TF's clip_by_value passes the gradient on the closed interval), else 0.
 */
export function hardSigmoidKeras2(x: Tensor): Tensor {
  checkTensor('hardSigmoidKeras2', x);
  // TF (Keras 2 backend.hard_sigmoid) runs x * 0.2, + 0.5, clip — each op rounded to the dtype, with 0.2 as
  // a constant of that dtype; the float32 path reproduces those roundings.
  const f32 = x.dtype === 'float32';
  const c = f32 ? Math.fround(0.2) : 0.2;
  const pre = (v: number): number => (f32 ? Math.fround(Math.fround(v * c) + 0.5) : v * c + 0.5);
  const y = mapInto(x, (s, d) => {
    for (let i = 0; i < d.length; i++) {
      const r = pre(s[i]);
      d[i] = r < 0 ? 0 : r > 1 ? 1 : r;
    }
  });
  return record('hardSigmoidKeras2', [x], y, (gy) => {
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data, xd = x.data;
    for (let i = 0; i < out.length; i++) {
      const r = pre(xd[i]);
      out[i] = r >= 0 && r <= 1 ? c * g[i] : 0;
    }
    return [new Tensor(out, gy.shape)];
  });
}

/** y = min(max(x, lo), hi). Gradient passes where lo ≤ x ≤ hi (closed interval, as TF's ClipByValue grad). */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  checkTensor('clip', x);
  checkNumber('clip', 'lo', lo);
  checkNumber('clip', 'hi', hi);
  if (lo > hi) fail('clip', `lo must be ≤ hi, got lo=${lo}, hi=${hi}`);
  const y = mapInto(x, (s, d) => {
    for (let i = 0; i < d.length; i++) {
      const v = s[i];
      d[i] = v < lo ? lo : v > hi ? hi : v;
    }
  });
  return record('clip', [x], y, (gy) => {
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data, xd = x.data;
    for (let i = 0; i < out.length; i++) out[i] = xd[i] >= lo && xd[i] <= hi ? g[i] : 0;
    return [new Tensor(out, gy.shape)];
  });
}

/** y = |x|;  dy/dx = sign(x) (0 at 0, as TF). */
export function abs(x: Tensor): Tensor {
  checkTensor('abs', x);
  const y = mapInto(x, (s, d) => { for (let i = 0; i < d.length; i++) d[i] = Math.abs(s[i]); });
  return record('abs', [x], y, (gy) => {
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data, xd = x.data;
    for (let i = 0; i < out.length; i++) out[i] = xd[i] > 0 ? g[i] : xd[i] < 0 ? -g[i] : 0;
    return [new Tensor(out, gy.shape)];
  });
}

/** y = x²;  dy/dx = 2x. */
export function square(x: Tensor): Tensor {
  checkTensor('square', x);
  const y = mapInto(x, (s, d) => { for (let i = 0; i < d.length; i++) d[i] = s[i] * s[i]; });
  return record('square', [x], y, (gy) => {
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data, xd = x.data;
    for (let i = 0; i < out.length; i++) out[i] = 2 * xd[i] * g[i];
    return [new Tensor(out, gy.shape)];
  });
}

/** y = √x;  dy/dx = 1 / (2y). */
export function sqrt(x: Tensor): Tensor {
  checkTensor('sqrt', x);
  const y = mapInto(x, (s, d) => { for (let i = 0; i < d.length; i++) d[i] = Math.sqrt(s[i]); });
  return record('sqrt', [x], y, (gy) => {
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data, yd = y.data;
    // TF's SqrtGrad (vectorised Eigen path) computes gy · (0.5 / y), rounding 0.5 / y to the dtype first.
    const f32 = gy.dtype === 'float32';
    for (let i = 0; i < out.length; i++) {
      const r = 0.5 / yd[i];
      out[i] = g[i] * (f32 ? Math.fround(r) : r);
    }
    return [new Tensor(out, gy.shape)];
  });
}

/**
 * y = s·x for a plain number s;  dy/dx = s. On a float32 tensor s is first rounded to float32, as TF turns a
 * Python constant into a tensor of x's dtype before multiplying.
 */
export function scale(x: Tensor, s0: number): Tensor {
  checkTensor('scale', x);
  checkNumber('scale', 's', s0);
  const s = x.dtype === 'float32' ? Math.fround(s0) : s0;
  const y = mapInto(x, (src, d) => { for (let i = 0; i < d.length; i++) d[i] = s * src[i]; });
  return record('scale', [x], y, (gy) => {
    const out = allocate(gy.dtype, gy.size);
    const g = gy.data;
    for (let i = 0; i < out.length; i++) out[i] = s * g[i];
    return [new Tensor(out, gy.shape)];
  });
}

/** y = x + s for a plain number s (rounded to float32 first on a float32 tensor, as in scale);  dy/dx = 1. */
export function addScalar(x: Tensor, s0: number): Tensor {
  checkTensor('addScalar', x);
  checkNumber('addScalar', 's', s0);
  const s = x.dtype === 'float32' ? Math.fround(s0) : s0;
  const y = mapInto(x, (src, d) => { for (let i = 0; i < d.length; i++) d[i] = src[i] + s; });
  return record('addScalar', [x], y, (gy) => [gy]);
}

/**
 * Element-wise max with broadcasting. Ties send the gradient to `a` (TF's MaximumGrad uses a ≥ b for a's
 * share and the complement for b's).
 */
export function maximum(a: Tensor, b: Tensor): Tensor {
  const y = broadcastBinary('maximum', a, b, (x, z) => (x >= z ? x : z));
  return record('maximum', [a, b], y, (gy) => {
    const mask = broadcastBinary('maximum', a, b, (x, z) => (x >= z ? 1 : 0));
    return splitByMask(gy, mask, a, b);
  });
}

/** Element-wise min with broadcasting. Ties send the gradient to `a` (TF's MinimumGrad: a ≤ b). */
export function minimum(a: Tensor, b: Tensor): Tensor {
  const y = broadcastBinary('minimum', a, b, (x, z) => (x <= z ? x : z));
  return record('minimum', [a, b], y, (gy) => {
    const mask = broadcastBinary('minimum', a, b, (x, z) => (x <= z ? 1 : 0));
    return splitByMask(gy, mask, a, b);
  });
}

/** gy·mask summed to a's shape, gy·(1−mask) summed to b's shape. */
function splitByMask(gy: Tensor, mask: Tensor, a: Tensor, b: Tensor): (Tensor | null)[] {
  const n = gy.size;
  const ga = allocate(gy.dtype, n);
  const gb = allocate(gy.dtype, n);
  const g = gy.data, m = mask.data;
  for (let i = 0; i < n; i++) {
    if (m[i] !== 0) ga[i] = g[i];
    else gb[i] = g[i];
  }
  return [
    a.requiresGrad ? sumToShape(new Tensor(ga, gy.shape), a.shape) : null,
    b.requiresGrad ? sumToShape(new Tensor(gb, gy.shape), b.shape) : null,
  ];
}
