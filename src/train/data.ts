// Batching helpers for fit/evaluate/predict: rows of a [N, ...] tensor picked by index, and the reverse.
import { Tensor, allocate } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';

/** Rows idx[start..end) of t (along axis 0) as a new leaf tensor. */
export function takeRows(t: Tensor, idx: ArrayLike<number> | null, start: number, end: number): Tensor {
  const row = t.shape.length === 0 ? 1 : t.size / t.shape[0];
  const n = end - start;
  const out = allocate(t.dtype, n * row);
  if (idx === null) {
    out.set(t.data.subarray(start * row, end * row));
  } else {
    for (let i = 0; i < n; i++) {
      const r = idx[start + i];
      out.set(t.data.subarray(r * row, (r + 1) * row), i * row);
    }
  }
  return new Tensor(out, [n, ...t.shape.slice(1)]);
}

/** Concatenates tensors along axis 0 (predict's batches). */
export function concatRows(parts: Tensor[]): Tensor {
  if (parts.length === 0) fail('concatRows', 'nothing to concatenate');
  const tail = parts[0].shape.slice(1);
  let n = 0;
  for (const p of parts) {
    if (shapeStr(p.shape.slice(1)) !== shapeStr(tail)) fail('concatRows', `batch outputs disagree: ${shapeStr(p.shape)} vs [*, ${tail.join(', ')}]`);
    n += p.shape[0];
  }
  const out = allocate(parts[0].dtype, parts.reduce((s, p) => s + p.size, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p.data, off);
    off += p.size;
  }
  return new Tensor(out, [n, ...tail]);
}

/** Checks fit/evaluate data: tensors with the same number of rows. */
export function checkXY(op: string, x: unknown, y: unknown): number {
  if (!(x instanceof Tensor)) fail(op, 'x must be a Tensor');
  if (!(y instanceof Tensor)) fail(op, 'y must be a Tensor');
  if (x.rank === 0 || y.rank === 0) fail(op, `x and y need a batch axis, got x ${shapeStr(x.shape)} and y ${shapeStr(y.shape)}`);
  if (x.shape[0] !== y.shape[0]) {
    fail(op, `x and y must have the same number of samples (axis 0): x is ${shapeStr(x.shape)}, y is ${shapeStr(y.shape)}`);
  }
  return x.shape[0];
}
