// @tensorflow/tfjs (CPU backend) as an independent oracle for a few ops and their gradients, in float32
// (tfjs computes in float32; tolerances are float32-sized).

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { ops, tensor, randomUniform, Tensor } from '../../src/index.js';

const TOL = 2e-6;

function closeTo(ours: Tensor, theirs: tf.Tensor, tol = TOL): void {
  expect(ours.shape).to.deep.equal(theirs.shape);
  const t = theirs.dataSync();
  for (let i = 0; i < t.length; i++) expect(ours.data[i]).to.be.closeTo(t[i], tol * Math.max(1, Math.abs(t[i])));
}

/** Our gradient of Σ w ⊙ f(x) next to tfjs's, with fixed random weights w. */
function gradVsTfjs(ours: (x: Tensor) => Tensor, theirs: (x: tf.Tensor) => tf.Tensor, shape: number[], seed: number): void {
  const x = randomUniform(shape, -2, 2, { seed });
  x.requiresGrad = true;
  const y = ours(x);
  const w = randomUniform(y.shape.slice(), -1, 1, { seed: seed + 1 });
  ops.sum(ops.mul(y, w)).backward();
  const tx = tf.tensor(Array.from(x.data), shape);
  const tw = tf.tensor(Array.from(w.data), y.shape.slice());
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(theirs(v), tw)))(tx);
  closeTo(y, theirs(tx));
  closeTo(x.grad!, g);
}

describe('ops vs @tensorflow/tfjs (cpu backend, float32)', () => {
  before(async function () {
    this.timeout(60000);
    await tf.setBackend('cpu');
    await tf.ready();
  });

  it('sigmoid, tanh, relu, exp: values and gradients', () => {
    gradVsTfjs(ops.sigmoid, (v) => tf.sigmoid(v), [4, 5], 1);
    gradVsTfjs(ops.tanh, (v) => tf.tanh(v), [4, 5], 2);
    gradVsTfjs(ops.relu, (v) => tf.relu(v), [4, 5], 3);
    gradVsTfjs(ops.exp, (v) => tf.exp(v), [4, 5], 4);
  });
  it('softmax and logSoftmax on the last axis', () => {
    gradVsTfjs((x) => ops.softmax(x), (v) => tf.softmax(v), [3, 7], 5);
    gradVsTfjs((x) => ops.logSoftmax(x), (v) => tf.logSoftmax(v), [3, 7], 6);
  });
  it('transpose, concat-with-itself, slice, reverse, sum over an axis', () => {
    gradVsTfjs((x) => ops.transpose(x, [2, 0, 1]), (v) => tf.transpose(v, [2, 0, 1]), [2, 3, 4], 7);
    gradVsTfjs((x) => ops.concat([x, ops.scale(x, 2)], 1), (v) => tf.concat([v, tf.mul(v, 2)], 1), [2, 3], 8);
    gradVsTfjs((x) => ops.slice(x, [0, 1, 1], [2, 2, -1]), (v) => tf.slice(v, [0, 1, 1], [2, 2, -1]), [2, 3, 4], 9);
    gradVsTfjs((x) => ops.reverse(x, 1), (v) => tf.reverse(v, 1), [2, 3, 4], 10);
    gradVsTfjs((x) => ops.sum(x, 1), (v) => tf.sum(v, 1), [2, 3, 4], 11);
    gradVsTfjs((x) => ops.mean(x, [0, 2], true), (v) => tf.mean(v, [0, 2], true), [2, 3, 4], 12);
  });
  it('matmul with a fixed right operand, gather rows, where with a mask', () => {
    const k = randomUniform([5, 3], -1, 1, { seed: 20 });
    gradVsTfjs((x) => ops.matmul(x, k), (v) => tf.matMul(v, tf.tensor(Array.from(k.data), [5, 3])), [4, 5], 13);
    gradVsTfjs((x) => ops.gather(x, [2, 0, 2]), (v) => tf.gather(v, tf.tensor1d([2, 0, 2], 'int32')), [3, 4], 14);
    const m = tensor([[1], [0], [1]]);
    gradVsTfjs(
      (x) => ops.where(m, x, ops.scale(x, -3)),
      (v) => tf.where(tf.tensor2d([[1], [0], [1]], [3, 1], 'bool').tile([1, 4]) as tf.Tensor, v, tf.mul(v, -3)),
      [3, 4], 15);
  });
});
