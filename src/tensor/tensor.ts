// The Tensor: a dense, row-major (C order) block of float32 or float64 numbers with a shape, plus the
// few fields reverse-mode autodiff needs (requiresGrad, grad, and the graph node that produced it).
// Tensors are immutable from the point of view of ops: every op allocates its output. Only leaves
// (weights) are updated in place, by optimizers and setWeights, through `assign`.
//
// Version counter (PyTorch's `_version`, torch/csrc/autograd/variable.h): every in-place write bumps it, and
// tensors that share one buffer (`detach()`) share one counter. An op that keeps a tensor for its backward
// records the version it saw; backward() refuses to run when the version moved on, instead of silently
// differentiating against the overwritten values (docs/autodiff.md "In-place writes").

import { type Shape, sizeOf, shapeStr, stridesOf, sameShape, fail, checkShape } from './shape.js';
import type { GraphNode } from '../autograd/node.js';
import { runBackward, type BackwardOptions } from '../autograd/engine.js';

export type DType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array;
/** A nested JS array of numbers (any depth), as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

/**
 * The most elements one tensor may hold: 2^31 − 1, the int32 index range the kernels (and the native addon's
 * checks) use. A larger request is a mistake in a size argument, not something to start allocating.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 31 - 1;

/** Refuses a size no tensor can have, naming what asked for it, the shape and the bytes. */
export function checkTensorSize(op: string, what: string, shape: readonly number[], dtype: DType): void {
  let n = 1;
  for (const d of shape) n *= d;
  if (n > MAX_TENSOR_ELEMENTS) {
    const bytes = n * (dtype === 'float64' ? 8 : 4);
    fail(op, `${what} of shape [${shape.join(', ')}] would hold ${n.toExponential(3)} elements (${(bytes / 2 ** 30).toFixed(1)} GiB as ${dtype}); ` +
      `a tensor holds at most 2^31 − 1 elements: check the size arguments`);
  }
}

export function allocate(dtype: DType, n: number): TypedArray {
  if (!(n <= MAX_TENSOR_ELEMENTS)) {
    fail('allocate', `cannot allocate ${n} elements (${((n * (dtype === 'float64' ? 8 : 4)) / 2 ** 30).toFixed(1)} GiB as ${dtype}); a tensor holds at most 2^31 − 1 elements`);
  }
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export function dtypeOf(data: TypedArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

let nextId = 1;

/** The shared counter of one buffer: tensors that alias the same data (detach) hold the same object. */
interface VersionCounter {
  n: number;
}

export class Tensor {
  /** Unique id (stable ordering in the autodiff engine and for debugging). */
  readonly id: number;
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** True for leaves the user wants gradients for, and for every op output that depends on one. */
  requiresGrad: boolean;
  /** Accumulated gradient (leaves only), same shape and dtype; null until a backward pass reaches it. */
  grad: Tensor | null = null;
  /** The op node that produced this tensor (null for leaves and for outputs computed without recording). */
  gradFn: GraphNode | null = null;
  /** Which output of `gradFn` this tensor is (ops like split or lstmSequence have several). */
  outputIndex = 0;
  /** Optional name (weights carry Keras-style names such as `lstm/lstm_cell/kernel`). */
  name?: string;

  /** Bumped by every in-place write to the buffer; shared with tensors that alias it. */
  private versionCounter: VersionCounter = { n: 0 };

  constructor(data: TypedArray, shape: Shape, requiresGrad = false) {
    if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
      const got = data === null ? 'null' : ArrayBuffer.isView(data) ? (data as object).constructor.name : Array.isArray(data) ? 'a JS array' : typeof data;
      fail('Tensor', `data must be a Float32Array or Float64Array, got ${got}; use lt.tensor(values, shape?, dtype?) to convert`);
    }
    if (typeof requiresGrad !== 'boolean') fail('Tensor', `requiresGrad must be a boolean, got ${typeof requiresGrad}`);
    checkShape('Tensor', 'shape', shape);
    if (data.length !== sizeOf(shape)) {
      fail('Tensor', `data has ${data.length} elements but shape ${shapeStr(shape)} needs ${sizeOf(shape)}`);
    }
    this.id = nextId++;
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
    this.requiresGrad = requiresGrad;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  get strides(): number[] {
    return stridesOf(this.shape);
  }

  /** True when this tensor was not produced by a recorded op. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) fail('item', `tensor must have exactly one element, got shape ${shapeStr(this.shape)}`);
    return this.data[0];
  }

  /** Nested JS arrays (a number for a scalar). */
  toArray(): NestedArray {
    const { data, shape } = this;
    if (shape.length === 0) return data[0];
    const st = this.strides;
    const build = (axis: number, off: number): NestedArray[] => {
      const out: NestedArray[] = new Array(shape[axis]);
      if (axis === shape.length - 1) {
        for (let i = 0; i < shape[axis]; i++) out[i] = data[off + i];
      } else {
        for (let i = 0; i < shape[axis]; i++) out[i] = build(axis + 1, off + i * st[axis]);
      }
      return out;
    };
    return build(0, 0);
  }

  /** A flat JS array copy of the data. */
  toFlatArray(): number[] {
    return Array.from(this.data);
  }

  /**
   * How many in-place writes its buffer has had (assign, optimizer updates, stored RNN states). Ops that save
   * a tensor for backward record it; backward() fails if it changed (PyTorch `_version`).
   */
  get version(): number {
    return this.versionCounter.n;
  }

  /**
   * Records an in-place write to `data`. `assign` and the optimizers call it; call it yourself after writing
   * into `t.data` directly, so that a backward pass that still needs the old values fails instead of using
   * the new ones.
   */
  bumpVersion(): void {
    this.versionCounter.n++;
  }

  /**
   * A new leaf sharing nothing with the graph: same values, no gradient history. It shares the buffer (and so
   * the version counter) with this tensor: a later write to either is seen by both, as with PyTorch's detach.
   */
  detach(): Tensor {
    const t = new Tensor(this.data, this.shape, false);
    t.versionCounter = this.versionCounter;
    return t;
  }

  /** A deep copy (new buffer), as a leaf. */
  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape, false);
  }

  /** Copies of the data in another dtype (a new leaf). */
  cast(dtype: DType): Tensor {
    if (dtype !== 'float32' && dtype !== 'float64') fail('cast', `dtype must be 'float32' or 'float64', got ${String(dtype)}`);
    if (dtype === this.dtype) return this.clone();
    const out = allocate(dtype, this.size);
    out.set(this.data);
    return new Tensor(out, this.shape, false);
  }

  /**
   * In-place overwrite of a leaf's values (setWeights, optimizers, stateful RNN states).
   * Shapes must match exactly; values are converted to this tensor's dtype.
   */
  assign(values: Tensor | TypedArray | ArrayLike<number>): this {
    if (values instanceof Tensor) {
      if (!sameShape(values.shape, this.shape)) {
        fail('assign', `value shape ${shapeStr(values.shape)} does not match variable shape ${shapeStr(this.shape)}`);
      }
      this.data.set(values.data);
    } else {
      if (values === null || typeof values !== 'object' || typeof (values as ArrayLike<number>).length !== 'number') {
        fail('assign', `values must be a Tensor, a typed array or an array of numbers, got ${values === null ? 'null' : typeof values}`);
      }
      if (values.length !== this.size) fail('assign', `value has ${values.length} elements, variable needs ${this.size}`);
      if (!ArrayBuffer.isView(values)) {
        for (let i = 0; i < values.length; i++) {
          if (typeof values[i] !== 'number') {
            fail('assign', `values[${i}] must be a number, got ${typeof values[i]} (${JSON.stringify(values[i])})`);
          }
        }
      }
      this.data.set(values as ArrayLike<number>);
    }
    this.bumpVersion();
    return this;
  }

  /** Marks this leaf as trainable (returns this for chaining). */
  requireGrad(flag = true): this {
    if (!this.isLeaf && !flag) fail('requireGrad', 'only leaves can be switched off; use detach() on op outputs');
    this.requiresGrad = flag;
    return this;
  }

  /** Clears the accumulated gradient. */
  zeroGrad(): void {
    this.grad = null;
  }

  /**
   * Reverse-mode autodiff from this tensor. Without a seed the tensor must be a scalar (one element) and
   * the seed is 1; with a seed, the seed must have this tensor's shape. Gradients accumulate into the
   * `grad` of every leaf with `requiresGrad` (call zeroGrad between steps, as in PyTorch).
   * Like PyTorch, a backward pass frees what the ops saved for it: running backward through the same graph
   * again throws, unless the first pass was given `{ retainGraph: true }` (docs/autodiff.md).
   */
  backward(seed?: Tensor | null, options?: BackwardOptions): void {
    runBackward(this, seed ?? undefined, options);
  }

  toString(): string {
    return `Tensor(${this.dtype}, ${shapeStr(this.shape)})`;
  }
}
