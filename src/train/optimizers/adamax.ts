// Keras 3 Adamax (keras/src/optimizers/adamax.py, update_step; Kingma & Ba 2015 §7.1), with t = iterations + 1:
//   m ← m + (g − m)(1 − β₁)
//   u ← max(β₂·u, |g|)
//   w ← w − lr·m / ((1 − β₁ᵗ)(u + ε))
// Slots: momentum m, norm u. An Embedding's IndexedSlices gradient enters u as Σ|g| over a row's occurrences
// (Keras takes |·| of the slices before densifying), m as Σg.
import type { TypedArray, DType } from '../../tensor/tensor.js';
import { Optimizer, castPy, baseArgsFromConfig, OPTIMIZER_OPTIONS, mappedSlices, type OptimizerArgs, type JsonConfig, type SparseGradient } from './optimizer.js';
import { optionKeys, checkNumber } from '../../util/options.js';

export interface AdamaxArgs extends OptimizerArgs {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adamax extends Optimizer {
  static readonly kerasName: string = 'Adamax';
  static readonly optionKeys = optionKeys<AdamaxArgs>({ ...OPTIMIZER_OPTIONS, beta1: true, beta2: true, epsilon: true });
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  constructor(args: AdamaxArgs = {}) {
    super(args, 0.001, 'adamax');
    this.beta1 = checkNumber('Adamax', 'beta1', args.beta1) ?? 0.9;
    this.beta2 = checkNumber('Adamax', 'beta2', args.beta2) ?? 0.999;
    this.epsilon = checkNumber('Adamax', 'epsilon', args.epsilon) ?? 1e-7;
  }
  protected slotCount(): number {
    return 2;
  }
  protected updateStep(g: TypedArray, w: TypedArray, slots: TypedArray[], lr: number, dtype: DType, _gSquared: TypedArray | null,
    sparse: SparseGradient | null): void {
    const r = this.rounder(dtype);
    const t = this.iterations + 1;
    const b1p = r(Math.pow(castPy(this.beta1), t)); // ops.power(ops.cast(self.beta_1, dtype), t)
    const c1 = r(1 - this.beta1); // a Python float, then cast
    const b2 = r(this.beta2);
    const eps = r(this.epsilon);
    const denom1 = r(1 - b1p);
    const absG = sparse ? mappedSlices(sparse, Math.abs) : null;
    const [m, u] = slots;
    for (let i = 0; i < w.length; i++) {
      m[i] = r(m[i] + r(r(g[i] - m[i]) * c1));
      u[i] = Math.max(r(b2 * u[i]), absG ? absG[i] : Math.abs(g[i]));
      w[i] = r(w[i] - r(r(lr * m[i]) / r(denom1 * r(u[i] + eps))));
    }
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
  static fromConfig(cfg: JsonConfig): Adamax {
    return new Adamax({ ...baseArgsFromConfig(cfg), beta1: cfg.beta_1 as number | undefined, beta2: cfg.beta_2 as number | undefined,
      epsilon: cfg.epsilon as number | undefined });
  }
}
