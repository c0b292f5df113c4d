// lt.keras.metrics: accuracy variants and regression errors (per-row functions + the averaging wrapper).
export { binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, meanAbsoluteError, meanSquaredError } from './functions.js';
export { MeanMetric, resolveMetric, idFromConfig, type MetricFn, type MetricIdentifier } from './metric.js';
