// The metrics compile() was given, as Keras 3's CompileMetrics (keras/src/trainers/compile_utils.py) keeps
// them: `metrics` are updated without sample weights, `weightedMetrics` with them (class weights included);
// both are built from the first batch's shapes; for several outputs a list per output (output order) or an
// object keyed by output name, each logged as `<output>_<name>`. Names follow CompileMetrics.result: a repeated
// name gets `_1`, `_2`…; a weighted metric whose name is already taken becomes `weighted_<name>`.
import type { Tensor } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { describeValue } from '../../util/options.js';
import { Metric } from './metric.js';
import { get, resolveMetric, serializeId, type MetricIdentifier } from './registry.js';

/** A flat list (single output), or per output: a list of lists in output order or an object by output name. */
export type MetricSpec = MetricIdentifier[] | (MetricIdentifier | MetricIdentifier[])[] | Record<string, MetricIdentifier | MetricIdentifier[]>;

const isId = (v: unknown): boolean => typeof v === 'string' || v instanceof Metric ||
  (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { class_name?: unknown }).class_name === 'string');

/** Whether `spec` is per output (a list of lists, or an object that is not a serialized metric). */
export function isPerOutput(spec: unknown): boolean {
  if (Array.isArray(spec)) return spec.length > 0 && spec.every((m) => Array.isArray(m));
  return spec !== null && typeof spec === 'object' && !isId(spec);
}

/** compile()'s check of `metrics` / `weightedMetrics`: names, Metric objects or serialized metrics, in one of the shapes. */
export function checkMetricSpec(where: string, arg: string, spec: unknown): void {
  if (spec === undefined || spec === null) return;
  const list = (v: unknown): boolean => (Array.isArray(v) ? v.every(isId) : isId(v));
  const ok = Array.isArray(spec) ? (spec.every(isId) || (isPerOutput(spec) && spec.every(list)))
    : isPerOutput(spec) && Object.values(spec as object).every(list);
  if (ok) {
    // Unknown names fail at compile (Keras finds them at the first batch; earlier is kinder).
    const all = Array.isArray(spec) ? spec.flat() : Object.values(spec as object).flat();
    for (const id of all) if (typeof id === 'string' && !['accuracy', 'acc'].includes(id.toLowerCase())) get(id);
  } else {
    fail(where, `${arg} must be an array of metrics (names, Metric objects or serialized metrics), or, for several outputs, ` +
      `a list per output or an object by output name, got ${describeValue(spec)}`);
  }
}

interface Entry {
  output: number;
  /** Output name for multi-output models (the log prefix), else null. */
  outputName: string | null;
  metric: Metric;
  weighted: boolean;
}

export class CompiledMetrics {
  private entries: Entry[] | null = null;
  /** Log name of each entry, in entry order (computed at build). */
  private names: string[] = [];

  constructor(
    readonly metrics: MetricSpec | null,
    readonly weightedMetrics: MetricSpec | null,
    private readonly where: string,
    /** For evaluate: resolve strings and clone objects, leaving the training metrics' state alone. */
    private readonly fresh = false,
  ) {}

  get isEmpty(): boolean {
    const empty = (s: MetricSpec | null): boolean => s === null || (Array.isArray(s) ? s.length === 0 : Object.keys(s).length === 0);
    return empty(this.metrics) && empty(this.weightedMetrics);
  }

  /** A second set over the same spec, for evaluate (Keras resets its metrics; we keep fit's running ones intact). */
  forEvaluation(): CompiledMetrics {
    return new CompiledMetrics(this.metrics, this.weightedMetrics, this.where, true);
  }

  /** Per-output metric lists from a spec (null: no metrics). */
  private perOutput(spec: MetricSpec | null, arg: string, outputNames: string[] | null): (MetricIdentifier[] | null)[] {
    const n = outputNames?.length ?? 1;
    if (spec === null) return Array(n).fill(null);
    if (outputNames === null) {
      if (isPerOutput(spec)) {
        // Keras flattens a single output's metrics: [['mae']] and {out: ['mae']} mean ['mae'].
        const vals = Array.isArray(spec) ? spec : Object.values(spec);
        return [vals.flatMap((v) => (Array.isArray(v) ? v : [v]))];
      }
      return [spec as MetricIdentifier[]];
    }
    if (!isPerOutput(spec)) {
      if (Array.isArray(spec) && spec.length === 0) return Array(n).fill(null);
      fail(this.where, `the model has several outputs (${outputNames.join(', ')}): give ${arg} per output, as a list of lists or an object keyed by output name`);
    }
    const toList = (v: MetricIdentifier | MetricIdentifier[] | undefined): MetricIdentifier[] | null => (v === undefined ? null : Array.isArray(v) ? v : [v]);
    if (Array.isArray(spec)) {
      if (spec.length !== n) fail(this.where, `${arg} has ${spec.length} lists but the model has ${n} outputs (${outputNames.join(', ')})`);
      return spec.map((v) => toList(v as MetricIdentifier[]));
    }
    const obj = spec as Record<string, MetricIdentifier | MetricIdentifier[]>;
    for (const k of Object.keys(obj)) {
      if (!outputNames.includes(k)) fail(this.where, `${arg} names output '${k}', but the model's outputs are ${outputNames.join(', ')}`);
    }
    return outputNames.map((name) => toList(obj[name]));
  }

  /** Builds the metric objects from the first batch (y_true / y_pred shapes), as Keras's lazy build. */
  build(ys: Tensor[], outs: Tensor[], outputNames: string[] | null): void {
    if (this.entries !== null) return;
    const entries: Entry[] = [];
    for (const [spec, weighted, arg] of [[this.metrics, false, 'metrics'], [this.weightedMetrics, true, 'weightedMetrics']] as const) {
      this.perOutput(spec, arg, outputNames).forEach((list, i) => {
        for (const id of list ?? []) {
          let metric = resolveMetric(id, ys[i].shape, outs[i].shape);
          if (this.fresh && id instanceof Metric) metric = id.clone();
          entries.push({ output: i, outputName: outputNames === null ? null : outputNames[i], metric, weighted });
        }
      });
    }
    // CompileMetrics.result's naming: a name seen before gets `_k`; a weighted metric whose name is taken first
    // becomes `weighted_<name>` (with the output prefix), which may in turn get `_k`.
    const seen = new Map<string, number>();
    const claim = (name: string): string => {
      const k = seen.get(name) ?? 0;
      seen.set(name, k + 1);
      return k === 0 ? name : `${name}_${k}`;
    };
    const prefixed = (e: Entry, name: string): string => (e.outputName ? `${e.outputName}_${name}` : name);
    this.names = entries.map((e) => {
      const name = prefixed(e, e.metric.name);
      return e.weighted && seen.has(name) ? claim(prefixed(e, `weighted_${e.metric.name}`)) : claim(name);
    });
    this.entries = entries;
  }

  /** Keras CompileMetrics.update_state: metrics without weights, weighted metrics with each output's weights. */
  update(ys: Tensor[], outs: Tensor[], sampleWeights: (Tensor | null)[], outputNames: string[] | null): void {
    this.build(ys, outs, outputNames);
    for (const e of this.entries!) e.metric.updateState(ys[e.output], outs[e.output], e.weighted ? sampleWeights[e.output] ?? null : null);
  }

  reset(): void {
    for (const e of this.entries ?? []) e.metric.resetState();
  }

  /** The logs entries, named as Keras names them. */
  results(): Record<string, number> {
    const out: Record<string, number> = {};
    (this.entries ?? []).forEach((e, i) => { out[this.names[i]] = e.metric.result(); });
    return out;
  }

  /** Direction of a logged metric (EarlyStopping / ReduceLROnPlateau 'auto' mode), undefined if unknown. */
  direction(name: string): 'up' | 'down' | undefined {
    const i = this.names.indexOf(name);
    if (i >= 0) return this.entries![i].metric.direction;
    return undefined;
  }

  /** compile_config's metrics / weighted_metrics. */
  static serializeSpec(spec: MetricSpec | null): unknown {
    if (spec === null) return null;
    if (Array.isArray(spec)) return spec.map((v) => (Array.isArray(v) ? v.map(serializeId) : serializeId(v)));
    if (isId(spec)) return serializeId(spec as unknown as MetricIdentifier);
    return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, Array.isArray(v) ? v.map(serializeId) : serializeId(v)]));
  }
}
