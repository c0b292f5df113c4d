// A node of the define-by-run graph: one recorded op application. It keeps its inputs (to walk the graph)
// and its outputs (to find the gradients flowing into it), and a closure that maps output gradients to
// input gradients. Ops build nodes through `record`, right next to their forward code.

import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './mode.js';

/** Maps the gradients of an op's outputs (null where no gradient flowed) to those of its inputs. */
export type BackwardFn = (outputGrads: (Tensor | null)[]) => (Tensor | null)[];

export class GraphNode {
  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly outputs: readonly Tensor[],
    readonly backward: BackwardFn,
  ) {}
}

/** True if recording is on and any input wants a gradient: the only case where an op pays for a node. */
export function needsGrad(inputs: readonly Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/**
 * Records a multi-output op. `backward` receives one gradient per output (null where none flowed) and
 * returns one per input (null for inputs that need none, e.g. integer-like indices or masks).
 */
export function recordMulti(op: string, inputs: readonly Tensor[], outputs: Tensor[], backward: BackwardFn): Tensor[] {
  if (!needsGrad(inputs)) return outputs;
  const node = new GraphNode(op, inputs, outputs, backward);
  outputs.forEach((o, i) => {
    o.gradFn = node;
    o.outputIndex = i;
    o.requiresGrad = true;
  });
  return outputs;
}

/** Records a single-output op: `backward(gy)` returns one gradient (or null) per input. */
export function record(
  op: string,
  inputs: readonly Tensor[],
  output: Tensor,
  backward: (gy: Tensor) => (Tensor | null)[],
): Tensor {
  if (!needsGrad(inputs)) return output;
  const node = new GraphNode(op, inputs, [output], (gs) => (gs[0] === null ? inputs.map(() => null) : backward(gs[0])));
  output.gradFn = node;
  output.outputIndex = 0;
  output.requiresGrad = true;
  return output;
}
