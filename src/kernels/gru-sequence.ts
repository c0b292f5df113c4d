// gruSequence: the fused GRU (reset_after = True) as ONE autograd op, the seam lstmSequence set
// (lstm-sequence.ts): validate, hand plain typed arrays to a backend, record one graph node whose backward is
// the backend's hand-written BPTT.

import { Tensor, allocate, type TypedArray } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';
import { recordMulti, needsGrad } from '../autograd/node.js';
import type { GruBackend, GruSeqArgs, LstmBackendName } from './types.js';
import { tsGruBackend } from './gru-ts.js';
import { optionKeys, checkOptions, checkBoolean, describeValue } from '../util/options.js';
import { getGruBackend, toSeqLengths } from './select.js';

export interface GruSequenceOptions {
  /** Per-row valid lengths of a strictly right-padded mask (maskToSeqLengths); omit or null for no mask. */
  seqLengths?: ArrayLike<number> | Tensor | null;
  /** Process t = T−1 … 0; y comes back in processing order (Keras go_backwards). */
  goBackwards?: boolean;
  /** Masked steps output zeros instead of repeating the previous output (Keras zero_output_for_mask). */
  zeroOutputForMask?: boolean;
  /** A backend object or a registered GRU backend's name (default: the pure-TS kernel). */
  backend?: GruBackend | LstmBackendName;
}

const OP = 'gruSequence';
const OPTION_KEYS = optionKeys<GruSequenceOptions>({ seqLengths: true, goBackwards: true, zeroOutputForMask: true, backend: true });

function resolveBackend(b: GruSequenceOptions['backend']): GruBackend {
  if (b === undefined) return tsGruBackend;
  if (typeof b === 'string') {
    const found = getGruBackend(b);
    if (!found) fail(OP, `no GRU backend '${b}' is registered (registered: ${(['ts', 'native-cpu', 'cudnn'] as const).filter((n) => getGruBackend(n)).join(', ')})`);
    return found;
  }
  if (b === null || typeof b !== 'object' || typeof (b as GruBackend).forward !== 'function' || typeof (b as GruBackend).backward !== 'function') {
    fail(OP, `backend must be a backend name or a GruBackend object, got ${describeValue(b)}`);
  }
  return b;
}

function expectShape(arg: string, t: Tensor, want: number[], meaning: string): void {
  if (!(t instanceof Tensor)) fail(OP, `${arg} must be a Tensor, got ${describeValue(t)}`);
  if (t.rank !== want.length || t.shape.some((d, i) => d !== want[i])) fail(OP, `${arg} must have shape ${shapeStr(want)} (${meaning}), got ${shapeStr(t.shape)}`);
}

/**
 * One GRU layer (Keras reset_after = True) over a whole sequence: x [T, B, I] time-major, h0 [B, H],
 * kernel [I, 3H], recurrentKernel [H, 3H] (gate order z, r, h), bias [2, 3H]. Returns [y [T, B, H], hT].
 */
export function gruSequence(x: Tensor, h0: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, opts: GruSequenceOptions = {}): [Tensor, Tensor] {
  checkOptions(OP, opts, OPTION_KEYS);
  checkBoolean(OP, 'goBackwards', opts.goBackwards);
  checkBoolean(OP, 'zeroOutputForMask', opts.zeroOutputForMask);
  const backend = resolveBackend(opts.backend);
  if (!(x instanceof Tensor)) fail(OP, `x must be a Tensor, got ${describeValue(x)}`);
  if (x.rank !== 3) fail(OP, `x must be time-major [T, B, I], got shape ${shapeStr(x.shape)}`);
  const [T, B, I] = x.shape;
  if (T === 0) fail(OP, 'x has T=0 time steps; an RNN needs at least one step (Keras raises here too)');
  if (!(kernel instanceof Tensor)) fail(OP, `kernel must be a Tensor, got ${describeValue(kernel)}`);
  if (kernel.rank !== 2 || kernel.shape[1] % 3 !== 0 || kernel.shape[1] === 0) fail(OP, `kernel must have shape [I, 3H] with H ≥ 1 (gate order z, r, h), got ${shapeStr(kernel.shape)}`);
  const H = kernel.shape[1] / 3;
  expectShape('kernel', kernel, [I, 3 * H], 'I from x, 3H');
  expectShape('recurrentKernel', recurrentKernel, [H, 3 * H], 'H, 3H with H from kernel');
  expectShape('bias', bias, [2, 3 * H], 'input bias and recurrent bias, as Keras GRU(reset_after=True)');
  expectShape('h0', h0, [B, H], 'B from x, H from kernel');
  const inputs = [x, h0, kernel, recurrentKernel, bias];
  const names = ['x', 'h0', 'kernel', 'recurrentKernel', 'bias'];
  inputs.forEach((t, i) => {
    if (t.dtype !== x.dtype) fail(OP, `all inputs must share one dtype: x is ${x.dtype} but ${names[i]} is ${t.dtype}`);
  });
  const seqLengths = opts.seqLengths === undefined || opts.seqLengths === null ? null : toSeqLengths(OP, opts.seqLengths, B, T);
  const args: GruSeqArgs = {
    T, B, I, H, dtype: x.dtype, x: x.data, h0: h0.data, kernel: kernel.data, recurrentKernel: recurrentKernel.data, bias: bias.data,
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
