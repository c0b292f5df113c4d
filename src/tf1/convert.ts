// Weight conversion between TF1 LSTM cells and Keras LSTM layers (keras-tf-semantics.md §1.1, §1.3).
//
//   TF1 BasicLSTMCell / LSTMCell                         Keras LSTM / LSTMCell
//   kernel W [I + H, 4H], columns (i, j, f, o)     →     kernel K = W[:I]          [I, 4H], columns (i, f, c, o)
//                                                        recurrentKernel R = W[I:]  [H, 4H], columns (i, f, c, o)
//   bias b [4H] (i, j, f, o) + run-time forget_bias →    bias [4H] = (b_i, b_f + forget_bias, b_j, b_o)
//
// j is TF1's name for the candidate Keras calls c. The gate maths is then identical:
// TF1 σ(f + forget_bias) with f = [x,h]·W_f + b_f  equals Keras σ(x·K_f + h·R_f + bias_f). Only the rounding
// order differs (TF1 adds forget_bias after the bias; the fold adds it into the bias once), so float32
// results agree to a few ulps, not bit for bit.
//
// These functions are built from autograd ops (slice, split, concat, addScalar): dynamicRnn's fused path uses
// them so gradients flow back to the TF1 variables. The cell-level helpers return detached copies.

import { Tensor } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';
import { zeros } from '../tensor/create.js';
import { noGrad } from '../autograd/mode.js';
import { concat, slice, split } from '../ops/layout.js';
import { addScalar } from '../ops/unary.js';
import { BasicLSTMCell } from './rnn_cell/basic-lstm-cell.js';
import { LSTMCell } from './rnn_cell/lstm-cell.js';
import { GRUCell } from './rnn_cell/gru-cell.js';

const OP = 'tf1.convert';

function checkFb(forgetBias: number): void {
  if (typeof forgetBias !== 'number' || !Number.isFinite(forgetBias)) fail(OP, `forgetBias must be a finite number, got ${String(forgetBias)}`);
}

/**
 * TF1 fused (kernel [I+H, 4H], bias [4H], gate order i, j, f, o) → Keras [kernel [I,4H], recurrentKernel
 * [H,4H], bias [4H]] in gate order i, f, c, o, with forgetBias folded into the f block. Differentiable.
 */
export function tf1LstmToKeras(kernel: Tensor, bias: Tensor, inputDepth: number, forgetBias = 1.0): [Tensor, Tensor, Tensor] {
  checkFb(forgetBias);
  if (!(kernel instanceof Tensor) || kernel.rank !== 2 || kernel.shape[1] % 4 !== 0 || kernel.shape[1] === 0) {
    fail(OP, `TF1 kernel must be [inputDepth + numUnits, 4·numUnits], got ${kernel instanceof Tensor ? shapeStr(kernel.shape) : typeof kernel}`);
  }
  const H = kernel.shape[1] / 4;
  if (!Number.isInteger(inputDepth) || inputDepth <= 0 || kernel.shape[0] !== inputDepth + H) {
    fail(OP, `TF1 kernel ${shapeStr(kernel.shape)} does not match inputDepth ${inputDepth} + numUnits ${H} = ${inputDepth + H} rows`);
  }
  if (!(bias instanceof Tensor) || bias.rank !== 1 || bias.shape[0] !== 4 * H) {
    fail(OP, `TF1 bias must be [${4 * H}] (4·numUnits), got ${bias instanceof Tensor ? shapeStr(bias.shape) : typeof bias}`);
  }
  const permute = (w: Tensor, axis: number): Tensor => {
    const [i, j, f, o] = split(w, 4, axis);
    return concat([i, f, j, o], axis);
  };
  const K = permute(slice(kernel, [0, 0], [inputDepth, -1]), 1);
  const R = permute(slice(kernel, [inputDepth, 0], [H, -1]), 1);
  const [bi, bj, bf, bo] = split(bias, 4, 0);
  const b = concat([bi, addScalar(bf, forgetBias), bj, bo], 0);
  return [K, R, b];
}

/**
 * Keras [kernel [I,4H], recurrentKernel [H,4H], bias [4H] | null] (i, f, c, o) → TF1 [kernel [I+H, 4H],
 * bias [4H]] (i, j, f, o), subtracting forgetBias from the f block (the TF1 cell adds it back at run time).
 * A Keras layer without bias (use_bias=False) gives a TF1 bias of −forgetBias in the f block. Differentiable.
 */
export function kerasLstmToTf1(kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null, forgetBias = 1.0): [Tensor, Tensor] {
  checkFb(forgetBias);
  if (!(kernel instanceof Tensor) || kernel.rank !== 2 || kernel.shape[1] % 4 !== 0 || kernel.shape[1] === 0) {
    fail(OP, `Keras kernel must be [inputDim, 4·units], got ${kernel instanceof Tensor ? shapeStr(kernel.shape) : typeof kernel}`);
  }
  const H = kernel.shape[1] / 4;
  if (!(recurrentKernel instanceof Tensor) || recurrentKernel.rank !== 2 || recurrentKernel.shape[0] !== H || recurrentKernel.shape[1] !== 4 * H) {
    fail(OP, `Keras recurrentKernel must be [${H}, ${4 * H}] (units from kernel ${shapeStr(kernel.shape)}), got ${recurrentKernel instanceof Tensor ? shapeStr(recurrentKernel.shape) : typeof recurrentKernel}`);
  }
  if (recurrentKernel.dtype !== kernel.dtype) fail(OP, `kernel is ${kernel.dtype} but recurrentKernel is ${recurrentKernel.dtype}`);
  const b0 = bias ?? zeros([4 * H], kernel.dtype);
  if (!(b0 instanceof Tensor) || b0.rank !== 1 || b0.shape[0] !== 4 * H) {
    fail(OP, `Keras bias must be [${4 * H}] (4·units), got ${b0 instanceof Tensor ? shapeStr(b0.shape) : typeof b0}`);
  }
  const unpermute = (w: Tensor, axis: number): Tensor => {
    const [i, f, c, o] = split(w, 4, axis);
    return concat([i, c, f, o], axis);
  };
  const W = unpermute(concat([kernel, recurrentKernel], 0), 1);
  const [bi, bf, bc, bo] = split(b0, 4, 0);
  const b = concat([bi, bc, addScalar(bf, -forgetBias), bo], 0);
  return [W, b];
}

export type ConvertibleCell = BasicLSTMCell | LSTMCell;

/** Why a cell has no plain Keras LSTM equivalent (null if it has one). */
export function kerasIncompatibility(cell: unknown): string | null {
  if (cell instanceof BasicLSTMCell) return null;
  if (cell instanceof LSTMCell) {
    const why: string[] = [];
    if (cell.usePeepholes) why.push('usePeepholes');
    if (cell.cellClip !== null) why.push(`cellClip=${cell.cellClip}`);
    if (cell.numProj !== null) why.push(`numProj=${cell.numProj}`);
    return why.length === 0 ? null : `LSTMCell with ${why.join(', ')} has no Keras LSTM equivalent`;
  }
  return `only BasicLSTMCell and LSTMCell convert to a Keras LSTM, got ${(cell as object)?.constructor?.name ?? typeof cell}`;
}

function convertible(cell: unknown): ConvertibleCell {
  const why = kerasIncompatibility(cell);
  if (why !== null) fail(OP, why);
  return cell as ConvertibleCell;
}

/**
 * A built TF1 cell's weights as Keras LSTM weights `[kernel, recurrentKernel, bias]` (copies, in the order
 * `keras.layers.LSTM.setWeights` takes). The Keras layer must use the same `activation` as the cell
 * (tanh by default) and recurrent_activation 'sigmoid'.
 */
export function cellToKerasWeights(cell: ConvertibleCell): [Tensor, Tensor, Tensor] {
  const c = convertible(cell);
  if (!c.built) fail(OP, 'the cell is not built yet: call it once or build(inputDepth) first');
  return noGrad(() => tf1LstmToKeras(c.kernel!, c.bias!, c.inputDepth!, c.forgetBias).map((t) => t.detach()) as [Tensor, Tensor, Tensor]);
}

/**
 * Loads Keras LSTM weights `[kernel, recurrentKernel, bias?]` (as `layer.getWeights()` returns them) into a
 * TF1 cell, building it for the kernel's input dimension if needed.
 */
export function setCellFromKerasWeights(cell: ConvertibleCell, weights: readonly Tensor[]): void {
  const c = convertible(cell);
  if (!Array.isArray(weights) || (weights.length !== 2 && weights.length !== 3)) {
    fail(OP, `expected Keras LSTM weights [kernel, recurrentKernel, bias] (or 2 without bias), got ${Array.isArray(weights) ? weights.length : typeof weights} arrays`);
  }
  const [k, r, b] = weights;
  if (!(k instanceof Tensor) || k.rank !== 2) fail(OP, `Keras kernel must be a 2-D Tensor, got ${k instanceof Tensor ? shapeStr(k.shape) : typeof k}`);
  if (k.shape[1] !== 4 * c.numUnits) fail(OP, `Keras kernel ${shapeStr(k.shape)} has ${k.shape[1] / 4} units but the cell has numUnits ${c.numUnits}`);
  const [W, bias] = noGrad(() => kerasLstmToTf1(k, r, b ?? null, c.forgetBias));
  if (!c.built) c.build(k.shape[0], { dtype: k.dtype });
  if (c.inputDepth !== k.shape[0]) fail(OP, `Keras kernel is for input dim ${k.shape[0]} but the cell was built for ${c.inputDepth}`);
  c.kernel!.assign(W);
  c.bias!.assign(bias);
}

// ---- GRU ---------------------------------------------------------------------------------------------------
//
//   TF1 GRUCell                                          Keras GRU / GRUCell with reset_after = False
//   gates/kernel W_g [I + H, 2H], columns (r, u)   →     kernel K = [W_g[:I]_u, W_g[:I]_r, W_c[:I]]     (z, r, h)
//   candidate/kernel W_c [I + H, H]                      recurrentKernel R = [W_g[I:]_u, W_g[I:]_r, W_c[I:]]
//   gates/bias [2H] (r, u), candidate/bias [H]           bias [3H] = (b_u, b_r, b_c)
//
// TF1's update gate u is Keras's z: h' = u·h + (1 − u)·c and h' = z·h + (1 − z)·ĥ. Keras's reset-before form
// ĥ = act(x·K_h + b_h + (r ⊙ h)·R_h) is TF1's act(concat([x, r ⊙ h])·W_c + b_c) with W_c split by rows. There
// is no equivalent for reset_after = True (the reset gate multiplies h·R_h there, not h). Rounding order differs
// (TF1 sums one matmul over [x, h], Keras two), so float32 agrees to a few ulps.

function check2d(what: string, t: unknown, rows: number | null, cols: number): asserts t is Tensor {
  if (!(t instanceof Tensor) || t.rank !== 2 || (rows !== null && t.shape[0] !== rows) || t.shape[1] !== cols) {
    fail(OP, `${what} must be [${rows ?? 'rows'}, ${cols}], got ${t instanceof Tensor ? shapeStr(t.shape) : typeof t}`);
  }
}

/** TF1 GRUCell weights → Keras GRU(reset_after=False) [kernel [I,3H], recurrentKernel [H,3H], bias [3H]]. Differentiable. */
export function tf1GruToKeras(gateKernel: Tensor, gateBias: Tensor, candidateKernel: Tensor, candidateBias: Tensor, inputDepth: number): [Tensor, Tensor, Tensor] {
  if (!(gateKernel instanceof Tensor) || gateKernel.rank !== 2 || gateKernel.shape[1] % 2 !== 0 || gateKernel.shape[1] === 0) {
    fail(OP, `TF1 gates/kernel must be [inputDepth + numUnits, 2·numUnits], got ${gateKernel instanceof Tensor ? shapeStr(gateKernel.shape) : typeof gateKernel}`);
  }
  const H = gateKernel.shape[1] / 2;
  if (!Number.isInteger(inputDepth) || inputDepth <= 0 || gateKernel.shape[0] !== inputDepth + H) {
    fail(OP, `TF1 gates/kernel ${shapeStr(gateKernel.shape)} does not match inputDepth ${inputDepth} + numUnits ${H} = ${inputDepth + H} rows`);
  }
  check2d('TF1 candidate/kernel', candidateKernel, inputDepth + H, H);
  if (!(gateBias instanceof Tensor) || gateBias.rank !== 1 || gateBias.shape[0] !== 2 * H) fail(OP, `TF1 gates/bias must be [${2 * H}], got ${gateBias instanceof Tensor ? shapeStr(gateBias.shape) : typeof gateBias}`);
  if (!(candidateBias instanceof Tensor) || candidateBias.rank !== 1 || candidateBias.shape[0] !== H) fail(OP, `TF1 candidate/bias must be [${H}], got ${candidateBias instanceof Tensor ? shapeStr(candidateBias.shape) : typeof candidateBias}`);
  const [r, u] = split(gateKernel, 2, 1);
  const rows = (w: Tensor, from: number, n: number): Tensor => slice(w, [from, 0], [n, -1]);
  const K = concat([rows(u, 0, inputDepth), rows(r, 0, inputDepth), rows(candidateKernel, 0, inputDepth)], 1);
  const R = concat([rows(u, inputDepth, H), rows(r, inputDepth, H), rows(candidateKernel, inputDepth, H)], 1);
  const [br, bu] = split(gateBias, 2, 0);
  return [K, R, concat([bu, br, candidateBias], 0)];
}

/** Keras GRU(reset_after=False) [kernel, recurrentKernel, bias [3H] | null] → TF1 [gates/kernel, gates/bias, candidate/kernel, candidate/bias]. */
export function kerasGruToTf1(kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null): [Tensor, Tensor, Tensor, Tensor] {
  if (!(kernel instanceof Tensor) || kernel.rank !== 2 || kernel.shape[1] % 3 !== 0 || kernel.shape[1] === 0) {
    fail(OP, `Keras GRU kernel must be [inputDim, 3·units], got ${kernel instanceof Tensor ? shapeStr(kernel.shape) : typeof kernel}`);
  }
  const H = kernel.shape[1] / 3;
  check2d('Keras GRU recurrentKernel', recurrentKernel, H, 3 * H);
  if (bias !== null && (!(bias instanceof Tensor) || bias.rank !== 1 || bias.shape[0] !== 3 * H)) {
    const got = bias instanceof Tensor ? shapeStr(bias.shape) : typeof bias;
    fail(OP, `Keras GRU bias must be [${3 * H}] (reset_after = False; a [2, ${3 * H}] bias is reset_after = True, which has no TF1 GRUCell equivalent), got ${got}`);
  }
  const b = bias ?? zeros([3 * H], kernel.dtype);
  const [kz, kr, kh] = split(kernel, 3, 1);
  const [rz, rr, rh] = split(recurrentKernel, 3, 1);
  const [bz, br, bh] = split(b, 3, 0);
  return [concat([concat([kr, kz], 1), concat([rr, rz], 1)], 0), concat([br, bz], 0), concat([kh, rh], 0), bh];
}

/** A built TF1 GRUCell's weights as Keras GRU(resetAfter: false) weights [kernel, recurrentKernel, bias] (copies). */
export function gruCellToKerasWeights(cell: GRUCell): [Tensor, Tensor, Tensor] {
  if (!(cell instanceof GRUCell)) fail(OP, `expected a TF1 GRUCell, got ${(cell as object)?.constructor?.name ?? typeof cell}`);
  if (!cell.built) fail(OP, 'the cell is not built yet: call it once or build(inputDepth) first');
  return noGrad(() => tf1GruToKeras(cell.gateKernel!, cell.gateBias!, cell.candidateKernel!, cell.candidateBias!, cell.inputDepth!)
    .map((t) => t.detach()) as [Tensor, Tensor, Tensor]);
}

/** Loads Keras GRU(resetAfter: false) weights [kernel, recurrentKernel, bias?] into a TF1 GRUCell (building it if needed). */
export function setGruCellFromKerasWeights(cell: GRUCell, weights: readonly Tensor[]): void {
  if (!(cell instanceof GRUCell)) fail(OP, `expected a TF1 GRUCell, got ${(cell as object)?.constructor?.name ?? typeof cell}`);
  if (!Array.isArray(weights) || (weights.length !== 2 && weights.length !== 3)) {
    fail(OP, `expected Keras GRU weights [kernel, recurrentKernel, bias] (or 2 without bias), got ${Array.isArray(weights) ? weights.length : typeof weights} arrays`);
  }
  const [k, r, b] = weights;
  if (!(k instanceof Tensor) || k.rank !== 2) fail(OP, `Keras kernel must be a 2-D Tensor, got ${k instanceof Tensor ? shapeStr(k.shape) : typeof k}`);
  if (k.shape[1] !== 3 * cell.numUnits) fail(OP, `Keras kernel ${shapeStr(k.shape)} has ${k.shape[1] / 3} units but the cell has numUnits ${cell.numUnits}`);
  const [gk, gb, ck, cb] = noGrad(() => kerasGruToTf1(k, r, b ?? null));
  if (!cell.built) cell.build(k.shape[0], { dtype: k.dtype });
  if (cell.inputDepth !== k.shape[0]) fail(OP, `Keras kernel is for input dim ${k.shape[0]} but the cell was built for ${cell.inputDepth}`);
  cell.gateKernel!.assign(gk);
  cell.gateBias!.assign(gb);
  cell.candidateKernel!.assign(ck);
  cell.candidateBias!.assign(cb);
}
