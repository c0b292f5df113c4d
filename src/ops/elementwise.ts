// Shared machinery for element-wise ops: dtype agreement, NumPy broadcasting in the forward pass, and
// its adjoint in the backward pass (sum the gradient over the broadcast axes: `sumToShape`).

import { Tensor, allocate, type TypedArray } from '../tensor/tensor.js';
import { broadcastShapes, broadcastStrides, sameShape, sizeOf, shapeStr, fail, type Shape } from '../tensor/shape.js';

export function checkDtypes(op: string, a: Tensor, b: Tensor): void {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) fail(op, 'both arguments must be Tensors');
  if (a.dtype !== b.dtype) fail(op, `dtypes differ: ${a.dtype} and ${b.dtype} (cast one of them first)`);
}

/** out = f(a, b) with broadcasting. Fast paths for equal shapes and a scalar/row operand. */
export function broadcastBinary(op: string, a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  checkDtypes(op, a, b);
  if (sameShape(a.shape, b.shape)) {
    const out = allocate(a.dtype, a.size);
    const ad = a.data;
    const bd = b.data;
    for (let i = 0; i < out.length; i++) out[i] = f(ad[i], bd[i]);
    return new Tensor(out, a.shape);
  }
  const shape = broadcastShapes(op, a.shape, b.shape);
  const n = sizeOf(shape);
  const out = allocate(a.dtype, n);
  const ad = a.data;
  const bd = b.data;
  // Trailing-suffix fast path: b is a suffix of a (e.g. bias [4H] added to [B, 4H]) or vice versa.
  if (shape.length === a.shape.length && sameShape(shape, a.shape) && isSuffix(b.shape, a.shape)) {
    const m = b.size;
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) out[i + j] = f(ad[i + j], bd[j]);
    return new Tensor(out, shape);
  }
  if (shape.length === b.shape.length && sameShape(shape, b.shape) && isSuffix(a.shape, b.shape)) {
    const m = a.size;
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) out[i + j] = f(ad[j], bd[i + j]);
    return new Tensor(out, shape);
  }
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  const idx = new Array<number>(shape.length).fill(0);
  let ia = 0;
  let ib = 0;
  for (let i = 0; i < n; i++) {
    out[i] = f(ad[ia], bd[ib]);
    for (let k = shape.length - 1; k >= 0; k--) {
      idx[k]++;
      ia += sa[k];
      ib += sb[k];
      if (idx[k] < shape[k]) break;
      ia -= sa[k] * shape[k];
      ib -= sb[k] * shape[k];
      idx[k] = 0;
    }
  }
  return new Tensor(out, shape);
}

/** The four arithmetic ops that get hand-written loops (see binaryArith). */
export type ArithOp = 'add' | 'sub' | 'mul' | 'div';

const ARITH: Record<ArithOp, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
};

/**
 * a (op) b with broadcasting, like broadcastBinary, but with one plain loop per op for the shapes that
 * matter (equal shapes, a scalar, a bias row repeated over leading axes). Why: broadcastBinary calls its
 * closure per element through one shared call site; once add, mul, ... have all passed through it V8 can
 * no longer inline the closure and mul runs ~5× slower than a plain loop (bench/matmul.ts, element-wise part).
 */
export function binaryArith(op: ArithOp, a: Tensor, b: Tensor, name: string = op): Tensor {
  checkDtypes(name, a, b);
  const ad = a.data;
  const bd = b.data;
  if (sameShape(a.shape, b.shape)) {
    const out = allocate(a.dtype, a.size);
    loop(op, ad, bd, out, 0, 0, 0, out.length);
    return new Tensor(out, a.shape);
  }
  const shape = broadcastShapes(name, a.shape, b.shape);
  const n = sizeOf(shape);
  if (sameShape(shape, a.shape) && isSuffix(b.shape, a.shape)) {
    const out = allocate(a.dtype, n);
    const m = b.size;
    if (m === 1) loopScalarB(op, ad, bd[0], out);
    else for (let i = 0; i < n; i += m) loop(op, ad, bd, out, i, 0, i, m);
    return new Tensor(out, shape);
  }
  if (sameShape(shape, b.shape) && isSuffix(a.shape, b.shape)) {
    const out = allocate(a.dtype, n);
    const m = a.size;
    for (let i = 0; i < n; i += m) loop(op, ad, bd, out, 0, i, i, m);
    return new Tensor(out, shape);
  }
  // b constant over trailing axes (a mask [B, 1] against states [B, H]): one b value per block of `inner`.
  if (sameShape(shape, a.shape) && a.size > 0) {
    const inner = prefixInner(b.shape, a.shape);
    if (inner > 0) {
      const out = allocate(a.dtype, n);
      for (let o = 0, i = 0; i < n; o++, i += inner) loopScalarAt(op, ad, bd[o], out, i, inner, false);
      return new Tensor(out, shape);
    }
  }
  if (sameShape(shape, b.shape) && b.size > 0) {
    const inner = prefixInner(a.shape, b.shape);
    if (inner > 0) {
      const out = allocate(a.dtype, n);
      for (let o = 0, i = 0; i < n; o++, i += inner) loopScalarAt(op, bd, ad[o], out, i, inner, true);
      return new Tensor(out, shape);
    }
  }
  return broadcastBinary(name, a, b, ARITH[op]);
}

/** out[o+i] = a[ia+i] (op) b[ib+i] for i < n. */
function loop(op: ArithOp, a: TypedArray, b: TypedArray, out: TypedArray, ia: number, ib: number, o: number, n: number): void {
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] + b[ib + i]; break;
    case 'sub': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] - b[ib + i]; break;
    case 'mul': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] * b[ib + i]; break;
    case 'div': for (let i = 0; i < n; i++) out[o + i] = a[ia + i] / b[ib + i]; break;
  }
}

function loopScalarB(op: ArithOp, a: TypedArray, s: number, out: TypedArray): void {
  const n = out.length;
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[i] = a[i] + s; break;
    case 'sub': for (let i = 0; i < n; i++) out[i] = a[i] - s; break;
    case 'mul': for (let i = 0; i < n; i++) out[i] = a[i] * s; break;
    case 'div': for (let i = 0; i < n; i++) out[i] = a[i] / s; break;
  }
}

/**
 * out[o+i] = v[o+i] (op) s for i < n, or s (op) v[o+i] when `scalarFirst` (the scalar is the left operand).
 */
function loopScalarAt(op: ArithOp, v: TypedArray, s: number, out: TypedArray, o: number, n: number, scalarFirst: boolean): void {
  const end = o + n;
  switch (op) {
    case 'add': for (let i = o; i < end; i++) out[i] = v[i] + s; break;
    case 'mul': for (let i = o; i < end; i++) out[i] = v[i] * s; break;
    case 'sub':
      if (scalarFirst) for (let i = o; i < end; i++) out[i] = s - v[i];
      else for (let i = o; i < end; i++) out[i] = v[i] - s;
      break;
    case 'div':
      if (scalarFirst) for (let i = o; i < end; i++) out[i] = s / v[i];
      else for (let i = o; i < end; i++) out[i] = v[i] / s;
      break;
  }
}

/**
 * If `s` (same rank as `full`) equals full's leading axes followed only by 1s — so each element of s covers
 * one contiguous block of the broadcast result — the block length; else 0.
 */
export function prefixInner(s: Shape, full: Shape): number {
  if (s.length !== full.length) return 0;
  let k = s.length;
  while (k > 0 && s[k - 1] === 1) k--;
  for (let i = 0; i < k; i++) if (s[i] !== full[i]) return 0;
  let inner = 1;
  for (let i = k; i < full.length; i++) inner *= full[i];
  return inner;
}

/** −x element-wise (a plain loop; see binaryArith for why not mapUnary). */
export function negData(x: Tensor): Tensor {
  const out = allocate(x.dtype, x.size);
  const d = x.data;
  for (let i = 0; i < out.length; i++) out[i] = -d[i];
  return new Tensor(out, x.shape);
}

/** True if `s` equals the trailing axes of `full` (leading 1s in `s` allowed). */
function isSuffix(s: Shape, full: Shape): boolean {
  let i = s.length - 1;
  let j = full.length - 1;
  for (; i >= 0; i--, j--) {
    if (j < 0) {
      if (s[i] !== 1) return false;
      continue;
    }
    if (s[i] !== full[j]) return false;
  }
  return true;
}

/** out = f(x) element-wise. */
export function mapUnary(x: Tensor, f: (v: number) => number): Tensor {
  const out = allocate(x.dtype, x.size);
  const d = x.data;
  for (let i = 0; i < out.length; i++) out[i] = f(d[i]);
  return new Tensor(out, x.shape);
}

/** out[i] = f(a[i], b[i]) for same-shape tensors (used by backward closures). */
export function zipSame(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const out = allocate(a.dtype, a.size);
  const ad = a.data;
  const bd = b.data;
  for (let i = 0; i < out.length; i++) out[i] = f(ad[i], bd[i]);
  return new Tensor(out, a.shape);
}

/**
 * The adjoint of broadcasting `shape` up to `g.shape`: sums g over the axes that were added or stretched.
 * Returns g itself when no reduction is needed.
 */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const n = sizeOf(shape);
  const out = allocate(g.dtype, n);
  const gs = g.shape;
  if (sizeOf(shape) === 0 || g.size === 0) return new Tensor(out, shape);
  // Suffix fast path (bias gradients): sum over leading rows.
  // Accumulate in float64 and round once, as `sum` does (TF's Eigen reductions use a tree order that cannot be
  // reproduced element for element; a float64 sum is the more accurate and, measured, the closer choice).
  if (isSuffix(shape, gs)) {
    const acc = new Float64Array(n);
    const gd = g.data;
    for (let i = 0; i < g.size; i += n) for (let j = 0; j < n; j++) acc[j] += gd[i + j];
    out.set(acc);
    return new Tensor(out, shape);
  }
  // Prefix fast path (a [B, 1] mask's gradient): sum each contiguous block.
  const inner = prefixInner(shape, gs);
  if (inner > 0) {
    const gd = g.data;
    for (let o = 0, i = 0; o < n; o++) {
      let acc = 0;
      for (const end = i + inner; i < end; i++) acc += gd[i];
      out[o] = acc;
    }
    return new Tensor(out, shape);
  }
  if (shape.length > gs.length) fail('sumToShape', `cannot reduce ${shapeStr(gs)} to larger rank ${shapeStr(shape)}`);
  const st = broadcastStrides(shape, gs);
  const idx = new Array<number>(gs.length).fill(0);
  const acc = new Float64Array(n);
  let io = 0;
  for (let i = 0; i < g.size; i++) {
    acc[io] += g.data[i];
    for (let k = gs.length - 1; k >= 0; k--) {
      idx[k]++;
      io += st[k];
      if (idx[k] < gs[k]) break;
      io -= st[k] * gs[k];
      idx[k] = 0;
    }
  }
  out.set(acc);
  return new Tensor(out, shape);
}
