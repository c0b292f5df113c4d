// erf / erfc (src/ops/unary.ts, Cody's rational approximations evaluated with compensated arithmetic):
// values against 60-digit reference values and against real TF 2.21 (tf.math.erf / erfc, float64 and
// float32), both written by test/fixtures/generate_activations_extra.py; gradients against TF and a float64
// finite-difference check; fast-check properties (odd symmetry, |erf| ≤ 1, monotone, erf + erfc = 1).
// Tolerances are in ulps of the expected value (the spacing of the dtype at |expected|).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { ops, tensor, assertGradcheck, type Tensor } from '../../src/index.js';
import { rand64, f64 } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'activations_extra.json'), 'utf8'));

/** The fixture writes non-finite numbers as strings. */
const num = (v: number | string): number => (typeof v === 'string' ? Number(v) : v);
const nums = (a: (number | string)[]): number[] => a.map(num);

/** Spacing of the dtype's numbers at |v| (the ulp of v; the smallest subnormal at 0). */
function ulpOf(v: number, dtype: 'float32' | 'float64'): number {
  const a = Math.abs(v);
  if (dtype === 'float32') {
    if (a < 2 ** -126) return 2 ** -149;
    return 2 ** (Math.floor(Math.log2(a)) - 23);
  }
  if (a < 2 ** -1022) return 2 ** -1074;
  return 2 ** (Math.floor(Math.log2(a)) - 52);
}

/** |got − want| in ulps of want; 0 when both are the same number (NaN, ±∞ or equal), ∞ when one is not finite. */
function ulps(got: number, want: number, dtype: 'float32' | 'float64'): number {
  if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)) || got === want) return 0;
  if (!Number.isFinite(got) || !Number.isFinite(want)) return Infinity;
  return Math.abs(got - want) / ulpOf(want, dtype);
}

/** Largest ulp distance over all points, skipping indices in `skip`; the message names the worst point. */
function maxUlps(xs: number[], got: ArrayLike<number>, want: number[], dtype: 'float32' | 'float64', skip = new Set<number>()): { max: number; at: string } {
  let max = 0;
  let at = '';
  for (let i = 0; i < xs.length; i++) {
    if (skip.has(i)) continue;
    const u = ulps(got[i], want[i], dtype);
    if (u > max) {
      max = u;
      at = `x=${xs[i]}: got ${got[i]}, expected ${want[i]}`;
    }
  }
  return { max, at };
}

describe('erf / erfc: values', () => {
  const d64 = fx.erf.float64;
  const x64 = nums(d64.x);
  const d32 = fx.erf.float32;
  const x32 = nums(d32.x);

  it('float64: within 1 ulp (erf) and 1 ulp (erfc) of 60-digit values over ±0, tiny, subnormal, boundary, large, ±∞, NaN and random points', () => {
    const x = tensor(Float64Array.from(x64));
    const e = maxUlps(x64, ops.erf(x).data, nums(d64.ref_erf), 'float64');
    const c = maxUlps(x64, ops.erfc(x).data, nums(d64.ref_erfc), 'float64');
    expect(e.max, `erf worst ${e.at}`).to.be.at.most(1);
    expect(c.max, `erfc worst ${c.at}`).to.be.at.most(1);
  });

  it('float64: within 4 ulp (erf) and 6 ulp (erfc) of TF 2.21, whose Eigen erf/erfc are themselves up to 3/4 ulp off, except where TF is wrong', () => {
    const x = tensor(Float64Array.from(x64));
    // TF 2.21 on CPU: float64 erf is NaN once x² overflows (|x| ≥ ~1.4e154, and ±∞; the exact value is ±1),
    // subnormal inputs are flushed to zero
    // (erf(5e-324) = 0), and erfc underflows to 0 before the subnormal range (erfc(27) = 0, exact 5.2e-319).
    const tfErf = nums(d64.tf_erf), tfErfc = nums(d64.tf_erfc);
    const skipE = new Set<number>(), skipC = new Set<number>();
    x64.forEach((v, i) => {
      if (Math.abs(v) > 1.34e154 && Number.isNaN(tfErf[i])) skipE.add(i);
      if (v !== 0 && Math.abs(v) < 2 ** -1022) skipE.add(i);
      if (tfErfc[i] === 0 && Math.abs(v) < 27.3) skipC.add(i);
    });
    expect([...skipE].map((i) => x64[i])).to.deep.equal([Infinity, -Infinity, 5e-324, 1e-310, 1e300, -1e300]);
    expect([...skipC].map((i) => x64[i])).to.deep.equal([27, 27.2]);
    const e = maxUlps(x64, ops.erf(x).data, tfErf, 'float64', skipE);
    const c = maxUlps(x64, ops.erfc(x).data, tfErfc, 'float64', skipC);
    expect(e.max, `erf worst ${e.at}`).to.be.at.most(4);
    expect(c.max, `erfc worst ${c.at}`).to.be.at.most(6);
  });

  it('float32 (computed in float64, rounded once): within 1 ulp of the exact values and 4 ulp of TF (Eigen float32 erf)', () => {
    const x = tensor(Float32Array.from(x32));
    expect(ops.erf(x).dtype).to.equal('float32');
    const y = ops.erf(x).data, yc = ops.erfc(x).data;
    expect(maxUlps(x32, y, nums(d32.ref_erf), 'float32').max).to.be.at.most(1);
    expect(maxUlps(x32, yc, nums(d32.ref_erfc), 'float32').max).to.be.at.most(1);
    // TF flushes float32 subnormal inputs to zero (erf(1e-40) = 0); we keep them (erf(x) ≈ 1.128·x).
    const sub = new Set<number>();
    x32.forEach((v, i) => { if (v !== 0 && Math.abs(v) < 2 ** -126) sub.add(i); });
    expect(sub.size).to.equal(3);
    const e = maxUlps(x32, y, nums(d32.tf_erf), 'float32', sub);
    const c = maxUlps(x32, yc, nums(d32.tf_erfc), 'float32', sub);
    expect(e.max, `erf worst ${e.at}`).to.be.at.most(4);
    expect(c.max, `erfc worst ${c.at}`).to.be.at.most(4);
  });

  it('special values: ±0 keep their sign, ±∞ give ±1 (erfc 0 / 2), NaN stays NaN, erfc keeps precision far out', () => {
    const y = ops.erf(f64([0, -0, Infinity, -Infinity, NaN, 30, -30])).data;
    expect(Object.is(y[0], 0) && Object.is(y[1], -0)).to.equal(true);
    expect(Array.from(y.slice(2))).to.deep.equal([1, -1, NaN, 1, -1]);
    const c = ops.erfc(f64([0, -0, Infinity, -Infinity, NaN, 10, -10, 1e300])).data;
    expect(Array.from(c)).to.deep.equal([1, 1, 0, 2, NaN, c[5], 2, 0]);
    // erfc(10) = 2.0884875837625447570e-45 (60-digit value rounded)
    expect(ulps(c[5], 2.0884875837625447e-45, 'float64')).to.be.at.most(1);
    // tiny x: erf(x) = 2x/√π to double precision
    expect(ops.erf(f64([1e-300])).data[0]).to.be.closeTo(1.1283791670955126e-300, 2e-316);
  });
});

describe('erf / erfc: gradients', () => {
  it('equal TF 2.21 GradientTape of Σ w·erf(x) and Σ w·erfc(x) (float64 ≤ 4 ulp; float32 ≤ 2 ulp, TF rounds at the same places)', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const g = fx.erf.grads[dtype];
      for (const name of ['erf', 'erfc'] as const) {
        const x = tensor(nums(g.x), { dtype, requiresGrad: true });
        const y = ops[name](x);
        ops.sum(ops.mul(y, tensor(nums(g.w), { dtype }))).backward();
        const want = nums(g[name]);
        const m = maxUlps(nums(g.x), x.grad!.data, want, dtype);
        expect(m.max, `${dtype} ${name}: ${m.at}`).to.be.at.most(dtype === 'float64' ? 4 : 2);
      }
    }
  });

  it('d/dx erf = 2/√π·e^(−x²) and d/dx erfc = −2/√π·e^(−x²) at 0 and 1', () => {
    const x = f64([0, 1]);
    x.requiresGrad = true;
    ops.sum(ops.erf(x)).backward();
    expect(Array.from(x.grad!.data)).to.deep.equal([2 / Math.sqrt(Math.PI), (2 / Math.sqrt(Math.PI)) * Math.exp(-1)]);
    x.zeroGrad();
    ops.sum(ops.erfc(x)).backward();
    expect(Array.from(x.grad!.data)).to.deep.equal([-2 / Math.sqrt(Math.PI), (-2 / Math.sqrt(Math.PI)) * Math.exp(-1)]);
  });

  it('float64 finite-difference gradcheck (default atol 1e-6, rtol 1e-4) on [−3, 3]', () => {
    assertGradcheck('erf', ops.erf, [rand64([4, 5], 31, -3, 3)]);
    assertGradcheck('erfc', ops.erfc, [rand64([4, 5], 32, -3, 3)]);
  });
});

describe('erf / erfc: properties (fast-check)', () => {
  const arbX = fc.double({ min: -40, max: 40, noNaN: true });
  it('erf is odd, |erf| ≤ 1, and erf + erfc = 1 (to 2⁻⁵² absolute)', () => {
    fc.assert(fc.property(fc.array(arbX, { minLength: 1, maxLength: 16 }), (xs) => {
      const x = f64(xs);
      const y = ops.erf(x).data;
      const yn = ops.erf(ops.neg(x)).data;
      const c = ops.erfc(x).data;
      for (let i = 0; i < xs.length; i++) {
        expect(yn[i]).to.equal(-y[i]);
        expect(Math.abs(y[i])).to.be.at.most(1);
        expect(Math.abs(y[i] + c[i] - 1)).to.be.at.most(2 ** -52);
      }
    }), { numRuns: 200 });
  });

  it('erf is monotone non-decreasing and erfc non-increasing (also across the range boundaries 0.46875 and 4)', () => {
    fc.assert(fc.property(fc.array(fc.oneof(arbX, fc.double({ min: 0.46, max: 0.48, noNaN: true }), fc.double({ min: 3.99, max: 4.01, noNaN: true })), { minLength: 2, maxLength: 32 }), (xs) => {
      const s = Float64Array.from(xs).sort();
      const y = ops.erf(tensor(s)).data;
      const c = ops.erfc(tensor(s)).data;
      for (let i = 1; i < s.length; i++) {
        expect(y[i]).to.be.at.least(y[i - 1]);
        expect(c[i]).to.be.at.most(c[i - 1]);
      }
    }), { numRuns: 200 });
    // dense sweeps over the two boundaries, one ulp apart
    for (const b of [0.46875, 4]) {
      const xs = new Float64Array(64);
      let v = b;
      for (let i = 0; i < 32; i++) v = v - v * 2 ** -53;
      for (let i = 0; i < 64; i++) {
        xs[i] = v;
        v = v + v * 2 ** -53 + Number.MIN_VALUE;
      }
      const y = ops.erf(tensor(xs)).data;
      for (let i = 1; i < 64; i++) expect(y[i], `erf monotone at ${xs[i]}`).to.be.at.least(y[i - 1]);
    }
  });

  it('keeps the dtype and shape; rejects a non-tensor', () => {
    const t: Tensor = tensor([[0.5, -0.5]]);
    expect(ops.erf(t).dtype).to.equal('float32');
    expect(ops.erfc(t).shape).to.deep.equal([1, 2]);
    expect(() => ops.erf([1] as never)).to.throw(/erf: x must be a Tensor/);
  });
});
