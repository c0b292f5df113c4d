// Keras 3 SGD (keras/src/optimizers/sgd.py, update_step):
//   momentum = 0:  w ← w − lr·g
//   momentum > 0:  m ← μ·m − lr·g;  w ← w + m                       (m starts at 0)
//   nesterov:      m ← μ·m − lr·g;  w ← w + μ·m − lr·g              (with the updated m)
import type { TypedArray, DType } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { Optimizer, castPy, baseArgsFromConfig, OPTIMIZER_OPTIONS, type OptimizerArgs, type JsonConfig } from './optimizer.js';
import { optionKeys, checkNumber, checkBoolean } from '../../util/options.js';

export interface SGDArgs extends OptimizerArgs {
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  static readonly kerasName: string = 'SGD';
  static readonly optionKeys = optionKeys<SGDArgs>({ ...OPTIMIZER_OPTIONS, momentum: true, nesterov: true });
  readonly momentum: number;
  readonly nesterov: boolean;
  constructor(args: SGDArgs = {}) {
    super(args, 0.01, 'sgd');
    checkNumber('SGD', 'momentum', args.momentum);
    checkBoolean('SGD', 'nesterov', args.nesterov);
    this.momentum = args.momentum ?? 0;
    this.nesterov = args.nesterov ?? false;
    if (!(this.momentum >= 0 && this.momentum <= 1)) fail('SGD', `momentum must be in [0, 1], got ${this.momentum}`);
  }
  protected slotCount(): number {
    return this.momentum !== 0 ? 1 : 0;
  }
  protected updateStep(g: TypedArray, w: TypedArray, slots: TypedArray[], lrIn: number, dtype: DType): void {
    const r = this.rounder(dtype);
    const lr = r(lrIn);
    if (this.momentum === 0) {
      for (let i = 0; i < w.length; i++) w[i] = r(w[i] - r(g[i] * lr));
      return;
    }
    const mu = castPy(this.momentum); // ops.cast(self.momentum, variable.dtype)
    const m = slots[0];
    for (let i = 0; i < w.length; i++) {
      m[i] = r(r(m[i] * mu) - r(g[i] * lr));
      w[i] = this.nesterov ? r(w[i] + r(r(m[i] * mu) - r(g[i] * lr))) : r(w[i] + m[i]);
    }
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
  static fromConfig(cfg: JsonConfig): SGD {
    return new SGD({ ...baseArgsFromConfig(cfg), momentum: cfg.momentum as number, nesterov: cfg.nesterov as boolean });
  }
}
