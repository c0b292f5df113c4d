// Keras 3's mean-of-per-sample metrics (keras/src/metrics/accuracy_metrics.py, regression_metrics.py,
// probabilistic_metrics.py, hinge_metrics.py). Each metric function returns Keras's per-sample shape: the
// accuracies element-wise (accuracy, binary_accuracy) or per row (categorical, sparse, top-k); the loss-based
// ones per row (the losses of src/train/losses, run without autograd). MeanMetricWrapper then weights them.
import type { Tensor } from '../../tensor/tensor.js';
import { fail, shapeStr, sameShape } from '../../tensor/shape.js';
import { checkOptions, checkNumber, checkBoolean, optionKeys } from '../../util/options.js';
import * as L from '../losses/functions.js';
import * as M from '../losses/more.js';
import { MeanMetricWrapper, checkMetricBase, type Direction, type MetricFn } from './metric.js';
import { squeezeOrExpand, values, type Values } from './values.js';
import { argmaxRow } from './functions.js';

/** y_true and y_pred after Keras's squeeze_or_expand_to_same_rank; they must then have the same shape. */
function aligned(op: string, yTrue: Tensor, yPred: Tensor): { t: Float64Array | Float32Array; p: Float64Array | Float32Array; shape: number[] } {
  const [ts, ps] = squeezeOrExpand(yTrue.shape, yPred.shape);
  if (!sameShape(ts, ps)) fail(op, `y_true ${shapeStr(yTrue.shape)} and y_pred ${shapeStr(yPred.shape)} must have the same shape (or differ by a trailing 1)`);
  return { t: yTrue.data, p: yPred.data, shape: ps };
}

/** TF in_top_k: the target is in the top k when fewer than k classes score strictly higher (ties all count). */
function inTopK(p: ArrayLike<number>, c0: number, C: number, target: number, k: number): boolean {
  if (!(target >= 0 && target < C) || !Number.isInteger(target)) return false;
  const v = p[c0 + target];
  if (!Number.isFinite(v)) return false;
  let higher = 0;
  for (let j = 0; j < C; j++) {
    if (!Number.isFinite(p[c0 + j])) return false;  // TF: a non-finite prediction in the row → false
    if (p[c0 + j] > v) higher++;
  }
  return higher < k;
}

export const fns = {
  accuracy(yTrue: Tensor, yPred: Tensor): Values {
    const { t, p, shape } = aligned('accuracy', yTrue, yPred);
    return { data: Float64Array.from(p, (x, i) => (x === t[i] ? 1 : 0)), shape };
  },
  binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Values {
    const { t, p, shape } = aligned('binary_accuracy', yTrue, yPred);
    return { data: Float64Array.from(p, (x, i) => ((x > threshold ? 1 : 0) === t[i] ? 1 : 0)), shape };
  },
  categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Values {
    if (!sameShape(yTrue.shape, yPred.shape)) fail('categorical_accuracy', `y_true ${shapeStr(yTrue.shape)} and y_pred ${shapeStr(yPred.shape)} must have the same shape (one-hot labels)`);
    const C = yPred.shape[yPred.rank - 1];
    const rows = yPred.size / C;
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) out[r] = argmaxRow(yTrue.data, r * C, C) === argmaxRow(yPred.data, r * C, C) ? 1 : 0;
    return { data: out, shape: yPred.shape.slice(0, -1) };
  },
  sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Values {
    const C = yPred.shape[yPred.rank - 1];
    const rows = yPred.size / C;
    if (yTrue.size !== rows) fail('sparse_categorical_accuracy', `y_true ${shapeStr(yTrue.shape)} must hold one class id per row of y_pred ${shapeStr(yPred.shape)}`);
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) out[r] = yTrue.data[r] === argmaxRow(yPred.data, r * C, C) ? 1 : 0;
    return { data: out, shape: yPred.shape.slice(0, -1) };
  },
  topKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, k = 5): Values {
    if (!sameShape(yTrue.shape, yPred.shape)) fail('top_k_categorical_accuracy', `y_true ${shapeStr(yTrue.shape)} and y_pred ${shapeStr(yPred.shape)} must have the same shape (one-hot labels)`);
    const C = yPred.shape[yPred.rank - 1];
    const rows = yPred.size / C;
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) out[r] = inTopK(yPred.data, r * C, C, argmaxRow(yTrue.data, r * C, C), k) ? 1 : 0;
    return { data: out, shape: yPred.shape.slice(0, -1) };
  },
  sparseTopKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, k = 5, fromSortedIds = false): Values {
    const C = yPred.shape[yPred.rank - 1];
    const rows = yPred.size / C;
    if (yTrue.size !== rows) fail('sparse_top_k_categorical_accuracy', `y_true ${shapeStr(yTrue.shape)} must hold one class id per row of y_pred ${shapeStr(yPred.shape)}`);
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      if (fromSortedIds) {
        let hit = false;
        for (let j = 0; j < Math.min(k, C); j++) hit ||= yPred.data[r * C + j] === yTrue.data[r];
        out[r] = hit ? 1 : 0;
      } else {
        // Keras casts y_true to int32 first (truncation toward zero).
        out[r] = inTopK(yPred.data, r * C, C, Math.trunc(yTrue.data[r]), k) ? 1 : 0;
      }
    }
    // Keras reshapes the matches to y_true's shape, then squeezes a trailing 1.
    const s = yTrue.rank > 1 && yTrue.shape[yTrue.rank - 1] === 1 ? yTrue.shape.slice(0, -1) : [...yTrue.shape];
    return { data: out, shape: s };
  },
  squaredError(yTrue: Tensor, yPred: Tensor): Values {
    const { t, p, shape } = aligned('root_mean_squared_error', yTrue, yPred);
    return { data: Float64Array.from(p, (x, i) => (x - t[i]) ** 2), shape };
  },
};

/** A loss function (per row) as a metric function. */
const fromLoss = (f: (t: Tensor, p: Tensor) => Tensor, sign = 1): MetricFn => (t, p) => {
  const v = values(f(t, p));
  if (sign !== 1) v.data = v.data.map((x) => sign * x);
  return v;
};

export interface NameArgs {
  name?: string;
  dtype?: string;
}
const NAME_KEYS = optionKeys<NameArgs>({ name: true, dtype: true });

function checkName(cls: string, args: NameArgs, keys: readonly string[] = NAME_KEYS): void {
  checkOptions(cls, args, keys);
  checkMetricBase(cls, args);
}

/** A MeanMetricWrapper subclass with no options beyond name and dtype. */
function simple(className: string, defaultName: string, fn: MetricFn, direction: Direction | undefined): new (args?: NameArgs) => MeanMetricWrapper {
  const C = class extends MeanMetricWrapper {
    constructor(args: NameArgs = {}) {
      checkName(className, args);
      super(className, args.name ?? defaultName, fn, direction);
    }

    override clone(): MeanMetricWrapper {
      return new C({ name: this.name });
    }
  };
  Object.defineProperty(C, 'name', { value: className });
  return C;
}

export const Accuracy = simple('Accuracy', 'accuracy', fns.accuracy, 'up');
export const CategoricalAccuracy = simple('CategoricalAccuracy', 'categorical_accuracy', fns.categoricalAccuracy, 'up');
export const SparseCategoricalAccuracy = simple('SparseCategoricalAccuracy', 'sparse_categorical_accuracy', fns.sparseCategoricalAccuracy, 'up');
export const MeanSquaredError = simple('MeanSquaredError', 'mean_squared_error', fromLoss(L.meanSquaredError), 'down');
export const MeanAbsoluteError = simple('MeanAbsoluteError', 'mean_absolute_error', fromLoss(L.meanAbsoluteError), 'down');
export const MeanAbsolutePercentageError = simple('MeanAbsolutePercentageError', 'mean_absolute_percentage_error', fromLoss(M.meanAbsolutePercentageError), 'down');
export const MeanSquaredLogarithmicError = simple('MeanSquaredLogarithmicError', 'mean_squared_logarithmic_error', fromLoss(M.meanSquaredLogarithmicError), 'down');
export const LogCoshError = simple('LogCoshError', 'logcosh', fromLoss(M.logCosh), 'down');
// The loss is −Σ t̂·p̂ (losses.cosine_similarity); the metric (regression_metrics.cosine_similarity) is +Σ t̂·p̂.
export const CosineSimilarity = simple('CosineSimilarity', 'cosine_similarity', fromLoss(M.cosineSimilarity, -1), 'up');
export const KLDivergence = simple('KLDivergence', 'kl_divergence', fromLoss(M.klDivergence), 'down');
export const Poisson = simple('Poisson', 'poisson', fromLoss(M.poisson), 'down');
export const Hinge = simple('Hinge', 'hinge', fromLoss(M.hinge), 'down');
export const SquaredHinge = simple('SquaredHinge', 'squared_hinge', fromLoss(M.squaredHinge), 'down');
export const CategoricalHinge = simple('CategoricalHinge', 'categorical_hinge', fromLoss(M.categoricalHinge), 'down');

export interface BinaryAccuracyArgs extends NameArgs {
  threshold?: number;
}
export class BinaryAccuracy extends MeanMetricWrapper {
  readonly threshold: number;
  constructor(args: BinaryAccuracyArgs = {}) {
    checkName('BinaryAccuracy', args, optionKeys<BinaryAccuracyArgs>({ name: true, dtype: true, threshold: true }));
    const threshold = checkNumber('BinaryAccuracy', 'threshold', args.threshold) ?? 0.5;
    super('BinaryAccuracy', args.name ?? 'binary_accuracy', (t, p) => fns.binaryAccuracy(t, p, threshold), 'up', { threshold });
    this.threshold = threshold;
  }

  override clone(): BinaryAccuracy {
    return new BinaryAccuracy({ name: this.name, threshold: this.threshold });
  }
}

export interface TopKArgs extends NameArgs {
  k?: number;
}
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number;
  constructor(args: TopKArgs = {}) {
    checkName('TopKCategoricalAccuracy', args, optionKeys<TopKArgs>({ name: true, dtype: true, k: true }));
    const k = checkNumber('TopKCategoricalAccuracy', 'k', args.k, { integer: true, min: 1 }) ?? 5;
    super('TopKCategoricalAccuracy', args.name ?? 'top_k_categorical_accuracy', (t, p) => fns.topKCategoricalAccuracy(t, p, k), 'up', { k });
    this.k = k;
  }

  override clone(): TopKCategoricalAccuracy {
    return new TopKCategoricalAccuracy({ name: this.name, k: this.k });
  }
}

export interface SparseTopKArgs extends TopKArgs {
  /** y_pred holds class ids sorted by score (Keras `from_sorted_ids`), not scores. */
  fromSortedIds?: boolean;
}
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  readonly k: number;
  readonly fromSortedIds: boolean;
  constructor(args: SparseTopKArgs = {}) {
    const W = 'SparseTopKCategoricalAccuracy';
    checkName(W, args, optionKeys<SparseTopKArgs>({ name: true, dtype: true, k: true, fromSortedIds: true }));
    const k = checkNumber(W, 'k', args.k, { integer: true, min: 1 }) ?? 5;
    const s = checkBoolean(W, 'fromSortedIds', args.fromSortedIds) ?? false;
    super(W, args.name ?? 'sparse_top_k_categorical_accuracy', (t, p) => fns.sparseTopKCategoricalAccuracy(t, p, k, s), 'up',
      s ? { k, from_sorted_ids: true } : { k });
    this.k = k;
    this.fromSortedIds = s;
  }

  override clone(): SparseTopKCategoricalAccuracy {
    return new SparseTopKCategoricalAccuracy({ name: this.name, k: this.k, fromSortedIds: this.fromSortedIds });
  }
}

/** keras.metrics.RootMeanSquaredError: Mean of the element-wise squared error, then √. */
export class RootMeanSquaredError extends MeanMetricWrapper {
  constructor(args: NameArgs = {}) {
    checkName('RootMeanSquaredError', args);
    super('RootMeanSquaredError', args.name ?? 'root_mean_squared_error', fns.squaredError, 'down');
  }

  override result(): number {
    return Math.sqrt(super.result());
  }

  override clone(): RootMeanSquaredError {
    return new RootMeanSquaredError({ name: this.name });
  }
}

export interface CrossentropyMetricArgs extends NameArgs {
  fromLogits?: boolean;
  labelSmoothing?: number;
}
export class BinaryCrossentropy extends MeanMetricWrapper {
  constructor(readonly args: CrossentropyMetricArgs = {}) {
    const W = 'BinaryCrossentropy';
    checkName(W, args, optionKeys<CrossentropyMetricArgs>({ name: true, dtype: true, fromLogits: true, labelSmoothing: true }));
    const fromLogits = checkBoolean(W, 'fromLogits', args.fromLogits) ?? false;
    const labelSmoothing = checkNumber(W, 'labelSmoothing', args.labelSmoothing) ?? 0;
    super(W, args.name ?? 'binary_crossentropy', fromLoss((t, p) => L.binaryCrossentropy(t, p, { fromLogits, labelSmoothing })), 'down',
      { from_logits: fromLogits, label_smoothing: labelSmoothing });
  }

  override clone(): BinaryCrossentropy {
    return new BinaryCrossentropy({ ...this.args, name: this.name });
  }
}

export interface CategoricalCrossentropyMetricArgs extends CrossentropyMetricArgs {
  axis?: number;
}
export class CategoricalCrossentropy extends MeanMetricWrapper {
  constructor(readonly args: CategoricalCrossentropyMetricArgs = {}) {
    const W = 'CategoricalCrossentropy';
    checkName(W, args, optionKeys<CategoricalCrossentropyMetricArgs>({ name: true, dtype: true, fromLogits: true, labelSmoothing: true, axis: true }));
    const fromLogits = checkBoolean(W, 'fromLogits', args.fromLogits) ?? false;
    const labelSmoothing = checkNumber(W, 'labelSmoothing', args.labelSmoothing) ?? 0;
    if (args.axis !== undefined && args.axis !== -1) fail(W, `only axis -1 (the class axis last) is supported, got ${args.axis}`);
    super(W, args.name ?? 'categorical_crossentropy', fromLoss((t, p) => L.categoricalCrossentropy(t, p, { fromLogits, labelSmoothing })), 'down',
      { from_logits: fromLogits, label_smoothing: labelSmoothing, axis: -1 });
  }

  override clone(): CategoricalCrossentropy {
    return new CategoricalCrossentropy({ ...this.args, name: this.name });
  }
}

export interface SparseCategoricalCrossentropyMetricArgs extends NameArgs {
  fromLogits?: boolean;
  axis?: number;
  ignoreClass?: null;
}
export class SparseCategoricalCrossentropy extends MeanMetricWrapper {
  constructor(readonly args: SparseCategoricalCrossentropyMetricArgs = {}) {
    const W = 'SparseCategoricalCrossentropy';
    checkName(W, args, optionKeys<SparseCategoricalCrossentropyMetricArgs>({ name: true, dtype: true, fromLogits: true, axis: true, ignoreClass: true }));
    const fromLogits = checkBoolean(W, 'fromLogits', args.fromLogits) ?? false;
    if (args.axis !== undefined && args.axis !== -1) fail(W, `only axis -1 (the class axis last) is supported, got ${args.axis}`);
    if (args.ignoreClass !== undefined && args.ignoreClass !== null) fail(W, `ignoreClass is not supported yet, got ${String(args.ignoreClass)}`);
    super(W, args.name ?? 'sparse_categorical_crossentropy', fromLoss((t, p) => L.sparseCategoricalCrossentropy(t, p, { fromLogits })), 'down',
      { from_logits: fromLogits, ignore_class: null, axis: -1 });
  }

  override clone(): SparseCategoricalCrossentropy {
    return new SparseCategoricalCrossentropy({ ...this.args, name: this.name });
  }
}
