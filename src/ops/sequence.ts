// Time reversal: reverse(x, axis) flips a whole axis; reverseSequence flips only the first lengths[b] steps of
// each batch row and leaves the padding in place (tf.reverse_sequence), which is how a bidirectional RNN
// runs its backward direction over right-padded sequences. Both are permutations that are their own
// inverse, so each backward applies the same permutation to the gradient.

import { Tensor, allocate, type TypedArray } from '../tensor/tensor.js';
import { type Shape, fail, normAxis, shapeStr, stridesOf } from '../tensor/shape.js';
import { record, SHAPES_ONLY } from '../autograd/node.js';

function checkTensor(op: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) fail(op, `x must be a Tensor, got ${x === null ? 'null' : typeof x}`);
}

function reverseData(x: TypedArray, shape: Shape, ax: number): TypedArray {
  const out = allocate(x instanceof Float64Array ? 'float64' : 'float32', x.length);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < ax; i++) outer *= shape[i];
  for (let i = ax + 1; i < shape.length; i++) inner *= shape[i];
  const n = shape[ax];
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let t = 0; t < n; t++) {
      const src = base + t * inner;
      out.set(x.subarray(src, src + inner), base + (n - 1 - t) * inner);
    }
  }
  return out;
}

/** Flips `x` along `axis`, or along each of several axes (tf.reverse). */
export function reverse(x: Tensor, axis: number | readonly number[]): Tensor {
  checkTensor('reverse', x);
  if (x.rank === 0) fail('reverse', 'cannot reverse a scalar');
  if (typeof axis !== 'number' && !Array.isArray(axis)) fail('reverse', `axis must be an integer or an array of integers, got ${axis === null ? 'null' : typeof axis}`);
  const list = typeof axis === 'number' ? [axis] : Array.from(axis);
  const axes = list.map((a) => normAxis('reverse', a, x.rank));
  if (new Set(axes).size !== axes.length) fail('reverse', `axis ${JSON.stringify(list)} names an axis twice`);
  const flip = (d: TypedArray): TypedArray => axes.reduce((acc, ax) => reverseData(acc, x.shape, ax), d);
  const y = new Tensor(axes.length === 0 ? x.data.slice() : flip(x.data), x.shape);
  return record('reverse', [x], y, (gy) => [new Tensor(axes.length === 0 ? gy.data : flip(gy.data), x.shape)], SHAPES_ONLY);
}

function reverseSeqData(x: TypedArray, shape: Shape, lens: Int32Array, seqAx: number, batchAx: number): TypedArray {
  const out = allocate(x instanceof Float64Array ? 'float64' : 'float32', x.length);
  const st = stridesOf(shape);
  const T = shape[seqAx];
  const B = shape[batchAx];
  const sT = st[seqAx];
  const sB = st[batchAx];
  for (let i = 0; i < x.length; i++) {
    const t = Math.floor(i / sT) % T;
    const b = Math.floor(i / sB) % B;
    const len = lens[b];
    // Element at step t < len comes from step len−1−t of the same row; padding stays where it is.
    out[i] = t < len ? x[i + (len - 1 - 2 * t) * sT] : x[i];
  }
  return out;
}

/**
 * tf.reverse_sequence: for each index b along `batchAxis`, reverses the first `lengths[b]` entries along
 * `seqAxis`; entries at positions ≥ lengths[b] are copied unchanged.
 */
export function reverseSequence(x: Tensor, lengths: ArrayLike<number>, seqAxis: number, batchAxis: number): Tensor {
  checkTensor('reverseSequence', x);
  if (x.rank < 2) fail('reverseSequence', `x must have rank ≥ 2, got shape ${shapeStr(x.shape)}`);
  const sa = normAxis('reverseSequence', seqAxis, x.rank);
  const ba = normAxis('reverseSequence', batchAxis, x.rank);
  if (sa === ba) fail('reverseSequence', `seqAxis and batchAxis must differ, both are ${sa}`);
  const B = x.shape[ba];
  const T = x.shape[sa];
  if (lengths === null || typeof lengths !== 'object' || typeof lengths.length !== 'number') {
    fail('reverseSequence', 'lengths must be an array of integers');
  }
  if (lengths.length !== B) {
    fail('reverseSequence', `lengths has ${lengths.length} entries but batch axis ${ba} of shape ${shapeStr(x.shape)} has ${B}`);
  }
  const lens = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const l = lengths[b];
    if (!Number.isInteger(l) || l < 0 || l > T) {
      fail('reverseSequence', `lengths[${b}] = ${l} must be an integer in [0, ${T}] (seq axis ${sa} of shape ${shapeStr(x.shape)})`);
    }
    lens[b] = l;
  }
  const y = new Tensor(reverseSeqData(x.data, x.shape, lens, sa, ba), x.shape);
  return record('reverseSequence', [x], y, (gy) => [new Tensor(reverseSeqData(gy.data, gy.shape, lens, sa, ba), x.shape)], SHAPES_ONLY);
}
