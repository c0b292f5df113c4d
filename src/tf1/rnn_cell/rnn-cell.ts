// The TF1 `RNNCell` contract (rnn_cell_impl.py / keras 2.15 legacy_cells.py): a cell has `stateSize`,
// `outputSize`, `zeroState(batch, dtype)` and `call(inputs, state) → [output, newState]`, and creates its
// variables on the first call (LayerRNNCell.build) from the input depth. Variables carry TF1's names
// (`<scope>/<cell name>/kernel`, e.g. `rnn/basic_lstm_cell/kernel` when built inside dynamicRnn).

import { Tensor, type DType } from '../../tensor/tensor.js';
import { fail, shapeStr, sameShape } from '../../tensor/shape.js';
import { Random, getGlobalRandom } from '../../tensor/random.js';
import { zeros } from '../../tensor/create.js';
import { type StateSize, type RnnState, flattenSize, packState, checkState } from '../state.js';
import type { InitializerLike } from './support.js';
import { checkClassOptions, checkBoolean, describeValue } from '../../util/options.js';

export interface CellOptions {
  /** Cell name, the last variable-scope component (default: the TF1 snake_case class name). */
  name?: string;
  /** Seed of the default (glorot_uniform) initializer; unseeded cells take one from the global generator. */
  seed?: number;
  /** Whether the variables get gradients (TF1 `trainable`, default true). */
  trainable?: boolean;
  /** Variable dtype when `build` is called before any input was seen (default: the first input's dtype). */
  dtype?: DType;
}

/** The option names every TF1 cell takes (for the option lists of the cells). */
export const CELL_OPTIONS = { name: true, seed: true, trainable: true, dtype: true } as const satisfies { [K in keyof Required<CellOptions>]: true };

export interface CellBuildOptions {
  dtype?: DType;
  /** Variable scope the cell is built in ('rnn' inside dynamicRnn, 'bidirectional_rnn/fw', ...). */
  scope?: string;
}

export abstract class RNNCell {
  readonly name: string;
  readonly trainable: boolean;
  built = false;
  /** dtype of the variables (set at build). */
  dtype: DType | null;
  /** Input depth the cell was built for (null before build). */
  inputDepth: number | null = null;
  /** Full variable-scope prefix of this cell's variables, e.g. 'rnn/basic_lstm_cell' (set at build). */
  scopeName: string | null = null;
  /** Which kernel the last dynamicRnn over this cell used, and why the others were not used. */
  lastRnnPath: { kernel: string; reasons: string[] } | null = null;
  protected readonly rng: Random;
  private readonly vars: Tensor[] = [];

  /** TF class name used in error messages. */
  protected abstract readonly className: string;

  constructor(defaultName: string, opts: CellOptions = {}) {
    const cls = new.target;
    // Unknown keys are refused (TF1 raises TypeError on unexpected kwargs).
    checkClassOptions(cls, opts, { expected: 'expected an options object { numUnits, ... }' });
    checkBoolean(cls.name, 'trainable', opts.trainable);
    if (opts.dtype !== undefined && opts.dtype !== 'float32' && opts.dtype !== 'float64') fail(cls.name, `dtype must be 'float32' or 'float64', got ${describeValue(opts.dtype)}`);
    if (opts.name !== undefined && (typeof opts.name !== 'string' || opts.name === '')) {
      fail(defaultName, `name must be a non-empty string, got ${String(opts.name)}`);
    }
    this.name = opts.name ?? defaultName;
    this.trainable = opts.trainable ?? true;
    this.dtype = opts.dtype ?? null;
    if (opts.seed !== undefined && !Number.isInteger(opts.seed)) fail(defaultName, `seed must be an integer, got ${opts.seed}`);
    this.rng = new Random(opts.seed ?? getGlobalRandom().nextUint32());
  }

  /** Size(s) of the state: a number, LSTMStateTuple of numbers, or a tuple of those. */
  abstract get stateSize(): StateSize;
  /** Last dimension of the output. */
  abstract get outputSize(): number;

  /** Creates the variables for an input depth (LayerRNNCell.build). */
  protected abstract buildVariables(inputDepth: number, dtype: DType): void;
  /** One step on validated inputs [B, inputDepth] and a state of the right structure. */
  protected abstract step(inputs: Tensor, state: RnnState): [Tensor, RnnState];

  /** Zeros with the structure of `stateSize`: [batch, n] for every leaf (RNNCell.zero_state). */
  zeroState(batchSize: number, dtype: DType = 'float32'): RnnState {
    if (!Number.isInteger(batchSize) || batchSize < 0) fail(`${this.className}.zeroState`, `batchSize must be a non-negative integer, got ${batchSize}`);
    if (dtype !== 'float32' && dtype !== 'float64') fail(`${this.className}.zeroState`, `dtype must be 'float32' or 'float64', got ${String(dtype)}`);
    return packState(this.stateSize, flattenSize(this.stateSize).map((n) => zeros([batchSize, n], dtype)));
  }

  /**
   * Creates the variables for `inputDepth` inputs under `scope` (no-op when already built for that depth).
   * dynamicRnn calls it with scope 'rnn'; a first direct `call` builds with no scope.
   */
  build(inputDepth: number, opts: CellBuildOptions = {}): void {
    const op = `${this.className}.build`;
    if (!Number.isInteger(inputDepth) || inputDepth <= 0) fail(op, `input depth must be a positive integer, got ${inputDepth}`);
    if (this.built) {
      if (inputDepth !== this.inputDepth) {
        fail(op, `cell '${this.scopeName}' was built for input depth ${this.inputDepth} but now receives depth ${inputDepth}`);
      }
      return;
    }
    const dtype = opts.dtype ?? this.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') fail(op, `dtype must be 'float32' or 'float64', got ${String(dtype)}`);
    this.dtype = dtype;
    this.scopeName = opts.scope ? `${opts.scope}/${this.name}` : this.name;
    this.inputDepth = inputDepth;
    this.buildVariables(inputDepth, dtype);
    this.built = true;
  }

  /** Creates one variable named `<scopeName>/<localName>`; it requires gradients when the cell is trainable. */
  protected addVariable(localName: string, shape: number[], init: InitializerLike, dtype: DType): Tensor {
    const v0 = init.call(shape, dtype);
    if (!(v0 instanceof Tensor) || !sameShape(v0.shape, shape)) {
      fail(`${this.className}.build`, `initializer for '${localName}' must return a Tensor of shape ${shapeStr(shape)}`);
    }
    // Always a fresh buffer: an initializer that hands back a cached tensor must not alias two variables.
    const v = v0.cast(dtype);
    v.requiresGrad = this.trainable;
    v.name = `${this.scopeName}/${localName}`;
    this.vars.push(v);
    return v;
  }

  /** Runs one step: `[output, newState]` (RNNCell.__call__); builds the cell on the first call. */
  call(inputs: Tensor, state: RnnState): [Tensor, RnnState] {
    const op = this.className;
    if (!(inputs instanceof Tensor)) fail(op, `inputs must be a Tensor [batch, depth], got ${inputs === null ? 'null' : typeof inputs}`);
    if (inputs.rank !== 2) fail(op, `inputs must be 2-D [batch, depth], got shape ${shapeStr(inputs.shape)}`);
    if (!this.built) this.build(inputs.shape[1], { dtype: inputs.dtype });
    if (inputs.shape[1] !== this.inputDepth) {
      fail(op, `cell '${this.scopeName}' was built for input depth ${this.inputDepth}, got inputs of shape ${shapeStr(inputs.shape)}`);
    }
    if (inputs.dtype !== this.dtype) fail(op, `inputs are ${inputs.dtype} but the cell's variables are ${this.dtype}`);
    this.checkCallState(state, inputs.shape[0]);
    return this.step(inputs, state);
  }

  /** Validates the state against stateSize (MultiRNNCell overrides it for TF's exact message). */
  protected checkCallState(state: RnnState, batch: number): void {
    checkState(this.className, 'state', state, this.stateSize, batch, this.dtype!);
  }

  /** All variables, in creation order (TF1 `cell.variables`). */
  get variables(): Tensor[] {
    return [...this.vars];
  }

  get weights(): Tensor[] {
    return this.variables;
  }

  get trainableWeights(): Tensor[] {
    return this.trainable ? this.variables : [];
  }

  get nonTrainableWeights(): Tensor[] {
    return this.trainable ? [] : this.variables;
  }

  /** Copies of the variable values, in `variables` order. */
  getWeights(): Tensor[] {
    return this.variables.map((v) => v.clone());
  }

  /** Overwrites the variables in place (count and shapes checked), in `variables` order. */
  setWeights(values: readonly Tensor[]): void {
    const op = `${this.className}.setWeights`;
    if (!this.built) fail(op, `cell '${this.name}' is not built yet: call it once or build(inputDepth) first`);
    const vars = this.variables;
    if (!Array.isArray(values) || values.length !== vars.length) {
      fail(op, `expected ${vars.length} arrays (${vars.map((v) => v.name).join(', ')}), got ${Array.isArray(values) ? values.length : typeof values}`);
    }
    vars.forEach((v, i) => {
      const w = values[i];
      if (!(w instanceof Tensor) || !sameShape(w.shape, v.shape)) {
        fail(op, `weight ${i} ('${v.name}') must have shape ${shapeStr(v.shape)}, got ${w instanceof Tensor ? shapeStr(w.shape) : typeof w}`);
      }
      v.assign(w);
    });
  }

  /** A variable by full name ('rnn/basic_lstm_cell/kernel') or name inside the cell ('kernel'). */
  getVariable(name: string): Tensor {
    const v = this.variables.find((x) => x.name === name || x.name === `${this.scopeName}/${name}`);
    if (!v) fail(`${this.className}.getVariable`, `no variable '${name}'; variables are ${this.variables.map((x) => x.name).join(', ') || '(none: not built)'}`);
    return v;
  }

  /**
   * TF1 `get_config()` (legacy_cells.py): the base layer keys name, trainable, dtype, then the cell's own
   * snake_case keys. `reuse` is always null (variable reuse is a graph-mode concept with no equivalent here).
   */
  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable, dtype: this.dtype };
  }

  /** Registers variables created by child cells (MultiRNNCell). */
  protected adoptVariables(vs: readonly Tensor[]): void {
    this.vars.push(...vs);
  }
}
