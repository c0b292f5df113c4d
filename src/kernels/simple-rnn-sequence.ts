// simpleRnnSequence: the fused SimpleRNN as ONE autograd op, through the seam lstmSequence set
// (lstm-sequence.ts, gru-sequence.ts): validate, hand typed arrays to a backend, one node whose backward is the
// backend's BPTT.

import { Tensor, allocate, type TypedArray } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';
import { recordMulti, needsGrad } from '../autograd/node.js';
import type { SimpleRnnBackend, SimpleRnnSeqArgs, LstmBackendName } from './types.js';
import { tsSimpleRnnBackend } from './simple-rnn-ts.js';
import { optionKeys, checkOptions, checkBoolean, checkChoice, describeValue } from '../util/options.js';
import { getSimpleRnnBackend, toSeqLengths } from './select.js';

export interface SimpleRnnSequenceOptions {
  /** 'tanh' (default) or 'relu'. */
  activation?: 'tanh' | 'relu';
  seqLengths?: ArrayLike<number> | Tensor | null;
  goBackwards?: boolean;
  zeroOutputForMask?: boolean;
  backend?: SimpleRnnBackend | LstmBackendName;
}

const OP = 'simpleRnnSequence';
const OPTION_KEYS = optionKeys<SimpleRnnSequenceOptions>({ activation: true, seqLengths: true, goBackwards: true, zeroOutputForMask: true, backend: true });

function resolveBackend(b: SimpleRnnSequenceOptions['backend']): SimpleRnnBackend {
  if (b === undefined) return tsSimpleRnnBackend;
  if (typeof b === 'string') {
    const found = getSimpleRnnBackend(b);
    if (!found) fail(OP, `no SimpleRNN backend '${b}' is registered (registered: ${(['ts', 'native-cpu', 'cudnn'] as const).filter((n) => getSimpleRnnBackend(n)).join(', ')})`);
    return found;
  }
  if (b === null || typeof b !== 'object' || typeof (b as SimpleRnnBackend).forward !== 'function') fail(OP, `backend must be a backend name or a SimpleRnnBackend object, got ${describeValue(b)}`);
  return b;
}

function expectShape(arg: string, t: Tensor, want: number[], meaning: string): void {
  if (!(t instanceof Tensor)) fail(OP, `${arg} must be a Tensor, got ${describeValue(t)}`);
  if (t.rank !== want.length || t.shape.some((d, i) => d !== want[i])) fail(OP, `${arg} must have shape ${shapeStr(want)} (${meaning}), got ${shapeStr(t.shape)}`);
}

/** One SimpleRNN layer over a sequence: x [T, B, I], h0 [B, H], kernel [I, H], recurrentKernel [H, H], bias [H] → [y [T, B, H], hT]. */
export function simpleRnnSequence(x: Tensor, h0: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, opts: SimpleRnnSequenceOptions = {}): [Tensor, Tensor] {
  checkOptions(OP, opts, OPTION_KEYS);
  checkBoolean(OP, 'goBackwards', opts.goBackwards);
  checkBoolean(OP, 'zeroOutputForMask', opts.zeroOutputForMask);
  const activation = checkChoice(OP, 'activation', opts.activation, ['tanh', 'relu'] as const) ?? 'tanh';
  const backend = resolveBackend(opts.backend);
  if (!(x instanceof Tensor)) fail(OP, `x must be a Tensor, got ${describeValue(x)}`);
  if (x.rank !== 3) fail(OP, `x must be time-major [T, B, I], got shape ${shapeStr(x.shape)}`);
  const [T, B, I] = x.shape;
  if (T === 0) fail(OP, 'x has T=0 time steps; an RNN needs at least one step (Keras raises here too)');
  if (!(kernel instanceof Tensor) || kernel.rank !== 2 || kernel.shape[1] === 0) fail(OP, `kernel must have shape [I, H] with H ≥ 1, got ${kernel instanceof Tensor ? shapeStr(kernel.shape) : describeValue(kernel)}`);
  const H = kernel.shape[1];
  expectShape('kernel', kernel, [I, H], 'I from x, H');
  expectShape('recurrentKernel', recurrentKernel, [H, H], 'H from kernel');
  expectShape('bias', bias, [H], 'H');
  expectShape('h0', h0, [B, H], 'B from x, H from kernel');
  const inputs = [x, h0, kernel, recurrentKernel, bias];
  const names = ['x', 'h0', 'kernel', 'recurrentKernel', 'bias'];
  inputs.forEach((t, i) => {
    if (t.dtype !== x.dtype) fail(OP, `all inputs must share one dtype: x is ${x.dtype} but ${names[i]} is ${t.dtype}`);
  });
  const seqLengths = opts.seqLengths === undefined || opts.seqLengths === null ? null : toSeqLengths(OP, opts.seqLengths, B, T);
  const args: SimpleRnnSeqArgs = {
    T, B, I, H, dtype: x.dtype, x: x.data, h0: h0.data, kernel: kernel.data, recurrentKernel: recurrentKernel.data, bias: bias.data, activation,
    seqLengths, goBackwards: opts.goBackwards === true, zeroOutputForMask: opts.zeroOutputForMask === true,
  };
  const avail = backend.availability();
  if (!avail.ok) fail(OP, `backend '${backend.name}' is not available: ${avail.reason}`);
  const rejected = backend.rejects(args);
  if (rejected !== null) fail(OP, `backend '${backend.name}' does not accept these arguments: ${rejected}`);
  const training = needsGrad(inputs);
  const fwd = backend.forward(args, training);
  const outs = [new Tensor(fwd.y, [T, B, H]), new Tensor(fwd.hT, [B, H])];
  if (!training) return outs as [Tensor, Tensor];
  const zerosOr = (g: Tensor | null, n: number): TypedArray => (g === null ? allocate(x.dtype, n) : g.data);
  recordMulti(OP, inputs, outs, (gs) => {
    const g = backend.backward(args, fwd, zerosOr(gs[0], T * B * H), zerosOr(gs[1], B * H), { skipDx: !x.requiresGrad });
    const wrap = (t: Tensor, d: TypedArray): Tensor | null => (t.requiresGrad ? new Tensor(d, t.shape) : null);
    return [wrap(x, g.dx), wrap(h0, g.dh0), wrap(kernel, g.dKernel), wrap(recurrentKernel, g.dRecurrentKernel), wrap(bias, g.dBias)];
  }, { saved: inputs });
  return outs as [Tensor, Tensor];
}
