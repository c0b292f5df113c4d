// Keras GRUCell (K3 keras/src/layers/rnn/gru.py; K2 keras/layers/rnn/gru.py).
//
// Weights (gate blocks z, r, h along the last axis): kernel [input_dim, 3·units], recurrent_kernel
// [units, 3·units], bias [2, 3·units] with reset_after (row 0 the input bias, row 1 the recurrent bias — the
// shape differs from CuDNNGRU's flat [6·units] on purpose, so Keras can tell them apart) or [3·units] without.
// One step, σ = recurrent_activation, act = activation, in Keras's rounding order:
//   x_z, x_r, x_h = split(x·K + b_in)
//   reset_after (default, "v3", cuDNN-compatible):   m = h·R + b_rec;  z = σ(x_z + m_z);  r = σ(x_r + m_r)
//                                                    ĥ = act(x_h + r ⊙ m_h)
//   reset_after = False ("v1"):                      m = h·R[:, :2u]; z = σ(x_z + m_z); r = σ(x_r + m_r)
//                                                    ĥ = act(x_h + (r ⊙ h)·R[:, 2u:])
//   h_t = z ⊙ h + (1 − z) ⊙ ĥ                         (output = state = h_t)
// Implementation 1 computes each gate with its own slice of the kernels; without dropout the values are the
// same dot products in the same order. Dropout: implementation 2 multiplies x by one mask; implementation 1
// (forced by any recurrent_dropout) draws 3 masks for x and 3 for h, one per gate (K3 dropout_mask_count = 3).
// Keras 2 (compat switch) draws 3 of each in both implementations, implementation 2 using the first.

import {
  Tensor, add, sub, mul, matmul, split, reshape, concat, full, dropout as applyDropout, fail,
  getActivation, serializeActivation, type ActivationId, type Activation, kerasCompat, baseArgsFromConfig,
} from './deps.js';
import { KerasRNNCell, resolveImplementation, type KerasCellArgs, cellWeightConfig, cellWeightArgsFromConfig, DROPOUT_CELL_OPTIONS, KERAS_CELL_OPTIONS } from './cell-base.js';
import { optionKeys, LAYER_OPTIONS, checkBoolean } from './deps.js';

export interface GRUCellArgs extends KerasCellArgs {
  activation?: ActivationId;
  recurrentActivation?: ActivationId;
  /** Reset gate applied after the recurrent matrix multiplication (default true; bias [2, 3·units]). */
  resetAfter?: boolean;
  /** 1 or 2 (default 2); recurrent_dropout > 0 forces 1. 0 means 1 (Keras 2 configs). */
  implementation?: number;
}

/** The GRUCell option names (GRU adds the RNN options). */
export const GRU_CELL_OPTIONS = {
  ...LAYER_OPTIONS, ...DROPOUT_CELL_OPTIONS, ...KERAS_CELL_OPTIONS,
  activation: true, recurrentActivation: true, resetAfter: true, implementation: true,
} as const;

export class GRUCell extends KerasRNNCell {
  static override readonly kerasName: string = 'GRUCell';
  static readonly optionKeys = optionKeys<GRUCellArgs>(GRU_CELL_OPTIONS);
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly resetAfter: boolean;
  readonly implementation: 1 | 2;

  constructor(args: GRUCellArgs) {
    super(args);
    this.activation = getActivation(args.activation === undefined ? 'tanh' : args.activation);
    this.recurrentActivation = getActivation(args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation);
    this.resetAfter = checkBoolean('GRUCell', 'resetAfter', args.resetAfter) ?? true;
    this.implementation = resolveImplementation('GRUCell', args.implementation, this.recurrentDropout);
  }

  override get className(): string {
    return 'GRUCell';
  }

  get stateSize(): number[] {
    return [this.units];
  }

  get outputSize(): number {
    return this.units;
  }


  protected get gates(): number {
    return 3;
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  /** K3: implementation 1 draws one mask per gate (dropout_mask_count = 3), implementation 2 one; K2: always 3. */
  protected override perGateDropoutMasks(): boolean {
    return kerasCompat() === 'keras2' || this.implementation === 1;
  }


  /** (input bias [3u], recurrent bias [3u] or null) as Keras splits `bias`. */
  private biases(): [Tensor | null, Tensor | null] {
    if (!this.bias) return [null, null];
    if (!this.resetAfter) return [this.bias, null];
    const [bi, br] = split(this.bias, 2, 0);
    const n = 3 * this.units;
    return [reshape(bi, [n]), reshape(br, [n])];
  }

  step(x: Tensor, states: Tensor[], training: boolean): [Tensor, Tensor[]] {
    if (!this.built || this.kernel === null || this.recurrentKernel === null) fail('GRUCell', 'the cell is not built; call build([batch, inputDim]) or use it inside an RNN layer');
    if (states.length !== 1) fail('GRUCell', `expects 1 state, got ${states.length}`);
    const hPrev = states[0];
    const [Kz, Kr, Kh] = split(this.kernel, 3, 1);
    const [Rz, Rr, Rh] = split(this.recurrentKernel, 3, 1);
    const dp = this.getDropoutMaskForCell(x, training);
    const rdp = this.getRecurrentDropoutMaskForCell(hPrev, training);
    const σ = this.recurrentActivation.apply;
    const act = this.activation.apply;
    const [bIn, bRec] = this.biases();
    let xz: Tensor, xr: Tensor, xh: Tensor;
    let mz: Tensor, mr: Tensor;
    let hh: Tensor;  // the reset-gated recurrent term of the candidate
    let z: Tensor, r: Tensor;
    if (this.implementation === 1) {
      const bs = bIn ? split(bIn, 3, 0) : null;
      const rbs = bRec ? split(bRec, 3, 0) : null;
      const xg = (k: number, Kk: Tensor): Tensor => {
        const v = matmul(dp ? applyDropout(x, dp[k]) : x, Kk);
        return bs ? add(v, bs[k]) : v;
      };
      const hg = (k: number): Tensor => (rdp ? applyDropout(hPrev, rdp[k]) : hPrev);
      xz = xg(0, Kz);
      xr = xg(1, Kr);
      xh = xg(2, Kh);
      mz = matmul(hg(0), Rz);
      mr = matmul(hg(1), Rr);
      if (this.resetAfter && rbs) {
        mz = add(mz, rbs[0]);
        mr = add(mr, rbs[1]);
      }
      z = σ(add(xz, mz));
      r = σ(add(xr, mr));
      if (this.resetAfter) {
        let mh = matmul(hg(2), Rh);
        if (rbs) mh = add(mh, rbs[2]);
        hh = mul(r, mh);
      } else {
        hh = matmul(mul(r, hg(2)), Rh);
      }
    } else {
      let mx = matmul(dp ? applyDropout(x, dp[0]) : x, this.kernel);
      if (bIn) mx = add(mx, bIn);
      [xz, xr, xh] = split(mx, 3, 1);
      let mh: Tensor | null = null;
      if (this.resetAfter) {
        let m = matmul(hPrev, this.recurrentKernel);
        if (bRec) m = add(m, bRec);
        [mz, mr, mh] = split(m, 3, 1);
      } else {
        [mz, mr] = split(matmul(hPrev, concat([Rz, Rr], 1)), 2, 1);
      }
      z = σ(add(xz, mz));
      r = σ(add(xr, mr));
      hh = this.resetAfter ? mul(r, mh!) : matmul(mul(r, hPrev), Rh);
    }
    const cand = act(add(xh, hh));
    const one = full([], 1, z.dtype);
    const h = add(mul(z, hPrev), mul(sub(one, z), cand));
    return [h, [h]];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: serializeActivation(this.activation),
      recurrent_activation: serializeActivation(this.recurrentActivation),
      use_bias: this.useBias,
      ...cellWeightConfig(this),
      reset_after: this.resetAfter,
    };
  }

  static fromConfig(cfg: Record<string, unknown>): GRUCell {
    return new GRUCell(gruCellArgsFromConfig(cfg));
  }
}

/** Keras (3 or 2) snake_case config → constructor args. */
export function gruCellArgsFromConfig(cfg: Record<string, unknown>): GRUCellArgs {
  return {
    ...baseArgsFromConfig(cfg),
    units: cfg.units as number,
    activation: cfg.activation as ActivationId,
    recurrentActivation: cfg.recurrent_activation as ActivationId,
    useBias: cfg.use_bias as boolean | undefined,
    resetAfter: cfg.reset_after as boolean | undefined,
    ...cellWeightArgsFromConfig(cfg),
    implementation: cfg.implementation as number | undefined,
  };
}
