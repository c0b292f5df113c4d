// add, sub, mul, div, neg — with NumPy broadcasting. Backward: the local derivatives
// (∂(a+b)=1, ∂(a·b)/∂a=b, ∂(a/b)/∂b=−a/b²) times the incoming gradient, then summed back to each
// operand's shape over the broadcast axes.

import type { Tensor } from '../tensor/tensor.js';
import { record } from '../autograd/node.js';
import { broadcastBinary, mapUnary, sumToShape, zipSame } from './elementwise.js';

export function add(a: Tensor, b: Tensor): Tensor {
  const y = broadcastBinary('add', a, b, (x, z) => x + z);
  return record('add', [a, b], y, (gy) => [sumToShape(gy, a.shape), sumToShape(gy, b.shape)]);
}

export function sub(a: Tensor, b: Tensor): Tensor {
  const y = broadcastBinary('sub', a, b, (x, z) => x - z);
  return record('sub', [a, b], y, (gy) => [sumToShape(gy, a.shape), sumToShape(mapUnary(gy, (v) => -v), b.shape)]);
}

export function mul(a: Tensor, b: Tensor): Tensor {
  const y = broadcastBinary('mul', a, b, (x, z) => x * z);
  return record('mul', [a, b], y, (gy) => [
    a.requiresGrad ? sumToShape(broadcastBinary('mul', gy, b, (g, z) => g * z), a.shape) : null,
    b.requiresGrad ? sumToShape(broadcastBinary('mul', gy, a, (g, x) => g * x), b.shape) : null,
  ]);
}

export function div(a: Tensor, b: Tensor): Tensor {
  const y = broadcastBinary('div', a, b, (x, z) => x / z);
  return record('div', [a, b], y, (gy) => [
    a.requiresGrad ? sumToShape(broadcastBinary('div', gy, b, (g, z) => g / z), a.shape) : null,
    // ∂(a/b)/∂b = −(a/b)/b = −y/b
    b.requiresGrad ? sumToShape(broadcastBinary('div', zipSame(gy, y, (g, v) => -g * v), b, (g, z) => g / z), b.shape) : null,
  ]);
}

export function neg(x: Tensor): Tensor {
  const y = mapUnary(x, (v) => -v);
  return record('neg', [x], y, (gy) => [mapUnary(gy, (v) => -v)]);
}
