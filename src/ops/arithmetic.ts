// add, sub, mul, div, neg — with NumPy broadcasting. Backward: the local derivatives
// (∂(a+b)=1, ∂(a·b)/∂a=b, ∂(a/b)/∂b=−a/b²) times the incoming gradient, then summed back to each
// operand's shape over the broadcast axes.

import { Tensor } from '../tensor/tensor.js';
import { fail } from '../tensor/shape.js';
import { record, SHAPES_ONLY } from '../autograd/node.js';
import { binaryArith, negData, sumToShape } from './elementwise.js';

export function add(a: Tensor, b: Tensor): Tensor {
  const y = binaryArith('add', a, b);
  return record('add', [a, b], y, (gy) => [sumToShape(gy, a.shape), sumToShape(gy, b.shape)], SHAPES_ONLY);
}

export function sub(a: Tensor, b: Tensor): Tensor {
  const y = binaryArith('sub', a, b);
  return record('sub', [a, b], y, (gy) => [sumToShape(gy, a.shape), b.requiresGrad ? sumToShape(negData(gy), b.shape) : null], SHAPES_ONLY);
}

export function mul(a: Tensor, b: Tensor): Tensor {
  const y = binaryArith('mul', a, b);
  return record('mul', [a, b], y, (gy) => [
    a.requiresGrad ? sumToShape(binaryArith('mul', gy, b), a.shape) : null,
    b.requiresGrad ? sumToShape(binaryArith('mul', gy, a), b.shape) : null,
  ]);
}

export function div(a: Tensor, b: Tensor): Tensor {
  const y = binaryArith('div', a, b);
  return record('div', [a, b], y, (gy) => [
    a.requiresGrad ? sumToShape(binaryArith('div', gy, b), a.shape) : null,
    // ∂(a/b)/∂b = −a/b², evaluated as TF's RealDivGrad does, gy · ((−a / b) / b), each op rounded to the dtype
    b.requiresGrad ? sumToShape(binaryArith('mul', gy, binaryArith('div', binaryArith('div', negData(a), b), b)), b.shape) : null,
  ]);
}

export function neg(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) fail('neg', `x must be a Tensor, got ${x === null ? 'null' : typeof x}`);
  const y = negData(x);
  return record('neg', [x], y, (gy) => [negData(gy)], SHAPES_ONLY);
}
