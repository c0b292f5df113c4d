// where(cond, a, b): element-wise choice, the masking primitive (an RNN keeps its previous state where the
// mask is 0). All three operands broadcast together. The gradient goes to `a` where cond is nonzero and to
// `b` elsewhere (each summed back over its broadcast axes); `cond` is a selector, not a value, and gets none.

import { Tensor, allocate } from '../tensor/tensor.js';
import { type Shape, broadcastShapes, broadcastStrides, fail, sameShape, sizeOf } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { prefixInner, sumToShape } from './elementwise.js';

/**
 * TF's cast of a mask value to bool (tf.cast(x, tf.bool)): every non-zero number is true, NaN included;
 * only 0 (and -0, and false) is false. Keras casts masks this way before using them, so a NaN or a 0.5 in
 * a float mask marks a valid step, as in TF 2.21 (test/fixtures/generate_mask_values.py).
 */
export function tfBool(v: number | boolean): boolean {
  return v !== 0 && v !== false;
}

/**
 * A Keras mask (any value tfBool calls true is kept) as 0/1 values of `dtype`, reshaped to `shape` (same size):
 * the `cond` or the weights the masked layers (attention, BatchNormalization's masked moments, masked global
 * average pooling) compute with.
 */
export function toMask01(m: Tensor, shape: readonly number[], dtype: Tensor['dtype']): Tensor {
  if (sizeOf(shape) !== m.size) fail('toMask01', `a mask of ${m.size} values cannot take the shape [${shape.join(', ')}]`);
  const out = allocate(dtype, m.size);
  for (let i = 0; i < m.size; i++) out[i] = tfBool(m.data[i]) ? 1 : 0;
  return new Tensor(out, [...shape]);
}

export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  if (!(cond instanceof Tensor)) fail('where', 'cond must be a Tensor (of 0/1 values)');
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) fail('where', 'a and b must be Tensors');
  if (a.dtype !== b.dtype) fail('where', `dtypes of a and b differ: ${a.dtype} and ${b.dtype} (cast one of them first)`);
  const shape = broadcastShapes('where', broadcastShapes('where', cond.shape, a.shape), b.shape);
  const n = sizeOf(shape);
  const out = allocate(a.dtype, n);
  const c = cond.data, ad = a.data, bd = b.data;
  // pick[i] = 1 where the output takes a: computed once, reused by the backward pass.
  const pick = new Uint8Array(n);
  const inner = n > 0 ? prefixInner(cond.shape, shape) : 0;
  if (sameShape(cond.shape, shape)) {
    for (let i = 0; i < n; i++) pick[i] = c[i] !== 0 ? 1 : 0;
  } else if (inner > 0) {
    // cond constant over trailing axes (a [B, 1] mask): fill whole blocks.
    for (let o = 0, i = 0; i < n; o++, i += inner) if (c[o] !== 0) pick.fill(1, i, i + inner);
  } else {
    walk3(shape, cond.shape, shape, shape, (i, ic) => { pick[i] = c[ic] !== 0 ? 1 : 0; });
  }
  if (sameShape(a.shape, shape) && sameShape(b.shape, shape)) {
    for (let i = 0; i < n; i++) out[i] = pick[i] !== 0 ? ad[i] : bd[i];
  } else {
    walk3(shape, shape, a.shape, b.shape, (i, _, ia, ib) => { out[i] = pick[i] !== 0 ? ad[ia] : bd[ib]; });
  }
  const y = new Tensor(out, shape);
  return record('where', [cond, a, b], y, (gy) => {
    const g = gy.data;
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (a.requiresGrad) {
      const d = allocate(gy.dtype, n);
      for (let i = 0; i < n; i++) if (pick[i] !== 0) d[i] = g[i];
      ga = sumToShape(new Tensor(d, shape), a.shape);
    }
    if (b.requiresGrad) {
      const d = allocate(gy.dtype, n);
      for (let i = 0; i < n; i++) if (pick[i] === 0) d[i] = g[i];
      gb = sumToShape(new Tensor(d, shape), b.shape);
    }
    return [null, ga, gb];
  });
}

/** Visits every element of `shape` with the flat offsets of three operands broadcast into it. */
function walk3(shape: Shape, s0: Shape, s1: Shape, s2: Shape, f: (i: number, i0: number, i1: number, i2: number) => void): void {
  const n = sizeOf(shape);
  if (n === 0) return;
  const r = shape.length;
  const t0 = broadcastStrides(s0, shape), t1 = broadcastStrides(s1, shape), t2 = broadcastStrides(s2, shape);
  const idx = new Array<number>(r).fill(0);
  let i0 = 0, i1 = 0, i2 = 0;
  for (let i = 0; i < n; i++) {
    f(i, i0, i1, i2);
    for (let k = r - 1; k >= 0; k--) {
      idx[k]++;
      i0 += t0[k]; i1 += t1[k]; i2 += t2[k];
      if (idx[k] < shape[k]) break;
      i0 -= t0[k] * shape[k]; i1 -= t1[k] * shape[k]; i2 -= t2[k] * shape[k];
      idx[k] = 0;
    }
  }
}

/** Alias of `where` (tf.compat.v1 `select` vocabulary). */
export const select = where;
