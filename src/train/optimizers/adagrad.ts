// Keras 3 Adagrad (keras/src/optimizers/adagrad.py, update_step; Duchi, Hazan & Singer 2011):
//   a ← a + g²                      (a starts at initial_accumulator_value, default 0.1)
//   w ← w − lr·g / sqrt(a + ε)
// Every op rounds to the variable's dtype (optimizer.ts header). An Embedding's IndexedSlices gradient adds
// Σ g² over a row's occurrences to a (Keras squares the slices before scattering them).
import type { TypedArray, DType } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { Optimizer, castPy, baseArgsFromConfig, OPTIMIZER_OPTIONS, type OptimizerArgs, type JsonConfig } from './optimizer.js';
import { optionKeys, checkNumber } from '../../util/options.js';

export interface AdagradArgs extends OptimizerArgs {
  /** Starting value of the accumulator (≥ 0; Keras default 0.1). */
  initialAccumulatorValue?: number;
  epsilon?: number;
}

export class Adagrad extends Optimizer {
  static readonly kerasName: string = 'Adagrad';
  static readonly optionKeys = optionKeys<AdagradArgs>({ ...OPTIMIZER_OPTIONS, initialAccumulatorValue: true, epsilon: true });
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  constructor(args: AdagradArgs = {}) {
    super(args, 0.001, 'adagrad');
    this.initialAccumulatorValue = checkNumber('Adagrad', 'initialAccumulatorValue', args.initialAccumulatorValue, { min: 0 }) ?? 0.1;
    this.epsilon = checkNumber('Adagrad', 'epsilon', args.epsilon) ?? 1e-7;
  }
  protected slotCount(): number {
    return 1;
  }
  protected override initialSlotValue(): number {
    return castPy(this.initialAccumulatorValue); // initializers.Constant: ops.cast(value, dtype)
  }
  protected updateStep(g: TypedArray, w: TypedArray, slots: TypedArray[], lr: number, dtype: DType, gSquared: TypedArray | null): void {
    const r = this.rounder(dtype);
    const eps = r(this.epsilon);
    const a = slots[0];
    for (let i = 0; i < w.length; i++) {
      a[i] = r(a[i] + (gSquared ? gSquared[i] : r(g[i] * g[i])));
      w[i] = r(w[i] - r(r(lr * g[i]) / r(Math.sqrt(r(a[i] + eps)))));
    }
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
  static fromConfig(cfg: JsonConfig): Adagrad {
    if (cfg.initial_accumulator_value !== undefined && typeof cfg.initial_accumulator_value !== 'number') {
      fail('Adagrad.fromConfig', `initial_accumulator_value must be a number, got ${JSON.stringify(cfg.initial_accumulator_value)}`);
    }
    return new Adagrad({ ...baseArgsFromConfig(cfg), initialAccumulatorValue: cfg.initial_accumulator_value as number | undefined,
      epsilon: cfg.epsilon as number | undefined });
  }
}
