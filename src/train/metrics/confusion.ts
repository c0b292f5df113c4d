// Confusion-matrix metrics of Keras 3 (keras/src/metrics/confusion_metrics.py): TruePositives … FalseNegatives,
// Precision, Recall and AUC, all built on metrics_utils.update_confusion_matrix_variables:
//   for every threshold θ and every value:  tp += w·[label ∧ p > θ],  fp += w·[¬label ∧ p > θ],
//                                           fn += w·[label ∧ p ≤ θ],  tn += w·[¬label ∧ p ≤ θ]
// with p and θ in float32 (the metric's variables' dtype), labels y ≠ 0, and w the sample weight broadcast to
// y_pred (Keras: expand_dims(sw, −1), then squeeze_or_expand against y_true without expanding rank 1).
// When the thresholds are evenly spaced over [0, 1] (AUC's default 200, or ≥ 3 such thresholds), Keras takes
// its bucketed route (_update_confusion_matrix_variables_optimized): p is clipped to [0, 1], falls into bucket
// ceil(p·(n−1)) − 1 (ReLU'd when the thresholds carry AUC's ±ε ends; negative buckets are dropped) and counts
// as positive for every threshold up to its bucket. We take the same route, so values at a threshold compare
// exactly as Keras's do.
// Keras does not apply the Keras mask of y_pred in these metrics (only MeanMetricWrapper does); nor do we.
import type { Tensor } from '../../tensor/tensor.js';
import { fail, shapeStr } from '../../tensor/shape.js';
import { checkOptions, checkNumber, checkBoolean, checkChoice, optionKeys, describeValue } from '../../util/options.js';
import { Metric, checkMetricBase } from './metric.js';
import { squeezeOrExpand, broadcastTo } from './values.js';

const EPSILON = 1e-7;  // backend.epsilon()
const NEG_INF = -1e10;  // metrics_utils.NEG_INF
const f32 = Math.fround;

/** Which counts an update adds to; each is [numThresholds] or [numThresholds, numLabels] (multi-label). */
interface Counts {
  tp?: Float64Array;
  fp?: Float64Array;
  tn?: Float64Array;
  fn?: Float64Array;
}

interface UpdateOptions {
  thresholds: number[];
  evenly: boolean;
  topK?: number | null;
  classId?: number | null;
  multiLabel?: boolean;
  labelWeights?: number[] | null;
}

/** metrics_utils.is_evenly_distributed_thresholds: ≥ 3 thresholds, allclose(θ, arange(n)/(n−1), atol=ε). */
export function evenlyDistributed(thresholds: readonly number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  // np.allclose: |a − b| ≤ atol + rtol·|b| with rtol 1e-5; b = float32(i)/float32(n−1).
  return thresholds.every((t, i) => Math.abs(t - f32(f32(i) / f32(n - 1))) <= EPSILON + 1e-5 * Math.abs(f32(f32(i) / f32(n - 1))));
}

/** ops.top_k then one-hot: keep the k largest of each last-axis row (ties: lower index first), the rest NEG_INF. */
function filterTopK(p: Float64Array, C: number, k: number): void {
  const rows = p.length / C;
  const idx = Array.from({ length: C }, (_, j) => j);
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    const order = [...idx].sort((a, b) => (p[o + b] - p[o + a]) || a - b);
    const keep = new Set(order.slice(0, k));
    for (let j = 0; j < C; j++) if (!keep.has(j)) p[o + j] = f32(NEG_INF);
  }
}

/** metrics_utils.update_confusion_matrix_variables (and its bucketed twin), in float64 accumulators. */
type Arr = { readonly data: ArrayLike<number>; readonly shape: readonly number[] };

export function updateConfusion(where: string, counts: Counts, yTrue: Arr, yPred: Arr, sampleWeight: Arr | null, o: UpdateOptions): void {
  const [ps0, ts] = squeezeOrExpand(yPred.shape, yTrue.shape);
  if (ps0.length !== ts.length || ps0.some((d, i) => d !== ts[i])) {
    fail(where, `y_true ${shapeStr(yTrue.shape)} and y_pred ${shapeStr(yPred.shape)} must have the same shape (or differ by a trailing 1)`);
  }
  let shape = ps0;
  let p = Float64Array.from(yPred.data, (x) => f32(x));
  let t = Float64Array.from(yTrue.data, (x) => (f32(x) !== 0 ? 1 : 0));
  let w: Float64Array | null = null;
  let wShape: number[] = [];
  if (sampleWeight !== null) {
    const [, s] = squeezeOrExpand(ts, [...sampleWeight.shape, 1], false);
    wShape = s;
  }
  if (o.topK !== null && o.topK !== undefined) filterTopK(p, shape[shape.length - 1] ?? 1, o.topK);
  if (o.classId !== null && o.classId !== undefined) {
    if (shape.length === 1) fail(where, `when classId is given, y_pred must be 2D (num_samples, num_classes), found shape ${shapeStr(yPred.shape)}`);
    const C = shape[shape.length - 1];
    if (o.classId < 0 || o.classId >= C) fail(where, `classId ${o.classId} is out of range for ${C} classes`);
    const rows = p.length / C;
    p = Float64Array.from({ length: rows }, (_, r) => p[r * C + o.classId!]);
    t = Float64Array.from({ length: rows }, (_, r) => t[r * C + o.classId!]);
    shape = [...shape.slice(0, -1), 1];
  }
  if (sampleWeight !== null) w = broadcastTo(where, { data: Float64Array.from(sampleWeight.data, (x) => f32(x)), shape: wShape }, shape).data;
  const multi = o.multiLabel === true;
  const L = multi ? shape[shape.length - 1] : 1;
  if (multi && shape.length !== 2) fail(where, `y_pred must have rank 2 when multiLabel is true, got ${shapeStr(yPred.shape)}`);
  if (o.labelWeights && !multi) {
    const lw = broadcastTo(where, { data: Float64Array.from(o.labelWeights, (x) => f32(x)), shape: [1, o.labelWeights.length] }, shape).data;
    w = w === null ? lw : w.map((x, i) => x * lw[i]);
  }
  const n = o.thresholds.length;
  const thr = o.thresholds.map(f32);
  const withEps = o.evenly && (o.thresholds[0] < 0 || o.thresholds[n - 1] > 1);
  const nm1 = f32(n - 1);
  const totalTrue = new Float64Array(L);
  const totalFalse = new Float64Array(L);
  const tpAdd = new Float64Array(n * L);
  const fpAdd = new Float64Array(n * L);
  for (let i = 0; i < p.length; i++) {
    const lab = i % L;
    const wi = w === null ? 1 : w[i];
    const pos = t[i] !== 0;
    if (pos) totalTrue[lab] += wi; else totalFalse[lab] += wi;
    // hi: the last threshold index this value is positive for (−1: none).
    let hi: number;
    if (o.evenly) {
      const pc = Math.min(1, Math.max(0, p[i]));
      hi = Math.ceil(f32(pc * nm1)) - 1;
      if (withEps) hi = Math.max(0, hi);
      for (let k = 0; k <= hi && k < n; k++) (pos ? tpAdd : fpAdd)[k * L + lab] += wi;
    } else {
      for (let k = 0; k < n; k++) if (p[i] > thr[k]) (pos ? tpAdd : fpAdd)[k * L + lab] += wi;
    }
  }
  for (let k = 0; k < n; k++) {
    for (let l = 0; l < L; l++) {
      const j = k * L + l;
      if (counts.tp) counts.tp[j] += tpAdd[j];
      if (counts.fp) counts.fp[j] += fpAdd[j];
      if (counts.tn) counts.tn[j] += totalFalse[l] - fpAdd[j];
      if (counts.fn) counts.fn[j] += totalTrue[l] - tpAdd[j];
    }
  }
}

const divNoNan = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Thresholds as Keras parses them (parse_init_thresholds): a number or a list, each in [0, 1]. */
function parseThresholds(where: string, v: unknown, dflt: number): number[] {
  if (v === undefined || v === null) return [dflt];
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? v : fail(where, `thresholds must be a number or an array of numbers in [0, 1], got ${describeValue(v)}`);
  if (list.length === 0 || list.some((x) => typeof x !== 'number' || !(x >= 0 && x <= 1))) {
    fail(where, `threshold values must be in [0, 1], got ${describeValue(v)}`);
  }
  return list as number[];
}

/** One result per threshold; compiled metrics need a single one (logs hold numbers). */
function single(where: string, r: number[]): number {
  if (r.length !== 1) fail(where, `has ${r.length} thresholds, so its result is a list: call results() (fit logs take one number per metric)`);
  return r[0];
}

export interface ThresholdCountArgs {
  thresholds?: number | number[];
  name?: string;
  dtype?: string;
}
const COUNT_KEYS = optionKeys<ThresholdCountArgs>({ thresholds: true, name: true, dtype: true });

type Cond = 'tp' | 'fp' | 'tn' | 'fn';

/** keras _ConfusionMatrixConditionCount: one of the four counts at each threshold (default 0.5). */
abstract class ConditionCount extends Metric {
  readonly thresholds: number[];
  private readonly evenly: boolean;
  private acc: Float64Array;
  protected abstract readonly cond: Cond;

  constructor(className: string, defaultName: string, readonly args: ThresholdCountArgs) {
    checkOptions(className, args, COUNT_KEYS);
    checkMetricBase(className, args);
    super(args.name ?? defaultName, undefined);
    this.thresholds = parseThresholds(className, args.thresholds, 0.5);
    this.evenly = evenlyDistributed(this.thresholds);
    this.acc = new Float64Array(this.thresholds.length);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor | null = null): void {
    updateConfusion(this.className, { [this.cond]: this.acc }, yTrue, yPred, sampleWeight, { thresholds: this.thresholds, evenly: this.evenly });
  }

  results(): number[] {
    return Array.from(this.acc);
  }

  result(): number {
    return single(this.className, this.results());
  }

  resetState(): void {
    this.acc.fill(0);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.args.thresholds ?? null };
  }
}

export class TruePositives extends ConditionCount {
  readonly className = 'TruePositives';
  protected readonly cond = 'tp';
  constructor(args: ThresholdCountArgs = {}) { super('TruePositives', 'true_positives', args); }
  clone(): TruePositives { return new TruePositives({ ...this.args, name: this.name }); }
}
export class FalsePositives extends ConditionCount {
  readonly className = 'FalsePositives';
  protected readonly cond = 'fp';
  constructor(args: ThresholdCountArgs = {}) { super('FalsePositives', 'false_positives', args); }
  clone(): FalsePositives { return new FalsePositives({ ...this.args, name: this.name }); }
}
export class TrueNegatives extends ConditionCount {
  readonly className = 'TrueNegatives';
  protected readonly cond = 'tn';
  constructor(args: ThresholdCountArgs = {}) { super('TrueNegatives', 'true_negatives', args); }
  clone(): TrueNegatives { return new TrueNegatives({ ...this.args, name: this.name }); }
}
export class FalseNegatives extends ConditionCount {
  readonly className = 'FalseNegatives';
  protected readonly cond = 'fn';
  constructor(args: ThresholdCountArgs = {}) { super('FalseNegatives', 'false_negatives', args); }
  clone(): FalseNegatives { return new FalseNegatives({ ...this.args, name: this.name }); }
}

export interface PrecisionRecallArgs extends ThresholdCountArgs {
  /** Only the k highest-scoring classes of each row count as predicted positive (Keras top_k). */
  topK?: number | null;
  /** Restrict to one class (a column of y_true / y_pred), Keras class_id. */
  classId?: number | null;
}
const PR_KEYS = optionKeys<PrecisionRecallArgs>({ thresholds: true, name: true, dtype: true, topK: true, classId: true });

abstract class PrecisionRecallBase extends Metric {
  readonly thresholds: number[];
  readonly topK: number | null;
  readonly classId: number | null;
  private readonly evenly: boolean;
  protected tp: Float64Array;
  protected other: Float64Array;
  protected abstract readonly otherCond: 'fp' | 'fn';

  constructor(className: string, defaultName: string, readonly args: PrecisionRecallArgs) {
    checkOptions(className, args, PR_KEYS);
    checkMetricBase(className, args);
    super(args.name ?? defaultName, 'up');
    this.topK = checkNumber(className, 'topK', args.topK, { integer: true, min: 1, nullable: true }) ?? null;
    this.classId = checkNumber(className, 'classId', args.classId, { integer: true, min: 0, nullable: true }) ?? null;
    // Keras: the default threshold is 0.5, or NEG_INF with top_k (every kept score is positive).
    this.thresholds = parseThresholds(className, args.thresholds, this.topK === null ? 0.5 : NEG_INF);
    this.evenly = evenlyDistributed(this.thresholds);
    this.tp = new Float64Array(this.thresholds.length);
    this.other = new Float64Array(this.thresholds.length);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor | null = null): void {
    updateConfusion(this.className, { tp: this.tp, [this.otherCond]: this.other }, yTrue, yPred, sampleWeight,
      { thresholds: this.thresholds, evenly: this.evenly, topK: this.topK, classId: this.classId });
  }

  /** tp / (tp + fp) for Precision, tp / (tp + fn) for Recall, per threshold (divide_no_nan). */
  results(): number[] {
    return Array.from(this.tp, (x, i) => divNoNan(x, x + this.other[i]));
  }

  result(): number {
    return single(this.className, this.results());
  }

  resetState(): void {
    this.tp.fill(0);
    this.other.fill(0);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.args.thresholds ?? null, top_k: this.topK, class_id: this.classId };
  }
}

/** keras.metrics.Precision: tp / (tp + fp). */
export class Precision extends PrecisionRecallBase {
  readonly className = 'Precision';
  protected readonly otherCond = 'fp';
  constructor(args: PrecisionRecallArgs = {}) { super('Precision', 'precision', args); }
  clone(): Precision { return new Precision({ ...this.args, name: this.name }); }
}

/** keras.metrics.Recall: tp / (tp + fn). */
export class Recall extends PrecisionRecallBase {
  readonly className = 'Recall';
  protected readonly otherCond = 'fn';
  constructor(args: PrecisionRecallArgs = {}) { super('Recall', 'recall', args); }
  clone(): Recall { return new Recall({ ...this.args, name: this.name }); }
}

export interface AUCArgs {
  numThresholds?: number;
  curve?: 'ROC' | 'PR' | 'PRGAIN' | 'roc' | 'pr' | 'prgain';
  summationMethod?: 'interpolation' | 'minoring' | 'majoring' | 'Interpolation' | 'Minoring' | 'Majoring';
  name?: string;
  dtype?: string;
  /** Interior thresholds (Keras adds −ε and 1 + ε); overrides numThresholds. */
  thresholds?: number[] | null;
  multiLabel?: boolean;
  numLabels?: number | null;
  labelWeights?: number[] | null;
  fromLogits?: boolean;
}
const AUC_KEYS = optionKeys<AUCArgs>({
  numThresholds: true, curve: true, summationMethod: true, name: true, dtype: true, thresholds: true, multiLabel: true,
  numLabels: true, labelWeights: true, fromLogits: true,
});

/**
 * keras.metrics.AUC: the four counts at numThresholds thresholds (−ε, 1/(n−1), …, (n−2)/(n−1), 1 + ε), and a
 * Riemann sum over them: ROC (x = fp rate, y = recall), PR (x = recall, y = precision; with 'interpolation'
 * Davis & Goadrich's interpolation of interpolate_pr_auc), PRGAIN; 'minoring'/'majoring' take the lower/upper
 * of the two heights. multiLabel keeps counts per label (the last axis) and averages the AUCs (weighted by
 * labelWeights); otherwise labelWeights weigh the values.
 */
export class AUC extends Metric {
  readonly className = 'AUC';
  readonly numThresholds: number;
  readonly curve: 'ROC' | 'PR' | 'PRGAIN';
  readonly summationMethod: 'interpolation' | 'minoring' | 'majoring';
  readonly multiLabel: boolean;
  readonly numLabels: number | null;
  readonly labelWeights: number[] | null;
  readonly fromLogits: boolean;
  /** All thresholds, the ±ε ends included (Keras `_thresholds`). */
  readonly allThresholds: number[];
  private readonly initThresholds: number[] | null;
  private readonly evenly: boolean;
  private L = 0;
  private tp = new Float64Array(0);
  private fp = new Float64Array(0);
  private tn = new Float64Array(0);
  private fn = new Float64Array(0);

  constructor(readonly args: AUCArgs = {}) {
    const W = 'AUC';
    checkOptions(W, args, AUC_KEYS);
    checkMetricBase(W, args);
    super(args.name ?? 'auc', 'up');
    const curve = checkChoice(W, 'curve', args.curve, ['ROC', 'PR', 'PRGAIN', 'roc', 'pr', 'prgain'] as const) ?? 'ROC';
    this.curve = curve.toUpperCase() as 'ROC' | 'PR' | 'PRGAIN';
    const sm = checkChoice(W, 'summationMethod', args.summationMethod,
      ['interpolation', 'minoring', 'majoring', 'Interpolation', 'Minoring', 'Majoring'] as const) ?? 'interpolation';
    this.summationMethod = sm.toLowerCase() as 'interpolation' | 'minoring' | 'majoring';
    this.multiLabel = checkBoolean(W, 'multiLabel', args.multiLabel) ?? false;
    this.fromLogits = checkBoolean(W, 'fromLogits', args.fromLogits) ?? false;
    this.numLabels = checkNumber(W, 'numLabels', args.numLabels, { integer: true, min: 1, nullable: true }) ?? null;
    if (this.numLabels !== null && !this.multiLabel) fail(W, '`numLabels` is needed only when `multiLabel` is true');
    if (args.labelWeights !== undefined && args.labelWeights !== null &&
        (!Array.isArray(args.labelWeights) || args.labelWeights.some((x) => typeof x !== 'number' || !(x >= 0)))) {
      fail(W, `labelWeights must be an array of non-negative numbers, got ${describeValue(args.labelWeights)}`);
    }
    this.labelWeights = args.labelWeights ?? null;
    let interior: number[];
    if (args.thresholds !== undefined && args.thresholds !== null) {
      if (!Array.isArray(args.thresholds) || args.thresholds.some((x) => typeof x !== 'number' || !(x >= 0 && x <= 1))) {
        fail(W, `thresholds must be an array of numbers in [0, 1], got ${describeValue(args.thresholds)}`);
      }
      interior = [...args.thresholds].sort((a, b) => a - b);
      this.numThresholds = interior.length + 2;
      this.evenly = evenlyDistributed([0, ...interior, 1]);
      this.initThresholds = interior;
    } else {
      const n = checkNumber(W, 'numThresholds', args.numThresholds, { integer: true }) ?? 200;
      if (n <= 1) fail(W, `numThresholds must be an integer > 1, got ${n}`);
      this.numThresholds = n;
      interior = Array.from({ length: n - 2 }, (_, i) => ((i + 1) * 1.0) / (n - 1));
      this.evenly = true;
      this.initThresholds = null;
    }
    this.allThresholds = [0 - EPSILON, ...interior, 1 + EPSILON];
    if (!this.multiLabel) this.build(1);
    else if (this.numLabels !== null) this.build(this.numLabels);
  }

  private build(labels: number): void {
    this.L = labels;
    const n = this.numThresholds * labels;
    this.tp = new Float64Array(n);
    this.fp = new Float64Array(n);
    this.tn = new Float64Array(n);
    this.fn = new Float64Array(n);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor | null = null): void {
    if (this.multiLabel) {
      if (yPred.rank !== 2) fail('AUC', `y_pred must have rank 2 when multiLabel is true, found shape ${shapeStr(yPred.shape)}`);
      if (this.L === 0) this.build(yPred.shape[1]);
      else if (yPred.shape[1] !== this.L) fail('AUC', `expected ${this.L} labels, got y_pred ${shapeStr(yPred.shape)}`);
    }
    // from_logits: activations.sigmoid in float32 first.
    const p: Arr = this.fromLogits ? { data: Float64Array.from(yPred.data, (x) => f32(1 / (1 + Math.exp(-f32(x))))), shape: yPred.shape } : yPred;
    updateConfusion('AUC', { tp: this.tp, fp: this.fp, tn: this.tn, fn: this.fn }, yTrue, p, sampleWeight, {
      thresholds: this.allThresholds, evenly: this.evenly, multiLabel: this.multiLabel,
      labelWeights: this.multiLabel ? null : this.labelWeights,
    });
  }

  /** Per-label sums (length L) of the curve's Riemann terms, then their (weighted) mean. */
  private combine(terms: (l: number) => number): number {
    if (!this.multiLabel) return terms(0);
    const by = Array.from({ length: this.L }, (_, l) => terms(l));
    if (this.labelWeights === null) return by.reduce((a, b) => a + b, 0) / by.length;
    const lw = this.labelWeights;
    return divNoNan(by.reduce((a, b, i) => a + b * lw[i], 0), lw.reduce((a, b) => a + b, 0));
  }

  result(): number {
    const n = this.numThresholds;
    const L = Math.max(1, this.L);
    if (this.L === 0) return 0;
    const at = (a: Float64Array, i: number, l: number): number => a[i * L + l];
    const { tp, fp, tn, fn } = this;
    if (this.curve === 'PR' && this.summationMethod === 'interpolation') {
      // interpolate_pr_auc (Davis & Goadrich 2006): precision interpolated along the counts, not linearly.
      return this.combine((l) => {
        let s = 0;
        for (let i = 0; i < n - 1; i++) {
          const dtp = at(tp, i, l) - at(tp, i + 1, l);
          const p0 = at(tp, i, l) + at(fp, i, l);
          const p1 = at(tp, i + 1, l) + at(fp, i + 1, l);
          const dp = p0 - p1;
          const slope = divNoNan(dtp, Math.max(dp, 0));
          const intercept = at(tp, i + 1, l) - slope * p1;
          const ratio = p0 > 0 && p1 > 0 ? divNoNan(p0, Math.max(p1, 0)) : 1;
          s += divNoNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(at(tp, i + 1, l) + at(fn, i + 1, l), 0));
        }
        return s;
      });
    }
    const xy = (i: number, l: number): [number, number] => {
      const TP = at(tp, i, l);
      const FP = at(fp, i, l);
      const TN = at(tn, i, l);
      const FN = at(fn, i, l);
      const recall = divNoNan(TP, TP + FN);
      if (this.curve === 'ROC') return [divNoNan(FP, FP + TN), recall];
      if (this.curve === 'PR') return [recall, divNoNan(TP, TP + FP)];
      const scale = divNoNan(TP + FN, TN + FP);
      let rg = 1 - scale * divNoNan(FN, TP);
      let pg = 1 - scale * divNoNan(FP, TP);
      if (TP === 0) { rg = 0; pg = 1; }
      return [Math.max(rg, 0), pg];
    };
    return this.combine((l) => {
      let s = 0;
      for (let i = 0; i < n - 1; i++) {
        const [x0, y0] = xy(i, l);
        const [x1, y1] = xy(i + 1, l);
        const h = this.summationMethod === 'interpolation' ? (y0 + y1) / 2 : this.summationMethod === 'minoring' ? Math.min(y0, y1) : Math.max(y0, y1);
        s += (x0 - x1) * h;
      }
      return s;
    });
  }

  resetState(): void {
    for (const a of [this.tp, this.fp, this.tn, this.fn]) a.fill(0);
  }

  clone(): AUC {
    return new AUC({ ...this.args, name: this.name });
  }

  override getConfig(): Record<string, unknown> {
    const c: Record<string, unknown> = {
      ...super.getConfig(), num_thresholds: this.numThresholds, curve: this.curve, summation_method: this.summationMethod,
      multi_label: this.multiLabel, num_labels: this.numLabels, label_weights: this.labelWeights, from_logits: this.fromLogits,
    };
    if (this.initThresholds !== null) c.thresholds = this.initThresholds;
    return c;
  }
}
