// Keras RNN layer (K3 keras/src/layers/rnn/rnn.py; K2 keras/layers/rnn/base_rnn.py): runs any cell — or a
// list of cells, wrapped in StackedRNNCells — over the time axis with the generic loop (rnn-loop.ts).
//
// Return value (§4.1): output ([B, T, units] with returnSequences, else [B, units]; time-major [T, B, units]),
// and with returnState the final states after it, flattened in natural order: [out, h, c] for an LSTM,
// [out, h1, c1, h2, c2] for stacked LSTM cells.
// initial_state: one tensor per state ([B, size]), or for stacked cells nested per cell; count and shapes are
// checked with Keras 2's messages (§4.2).
// stateful (§4.3/§4.4): the final states are stored and used as the next call's initial state; an explicit
// initialState wins (Keras 3). Under the Keras 2 compat switch the stored states win as soon as any is non-zero.

import {
  Tensor, fail, shapeStr, zeros, tensor, stack, unstack, transpose, noGrad, reshape, slice, dropout as applyDropout, dropoutMask,
  Layer, baseArgsFromConfig, type LayerArgs, type CallArgs, type DType, kerasCompat, type RegularizerId,
  optionKeys, checkBoolean, LAYER_OPTIONS, checkedArgs,
} from './deps.js';
import { RNNCellBase, DropoutRNNCell } from './cell-base.js';
import { StackedRNNCells } from './stacked-cells.js';
import { rnnLoop, readMask } from './rnn-loop.js';
import { needsGrad } from '../../../autograd/node.js';
import { maskToSeqLengths, type LstmKernelName, type LstmBackendPreference, type MaskSummary } from '../../../kernels/select.js';

/** What a fused-kernel selection needs from the call itself (the rest comes from the layer and its cell). */
export interface FusedCallFacts {
  mask: MaskSummary | null;
  dtype: DType;
  dims: { T: number; B: number; I: number; H: number };
  goBackwards: boolean;
  zeroOutputForMask: boolean;
  /** Gradients are recorded for this call (its input or a weight requires one): a backward will follow. */
  withBackward: boolean;
}

export interface RNNOptions {
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  stateful?: boolean;
  /** Keras 2 only (K3 has no time_major): inputs, outputs and mask are [T, B, ...]. */
  timeMajor?: boolean;
  unroll?: boolean;
  zeroOutputForMask?: boolean;
}

/** The Layer-level arguments LSTM and SimpleRNN take beside their cell's arguments and the RNN options. */
export interface RecurrentLayerArgs extends RNNOptions {
  name?: string;
  trainable?: boolean;
  dtype?: 'float32' | 'float64';
  batchInputShape?: (number | null)[];
  inputShape?: (number | null)[];
  batchSize?: number;
  activityRegularizer?: RegularizerId;
}

export interface RNNArgs extends LayerArgs, RNNOptions {
  cell: RNNCellBase | RNNCellBase[];
}

/** The RNN option names (for the option lists of RNN, LSTM, SimpleRNN). */
export const RNN_OPTIONS = {
  returnSequences: true, returnState: true, goBackwards: true, stateful: true, timeMajor: true, unroll: true, zeroOutputForMask: true,
} as const satisfies { [K in keyof Required<RNNOptions>]: true };

/** `args` without the RNN options (what LSTM and SimpleRNN hand to their cell). */
/**
 * The RNN arguments of a layer that owns its cell (LSTM, GRU, SimpleRNN): the layer-level options of `args`
 * plus `cell` (Keras's LSTM/GRU/SimpleRNN.__init__ pass the same set to RNN.__init__).
 */
export function cellLayerArgs(args: RecurrentLayerArgs & LayerArgs, cell: RNNCellBase): RNNArgs {
  const { name, trainable, dtype, batchInputShape, inputShape, batchSize, activityRegularizer } = args;
  return checkedArgs({
    name, trainable, dtype, batchInputShape, inputShape, batchSize, activityRegularizer, cell,
    returnSequences: args.returnSequences, returnState: args.returnState, goBackwards: args.goBackwards,
    stateful: args.stateful, timeMajor: args.timeMajor, unroll: args.unroll, zeroOutputForMask: args.zeroOutputForMask,
  });
}

/** The cell's share of a cell layer's arguments: without the RNN options and the layer-only keys (dtype and trainable stay). */
export function cellArgsOf<T extends RecurrentLayerArgs & LayerArgs>(args: T): Omit<T, keyof RNNOptions | 'name' | 'batchInputShape' | 'inputShape' | 'batchSize' | 'activityRegularizer'> {
  const { name, batchInputShape, inputShape, batchSize, activityRegularizer, ...rest } = withoutRnnOptions(args) as T & LayerArgs;
  void name; void batchInputShape; void inputShape; void batchSize; void activityRegularizer;
  return rest as never;
}

/** A layer's `backend` argument: 'auto' (default), 'ts', 'native-cpu' or 'cudnn' (docs/selection.md). */
export function checkBackendPreference(where: string, v: unknown): LstmBackendPreference {
  const allowed: LstmBackendPreference[] = ['auto', 'ts', 'native-cpu', 'cudnn'];
  if (v === undefined) return 'auto';
  if (!allowed.includes(v as LstmBackendPreference)) fail(where, `backend must be one of ${allowed.map((s) => `'${s}'`).join(', ')}, got '${String(v)}'`);
  return v as LstmBackendPreference;
}

export function withoutRnnOptions<T extends object>(args: T): Omit<T, keyof RNNOptions> {
  const out = { ...args } as Record<string, unknown>;
  for (const k of Object.keys(RNN_OPTIONS)) delete out[k];
  return out as Omit<T, keyof RNNOptions>;
}

/** Generic-loop call of a cell; shared by RNN, LSTM (slow path) and SimpleRNN. */
export interface RnnRunResult {
  output: Tensor;
  states: Tensor[];
}

/**
 * `R` is whether the layer returns its states (returnState): without them a recurrent layer gives one Tensor,
 * so `new LSTM({ units }).apply(x).shape` needs no cast; `returnState: true` types the result as
 * [output, ...states]; a non-literal boolean keeps the union.
 */
export type RecurrentOutput<R extends boolean> = R extends true ? Tensor[] : Tensor;

export class RNN<R extends boolean = boolean> extends Layer<RecurrentOutput<R>> {
  static readonly kerasName: string = 'RNN';
  static readonly optionKeys = optionKeys<RNNArgs>({ ...LAYER_OPTIONS, ...RNN_OPTIONS, cell: true });
  readonly cell: RNNCellBase;
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
  timeMajor: boolean;
  unroll: boolean;
  zeroOutputForMask: boolean;
  /** Stored states of a stateful layer (non-trainable, updated after each call). */
  states: Tensor[] | null = null;
  /** What the last call ran (LSTM fills in the kernel selection; other cells always use the generic loop). */
  protected lastExplanation: { path: LstmKernelName; reasons: string[] } | null = null;

  constructor(args: RNNArgs & { returnState?: R }) {
    super(args);
    if (args.cell === undefined || args.cell === null) fail(this.className, 'cell is required');
    const cell = Array.isArray(args.cell) ? new StackedRNNCells(args.cell) : args.cell;
    if (!(cell instanceof RNNCellBase)) fail(this.className, 'cell must be an RNN cell (LSTMCell, SimpleRNNCell, StackedRNNCells or an RNNCellBase subclass)');
    this.cell = this.trackLayer(cell);
    for (const k of Object.keys(RNN_OPTIONS)) checkBoolean(this.className, k, (args as unknown as Record<string, unknown>)[k]);
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.stateful = args.stateful ?? false;
    this.timeMajor = args.timeMajor ?? false;
    this.unroll = args.unroll ?? false;
    this.zeroOutputForMask = args.zeroOutputForMask ?? false;
    this.supportsMasking = true;
  }

  get stateSize(): number[] {
    return this.cell.stateSize;
  }

  /** Static batch size of a stateful layer (from batchInputShape / batchSize, or the first call). */
  private staticBatch(): number | null {
    const b = this.batchInputShape?.[this.timeMajor ? 1 : 0];
    return typeof b === 'number' ? b : null;
  }

  override build(inputShape: number[]): void {
    if (inputShape.length !== 3) fail(this.name, `expected an input of rank 3 ([batch, time, features]${this.timeMajor ? ', time-major [time, batch, features]' : ''}), got shape ${shapeStr(inputShape)}`);
    const B = this.timeMajor ? inputShape[1] : inputShape[0];
    if (!this.cell.built) {
      this.cell.build([B, inputShape[2]]);
      this.cell.built = true;
    }
    if (this.stateful && this.states === null) this.createStates(B);
    this.built = true;
  }

  private createStates(batch: number): void {
    this.states = this.stateSize.map((s) => zeros([batch, s], this.dtype));
  }

  /**
   * Zeroes the stored states, or sets them to `states` (Keras 2 `reset_states(states)`: count and exact
   * shapes checked; "Layer must be stateful." on a non-stateful layer).
   */
  resetStates(states?: (Tensor | number[][])[] | Tensor | null): void {
    if (!this.stateful) fail(this.name, 'Layer must be stateful.');
    if (this.states === null) {
      const b = this.staticBatch();
      if (b === null) {
        fail(this.name, 'If a RNN is stateful, it needs to know its batch size. Specify the batch size of your input tensors: ' +
          'pass batchInputShape (or batchSize with inputShape) to the layer, or call it once on a batch.');
      }
      this.createStates(b);
    }
    const cur = this.states!;
    if (states === undefined || states === null) {
      for (const s of cur) {
        s.data.fill(0);
        s.bumpVersion();
      }
      return;
    }
    const list = Array.isArray(states) ? states : [states];
    if (list.length !== cur.length) {
      fail(this.name, `Layer ${this.name} expects ${cur.length} states, but it received ${list.length} state values.`);
    }
    list.forEach((v, i) => {
      const t = v instanceof Tensor ? v : tensor(v as number[][], { dtype: this.dtype });
      if (t.shape.length !== cur[i].shape.length || t.shape.some((d, k) => d !== cur[i].shape[k])) {
        fail(this.name, `State ${i} is incompatible with layer ${this.name}: expected shape=${shapeStr(cur[i].shape)}, found shape=${shapeStr(t.shape)}`);
      }
      cur[i].assign(t);
    });
  }

  /** Keras 3 name. */
  resetState(): void {
    this.resetStates();
  }

  override computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return this.returnSequences ? mask : null;
  }

  /** Validates and flattens a user initial state (flat list, or nested per cell for stacked cells). */
  protected checkInitialState(initialState: unknown, B: number, dtype: DType): Tensor[] {
    const flat: Tensor[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v instanceof Tensor) flat.push(v);
      else fail(this.name, `initial_state entries must be Tensors, got ${v === null ? 'null' : typeof v}`);
    };
    walk(initialState);
    const sizes = this.stateSize;
    if (flat.length !== sizes.length) {
      fail(this.name, `Layer has ${sizes.length} states but was passed ${flat.length} initial states.`);
    }
    flat.forEach((s, i) => {
      if (s.rank !== 2 || s.shape[0] !== B || s.shape[1] !== sizes[i]) {
        fail(this.name, `initial_state[${i}] must have shape [${B}, ${sizes[i]}] (batch, state size), got ${shapeStr(s.shape)}`);
      }
      if (s.dtype !== dtype) fail(this.name, `initial_state[${i}] has dtype ${s.dtype} but the input is ${dtype}`);
    });
    return flat;
  }

  /** Inputs, batch size, time steps, after the checks every call makes. */
  protected checkInputs(inputs: Tensor | Tensor[]): { x: Tensor; B: number; T: number } {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!(x instanceof Tensor)) fail(this.name, 'the input must be a Tensor');
    if (x.rank !== 3) fail(this.name, `expected an input of rank 3 ([batch, time, features]${this.timeMajor ? ', time-major' : ''}), got shape ${shapeStr(x.shape)}`);
    const B = this.timeMajor ? x.shape[1] : x.shape[0];
    const T = this.timeMajor ? x.shape[0] : x.shape[1];
    if (T === 0) fail(this.name, 'the input has 0 time steps; Keras cannot run an RNN over an empty sequence (it reads inputs[0])');
    const I = this.cell.inputDim;
    if (I !== null && x.shape[2] !== I) {
      fail(this.name, `the input has ${x.shape[2]} features (shape ${shapeStr(x.shape)}) but the layer was built for ${I}`);
    }
    if (x.dtype !== this.dtype) {
      fail(this.name, `the input is ${x.dtype} but the layer computes in ${this.dtype}; create the layer with dtype: '${x.dtype}' or cast the input`);
    }
    return { x, B, T };
  }

  /** The initial states of this call, applying the stateful rules (Keras 3, or Keras 2 under the compat switch). */
  protected resolveInitialState(kwargs: CallArgs, B: number, dtype: DType): Tensor[] {
    const explicit = kwargs.initialState !== undefined && kwargs.initialState !== null ? this.checkInitialState(kwargs.initialState, B, dtype) : null;
    if (this.stateful) {
      if (this.states === null) this.createStates(B);
      const stored = this.states!;
      if (stored[0].shape[0] !== B) {
        fail(this.name, `If an RNN is stateful, the batch size of the input sequences must be the same as the batch size of the initial state. \n` +
          `- Expected batch size: ${stored[0].shape[0]}\n- Received batch size: ${B}`);
      }
      if (explicit) {
        // Keras 3: an explicit initial_state always wins (§4.4). Keras 2: it is used only while every stored
        // state is zero (tf.cond(count_nonzero > 0, stored, given), §4.3).
        if (kerasCompat() === 'keras2' && stored.some((s) => s.data.some((v) => v !== 0))) return stored.map((s) => s.clone());
        return explicit;
      }
      // A copy, not a view: storeStates overwrites the stored buffers at the end of this call, and the
      // backward of this call must still see the states it started from (a detach() shared the buffer, and
      // every weight gradient of a stateful generic-loop layer used the final state as h0).
      return stored.map((s) => s.clone());
    }
    return explicit ?? this.cell.getInitialState(B, dtype);
  }

  /**
   * One call of a layer with a fused fast path (LSTM, GRU, SimpleRNN): the same procedure for each, the cell-kind
   * specifics in `p`.
   *  * `select` picks the kernel from the call's facts (Keras's rules for that cell, docs/selection.md);
   *  * a training call with input dropout and an implementation-1 cell (`perGateMasks` > 0 masks, one per gate)
   *    takes the generic loop: the fused maths applies one mask;
   *  * Keras 2 (compat switch, `keras2Eligible` = its `_could_use_gpu_kernel` for this cell): input dropout is
   *    drawn i.i.d. for every time step over the whole [B, T, I] input, on either path (keras-tf-semantics.md §2.4);
   *  * otherwise the fused input is multiplied by the cell's one [B, I] mask of this call, broadcast over time,
   *    which is what the implementation-2 cells do with their cached mask at every step (K3 LSTM.inner_loop draws
   *    it the same way for its cuDNN path).
   * `fused` runs the op on time-major x and returns its y [T, B, H] (processing order) and final states.
   */
  protected callWithFastPath<B>(inputs: Tensor | Tensor[], kwargs: CallArgs, p: {
    select: (facts: FusedCallFacts) => { backend: B | null; name: LstmKernelName; reasons: string[] };
    keras2Eligible: boolean;
    perGateMasks: number;
    fused: (x: Tensor, initial: Tensor[], lengths: Int32Array | null, backend: B) => { y: Tensor; states: Tensor[] };
  }): Tensor | Tensor[] {
    const { x, B, T } = this.checkInputs(inputs);
    const training = kwargs.training ?? false;
    const initial = this.resolveInitialState(kwargs, B, x.dtype);
    const mask = readMask(kwargs.mask, B, T, this.timeMajor, this.name);
    let summary: MaskSummary | null = null;
    if (kwargs.mask !== undefined && kwargs.mask !== null) {
      const rows: number[][] = [];
      for (let b = 0; b < B; b++) rows.push(Array.from(mask!.subarray(b * T, (b + 1) * T)));
      summary = maskToSeqLengths(rows);
    }
    const cell = this.cell as DropoutRNNCell;
    const withBackward = needsGrad([x, ...initial, ...cell.trainableWeights]);
    const sel = p.select({ mask: summary, dtype: x.dtype, dims: { T, B, I: x.shape[2], H: cell.outputSize }, goBackwards: this.goBackwards, zeroOutputForMask: this.zeroOutputForMask, withBackward });
    let reasons = [...sel.reasons];
    const dropoutActive = training && cell.dropout > 0 && cell.dropout < 1;
    const k2 = kerasCompat() === 'keras2' && p.keras2Eligible;
    let backend = sel.backend;
    if (backend !== null && dropoutActive && p.perGateMasks > 0 && !k2) {
      backend = null;
      reasons = reasons.filter((r) => !r.startsWith('generic:'));
      reasons.push(`${sel.name}: implementation=1 with dropout in training draws ${p.perGateMasks} per-gate input masks, which the fused kernel cannot apply`);
    }
    let xIn = x;
    let trainingForCell = training;
    if (k2 && dropoutActive) {
      xIn = applyDropout(x, dropoutMask(x.shape, cell.dropout, cell.dropoutRng, x.dtype));
      trainingForCell = false; // the only training behaviour of these cells (input dropout) is already applied
    }
    let output: Tensor;
    let states: Tensor[];
    if (backend !== null) {
      let xTm = this.timeMajor ? xIn : transpose(xIn, [1, 0, 2]);
      if (!k2 && dropoutActive) {
        cell.resetDropoutMask();
        const dp = cell.getDropoutMaskForCell(zeros([B, xTm.shape[2]], x.dtype), true, 1);
        cell.resetDropoutMask();
        if (dp) xTm = applyDropout(xTm, dp[0]); // [B, I] broadcast over the time axis of [T, B, I]
      }
      const r = p.fused(xTm, initial, summary ? summary.lengths : null, backend);
      const H = r.y.shape[2];
      if (this.returnSequences) output = this.timeMajor ? r.y : transpose(r.y, [1, 0, 2]);
      else output = reshape(slice(r.y, [T - 1, 0, 0], [1, B, H]), [B, H]);
      states = r.states;
      this.lastExplanation = { path: sel.name, reasons };
    } else {
      ({ output, states } = this.runGeneric(xIn, initial, mask, trainingForCell));
      this.lastExplanation = { path: 'generic', reasons };
    }
    this.storeStates(states);
    return this.packResult(output, states);
  }

  /** Stores the final states of a stateful layer (values only: no graph is kept across calls). */
  protected storeStates(states: Tensor[]): void {
    if (!this.stateful || this.states === null) return;
    noGrad(() => this.states!.forEach((s, i) => s.assign(states[i].data)));
  }

  /** Packs output and states the Keras way. */
  protected packResult(output: Tensor, states: Tensor[]): Tensor | Tensor[] {
    return this.returnState ? [output, ...states] : output;
  }

  /** The generic cell loop over the whole call (also the LSTM's fallback path). */
  protected runGeneric(x: Tensor, initial: Tensor[], mask: Uint8Array | null, training: boolean): RnnRunResult {
    // Per-step inputs [B, I]: slices along the time axis (one recorded op whose backward scatters once).
    const steps = unstack(x, this.timeMajor ? 0 : 1);
    this.cell.resetDropoutMasks();
    let res;
    try {
      res = rnnLoop((xt, st) => this.cell.step(xt, st, training), steps, initial, {
        mask, goBackwards: this.goBackwards, zeroOutputForMask: this.zeroOutputForMask, returnAllOutputs: this.returnSequences,
        unroll: this.unroll,
      });
    } finally {
      // One mask per call: the cache is cleared after the call as Keras 3 does (_maybe_reset_dropout_masks).
      this.cell.resetDropoutMasks();
    }
    const output = this.returnSequences ? stack(res.outputs, this.timeMajor ? 0 : 1) : res.lastOutput;
    return { output, states: res.states };
  }

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    const { x, B, T } = this.checkInputs(inputs);
    const initial = this.resolveInitialState(kwargs, B, x.dtype);
    const mask = readMask(kwargs.mask, B, T, this.timeMajor, this.name);
    const { output, states } = this.runGeneric(x, initial, mask, kwargs.training ?? false);
    this.lastExplanation = { path: 'generic', reasons: [`fused kernels exist for the LSTM, GRU and SimpleRNN layers; RNN(${this.cell.className}) runs in the generic cell loop`] };
    this.storeStates(states);
    return this.packResult(output, states);
  }

  /** Which kernel the last call used and why the others were not used (null before the first call). */
  explain(): { path: LstmKernelName; reasons: string[] } | null {
    return this.lastExplanation;
  }

  /** Keras 3 RNN config keys (time_major only when set: Keras 3 has no such argument, §4.4). */
  protected rnnConfig(): Record<string, unknown> {
    const cfg: Record<string, unknown> = {
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
      zero_output_for_mask: this.zeroOutputForMask,
    };
    if (this.timeMajor) cfg.time_major = true;
    return cfg;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      ...this.rnnConfig(),
      cell: { module: 'keras.layers', class_name: this.cell.className, config: this.cell.getConfig(), registered_name: null },
    };
  }

  static fromConfig(cfg: Record<string, unknown>): RNN {
    const cellCfg = cfg.cell as { class_name: string; config: Record<string, unknown> } | undefined;
    if (!cellCfg) fail('RNN.fromConfig', 'config has no cell');
    return new RNN({ ...baseArgsFromConfig(cfg), ...rnnOptionsFromConfig(cfg), cell: cellFromConfig(cellCfg) });
  }
}

/** Keras (3 or 2) RNN keys → options. Keras 2 omits zero_output_for_mask unless true (§3.2). */
export function rnnOptionsFromConfig(cfg: Record<string, unknown>): RNNOptions {
  const b = (k: string): boolean | undefined => (typeof cfg[k] === 'boolean' ? (cfg[k] as boolean) : undefined);
  return {
    returnSequences: b('return_sequences'),
    returnState: b('return_state'),
    goBackwards: b('go_backwards'),
    stateful: b('stateful'),
    unroll: b('unroll'),
    timeMajor: b('time_major'),
    zeroOutputForMask: b('zero_output_for_mask'),
  };
}

export type CellFactory = (cfg: Record<string, unknown>) => RNNCellBase;
const cellFactories = new Map<string, CellFactory>();

/** Registers a cell class for RNN/StackedRNNCells deserialisation (the cell modules register themselves). */
export function registerCell(className: string, f: CellFactory): void {
  cellFactories.set(className, f);
}

export function cellFromConfig(c: { class_name: string; config: Record<string, unknown> }): RNNCellBase {
  if (c.class_name === 'StackedRNNCells') {
    const cells = (c.config.cells as { class_name: string; config: Record<string, unknown> }[]).map(cellFromConfig);
    return new StackedRNNCells({ cells, name: c.config.name as string | undefined });
  }
  const f = cellFactories.get(c.class_name);
  if (!f) fail('RNN.fromConfig', `unknown cell class '${c.class_name}'; known: StackedRNNCells, ${[...cellFactories.keys()].join(', ')}`);
  return f(c.config);
}

/** Transposes between [B, T, ...] and [T, B, ...]. */
export function swapBatchTime(x: Tensor): Tensor {
  return transpose(x, [1, 0, 2]);
}
