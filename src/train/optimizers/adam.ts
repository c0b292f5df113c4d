// Keras 3 Adam (keras/src/optimizers/adam.py, update_step). With t = iterations + 1:
//   α  = lr·sqrt(1 − β₂ᵗ) / (1 − β₁ᵗ)          (bias correction folded into the step size)
//   m ← m + (g − m)(1 − β₁);   v ← v + (g² − v)(1 − β₂)
//   amsgrad: v̂ ← max(v̂, v) and v̂ replaces v below
//   w ← w − m·α / (sqrt(v) + ε)
// ε is added to the *uncorrected* sqrt(v) (the "ε-hat" form of Kingma & Ba §2): equivalent to textbook Adam
// with ε/sqrt(1−β₂ᵗ). So the first step is lr·g/(|g| + ε/sqrt(1−β₂)), ≈ lr·sign(g) but not exactly.
import type { TypedArray, DType } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { Optimizer, castPy, baseArgsFromConfig, type OptimizerArgs, type JsonConfig, OPTIMIZER_OPTIONS } from './optimizer.js';
import { optionKeys, checkNumber, checkBoolean } from '../../util/options.js';

export interface AdamArgs extends OptimizerArgs {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

export class Adam extends Optimizer {
  static readonly kerasName: string = 'Adam';
  static readonly optionKeys = optionKeys<AdamArgs>({ ...OPTIMIZER_OPTIONS, beta1: true, beta2: true, epsilon: true, amsgrad: true });
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  constructor(args: AdamArgs = {}, defaultName = 'adam') {
    super(args, 0.001, defaultName);
    for (const k of ['beta1', 'beta2', 'epsilon'] as const) checkNumber(new.target.name, k, args[k]);
    checkBoolean(new.target.name, 'amsgrad', args.amsgrad);
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
    this.amsgrad = args.amsgrad ?? false;
    for (const [k, v] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(v >= 0 && v < 1)) fail('Adam', `${k} must be in [0, 1), got ${v}`);
    }
  }
  protected slotCount(): number {
    return this.amsgrad ? 3 : 2;
  }
  protected updateStep(g: TypedArray, w: TypedArray, slots: TypedArray[], lrIn: number, dtype: DType, gSquared: TypedArray | null): void {
    const r = this.rounder(dtype);
    const lr = r(lrIn);
    const t = this.iterations + 1;
    const b1p = r(Math.pow(castPy(this.beta1), t)); // ops.power(ops.cast(self.beta_1, dtype), t)
    const b2p = r(Math.pow(castPy(this.beta2), t));
    const alpha = r(r(lr * r(Math.sqrt(r(1 - b2p)))) / r(1 - b1p));
    const c1 = r(1 - this.beta1);
    const c2 = r(1 - this.beta2);
    const eps = r(this.epsilon);
    const [m, v] = slots;
    const vhat = this.amsgrad ? slots[2] : null;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      m[i] = r(m[i] + r(r(gi - m[i]) * c1));
      v[i] = r(v[i] + r(r((gSquared ? gSquared[i] : r(gi * gi)) - v[i]) * c2));
      let vi = v[i];
      if (vhat) {
        vhat[i] = Math.max(vhat[i], v[i]);
        vi = vhat[i];
      }
      w[i] = r(w[i] - r(r(m[i] * alpha) / r(r(Math.sqrt(vi)) + eps)));
    }
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
  static fromConfig(cfg: JsonConfig): Adam {
    return new Adam({ ...baseArgsFromConfig(cfg), beta1: cfg.beta_1 as number, beta2: cfg.beta_2 as number,
      epsilon: cfg.epsilon as number, amsgrad: cfg.amsgrad as boolean });
  }
}

/**
 * Keras 3 AdamW (keras/src/optimizers/adamw.py): Adam with decoupled weight decay, default weight_decay 0.004
 * (w ← w − w·wd·lr before each Adam step, Loshchilov & Hutter 2019).
 */
export class AdamW extends Adam {
  static override readonly kerasName: string = 'AdamW';
  static override readonly optionKeys = Adam.optionKeys;
  constructor(args: AdamArgs = {}) {
    super(args === null || typeof args !== 'object' ? args : { ...args, weightDecay: args.weightDecay ?? 0.004 }, 'adam_w');
    if (this.weightDecay === null) fail('AdamW', 'weightDecay must be a number (use Adam for no weight decay)');
  }
  static override fromConfig(cfg: JsonConfig): AdamW {
    return new AdamW({ ...baseArgsFromConfig(cfg), beta1: cfg.beta_1 as number, beta2: cfg.beta_2 as number,
      epsilon: cfg.epsilon as number, amsgrad: cfg.amsgrad as boolean });
  }
}
