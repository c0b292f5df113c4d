// Keras 3 Lion (keras/src/optimizers/lion.py, update_step; Chen et al. 2023, "Symbolic Discovery of Optimization
// Algorithms", Alg. 1):
//   w ← w − lr·sign(β₁·m + (1 − β₁)·g)
//   m ← β₂·m + (1 − β₂)·g
// β₁ and β₂ are cast to the variable's dtype (through float32: castPy) before 1 − β is taken, unlike Adam's
// Python-float 1 − β₁. sign(0) = 0. The paper pairs Lion with a 3–10× smaller lr and a larger weight_decay.
import type { TypedArray, DType } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { Optimizer, castPy, baseArgsFromConfig, OPTIMIZER_OPTIONS, type OptimizerArgs, type JsonConfig } from './optimizer.js';
import { optionKeys, checkNumber } from '../../util/options.js';

export interface LionArgs extends OptimizerArgs {
  beta1?: number;
  beta2?: number;
}

export class Lion extends Optimizer {
  static readonly kerasName: string = 'Lion';
  static readonly optionKeys = optionKeys<LionArgs>({ ...OPTIMIZER_OPTIONS, beta1: true, beta2: true });
  readonly beta1: number;
  readonly beta2: number;
  constructor(args: LionArgs = {}) {
    super(args, 0.001, 'lion');
    this.beta1 = checkNumber('Lion', 'beta1', args.beta1) ?? 0.9;
    this.beta2 = checkNumber('Lion', 'beta2', args.beta2) ?? 0.99;
    // keras/src/optimizers/lion.py: "Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer
    // degenerates to SignSGD", checked as 0 < beta_1 ≤ 1
    if (this.beta1 <= 0 || this.beta1 > 1) fail('Lion', `beta1 must be in (0, 1] (otherwise the optimizer degenerates to SignSGD), got ${this.beta1}`);
  }
  protected slotCount(): number {
    return 1;
  }
  protected updateStep(g: TypedArray, w: TypedArray, slots: TypedArray[], lr: number, dtype: DType): void {
    const r = this.rounder(dtype);
    const b1 = castPy(this.beta1), b2 = castPy(this.beta2); // ops.cast(self.beta_1, variable.dtype)
    const c1 = r(1 - b1), c2 = r(1 - b2);
    const m = slots[0];
    for (let i = 0; i < w.length; i++) {
      const u = r(r(m[i] * b1) + r(g[i] * c1));
      w[i] = r(w[i] - r(lr * Math.sign(u)));
      m[i] = r(r(m[i] * b2) + r(g[i] * c2));
    }
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2 };
  }
  static fromConfig(cfg: JsonConfig): Lion {
    return new Lion({ ...baseArgsFromConfig(cfg), beta1: cfg.beta_1 as number | undefined, beta2: cfg.beta_2 as number | undefined });
  }
}
