// TF1 BasicLSTMCell (legacy_cells.py, keras-tf-semantics.md §1.3):
//   [i, j, f, o] = split(concat([x, h]) · W + b, 4)          one fused kernel W [inputDepth + u, 4u]
//   c' = c ⊙ σ(f + forget_bias) + σ(i) ⊙ act(j)              forget_bias: a run-time constant, never stored
//   h' = act(c') ⊙ σ(o)
// State LSTMStateTuple(c, h) — c first — or concat([c, h], 1) when stateIsTuple is false.

import type { Tensor, DType } from '../../tensor/tensor.js';
import { add, mul } from '../../ops/arithmetic.js';
import { matmul } from '../../ops/matmul.js';
import { concat, split } from '../../ops/layout.js';
import { sigmoid, addScalar } from '../../ops/unary.js';
import { zeros } from '../../tensor/create.js';
import { RNNCell, type CellOptions, CELL_OPTIONS } from './rnn-cell.js';
import {
  type Activation, type ActivationFn, TF1GlorotUniform, checkFiniteNumber, checkPositiveInt, resolveActivation, cfgGet, baseFromConfig,
} from './support.js';
import { LSTMStateTuple, type RnnState } from '../state.js';
import { optionKeys, checkBoolean } from '../../util/options.js';

export interface BasicLSTMCellArgs extends CellOptions {
  numUnits: number;
  /** Added to the forget-gate pre-activation at run time (default 1.0). */
  forgetBias?: number;
  /** State as LSTMStateTuple(c, h) (default) or as one [B, 2u] tensor concat([c, h]). */
  stateIsTuple?: boolean;
  /** Activation of j and of the cell state (default tanh, also for null). Gates are always sigmoid. */
  activation?: Activation | null;
}

export class BasicLSTMCell extends RNNCell {
  static readonly optionKeys = optionKeys<BasicLSTMCellArgs>({ ...CELL_OPTIONS, numUnits: true, forgetBias: true, stateIsTuple: true, activation: true });
  protected readonly className = 'BasicLSTMCell';
  readonly numUnits: number;
  readonly forgetBias: number;
  readonly stateIsTuple: boolean;
  readonly activationName: string;
  private readonly act: ActivationFn;
  kernel: Tensor | null = null;
  bias: Tensor | null = null;

  constructor(args: BasicLSTMCellArgs) {
    super('basic_lstm_cell', args);
    if (args === null || typeof args !== 'object') throw new TypeError('BasicLSTMCell: expected an options object { numUnits, ... }');
    this.numUnits = checkPositiveInt('BasicLSTMCell', 'numUnits', args.numUnits);
    this.forgetBias = checkFiniteNumber('BasicLSTMCell', 'forgetBias', args.forgetBias ?? 1.0);
    this.stateIsTuple = checkBoolean('BasicLSTMCell', 'stateIsTuple', args.stateIsTuple) ?? true;
    const a = resolveActivation('BasicLSTMCell', args.activation);
    this.act = a.fn;
    this.activationName = a.name;
  }

  get stateSize(): LSTMStateTuple<number> | number {
    const u = this.numUnits;
    return this.stateIsTuple ? new LSTMStateTuple(u, u) : 2 * u;
  }

  get outputSize(): number {
    return this.numUnits;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), num_units: this.numUnits, forget_bias: this.forgetBias, state_is_tuple: this.stateIsTuple,
      activation: this.activationName, reuse: null,
    };
  }

  static fromConfig(cfg: Record<string, unknown>): BasicLSTMCell {
    const c = 'BasicLSTMCell';
    return new BasicLSTMCell({
      ...baseFromConfig(c, cfg), numUnits: cfgGet<number>(c, cfg, 'num_units', 'number')!,
      forgetBias: cfgGet(c, cfg, 'forget_bias', 'number'), stateIsTuple: cfgGet(c, cfg, 'state_is_tuple', 'boolean'),
      activation: cfgGet<string>(c, cfg, 'activation', 'string') as Activation | undefined,
    });
  }

  protected buildVariables(inputDepth: number, dtype: DType): void {
    const u = this.numUnits;
    this.kernel = this.addVariable('kernel', [inputDepth + u, 4 * u], new TF1GlorotUniform(this.rng.fork()), dtype);
    this.bias = this.addVariable('bias', [4 * u], { call: (s) => zeros(s, dtype) }, dtype);
  }

  protected step(inputs: Tensor, state: RnnState): [Tensor, RnnState] {
    let c: Tensor;
    let h: Tensor;
    if (this.stateIsTuple) ({ c, h } = state as LSTMStateTuple);
    else [c, h] = split(state as Tensor, 2, 1);
    const gates = add(matmul(concat([inputs, h], 1), this.kernel!), this.bias!);
    const [i, j, f, o] = split(gates, 4, 1);
    const newC = add(mul(c, sigmoid(addScalar(f, this.forgetBias))), mul(sigmoid(i), this.act(j)));
    const newH = mul(this.act(newC), sigmoid(o));
    return [newH, this.stateIsTuple ? new LSTMStateTuple(newC, newH) : concat([newC, newH], 1)];
  }
}
