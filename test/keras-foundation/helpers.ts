// Shared helpers for the keras-foundation tests: the real-TF fixture and float comparisons.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { Tensor, tensor, type NestedArray } from '../../src/index.js';
import { mul } from '../../src/ops/arithmetic.js';
import { sum } from '../../src/ops/reduce.js';

const here = dirname(fileURLToPath(import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fx = any;
export const fx: Fx = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'keras_foundation.json'), 'utf8'));

export function flat(v: NestedArray | Tensor): number[] {
  if (v instanceof Tensor) return Array.from(v.data);
  if (typeof v === 'number') return [v];
  return (v as NestedArray[]).flatMap((e) => flat(e));
}

/** Asserts |a − b| ≤ atol + rtol·|b| elementwise (b = expected), with a message naming the worst element. */
export function expectClose(actual: NestedArray | Tensor, expected: NestedArray | Tensor, atol: number, rtol = 0, what = ''): void {
  const a = flat(actual);
  const b = flat(expected);
  expect(a.length, `${what}: element count`).to.equal(b.length);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i] - b[i]) - (atol + rtol * Math.abs(b[i]));
    if (!(err <= 0) && (worst < 0 || err > worstErr)) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) expect.fail(`${what}: element ${worst}: got ${a[worst]}, expected ${b[worst]} (atol ${atol}, rtol ${rtol})`);
}

/** L = Σ w ⊙ y, the scalar the fixtures differentiate. */
export function weightedSum(y: Tensor, w: NestedArray): Tensor {
  return sum(mul(y, tensor(w, { dtype: y.dtype })));
}
