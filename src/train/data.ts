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

/** Model inputs or targets: one tensor, a list (in model input / output order) or an object keyed by name. */
export type Data = Tensor | Tensor[] | Record<string, Tensor>;

/** The tensors of `d` in order (an object's in key order). */
export function dataTensors(op: string, name: string, d: unknown): Tensor[] {
  const list = d instanceof Tensor ? [d] : Array.isArray(d) ? d : d !== null && typeof d === 'object' ? Object.values(d) : null;
  if (list === null || list.length === 0) fail(op, `${name} must be a Tensor, an array of Tensors or an object of Tensors`);
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) fail(op, `${name}${d instanceof Tensor ? '' : `[${i}]`} must be a Tensor`);
    if (t.rank === 0) fail(op, `${name} needs a batch axis, got ${shapeStr(t.shape)}`);
  });
  return list as Tensor[];
}

/** The number of samples of x and y, checked equal across every tensor of both. */
export function checkData(op: string, x: unknown, y: unknown): number {
  if (x instanceof Tensor && y instanceof Tensor) return checkXY(op, x, y);
  const all = [...dataTensors(op, 'x', x).map((t) => ['x', t] as const), ...dataTensors(op, 'y', y).map((t) => ['y', t] as const)];
  const n = all[0][1].shape[0];
  for (const [w, t] of all) {
    if (t.shape[0] !== n) fail(op, `every input and target must have the same number of samples (axis 0): ${all[0][0]} has ${n}, a ${w} tensor has ${shapeStr(t.shape)}`);
  }
  return n;
}

/** Rows [start, end) (through `order`) of every tensor of `d`, keeping its structure. */
export function takeData(d: Data, order: ArrayLike<number> | null, start: number, end: number): Data {
  if (d instanceof Tensor) return takeRows(d, order, start, end);
  if (Array.isArray(d)) return d.map((t) => takeRows(t, order, start, end));
  const o: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(d)) o[k] = takeRows(t, order, start, end);
  return o;
}
