// Element-wise functions of one tensor (and the two-operand maximum/minimum). Each forward loop writes a
// new buffer; each backward multiplies the incoming gradient by the local derivative, written next to it.
//
// Why explicit loops instead of `mapUnary(x, f)`: a per-element closure call through a megamorphic call
// site costs several times the arithmetic in V8; these ops run on every LSTM gate of every time step when a
// layer is composed from primitives, so each op gets its own monomorphic loop (bench/matmul.ts measures it).

import { Tensor, allocate, type TypedArray } from '../tensor/tensor.js';
import { fail } from '../tensor/shape.js';
import { record, SHAPES_ONLY } from '../autograd/node.js';
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
  return record('linear', [x], y, (gy) => [gy], SHAPES_ONLY);
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
  return record('addScalar', [x], y, (gy) => [gy], SHAPES_ONLY);
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

// ---- error function ---------------------------------------------------------------------------------------
// erf and erfc by W. J. Cody's rational Chebyshev approximations: W. J. Cody, "Rational Chebyshev
// approximations for the error function", Mathematics of Computation 23 (1969) 631–637, with the
// coefficients and range reduction of his routine CALERF (SPECFUN; W. J. Cody, ACM TOMS 19 (1993) 22–32,
// Algorithm 715). Three ranges of y = |x|:
//   y ≤ 0.46875      erf(x)  = x · R₁(y²)                                (R₁: degree 4/4 in y²)
//   0.46875 < y ≤ 4  erfc(y) = e^(−y²) · R₂(y)                           (R₂: degree 8/8 in y)
//   y > 4            erfc(y) = e^(−y²)/y · (1/√π − R₃(1/y²)/y²)          (R₃: degree 5/5 in 1/y²)
// and erf = 1 − erfc, erfc(−y) = 2 − erfc(y), erf(−y) = −erf(y). The approximations' own relative error is
// below 1e-17 (Cody's tables); evaluated plainly in float64, as CALERF does, the roundings of the Horner
// sums, the quotient, two exponentials and the products add up to 3 ulp (erf) and 6 ulp (erfc). So the
// rational functions are evaluated here with the compensated Horner scheme (S. Graillat, Ph. Langlois,
// N. Louvet, "Compensated Horner scheme", 2005: error-free TwoSum/TwoProduct, i.e. as if in twice the
// precision), their quotient and the final sums/products as double-doubles, and e^(−y²) as e^(−h)·(1 − l)
// with y² = h + l exactly, one Math.exp. What remains is Math.exp's own error (< 1 ulp, fdlibm) plus one
// rounding: measured within ~1 ulp of 60-digit values (test/core/erf.test.ts). Float32 tensors are
// computed in float64 and rounded once.

const ERF_A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const ERF_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const ERF_C = [0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8];
const ERF_D = [15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942];
const ERF_P = [0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766,
  6.58749161529837803e-4, 0.0163153871373020978];
const ERF_Q = [2.56852019228982242, 1.87295284992346725, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
// Cody's polynomials written highest power first, as his Horner loops run: R₁ = num₁(y²)/den₁(y²), R₂ = num₂(y)/den₂(y).
const R1_NUM = [ERF_A[4], ERF_A[0], ERF_A[1], ERF_A[2], ERF_A[3]];
const R1_DEN = [1, ERF_B[0], ERF_B[1], ERF_B[2], ERF_B[3]];
const R2_NUM = [ERF_C[8], ...ERF_C.slice(0, 8)];
const R2_DEN = [1, ...ERF_D];
// 1/√π as a double-double (hi + lo; the 60-digit value minus hi).
const INV_SQRT_PI = 0.5641895835477563;
const INV_SQRT_PI_LO = 7.66772980658294e-18;
const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π (TF's constant_op.constant(2 / np.sqrt(np.pi)))

// Error-free transformations (Knuth's TwoSum; Dekker's TwoProduct with Veltkamp's split, no FMA in JS).
// They return the rounded result and leave the exact rounding error in `eft.err`.
const eft = { err: 0 };
function twoSum(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  eft.err = (a - (s - bb)) + (b - bb);
  return s;
}
function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = 134217729 * a;
  const ah = t - (t - a), al = a - ah;
  t = 134217729 * b;
  const bh = t - (t - b), bl = b - bh;
  eft.err = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

/** Compensated Horner: c[0]·xⁿ + … + c[n] as hi (returned) + lo (in eft.err). */
function hornerDD(c: readonly number[], x: number): number {
  let r = c[0];
  let lo = 0;
  for (let i = 1; i < c.length; i++) {
    const p = twoProd(r, x);
    const pe = eft.err;
    r = twoSum(p, c[i]);
    lo = lo * x + (pe + eft.err);
  }
  eft.err = lo;
  return r;
}

/** (nh + nl) / (dh + dl) as a double-double hi (returned) + lo (eft.err). */
function divDD(nh: number, nl: number, dh: number, dl: number): number {
  const q = nh / dh;
  const p = twoProd(q, dh); // nh − p is exact (Sterbenz): p ≈ nh
  const r = (nh - p) - eft.err + nl - q * dl;
  eft.err = r / dh;
  return q;
}

/** erf(x) for |x| ≤ 0.46875: x · R₁(x²), as hi (returned) + lo (eft.err). */
function erfSmallDD(x: number): number {
  const y = Math.abs(x);
  const ysq = y > 1.11e-16 ? y * y : 0; // Cody's XSMALL: below it R₁(0) is exact to double precision
  const nh = hornerDD(R1_NUM, ysq), nl = eft.err;
  const dh = hornerDD(R1_DEN, ysq), dl = eft.err;
  const qh = divDD(nh, nl, dh, dl), ql = eft.err;
  const p = twoProd(x, qh);
  eft.err = eft.err + x * ql;
  return p;
}

/** erfc(y) for y > 0.46875 as hi (returned) + lo (eft.err); 0 once it underflows, and for +∞. */
function erfcLargeDD(y: number): number {
  if (!(y < 27.3)) { // erfc(27.3) < 2⁻¹⁰⁷⁵ rounds to 0 (this also catches +∞)
    eft.err = 0;
    return 0;
  }
  let rh: number, rl: number;
  if (y <= 4) {
    const nh = hornerDD(R2_NUM, y), nl = eft.err;
    const dh = hornerDD(R2_DEN, y), dl = eft.err;
    rh = divDD(nh, nl, dh, dl);
    rl = eft.err;
  } else {
    // (1/√π − z·R₃(z)) / y with z = 1/y²: the z-term is below 3 % of 1/√π, so its own few-ulp error is
    // damped; the difference and the division are taken as double-doubles.
    const p = ERF_P, q = ERF_Q;
    const z = 1 / (y * y);
    let num = p[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) {
      num = (num + p[i]) * z;
      den = (den + q[i]) * z;
    }
    const th = twoSum(INV_SQRT_PI, -((z * (num + p[4])) / (den + q[4])));
    rh = divDD(th, eft.err + INV_SQRT_PI_LO, y, 0);
    rl = eft.err;
  }
  // e^(−y²) = e^(−h)·e^(−l) ≈ e^(−h)·(1 − l) with y² = h + l exactly (|l| ≤ 2⁻⁴⁴, so l²/2 is negligible).
  const h = twoProd(y, y), l = eft.err;
  const e = Math.exp(-h);
  const ph = twoProd(e, rh);
  eft.err = eft.err + e * rl - ph * l;
  return ph;
}

/** The error function of one float64 number (Cody's CALERF, evaluated as described above). */
function erfScalar(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) {
    if (x === 0) return x; // keeps the sign of ±0
    // Near the subnormal range the TwoProduct error term itself underflows; scale by 2²⁰⁰ (exact) first.
    if (y < 1e-280) return erfScalar(x * 2 ** 200) * 2 ** -200;
    const h = erfSmallDD(x);
    return h + eft.err;
  }
  const ch = erfcLargeDD(y), cl = eft.err;
  const s = twoSum(1, -ch);
  const r = s + (eft.err - cl);
  return x < 0 ? -r : r;
}

/** The complementary error function 1 − erf(x) of one float64 number, accurate also where it is tiny. */
function erfcScalar(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= 0.46875) {
    const h = erfSmallDD(x), l = eft.err;
    const s = twoSum(1, -h);
    return s + (eft.err - l);
  }
  const ch = erfcLargeDD(y), cl = eft.err;
  if (x > 0) return ch + cl;
  const s = twoSum(2, -ch);
  return s + (eft.err - cl);
}

/**
 * Backward of erf/erfc as TF's _ErfGrad / _ErfcGrad: (±gy · 2/√π) · exp(−x²), three ops (and x² a fourth)
 * each rounded to the dtype on float32 tensors.
 */
function erfBackward(x: Tensor, gy: Tensor, sign: 1 | -1): Tensor {
  const out = allocate(gy.dtype, gy.size);
  const g = gy.data, xd = x.data;
  if (gy.dtype === 'float32') {
    const c = Math.fround(TWO_OVER_SQRT_PI);
    for (let i = 0; i < out.length; i++) {
      const e = Math.fround(Math.exp(-Math.fround(xd[i] * xd[i])));
      out[i] = Math.fround(sign * g[i] * c) * e;
    }
  } else {
    for (let i = 0; i < out.length; i++) out[i] = sign * g[i] * TWO_OVER_SQRT_PI * Math.exp(-(xd[i] * xd[i]));
  }
  return new Tensor(out, gy.shape);
}

/**
 * y = erf(x) = 2/√π ∫₀ˣ e^(−t²) dt (tf.math.erf), odd, |y| ≤ 1, erf(±∞) = ±1, NaN → NaN;
 * dy/dx = 2/√π · e^(−x²).
 */
export function erf(x: Tensor): Tensor {
  checkTensor('erf', x);
  const y = mapInto(x, (s, d) => { for (let i = 0; i < d.length; i++) d[i] = erfScalar(s[i]); });
  return record('erf', [x], y, (gy) => [erfBackward(x, gy, 1)]);
}

/**
 * y = erfc(x) = 1 − erf(x) (tf.math.erfc), computed directly so that it keeps its relative precision for
 * large x (erfc(10) ≈ 2.1e-45, where 1 − erf(10) is 0); erfc(−∞) = 2, erfc(+∞) = 0;
 * dy/dx = −2/√π · e^(−x²).
 */
export function erfc(x: Tensor): Tensor {
  checkTensor('erfc', x);
  const y = mapInto(x, (s, d) => { for (let i = 0; i < d.length; i++) d[i] = erfcScalar(s[i]); });
  return record('erfc', [x], y, (gy) => [erfBackward(x, gy, -1)]);
}
