// gather(params, indices, axis): picks slices of `params` along `axis` (an Embedding lookup is
// gather(table [V, D], ids, 0)). Output shape: params.shape[:axis] ++ indices.shape ++ params.shape[axis+1:].
// Backward is the adjoint, a scatter-add: each picked slice's gradient is added back into the row it came
// from, so an index that appears twice receives the sum of both gradients. Indices get no gradient.

import { Tensor, allocate } from '../tensor/tensor.js';
import { fail, normAxis, shapeStr } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { setIndexedSlices } from '../autograd/indexed-slices.js';

function toIndices(indices: Int32Array | readonly number[] | Tensor): { idx: Int32Array; shape: number[] } {
  if (indices instanceof Tensor) {
    const idx = new Int32Array(indices.size);
    for (let i = 0; i < idx.length; i++) {
      const v = indices.data[i];
      if (!Number.isInteger(v)) fail('gather', `indices must hold integers, got ${v} at flat position ${i}`);
      idx[i] = v;
    }
    return { idx, shape: indices.shape.slice() };
  }
  if (indices instanceof Int32Array) return { idx: indices, shape: [indices.length] };
  if (!Array.isArray(indices)) fail('gather', 'indices must be an Int32Array, a number[] or a Tensor');
  const idx = new Int32Array(indices.length);
  for (let i = 0; i < idx.length; i++) {
    const v = indices[i];
    if (!Number.isInteger(v)) fail('gather', `indices must hold integers, got ${v} at position ${i}`);
    idx[i] = v;
  }
  return { idx, shape: [indices.length] };
}

export function gather(params: Tensor, indices: Int32Array | readonly number[] | Tensor, axis = 0): Tensor {
  if (!(params instanceof Tensor)) fail('gather', 'params must be a Tensor');
  if (params.rank === 0) fail('gather', 'params must have rank ≥ 1, got a scalar');
  const ax = normAxis('gather', axis, params.rank);
  const { idx, shape: ishape } = toIndices(indices);
  const n = params.shape[ax];
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= n) {
      fail('gather', `index ${idx[i]} at position ${i} is out of range [0, ${n}) for axis ${ax} of params shape ${shapeStr(params.shape)}`);
    }
  }
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < ax; i++) outer *= params.shape[i];
  for (let i = ax + 1; i < params.rank; i++) inner *= params.shape[i];
  const m = idx.length;
  const shape = [...params.shape.slice(0, ax), ...ishape, ...params.shape.slice(ax + 1)];
  const out = allocate(params.dtype, outer * m * inner);
  const pd = params.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const src = (o * n + idx[j]) * inner;
      out.set(pd.subarray(src, src + inner), (o * m + j) * inner);
    }
  }
  const y = new Tensor(out, shape);
  return record('gather', [params], y, (gy) => {
    const g = allocate(gy.dtype, params.size);
    const gd = gy.data;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const dst = (o * n + idx[j]) * inner;
        const src = (o * m + j) * inner;
        for (let q = 0; q < inner; q++) g[dst + q] += gd[src + q];
      }
    }
    const dense = new Tensor(g, params.shape);
    // TF's gradient of a gather along axis 0 is tf.IndexedSlices (one row per looked-up position); the
    // optimizers need them where they are not linear in the gradient (autograd/indexed-slices.ts).
    if (ax === 0) setIndexedSlices(dense, { indices: Int32Array.from(idx), values: gd.slice(0, m * inner), rowSize: inner });
    return [dense];
  });
}
