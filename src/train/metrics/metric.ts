// Stateful metrics as fit/evaluate use them: Keras's MeanMetricWrapper — result = Σ(values·w) / Σw over
// every per-row value seen since the last reset (rows masked out by the output's Keras mask get w = 0).
import type { Tensor } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import * as fns from './functions.js';

export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Float64Array;

export class MeanMetric {
  private total = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly fn: MetricFn,
    /** 'up' for accuracies (EarlyStopping maximises them), 'down' for errors. */
    readonly direction: 'up' | 'down',
  ) {}

  update(yTrue: Tensor, yPred: Tensor, mask?: Tensor | null): void {
    const v = this.fn(yTrue, yPred);
    if (mask && mask.size !== v.length) fail(`metric ${this.name}`, `mask has ${mask.size} entries for ${v.length} values`);
    for (let i = 0; i < v.length; i++) {
      const w = mask ? (mask.data[i] !== 0 ? 1 : 0) : 1;
      this.total += v[i] * w;
      this.count += w;
    }
  }

  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  reset(): void {
    this.total = 0;
    this.count = 0;
  }
}

export type MetricIdentifier = 'accuracy' | 'acc' | 'binary_accuracy' | 'categorical_accuracy' | 'sparse_categorical_accuracy' |
  'mae' | 'mean_absolute_error' | 'mse' | 'mean_squared_error';

/**
 * Keras compile_utils.get_metric: 'accuracy'/'acc' picks binary (y_pred's last dim is 1), sparse categorical
 * (y_true has lower rank, or last dim 1 while y_pred's is > 1) or categorical accuracy from the shapes; the
 * reported name is the string given.
 */
export function resolveMetric(id: string, yTrueShape: readonly number[], yPredShape: readonly number[]): MeanMetric {
  switch (id) {
    case 'accuracy':
    case 'acc': {
      const pLast = yPredShape[yPredShape.length - 1];
      const tLast = yTrueShape[yTrueShape.length - 1];
      if (pLast === 1) return new MeanMetric(id, (t, p) => fns.binaryAccuracy(t, p), 'up');
      if (yTrueShape.length < yPredShape.length || (tLast === 1 && pLast > 1)) return new MeanMetric(id, fns.sparseCategoricalAccuracy, 'up');
      return new MeanMetric(id, fns.categoricalAccuracy, 'up');
    }
    case 'binary_accuracy': return new MeanMetric(id, (t, p) => fns.binaryAccuracy(t, p), 'up');
    case 'categorical_accuracy': return new MeanMetric(id, fns.categoricalAccuracy, 'up');
    case 'sparse_categorical_accuracy': return new MeanMetric(id, fns.sparseCategoricalAccuracy, 'up');
    case 'mae':
    case 'mean_absolute_error': return new MeanMetric(id, fns.meanAbsoluteError, 'down');
    case 'mse':
    case 'mean_squared_error': return new MeanMetric(id, fns.meanSquaredError, 'down');
    default:
      return fail('metrics', `unknown metric '${id}'; known: accuracy, acc, binary_accuracy, categorical_accuracy, ` +
        'sparse_categorical_accuracy, mae, mean_absolute_error, mse, mean_squared_error');
  }
}

// Keras metric classes whose serialized form (compile(metrics=[keras.metrics.MeanAbsoluteError()]) puts a dict
// in compile_config) maps to one of the metric names above. Keras's `Accuracy` class is exact-match accuracy, not
// the shape-resolved 'accuracy' string, so it is not in the list.
const METRIC_CLASSES: Record<string, MetricIdentifier> = {
  BinaryAccuracy: 'binary_accuracy', CategoricalAccuracy: 'categorical_accuracy',
  SparseCategoricalAccuracy: 'sparse_categorical_accuracy', MeanAbsoluteError: 'mean_absolute_error',
  MeanSquaredError: 'mean_squared_error',
};

/** A compile_config metric entry (a name, or a serialized Keras metric object) → the metric name lstm-ts computes. */
export function idFromConfig(m: unknown): string {
  if (typeof m === 'string') return m;
  const cls = (m as Record<string, unknown> | null)?.class_name;
  if (typeof cls === 'string' && METRIC_CLASSES[cls]) return METRIC_CLASSES[cls];
  return fail('loadModel', `compile_config metric ${JSON.stringify(typeof cls === 'string' ? cls : m)} is not supported ` +
    `(metric classes: ${Object.keys(METRIC_CLASSES).join(', ')}, or the metric names); load with { compile: false } and call compile() yourself`);
}
