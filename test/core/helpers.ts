// Small helpers shared by the core tests: seeded float64 inputs for gradient checks and an element-wise
// closeness assertion with explicit tolerances.

import { expect } from 'chai';
import { Tensor, tensor, randomUniform, type NestedArray } from '../../src/index.js';

/** Seeded float64 values in [lo, hi) of the given shape (input for gradcheck). */
export function rand64(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  return randomUniform(shape, lo, hi, { dtype: 'float64', seed });
}

/**
 * rand64, but every value is at least `gap` away from each kink (points where the op is not
 * differentiable), so central differences with ε = 1e-6 never straddle one.
 */
export function randAway(shape: number[], seed: number, kinks: number[], lo = -4, hi = 4, gap = 0.01): Tensor {
  const t = rand64(shape, seed, lo, hi);
  for (let i = 0; i < t.size; i++) {
    for (const k of kinks) if (Math.abs(t.data[i] - k) < gap) t.data[i] = k + (t.data[i] >= k ? gap : -gap);
  }
  return t;
}

export const f64 = (v: NestedArray, shape?: number[]): Tensor => tensor(v, { dtype: 'float64', shape });

/** Asserts |actual − expected| ≤ atol + rtol·|expected| element-wise (shapes must match exactly). */
export function expectClose(actual: Tensor, expected: NestedArray, atol = 1e-12, rtol = 0): void {
  const e = tensor(expected, { dtype: 'float64' });
  expect(actual.shape).to.deep.equal(e.shape, 'shape');
  for (let i = 0; i < e.size; i++) {
    const a = actual.data[i];
    const x = e.data[i];
    if (!(Math.abs(a - x) <= atol + rtol * Math.abs(x)) && !(a === x)) {
      throw new Error(`element ${i}: got ${a}, expected ${x} (atol ${atol}, rtol ${rtol})`);
    }
  }
}

/** Plain nested loops over every index of a shape (used by tests as an independent reference). */
export function forEachIndex(shape: readonly number[], f: (idx: number[]) => void): void {
  const n = shape.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    f(idx.slice());
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
}

/** Value of a row-major tensor at a multi-index, computed from strides written out by hand. */
export function at(t: Tensor, idx: readonly number[]): number {
  let off = 0;
  let stride = 1;
  for (let k = t.shape.length - 1; k >= 0; k--) {
    off += idx[k] * stride;
    stride *= t.shape[k];
  }
  return t.data[off];
}
