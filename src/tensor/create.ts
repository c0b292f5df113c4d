// Creating tensors: from nested arrays, from a TypedArray + shape, from ndarray objects (and back),
// and the usual constant and random fills.

import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { Tensor, allocate, type DType, type NestedArray, type TypedArray } from './tensor.js';
import { type Shape, sizeOf, shapeStr, fail, checkShape } from './shape.js';
import { Random, getGlobalRandom } from './random.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** Required with a flat array or TypedArray; checked against nested arrays. */
  shape?: Shape;
}

function inferShape(v: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function flattenInto(v: NestedArray, shape: number[], axis: number, out: TypedArray, pos: { i: number }): void {
  if (axis === shape.length) {
    if (typeof v !== 'number') fail('tensor', `ragged nested array: expected a number at depth ${axis}, got ${Array.isArray(v) ? 'an array' : typeof v}`);
    out[pos.i++] = v;
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[axis]) {
    fail('tensor', `ragged nested array: expected length ${shape[axis]} at depth ${axis}, got ${Array.isArray(v) ? v.length : typeof v}`);
  }
  for (const e of v) flattenInto(e, shape, axis + 1, out, pos);
}

function isNdarray(v: unknown): v is NdArray {
  return typeof v === 'object' && v !== null && 'shape' in v && 'stride' in v && 'offset' in v && 'data' in v;
}

/** Integer typed arrays (token ids, masks) are accepted too; their values are converted to the float dtype. */
export type IntTypedArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** A typed array of numbers (float or integer): any ArrayBuffer view except DataView and the BigInt arrays. */
export function isNumericTypedArray(v: unknown): v is TypedArray | IntTypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
}

/**
 * Makes a tensor from a number, nested arrays, a flat array / TypedArray with `shape`, an ndarray, or a Tensor
 * (copied). A Float64Array keeps float64 unless `dtype` says otherwise; everything else defaults to float32.
 */
export function tensor(values: NestedArray | TypedArray | IntTypedArray | NdArray | Tensor | readonly number[], opts: TensorOptions = {}): Tensor {
  if (opts.dtype !== undefined) dtypeArg('tensor', opts.dtype);
  if (values instanceof Tensor) {
    const t = values.cast(opts.dtype ?? values.dtype);
    if (opts.shape) fail('tensor', 'shape cannot be given when copying a Tensor; use reshape');
    t.requiresGrad = opts.requiresGrad ?? false;
    return t;
  }
  if (isNdarray(values)) return fromNdarray(values, opts);
  if (isNumericTypedArray(values)) {
    const dtype = opts.dtype ?? (values instanceof Float64Array ? 'float64' : 'float32');
    const shape = opts.shape ?? [values.length];
    checkShape('tensor', 'shape', shape);
    if (sizeOf(shape) !== values.length) fail('tensor', `${values.length} values do not fill shape ${shapeStr(shape)} (${sizeOf(shape)} elements)`);
    const data = allocate(dtype, values.length);
    data.set(values as ArrayLike<number>);
    return new Tensor(data, shape, opts.requiresGrad ?? false);
  }
  const dtype = opts.dtype ?? 'float32';
  if (typeof values === 'number') {
    const d = allocate(dtype, 1);
    d[0] = values;
    return new Tensor(d, opts.shape ?? [], opts.requiresGrad ?? false);
  }
  const inferred = inferShape(values as NestedArray);
  const n = sizeOf(inferred);
  const data = allocate(dtype, n);
  flattenInto(values as NestedArray, inferred, 0, data, { i: 0 });
  let shape: Shape = inferred;
  if (opts.shape) {
    if (sizeOf(opts.shape) !== n) fail('tensor', `${n} values do not fill shape ${shapeStr(opts.shape)}`);
    if (inferred.length > 1 && shapeStr(inferred) !== shapeStr(opts.shape)) {
      fail('tensor', `nested array has shape ${shapeStr(inferred)} but shape ${shapeStr(opts.shape)} was given`);
    }
    shape = opts.shape;
  }
  return new Tensor(data, shape, opts.requiresGrad ?? false);
}

/** Copies an ndarray (any strides / offset) into a new row-major tensor. */
export function fromNdarray(a: NdArray, opts: TensorOptions = {}): Tensor {
  const shape = a.shape.slice();
  const n = sizeOf(shape);
  const src = a.data as ArrayLike<number>;
  const dtype = opts.dtype ?? (src instanceof Float64Array ? 'float64' : 'float32');
  const out = allocate(dtype, n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let off = a.offset;
    for (let k = 0; k < shape.length; k++) off += idx[k] * a.stride[k];
    out[i] = src[off];
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return new Tensor(out, shape, opts.requiresGrad ?? false);
}

/** An ndarray view over a copy of the tensor's data. */
export function toNdarray(t: Tensor): NdArray<TypedArray> {
  return ndarray(t.data.slice(), t.shape.slice());
}

/** A dtype given directly or as an options object (`zeros(s, 'float64')` or `zeros(s, { dtype })`). */
export type DTypeArg = DType | { dtype?: DType } | undefined;

function dtypeArg(op: string, d: DTypeArg): DType {
  const v = typeof d === 'object' && d !== null ? d.dtype : d;
  if (v === undefined) return 'float32';
  if (v !== 'float32' && v !== 'float64') fail(op, `dtype must be 'float32' or 'float64', got ${String(v)}`);
  return v;
}

export function full(shape: Shape, value: number, dtype: DTypeArg = 'float32'): Tensor {
  checkShape('full', 'shape', shape);
  const d = allocate(dtypeArg('full', dtype), sizeOf(shape));
  if (value !== 0) d.fill(value);
  return new Tensor(d, shape);
}

export const zeros = (shape: Shape, dtype: DTypeArg = 'float32'): Tensor => full(shape, 0, dtype);
export const ones = (shape: Shape, dtype: DTypeArg = 'float32'): Tensor => full(shape, 1, dtype);
export const zerosLike = (t: Tensor): Tensor => full(t.shape, 0, t.dtype);
export const onesLike = (t: Tensor): Tensor => full(t.shape, 1, t.dtype);
export const scalar = (v: number, dtype: DType = 'float32'): Tensor => full([], v, dtype);

/** Uniform samples in [lo, hi) from a seeded generator (or the global one). */
export function randomUniform(shape: Shape, lo = 0, hi = 1, opts: { dtype?: DType; seed?: number; rng?: Random } = {}): Tensor {
  const rng = opts.rng ?? (opts.seed !== undefined ? new Random(opts.seed) : getGlobalRandom());
  const t = full(shape, 0, opts.dtype);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniformRange(lo, hi);
  return t;
}

/** Normal samples N(mean, stddev²) from a seeded generator (or the global one). */
export function randomNormal(shape: Shape, mean = 0, stddev = 1, opts: { dtype?: DType; seed?: number; rng?: Random } = {}): Tensor {
  const rng = opts.rng ?? (opts.seed !== undefined ? new Random(opts.seed) : getGlobalRandom());
  const t = full(shape, 0, opts.dtype);
  for (let i = 0; i < t.size; i++) t.data[i] = mean + stddev * rng.normal();
  return t;
}
