// Keras 3 Nadam (keras/src/optimizers/nadam.py; Dozat 2016, with Keras's momentum schedule). With t = iterations + 1
// and μ_t = β₁(1 − ½·0.96ᵗ):
//   once per step, before the variables:  Π ← Π·μ_t          (u_product, starting at 1; `_backend_update_step`)
//   m ← m + (g − m)(1 − β₁);   v ← v + (g² − v)(1 − β₂)
//   m̂ = μ_{t+1}·m / (1 − Π·μ_{t+1}) + (1 − μ_t)·g / (1 − Π)
//   v̂ = v / (1 − β₂ᵗ)
//   w ← w − lr·m̂ / (sqrt(v̂) + ε)
// Π lives in the dtype of the first variable Keras builds on (its `build`); here, of the first variable with a
// gradient at the first step. Slots: momentum, velocity.
import type { TypedArray, DType } from '../../tensor/tensor.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Optimizer, castPy, baseArgsFromConfig, OPTIMIZER_OPTIONS, type OptimizerArgs, type JsonConfig } from './optimizer.js';
import { optionKeys, checkNumber } from '../../util/options.js';

export interface NadamArgs extends OptimizerArgs {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Nadam extends Optimizer {
  static readonly kerasName: string = 'Nadam';
  static readonly optionKeys = optionKeys<NadamArgs>({ ...OPTIMIZER_OPTIONS, beta1: true, beta2: true, epsilon: true });
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Keras's `_u_product` (Π above) and its dtype, fixed at the first step. */
  uProduct = 1;
  private uDtype: DType | null = null;
  constructor(args: NadamArgs = {}) {
    super(args, 0.001, 'nadam');
    this.beta1 = checkNumber('Nadam', 'beta1', args.beta1) ?? 0.9;
    this.beta2 = checkNumber('Nadam', 'beta2', args.beta2) ?? 0.999;
    this.epsilon = checkNumber('Nadam', 'epsilon', args.epsilon) ?? 1e-7;
  }
  protected slotCount(): number {
    return 2;
  }
  /** update_step's μ_t = β₁(1 − ½·0.96ᵗ), each op in the dtype, with β₁ and 0.96 cast (castPy) first. */
  private mu(t: number, r: (x: number) => number): number {
    return r(castPy(this.beta1) * r(1 - r(0.5 * r(Math.pow(castPy(0.96), t)))));
  }
  protected override beforeUpdateSteps(variables: Tensor[]): void {
    if (this.uDtype === null) {
      if (variables.length === 0) return;
      this.uDtype = variables[0].dtype;
    }
    const r = this.rounder(this.uDtype);
    // Keras: u_product * beta_1 * (1 - 0.5 * 0.96^t), left to right, with β₁ and 0.96 as Python floats (exact in
    // float64, unlike update_step's casts)
    this.uProduct = r(r(this.uProduct * r(this.beta1)) * r(1 - r(0.5 * r(Math.pow(r(0.96), this.iterations + 1)))));
  }
  protected updateStep(g: TypedArray, w: TypedArray, slots: TypedArray[], lr: number, dtype: DType, gSquared: TypedArray | null): void {
    const r = this.rounder(dtype);
    const t = this.iterations + 1;
    const b1 = castPy(this.beta1); // ops.cast(self.beta_1, var_dtype)
    const b2 = castPy(this.beta2);
    const ut = this.mu(t, r);
    const ut1 = this.mu(t + 1, r);
    const up = r(this.uProduct);
    const up1 = r(up * ut1);
    const b2p = r(Math.pow(b2, t));
    const c1 = r(1 - b1);
    const c2 = r(1 - b2);
    const eps = r(this.epsilon);
    const d1 = r(1 - up1), d0 = r(1 - up), k0 = r(1 - ut), dv = r(1 - b2p);
    const [m, v] = slots;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      m[i] = r(m[i] + r(r(gi - m[i]) * c1));
      v[i] = r(v[i] + r(r((gSquared ? gSquared[i] : r(gi * gi)) - v[i]) * c2));
      const mHat = r(r(r(ut1 * m[i]) / d1) + r(r(k0 * gi) / d0));
      const vHat = r(v[i] / dv);
      w[i] = r(w[i] - r(r(mHat * lr) / r(r(Math.sqrt(vHat)) + eps)));
    }
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
  static fromConfig(cfg: JsonConfig): Nadam {
    return new Nadam({ ...baseArgsFromConfig(cfg), beta1: cfg.beta_1 as number | undefined, beta2: cfg.beta_2 as number | undefined,
      epsilon: cfg.epsilon as number | undefined });
  }
}
