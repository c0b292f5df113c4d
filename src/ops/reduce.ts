// sum and mean over axes. Forward accumulates in float64 (a float32 sum over thousands of elements would
// otherwise drift by many ulps) and rounds once. Backward is the adjoint of a sum: every input element
// that fed an output receives that output's gradient, i.e. gy broadcast back to x's shape (÷ count for mean).

import { Tensor, allocate } from '../tensor/tensor.js';
import { type Shape, broadcastStrides, fail, normAxis, shapeStr, sizeOf } from '../tensor/shape.js';
import { record, SHAPES_ONLY } from '../autograd/node.js';

/** Normalised, de-duplicated, sorted axes; undefined means all axes. */
export function normAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined || axes === null) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : Array.from(axes);
  const seen = new Set<number>();
  for (const a of list) {
    if (typeof a !== 'number') fail(op, `axes must be integers, got ${String(a)}`);
    const n = normAxis(op, a, rank);
    if (seen.has(n)) fail(op, `axis ${a} is repeated in axes [${list.join(', ')}]`);
    seen.add(n);
  }
  return [...seen].sort((p, q) => p - q);
}

/** x's shape with reduced axes set to 1 (the keepDims shape). */
function keptShape(shape: Shape, axes: number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Sums x into `kept` (same rank, 1 on reduced axes), accumulating in float64. */
function sumInto(x: Tensor, kept: Shape): Float64Array {
  const n = sizeOf(kept);
  const acc = new Float64Array(n);
  const xs = x.shape;
  const d = x.data;
  const size = x.size;
  if (size === 0) return acc;
  // Fast path: reducing only leading axes (e.g. a bias gradient over the batch): rows of length n.
  let leading = true;
  let seenKept = false;
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] === 1) continue;
    if (kept[i] !== 1) seenKept = true; // an axis that is kept
    else if (seenKept) leading = false; // a reduced axis after a kept one
  }
  if (leading) {
    for (let i = 0; i < size; i += n) for (let j = 0; j < n; j++) acc[j] += d[i + j];
    return acc;
  }
  const st = broadcastStrides(kept, xs);
  const idx = new Array<number>(xs.length).fill(0);
  let io = 0;
  for (let i = 0; i < size; i++) {
    acc[io] += d[i];
    for (let k = xs.length - 1; k >= 0; k--) {
      idx[k]++;
      io += st[k];
      if (idx[k] < xs[k]) break;
      io -= st[k] * xs[k];
      idx[k] = 0;
    }
  }
  return acc;
}

/**
 * out[shape] = g[kept] broadcast, divided by `divisor`: the adjoint of summing `shape` down to `kept` (÷ count
 * for a mean; TF's MeanGrad divides, so we divide rather than multiply by 1/count).
 */
export function expandTo(g: Tensor, kept: Shape, shape: Shape, divisor = 1): Tensor {
  const out = allocate(g.dtype, sizeOf(shape));
  const gd = g.data;
  if (out.length === 0) return new Tensor(out, shape);
  const st = broadcastStrides(kept, shape);
  const idx = new Array<number>(shape.length).fill(0);
  let io = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = divisor === 1 ? gd[io] : gd[io] / divisor;
    for (let k = shape.length - 1; k >= 0; k--) {
      idx[k]++;
      io += st[k];
      if (idx[k] < shape[k]) break;
      io -= st[k] * shape[k];
      idx[k] = 0;
    }
  }
  return new Tensor(out, shape);
}

function reduce(op: 'sum' | 'mean', x: Tensor, axes: number | readonly number[] | undefined, keepDims: boolean): Tensor {
  if (!(x instanceof Tensor)) fail(op, 'x must be a Tensor');
  const ax = normAxes(op, axes, x.rank);
  const kept = keptShape(x.shape, ax);
  const outShape = keepDims ? kept : x.shape.filter((_, i) => !ax.includes(i));
  let count = 1;
  for (const a of ax) count *= x.shape[a];
  if (op === 'mean' && count === 0) fail('mean', `cannot average over an empty axis of shape ${shapeStr(x.shape)}`);
  const acc = sumInto(x, kept);
  const divisor = op === 'mean' ? count : 1;
  const out = allocate(x.dtype, acc.length);
  // A float32 mean rounds the sum to float32 before dividing, as TF's float32 reduce_mean does.
  const f32 = x.dtype === 'float32';
  for (let i = 0; i < out.length; i++) out[i] = (f32 ? Math.fround(acc[i]) : acc[i]) / divisor;
  const y = new Tensor(out, outShape);
  return record(op, [x], y, (gy) => [expandTo(gy, kept, x.shape, divisor)], SHAPES_ONLY);
}

/** Σ over `axes` (all axes when omitted); `keepDims` keeps reduced axes as size 1. */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return reduce('sum', x, axes, keepDims);
}

/** Arithmetic mean over `axes` (all axes when omitted). */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  return reduce('mean', x, axes, keepDims);
}
