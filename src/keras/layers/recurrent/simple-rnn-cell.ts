// Keras SimpleRNNCell (K3 keras/src/layers/rnn/simple_rnn.py; K2 keras/layers/rnn/simple_rnn.py).
//   h_t = act((x·K + b) + h_{t−1}·R)          (bias added before the recurrent term, as both Keras versions)
// kernel [input_dim, units], recurrent_kernel [units, units], bias [units]; state_size = output_size = units.
// Dropout: one input mask and one recurrent mask per call, shared over time (K2 and K3 agree).

import {
  Tensor, add, matmul, dropout as applyDropout, fail,
  getActivation, serializeActivation, type ActivationId, type Activation,
  getInitializer, type InitializerId, type Initializer,
  getRegularizer, type RegularizerId,
  getConstraint, type ConstraintId, baseArgsFromConfig,
} from './deps.js';
import { DropoutRNNCell, type DropoutCellArgs, cellWeightConfig, cellWeightArgsFromConfig } from './cell-base.js';

export interface SimpleRNNCellArgs extends DropoutCellArgs {
  units: number;
  activation?: ActivationId;
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

export class SimpleRNNCell extends DropoutRNNCell {
  readonly units: number;
  readonly activation: Activation;
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

  constructor(args: SimpleRNNCellArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units <= 0) {
      fail('SimpleRNNCell', `Received an invalid value for argument \`units\`, expected a positive integer, got ${args.units}.`);
    }
    this.units = args.units;
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
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

  override get className(): string {
    return 'SimpleRNNCell';
  }

  get stateSize(): number[] {
    return [this.units];
  }

  get outputSize(): number {
    return this.units;
  }

  override get inputDim(): number | null {
    return this.kernel ? this.kernel.shape[0] : null;
  }

  override build(inputShape: readonly number[]): void {
    const inputDim = inputShape[inputShape.length - 1];
    this.kernel = this.addWeight('kernel', [inputDim, this.units], {
      initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint,
    });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, this.units], {
      initializer: this.recurrentInitializer, regularizer: this.recurrentRegularizer, constraint: this.recurrentConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.units], {
        initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint,
      });
    }
    this.built = true;
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
