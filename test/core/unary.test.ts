// Element-wise ops: forward values derivable by hand, gradients at the kinks as TensorFlow defines them
// (checked once against TF 2.21 GradientTape: relu'(0)=0, |x|'(0)=0, clip passes the gradient on the
// closed interval, hard_sigmoid variants, maximum/minimum ties go to the first operand), and float64
// finite-difference gradient checks away from the kinks.

import { expect } from 'chai';
import { ops, tensor, assertGradcheck, Tensor } from '../../src/index.js';
import { rand64, randAway, f64, expectClose } from './helpers.js';

/** Gradient of sum(f(x)) w.r.t. x, i.e. f'(x) element-wise. */
function derivative(f: (x: Tensor) => Tensor, xs: number[]): number[] {
  const x = f64(xs);
  x.requiresGrad = true;
  ops.sum(f(x)).backward();
  return Array.from(x.grad!.data);
}

describe('unary ops: forward values', () => {
  const ln2 = Math.log(2);
  const ln3 = Math.log(3);
  it('exp and log', () => {
    expectClose(ops.exp(f64([0, ln2, -ln2])), [1, 2, 0.5], 1e-15);
    expectClose(ops.log(f64([1, Math.E, 0.25])), [0, 1, -2 * ln2], 1e-15);
    expect(ops.log(f64([0])).item()).to.equal(-Infinity);
  });
  it('sigmoid: σ(0)=1/2, σ(ln3)=3/4, σ(−ln3)=1/4, saturates without NaN', () => {
    expectClose(ops.sigmoid(f64([0, ln3, -ln3])), [0.5, 0.75, 0.25], 1e-15);
    expectClose(ops.sigmoid(f64([-1000, 1000])), [0, 1]);
    const y = ops.sigmoid(tensor([-100, 100]));
    expect(y.dtype).to.equal('float32');
    expect(Array.from(y.data).every(Number.isFinite)).to.equal(true);
  });
  it('tanh(ln 2) = (2 − 1/2)/(2 + 1/2) = 0.6', () => {
    expectClose(ops.tanh(f64([ln2, -ln2, 0])), [0.6, -0.6, 0], 1e-15);
  });
  it('relu, linear, abs, square, sqrt, scale, addScalar', () => {
    expectClose(ops.relu(f64([-1, 0, 2])), [0, 0, 2]);
    expectClose(ops.linear(f64([-1, 0, 2])), [-1, 0, 2]);
    expectClose(ops.abs(f64([-1.5, 0, 2])), [1.5, 0, 2]);
    expectClose(ops.square(f64([-3, 0.5])), [9, 0.25]);
    expectClose(ops.sqrt(f64([9, 0.25, 0])), [3, 0.5, 0]);
    expectClose(ops.scale(f64([1, -2]), 2.5), [2.5, -5]);
    expectClose(ops.addScalar(f64([1, -2]), 0.5), [1.5, -1.5]);
  });
  it('linear copies: the result never aliases its input', () => {
    const x = f64([1, 2]);
    const y = ops.linear(x);
    x.data[0] = 5;
    expect(y.data[0]).to.equal(1);
  });
  it('hardSigmoid (Keras 3) = relu6(x+3)/6 and hardSigmoidKeras2 = clip(0.2x+0.5, 0, 1)', () => {
    expectClose(ops.hardSigmoid(f64([-4, -3, 0, 1.5, 3, 4])), [0, 0, 0.5, 0.75, 1, 1], 1e-15);
    expectClose(ops.hardSigmoidKeras2(f64([-3, -2.5, 0, 1, 2.5, 3])), [0, 0, 0.5, 0.7, 1, 1], 1e-15);
    // The two forms differ: at x = 1 Keras 3 gives 1/6 + 1/2, Keras 2 gives 0.7.
    expectClose(ops.hardSigmoid(f64([1])), [0.5 + 1 / 6], 1e-15);
  });
  it('clip, maximum and minimum (with broadcasting)', () => {
    expectClose(ops.clip(f64([-2, -0.5, 0.5, 2]), -1, 1), [-1, -0.5, 0.5, 1]);
    expectClose(ops.maximum(f64([[1, 5], [3, -1]]), f64([2, 0])), [[2, 5], [3, 0]]);
    expectClose(ops.minimum(f64([[1, 5], [3, -1]]), f64([2, 0])), [[1, 0], [2, -1]]);
  });
  it('keeps the dtype of the input', () => {
    for (const f of [ops.exp, ops.sigmoid, ops.tanh, ops.relu, ops.hardSigmoid, ops.abs]) {
      expect(f(tensor([1])).dtype).to.equal('float32');
      expect(f(f64([1])).dtype).to.equal('float64');
    }
  });
});

describe('unary ops: derivatives at hand-picked points (TF conventions at kinks)', () => {
  it('sigmoid′ = σ(1−σ), tanh′ = 1−tanh², exp′ = exp, log′ = 1/x', () => {
    expectClose(f64(derivative(ops.sigmoid, [0, Math.log(3)])), [0.25, 0.75 * 0.25], 1e-15);
    expectClose(f64(derivative(ops.tanh, [0, Math.log(2)])), [1, 1 - 0.36], 1e-15);
    expectClose(f64(derivative(ops.exp, [0, Math.log(2)])), [1, 2], 1e-15);
    expectClose(f64(derivative(ops.log, [0.5, 4])), [2, 0.25], 1e-15);
  });
  it('relu′(0) = 0, |x|′(0) = 0, sqrt′(4) = 1/4', () => {
    expectClose(f64(derivative(ops.relu, [-1, 0, 2])), [0, 0, 1]);
    expectClose(f64(derivative(ops.abs, [-1, 0, 2])), [-1, 0, 1]);
    expectClose(f64(derivative(ops.sqrt, [4])), [0.25]);
  });
  it('clip passes the gradient on the closed interval [lo, hi]', () => {
    expectClose(f64(derivative((x) => ops.clip(x, -2.5, 2.5), [-3, -2.5, 0, 2.5, 3])), [0, 1, 1, 1, 0]);
  });
  it('hardSigmoid′ = 1/6 strictly inside (−3, 3); hardSigmoidKeras2′ = 0.2 on [−2.5, 2.5]', () => {
    expectClose(f64(derivative(ops.hardSigmoid, [-3, -2.5, 0, 2.5, 3])), [0, 1 / 6, 1 / 6, 1 / 6, 0], 1e-15);
    expectClose(f64(derivative(ops.hardSigmoidKeras2, [-3, -2.5, 0, 2.5, 3])), [0, 0.2, 0.2, 0.2, 0], 1e-15);
  });
  it('maximum/minimum ties send the gradient to the first operand', () => {
    const a = f64([1, 2, 3]);
    const b = f64([1, 1, 4]);
    a.requiresGrad = true;
    b.requiresGrad = true;
    ops.sum(ops.maximum(a, b)).backward();
    expectClose(a.grad!, [1, 1, 0]);
    expectClose(b.grad!, [0, 0, 1]);
    a.zeroGrad();
    b.zeroGrad();
    ops.sum(ops.minimum(a, b)).backward();
    expectClose(a.grad!, [1, 0, 1]);
    expectClose(b.grad!, [0, 1, 0]);
  });
});

describe('unary ops: float64 gradient checks', () => {
  const smooth: [string, (x: Tensor) => Tensor][] = [
    ['exp', ops.exp], ['sigmoid', ops.sigmoid], ['tanh', ops.tanh], ['linear', ops.linear], ['square', ops.square],
    ['scale', (x) => ops.scale(x, -1.7)], ['addScalar', (x) => ops.addScalar(x, 0.3)],
  ];
  for (const [name, f] of smooth) {
    it(`${name}`, () => assertGradcheck(name, f, [rand64([3, 4], 11, -3, 3)]));
  }
  it('log and sqrt (positive inputs)', () => {
    assertGradcheck('log', ops.log, [rand64([3, 4], 12, 0.2, 3)]);
    assertGradcheck('sqrt', ops.sqrt, [rand64([3, 4], 13, 0.2, 3)]);
  });
  it('relu and abs (away from 0)', () => {
    assertGradcheck('relu', ops.relu, [randAway([4, 5], 14, [0])]);
    assertGradcheck('abs', ops.abs, [randAway([4, 5], 15, [0])]);
  });
  it('hardSigmoid and hardSigmoidKeras2 (away from their kinks)', () => {
    assertGradcheck('hardSigmoid', ops.hardSigmoid, [randAway([4, 6], 16, [-3, 3], -5, 5)]);
    assertGradcheck('hardSigmoidKeras2', ops.hardSigmoidKeras2, [randAway([4, 6], 17, [-2.5, 2.5], -5, 5)]);
  });
  it('clip (away from lo and hi)', () => {
    assertGradcheck('clip', (x) => ops.clip(x, -1, 0.5), [randAway([4, 5], 18, [-1, 0.5], -2, 2)]);
  });
  it('maximum and minimum with broadcasting', () => {
    assertGradcheck('maximum', ops.maximum, [rand64([3, 4], 19), rand64([4], 20)]);
    assertGradcheck('minimum', ops.minimum, [rand64([2, 1, 3], 21), rand64([4, 1], 22)]);
  });
});

describe('unary ops: bad input', () => {
  it('names the op and the argument', () => {
    expect(() => ops.sigmoid(null as unknown as Tensor)).to.throw(/sigmoid: x must be a Tensor/);
    expect(() => ops.clip(f64([1]), 1, 0)).to.throw(/clip: lo must be ≤ hi, got lo=1, hi=0/);
    expect(() => ops.clip(f64([1]), NaN, 0)).to.throw(/clip: lo must be a number/);
    expect(() => ops.scale(f64([1]), 'a' as unknown as number)).to.throw(/scale: s must be a number/);
    expect(() => ops.maximum(f64([1, 2]), f64([1, 2, 3]))).to.throw(/maximum: shapes \[2\] and \[3\] cannot be broadcast/);
    expect(() => ops.minimum(tensor([1]), f64([1]))).to.throw(/minimum: dtypes differ: float32 and float64/);
  });
});
