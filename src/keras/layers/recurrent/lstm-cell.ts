// Keras LSTMCell (K3 keras/src/layers/rnn/lstm.py; K2 keras/layers/rnn/lstm.py), keras-tf-semantics.md §1–2.
//
// Weights (Keras layout, gate blocks i, f, c, o along the last axis, §1.1):
//   kernel [input_dim, 4·units], recurrent_kernel [units, 4·units], bias [4·units] (only when use_bias).
// One step, σ = recurrent_activation, act = activation (eq. 1.2):
//   implementation 2:  z = (x·K + h·R) + b                       (rounding order of K2, K3 and TFJS)
//   implementation 1:  z_g = (x_g·K_g + b_g) + h_g·R_g per gate   (bias before the recurrent term)
//   i = σ(z_i)  f = σ(z_f)  g = act(z_c)  o = σ(z_o)
//   c_t = f·c_{t−1} + i·g        h_t = o·act(c_t)        output = h_t, states = [h_t, c_t]
// Dropout (§2.5, K3 ≥ 3.8): implementation 2 multiplies x by one input mask; implementation 1 (forced by any
// recurrent_dropout) draws 4 independent masks for x and 4 for h, one per gate. Keras 2 scheme (§2.2,
// compat switch): 4 masks each in both implementations, implementation 2 using only the first.

import {
  Tensor, add, mul, matmul, split, dropout as applyDropout, fail,
  getActivation, serializeActivation, type ActivationId, type Activation,
  Initializer, Ones, kerasCompat, baseArgsFromConfig,
} from './deps.js';
import { KerasRNNCell, resolveImplementation, type KerasCellArgs, cellWeightConfig, cellWeightArgsFromConfig, DROPOUT_CELL_OPTIONS, KERAS_CELL_OPTIONS } from './cell-base.js';
import { optionKeys, LAYER_OPTIONS, checkBoolean } from './deps.js';

export interface LSTMCellArgs extends KerasCellArgs {
  activation?: ActivationId;
  recurrentActivation?: ActivationId;
  unitForgetBias?: boolean;
  /** 1 or 2 (default 2); recurrent_dropout > 0 forces 1. 0 means 1 (K2 from_config). */
  implementation?: number;
}

/**
 * unit_forget_bias (§6.3): bias = concat(init(units), ones(units), init(2·units)); the forget block is
 * exactly 1 and the other blocks keep the chosen initializer (called twice, as Keras does).
 */
export class UnitForgetBias extends Initializer {
  static readonly kerasName: string = 'UnitForgetBias';
  readonly className = 'UnitForgetBias';
  constructor(private readonly inner: Initializer, private readonly units: number) {
    super();
  }
  protected generate(shape: number[]): Float64Array {
    const u = this.units;
    if (shape.length !== 1 || shape[0] !== 4 * u) fail('unit_forget_bias', `bias shape must be [${4 * u}], got [${shape.join(', ')}]`);
    const out = new Float64Array(4 * u);
    out.set(this.inner.call([u], 'float64').data, 0);
    out.set(new Ones().call([u], 'float64').data, u);
    out.set(this.inner.call([2 * u], 'float64').data, 2 * u);
    return out;
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

/** The LSTMCell option names (LSTM adds the RNN options and `backend`). */
export const LSTM_CELL_OPTIONS = {
  ...LAYER_OPTIONS, ...DROPOUT_CELL_OPTIONS, ...KERAS_CELL_OPTIONS,
  activation: true, recurrentActivation: true, unitForgetBias: true, implementation: true,
} as const;

export class LSTMCell extends KerasRNNCell {
  static override readonly kerasName: string = 'LSTMCell';
  static readonly optionKeys = optionKeys<LSTMCellArgs>(LSTM_CELL_OPTIONS);
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly unitForgetBias: boolean;
  readonly implementation: 1 | 2;

  constructor(args: LSTMCellArgs) {
    super(args);
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
    this.unitForgetBias = checkBoolean('LSTMCell', 'unitForgetBias', args.unitForgetBias) ?? true;
    this.implementation = resolveImplementation('LSTMCell', args.implementation, this.recurrentDropout);
  }

  override get className(): string {
    return 'LSTMCell';
  }

  get stateSize(): number[] {
    return [this.units, this.units];
  }

  get outputSize(): number {
    return this.units;
  }


  protected get gates(): number {
    return 4;
  }

  /** unit_forget_bias (§6.3): the forget block exactly 1, the others from bias_initializer. */
  protected override biasBuildInitializer(): Initializer {
    return this.unitForgetBias ? new UnitForgetBias(this.biasInitializer, this.units) : this.biasInitializer;
  }

  /** K3: implementation 1 draws one mask per gate, implementation 2 one mask; K2: always 4 (§2.2, §2.5). */
  protected override perGateDropoutMasks(): boolean {
    return kerasCompat() === 'keras2' || this.implementation === 1;
  }


  step(x: Tensor, states: Tensor[], training: boolean): [Tensor, Tensor[]] {
    if (!this.built || this.kernel === null || this.recurrentKernel === null) fail('LSTMCell', 'the cell is not built; call build([batch, inputDim]) or use it inside an RNN layer');
    if (states.length !== 2) fail('LSTMCell', `expects 2 states [h, c], got ${states.length}`);
    const [hPrev, cPrev] = states;
    const K = this.kernel;
    const R = this.recurrentKernel;
    const dp = this.getDropoutMaskForCell(x, training);
    const rdp = this.getRecurrentDropoutMaskForCell(hPrev, training);
    const σ = this.recurrentActivation.apply;
    const act = this.activation.apply;
    let i: Tensor, f: Tensor, g: Tensor, o: Tensor;
    if (this.implementation === 1) {
      const Ks = split(K, 4, 1);
      const Rs = split(R, 4, 1);
      const bs = this.bias ? split(this.bias, 4, 0) : null;
      const gate = (k: number): Tensor => {
        const xk = dp ? applyDropout(x, dp[k]) : x;
        let z = matmul(xk, Ks[k]);
        if (bs) z = add(z, bs[k]);
        const hk = rdp ? applyDropout(hPrev, rdp[k]) : hPrev;
        return add(z, matmul(hk, Rs[k]));
      };
      i = σ(gate(0));
      f = σ(gate(1));
      g = act(gate(2));
      o = σ(gate(3));
    } else {
      const xd = dp ? applyDropout(x, dp[0]) : x;
      let z = add(matmul(xd, K), matmul(hPrev, R));
      if (this.bias) z = add(z, this.bias);
      const [zi, zf, zc, zo] = split(z, 4, 1);
      i = σ(zi);
      f = σ(zf);
      g = act(zc);
      o = σ(zo);
    }
    const c = add(mul(f, cPrev), mul(i, g));
    const h = mul(o, act(c));
    return [h, [h, c]];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      recurrent_activation: serializeActivation(this.recurrentActivation),
      use_bias: this.useBias,
      unit_forget_bias: this.unitForgetBias,
      ...cellWeightConfig(this),
    };
  }

  static fromConfig(cfg: Record<string, unknown>): LSTMCell {
    return new LSTMCell(lstmCellArgsFromConfig(cfg));
  }
}

/** Keras (3 or 2) snake_case config → constructor args. Unknown keys are ignored as Keras's base does not. */
export function lstmCellArgsFromConfig(cfg: Record<string, unknown>): LSTMCellArgs {
  return {
    ...baseArgsFromConfig(cfg),
    units: cfg.units as number,
    activation: cfg.activation as ActivationId,
    recurrentActivation: cfg.recurrent_activation as ActivationId,
    useBias: cfg.use_bias as boolean | undefined,
    unitForgetBias: cfg.unit_forget_bias as boolean | undefined,
    ...cellWeightArgsFromConfig(cfg),
    implementation: cfg.implementation as number | undefined,
  };
}
