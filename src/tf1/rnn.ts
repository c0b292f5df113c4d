// TF1 `tf.nn.dynamic_rnn` and `tf.nn.bidirectional_dynamic_rnn` (tensorflow/python/ops/rnn.py,
// keras-tf-semantics.md §9), composed from the cell's own `call` and primitive ops, so everything is
// differentiable through the autograd engine.
//
// sequence_length semantics (rnn.py `_rnn_step`): for t ≥ len[b] the output row is **zero** and the state
// row is **copied through**, so the final state is the state after each row's last valid step and a row
// of length 0 keeps its initial state. TF's loop stops after max(1, max(len)) steps; the remaining outputs
// are the zeros its TensorArray stacks — the same values we produce by not running those steps.

import { Tensor, type DType } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';
import { zeros } from '../tensor/create.js';
import { concat, split, stack, transpose, unstack } from '../ops/layout.js';
import { where } from '../ops/select.js';
import { reverse, reverseSequence } from '../ops/sequence.js';
import { RNNCell } from './rnn_cell/rnn-cell.js';
import { type RnnState, LSTMStateTuple, checkState, flattenState, packState, describe } from './state.js';
import { BasicLSTMCell } from './rnn_cell/basic-lstm-cell.js';
import { LSTMCell } from './rnn_cell/lstm-cell.js';
import { MultiRNNCell } from './rnn_cell/multi-rnn-cell.js';
import { kerasIncompatibility, tf1LstmToKeras } from './convert.js';
import { lstmSequence } from '../kernels/lstm-sequence.js';
import { selectLstmBackend, type LstmBackendPreference, type LstmSelection } from '../kernels/select.js';
import { optionKeys, checkOptions, checkBoolean } from '../util/options.js';
import { isGradEnabled } from '../autograd/mode.js';

export interface DynamicRnnOptions {
  /** Valid length of each batch row (int vector of size batch); omitted = every row has T steps. */
  sequenceLength?: ArrayLike<number> | Tensor | null;
  /** Initial state with the structure of cell.stateSize; omitted = cell.zeroState(batch, dtype). */
  initialState?: RnnState | null;
  /** Required when initialState is not given (as in TF). */
  dtype?: DType | null;
  /** inputs/outputs are [T, B, D] instead of [B, T, D]. */
  timeMajor?: boolean;
  /** Variable scope the cell is built under (default 'rnn', as TF). */
  scope?: string;
  /**
   * Which kernel runs an LSTM cell: 'auto' (default) uses the fused LSTM kernel (after converting the
   * weights to Keras layout) for a float32 BasicLSTMCell / plain LSTMCell with tanh when Keras's fused rules
   * hold; 'ts' / 'native-cpu' / 'cudnn' ask for that fused backend (also in float64 for 'ts'); 'generic'
   * always runs the cell step by step. The choice and its reasons land in `cell.lastRnnPath` and
   * `lastDynamicRnnPath()`.
   */
  backend?: DynamicRnnBackend;
}

export type DynamicRnnBackend = LstmBackendPreference | 'generic';

const DYNAMIC_RNN_OPTIONS = optionKeys<DynamicRnnOptions>({
  sequenceLength: true, initialState: true, dtype: true, timeMajor: true, scope: true, backend: true,
});

/** Which kernel a dynamicRnn call used ('generic' = the cell's own step, or a fused backend) and why. */
export interface DynamicRnnPath {
  kernel: 'generic' | LstmSelection['name'];
  reasons: string[];
}

let lastPath: DynamicRnnPath | null = null;

/** The path of the most recent dynamicRnn call (bidirectional: of its backward direction). */
export function lastDynamicRnnPath(): DynamicRnnPath | null {
  return lastPath;
}

export interface BidirectionalDynamicRnnOptions {
  sequenceLength?: ArrayLike<number> | Tensor | null;
  initialStateFw?: RnnState | null;
  initialStateBw?: RnnState | null;
  dtype?: DType | null;
  timeMajor?: boolean;
  /** Default 'bidirectional_rnn'; the directions are built under '<scope>/fw' and '<scope>/bw'. */
  scope?: string;
  /** As in dynamicRnn, for both directions. */
  backend?: DynamicRnnBackend;
}

const BIDIRECTIONAL_DYNAMIC_RNN_OPTIONS = optionKeys<BidirectionalDynamicRnnOptions>({
  sequenceLength: true, initialStateFw: true, initialStateBw: true, dtype: true, timeMajor: true, scope: true, backend: true,
});

/** Validates sequence_length as an integer vector of size `batch` with entries in [0, T]. */
function readLengths(op: string, seq: ArrayLike<number> | Tensor, batch: number, T: number): Int32Array {
  let values: ArrayLike<number>;
  if (seq instanceof Tensor) {
    if (seq.rank !== 1) fail(op, `sequenceLength must be a vector of length batch_size (${batch}), got a tensor of shape ${shapeStr(seq.shape)}`);
    values = seq.data;
  } else if (typeof seq === 'object' && seq !== null && typeof (seq as ArrayLike<number>).length === 'number') {
    values = seq;
  } else {
    return fail(op, `sequenceLength must be an array of integers, got ${describe(seq)}`);
  }
  if (values.length !== batch) fail(op, `sequenceLength has ${values.length} entries but the batch size is ${batch}`);
  const out = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    const v = values[b];
    // TF does not check the range: a length > T behaves as T and a negative one as 0. Both are always a
    // caller's bug, so they are rejected here instead.
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > T) {
      fail(op, `sequenceLength[${b}] = ${String(v)} must be an integer in [0, ${T}] (the number of time steps)`);
    }
    out[b] = v;
  }
  return out;
}

/**
 * Runs `cell` over `inputs` ([B, T, D], or [T, B, D] with timeMajor). Returns `[outputs, finalState]`:
 * outputs [B, T, cell.outputSize] (or time-major), zero past each row's length; finalState with the
 * structure of cell.stateSize.
 */
export function dynamicRnn(cell: RNNCell, inputs: Tensor, opts: DynamicRnnOptions = {}): [Tensor, RnnState] {
  const op = 'dynamicRnn';
  checkOptions(op, opts, DYNAMIC_RNN_OPTIONS);
  checkBoolean(op, 'timeMajor', opts.timeMajor);
  if (!(cell instanceof RNNCell)) fail(op, `cell must be an RNN cell (BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell), got ${describe(cell)}`);
  if (!(inputs instanceof Tensor)) fail(op, `inputs must be a Tensor, got ${describe(inputs)}`);
  const timeMajor = opts.timeMajor ?? false;
  if (inputs.rank !== 3) {
    fail(op, `inputs must be 3-D ${timeMajor ? '[time, batch, depth] (timeMajor)' : '[batch, time, depth]'}, got shape ${shapeStr(inputs.shape)}`);
  }
  const [T, B, D] = timeMajor ? inputs.shape : [inputs.shape[1], inputs.shape[0], inputs.shape[2]];
  if (T === 0) fail(op, `inputs must have at least one time step, got shape ${shapeStr(inputs.shape)}`);
  if (D === 0) fail(op, `inputs must have a non-zero depth, got shape ${shapeStr(inputs.shape)}`);

  const { initialState } = opts;
  const dtype = opts.dtype ?? null;
  if ((initialState === undefined || initialState === null) && !dtype) {
    fail(op, 'If no initial_state is provided, argument `dtype` must be specified');
  }
  if (dtype !== null && dtype !== 'float32' && dtype !== 'float64') fail(op, `dtype must be 'float32' or 'float64', got ${String(dtype)}`);
  if (dtype !== null && dtype !== inputs.dtype) fail(op, `dtype is ${dtype} but inputs are ${inputs.dtype}; cast the inputs first`);
  const lengths = opts.sequenceLength === undefined || opts.sequenceLength === null ? null : readLengths(op, opts.sequenceLength, B, T);

  cell.build(D, { dtype: inputs.dtype, scope: opts.scope ?? 'rnn' });
  if (cell.dtype !== inputs.dtype) fail(op, `inputs are ${inputs.dtype} but the cell's variables are ${cell.dtype}`);

  let state: RnnState;
  if (initialState === undefined || initialState === null) state = cell.zeroState(B, inputs.dtype);
  else {
    checkState(op, 'initialState', initialState, cell.stateSize, B, inputs.dtype);
    state = initialState;
  }

  const choice = chooseKernel(cell, inputs.dtype, lengths, { T, B, D }, opts.backend ?? 'auto');
  const path: DynamicRnnPath = { kernel: choice.selection?.name ?? 'generic', reasons: choice.reasons };
  cell.lastRnnPath = path;
  lastPath = path;
  if (choice.selection?.backend) return runFused(cell, choice.layers, inputs, state, lengths, timeMajor, choice.selection);

  const xs = unstack(inputs, timeMajor ? 0 : 1);
  // TF runs `min(T, max(1, max(sequence_length)))` steps (rnn.py _dynamic_rnn_loop: loop_bound "to ensure
  // the TensorArrays pick up the dynamic shape"), so even when every row has length 0 the cell runs once,
  // fully masked: same values (zero outputs, initial state), but the outputs and state stay connected to the
  // inputs, the variables and the initial state, whose gradients are then zeros. Running 0 steps left them
  // disconnected: null grads, and backward() refused a loss with no other input.
  const steps = lengths === null ? T : Math.min(T, Math.max(1, ...lengths));
  const minLen = lengths === null ? T : Math.min(...lengths);
  const outs: Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const [out, next] = cell.call(xs[t], state);
    if (t < minLen) {
      // Every row is still inside its sequence: no selection needed.
      outs.push(out);
      state = next;
      continue;
    }
    const mask = new Tensor(new (inputs.dtype === 'float64' ? Float64Array : Float32Array)(B), [B, 1]);
    for (let b = 0; b < B; b++) mask.data[b] = t < lengths![b] ? 1 : 0;
    outs.push(where(mask, out, zeros(out.shape, out.dtype)));
    const prev = flattenState(state);
    const cur = flattenState(next);
    state = packState(cell.stateSize, cur.map((n, k) => where(mask, n, prev[k])));
  }
  const outSize = cell.outputSize;
  for (let t = steps; t < T; t++) outs.push(zeros([B, outSize], inputs.dtype));
  return [stack(outs, timeMajor ? 0 : 1), state];
}

/** The LSTM layers a cell stands for: itself, or a tuple-state MultiRNNCell's children; null if not all LSTMs. */
function lstmLayers(cell: RNNCell): { layers: (BasicLSTMCell | LSTMCell)[] | null; why: string | null } {
  if (cell instanceof MultiRNNCell) {
    if (!cell.stateIsTuple) return { layers: null, why: 'MultiRNNCell with stateIsTuple=false holds no LSTM cells' };
    for (const [i, c] of cell.cells.entries()) {
      const w = kerasIncompatibility(c);
      if (w !== null) return { layers: null, why: `MultiRNNCell cell ${i}: ${w}` };
    }
    return { layers: cell.cells as (BasicLSTMCell | LSTMCell)[], why: null };
  }
  const w = kerasIncompatibility(cell);
  return w === null ? { layers: [cell as BasicLSTMCell | LSTMCell], why: null } : { layers: null, why: w };
}

/**
 * Decides between the generic step loop and the fused LSTM kernel. The fused kernel computes Keras's LSTM
 * (types.ts); a BasicLSTMCell / LSTMCell without peepholes, clipping or projection is the same function of
 * converted weights (convert.ts), and dynamic_rnn's "zero output, carried state past the length" is the
 * kernel's right-padded mask with zeroOutputForMask. A MultiRNNCell of such cells runs layer by layer: past
 * a row's length every layer's step is discarded (state carried, output zeroed), so it does not matter that
 * the upper layer then reads zeros instead of the lower layer's unmasked output. Keras's fused rules apply on
 * top (selectLstmBackend): tanh activation, and no fully masked row (a length-0 row).
 */
function chooseKernel(
  cell: RNNCell, dtype: DType, lengths: Int32Array | null, dims: { T: number; B: number; D: number }, pref: DynamicRnnBackend,
): { selection: LstmSelection | null; layers: (BasicLSTMCell | LSTMCell)[]; reasons: string[] } {
  const allowed: DynamicRnnBackend[] = ['auto', 'generic', 'ts', 'native-cpu', 'cudnn'];
  if (!allowed.includes(pref)) fail('dynamicRnn', `backend must be one of ${allowed.map((b) => `'${b}'`).join(', ')}, got '${String(pref)}'`);
  if (pref === 'generic') return { selection: null, layers: [], reasons: ["fused: not considered (backend 'generic' was requested)"] };
  const { layers, why } = lstmLayers(cell);
  const forced = pref === 'native-cpu' || pref === 'cudnn';
  if (layers === null) {
    if (forced) fail('dynamicRnn', `backend '${pref}' was requested but cannot run this cell: ${why}`);
    return { selection: null, layers: [], reasons: [`fused: ${why} (the fused kernel computes a plain LSTM)`] };
  }
  if (pref === 'auto' && dtype !== 'float32') {
    return {
      selection: null,
      layers: [],
      reasons: [`fused: dtype ${dtype} (backend 'auto' uses the fused kernel for float32 only; float64 runs the TF1 cell maths step by step — pass backend: 'ts' to force the fused TS kernel)`],
    };
  }
  let anyEmpty = false;
  if (lengths) for (const l of lengths) if (l === 0) anyEmpty = true;
  let depth = dims.D;
  let first: LstmSelection | null = null;
  for (const [k, lstm] of layers.entries()) {
    const sel = selectLstmBackend({
      activation: lstm.activationName, recurrentActivation: 'sigmoid', recurrentDropout: 0, unroll: false, useBias: true,
      mask: lengths ? { lengths, rightPadded: true, fullyMaskedRow: anyEmpty } : null,
      dtype, dims: { T: dims.T, B: dims.B, I: depth, H: lstm.numUnits }, zeroOutputForMask: true, backend: pref,
      withBackward: isGradEnabled(),  // a TF1 cell's variables are trainable: recording means a backward follows
    });
    const label = layers.length > 1 ? `MultiRNNCell cell ${k}: ` : '';
    if (!sel.backend) return { selection: null, layers: [], reasons: sel.reasons.map((r) => label + r) };
    if (first !== null && sel.name !== first.name) {
      return { selection: null, layers: [], reasons: [`fused: the layers would run on different backends (${first.name}, ${sel.name})`] };
    }
    first = first ?? sel;
    depth = lstm.outputSize;
  }
  const what = layers.length > 1
    ? `MultiRNNCell of ${layers.length} LSTM cells run layer by layer, weights converted to Keras layout, forget_bias folded into the bias`
    : `${layers[0].constructor.name} weights converted to Keras layout, forget_bias folded into the bias`;
  return { selection: first, layers, reasons: [`${first!.name}: chosen (${what})`, ...first!.reasons] };
}

/** One LSTM layer through lstmSequence on converted weights (differentiable to the TF1 variables); x is [T,B,D]. */
function runFusedLayer(
  cell: BasicLSTMCell | LSTMCell, x: Tensor, state: RnnState, lengths: Int32Array | null, sel: LstmSelection,
): [Tensor, RnnState] {
  const [K, R, b] = tf1LstmToKeras(cell.kernel!, cell.bias!, cell.inputDepth!, cell.forgetBias);
  let c0: Tensor;
  let h0: Tensor;
  if (cell.stateIsTuple) ({ c: c0, h: h0 } = state as LSTMStateTuple);
  else [c0, h0] = split(state as Tensor, 2, 1);
  // weightsKey: K, R, b are new arrays on every call (converted from the TF1 variables); the cuDNN backend keys
  // its device layer by the TF1 kernel instead, so calls over one cell share one handle and weight space.
  const [y, hT, cT] = lstmSequence(x, h0, c0, K, R, b, { seqLengths: lengths, zeroOutputForMask: true, backend: sel.backend!, weightsKey: cell.kernel!.data });
  return [y, cell.stateIsTuple ? new LSTMStateTuple(cT, hT) : concat([cT, hT], 1)];
}

/** dynamicRnn of an LSTM cell, or a MultiRNNCell of them, through the fused kernel. */
function runFused(
  cell: RNNCell, layers: (BasicLSTMCell | LSTMCell)[], inputs: Tensor, state: RnnState, lengths: Int32Array | null,
  timeMajor: boolean, sel: LstmSelection,
): [Tensor, RnnState] {
  let x = timeMajor ? inputs : transpose(inputs, [1, 0, 2]);
  let finalState: RnnState;
  if (cell instanceof MultiRNNCell) {
    const states = state as readonly RnnState[];
    const out: RnnState[] = [];
    layers.forEach((layer, k) => {
      const [y, st] = runFusedLayer(layer, x, states[k], lengths, sel);
      x = y;
      out.push(st);
    });
    finalState = out;
  } else {
    const [y, st] = runFusedLayer(layers[0], x, state, lengths, sel);
    x = y;
    finalState = st;
  }
  return [timeMajor ? x : transpose(x, [1, 0, 2]), finalState];
}

/**
 * Forward and backward RNNs over the same inputs. The backward direction reads each row's valid prefix
 * reversed (tf.reverse_sequence by sequenceLength, a plain reverse without it) and its outputs are
 * reversed back, so both outputs are time-aligned with the inputs and zero on padding (§9.3).
 * Returns `[[outputFw, outputBw], [stateFw, stateBw]]` (not concatenated).
 */
export function bidirectionalDynamicRnn(
  cellFw: RNNCell,
  cellBw: RNNCell,
  inputs: Tensor,
  opts: BidirectionalDynamicRnnOptions = {},
): [[Tensor, Tensor], [RnnState, RnnState]] {
  const op = 'bidirectionalDynamicRnn';
  checkOptions(op, opts, BIDIRECTIONAL_DYNAMIC_RNN_OPTIONS);
  checkBoolean(op, 'timeMajor', opts.timeMajor);
  if (!(cellFw instanceof RNNCell)) fail(op, `cellFw must be an RNN cell, got ${describe(cellFw)}`);
  if (!(cellBw instanceof RNNCell)) fail(op, `cellBw must be an RNN cell, got ${describe(cellBw)}`);
  if (!(inputs instanceof Tensor) || inputs.rank !== 3) {
    fail(op, `inputs must be a 3-D Tensor, got ${inputs instanceof Tensor ? `shape ${shapeStr(inputs.shape)}` : describe(inputs)}`);
  }
  const timeMajor = opts.timeMajor ?? false;
  const scope = opts.scope ?? 'bidirectional_rnn';
  const [timeAxis, batchAxis] = timeMajor ? [0, 1] : [1, 0];
  const seq = opts.sequenceLength ?? null;
  const [outFw, stFw] = dynamicRnn(cellFw, inputs, {
    sequenceLength: seq, initialState: opts.initialStateFw, dtype: opts.dtype, timeMajor, scope: `${scope}/fw`, backend: opts.backend,
  });
  // Lengths were validated by the forward call; reverseSequence wants plain numbers.
  const lens = seq === null ? null : seq instanceof Tensor ? Array.from(seq.data) : Array.from(seq);
  const rev = (x: Tensor): Tensor => (lens === null ? reverse(x, timeAxis) : reverseSequence(x, lens, timeAxis, batchAxis));
  const [tmp, stBw] = dynamicRnn(cellBw, rev(inputs), {
    sequenceLength: seq, initialState: opts.initialStateBw, dtype: opts.dtype, timeMajor, scope: `${scope}/bw`, backend: opts.backend,
  });
  return [[outFw, rev(tmp)], [stFw, stBw]];
}
