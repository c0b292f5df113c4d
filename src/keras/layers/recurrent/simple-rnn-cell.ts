// Keras SimpleRNNCell (K3 keras/src/layers/rnn/simple_rnn.py; K2 keras/layers/rnn/simple_rnn.py).
//   h_t = act((x·K + b) + h_{t−1}·R)          (bias added before the recurrent term, as both Keras versions)
// kernel [input_dim, units], recurrent_kernel [units, units], bias [units]; state_size = output_size = units.
// Dropout: one input mask and one recurrent mask per call, shared over time (K2 and K3 agree).

import {
  Tensor, add, matmul, dropout as applyDropout, fail,
  getActivation, serializeActivation, type ActivationId, type Activation, baseArgsFromConfig,
} from './deps.js';
import { KerasRNNCell, type KerasCellArgs, cellWeightConfig, cellWeightArgsFromConfig, DROPOUT_CELL_OPTIONS, KERAS_CELL_OPTIONS } from './cell-base.js';
import { optionKeys, LAYER_OPTIONS } from './deps.js';

export interface SimpleRNNCellArgs extends KerasCellArgs {
  activation?: ActivationId;
}

/** The SimpleRNNCell option names (SimpleRNN adds the RNN options). */
export const SIMPLE_RNN_CELL_OPTIONS = { ...LAYER_OPTIONS, ...DROPOUT_CELL_OPTIONS, ...KERAS_CELL_OPTIONS, activation: true } as const;

export class SimpleRNNCell extends KerasRNNCell {
  static override readonly kerasName: string = 'SimpleRNNCell';
  static readonly optionKeys = optionKeys<SimpleRNNCellArgs>(SIMPLE_RNN_CELL_OPTIONS);
  readonly activation: Activation;

  constructor(args: SimpleRNNCellArgs) {
    super(args);
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
  }

  override get className(): string {
    return 'SimpleRNNCell';
  }

  get stateSize(): number[] {
    return [this.units];
  }

  get outputSize(): number {
    return this.units;
  }



  protected get gates(): number {
    return 1;
  }

  step(x: Tensor, states: Tensor[], training: boolean): [Tensor, Tensor[]] {
    if (!this.built || this.kernel === null || this.recurrentKernel === null) fail('SimpleRNNCell', 'the cell is not built; call build([batch, inputDim]) or use it inside an RNN layer');
    if (states.length !== 1) fail('SimpleRNNCell', `expects 1 state, got ${states.length}`);
    let hPrev = states[0];
    const dp = this.getDropoutMaskForCell(x, training);
    const rdp = this.getRecurrentDropoutMaskForCell(hPrev, training);
    let z = matmul(dp ? applyDropout(x, dp[0]) : x, this.kernel);
    if (this.bias) z = add(z, this.bias);
    if (rdp) hPrev = applyDropout(hPrev, rdp[0]);
    const h = this.activation.apply(add(z, matmul(hPrev, this.recurrentKernel)));
    return [h, [h]];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      use_bias: this.useBias,
      ...cellWeightConfig(this),
    };
  }

  static fromConfig(cfg: Record<string, unknown>): SimpleRNNCell {
    return new SimpleRNNCell(simpleRnnCellArgsFromConfig(cfg));
  }
}

export function simpleRnnCellArgsFromConfig(cfg: Record<string, unknown>): SimpleRNNCellArgs {
  return {
    ...baseArgsFromConfig(cfg),
    units: cfg.units as number,
    activation: cfg.activation as ActivationId,
    useBias: cfg.use_bias as boolean | undefined,
    ...cellWeightArgsFromConfig(cfg),
  };
}
