// Creating tensors: from nested arrays, from a TypedArray + shape, from ndarray objects (and back),
// and the usual constant and random fills.

import ndarray from 'ndarray';
import type { NdArray } from 'ndarray';
import { Tensor, allocate, checkTensorSize, type DType, type NestedArray, type TypedArray } from './tensor.js';
import { optionKeys, checkOptions, checkBoolean, checkNumber, describeValue } from '../util/options.js';
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

function flattenInto(v: NestedArray, shape: number[], axis: number, out: TypedArray, pos: { i: number }, path: string): void {
  if (axis === shape.length) {
    if (typeof v !== 'number') {
      fail('tensor', Array.isArray(v) ? `ragged nested array: ${path} is an array, but its siblings are numbers (shape ${shapeStr(shape)})`
        : `values${path} must be a number, got ${describeValue(v)}`);
    }
    out[pos.i++] = v;
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[axis]) {
    fail('tensor', `ragged nested array: values${path} should be an array of length ${shape[axis]} (shape ${shapeStr(shape)}), got ${describeValue(v)}`);
  }
  for (let i = 0; i < v.length; i++) flattenInto(v[i], shape, axis + 1, out, pos, `${path}[${i}]`);
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

export type TensorValues = NestedArray | TypedArray | IntTypedArray | NdArray | Tensor | readonly number[];

const TENSOR_OPTIONS = optionKeys<TensorOptions>({ dtype: true, requiresGrad: true, shape: true });

/**
 * The second and third arguments of tensor(): an options object, or tfjs's positional `(shape?, dtype?)`
 * (`tf.tensor(values, [2, 3], 'float32')`), which porters write. Anything else is refused, never ignored.
 */
function tensorOptions(second: unknown, third: unknown): TensorOptions {
  if (Array.isArray(second) || typeof second === 'string' || second === null) {
    const shape = Array.isArray(second) ? (second as Shape) : undefined;
    const dtype = typeof second === 'string' ? second : third;
    if (typeof second === 'string' && third !== undefined) fail('tensor', `after a dtype ('${second}') no third argument is taken, got ${describeValue(third)}`);
    if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float64') {
      fail('tensor', `dtype must be 'float32' or 'float64' (lstm-ts tensors are floating point), got ${describeValue(dtype)}`);
    }
    return { shape, dtype: dtype as DType | undefined };
  }
  if (second === undefined) {
    if (third !== undefined) fail('tensor', `a dtype (${describeValue(third)}) needs a shape (or null) before it: tensor(values, shape, dtype)`);
    return {};
  }
  if (typeof second !== 'object' || ArrayBuffer.isView(second)) {
    fail('tensor', `the second argument must be a shape (array), a dtype ('float32' | 'float64') or an options object {shape, dtype, requiresGrad}, got ${describeValue(second)}`);
  }
  if (third !== undefined) fail('tensor', `with an options object no third argument is taken, got ${describeValue(third)}`);
  checkOptions('tensor', second, TENSOR_OPTIONS);
  const o = second as TensorOptions;
  checkBoolean('tensor', 'requiresGrad', o.requiresGrad);
  if (o.shape !== undefined && !Array.isArray(o.shape)) fail('tensor', `shape must be an array of non-negative integers, got ${describeValue(o.shape)}`);
  return o;
}

/**
 * Makes a tensor from a number, nested arrays, a flat array / TypedArray with `shape`, an ndarray, or a Tensor
 * (copied). A Float64Array keeps float64 unless `dtype` says otherwise; everything else defaults to float32.
 * Options come as an object (`{ shape, dtype, requiresGrad }`) or in tfjs's positional form
 * `tensor(values, shape?, dtype?)`.
 */
export function tensor(values: TensorValues, opts?: TensorOptions | Shape | DType | null, dtypeArg3?: DType): Tensor {
  const o = tensorOptions(opts, dtypeArg3);
  if (o.dtype !== undefined) dtypeArg('tensor', o.dtype);
  if (o.shape !== undefined) checkShape('tensor', 'shape', o.shape);
  if (values === null || values === undefined || typeof values === 'string' || typeof values === 'boolean') {
    fail('tensor', `values must be a number, nested arrays of numbers, a typed array, an ndarray or a Tensor, got ${describeValue(values)}`);
  }
  if (values instanceof Tensor) {
    const t = values.cast(o.dtype ?? values.dtype);
    if (o.shape) fail('tensor', 'shape cannot be given when copying a Tensor; use reshape');
    t.requiresGrad = o.requiresGrad ?? false;
    return t;
  }
  if (isNdarray(values)) return fromNdarray(values, o);
  if (isNumericTypedArray(values)) {
    const dtype = o.dtype ?? (values instanceof Float64Array ? 'float64' : 'float32');
    const shape = o.shape ?? [values.length];
    if (sizeOf(shape) !== values.length) fail('tensor', `${values.length} values do not fill shape ${shapeStr(shape)} (${sizeOf(shape)} elements)`);
    const data = allocate(dtype, values.length);
    data.set(values as ArrayLike<number>);
    return new Tensor(data, shape, o.requiresGrad ?? false);
  }
  const dtype = o.dtype ?? 'float32';
  if (typeof values === 'number') {
    const shape = o.shape ?? [];
    if (sizeOf(shape) !== 1) fail('tensor', `one value does not fill shape ${shapeStr(shape)}; use full(shape, value)`);
    const d = allocate(dtype, 1);
    d[0] = values;
    return new Tensor(d, shape, o.requiresGrad ?? false);
  }
  if (!Array.isArray(values)) {
    fail('tensor', `values must be a number, nested arrays of numbers, a typed array, an ndarray or a Tensor, got ${describeValue(values)}`);
  }
  const inferred = inferShape(values as NestedArray);
  const n = sizeOf(inferred);
  const data = allocate(dtype, n);
  flattenInto(values as NestedArray, inferred, 0, data, { i: 0 }, '');
  let shape: Shape = inferred;
  if (o.shape) {
    if (sizeOf(o.shape) !== n) fail('tensor', `${n} values do not fill shape ${shapeStr(o.shape)}`);
    if (inferred.length > 1 && shapeStr(inferred) !== shapeStr(o.shape)) {
      fail('tensor', `nested array has shape ${shapeStr(inferred)} but shape ${shapeStr(o.shape)} was given`);
    }
    shape = o.shape;
  }
  return new Tensor(data, shape, o.requiresGrad ?? false);
}

/** Copies an ndarray (any strides / offset) into a new row-major tensor; its layout is checked first. */
export function fromNdarray(a: NdArray, opts: TensorOptions = {}): Tensor {
  if (!Array.isArray(a.shape) || !Array.isArray(a.stride) || a.stride.length !== a.shape.length) {
    fail('tensor', `ndarray: shape and stride must be arrays of one length, got shape ${describeValue(a.shape)} and stride ${describeValue(a.stride)}`);
  }
  const shape = a.shape.slice();
  checkShape('tensor', 'ndarray shape', shape);
  if (!Number.isInteger(a.offset) || a.offset < 0) fail('tensor', `ndarray: offset must be a non-negative integer, got ${describeValue(a.offset)}`);
  a.stride.forEach((s, k) => {
    if (!Number.isInteger(s)) fail('tensor', `ndarray: stride[${k}] must be an integer, got ${describeValue(s)}`);
  });
  const src = a.data as ArrayLike<number>;
  if (src === null || typeof src !== 'object' || typeof src.length !== 'number') fail('tensor', `ndarray: data must be an array or a typed array, got ${describeValue(src)}`);
  const n = sizeOf(shape);
  if (n > 0) {
    // The smallest and largest flat index the view reads must lie inside data.
    let lo = a.offset;
    let hi = a.offset;
    shape.forEach((d, k) => {
      const span = (d - 1) * a.stride[k];
      if (span < 0) lo += span;
      else hi += span;
    });
    if (lo < 0 || hi >= src.length) {
      fail('tensor', `ndarray: shape ${shapeStr(shape)}, stride [${a.stride.join(', ')}] and offset ${a.offset} read indices ${lo}..${hi}, but data has ${src.length} elements`);
    }
  }
  const dtype = opts.dtype ?? (src instanceof Float64Array ? 'float64' : 'float32');
  const out = allocate(dtype, n);
  const idx = new Array<number>(shape.length).fill(0);
  const checkValues = !isNumericTypedArray(src);
  for (let i = 0; i < n; i++) {
    let off = a.offset;
    for (let k = 0; k < shape.length; k++) off += idx[k] * a.stride[k];
    const v = src[off];
    if (checkValues && typeof v !== 'number') fail('tensor', `ndarray: data[${off}] must be a number, got ${describeValue(v)}`);
    out[i] = v;
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

function shapeArg(op: string, shape: unknown): Shape {
  if (!Array.isArray(shape)) fail(op, `shape must be an array of non-negative integers, got ${describeValue(shape)}`);
  checkShape(op, 'shape', shape);
  return shape;
}

export function full(shape: Shape, value: number, dtype: DTypeArg = 'float32'): Tensor {
  shapeArg('full', shape);
  if (typeof value !== 'number') fail('full', `value must be a number, got ${describeValue(value)}`);
  checkTensorSize('full', 'a tensor', shape, dtypeArg('full', dtype));
  const d = allocate(dtypeArg('full', dtype), sizeOf(shape));
  if (value !== 0) d.fill(value);
  return new Tensor(d, shape);
}

export const zeros = (shape: Shape, dtype: DTypeArg = 'float32'): Tensor => full(shape, 0, dtype);
export const ones = (shape: Shape, dtype: DTypeArg = 'float32'): Tensor => full(shape, 1, dtype);
export const zerosLike = (t: Tensor): Tensor => full(t.shape, 0, t.dtype);
export const onesLike = (t: Tensor): Tensor => full(t.shape, 1, t.dtype);
export function scalar(v: number, dtype: DType = 'float32'): Tensor {
  if (typeof v !== 'number') fail('scalar', `value must be a number, got ${describeValue(v)}`);
  return full([], v, dtype);
}

export interface RandomOptions { dtype?: DType; seed?: number; rng?: Random }
const RANDOM_OPTIONS = optionKeys<RandomOptions>({ dtype: true, seed: true, rng: true });

function randomArgs(op: string, shape: Shape, a: unknown, aName: string, b: unknown, bName: string, opts: RandomOptions): Random {
  shapeArg(op, shape);
  checkNumber(op, aName, a);
  checkNumber(op, bName, b);
  checkOptions(op, opts, RANDOM_OPTIONS);
  checkNumber(op, 'seed', opts.seed, { integer: true });
  if (opts.rng !== undefined && !(opts.rng instanceof Random)) fail(op, `rng must be an lt.Random, got ${describeValue(opts.rng)}`);
  return opts.rng ?? (opts.seed !== undefined ? new Random(opts.seed) : getGlobalRandom());
}

/** Uniform samples in [lo, hi) from a seeded generator (or the global one). */
export function randomUniform(shape: Shape, lo = 0, hi = 1, opts: RandomOptions = {}): Tensor {
  const rng = randomArgs('randomUniform', shape, lo, 'lo', hi, 'hi', opts);
  const t = full(shape, 0, opts.dtype);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniformRange(lo, hi);
  return t;
}

/** Normal samples N(mean, stddev²) from a seeded generator (or the global one). */
export function randomNormal(shape: Shape, mean = 0, stddev = 1, opts: RandomOptions = {}): Tensor {
  const rng = randomArgs('randomNormal', shape, mean, 'mean', stddev, 'stddev', opts);
  const t = full(shape, 0, opts.dtype);
  for (let i = 0; i < t.size; i++) t.data[i] = mean + stddev * rng.normal();
  return t;
}
