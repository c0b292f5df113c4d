// The input of a single-input layer's call (most Keras layers): one tensor, or a list holding one; with `ndim`,
// Keras's InputSpec(ndim=…) check and its message.

import type { Tensor } from '../../tensor/tensor.js';
import { fail, shapeStr } from '../../tensor/shape.js';

export function singleInput(layer: { name: string }, inputs: Tensor | Tensor[], ndim?: number): Tensor {
  if (Array.isArray(inputs) && inputs.length !== 1) fail(layer.name, `expects one input, got ${inputs.length}`);
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (ndim !== undefined && x.rank !== ndim) {
    fail(layer.name, `Input of layer '${layer.name}' is incompatible with the layer: expected ndim=${ndim}, found ndim=${x.rank}. Full shape received: ${shapeStr(x.shape)}`);
  }
  return x;
}
