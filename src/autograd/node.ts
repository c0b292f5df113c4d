// A node of the define-by-run graph: one recorded op application. It keeps its inputs (to walk the graph)
// and its outputs (to find the gradients flowing into it), and a closure that maps output gradients to
// input gradients. Ops build nodes through `record`, right next to their forward code.
//
// A node also remembers the version (Tensor.version) of every tensor its backward reads, as PyTorch's
// SavedVariable does, so that the engine can refuse a backward whose saved values were overwritten in place.
// By default that is every input and output; ops whose backward needs only shapes (add, sub, reshape, ...)
// pass `saved: []`.

import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './mode.js';

/** What the engine tells a backward closure about the pass. */
export interface BackwardContext {
  /** The graph is kept: this backward may run again, so it must not consume what the forward saved. */
  retainGraph: boolean;
}

/** Maps the gradients of an op's outputs (null where no gradient flowed) to those of its inputs. */
export type BackwardFn = (outputGrads: (Tensor | null)[], ctx: BackwardContext) => (Tensor | null)[];

export class GraphNode {
  /** The versions of `saved` when the op ran. */
  readonly savedVersions: number[];
  /** Set once a backward pass without retainGraph went through: the closure (and what it kept) is gone. */
  released = false;
  private fn: BackwardFn | null;

  constructor(
    readonly op: string,
    readonly inputs: readonly Tensor[],
    readonly outputs: readonly Tensor[],
    backward: BackwardFn,
    /** The tensors whose values backward reads. */
    readonly saved: readonly Tensor[] = [...inputs, ...outputs],
    /** Frees what the op keeps outside the JS heap (a device reserve space) when the node is released. */
    private readonly onRelease: (() => void) | null = null,
  ) {
    this.fn = backward;
    this.savedVersions = saved.map((t) => t.version);
  }

  backward(outputGrads: (Tensor | null)[], ctx: BackwardContext = { retainGraph: false }): (Tensor | null)[] {
    if (this.fn === null) throw new Error(`backward: op '${this.op}' was released`);
    return this.fn(outputGrads, ctx);
  }

  /** Drops the backward closure and what it saved (PyTorch frees saved tensors after backward). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.fn = null;
    this.onRelease?.();
  }
}

/** True if recording is on and any input wants a gradient: the only case where an op pays for a node. */
export function needsGrad(inputs: readonly Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/** What an op's backward keeps: the tensors it reads (default: all inputs and outputs) and a release hook. */
export interface RecordOptions {
  saved?: readonly Tensor[];
  onRelease?: () => void;
}

/** For ops whose backward reads no values, only shapes (add, sub, reshape, sum...): nothing to version-check. */
export const SHAPES_ONLY: RecordOptions = Object.freeze({ saved: [] });

/**
 * Records a multi-output op. `backward` receives one gradient per output (null where none flowed) and
 * returns one per input (null for inputs that need none, e.g. integer-like indices or masks).
 */
export function recordMulti(op: string, inputs: readonly Tensor[], outputs: Tensor[], backward: BackwardFn,
  options: RecordOptions = {}): Tensor[] {
  if (!needsGrad(inputs)) return outputs;
  const node = new GraphNode(op, inputs, outputs, backward, options.saved ?? [...inputs, ...outputs], options.onRelease ?? null);
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
  options: RecordOptions = {},
): Tensor {
  if (!needsGrad(inputs)) return output;
  const node = new GraphNode(op, inputs, [output], (gs) => (gs[0] === null ? inputs.map(() => null) : backward(gs[0])),
    options.saved ?? [...inputs, output], options.onRelease ?? null);
  output.gradFn = node;
  output.outputIndex = 0;
  output.requiresGrad = true;
  return output;
}
