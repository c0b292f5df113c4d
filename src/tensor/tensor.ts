// The Tensor: a dense, row-major (C order) block of float32 or float64 numbers with a shape, plus the
// few fields reverse-mode autodiff needs (requiresGrad, grad, and the graph node that produced it).
// Tensors are immutable from the point of view of ops: every op allocates its output. Only leaves
// (weights) are updated in place, by optimizers and setWeights, through `assign`.

import { type Shape, sizeOf, shapeStr, stridesOf, sameShape, fail, checkShape } from './shape.js';
import type { GraphNode } from '../autograd/node.js';
import { runBackward } from '../autograd/engine.js';

export type DType = 'float32' | 'float64';
export type TypedArray = Float32Array | Float64Array;
/** A nested JS array of numbers (any depth), as `toArray()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

export function allocate(dtype: DType, n: number): TypedArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export function dtypeOf(data: TypedArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

let nextId = 1;

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

  constructor(data: TypedArray, shape: Shape, requiresGrad = false) {
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

  /** A new leaf sharing nothing with the graph: same values, no gradient history. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape, false);
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
      if (values.length !== this.size) fail('assign', `value has ${values.length} elements, variable needs ${this.size}`);
      this.data.set(values as ArrayLike<number>);
    }
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
   */
  backward(seed?: Tensor): void {
    runBackward(this, seed);
  }

  toString(): string {
    return `Tensor(${this.dtype}, ${shapeStr(this.shape)})`;
  }
}
