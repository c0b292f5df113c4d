// lt.keras.metrics: Keras 3's metric classes (stateful: updateState / result / resetState), the per-row
// functions of the accuracy and regression metrics, and how compile() resolves metric identifiers.
export { binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, meanAbsoluteError, meanSquaredError } from './functions.js';
export { Metric, MeanMetricWrapper, type MetricFn, type SerializedMetric, type Direction } from './metric.js';
export {
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
  MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
  CosineSimilarity, LogCoshError, KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
  Hinge, SquaredHinge, CategoricalHinge,
  type BinaryAccuracyArgs, type TopKArgs, type SparseTopKArgs, type CrossentropyMetricArgs,
} from './classes.js';
export { AUC, Precision, Recall, TruePositives, FalsePositives, TrueNegatives, FalseNegatives, type AUCArgs, type PrecisionRecallArgs, type ThresholdCountArgs } from './confusion.js';
export { get, fromConfig, resolveMetric, idFromConfig, type MetricIdentifier } from './registry.js';
export { toSnakeCase } from '../../keras/engine/serialization.js';
export { type MetricSpec } from './compiled.js';
export type { NameArgs, CategoricalCrossentropyMetricArgs, SparseCategoricalCrossentropyMetricArgs } from './classes.js';
export type { Values } from './values.js';
