// Keras 3 Ftrl (keras/src/optimizers/ftrl.py, update_step; McMahan et al. 2013, "Ad Click Prediction", Alg. 1),
// with p = learning_rate_power (≤ 0), λ₁ = l1, λ₂' = l2 + β/(2·lr), s = l2_shrinkage:
//   g' = g + 2s·w
//   n' = n + g²
//   z ← z + g' − ((n')^(−p) − n^(−p))/lr · w
//   w ← (clip(z, −λ₁, λ₁) − z) / ((n')^(−p)/lr + 2λ₂')
//   n ← n'
// Slots: accumulator n (starting at initial_accumulator_value, default 0.1) and linear z (starting at 0).
import type { TypedArray, DType } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { Optimizer, castPy, baseArgsFromConfig, OPTIMIZER_OPTIONS, type OptimizerArgs, type JsonConfig } from './optimizer.js';
import { optionKeys, checkNumber } from '../../util/options.js';

export interface FtrlArgs extends OptimizerArgs {
  /** p ≤ 0 (default −0.5: the per-coordinate rate lr/sqrt(n)). */
  learningRatePower?: number;
  initialAccumulatorValue?: number;
  l1RegularizationStrength?: number;
  l2RegularizationStrength?: number;
  l2ShrinkageRegularizationStrength?: number;
  /** β of the per-coordinate rate (default 0). */
  beta?: number;
}

export class Ftrl extends Optimizer {
  static readonly kerasName: string = 'Ftrl';
  static readonly optionKeys = optionKeys<FtrlArgs>({
    ...OPTIMIZER_OPTIONS, learningRatePower: true, initialAccumulatorValue: true, l1RegularizationStrength: true,
    l2RegularizationStrength: true, l2ShrinkageRegularizationStrength: true, beta: true,
  });
  readonly learningRatePower: number;
  readonly initialAccumulatorValue: number;
  readonly l1RegularizationStrength: number;
  readonly l2RegularizationStrength: number;
  readonly l2ShrinkageRegularizationStrength: number;
  readonly beta: number;
  constructor(args: FtrlArgs = {}) {
    super(args, 0.001, 'ftrl');
    const n = 'Ftrl';
    this.learningRatePower = checkNumber(n, 'learningRatePower', args.learningRatePower, { max: 0 }) ?? -0.5;
    this.initialAccumulatorValue = checkNumber(n, 'initialAccumulatorValue', args.initialAccumulatorValue, { min: 0 }) ?? 0.1;
    this.l1RegularizationStrength = checkNumber(n, 'l1RegularizationStrength', args.l1RegularizationStrength, { min: 0 }) ?? 0;
    this.l2RegularizationStrength = checkNumber(n, 'l2RegularizationStrength', args.l2RegularizationStrength, { min: 0 }) ?? 0;
    this.l2ShrinkageRegularizationStrength = checkNumber(n, 'l2ShrinkageRegularizationStrength', args.l2ShrinkageRegularizationStrength, { min: 0 }) ?? 0;
    this.beta = checkNumber(n, 'beta', args.beta) ?? 0;
  }
  protected slotCount(): number {
    return 2;
  }
  protected override initialSlotValue(k: number): number {
    return k === 0 ? castPy(this.initialAccumulatorValue) : 0; // initializers.Constant: ops.cast(value, dtype)
  }
  protected updateStep(g: TypedArray, w: TypedArray, slots: TypedArray[], lr: number, dtype: DType, gSquared: TypedArray | null): void {
    const r = this.rounder(dtype);
    const p = -this.learningRatePower;
    // l2 + beta / (2.0 * lr): lr is a tensor here, so every op is in the variable's dtype
    const l2 = r(r(this.l2RegularizationStrength) + r(r(this.beta) / r(2 * lr)));
    const shrink2 = r(2 * this.l2ShrinkageRegularizationStrength);
    const l1 = r(this.l1RegularizationStrength);
    const twoL2 = r(2 * l2);
    const [acc, lin] = slots;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      const gUse = r(gi + r(shrink2 * w[i]));
      const nNew = r(acc[i] + (gSquared ? gSquared[i] : r(gi * gi)));
      const pNew = r(Math.pow(nNew, p));
      const pOld = r(Math.pow(acc[i], p));
      lin[i] = r(lin[i] + r(gUse - r(r(r(pNew - pOld) / lr) * w[i])));
      const quadratic = r(r(pNew / lr) + twoL2);
      const z = lin[i];
      const clipped = z < -l1 ? -l1 : z > l1 ? l1 : z;
      w[i] = r(r(clipped - z) / quadratic);
      acc[i] = nNew;
    }
  }
  override getConfig(): JsonConfig {
    return {
      ...super.getConfig(),
      learning_rate_power: this.learningRatePower,
      initial_accumulator_value: this.initialAccumulatorValue,
      l1_regularization_strength: this.l1RegularizationStrength,
      l2_regularization_strength: this.l2RegularizationStrength,
      l2_shrinkage_regularization_strength: this.l2ShrinkageRegularizationStrength,
      beta: this.beta,
    };
  }
  static fromConfig(cfg: JsonConfig): Ftrl {
    for (const k of ['learning_rate_power', 'initial_accumulator_value', 'l1_regularization_strength', 'l2_regularization_strength',
      'l2_shrinkage_regularization_strength', 'beta']) {
      if (cfg[k] !== undefined && typeof cfg[k] !== 'number') fail('Ftrl.fromConfig', `${k} must be a number, got ${JSON.stringify(cfg[k])}`);
    }
    return new Ftrl({
      ...baseArgsFromConfig(cfg),
      learningRatePower: cfg.learning_rate_power as number | undefined,
      initialAccumulatorValue: cfg.initial_accumulator_value as number | undefined,
      l1RegularizationStrength: cfg.l1_regularization_strength as number | undefined,
      l2RegularizationStrength: cfg.l2_regularization_strength as number | undefined,
      l2ShrinkageRegularizationStrength: cfg.l2_shrinkage_regularization_strength as number | undefined,
      beta: cfg.beta as number | undefined,
    });
  }
}
