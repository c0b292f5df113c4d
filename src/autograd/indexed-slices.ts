// TensorFlow's IndexedSlices, as far as training numbers depend on them.
//
// In TF the gradient of a gather along axis 0 (Keras Embedding: ops.take(embeddings, ids)) is not a dense
// tensor but tf.IndexedSlices: one row of values PER LOOKED-UP POSITION, with its row index, duplicates kept.
// Summing the slices gives the dense gradient, so anything linear in the gradient (SGD, momentum, Adam's
// first moment) sees the same numbers. What is not linear sees the slices one by one: Keras 3's TF backend
// applies elementwise ops to IndexedSlices slice by slice (keras/src/backend/tensorflow/sparse.py
// elementwise_unary), so Adam's and RMSprop's `ops.square(gradient)` becomes Σᵢ gᵢ² over the occurrences of a
// row instead of (Σᵢ gᵢ)², and tf.clip_by_norm / clip_by_global_norm / clip take norms and clip values over the
// slices (measured with TF 2.21: Embedding ids [1, 1, 2], d(sum)/d(row 1) = 2; one Adam(0.1) step moves row 1 by
// −0.1414 = −0.1·2/√2, not −0.1; test/train/indexed-slices.test.ts).
//
// lstm-ts keeps the dense gradient as the tensor and attaches the slices to it: gather's backward records them,
// the engine carries them into a leaf's `.grad` (concatenating when two gathers feed one leaf, dropping them as
// TF densifies when a dense gradient is added, e.g. a regularizer's), and the optimizers read them.

import type { Tensor, TypedArray } from '../tensor/tensor.js';

/** The slices of a gradient of shape [rows, ...]: `values` holds indices.length rows of `rowSize` elements. */
export interface IndexedSlices {
  readonly indices: Int32Array;
  readonly values: TypedArray;
  readonly rowSize: number;
}

const slicesOf = new WeakMap<Tensor, IndexedSlices>();

/** The IndexedSlices a gradient tensor stands for, if TF would hold it as slices. */
export function getIndexedSlices(g: Tensor): IndexedSlices | undefined {
  return slicesOf.get(g);
}

export function setIndexedSlices(g: Tensor, s: IndexedSlices | undefined): void {
  if (s === undefined) slicesOf.delete(g);
  else slicesOf.set(g, s);
}

/** Gradient accumulation as TF's AddN: slices + slices = the slices of both; anything dense makes it dense. */
export function mergeIndexedSlices(a: IndexedSlices | undefined, b: IndexedSlices | undefined): IndexedSlices | undefined {
  if (a === undefined || b === undefined || a.rowSize !== b.rowSize) return undefined;
  const indices = new Int32Array(a.indices.length + b.indices.length);
  indices.set(a.indices);
  indices.set(b.indices, a.indices.length);
  const values = new (a.values.constructor as { new (n: number): TypedArray })(a.values.length + b.values.length);
  values.set(a.values);
  values.set(b.values, a.values.length);
  return { indices, values, rowSize: a.rowSize };
}

/** The dense sum of the slices (tf.convert_to_tensor of IndexedSlices: unsorted_segment_sum in slice order). */
export function densify(s: IndexedSlices, size: number, round: (x: number) => number): TypedArray {
  const out = new (s.values.constructor as { new (n: number): TypedArray })(size);
  const d = s.rowSize;
  for (let j = 0; j < s.indices.length; j++) {
    const dst = s.indices[j] * d;
    for (let q = 0; q < d; q++) out[dst + q] = round(out[dst + q] + s.values[j * d + q]);
  }
  return out;
}
