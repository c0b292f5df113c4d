// The plumbing the fused-cell ops share (gruSequence, simpleRnnSequence; lstmSequence keeps its own because of
// the cell state and the cuDNN options): argument checks, backend lookup, and the one-node autograd record whose
// backward is the backend's BPTT. Each op file keeps what is specific to its cell: shapes, options, the backend
// interface.

import { Tensor, allocate, type TypedArray } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';
import { recordMulti, needsGrad } from '../autograd/node.js';
import { describeValue } from '../util/options.js';
import type { LstmBackendName, SingleStateBackend } from './types.js';

/** `b` as a backend: the default, a registered one by name (`get`), or an object with forward/backward. */
export function resolveBackend<B>(op: string, kind: string, b: B | LstmBackendName | undefined, dflt: B, get: (n: LstmBackendName) => B | undefined): B {
  if (b === undefined) return dflt;
  if (typeof b === 'string') {
    const found = get(b as LstmBackendName);
    if (!found) fail(op, `no ${kind} backend '${b}' is registered (registered: ${(['ts', 'native-cpu', 'cudnn'] as const).filter((n) => get(n)).join(', ')})`);
    return found;
  }
  const o = b as { forward?: unknown; backward?: unknown } | null;
  if (o === null || typeof o !== 'object' || typeof o.forward !== 'function' || typeof o.backward !== 'function') {
    fail(op, `backend must be a backend name or a ${kind} backend object, got ${describeValue(b)}`);
  }
  return b;
}

export function expectShape(op: string, arg: string, t: Tensor, want: number[], meaning: string): void {
  if (!(t instanceof Tensor)) fail(op, `${arg} must be a Tensor, got ${describeValue(t)}`);
  if (t.rank !== want.length || t.shape.some((d, i) => d !== want[i])) fail(op, `${arg} must have shape ${shapeStr(want)} (${meaning}), got ${shapeStr(t.shape)}`);
}

/** x is time-major [T ≥ 1, B, I]: returns [T, B, I]. */
export function sequenceDims(op: string, x: Tensor): [number, number, number] {
  if (!(x instanceof Tensor)) fail(op, `x must be a Tensor, got ${describeValue(x)}`);
  if (x.rank !== 3) fail(op, `x must be time-major [T, B, I], got shape ${shapeStr(x.shape)}`);
  const [T, B, I] = x.shape;
  if (T === 0) fail(op, 'x has T=0 time steps; an RNN needs at least one step (Keras raises here too)');
  return [T, B, I];
}

export function checkSameDtype(op: string, inputs: readonly Tensor[], names: readonly string[]): void {
  inputs.forEach((t, i) => {
    if (t.dtype !== inputs[0].dtype) fail(op, `all inputs must share one dtype: ${names[0]} is ${inputs[0].dtype} but ${names[i]} is ${t.dtype}`);
  });
}

/**
 * Runs a single-state fused op on `inputs` = [x, h0, kernel, recurrentKernel, bias] and records ONE graph node
 * whose backward is the backend's BPTT (gradients only for the inputs that require them; dx skipped when x is data).
 */
export function runSingleStateOp<A>(op: string, backend: SingleStateBackend<A>, args: A, inputs: Tensor[], T: number, B: number, H: number): [Tensor, Tensor] {
  const avail = backend.availability();
  if (!avail.ok) fail(op, `backend '${backend.name}' is not available: ${avail.reason}`);
  const rejected = backend.rejects(args);
  if (rejected !== null) fail(op, `backend '${backend.name}' does not accept these arguments: ${rejected}`);
  const [x, h0, kernel, recurrentKernel, bias] = inputs;
  const training = needsGrad(inputs);
  const fwd = backend.forward(args, training);
  const outs = [new Tensor(fwd.y, [T, B, H]), new Tensor(fwd.hT, [B, H])];
  if (!training) {
    backend.release?.(fwd);
    return outs as [Tensor, Tensor];
  }
  const zerosOr = (g: Tensor | null, n: number): TypedArray => (g === null ? allocate(x.dtype, n) : g.data);
  recordMulti(op, inputs, outs, (gs, ctx) => {
    const g = backend.backward(args, fwd, zerosOr(gs[0], T * B * H), zerosOr(gs[1], B * H), { skipDx: !x.requiresGrad, keepSaved: ctx.retainGraph });
    const wrap = (t: Tensor, d: TypedArray): Tensor | null => (t.requiresGrad ? new Tensor(d, t.shape) : null);
    return [wrap(x, g.dx), wrap(h0, g.dh0), wrap(kernel, g.dKernel), wrap(recurrentKernel, g.dRecurrentKernel), wrap(bias, g.dBias)];
    // The backward reads the inputs and what forward kept; the outputs are never read, so not version-checked.
  }, { saved: inputs, onRelease: () => backend.release?.(fwd) });
  return outs as [Tensor, Tensor];
}
