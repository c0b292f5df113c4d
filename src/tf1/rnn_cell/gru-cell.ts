// TF1 GRUCell (rnn_cell_impl.py / tf_keras legacy_cells.py `GRUCell`, Cho et al. 2014), its own formula and
// variable layout — not Keras's GRUCell:
//   [r, u] = σ(concat([x, h]) · W_g + b_g)        gates/kernel [D + u, 2u] (r first, then u), gates/bias [2u]
//   c      = act(concat([x, r ⊙ h]) · W_c + b_c)   candidate/kernel [D + u, u], candidate/bias [u]
//   h'     = u ⊙ h + (1 − u) ⊙ c                  output = new state = h'
// Default initializers: both kernels glorot_uniform (the variable scope default), gates/bias 1.0 ("we start
// with bias of 1.0 to not reset and not update"), candidate/bias zeros.
// It equals Keras GRU(reset_after=False) with kernel = [W_c[:D] as h-block, ...] rearranged (convert.ts).

import type { Tensor, DType } from '../../tensor/tensor.js';
import { add, sub, mul } from '../../ops/arithmetic.js';
import { matmul } from '../../ops/matmul.js';
import { concat, split } from '../../ops/layout.js';
import { zeros, full } from '../../tensor/create.js';
import { sigmoid } from '../../ops/unary.js';
import { RNNCell, type CellOptions, CELL_OPTIONS } from './rnn-cell.js';
import { type Activation, type ActivationFn, TF1GlorotUniform, checkPositiveInt, resolveActivation, cfgGet, baseFromConfig } from './support.js';
import type { RnnState } from '../state.js';
import { optionKeys } from '../../util/options.js';

export interface GRUCellArgs extends CellOptions {
  numUnits: number;
  /** Default tanh (also for null). */
  activation?: Activation | null;
}

export class GRUCell extends RNNCell {
  static readonly optionKeys = optionKeys<GRUCellArgs>({ ...CELL_OPTIONS, numUnits: true, activation: true });
  protected readonly className = 'GRUCell';
  readonly numUnits: number;
  readonly activationName: string;
  private readonly act: ActivationFn;
  gateKernel: Tensor | null = null;
  gateBias: Tensor | null = null;
  candidateKernel: Tensor | null = null;
  candidateBias: Tensor | null = null;

  constructor(args: GRUCellArgs) {
    super('gru_cell', args);
    if (args === null || typeof args !== 'object') throw new TypeError('GRUCell: expected an options object { numUnits, ... }');
    this.numUnits = checkPositiveInt('GRUCell', 'numUnits', args.numUnits);
    const a = resolveActivation('GRUCell', args.activation);
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
    return { ...super.getConfig(), num_units: this.numUnits, activation: this.activationName, reuse: null, kernel_initializer: null, bias_initializer: null };
  }

  static fromConfig(cfg: Record<string, unknown>): GRUCell {
    const c = 'GRUCell';
    return new GRUCell({
      ...baseFromConfig(c, cfg), numUnits: cfgGet<number>(c, cfg, 'num_units', 'number')!,
      activation: cfgGet<string>(c, cfg, 'activation', 'string') as Activation | undefined,
    });
  }

  protected buildVariables(inputDepth: number, dtype: DType): void {
    const u = this.numUnits;
    this.gateKernel = this.addVariable('gates/kernel', [inputDepth + u, 2 * u], new TF1GlorotUniform(this.rng.fork()), dtype);
    this.gateBias = this.addVariable('gates/bias', [2 * u], { call: (s) => full(s, 1, dtype) }, dtype);
    this.candidateKernel = this.addVariable('candidate/kernel', [inputDepth + u, u], new TF1GlorotUniform(this.rng.fork()), dtype);
    this.candidateBias = this.addVariable('candidate/bias', [u], { call: (s) => zeros(s, dtype) }, dtype);
  }

  protected step(inputs: Tensor, state: RnnState): [Tensor, RnnState] {
    const h = state as Tensor;
    const value = sigmoid(add(matmul(concat([inputs, h], 1), this.gateKernel!), this.gateBias!));
    const [r, u] = split(value, 2, 1);
    const c = this.act(add(matmul(concat([inputs, mul(r, h)], 1), this.candidateKernel!), this.candidateBias!));
    const newH = add(mul(u, h), mul(sub(full([], 1, u.dtype), u), c));
    return [newH, newH];
  }
}
