// Shape arithmetic shared by every op: sizes, strides, NumPy broadcasting, and the error messages
// that name the operation, the argument and the expected vs actual shapes.

export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar `[]`). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Error thrown for bad arguments; the message always starts with the op name. */
export class LstmTsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LstmTsError';
  }
}

export function fail(op: string, msg: string): never {
  throw new LstmTsError(`${op}: ${msg}`);
}

/** Checks that a shape is a list of non-negative integers. */
export function checkShape(op: string, arg: string, shape: Shape): void {
  if (!Array.isArray(shape)) fail(op, `${arg} must be an array of non-negative integers, got ${shape === null ? 'null' : typeof shape}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) fail(op, `${arg} must be a shape of non-negative integers, got ${shapeStr(shape)}`);
  }
}

/**
 * NumPy broadcasting: align trailing axes; each pair must be equal or one of them 1.
 * Throws naming the op and both shapes.
 */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else fail(op, `shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast together (axis ${i}: ${da} vs ${db})`);
  }
  return out;
}

/** Strides of `shape` viewed inside the broadcast shape `out` (0 on broadcast axes). */
export function broadcastStrides(shape: Shape, out: Shape): number[] {
  const st = stridesOf(shape);
  const res = new Array<number>(out.length).fill(0);
  const off = out.length - shape.length;
  for (let i = 0; i < shape.length; i++) res[i + off] = shape[i] === 1 ? 0 : st[i];
  return res;
}

/** Normalises a possibly negative axis against a rank, with a clear error. */
export function normAxis(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) fail(op, `axis ${axis} is out of range for a tensor of rank ${rank}`);
  return a;
}
