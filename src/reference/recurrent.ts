// Reference recurrent steps, written to be read, not to be fast: each is the cell's equations, one line each,
// in plain `lt.ops` (matmul, add, split, sigmoid, tanh, mul, where), in the gate order Keras stores in its kernel
// columns. The layers compute the same numbers with fused kernels (src/kernels/, docs/lstm.md "From the reference
// to the fused kernel"); test/keras-recurrent/reference.test.ts checks these functions against LSTM.apply,
// GRU.apply and SimpleRNN.apply, and the explorable (`npm run learn`) draws their intermediate values.
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../ops/arithmetic.js';
import { matmul } from '../ops/matmul.js';
import { sigmoid, tanh } from '../ops/unary.js';
import { split, slice } from '../ops/layout.js';
import { where } from '../ops/select.js';
import { full, onesLike, zerosLike } from '../tensor/create.js';
import { fail } from '../tensor/shape.js';

/** An LSTM's weights as Keras stores them: kernel [I, 4H], recurrent_kernel [H, 4H], bias [4H]; gates i, f, c, o. */
export interface LstmWeights { kernel: Tensor; recurrentKernel: Tensor; bias: Tensor }

/** Everything one LSTM step computes, each [B, H]. */
export interface LstmStepValues {
  /** input gate: how much of the candidate enters the cell */
  i: Tensor;
  /** forget gate: how much of the old cell state is kept */
  f: Tensor;
  /** candidate cell state c̃ */
  cTilde: Tensor;
  /** output gate: how much of tanh(c) is shown as h */
  o: Tensor;
  /** new cell state */
  c: Tensor;
  /** new hidden state (the step's output) */
  h: Tensor;
}

/**
 * One LSTM step (Keras `LSTMCell.call`, keras/src/layers/rnn/lstm.py, with the default activations tanh and
 * sigmoid; Hochreiter & Schmidhuber 1997 with the forget gate of Gers et al. 2000):
 *
 *     z  = x·W + h·U + b                       [B, 4H], split into four [B, H] blocks in Keras's order i, f, c, o
 *     i  = σ(z_i)         input gate
 *     f  = σ(z_f)         forget gate
 *     c̃  = tanh(z_c)      candidate
 *     o  = σ(z_o)         output gate
 *     c' = f ⊙ c + i ⊙ c̃  new cell state
 *     h' = o ⊙ tanh(c')   new hidden state
 */
export function lstmStep(x: Tensor, h: Tensor, c: Tensor, w: LstmWeights): LstmStepValues {
  const z = add(add(matmul(x, w.kernel), matmul(h, w.recurrentKernel)), w.bias);
  const [zi, zf, zc, zo] = split(z, 4, -1);
  const i = sigmoid(zi);
  const f = sigmoid(zf);
  const cTilde = tanh(zc);
  const o = sigmoid(zo);
  const cNew = add(mul(f, c), mul(i, cTilde));
  const hNew = mul(o, tanh(cNew));
  return { i, f, cTilde, o, c: cNew, h: hNew };
}

/** A GRU's weights (Keras reset_after=True, the default): kernel [I, 3H], recurrent_kernel [H, 3H], bias [2, 3H]; gates z, r, h. */
export interface GruWeights { kernel: Tensor; recurrentKernel: Tensor; bias: Tensor }

/** Everything one GRU step computes, each [B, H]. */
export interface GruStepValues {
  /** update gate: how much of the old state is kept */
  z: Tensor;
  /** reset gate: how much of the old state the candidate sees */
  r: Tensor;
  /** candidate state h̃ */
  hTilde: Tensor;
  /** new hidden state (the step's output) */
  h: Tensor;
}

/**
 * One GRU step (Keras `GRUCell.call` with reset_after=True, keras/src/layers/rnn/gru.py; Cho et al. 2014 with
 * the reset gate applied after the recurrent product, as cuDNN does):
 *
 *     x_z, x_r, x_h = split(x·W + b_in)       b = [b_in; b_rec]
 *     u_z, u_r, u_h = split(h·U + b_rec)
 *     z  = σ(x_z + u_z)          update gate
 *     r  = σ(x_r + u_r)          reset gate
 *     h̃  = tanh(x_h + r ⊙ u_h)   candidate
 *     h' = z ⊙ h + (1 − z) ⊙ h̃
 */
export function gruStep(x: Tensor, h: Tensor, w: GruWeights): GruStepValues {
  const H = w.recurrentKernel.shape[0];
  const bIn = slice(w.bias, [0, 0], [1, 3 * H]);
  const bRec = slice(w.bias, [1, 0], [1, 3 * H]);
  const [xz, xr, xh] = split(add(matmul(x, w.kernel), bIn), 3, -1);
  const [uz, ur, uh] = split(add(matmul(h, w.recurrentKernel), bRec), 3, -1);
  const z = sigmoid(add(xz, uz));
  const r = sigmoid(add(xr, ur));
  const hTilde = tanh(add(xh, mul(r, uh)));
  const hNew = add(mul(z, h), mul(sub(onesLike(z), z), hTilde));
  return { z, r, hTilde, h: hNew };
}

/** A SimpleRNN's weights: kernel [I, H], recurrent_kernel [H, H], bias [H]. */
export interface SimpleRnnWeights { kernel: Tensor; recurrentKernel: Tensor; bias: Tensor }

/** One SimpleRNN step (Keras `SimpleRNNCell.call`, activation tanh): h' = tanh(x·W + b + h·U). */
export function simpleRnnStep(x: Tensor, h: Tensor, w: SimpleRnnWeights): { h: Tensor } {
  return { h: tanh(add(add(matmul(x, w.kernel), w.bias), matmul(h, w.recurrentKernel))) };
}

/** Options of the reference sequence loops (Keras RNN semantics). */
export interface ReferenceSequenceOptions {
  /** [B, T] booleans (1 = real step). A masked step keeps the states and repeats the previous output (Keras RNN). */
  mask?: Tensor;
  /** Process the steps from last to first; outputs come in processing order, as Keras returns them. */
  goBackwards?: boolean;
  /** A masked step outputs zeros instead of the previous output (Keras's zero_output_for_mask). */
  zeroOutputForMask?: boolean;
}

/**
 * The Keras RNN loop around a step function, written out: x [B, T, I]; `step(x_t, states)` returns the new states
 * (the first is the output). Returns, per processed step, the step's values, and the outputs [each B, H] in
 * processing order. Masked rows keep their states: s' = where(m, s_new, s) (keras/src/backend/*\/rnn.py).
 */
export function referenceLoop<V extends { h: Tensor }>(
  x: Tensor, initial: Tensor[], step: (xt: Tensor, states: Tensor[]) => { values: V; states: Tensor[] }, opts: ReferenceSequenceOptions = {},
): { steps: V[]; outputs: Tensor[]; states: Tensor[] } {
  if (x.rank !== 3) fail('referenceLoop', `x must be [B, T, I], got rank ${x.rank}`);
  const [B, T, I] = x.shape;
  let states = initial;
  let prevOut = zerosLike(initial[0]);
  const steps: V[] = [];
  const outputs: Tensor[] = [];
  for (let s = 0; s < T; s++) {
    const t = opts.goBackwards ? T - 1 - s : s;
    const xt = slice(x, [0, t, 0], [B, 1, I]).reshape([B, I]);
    const r = step(xt, states);
    let out = r.states[0];
    if (opts.mask) {
      const m = slice(opts.mask, [0, t], [B, 1]);  // [B, 1], broadcast over H
      states = r.states.map((sNew, k) => where(m, sNew, states[k]));
      out = where(m, r.states[0], opts.zeroOutputForMask ? zerosLike(out) : prevOut);
    } else {
      states = r.states;
    }
    prevOut = out;
    steps.push(r.values);
    outputs.push(out);
  }
  return { steps, outputs, states };
}

/** Keras's initial state: zeros [B, H] (H from the recurrent kernel), in x's dtype. */
function zeroState(x: Tensor, w: { recurrentKernel: Tensor }): Tensor {
  return full([x.shape[0], w.recurrentKernel.shape[0]], 0, x.dtype);
}

/** An LSTM over a sequence with lstmStep: per-step gate values, outputs, final [h, c]. */
export function lstmReference(x: Tensor, w: LstmWeights, opts: ReferenceSequenceOptions & { h0?: Tensor; c0?: Tensor } = {}) {
  const h0 = opts.h0 ?? zeroState(x, w);
  const c0 = opts.c0 ?? zeroState(x, w);
  return referenceLoop(x, [h0, c0], (xt, [h, c]) => {
    const v = lstmStep(xt, h, c, w);
    return { values: v, states: [v.h, v.c] };
  }, opts);
}

/** A GRU over a sequence with gruStep. */
export function gruReference(x: Tensor, w: GruWeights, opts: ReferenceSequenceOptions & { h0?: Tensor } = {}) {
  const h0 = opts.h0 ?? zeroState(x, w);
  return referenceLoop(x, [h0], (xt, [h]) => {
    const v = gruStep(xt, h, w);
    return { values: v, states: [v.h] };
  }, opts);
}

/** A SimpleRNN over a sequence with simpleRnnStep. */
export function simpleRnnReference(x: Tensor, w: SimpleRnnWeights, opts: ReferenceSequenceOptions & { h0?: Tensor } = {}) {
  const h0 = opts.h0 ?? zeroState(x, w);
  return referenceLoop(x, [h0], (xt, [h]) => {
    const v = simpleRnnStep(xt, h, w);
    return { values: v, states: [v.h] };
  }, opts);
}
