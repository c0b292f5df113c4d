// Stateful metrics as Keras 3 defines them (keras/src/metrics/metric.py): updateState(yTrue, yPred,
// sampleWeight?) accumulates, result() reads, resetState() clears. MeanMetricWrapper (reduction_metrics.py)
// averages a per-sample function with Keras's weighting: the output's Keras mask becomes sample weights
// (apply_mask), then Mean's reduce_to_samplewise_values (values.ts).
import type { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../../autograd/mode.js';
import { fail } from '../../tensor/shape.js';
import { checkString } from '../../util/options.js';
import { getKerasMask } from '../../keras/engine/layer.js';
import { values, maskWeights, meanUpdate, type Values } from './values.js';

export type Direction = 'up' | 'down';

/** The serialized form Keras writes for a metric object (compile_config, get_config). */
export interface SerializedMetric {
  module: string;
  class_name: string;
  config: Record<string, unknown>;
  registered_name: string | null;
}

export abstract class Metric {
  /** Keras's class name (`class_name` in serialized configs). */
  abstract readonly className: string;
  /** The name logs use; compile() renames a metric given as a string to that string, as Keras does. */
  name: string;
  /** Metric variables are float32 in Keras 3 whatever the model's dtype (floatx). */
  readonly dtype = 'float32';
  /** 'up' when larger is better (EarlyStopping / ReduceLROnPlateau mode 'auto'), 'down' for errors. */
  readonly direction: Direction | undefined;

  constructor(name: string, direction: Direction | undefined) {
    this.name = name;
    this.direction = direction;
  }

  abstract updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void;
  abstract result(): number;
  abstract resetState(): void;
  /** A new metric with the same configuration and empty state. */
  abstract clone(): Metric;

  /** Keras get_config (snake_case). */
  getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: this.dtype };
  }

  serialize(): SerializedMetric {
    return { module: 'keras.metrics', class_name: this.className, config: this.getConfig(), registered_name: null };
  }
}

/** The arguments every metric takes: a name, and Keras's metric dtype (float32 only: its variables are float32). */
export function checkMetricBase(where: string, args: { name?: string; dtype?: string }): void {
  checkString(where, 'name', args.name);
  // Keras metric variables are float32; a float64 metric would change no number this library reports.
  if (args.dtype !== undefined && args.dtype !== null && args.dtype !== 'float32') fail(where, `dtype must be 'float32' (Keras's metric variables), got ${String(args.dtype)}`);
}

/** Per-sample metric values (any shape whose leading axis is the batch), as Keras's metric functions return. */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Values;

/**
 * keras.metrics.MeanMetricWrapper: result = Σ values·w / Σ w over everything seen since the last reset, where
 * w combines the sample weights and the Keras mask of y_pred (masked steps get w = 0).
 */
export class MeanMetricWrapper extends Metric {
  private total = 0;
  private count = 0;
  constructor(
    readonly className: string,
    name: string,
    readonly fn: MetricFn,
    direction: Direction | undefined,
    /** Extra get_config entries (Keras's fn kwargs such as threshold, k). */
    private readonly extraConfig: Record<string, unknown> = {},
  ) {
    super(name, direction);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor | null = null): void {
    const where = `metric ${this.name}`;
    const v = noGrad(() => this.fn(yTrue, yPred));
    const sw = maskWeights(where, sampleWeight === null ? null : values(sampleWeight), getKerasMask(yPred));
    const { total, count } = meanUpdate(where, v, sw);
    this.total += total;
    this.count += count;
  }

  /** Keras Mean.result: divide_no_nan(total, count). */
  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  resetState(): void {
    this.total = 0;
    this.count = 0;
  }

  clone(): MeanMetricWrapper {
    const m = new MeanMetricWrapper(this.className, this.name, this.fn, this.direction, this.extraConfig);
    return m;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...this.extraConfig };
  }
}
