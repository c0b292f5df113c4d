// Keras loss reductions (keras/src/losses/loss.py: reduce_weighted_values, apply_mask, reduce_values):
//   'none'                 → the per-sample values unchanged
//   'sum'                  → Σ w·v
//   'sum_over_batch_size'  → Σ w·v / (number of values)   (Keras's default; 0 when there are no values)
// A mask (0/1 per value, e.g. from an Embedding with mask_zero) becomes weights total/valid on valid entries
// for 'sum_over_batch_size' (so the result is the mean over valid entries) and plain 0/1 for 'sum'.

import { Tensor, allocate } from '../../tensor/tensor.js';
import { record } from '../../autograd/node.js';
import { fail, shapeStr, sizeOf } from '../../tensor/shape.js';

export type Reduction = 'sum_over_batch_size' | 'sum' | 'none';

export const REDUCTIONS: readonly Reduction[] = ['sum_over_batch_size', 'sum', 'none'];

export function checkReduction(op: string, r: unknown): Reduction {
  if (r === undefined || r === null) return 'sum_over_batch_size';
  if (r === 'mean') return 'sum_over_batch_size'; // Keras accepts 'mean' as an alias of the default
  if (!REDUCTIONS.includes(r as Reduction)) fail(op, `reduction must be one of ${REDUCTIONS.join(', ')}; got ${String(r)}`);
  return r as Reduction;
}

/**
 * Per-value weights from an optional sample weight (aligned with the values' leading axes, each equal or 1:
 * [B], [B, 1] or [B, T] for values [B, T]) and an optional mask of the values' shape. Returns null when all
 * weights are 1.
 */
export function combineWeights(values: Tensor, reduction: Reduction, sampleWeight?: Tensor | null, mask?: Tensor | null): Float64Array | null {
  if (!sampleWeight && !mask) return null;
  const n = values.size;
  const w = new Float64Array(n).fill(1);
  if (mask) {
    if (mask.size !== n) fail('loss', `mask shape ${shapeStr(mask.shape)} does not match the loss values ${shapeStr(values.shape)}`);
    let valid = 0;
    for (let i = 0; i < n; i++) if (mask.data[i] !== 0) valid++;
    const scale = reduction === 'sum_over_batch_size' ? (valid === 0 ? 0 : n / valid) : 1;
    for (let i = 0; i < n; i++) w[i] = mask.data[i] !== 0 ? scale : 0;
  }
  if (sampleWeight) {
    // Keras (losses/loss.py squeeze_or_expand_to_same_rank, then a broadcasting multiply): a trailing axis of
    // size 1 beyond the values' rank is dropped; the weight's axes then align with the values' LEADING axes,
    // each equal or 1 (broadcast): [B] or [B, 1] weigh whole samples of [B, T] values, [B, T] weighs steps.
    let ws = [...sampleWeight.shape];
    if (ws.length === values.rank + 1 && ws[ws.length - 1] === 1) ws = ws.slice(0, -1);
    const ok = ws.length <= values.rank && ws.every((d, i) => d === values.shape[i] || d === 1);
    if (!ok) {
      fail('loss', `sample_weight shape ${shapeStr(sampleWeight.shape)} must match the leading axes of the loss values' shape ${shapeStr(values.shape)} (each equal or 1)`);
    }
    const sw = sampleWeight.data;
    // inner = values per index of the weight's last aligned axis; strides of the weight over the aligned axes
    const r = ws.length;
    const inner = sizeOf(values.shape.slice(r));
    const wStride = new Array<number>(r);
    for (let i = r - 1, st = 1; i >= 0; i--) {
      wStride[i] = ws[i] === 1 ? 0 : st;
      st *= ws[i];
    }
    const lead = values.shape.slice(0, r);
    const idx = new Array<number>(r).fill(0);
    for (let o = 0, base = 0; o < n; o += inner) {
      let wi = 0;
      for (let i = 0; i < r; i++) wi += idx[i] * wStride[i];
      const f = sw[wi];
      for (let j = 0; j < inner; j++) w[base + j] *= f;
      base += inner;
      for (let i = r - 1; i >= 0; i--) {
        if (++idx[i] < lead[i]) break;
        idx[i] = 0;
      }
    }
  }
  return w;
}

/** Applies a reduction to per-sample loss values as one autograd op. */
export function reduceLoss(values: Tensor, reduction: Reduction, weights: Float64Array | null = null): Tensor {
  const n = values.size;
  const v = values.data;
  if (reduction === 'none') {
    if (weights === null) return values;
    const out = allocate(values.dtype, n);
    for (let i = 0; i < n; i++) out[i] = v[i] * weights[i];
    const y = new Tensor(out, values.shape);
    return record('lossWeights', [values], y, (gy) => {
      const g = allocate(values.dtype, n);
      for (let i = 0; i < n; i++) g[i] = gy.data[i] * weights[i];
      return [new Tensor(g, values.shape)];
    });
  }
  // Keras returns a rank-0 per-sample value unchanged whatever the reduction.
  if (values.rank === 0 && weights === null) return values;
  let s = 0;
  for (let i = 0; i < n; i++) s += weights === null ? v[i] : v[i] * weights[i];
  const divisor = reduction === 'sum' ? 1 : n; // divide_no_nan: an empty batch gives 0
  const out = allocate(values.dtype, 1);
  out[0] = n === 0 ? 0 : s / divisor;
  const y = new Tensor(out, []);
  return record('reduceLoss', [values], y, (gy) => {
    const g = allocate(values.dtype, n);
    const gs = n === 0 ? 0 : gy.data[0] / divisor;
    for (let i = 0; i < n; i++) g[i] = weights === null ? gs : gs * weights[i];
    return [new Tensor(g, values.shape)];
  });
}
