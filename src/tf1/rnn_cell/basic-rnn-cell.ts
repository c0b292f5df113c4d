// TF1 BasicRNNCell (legacy_cells.py): output = new_state = act(concat([x, h]) · W + b), one kernel
// W [inputDepth + numUnits, numUnits], zero-initialised bias (keras-tf-semantics.md §10.1).

import type { Tensor, DType } from '../../tensor/tensor.js';
import { add } from '../../ops/arithmetic.js';
import { matmul } from '../../ops/matmul.js';
import { concat } from '../../ops/layout.js';
import { zeros } from '../../tensor/create.js';
import { RNNCell, type CellOptions, CELL_OPTIONS } from './rnn-cell.js';
import { type Activation, type ActivationFn, TF1GlorotUniform, checkPositiveInt, resolveActivation, cfgGet, baseFromConfig } from './support.js';
import type { RnnState } from '../state.js';
import { optionKeys } from '../../util/options.js';

export interface BasicRNNCellArgs extends CellOptions {
  numUnits: number;
  /** Default tanh (also for null). */
  activation?: Activation | null;
}

export class BasicRNNCell extends RNNCell {
  static readonly optionKeys = optionKeys<BasicRNNCellArgs>({ ...CELL_OPTIONS, numUnits: true, activation: true });
  protected readonly className = 'BasicRNNCell';
  readonly numUnits: number;
  readonly activationName: string;
  private readonly act: ActivationFn;
  kernel: Tensor | null = null;
  bias: Tensor | null = null;

  constructor(args: BasicRNNCellArgs) {
    super('basic_rnn_cell', args);
    if (args === null || typeof args !== 'object') throw new TypeError('BasicRNNCell: expected an options object { numUnits, ... }');
    this.numUnits = checkPositiveInt('BasicRNNCell', 'numUnits', args.numUnits);
    const a = resolveActivation('BasicRNNCell', args.activation);
    this.act = a.fn;
    this.activationName = a.name;
  }

  get stateSize(): number {
    return this.numUnits;
  }

  get outputSize(): number {
    return this.numUnits;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), num_units: this.numUnits, activation: this.activationName, reuse: null };
  }

  static fromConfig(cfg: Record<string, unknown>): BasicRNNCell {
    const c = 'BasicRNNCell';
    return new BasicRNNCell({
      ...baseFromConfig(c, cfg), numUnits: cfgGet<number>(c, cfg, 'num_units', 'number')!,
      activation: cfgGet<string>(c, cfg, 'activation', 'string') as Activation | undefined,
    });
  }

  protected buildVariables(inputDepth: number, dtype: DType): void {
    const u = this.numUnits;
    this.kernel = this.addVariable('kernel', [inputDepth + u, u], new TF1GlorotUniform(this.rng.fork()), dtype);
    this.bias = this.addVariable('bias', [u], { call: (s) => zeros(s, dtype) }, dtype);
  }

  protected step(inputs: Tensor, state: RnnState): [Tensor, RnnState] {
    const out = this.act(add(matmul(concat([inputs, state as Tensor], 1), this.kernel!), this.bias!));
    return [out, out];
  }
}
