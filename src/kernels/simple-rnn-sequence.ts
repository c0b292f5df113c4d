// simpleRnnSequence: the fused SimpleRNN as ONE autograd op, through the seam lstmSequence set
// (lstm-sequence.ts, gru-sequence.ts): validate, hand typed arrays to a backend, one node whose backward is the
// backend's BPTT.

import { Tensor } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';
import type { SimpleRnnBackend, SimpleRnnSeqArgs, LstmBackendName } from './types.js';
import { tsSimpleRnnBackend } from './simple-rnn-ts.js';
import { optionKeys, checkOptions, checkBoolean, checkChoice, describeValue } from '../util/options.js';
import { getSimpleRnnBackend, toSeqLengths } from './select.js';
import { resolveBackend, expectShape, sequenceDims, checkSameDtype, runSingleStateOp } from './fused-op.js';

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

/** One SimpleRNN layer over a sequence: x [T, B, I], h0 [B, H], kernel [I, H], recurrentKernel [H, H], bias [H] → [y [T, B, H], hT]. */
export function simpleRnnSequence(x: Tensor, h0: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor, opts: SimpleRnnSequenceOptions = {}): [Tensor, Tensor] {
  checkOptions(OP, opts, OPTION_KEYS);
  checkBoolean(OP, 'goBackwards', opts.goBackwards);
  checkBoolean(OP, 'zeroOutputForMask', opts.zeroOutputForMask);
  const activation = checkChoice(OP, 'activation', opts.activation, ['tanh', 'relu'] as const) ?? 'tanh';
  const backend = resolveBackend<SimpleRnnBackend>(OP, 'SimpleRNN', opts.backend, tsSimpleRnnBackend, getSimpleRnnBackend);
  const [T, B, I] = sequenceDims(OP, x);
  if (!(kernel instanceof Tensor) || kernel.rank !== 2 || kernel.shape[1] === 0) fail(OP, `kernel must have shape [I, H] with H ≥ 1, got ${kernel instanceof Tensor ? shapeStr(kernel.shape) : describeValue(kernel)}`);
  const H = kernel.shape[1];
  expectShape(OP, 'kernel', kernel, [I, H], 'I from x, H');
  expectShape(OP, 'recurrentKernel', recurrentKernel, [H, H], 'H from kernel');
  expectShape(OP, 'bias', bias, [H], 'H');
  expectShape(OP, 'h0', h0, [B, H], 'B from x, H from kernel');
  const inputs = [x, h0, kernel, recurrentKernel, bias];
  checkSameDtype(OP, inputs, ['x', 'h0', 'kernel', 'recurrentKernel', 'bias']);
  const seqLengths = opts.seqLengths === undefined || opts.seqLengths === null ? null : toSeqLengths(OP, opts.seqLengths, B, T);
  const args: SimpleRnnSeqArgs = {
    T, B, I, H, dtype: x.dtype, x: x.data, h0: h0.data, kernel: kernel.data, recurrentKernel: recurrentKernel.data, bias: bias.data, activation,
    seqLengths, goBackwards: opts.goBackwards === true, zeroOutputForMask: opts.zeroOutputForMask === true,
  };
  return runSingleStateOp(OP, backend, args, inputs, T, B, H);
}
