// Plain n-d arrays of metric values (metrics are never differentiated) and the shape rules Keras 3 applies to
// them: squeeze_or_expand_to_same_rank (keras/src/losses/loss.py), numpy broadcasting, and Mean's
// reduce_to_samplewise_values (keras/src/metrics/reduction_metrics.py). Metric variables are float32 in Keras
// (floatx, whatever the model's dtype); we accumulate in float64, which the fixtures bound at ~1e-6 relative.
import type { Tensor } from '../../tensor/tensor.js';
import { fail, shapeStr, sizeOf } from '../../tensor/shape.js';

export interface Values {
  data: Float64Array;
  shape: number[];
}

export function values(t: Tensor): Values {
  return { data: Float64Array.from(t.data), shape: [...t.shape] };
}

/**
 * Keras squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1) on shapes: when the ranks differ by one and the
 * longer ends in 1, the shorter is expanded if it is rank 1 (and expandRank1), else the longer is squeezed.
 * Neither moves data, so only the shapes change.
 */
export function squeezeOrExpand(s1: readonly number[], s2: readonly number[], expandRank1 = true): [number[], number[]] {
  let a = [...s1];
  let b = [...s2];
  if (a.length === b.length + 1 && a[a.length - 1] === 1) {
    if (b.length === 1 && expandRank1) b = [...b, 1];
    else a = a.slice(0, -1);
  } else if (b.length === a.length + 1 && b[b.length - 1] === 1) {
    if (a.length === 1 && expandRank1) a = [...a, 1];
    else b = b.slice(0, -1);
  }
  return [a, b];
}

/** numpy broadcasting of `v` to `shape` (axes aligned on the right); fails naming both shapes. */
export function broadcastTo(where: string, v: Values, shape: readonly number[]): Values {
  const r = shape.length;
  if (v.shape.length > r) fail(where, `cannot broadcast shape ${shapeStr(v.shape)} to ${shapeStr(shape)}`);
  const src = [...Array(r - v.shape.length).fill(1), ...v.shape];
  for (let i = 0; i < r; i++) {
    if (src[i] !== 1 && src[i] !== shape[i]) {
      fail(where, `sample weights of shape ${shapeStr(v.shape)} do not broadcast to ${shapeStr(shape)} (numpy rules, axes aligned on the right, as Keras broadcasts them)`);
    }
  }
  if (src.every((d, i) => d === shape[i])) return { data: v.data, shape: [...shape] };
  const n = sizeOf(shape);
  const out = new Float64Array(n);
  const sStr = new Array<number>(r);
  let acc = 1;
  for (let i = r - 1; i >= 0; i--) {
    sStr[i] = src[i] === 1 ? 0 : acc;
    acc *= src[i];
  }
  const idx = new Array<number>(r).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let i = 0; i < r; i++) off += idx[i] * sStr[i];
    out[k] = v.data[off];
    for (let i = r - 1; i >= 0; i--) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return { data: out, shape: [...shape] };
}

/** Mean over every axis from `axis` on (axis ≥ 1 keeps the leading ones). */
export function meanFrom(v: Values, axis: number): Values {
  if (v.shape.length <= axis) return v;
  const lead = v.shape.slice(0, axis);
  const rows = sizeOf(lead);
  const cols = sizeOf(v.shape.slice(axis));
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = r * cols; j < (r + 1) * cols; j++) s += v.data[j];
    out[r] = cols === 0 ? NaN : s / cols;
  }
  return { data: out, shape: lead };
}

/**
 * Keras losses.loss.apply_mask(sample_weight, mask, reduction="sum"), as MeanMetricWrapper calls it: the mask
 * (1 where kept) times the sample weights, aligned by squeeze_or_expand and broadcast.
 */
export function maskWeights(where: string, sw: Values | null, mask: Tensor | null): Values | null {
  if (mask === null) return sw;
  const m: Values = { data: Float64Array.from(mask.data, (x) => (x !== 0 ? 1 : 0)), shape: [...mask.shape] };
  if (sw === null) return m;
  const [ms, ws] = squeezeOrExpand(m.shape, sw.shape);
  const a = { data: m.data, shape: ms };
  const b = { data: sw.data, shape: ws };
  const shape = broadcastShape(where, a.shape, b.shape);
  const A = broadcastTo(where, a, shape);
  const B = broadcastTo(where, b, shape);
  return { data: A.data.map((x, i) => x * B.data[i]), shape };
}

export function broadcastShape(where: string, a: readonly number[], b: readonly number[]): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1;
    const y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) fail(where, `shapes ${shapeStr(a)} and ${shapeStr(b)} do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * keras.metrics.Mean's update, through reduce_to_samplewise_values: with weights, values are aligned with them
 * (squeeze_or_expand), averaged down to the weights' rank, multiplied by the broadcast weights, and the
 * weights averaged over their non-batch axes; then values are averaged over their non-batch axes. Returns the
 * additions to `total` and `count` (count: Σ weights, else the number of rows).
 */
export function meanUpdate(where: string, vals: Values, sw: Values | null): { total: number; count: number } {
  let v = vals;
  let w: Values | null = null;
  if (sw !== null) {
    const [vs, ws] = squeezeOrExpand(v.shape, sw.shape);
    v = { data: v.data, shape: vs };
    w = { data: sw.data, shape: ws };
    const wNdim = w.shape.length;
    if (v.shape.length > wNdim) v = meanFrom(v, wNdim);
    w = broadcastTo(where, w, v.shape);
    const wd = w.data;
    v = { data: v.data.map((x, i) => x * wd[i]), shape: v.shape };
    if (wNdim > 1) w = meanFrom(w, 1);
  }
  if (v.shape.length > 1) v = meanFrom(v, 1);
  let total = 0;
  for (const x of v.data) total += x;
  let count: number;
  if (w !== null) {
    count = 0;
    for (const x of w.data) count += x;
  } else {
    count = v.shape.length >= 1 ? v.shape[0] : 1;
  }
  return { total, count };
}
