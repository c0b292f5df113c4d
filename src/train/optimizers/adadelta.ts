// Keras 3 Adadelta (keras/src/optimizers/adadelta.py, update_step; Zeiler 2012), with rms(x) = sqrt(x + ε):
//   E[g²] ← ρ·E[g²] + (1 − ρ)·g²
//   Δ = −rms(E[Δ²])·g / rms(E[g²])          (with the updated E[g²])
//   E[Δ²] ← ρ·E[Δ²] + (1 − ρ)·Δ²
//   w ← w + lr·Δ
// Keras's default learning rate is 0.001 (the paper's Adadelta has none: lr = 1). Slots: accumulated_grad,
// accumulated_delta_var, both starting at 0.
// An Embedding's IndexedSlices gradient stays slices through Δ on TF (multiply/divide of slices by a dense tensor
// gather the dense rows), so E[Δ²] receives Σ_k Δ_k² over a row's occurrences k and w the sum of the Δ_k, with
// E[g²] updated first from Σ_k g_k².
import type { TypedArray, DType } from '../../tensor/tensor.js';
import { Optimizer, baseArgsFromConfig, OPTIMIZER_OPTIONS, mappedSlices, type OptimizerArgs, type JsonConfig, type SparseGradient } from './optimizer.js';
import { optionKeys, checkNumber } from '../../util/options.js';

export interface AdadeltaArgs extends OptimizerArgs {
  /** Decay rate ρ of both running averages (default 0.95). */
  rho?: number;
  epsilon?: number;
}

export class Adadelta extends Optimizer {
  static readonly kerasName: string = 'Adadelta';
  static readonly optionKeys = optionKeys<AdadeltaArgs>({ ...OPTIMIZER_OPTIONS, rho: true, epsilon: true });
  readonly rho: number;
  readonly epsilon: number;
  constructor(args: AdadeltaArgs = {}) {
    super(args, 0.001, 'adadelta');
    this.rho = checkNumber('Adadelta', 'rho', args.rho) ?? 0.95;
    this.epsilon = checkNumber('Adadelta', 'epsilon', args.epsilon) ?? 1e-7;
  }
  protected slotCount(): number {
    return 2;
  }
  protected updateStep(g: TypedArray, w: TypedArray, slots: TypedArray[], lr: number, dtype: DType, gSquared: TypedArray | null,
    sparse: SparseGradient | null): void {
    const r = this.rounder(dtype);
    const rho = r(this.rho);
    const c = r(1 - this.rho); // a Python float (1 − ρ) cast to the variable's dtype
    const eps = r(this.epsilon);
    const rms = (x: number) => r(Math.sqrt(r(x + eps)));
    const [ag, ad] = slots;
    if (sparse) {
      for (let i = 0; i < w.length; i++) ag[i] = r(r(rho * ag[i]) + r(c * gSquared![i]));
      const { indices, values, rowSize } = sparse.slices;
      const delta = values.slice(); // Δ_k per slice, from the rows' E[Δ²] before this step
      for (let k = 0; k < indices.length; k++) {
        for (let q = 0; q < rowSize; q++) {
          const i = indices[k] * rowSize + q;
          delta[k * rowSize + q] = -r(r(rms(ad[i]) * values[k * rowSize + q]) / rms(ag[i]));
        }
      }
      const sq = mappedSlices({ ...sparse, slices: { ...sparse.slices, values: delta } }, (d) => d * d);
      for (let i = 0; i < w.length; i++) ad[i] = r(r(rho * ad[i]) + r(c * sq[i]));
      // assign_add of slices is a scatter_add: each slice's lr·Δ_k added in turn
      for (let k = 0; k < indices.length; k++) {
        for (let q = 0; q < rowSize; q++) {
          const i = indices[k] * rowSize + q;
          w[i] = r(w[i] + r(lr * delta[k * rowSize + q]));
        }
      }
      return;
    }
    for (let i = 0; i < w.length; i++) {
      ag[i] = r(r(rho * ag[i]) + r(c * (gSquared ? gSquared[i] : r(g[i] * g[i]))));
      const delta = -r(r(rms(ad[i]) * g[i]) / rms(ag[i]));
      ad[i] = r(r(rho * ad[i]) + r(c * r(delta * delta)));
      w[i] = r(w[i] + r(lr * delta));
    }
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
  static fromConfig(cfg: JsonConfig): Adadelta {
    return new Adadelta({ ...baseArgsFromConfig(cfg), rho: cfg.rho as number | undefined, epsilon: cfg.epsilon as number | undefined });
  }
}
