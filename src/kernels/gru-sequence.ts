// gruSequence: the fused GRU (reset_after = True) as ONE autograd op, the seam lstmSequence set
// (lstm-sequence.ts): validate, hand plain typed arrays to a backend, record one graph node whose backward is
// the backend's hand-written BPTT.

import { Tensor } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';
import type { GruBackend, GruSeqArgs, LstmBackendName } from './types.js';
import { tsGruBackend } from './gru-ts.js';
import { optionKeys, checkOptions, checkBoolean } from '../util/options.js';
import { getGruBackend, toSeqLengths } from './select.js';
import { resolveBackend, expectShape, sequenceDims, checkSameDtype, runSingleStateOp } from './fused-op.js';

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

/**
 * One GRU layer (Keras reset_after = True) over a whole sequence: x [T, B, I] time-major, h0 [B, H],
 * kernel [I, 3H], recurrentKernel [H, 3H] (gate order z, r, h), bias [2, 3H]. Returns [y [T, B, H], hT].
 */
export function gruSequence(x: Tensor, h0: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, opts: GruSequenceOptions = {}): [Tensor, Tensor] {
  checkOptions(OP, opts, OPTION_KEYS);
  checkBoolean(OP, 'goBackwards', opts.goBackwards);
  checkBoolean(OP, 'zeroOutputForMask', opts.zeroOutputForMask);
  const backend = resolveBackend<GruBackend>(OP, 'GRU', opts.backend, tsGruBackend, getGruBackend);
  const [T, B, I] = sequenceDims(OP, x);
  if (!(kernel instanceof Tensor) || kernel.rank !== 2 || kernel.shape[1] % 3 !== 0 || kernel.shape[1] === 0) {
    fail(OP, `kernel must have shape [I, 3H] with H ≥ 1 (gate order z, r, h), got ${kernel instanceof Tensor ? shapeStr(kernel.shape) : typeof kernel}`);
  }
  const H = kernel.shape[1] / 3;
  expectShape(OP, 'kernel', kernel, [I, 3 * H], 'I from x, 3H');
  expectShape(OP, 'recurrentKernel', recurrentKernel, [H, 3 * H], 'H, 3H with H from kernel');
  expectShape(OP, 'bias', bias, [2, 3 * H], 'input bias and recurrent bias, as Keras GRU(reset_after=True)');
  expectShape(OP, 'h0', h0, [B, H], 'B from x, H from kernel');
  const inputs = [x, h0, kernel, recurrentKernel, bias];
  checkSameDtype(OP, inputs, ['x', 'h0', 'kernel', 'recurrentKernel', 'bias']);
  const seqLengths = opts.seqLengths === undefined || opts.seqLengths === null ? null : toSeqLengths(OP, opts.seqLengths, B, T);
  const args: GruSeqArgs = {
    T, B, I, H, dtype: x.dtype, x: x.data, h0: h0.data, kernel: kernel.data, recurrentKernel: recurrentKernel.data, bias: bias.data,
    seqLengths, goBackwards: opts.goBackwards === true, zeroOutputForMask: opts.zeroOutputForMask === true,
  };
  return runSingleStateOp(OP, backend, args, inputs, T, B, H);
}
