// Dropout with an explicit mask. Keras' inverted dropout keeps each unit with probability 1 − rate and
// scales kept units by 1/(1 − rate) so the expected activation is unchanged; the mask already holds 0 or
// 1/(1 − rate), so dropout is x ⊙ mask (mask broadcastable to x, e.g. one mask per batch row reused at every
// time step, as Keras RNN dropout does). The mask is a constant: no gradient flows into it.

import { Tensor, allocate, type DType } from '../tensor/tensor.js';
import { type Shape, checkShape, fail, shapeStr, broadcastShapes, sameShape } from '../tensor/shape.js';
import { Random } from '../tensor/random.js';
import { record } from '../autograd/node.js';
import { broadcastBinary, sumToShape } from './elementwise.js';

export function dropout(x: Tensor, mask: Tensor): Tensor {
  if (!(x instanceof Tensor) || !(mask instanceof Tensor)) fail('dropout', 'x and mask must be Tensors');
  if (x.dtype !== mask.dtype) fail('dropout', `dtypes differ: x is ${x.dtype}, mask is ${mask.dtype}`);
  const shape = broadcastShapes('dropout', x.shape, mask.shape);
  if (!sameShape(shape, x.shape)) {
    fail('dropout', `mask of shape ${shapeStr(mask.shape)} must broadcast to x's shape ${shapeStr(x.shape)}, not enlarge it to ${shapeStr(shape)}`);
  }
  const y = broadcastBinary('dropout', x, mask, (v, m) => v * m);
  return record('dropout', [x, mask], y, (gy) => [sumToShape(broadcastBinary('dropout', gy, mask, (g, m) => g * m), x.shape), null]);
}

/**
 * A dropout mask: each element independently 1/(1 − rate) with probability 1 − rate, else 0 (keep when
 * u ≥ rate for u ~ U[0,1) from `rng`, so rate 0 keeps everything). `rate` must lie in [0, 1).
 */
export function dropoutMask(shape: Shape, rate: number, rng: Random, dtype: DType = 'float32'): Tensor {
  checkShape('dropoutMask', 'shape', shape);
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) fail('dropoutMask', `rate must be in [0, 1), got ${rate}`);
  if (!(rng instanceof Random)) fail('dropoutMask', 'rng must be a Random (seeded generator)');
  let n = 1;
  for (const d of shape) n *= d;
  const out = allocate(dtype, n);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < n; i++) out[i] = rng.uniform() >= rate ? keep : 0;
  return new Tensor(out, shape);
}
