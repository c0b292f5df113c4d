// lstmSequence: the fused LSTM as ONE autograd op (design.md "The fused-kernel seam"). It validates the
// arguments, hands plain typed arrays to a backend (the pure-TS kernel unless told otherwise), and records a
// single graph node whose backward calls the backend's hand-written BPTT — instead of the ~15 nodes per
// time step the generic cell loop records.

import { Tensor } from '../tensor/tensor.js';
import type { TypedArray } from '../tensor/tensor.js';
import { allocate } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';
import { recordMulti, needsGrad } from '../autograd/node.js';
import type { LstmBackend, LstmBackendName, LstmSeqArgs } from './types.js';
import { tsLstmBackend } from './ts.js';
import { optionKeys, checkOptions, checkBoolean, describeValue } from '../util/options.js';
import { getLstmBackend, toSeqLengths } from './select.js';

export interface LstmSequenceOptions {
  /**
   * Per-row valid lengths (0 ≤ len ≤ T) of a strictly right-padded mask: time step t of row b is valid iff
   * t < seqLengths[b]. Omit (or null) when there is no mask. Use maskToSeqLengths (select.ts) to get them.
   */
  seqLengths?: ArrayLike<number> | Tensor | null;
  /** Process t = T−1 … 0; y comes back in processing order (Keras go_backwards). */
  goBackwards?: boolean;
  /** Masked steps output zeros instead of repeating the previous output (Keras zero_output_for_mask). */
  zeroOutputForMask?: boolean;
  /** Which backend computes it: a backend object or a registered backend's name (default: the pure-TS kernel). */
  backend?: LstmBackend | LstmBackendName;
  /** Identity of the weights across calls for backends that cache device copies (types.ts `weightsKey`). */
  weightsKey?: object;
}

const OPTION_KEYS = optionKeys<LstmSequenceOptions>({ seqLengths: true, goBackwards: true, zeroOutputForMask: true, backend: true, weightsKey: true });

/** The backend an option names: a registered one by name, or an object with the LstmBackend methods. */
function resolveBackend(b: LstmSequenceOptions['backend']): LstmBackend {
  if (b === undefined) return tsLstmBackend;
  if (typeof b === 'string') {
    const names: readonly string[] = ['ts', 'native-cpu', 'cudnn'];
    if (!names.includes(b)) fail(OP, `backend must be one of 'ts', 'native-cpu', 'cudnn' (or an LstmBackend object), got '${b}'`);
    const found = getLstmBackend(b as LstmBackendName);
    if (!found) {
      fail(OP, `backend '${b}' is not registered (registered: ${(['ts', 'native-cpu', 'cudnn'] as const).filter((n) => getLstmBackend(n)).join(', ')}); ` +
        "the native backends register when the addon is enabled (lt.native.enable(), see lt.native.info())");
    }
    return found;
  }
  if (b === null || typeof b !== 'object' || typeof (b as LstmBackend).availability !== 'function' || typeof (b as LstmBackend).forward !== 'function') {
    fail(OP, `backend must be a backend name ('ts', 'native-cpu', 'cudnn') or an LstmBackend object, got ${describeValue(b)}`);
  }
  return b;
}

const OP = 'lstmSequence';

function expectShape(arg: string, t: Tensor, want: number[], meaning: string): void {
  if (!(t instanceof Tensor)) fail(OP, `${arg} must be a Tensor, got ${typeof t}`);
  const ok = t.rank === want.length && t.shape.every((d, i) => d === want[i]);
  if (!ok) fail(OP, `${arg} must have shape ${shapeStr(want)} (${meaning}), got ${shapeStr(t.shape)}`);
}

/**
 * One LSTM layer over a whole sequence, Keras semantics (types.ts): x [T,B,I] time-major, h0, c0 [B,H],
 * kernel [I,4H], recurrentKernel [H,4H], bias [4H] (gate order i, f, c, o). Returns [y [T,B,H], hT, cT].
 */
export function lstmSequence(
  x: Tensor, h0: Tensor, c0: Tensor,
  kernel: Tensor, recurrentKernel: Tensor, bias: Tensor,
  opts: LstmSequenceOptions = {},
): [Tensor, Tensor, Tensor] {
  checkOptions(OP, opts, OPTION_KEYS);
  checkBoolean(OP, 'goBackwards', opts.goBackwards);
  checkBoolean(OP, 'zeroOutputForMask', opts.zeroOutputForMask);
  const backend = resolveBackend(opts.backend);
  if (!(x instanceof Tensor)) fail(OP, `x must be a Tensor, got ${typeof x}`);
  if (x.rank !== 3) fail(OP, `x must be time-major [T, B, I], got shape ${shapeStr(x.shape)}`);
  const [T, B, I] = x.shape;
  if (T === 0) fail(OP, 'x has T=0 time steps; an RNN needs at least one step (Keras raises here too)');
  if (!(kernel instanceof Tensor)) fail(OP, `kernel must be a Tensor, got ${typeof kernel}`);
  if (kernel.rank !== 2 || kernel.shape[1] % 4 !== 0 || kernel.shape[1] === 0) {
    fail(OP, `kernel must have shape [I, 4H] with H ≥ 1 (Keras gate order i, f, c, o), got ${shapeStr(kernel.shape)}`);
  }
  const H = kernel.shape[1] / 4;
  expectShape('kernel', kernel, [I, 4 * H], 'I from x, 4H');
  expectShape('recurrentKernel', recurrentKernel, [H, 4 * H], 'H, 4H with H from kernel');
  expectShape('bias', bias, [4 * H], '4H');
  expectShape('h0', h0, [B, H], 'B from x, H from kernel');
  expectShape('c0', c0, [B, H], 'B from x, H from kernel');
  const inputs = [x, h0, c0, kernel, recurrentKernel, bias];
  const names = ['x', 'h0', 'c0', 'kernel', 'recurrentKernel', 'bias'];
  inputs.forEach((t, i) => {
    if (t.dtype !== x.dtype) fail(OP, `all inputs must share one dtype: x is ${x.dtype} but ${names[i]} is ${t.dtype}`);
  });
  const seqLengths = opts.seqLengths === undefined || opts.seqLengths === null ? null : toSeqLengths(OP, opts.seqLengths, B, T);
  const args: LstmSeqArgs = {
    T, B, I, H, dtype: x.dtype,
    x: x.data, h0: h0.data, c0: c0.data,
    kernel: kernel.data, recurrentKernel: recurrentKernel.data, bias: bias.data,
    seqLengths, goBackwards: opts.goBackwards === true, zeroOutputForMask: opts.zeroOutputForMask === true,
    weightsKey: opts.weightsKey,
  };
  const avail = backend.availability();
  if (!avail.ok) fail(OP, `backend '${backend.name}' is not available: ${avail.reason}`);
  const rejected = backend.rejects(args);
  if (rejected !== null) fail(OP, `backend '${backend.name}' does not accept these arguments: ${rejected}`);

  const training = needsGrad(inputs);
  const fwd = backend.forward(args, training);
  const outs = [new Tensor(fwd.y, [T, B, H]), new Tensor(fwd.hT, [B, H]), new Tensor(fwd.cT, [B, H])];
  if (!training) {
    backend.release?.(fwd);
    return outs as [Tensor, Tensor, Tensor];
  }
  const zerosOr = (g: Tensor | null, n: number): TypedArray => (g === null ? allocate(x.dtype, n) : g.data);
  recordMulti(OP, inputs, outs, (gs, ctx) => {
    const g = backend.backward(args, fwd,
      zerosOr(gs[0], T * B * H), zerosOr(gs[1], B * H), zerosOr(gs[2], B * H), { skipDx: !x.requiresGrad, keepSaved: ctx.retainGraph });
    const wrap = (t: Tensor, d: TypedArray): Tensor | null => (t.requiresGrad ? new Tensor(d, t.shape) : null);
    return [
      wrap(x, g.dx), wrap(h0, g.dh0), wrap(c0, g.dc0),
      wrap(kernel, g.dKernel), wrap(recurrentKernel, g.dRecurrentKernel), wrap(bias, g.dBias),
    ];
    // The backward reads x, h0, c0 and the weights (inputs) and what the forward kept in fwd.saved; the
    // outputs it never reads, so they are not version-checked. Releasing the node frees a device reserve.
  }, { saved: inputs, onRelease: () => backend.release?.(fwd) });
  return outs as [Tensor, Tensor, Tensor];
}
