// Keras 3 RMSprop (keras/src/optimizers/rmsprop.py, update_step):
//   v ← ρ·v + (1 − ρ)·g²
//   centered: ḡ ← ρ·ḡ + (1 − ρ)·g;  d = v − ḡ² + ε     else d = v + ε   (ε inside the square root)
//   Δ = lr·g / sqrt(d)
//   momentum > 0: m ← μ·m + Δ;  w ← w − m     else w ← w − Δ
import type { TypedArray, DType } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { Optimizer, baseArgsFromConfig, type OptimizerArgs, type JsonConfig, OPTIMIZER_OPTIONS } from './optimizer.js';
import { optionKeys, checkNumber, checkBoolean } from '../../util/options.js';

export interface RMSpropArgs extends OptimizerArgs {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

export class RMSprop extends Optimizer {
  static readonly kerasName: string = 'RMSprop';
  static readonly optionKeys = optionKeys<RMSpropArgs>({ ...OPTIMIZER_OPTIONS, rho: true, momentum: true, epsilon: true, centered: true });
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  constructor(args: RMSpropArgs = {}) {
    // Keras's default name is camel_to_snake('RMSprop') = 'rm_sprop'.
    super(args, 0.001, 'rm_sprop');
    for (const k of ['rho', 'momentum', 'epsilon'] as const) checkNumber('RMSprop', k, args[k]);
    checkBoolean('RMSprop', 'centered', args.centered);
    this.rho = args.rho ?? 0.9;
    this.momentum = args.momentum ?? 0;
    this.epsilon = args.epsilon ?? 1e-7;
    this.centered = args.centered ?? false;
    if (!(this.rho >= 0 && this.rho <= 1)) fail('RMSprop', `rho must be in [0, 1], got ${this.rho}`);
    if (!(this.momentum >= 0)) fail('RMSprop', `momentum must be ≥ 0, got ${this.momentum}`);
  }
  // slots: [velocity, momentum, average_gradient]
  protected slotCount(): number {
    return 3;
  }
  protected updateStep(g: TypedArray, w: TypedArray, slots: TypedArray[], lrIn: number, dtype: DType, gSquared: TypedArray | null): void {
    const r = this.rounder(dtype);
    const lr = r(lrIn);
    const rho = r(this.rho);
    const c = r(1 - this.rho);
    const eps = r(this.epsilon);
    const mu = r(this.momentum);
    const [v, m, avg] = slots;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      v[i] = r(r(rho * v[i]) + r(c * (gSquared ? gSquared[i] : r(gi * gi))));
      let d: number;
      if (this.centered) {
        avg[i] = r(r(rho * avg[i]) + r(c * gi));
        d = r(r(v[i] - r(avg[i] * avg[i])) + eps);
      } else {
        d = r(v[i] + eps);
      }
      const inc = r(r(lr * gi) / r(Math.sqrt(d)));
      if (this.momentum > 0) {
        m[i] = r(r(mu * m[i]) + inc);
        w[i] = r(w[i] - m[i]);
      } else {
        w[i] = r(w[i] - inc);
      }
    }
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
  static fromConfig(cfg: JsonConfig): RMSprop {
    return new RMSprop({ ...baseArgsFromConfig(cfg), rho: cfg.rho as number, momentum: cfg.momentum as number,
      epsilon: cfg.epsilon as number, centered: cfg.centered as boolean });
  }
}
