// Ops that move elements without changing them: reshape, transpose, concat/split, slice, stack/unstack.
// Each backward is the inverse movement applied to the gradient (reshape back, transpose by the inverse
// permutation, split what was concatenated, scatter a slice into zeros, ...).
//
// Most of them view a tensor as [outer, axisLen·inner] around one axis: along that axis, the elements of
// one outer index form a contiguous run, so concat/split/stack are block copies with TypedArray.set.

import { Tensor, allocate, type TypedArray } from '../tensor/tensor.js';
import { type Shape, fail, normAxis, shapeStr, sizeOf, stridesOf, sameShape } from '../tensor/shape.js';
import { record, recordMulti, SHAPES_ONLY } from '../autograd/node.js';

function checkTensor(op: string, arg: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) fail(op, `${arg} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
}

/** An argument that must be an array of integers (shape, perm, begin, size, sizes). */
function checkInts(op: string, arg: string, v: unknown): asserts v is readonly number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== 'number' || !Number.isInteger(d))) {
    fail(op, `${arg} must be an array of integers, got ${v === null ? 'null' : Array.isArray(v) ? JSON.stringify(v) : typeof v}`);
  }
}

function outerInner(shape: Shape, axis: number): { outer: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, inner };
}

// ---------------------------------------------------------------------------------------------- reshape

/** Same elements in row-major order, new shape; one entry may be −1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'x', x);
  checkInts('reshape', 'shape', shape);
  const target = shape.slice();
  let infer = -1;
  let known = 1;
  for (let i = 0; i < target.length; i++) {
    const d = target[i];
    if (d === -1) {
      if (infer >= 0) fail('reshape', `only one -1 is allowed in shape ${shapeStr(shape)}`);
      infer = i;
    } else if (!Number.isInteger(d) || d < 0) {
      fail('reshape', `shape must hold non-negative integers or one -1, got ${shapeStr(shape)}`);
    } else known *= d;
  }
  if (infer >= 0) {
    if (known === 0 || x.size % known !== 0) {
      fail('reshape', `cannot infer -1 in ${shapeStr(shape)} for ${x.size} elements (input shape ${shapeStr(x.shape)})`);
    }
    target[infer] = x.size / known;
  } else if (known !== x.size) {
    fail('reshape', `cannot reshape ${shapeStr(x.shape)} (${x.size} elements) to ${shapeStr(shape)} (${known} elements)`);
  }
  // Copy (not alias) so that an in-place update of a leaf never changes a value already computed from it.
  const y = new Tensor(x.data.slice(), target);
  return record('reshape', [x], y, (gy) => [new Tensor(gy.data, x.shape)], SHAPES_ONLY);
}

// -------------------------------------------------------------------------------------------- transpose

function checkPerm(op: string, perm: readonly number[], rank: number): number[] {
  checkInts(op, 'perm', perm);
  if (perm.length !== rank) fail(op, `perm [${perm.join(', ')}] must have ${rank} entries (the rank of x)`);
  const p = perm.map((a) => normAxis(op, a, rank));
  const seen = new Set(p);
  if (seen.size !== rank) fail(op, `perm [${perm.join(', ')}] is not a permutation of 0..${rank - 1}`);
  return p;
}

/** y[i₀..] = x permuted: y.shape[k] = x.shape[perm[k]]. */
function permuteData(x: TypedArray, shape: Shape, perm: number[]): TypedArray {
  const rank = shape.length;
  const out = allocate(x instanceof Float64Array ? 'float64' : 'float32', x.length);
  if (out.length === 0) return out;
  if (rank <= 1) {
    out.set(x); // a scalar or a vector: the only permutation is the identity
    return out;
  }
  if (rank === 2 && perm[0] === 1) {
    const R = shape[0];
    const C = shape[1];
    for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = x[r * C + c];
    return out;
  }
  const xst = stridesOf(shape);
  const oshape = perm.map((p) => shape[p]);
  const st = perm.map((p) => xst[p]); // stride in x of each output axis
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  const last = rank - 1;
  const lastN = oshape[last];
  const lastSt = st[last];
  // Walk the output in order; the innermost output axis is a strided run through x.
  for (let i = 0; i < out.length; i += lastN) {
    for (let j = 0, s = src; j < lastN; j++, s += lastSt) out[i + j] = x[s];
    for (let k = last - 1; k >= 0; k--) {
      idx[k]++;
      src += st[k];
      if (idx[k] < oshape[k]) break;
      src -= st[k] * oshape[k];
      idx[k] = 0;
    }
  }
  return out;
}

/** Permutes axes (Keras Permute / tf.transpose); perm defaults to reversing all axes. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkTensor('transpose', 'x', x);
  const p = perm === undefined ? Array.from({ length: x.rank }, (_, i) => x.rank - 1 - i) : checkPerm('transpose', perm, x.rank);
  const y = new Tensor(permuteData(x.data, x.shape, p), p.map((a) => x.shape[a]));
  const inv = new Array<number>(p.length);
  p.forEach((a, k) => (inv[a] = k));
  return record('transpose', [x], y, (gy) => [new Tensor(permuteData(gy.data, gy.shape, inv), x.shape)], SHAPES_ONLY);
}

/** Alias of transpose (Keras `Permute` vocabulary). */
export const permute = transpose;

// ---------------------------------------------------------------------------------------- concat / split

/** Joins tensors along `axis`; all other dimensions must agree. */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) fail('concat', 'xs must be a non-empty array of Tensors');
  xs.forEach((t, i) => checkTensor('concat', `xs[${i}]`, t));
  const first = xs[0];
  if (first.rank === 0) fail('concat', 'cannot concatenate scalars (rank 0); use stack');
  const ax = normAxis('concat', axis, first.rank);
  let total = 0;
  xs.forEach((t, i) => {
    if (t.dtype !== first.dtype) fail('concat', `dtypes differ: xs[0] is ${first.dtype}, xs[${i}] is ${t.dtype}`);
    if (t.rank !== first.rank) fail('concat', `ranks differ: xs[0] is ${shapeStr(first.shape)}, xs[${i}] is ${shapeStr(t.shape)}`);
    for (let k = 0; k < t.rank; k++) {
      if (k !== ax && t.shape[k] !== first.shape[k]) {
        fail('concat', `shapes differ outside axis ${ax}: xs[0] is ${shapeStr(first.shape)}, xs[${i}] is ${shapeStr(t.shape)}`);
      }
    }
    total += t.shape[ax];
  });
  const shape = first.shape.slice();
  shape[ax] = total;
  const { outer, inner } = outerInner(shape, ax);
  const out = allocate(first.dtype, sizeOf(shape));
  const rowLen = total * inner;
  let colOff = 0;
  for (const t of xs) {
    const w = t.shape[ax] * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * w, (o + 1) * w), o * rowLen + colOff);
    colOff += w;
  }
  const y = new Tensor(out, shape);
  return record('concat', xs, y, (gy) => {
    const sizes = xs.map((t) => t.shape[ax]);
    return splitData(gy, sizes, ax).map((g, i) => (xs[i].requiresGrad ? g : null));
  }, SHAPES_ONLY);
}

/** Pieces of `x` along `ax` with the given sizes (no checks; used by split and concat's backward). */
function splitData(x: Tensor, sizes: number[], ax: number): Tensor[] {
  const { outer, inner } = outerInner(x.shape, ax);
  const rowLen = x.shape[ax] * inner;
  let colOff = 0;
  return sizes.map((s) => {
    const shape = x.shape.slice();
    shape[ax] = s;
    const w = s * inner;
    const out = allocate(x.dtype, outer * w);
    for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * rowLen + colOff, o * rowLen + colOff + w), o * w);
    colOff += w;
    return new Tensor(out, shape);
  });
}

/**
 * Splits `x` along `axis` into `count` equal parts (a number, which must divide the axis) or into parts of
 * the given sizes (which must sum to the axis length; one size may be −1, as in tf.split).
 */
export function split(x: Tensor, sizesOrCount: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('split', 'x', x);
  if (typeof sizesOrCount !== 'number') checkInts('split', 'sizesOrCount', sizesOrCount);
  if (x.rank === 0) fail('split', 'cannot split a scalar');
  const ax = normAxis('split', axis, x.rank);
  const len = x.shape[ax];
  let sizes: number[];
  if (typeof sizesOrCount === 'number') {
    const n = sizesOrCount;
    if (!Number.isInteger(n) || n <= 0) fail('split', `count must be a positive integer, got ${n}`);
    if (len % n !== 0) fail('split', `axis ${ax} of shape ${shapeStr(x.shape)} has length ${len}, not divisible into ${n} equal parts`);
    sizes = new Array<number>(n).fill(len / n);
  } else {
    sizes = Array.from(sizesOrCount);
    const neg = sizes.filter((s) => s === -1).length;
    if (neg > 1) fail('split', `at most one size may be -1, got [${sizes.join(', ')}]`);
    for (const s of sizes) if (s !== -1 && (!Number.isInteger(s) || s < 0)) fail('split', `sizes must be non-negative integers, got [${sizes.join(', ')}]`);
    const known = sizes.reduce((p, s) => (s === -1 ? p : p + s), 0);
    if (neg === 1) {
      if (known > len) fail('split', `sizes [${sizes.join(', ')}] exceed axis ${ax} length ${len} of shape ${shapeStr(x.shape)}`);
      sizes[sizes.indexOf(-1)] = len - known;
    } else if (known !== len) {
      fail('split', `sizes [${sizes.join(', ')}] sum to ${known} but axis ${ax} of shape ${shapeStr(x.shape)} has length ${len}`);
    }
  }
  const ys = splitData(x, sizes, ax);
  return recordMulti('split', [x], ys, (gs) => [concatGrads(gs, ys, ax, x)], SHAPES_ONLY);
}

/** Concatenates output gradients along `ax`, treating a missing one as zeros. */
function concatGrads(gs: (Tensor | null)[], ys: Tensor[], ax: number, x: Tensor): Tensor {
  const { outer, inner } = outerInner(x.shape, ax);
  const out = allocate(x.dtype, x.size);
  const rowLen = x.shape[ax] * inner;
  let colOff = 0;
  gs.forEach((g, i) => {
    const w = ys[i].shape[ax] * inner;
    if (g !== null) for (let o = 0; o < outer; o++) out.set(g.data.subarray(o * w, (o + 1) * w), o * rowLen + colOff);
    colOff += w;
  });
  return new Tensor(out, x.shape);
}

// ------------------------------------------------------------------------------------------------ slice

/**
 * x[begin₀ : begin₀+size₀, ...] (tf.slice). `size[k] = -1` takes everything from begin[k] to the end.
 * Backward writes the gradient into a zero tensor of x's shape at the same place.
 */
export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  checkTensor('slice', 'x', x);
  checkInts('slice', 'begin', begin);
  checkInts('slice', 'size', size);
  const r = x.rank;
  if (begin.length !== r || size.length !== r) {
    fail('slice', `begin [${begin.join(', ')}] and size [${size.join(', ')}] must each have ${r} entries for x of shape ${shapeStr(x.shape)}`);
  }
  const sz = new Array<number>(r);
  for (let k = 0; k < r; k++) {
    const b = begin[k];
    const s = size[k] === -1 ? x.shape[k] - b : size[k];
    if (!Number.isInteger(b) || !Number.isInteger(s) || b < 0 || s < 0 || b + s > x.shape[k]) {
      fail('slice', `axis ${k}: begin ${b} with size ${size[k]} is out of range for dimension ${x.shape[k]} (x shape ${shapeStr(x.shape)})`);
    }
    sz[k] = s;
  }
  const out = allocate(x.dtype, sizeOf(sz));
  copyBox(x.data, x.shape, begin, out, sz, true);
  const y = new Tensor(out, sz);
  return record('slice', [x], y, (gy) => {
    const g = allocate(gy.dtype, x.size);
    copyBox(g, x.shape, begin, gy.data, sz, false);
    return [new Tensor(g, x.shape)];
  }, SHAPES_ONLY);
}

/**
 * Copies between a box of `big` (origin `begin`, extent `box`) and the dense `small`:
 * toSmall ? small ← big[box] : big[box] ← small. Innermost axis is a contiguous run.
 */
function copyBox(big: TypedArray, bigShape: Shape, begin: readonly number[], small: TypedArray, box: number[], toSmall: boolean): void {
  const r = box.length;
  if (small.length === 0) return;
  if (r === 0) {
    if (toSmall) small[0] = big[0];
    else big[0] = small[0];
    return;
  }
  const st = stridesOf(bigShape);
  let base = 0;
  for (let k = 0; k < r; k++) base += begin[k] * st[k];
  const run = box[r - 1];
  const idx = new Array<number>(r).fill(0);
  let off = base;
  for (let i = 0; i < small.length; i += run) {
    if (toSmall) small.set(big.subarray(off, off + run), i);
    else big.set(small.subarray(i, i + run), off);
    for (let k = r - 2; k >= 0; k--) {
      idx[k]++;
      off += st[k];
      if (idx[k] < box[k]) break;
      off -= st[k] * box[k];
      idx[k] = 0;
    }
  }
}

// ------------------------------------------------------------------------------------- stack / unstack

/** Stacks same-shape tensors along a new axis (−1 = new last axis). */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) fail('stack', 'xs must be a non-empty array of Tensors');
  xs.forEach((t, i) => checkTensor('stack', `xs[${i}]`, t));
  const first = xs[0];
  xs.forEach((t, i) => {
    if (t.dtype !== first.dtype) fail('stack', `dtypes differ: xs[0] is ${first.dtype}, xs[${i}] is ${t.dtype}`);
    if (!sameShape(t.shape, first.shape)) fail('stack', `shapes differ: xs[0] is ${shapeStr(first.shape)}, xs[${i}] is ${shapeStr(t.shape)}`);
  });
  const ax = normAxis('stack', axis, first.rank + 1);
  const shape = first.shape.slice();
  shape.splice(ax, 0, xs.length);
  const { outer, inner } = outerInner(shape, ax);
  const n = xs.length;
  const out = allocate(first.dtype, sizeOf(shape));
  xs.forEach((t, i) => {
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * inner, (o + 1) * inner), (o * n + i) * inner);
  });
  const y = new Tensor(out, shape);
  return record('stack', xs, y, (gy) => unstackData(gy, ax).map((g, i) => (xs[i].requiresGrad ? g : null)), SHAPES_ONLY);
}

function unstackData(x: Tensor, ax: number): Tensor[] {
  const { outer, inner } = outerInner(x.shape, ax);
  const n = x.shape[ax];
  const shape = x.shape.filter((_, k) => k !== ax);
  const res: Tensor[] = [];
  for (let i = 0; i < n; i++) {
    const out = allocate(x.dtype, outer * inner);
    for (let o = 0; o < outer; o++) out.set(x.data.subarray((o * n + i) * inner, (o * n + i + 1) * inner), o * inner);
    res.push(new Tensor(out, shape));
  }
  return res;
}

/** The slices of `x` along `axis`, each without that axis (tf.unstack). */
export function unstack(x: Tensor, axis = 0): Tensor[] {
  checkTensor('unstack', 'x', x);
  if (x.rank === 0) fail('unstack', 'cannot unstack a scalar');
  const ax = normAxis('unstack', axis, x.rank);
  const ys = unstackData(x, ax);
  return recordMulti('unstack', [x], ys, (gs) => {
    const { outer, inner } = outerInner(x.shape, ax);
    const n = x.shape[ax];
    const out = allocate(x.dtype, x.size);
    gs.forEach((g, i) => {
      if (g === null) return;
      for (let o = 0; o < outer; o++) out.set(g.data.subarray(o * inner, (o + 1) * inner), (o * n + i) * inner);
    });
    return [new Tensor(out, x.shape)];
  }, SHAPES_ONLY);
}
