// Tensor methods in tfjs's chaining style (`t.add(u).relu().sum()`, `t.arraySync()`, `t.print()`), for porters from
// tfjs. Each is the op of the same name in src/ops (autodiff included); numbers become scalars of the tensor's dtype
// (tfjs's `t.add(1)`). tfjs's async `t.data()` has no twin: `data` is the values' TypedArray field here. They are attached here, not in tensor.ts, so the tensor core imports no op (the ops import
// the tensor). `console.log(t)` / `util.inspect(t)` show dtype, shape and values.
import { Tensor } from './tensor.js';
import { shapeStr } from './shape.js';
import { full } from './create.js';
import * as A from '../ops/arithmetic.js';
import * as U from '../ops/unary.js';
import * as Lay from '../ops/layout.js';
import { matmul } from '../ops/matmul.js';
import { softmax } from '../ops/softmax.js';
import { sum, mean } from '../ops/reduce.js';

/** A tensor method's second operand: a Tensor, or a number (a scalar of the tensor's dtype). */
export type Operand = Tensor | number;

declare module './tensor.js' {
  interface Tensor {
    add(b: Operand): Tensor;
    sub(b: Operand): Tensor;
    mul(b: Operand): Tensor;
    div(b: Operand): Tensor;
    maximum(b: Operand): Tensor;
    minimum(b: Operand): Tensor;
    matMul(b: Tensor): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    abs(): Tensor;
    square(): Tensor;
    sqrt(): Tensor;
    softmax(): Tensor;
    sum(axis?: number | readonly number[], keepDims?: boolean): Tensor;
    mean(axis?: number | readonly number[], keepDims?: boolean): Tensor;
    reshape(shape: readonly number[]): Tensor;
    transpose(perm?: readonly number[]): Tensor;
    /** tfjs `arraySync()`: the values as nested arrays (toArray). */
    arraySync(): NestedArray;
    /** tfjs `dataSync()`: a copy of the flat values. */
    dataSync(): TypedArray;
    /** tfjs `print()`: writes dtype, shape and values to the console. */
    print(): void;
  }
}

const operand = (t: Tensor, b: Operand): Tensor => (typeof b === 'number' ? full([], b, t.dtype) : b);
const P = Tensor.prototype;
P.add = function (this: Tensor, b: Operand) { return A.add(this, operand(this, b)); };
P.sub = function (this: Tensor, b: Operand) { return A.sub(this, operand(this, b)); };
P.mul = function (this: Tensor, b: Operand) { return A.mul(this, operand(this, b)); };
P.div = function (this: Tensor, b: Operand) { return A.div(this, operand(this, b)); };
P.maximum = function (this: Tensor, b: Operand) { return U.maximum(this, operand(this, b)); };
P.minimum = function (this: Tensor, b: Operand) { return U.minimum(this, operand(this, b)); };
P.matMul = function (this: Tensor, b: Tensor) { return matmul(this, b); };
P.neg = function (this: Tensor) { return A.neg(this); };
P.exp = function (this: Tensor) { return U.exp(this); };
P.log = function (this: Tensor) { return U.log(this); };
P.sigmoid = function (this: Tensor) { return U.sigmoid(this); };
P.tanh = function (this: Tensor) { return U.tanh(this); };
P.relu = function (this: Tensor) { return U.relu(this); };
P.abs = function (this: Tensor) { return U.abs(this); };
P.square = function (this: Tensor) { return U.square(this); };
P.sqrt = function (this: Tensor) { return U.sqrt(this); };
P.softmax = function (this: Tensor) { return softmax(this, -1); };
P.sum = function (this: Tensor, axis?: number | readonly number[], keepDims = false) { return sum(this, axis, keepDims); };
P.mean = function (this: Tensor, axis?: number | readonly number[], keepDims = false) { return mean(this, axis, keepDims); };
P.reshape = function (this: Tensor, shape: readonly number[]) { return Lay.reshape(this, shape); };
P.transpose = function (this: Tensor, perm?: readonly number[]) { return Lay.transpose(this, perm); };
P.arraySync = function (this: Tensor) { return this.toArray(); };
P.dataSync = function (this: Tensor) { return this.data.slice(); };
P.print = function (this: Tensor) { console.log(describeTensor(this)); };

/** `Tensor(float32, [2, 2])` and the values (the first 1000 of a large tensor). */
export function describeTensor(t: Tensor): string {
  const head = `Tensor(${t.dtype}, ${shapeStr(t.shape)})`;
  if (t.size > 1000) return `${head} [${Array.from(t.data.subarray(0, 10)).join(', ')}, … ${t.size - 10} more]`;
  return `${head} ${JSON.stringify(t.toArray())}`;
}

// Node's util.inspect (console.log) looks up this well-known symbol; no import of node:util (browser-safe).
(P as unknown as Record<symbol, () => string>)[Symbol.for('nodejs.util.inspect.custom')] = function (this: Tensor) { return describeTensor(this); };
