// Metric identifiers as Keras 3 resolves them (keras/src/metrics/__init__.py get, and
// trainers/compile_utils.get_metric): a class name ('AUC'), its snake_case ('auc'), an alias ('mse', 'MAE'),
// a serialized metric ({ class_name, config }) or a Metric object. 'accuracy'/'acc' pick binary, sparse
// categorical or categorical accuracy from the shapes. A metric given as a string is renamed to that string
// (compile(metrics=['AUC']) logs 'AUC'); an object keeps its own name.
import { fail } from '../../tensor/shape.js';
import { camelCase, describeValue, didYouMean } from '../../util/options.js';
import { Metric, type SerializedMetric } from './metric.js';
import { toSnakeCase } from '../../keras/engine/serialization.js';
import * as C from './classes.js';
import * as K from './confusion.js';

export type MetricIdentifier = string | Metric | SerializedMetric;

type Ctor = new (args?: never) => Metric;
const CLASSES: Record<string, Ctor> = {
  Accuracy: C.Accuracy, BinaryAccuracy: C.BinaryAccuracy, CategoricalAccuracy: C.CategoricalAccuracy,
  SparseCategoricalAccuracy: C.SparseCategoricalAccuracy, TopKCategoricalAccuracy: C.TopKCategoricalAccuracy,
  SparseTopKCategoricalAccuracy: C.SparseTopKCategoricalAccuracy,
  MeanSquaredError: C.MeanSquaredError, RootMeanSquaredError: C.RootMeanSquaredError, MeanAbsoluteError: C.MeanAbsoluteError,
  MeanAbsolutePercentageError: C.MeanAbsolutePercentageError, MeanSquaredLogarithmicError: C.MeanSquaredLogarithmicError,
  CosineSimilarity: C.CosineSimilarity, LogCoshError: C.LogCoshError,
  KLDivergence: C.KLDivergence, Poisson: C.Poisson, BinaryCrossentropy: C.BinaryCrossentropy,
  CategoricalCrossentropy: C.CategoricalCrossentropy, SparseCategoricalCrossentropy: C.SparseCategoricalCrossentropy,
  Hinge: C.Hinge, SquaredHinge: C.SquaredHinge, CategoricalHinge: C.CategoricalHinge,
  AUC: K.AUC, Precision: K.Precision, Recall: K.Recall,
  TruePositives: K.TruePositives, FalsePositives: K.FalsePositives, TrueNegatives: K.TrueNegatives, FalseNegatives: K.FalseNegatives,
};

/** Keras metric classes not implemented here, named so that loading a model that uses one says so. */
const NOT_YET = ['R2Score', 'PrecisionAtRecall', 'RecallAtPrecision', 'SensitivityAtSpecificity', 'SpecificityAtSensitivity',
  'ConcordanceCorrelation', 'PearsonCorrelation', 'F1Score', 'FBetaScore', 'IoU', 'BinaryIoU', 'MeanIoU', 'OneHotIoU', 'OneHotMeanIoU',
  'Mean', 'Sum', 'MeanMetricWrapper'];

const ALIASES: Record<string, string> = {
  bce: 'BinaryCrossentropy', BCE: 'BinaryCrossentropy', mse: 'MeanSquaredError', MSE: 'MeanSquaredError',
  mae: 'MeanAbsoluteError', MAE: 'MeanAbsoluteError', mape: 'MeanAbsolutePercentageError', MAPE: 'MeanAbsolutePercentageError',
  msle: 'MeanSquaredLogarithmicError', MSLE: 'MeanSquaredLogarithmicError',
};

/** Every string Keras's ALL_OBJECTS_DICT accepts that we implement → class name. */
const BY_STRING: Record<string, string> = (() => {
  const m: Record<string, string> = {};
  for (const k of Object.keys(CLASSES)) {
    m[k] = k;
    m[toSnakeCase(k)] = k;
  }
  return { ...m, ...ALIASES };
})();
const NOT_YET_STRINGS = new Set(NOT_YET.flatMap((k) => [k, toSnakeCase(k)]));

/** The Metric a string or serialized config names (default configuration for a string), as keras.metrics.get. */
export function get(id: MetricIdentifier): Metric {
  if (id instanceof Metric) return id;
  if (typeof id === 'string') {
    // tfjs's camelCase spellings ('meanSquaredError', 'binaryAccuracy', 'topKCategoricalAccuracy') and its
    // 'cosineProximity' (tfjs-layers src/metrics.ts) name the same classes.
    const cls = BY_STRING[id] ?? (id === 'cosineProximity' ? 'CosineSimilarity' : BY_STRING[id.charAt(0).toUpperCase() + id.slice(1)]);
    if (cls === undefined) {
      if (NOT_YET_STRINGS.has(id)) fail('metrics', `Keras metric '${id}' is not implemented in lstm-ts yet`);
      const hint = didYouMean(id, Object.keys(BY_STRING));
      fail('metrics', `unknown metric '${id}'${hint ? `; did you mean '${hint}'?` : ''} (known: accuracy, acc, ${Object.keys(BY_STRING).join(', ')})`);
    }
    return new CLASSES[cls]();
  }
  if (id !== null && typeof id === 'object' && typeof (id as SerializedMetric).class_name === 'string') return fromConfig(id as SerializedMetric);
  return fail('metrics', `a metric must be a name, a Metric object or a serialized metric { class_name, config }, got ${describeValue(id)}`);
}

/** A serialized Keras metric ({ class_name, config }) → the Metric, its snake_case config keys read as our camelCase options. */
export function fromConfig(s: SerializedMetric): Metric {
  const cls = CLASSES[s.class_name];
  if (cls === undefined) {
    if (NOT_YET.includes(s.class_name)) fail('metrics', `Keras metric class '${s.class_name}' is not implemented in lstm-ts yet`);
    fail('metrics', `unknown Keras metric class '${s.class_name}' (known: ${Object.keys(CLASSES).join(', ')})`);
  }
  const args: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s.config ?? {})) {
    // Keras writes defaults for options that have no counterpart here only when they are at their defaults.
    if (k === 'dtype' && (v === null || v === 'float32' || (typeof v === 'object' && (v as { config?: { name?: string } }).config?.name === 'float32'))) continue;
    if (k === 'ignore_class' && v === null) continue;
    args[camelCase(k)] = v;
  }
  return new (cls as unknown as new (a: Record<string, unknown>) => Metric)(args);
}

/**
 * Keras compile_utils.get_metric: resolves one compiled metric against the first batch's y_true / y_pred
 * shapes. Strings name the metric as given; objects are used as they are (their own state, as in Keras).
 */
export function resolveMetric(id: MetricIdentifier, yTrueShape: readonly number[], yPredShape: readonly number[]): Metric {
  if (typeof id === 'string' && (id.toLowerCase() === 'accuracy' || id.toLowerCase() === 'acc')) {
    const pLast = yPredShape[yPredShape.length - 1];
    const tLast = yTrueShape[yTrueShape.length - 1];
    const m = pLast === 1 ? new C.BinaryAccuracy({ name: id })
      : yTrueShape.length < yPredShape.length || (tLast === 1 && pLast > 1) ? new C.SparseCategoricalAccuracy({ name: id })
        : new C.CategoricalAccuracy({ name: id });
    return m;
  }
  const m = get(id);
  if (typeof id === 'string') m.name = id;
  return m;
}

/** A compile_config metric entry (a name or a serialized Keras metric) → what compile() takes. */
export function idFromConfig(m: unknown): MetricIdentifier {
  if (typeof m === 'string') {
    if (m.toLowerCase() !== 'accuracy' && m.toLowerCase() !== 'acc') get(m);  // fail now on an unknown name
    return m;
  }
  if (m !== null && typeof m === 'object' && typeof (m as SerializedMetric).class_name === 'string') return fromConfig(m as SerializedMetric);
  return fail('loadModel', `compile_config metric ${describeValue(m)} is not a metric name or a serialized metric`);
}

/** How a compiled metric is written back into compile_config: the string as given, or the serialized object. */
export function serializeId(id: MetricIdentifier): unknown {
  return id instanceof Metric ? id.serialize() : id;
}
