// What every recurrent cell shares: the state/output sizes the RNN loop reads, zero initial states, and
// Keras's dropout-mask cache (K2 dropout_rnn_cell_mixin.py / K3 dropout_rnn_cell.py, keras-tf-semantics.md §2):
//   * one mask per layer call, drawn on the first step and shared by every time step (variational dropout);
//   * inverted scaling: kept entries are 1/(1 − rate);
//   * masks exist only in training and for 0 < rate < 1 (rate 1 is a silent no-op inside the cell, §2.2, §12.2);
//   * the RNN layer resets the cache at the start and end of every call.
// How many masks a cell draws depends on the cell and the Keras version (LSTMCell overrides the counts).

import { Tensor, zeros } from './deps.js';
import { Layer, type LayerArgs, type CallArgs, dropoutMask, Random, getGlobalRandom, type DType } from './deps.js';
import { fail, checkNumber } from './deps.js';
import {
  serializeInitializer, type InitializerId, type Initializer, getInitializer, serializeRegularizer, type RegularizerId,
  serializeConstraint, type ConstraintId, getRegularizer, getConstraint,
} from './deps.js';

export interface DropoutCellArgs extends LayerArgs {
  dropout?: number;
  recurrentDropout?: number;
  /** Seed for the dropout masks (Keras 3 `seed`). */
  seed?: number | null;
}

/** The dropout option names (for the option lists of cells and layers). */
export const DROPOUT_CELL_OPTIONS = { dropout: true, recurrentDropout: true, seed: true } as const;

/** Anything the generic RNN loop can run: a cell layer (LSTMCell, SimpleRNNCell, StackedRNNCells, user cells). */
export abstract class RNNCellBase extends Layer {
  static readonly kerasName: string = 'RNNCellBase';
  /** One entry per state tensor (Keras `state_size` as a list). */
  abstract get stateSize(): number[];
  abstract get outputSize(): number;

  /** One time step: x [B, I], states (each [B, stateSize[k]]) → (output [B, outputSize], new states). */
  abstract step(x: Tensor, states: Tensor[], training: boolean): [Tensor, Tensor[]];

  /** The input feature size the cell was built for (null before build or when unknown). */
  get inputDim(): number | null {
    return null;
  }

  /** Zero states [B, size] for each entry of stateSize (Keras `get_initial_state(batch_size)`). */
  getInitialState(batchSize: number, dtype: DType = this.dtype as DType): Tensor[] {
    return this.stateSize.map((s) => zeros([batchSize, s], dtype));
  }

  /** Drops the cached dropout masks of this cell (and of nested cells). */
  resetDropoutMasks(): void {}

  /** Layer API for a standalone cell: `cell.apply(x, {initialState: states})` → [output, ...newStates]. */
  override call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!(x instanceof Tensor) || x.rank !== 2) fail(this.className, `a cell takes one step input of shape [batch, features], got ${x instanceof Tensor ? `[${x.shape.join(', ')}]` : typeof x}`);
    // lstm-ts does not cast inputs to the layer's dtype (Keras 3 would): a float64 input to a float32 cell is
    // refused, naming both, so no precision changes silently (docs/parity.md "dtypes").
    if (x.dtype !== this.dtype) fail(this.name, `the input is ${x.dtype} but the cell computes in ${this.dtype}; create the cell with dtype: '${x.dtype}' or cast the input`);
    // a nested per-cell list (stacked cells) is the flat list grouped: flatten it
    const states = kwargs.initialState?.flat() ?? (Array.isArray(inputs) && inputs.length > 1 ? inputs.slice(1) : this.getInitialState(x.shape[0], x.dtype));
    if (states.length !== this.stateSize.length) fail(this.className, `expects ${this.stateSize.length} states, got ${states.length}`);
    const [out, ns] = this.step(x, states, kwargs.training ?? false);
    return [out, ...ns];
  }
}

/** The mask cache of a cell with input dropout and recurrent dropout (the DropoutRNNCell mixin). */
export abstract class DropoutRNNCell extends RNNCellBase {
  static override readonly kerasName: string = 'DropoutRNNCell';
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;
  /** The generator every dropout mask of this cell draws from (seeded by `seed`). */
  readonly dropoutRng: Random;
  private dropoutMaskCache: Tensor[] | null = null;
  private recurrentDropoutMaskCache: Tensor[] | null = null;

  constructor(args: DropoutCellArgs) {
    super(args);
    // Keras clips both rates to [0, 1] (K2/K3 __init__: min(1, max(0, rate))); a rate that is not a number
    // at all is an error (Keras's min/max would raise on a list or a string).
    checkNumber(this.className, 'dropout', args.dropout);
    checkNumber(this.className, 'recurrentDropout', args.recurrentDropout);
    this.dropout = Math.min(1, Math.max(0, args.dropout ?? 0));
    this.recurrentDropout = Math.min(1, Math.max(0, args.recurrentDropout ?? 0));
    if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed)) fail(this.className, `seed must be an integer or null, got ${args.seed}`);
    this.seed = args.seed ?? null;
    this.dropoutRng = new Random(this.seed ?? getGlobalRandom().nextUint32());
  }

  /** How many independent input masks one call draws (Keras version dependent; see LSTMCell). */
  protected dropoutMaskCount(): number {
    return 1;
  }

  protected recurrentDropoutMaskCount(): number {
    return 1;
  }

  private draw(like: Tensor, rate: number, count: number): Tensor[] {
    const masks: Tensor[] = [];
    for (let k = 0; k < count; k++) masks.push(dropoutMask(like.shape, rate, this.dropoutRng, like.dtype));
    return masks;
  }

  /**
   * The cached input-dropout masks for this call (created from `inputs`' shape on first use), or null when
   * no dropout applies (not training, or rate outside (0, 1)). `count` defaults to this cell's scheme.
   */
  getDropoutMaskForCell(inputs: Tensor, training: boolean, count = this.dropoutMaskCount()): Tensor[] | null {
    if (!training || !(this.dropout > 0 && this.dropout < 1)) return null;
    if (this.dropoutMaskCache === null) this.dropoutMaskCache = this.draw(inputs, this.dropout, count);
    return this.dropoutMaskCache;
  }

  /** As getDropoutMaskForCell, for the recurrent state h ([B, units]). */
  getRecurrentDropoutMaskForCell(h: Tensor, training: boolean, count = this.recurrentDropoutMaskCount()): Tensor[] | null {
    if (!training || !(this.recurrentDropout > 0 && this.recurrentDropout < 1)) return null;
    if (this.recurrentDropoutMaskCache === null) this.recurrentDropoutMaskCache = this.draw(h, this.recurrentDropout, count);
    return this.recurrentDropoutMaskCache;
  }

  resetDropoutMask(): void {
    this.dropoutMaskCache = null;
  }

  resetRecurrentDropoutMask(): void {
    this.recurrentDropoutMaskCache = null;
  }

  override resetDropoutMasks(): void {
    this.resetDropoutMask();
    this.resetRecurrentDropoutMask();
  }
}


/**
 * The `implementation` of a gated cell (LSTM, GRU): 1 or 2 (default 2; 0 means 1, as Keras 2's from_config maps it),
 * and 1 whenever recurrent_dropout is set (K2 and K3 __init__ force it, keras-tf-semantics.md §2.1).
 */
export function resolveImplementation(where: string, implementation: number | undefined, recurrentDropout: number): 1 | 2 {
  let impl = implementation ?? 2;
  if (impl === 0) impl = 1;
  if (impl !== 1 && impl !== 2) fail(where, `implementation must be 1 or 2, got ${implementation}`);
  return recurrentDropout !== 0 ? 1 : impl;
}

/** Keras 3's snake_case keys for those options (initializers/regularizers/constraints serialized, rates, seed). */
export function cellWeightConfig(c: KerasRNNCell): Record<string, unknown> {
  return {
    kernel_initializer: serializeInitializer(c.kernelInitializer),
    recurrent_initializer: serializeInitializer(c.recurrentInitializer),
    bias_initializer: serializeInitializer(c.biasInitializer),
    kernel_regularizer: serializeRegularizer(c.kernelRegularizer),
    recurrent_regularizer: serializeRegularizer(c.recurrentRegularizer),
    bias_regularizer: serializeRegularizer(c.biasRegularizer),
    kernel_constraint: serializeConstraint(c.kernelConstraint),
    recurrent_constraint: serializeConstraint(c.recurrentConstraint),
    bias_constraint: serializeConstraint(c.biasConstraint),
    dropout: c.dropout,
    recurrent_dropout: c.recurrentDropout,
    seed: c.seed,
  };
}

/** The inverse: Keras (3 or 2) snake_case config → the camelCase constructor arguments for those options. */
export function cellWeightArgsFromConfig(cfg: Record<string, unknown>) {
  return {
    kernelInitializer: (cfg.kernel_initializer ?? undefined) as InitializerId | undefined,
    recurrentInitializer: (cfg.recurrent_initializer ?? undefined) as InitializerId | undefined,
    biasInitializer: (cfg.bias_initializer ?? undefined) as InitializerId | undefined,
    kernelRegularizer: cfg.kernel_regularizer as RegularizerId,
    recurrentRegularizer: cfg.recurrent_regularizer as RegularizerId,
    biasRegularizer: cfg.bias_regularizer as RegularizerId,
    kernelConstraint: cfg.kernel_constraint as ConstraintId,
    recurrentConstraint: cfg.recurrent_constraint as ConstraintId,
    biasConstraint: cfg.bias_constraint as ConstraintId,
    dropout: cfg.dropout as number | undefined,
    recurrentDropout: cfg.recurrent_dropout as number | undefined,
    seed: (cfg.seed ?? null) as number | null,
  };
}

/** Constructor arguments every Keras cell with kernel / recurrent_kernel / bias takes. */
export interface KerasCellArgs extends DropoutCellArgs {
  units: number;
  useBias?: boolean;
  kernelInitializer?: InitializerId;
  recurrentInitializer?: InitializerId;
  biasInitializer?: InitializerId;
  kernelRegularizer?: RegularizerId;
  recurrentRegularizer?: RegularizerId;
  biasRegularizer?: RegularizerId;
  kernelConstraint?: ConstraintId;
  recurrentConstraint?: ConstraintId;
  biasConstraint?: ConstraintId;
}

/** The option names of KerasCellArgs beyond the layer and dropout ones. */
export const KERAS_CELL_OPTIONS = {
  units: true, useBias: true, kernelInitializer: true, recurrentInitializer: true, biasInitializer: true,
  kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true, kernelConstraint: true,
  recurrentConstraint: true, biasConstraint: true,
} as const;

/**
 * LSTMCell, GRUCell and SimpleRNNCell: `units`, `use_bias` and the nine weight options with Keras's defaults
 * (glorot_uniform kernel, orthogonal recurrent kernel, zero bias, no regularizers or constraints), and the
 * three weights build() creates for `gates` blocks (a cell overrides the bias shape or initializer only).
 */
export abstract class KerasRNNCell extends DropoutRNNCell {
  readonly units: number;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: ReturnType<typeof getRegularizer>;
  readonly recurrentRegularizer: ReturnType<typeof getRegularizer>;
  readonly biasRegularizer: ReturnType<typeof getRegularizer>;
  readonly kernelConstraint: ReturnType<typeof getConstraint>;
  readonly recurrentConstraint: ReturnType<typeof getConstraint>;
  readonly biasConstraint: ReturnType<typeof getConstraint>;
  kernel: Tensor | null = null;
  recurrentKernel: Tensor | null = null;
  bias: Tensor | null = null;

  constructor(args: KerasCellArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units <= 0) {
      fail(this.className, `Received an invalid value for argument \`units\`, expected a positive integer, got ${args.units}.`);
    }
    this.units = args.units;
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorot_uniform');
    this.recurrentInitializer = getInitializer(args.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer ?? null);
    this.recurrentRegularizer = getRegularizer(args.recurrentRegularizer ?? null);
    this.biasRegularizer = getRegularizer(args.biasRegularizer ?? null);
    this.kernelConstraint = getConstraint(args.kernelConstraint ?? null);
    this.recurrentConstraint = getConstraint(args.recurrentConstraint ?? null);
    this.biasConstraint = getConstraint(args.biasConstraint ?? null);
  }

  override get inputDim(): number | null {
    return this.kernel ? this.kernel.shape[0] : null;
  }

  /** Gate blocks along the kernels' last axis: LSTM 4, GRU 3, SimpleRNN 1. */
  protected abstract get gates(): number;

  /** Whether a call draws one dropout mask per gate (LSTM / GRU implementation 1, or Keras 2), else one. */
  protected perGateDropoutMasks(): boolean {
    return false;
  }

  protected override dropoutMaskCount(): number {
    return this.perGateDropoutMasks() ? this.gates : 1;
  }

  protected override recurrentDropoutMaskCount(): number {
    return this.perGateDropoutMasks() ? this.gates : 1;
  }

  /** The bias shape (default [gates·units]; GRU with reset_after: [2, 3·units]). */
  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  /** The bias initializer build() uses (LSTM: unit_forget_bias wraps the user's). */
  protected biasBuildInitializer(): Initializer {
    return this.biasInitializer;
  }

  /** kernel [input_dim, gates·units], recurrent_kernel [units, gates·units] and, with use_bias, the bias (Keras build()). */
  override build(inputShape: readonly number[]): void {
    const inputDim = inputShape[inputShape.length - 1];
    const n = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [inputDim, n], {
      initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint,
    });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, n], {
      initializer: this.recurrentInitializer, regularizer: this.recurrentRegularizer, constraint: this.recurrentConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight('bias', this.biasShape(), {
        initializer: this.biasBuildInitializer(), regularizer: this.biasRegularizer, constraint: this.biasConstraint,
      });
    }
    this.built = true;
  }
}
