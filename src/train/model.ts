// The training engine every Keras model shares (Keras 3 keras/src/trainers/trainer.py and the TF trainer):
// compile / fit / evaluate / predict / trainOnBatch on a Layer whose call() maps inputs to one output.
// Sequential (a chain of layers) and the Functional Model (a graph of layer calls) both extend it, as in
// Keras 3, where Sequential is a Model.
//  * a training step runs the model with training=true, computes the compiled loss on the output (with the
//    output's Keras mask, e.g. from Embedding(mask_zero) through return_sequences layers), adds every layer
//    loss (weight regularizers, activity regularizers), backpropagates, and lets the optimizer update the
//    trainable weights (then the constraints);
//  * epoch logs: the loss is the batch losses' mean weighted by batch size, metrics are averaged over every
//    sample seen in the epoch, val_* come from evaluate() on the validation data after the epoch;
//  * validationSplit takes the LAST fraction of the samples, before any shuffling (floor(N·(1−split)) rows
//    train); shuffle reorders the training rows every epoch with a seeded generator.
import { Tensor } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';
import { Random } from '../tensor/random.js';
import { noGrad } from '../autograd/mode.js';
import { add } from '../ops/arithmetic.js';
import { Layer, getKerasMask } from '../keras/engine/layer.js';
import { optionKeys, checkOptions, checkNumber, checkBoolean, describeValue } from '../util/options.js';
import * as lossesMod from './losses/index.js';
import * as optimizersMod from './optimizers/index.js';
import { CompiledMetrics, checkMetricSpec, type MetricSpec } from './metrics/compiled.js';
import { concatRows, checkData, takeData, dataTensors, type Data } from './data.js';
import { mul } from '../ops/arithmetic.js';
import { full } from '../tensor/create.js';
import { ProgressPrinter, type Verbosity, type ProgressStream } from './progress.js';
import type { Callback, CallbackModel, Logs } from './callbacks.js';
import { defaultStream } from '../util/host.js';

export interface CompileArgs {
  optimizer?: optimizersMod.Optimizer | string;
  /**
   * One loss (every output), or one per output: an array in output order or an object keyed by output name
   * (Keras `loss=[...]` / `loss={...}`). The total is Σ lossWeight·loss over the outputs.
   */
  loss: LossId | LossId[] | Record<string, LossId>;
  /** Per-output weights of the total loss (Keras `loss_weights`): an array in output order or by name. */
  lossWeights?: number[] | Record<string, number>;
  /**
   * Metrics (names such as 'accuracy', 'mae', 'AUC', Metric objects, or serialized Keras metrics), updated
   * without sample weights; for several outputs a list per output (in output order) or an object by output name.
   */
  metrics?: MetricSpec;
  /** Metrics updated with the sample weights (and class weights), as Keras `weighted_metrics`; same forms. */
  weightedMetrics?: MetricSpec;
}

/** A loss as compile() takes it: a Loss object or a Keras / tfjs name ('mse', 'meanSquaredError'). */
export type LossId = lossesMod.Loss | string;

/** Keras sample_weight: one tensor, or (several outputs) a list in output order or an object by output name. */
export type SampleWeight = Data;

export interface FitArgs {
  batchSize?: number;
  epochs?: number;
  /** Reshuffle the training rows before every epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffling generator (default 0), so runs are reproducible. */
  seed?: number;
  validationSplit?: number;
  /** [x, y] or [x, y, sampleWeight]; x, y and sampleWeight as fit takes them (tensors, arrays or objects by name). */
  validationData?: [Data, Data] | [Data, Data, SampleWeight];
  /**
   * Keras sample_weight: [N] (one per sample), or for sequence outputs [N, 1] / [N, T] (one per time step); the
   * loss becomes Σ w·loss / (number of values) per batch. `metrics` ignore it, `weightedMetrics` use it (Keras).
   * Several outputs: one tensor weighs every output's loss, or one per output as a list (output order) or an
   * object by output name (outputs it leaves out are unweighted), as Keras 3's CompileLoss resolves it.
   */
  sampleWeight?: SampleWeight;
  /**
   * Weight per class id (Keras class_weight): turned into sample weights from y (argmax for one-hot y).
   * Single-output models only, as in Keras.
   */
  classWeight?: Record<number, number>;
  /** Callback objects, or (tfjs style) one object of hooks `{ onEpochEnd(epoch, logs) {...} }`. */
  callbacks?: Callback[] | Callback;
  verbose?: Verbosity;
  initialEpoch?: number;
  /** Where progress goes (default process.stdout). */
  stream?: ProgressStream;
}

export interface FitAsyncArgs extends FitArgs {
  /**
   * When fitAsync hands the event loop back (tfjs `yieldEvery`): 'auto' (default) at most every 125 ms of
   * training, 'batch' after every batch, 'epoch' after every epoch, 'never', or a number of milliseconds.
   */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number;
}

export interface EvaluateArgs {
  batchSize?: number;
  sampleWeight?: SampleWeight;
  verbose?: Verbosity;
  stream?: ProgressStream;
}

export interface PredictArgs {
  batchSize?: number;
}

const COMPILE_KEYS = optionKeys<CompileArgs>({ optimizer: true, loss: true, lossWeights: true, metrics: true, weightedMetrics: true });
const FIT_KEYS = optionKeys<FitArgs>({
  batchSize: true, epochs: true, shuffle: true, seed: true, validationSplit: true, validationData: true, sampleWeight: true,
  classWeight: true, callbacks: true, verbose: true, initialEpoch: true, stream: true,
});
const EVALUATE_KEYS = optionKeys<EvaluateArgs>({ batchSize: true, sampleWeight: true, verbose: true, stream: true });
const PREDICT_KEYS = optionKeys<PredictArgs>({ batchSize: true });

/** batchSize: a positive integer (0 would loop forever, a fraction would skip rows). */
function checkBatchSize(where: string, v: unknown): number {
  return checkNumber(where, 'batchSize', v, { integer: true, min: 1 }) ?? 32;
}

function checkVerbose(where: string, v: unknown): void {
  if (v !== undefined && v !== 0 && v !== 1 && v !== 2) fail(where, `verbose must be 0, 1 or 2, got ${describeValue(v)}`);
}

function checkStream(where: string, v: unknown): void {
  if (v !== undefined && (v === null || typeof (v as { write?: unknown }).write !== 'function')) {
    fail(where, `stream must have a write(text) method (e.g. process.stdout), got ${describeValue(v)}`);
  }
}

/** sampleWeight: a Tensor, or an array / object of Tensors (per output); checked against the rows of x. */
function checkSampleWeight(where: string, v: unknown, x: unknown): void {
  if (v === undefined || v === null) return;
  if (!(v instanceof Tensor) && !(typeof v === 'object')) fail(where, `sampleWeight must be a Tensor (or, for several outputs, an array or object of Tensors), got ${describeValue(v)}`);
  dataTensors(where, 'sampleWeight', v);
  checkData(`${where} (sampleWeight)`, x, v);
}

export class History {
  readonly history: Record<string, number[]> = {};
  readonly epoch: number[] = [];
  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

/** numpy's np.round: halves go to the even neighbour (0.5 → 0, 1.5 → 2, 2.5 → 2, −1.5 → −2). */
function roundHalfEven(v: number): number {
  const r = Math.round(v); // halves up
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Keras class_weight → per-sample weights (keras/src/trainers/data_adapters/data_adapter_utils.py
 * class_weight_to_sample_weights): class = np.round(y) for [N] / [N, 1] labels (halves to even, so a 0.5 label
 * is class 0), argmax for the rows of [N, C] labels; classes missing from the dict weigh 1. Keras refuses
 * labels of rank ≥ 3 (after the squeeze / argmax each sample is still an array: numpy's int() raises), e.g.
 * per-time-step labels [N, T, 1] or one-hot [N, T, C]; so does this.
 */
export function classWeightsToSampleWeights(y: Tensor, classWeight: Record<number, number>): Tensor {
  if (y.rank < 1 || y.rank > 2) {
    fail('fit', `classWeight needs labels of shape [N], [N, 1] or one-hot [N, C] (one class per sample, as Keras's ` +
      `class_weight_to_sample_weights), got y ${shapeStr(y.shape)}; pass sampleWeight instead`);
  }
  const n = y.shape[0];
  const row = y.size / n;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let cls: number;
    if (row === 1) {
      cls = roundHalfEven(y.data[i]);
    } else {
      cls = 0;
      for (let j = 1; j < row; j++) if (y.data[i * row + j] > y.data[i * row + cls]) cls = j;
    }
    out[i] = classWeight[cls] ?? 1;
  }
  return new Tensor(out, [n]);
}

/** Keras class_weight: {class id: weight}, every weight a finite number (a string would train to NaN). */
function checkClassWeight(cw: unknown): void {
  if (cw === null || typeof cw !== 'object' || Array.isArray(cw)) fail('fit', `classWeight must be an object {classId: weight}, got ${describeValue(cw)}`);
  for (const [k, w] of Object.entries(cw as Record<string, unknown>)) {
    if (!/^(0|[1-9][0-9]*)$/.test(k)) fail('fit', `classWeight keys must be class ids (non-negative integers), got '${k}'`);
    if (typeof w !== 'number' || !Number.isFinite(w)) fail('fit', `classWeight[${k}] must be a finite number, got ${describeValue(w)}`);
  }
}

const CALLBACK_HOOKS = ['setModel', 'onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'];

/**
 * The callbacks as a list: an array of Callback objects, or one object of hooks (tfjs's form). Callbacks are
 * objects with (some of) the Callback hooks; anything else would be silently never called.
 */
function checkCallbacks(cbs: unknown): Callback[] {
  if (cbs === undefined) return [];
  if (cbs !== null && typeof cbs === 'object' && !Array.isArray(cbs)) {
    // tfjs: `callbacks: { onEpochEnd }`. Every key must be a hook (a typo is not silently ignored).
    checkOptions('fit', cbs, CALLBACK_HOOKS.filter((h) => h !== 'setModel'), 'callback hook');
    for (const [k, f] of Object.entries(cbs)) if (typeof f !== 'function') fail('fit', `callbacks.${k} must be a function, got ${describeValue(f)}`);
    return [cbs as Callback];
  }
  if (!Array.isArray(cbs)) fail('fit', `callbacks must be an array of Callback objects or an object of hooks, got ${describeValue(cbs)}`);
  cbs.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object' || !CALLBACK_HOOKS.some((h) => typeof (cb as Record<string, unknown>)[h] === 'function')) {
      fail('fit', `callbacks[${i}] must be a Callback (an object with ${CALLBACK_HOOKS.slice(1).join('/')} methods), got ${describeValue(cb)}`);
    }
  });
  return cbs as Callback[];
}

/** What the training generator yields: a pending async callback, or a point where the event loop may run. */
type FitYield = Promise<unknown> | 'batch' | 'epoch';

/** Calls one hook on every callback in order, yielding each Promise a hook returns (fitAsync awaits it). */
function* runHooks(callbacks: Callback[], call: (cb: Callback) => void | Promise<void> | undefined): Generator<FitYield, void, void> {
  for (const cb of callbacks) {
    const p = call(cb);
    if (p instanceof Promise) yield p;
  }
}

/**
 * Each output's sample weights from fit's sampleWeight: none, one tensor for every output (Keras repeats it), or
 * a list / object by output name (outputs it leaves out get none).
 */
function outputSampleWeights(op: string, sampleWeight: SampleWeight | null, names: string[]): (Tensor | null)[] {
  if (sampleWeight === null) return names.map(() => null);
  if (sampleWeight instanceof Tensor) return names.map(() => sampleWeight);
  return byOutput(op, 'sampleWeight', sampleWeight, names).map((w) => w ?? null);
}

/**
 * One entry per output from a compile argument given as a list (in output order) or an object keyed by output
 * name (outputs it does not name get undefined); a wrong length or an unknown name is an error naming `what`.
 */
function byOutput<T>(where: string, what: string, spec: T[] | Record<string, T>, names: string[]): (T | undefined)[] {
  if (Array.isArray(spec)) {
    if (spec.length !== names.length) fail(where, `${what} has ${spec.length} entries but the model has ${names.length} outputs (${names.join(', ')})`);
    return spec;
  }
  for (const k of Object.keys(spec)) if (!names.includes(k)) fail(where, `${what} names an output '${k}' the model does not have (outputs: ${names.join(', ')})`);
  return names.map((n) => spec[n]);
}

/** A model that can be compiled and trained: the shared engine (subclasses provide call()). */
export abstract class Model extends Layer implements CallbackModel {
  /**
   * Called by Functional.call and Sequential.call after each layer call of this model (not of nested models) with
   * the layer, its call index within this model (Keras's node index) and its outputs. traceLayerOutputs
   * (src/train/compare.ts) sets it for one forward pass, to compare every layer's outputs with Keras's.
   */
  layerCallObserver: ((layer: Layer, callIndex: number, outputs: Tensor[]) => void) | null = null;
  optimizer: optimizersMod.Optimizer | null = null;
  loss: lossesMod.Loss | null = null;
  /** compile()'s metrics and weightedMetrics (built from the first batch's shapes). */
  protected compiledMetrics: CompiledMetrics | null = null;
  protected compileLossId: unknown = null;
  /** What compile() was given for several outputs (resolved against the outputs at the first batch). */
  private lossSpec: CompileArgs['loss'] | null = null;
  private lossWeightSpec: CompileArgs['lossWeights'] | null = null;
  private resolvedOutputLosses: { loss: lossesMod.Loss | null; weight: number }[] | null = null;
  stopTraining = false;
  /** Each output's (unweighted) loss in the last batch of a multi-output model, for the `<output>_loss` logs. */
  private lastOutputLosses: [string, number][] = [];

  /** The model as Keras's `{ class_name, config, ... }` JSON (what `.keras` archives and saveModel write). */
  abstract toJSON(): Record<string, unknown>;

  /** Names of the outputs when the model has several (Functional overrides), else null: one output. */
  protected multiOutputNames(): string[] | null {
    return null;
  }

  /**
   * The per-output losses and weights of a multi-output model, in output order. One loss for several outputs
   * applies to each of them (Keras `CompileLoss`); an array must have one entry per output; an object is keyed
   * by output name (missing outputs get no loss, as in Keras).
   */
  private outputLosses(names: string[]): { loss: lossesMod.Loss | null; weight: number }[] {
    if (this.resolvedOutputLosses !== null) return this.resolvedOutputLosses;  // resolved once per compile()
    const where = `${this.className}.compile`;
    const spec = this.lossSpec!;
    const ws = this.lossWeightSpec;
    const single = spec instanceof lossesMod.Loss || typeof spec === 'string';
    if (single && ws !== null && ws !== undefined) {
      // Keras 3 CompileLoss: "`loss_weights` must match the number of losses, got 1 losses and 2 weights."
      fail(where, `lossWeights must match the number of losses, got 1 losses and ${Object.keys(ws).length} weights; pass one loss per output`);
    }
    const losses = single ? names.map(() => spec as LossId) : byOutput(where, 'loss', spec as LossId[] | Record<string, LossId>, names);
    const weights = ws === null || ws === undefined ? names.map(() => 1) : byOutput(where, 'lossWeights', ws, names);
    this.resolvedOutputLosses = names.map((_, i) => ({ loss: losses[i] === undefined ? null : lossesMod.get(losses[i]!), weight: weights[i] ?? 1 }));
    return this.resolvedOutputLosses;
  }

  /**
   * The compiled loss of each output, in output order (null where an output has none), as trainOnBatch applies
   * them; one entry for a single-output model.
   */
  compiledOutputLosses(): (lossesMod.Loss | null)[] {
    const { loss } = this.requireCompiled('compiledOutputLosses');
    const names = this.multiOutputNames();
    return names === null ? [loss] : this.outputLosses(names).map((p) => p.loss);
  }

  /** Targets in output order, from an array or an object keyed by output name. */
  private targetList(op: string, y: Data, names: string[]): Tensor[] {
    if (y instanceof Tensor) fail(op, `the model has ${names.length} outputs (${names.join(', ')}): pass y as an array or an object keyed by output name`);
    if (Array.isArray(y)) {
      if (y.length !== names.length) fail(op, `y has ${y.length} targets but the model has ${names.length} outputs`);
      return y;
    }
    return names.map((n) => (n in y ? y[n] : fail(op, `y has no target for output '${n}' (given: ${Object.keys(y).join(', ')})`)));
  }

  // ---- compile ---------------------------------------------------------------------------------------

  compile(args: CompileArgs): void {
    if (args === undefined || args === null) fail('Sequential.compile', 'expected { optimizer?, loss, metrics? }, got ' + describeValue(args));
    checkOptions('Sequential.compile', args, COMPILE_KEYS);
    checkMetricSpec(`${this.className}.compile`, 'metrics', args.metrics);
    checkMetricSpec(`${this.className}.compile`, 'weightedMetrics', args.weightedMetrics);
    this.optimizer = optimizersMod.get(args.optimizer ?? 'rmsprop');
    if (args.loss === undefined || args.loss === null) fail('Sequential.compile', 'a loss is required');
    const lw = args.lossWeights;
    if (lw !== undefined && (lw === null || typeof lw !== 'object' || Object.values(lw).some((v) => typeof v !== 'number' || !Number.isFinite(v)))) {
      fail(`${this.className}.compile`, `lossWeights must be an array or an object of finite numbers, got ${describeValue(lw)}`);
    }
    const single = args.loss instanceof lossesMod.Loss || typeof args.loss === 'string';
    // The first (or only) loss, resolved now so that a bad name fails at compile as before.
    const first = single ? args.loss as LossId : Array.isArray(args.loss) ? args.loss[0] : Object.values(args.loss)[0];
    if (first === undefined) fail(`${this.className}.compile`, 'loss is an empty list or object');
    this.loss = lossesMod.get(first);
    const ser = (l: LossId): unknown => (typeof l === 'string' ? l : lossesMod.get(l).serialize());
    this.compileLossId = single ? ser(args.loss as LossId) : Array.isArray(args.loss) ? args.loss.map(ser)
      : Object.fromEntries(Object.entries(args.loss).map(([k, l]) => [k, ser(l)]));
    this.lossSpec = args.loss;
    this.resolvedOutputLosses = null;
    this.lossWeightSpec = lw ?? null;
    // Resolved from the first batch's shapes (Keras builds compiled metrics lazily too).
    this.compiledMetrics = new CompiledMetrics(args.metrics ?? null, args.weightedMetrics ?? null, `${this.className}.compile`);
  }

  protected requireCompiled(op: string): { optimizer: optimizersMod.Optimizer; loss: lossesMod.Loss } {
    if (!this.optimizer || !this.loss) fail(op, 'you must call compile() before fit/evaluate/trainOnBatch');
    return { optimizer: this.optimizer, loss: this.loss };
  }

  metricDirection(name: string): 'up' | 'down' | undefined {
    if (name === 'loss' || /_loss$/.test(name)) return 'down';
    return this.compiledMetrics?.direction(name);
  }

  /**
   * Updates compile()'s metrics with one batch: targets and outputs as lists in output order, and each output's
   * sample weights (a single tensor applies to every output, as Keras repeats it).
   */
  private updateMetrics(metrics: CompiledMetrics, y: Data, out: Tensor | Tensor[], sampleWeight: SampleWeight | null, op: string): void {
    if (metrics.isEmpty) return;
    const names = this.multiOutputNames();
    if (names === null || !Array.isArray(out)) {
      metrics.update([y as Tensor], [out as Tensor], [sampleWeight as Tensor | null], null);
      return;
    }
    const ys = this.targetList(op, y, names);
    metrics.update(ys, out, outputSampleWeights(op, sampleWeight, names), names);
  }

  /**
   * Data loss + every layer loss (regularizers), as a differentiable scalar. Several outputs: Σ weight·loss over
   * the outputs that have a loss, each output's loss with its own sample weights (Keras 3 CompileLoss.call: a
   * nested sample_weight is looked up by the output's path, a single one applies to every output).
   */
  protected totalLoss(loss: lossesMod.Loss, y: Data, out: Tensor | Tensor[], sampleWeight: SampleWeight | null = null): Tensor {
    let total: Tensor;
    const names = this.multiOutputNames();
    if (names === null || !Array.isArray(out)) {
      if (sampleWeight !== null && !(sampleWeight instanceof Tensor)) {
        fail('trainOnBatch', `the model has one output: sampleWeight must be a Tensor, got ${describeValue(sampleWeight)}`);
      }
      total = loss.apply(y as Tensor, out as Tensor, { mask: getKerasMask(out as Tensor), sampleWeight });
    } else {
      const ys = this.targetList('trainOnBatch', y, names);
      const sws = outputSampleWeights('trainOnBatch', sampleWeight, names);
      this.lastOutputLosses = [];
      const parts = this.outputLosses(names).flatMap((p, i) => {
        if (p.loss === null) return [];
        const v = p.loss.apply(ys[i], out[i], { mask: getKerasMask(out[i]), sampleWeight: sws[i] ?? null });
        // Keras logs each output's loss before its weight (CompileLoss trackers): `<output>_loss`.
        this.lastOutputLosses.push([names[i], v.item()]);
        return [p.weight === 1 ? v : mul(v, full([], p.weight, v.dtype))];
      });
      if (parts.length === 0) fail('trainOnBatch', 'no output has a loss');
      total = parts.slice(1).reduce((a, b) => add(a, b), parts[0]);
    }
    for (const l of this.losses) total = add(total, l.dtype === total.dtype ? l : l.cast(total.dtype));
    return total;
  }

  /** One optimisation step on one batch; returns the batch loss. `weightedMetrics` see the sample weights, `metrics` don't. */
  trainOnBatch(x: Data, y: Data, sampleWeight: SampleWeight | null = null): number {
    const { optimizer, loss } = this.requireCompiled('trainOnBatch');
    checkData('trainOnBatch', x, y);
    checkSampleWeight('trainOnBatch', sampleWeight, x);
    const out = this.apply(x as Tensor, { training: true }) as Tensor | Tensor[];
    const total = this.totalLoss(loss, y, out, sampleWeight);
    const vars = this.trainableWeights;
    for (const v of vars) v.zeroGrad();
    if (total.requiresGrad) total.backward();
    optimizer.constraints = new Map(this.allConstraints);
    optimizer.apply(vars.map((v) => v.grad), vars);
    for (const v of vars) v.zeroGrad();
    if (this.compiledMetrics) this.updateMetrics(this.compiledMetrics, y, out, sampleWeight, 'trainOnBatch');
    return total.item();
  }

  // ---- fit -------------------------------------------------------------------------------------------

  /**
   * Keras `fit`, synchronous: the whole run blocks the event loop (as Keras's does its thread). Callbacks must be
   * synchronous here; a hook that returns a Promise is an error (use fitAsync, which awaits them).
   */
  fit(x: Data, y: Data, args: FitArgs = {}): History {
    const it = this.fitSteps('fit', x, y, args);
    for (let r = it.next(); ; r = it.next()) {
      if (r.done) return r.value;
      if (r.value instanceof Promise) {
        it.return(undefined as never);
        fail('fit', 'a callback returned a Promise (an async hook); fit is synchronous and cannot await it: use `await model.fitAsync(...)`');
      }
    }
  }

  /**
   * fit that yields to the event loop while it trains (tfjs's `await model.fit`): timers, I/O and HTTP requests run
   * between batches (see yieldEvery), and async callback hooks are awaited. The numbers are the same as fit's.
   * Only one training run of a model may be in flight at a time.
   */
  async fitAsync(x: Data, y: Data, args: FitAsyncArgs = {}): Promise<History> {
    const { yieldEvery = 'auto', ...rest } = args ?? {};
    const ye = yieldEvery as unknown;
    if (!(ye === 'auto' || ye === 'batch' || ye === 'epoch' || ye === 'never' || (typeof ye === 'number' && ye >= 0 && Number.isFinite(ye)))) {
      fail('fitAsync', `yieldEvery must be 'auto', 'batch', 'epoch', 'never' or a number of milliseconds ≥ 0, got ${describeValue(ye)}`);
    }
    if (this.fitInFlight) fail('fitAsync', 'this model is already training (another fitAsync has not finished)');
    this.fitInFlight = true;
    try {
      const every = ye === 'auto' ? 125 : typeof ye === 'number' ? ye : null;
      const it = this.fitSteps('fitAsync', x, y, rest);
      let last = performance.now();
      const handBack = (): Promise<void> => new Promise((res) => setImmediate(res));
      for (let r = it.next(); ; r = it.next()) {
        if (r.done) return r.value;
        const v = r.value;
        if (v instanceof Promise) await v;
        else if ((ye === 'batch' && v === 'batch') || (ye === 'epoch' && v === 'epoch') || (every !== null && performance.now() - last >= every)) {
          await handBack();
          last = performance.now();
        }
      }
    } finally {
      this.fitInFlight = false;
    }
  }

  private fitInFlight = false;

  /** The training run of fit / fitAsync, one batch at a time; yields pending callback promises and batch / epoch ends. */
  private *fitSteps(op: string, x: Data, y: Data, args: FitArgs): Generator<FitYield, History, void> {
    this.requireCompiled(op);
    checkOptions(op, args, FIT_KEYS);
    let n = checkData('fit', x, y);
    const batchSize = checkBatchSize('fit', args.batchSize);
    const epochs = checkNumber('fit', 'epochs', args.epochs, { integer: true, min: 0 }) ?? 1;
    checkNumber('fit', 'initialEpoch', args.initialEpoch, { integer: true, min: 0 });
    checkNumber('fit', 'seed', args.seed, { integer: true });
    checkNumber('fit', 'validationSplit', args.validationSplit);
    checkBoolean('fit', 'shuffle', args.shuffle);
    checkVerbose('fit', args.verbose);
    checkStream('fit', args.stream);
    checkSampleWeight('fit', args.sampleWeight, x);
    const callbacks = checkCallbacks(args.callbacks);
    if (args.classWeight !== undefined) checkClassWeight(args.classWeight);
    const isData = (d: unknown): boolean => d instanceof Tensor || (Array.isArray(d) && d.length > 0 && d.every((t) => t instanceof Tensor)) ||
      (d !== null && typeof d === 'object' && !Array.isArray(d) && Object.values(d).length > 0 && Object.values(d).every((t) => t instanceof Tensor));
    const vd = args.validationData as unknown[] | undefined;
    if (vd !== undefined && (!Array.isArray(vd) || vd.length < 2 || vd.length > 3 || !isData(vd[0]) || !isData(vd[1]) ||
        (vd.length === 3 && vd[2] !== null && vd[2] !== undefined && !isData(vd[2])))) {
      fail('fit', `validationData must be [x, y] or [x, y, sampleWeight] (x and y as Tensors, arrays or objects of Tensors), got ${describeValue(args.validationData)}`);
    }
    const verbose = args.verbose ?? 1;
    let valData: [Data, Data, SampleWeight | null] | null = args.validationData
      ? [args.validationData[0], args.validationData[1], args.validationData[2] ?? null] : null;
    if (valData) checkData('fit (validationData)', valData[0], valData[1]);
    if (valData?.[2]) checkSampleWeight('fit (validationData)', valData[2], valData[0]);
    // Keras data_adapter_utils: "`class_weight` is only supported for Models with a single output."
    if (!(y instanceof Tensor) && args.classWeight) fail('fit', 'classWeight is only supported for models with a single output (as in Keras); pass sampleWeight per output instead');
    if (args.sampleWeight && args.classWeight) fail('fit', 'pass either sampleWeight or classWeight, not both');
    // [N] (per sample), or as Keras also takes for sequence outputs [N, 1] / [N, T] (per time step): the loss
    // aligns it with the loss values' leading axes (losses/reduction.ts combineWeights).
    let sw: SampleWeight | null = args.sampleWeight ?? null;
    if (args.validationSplit !== undefined && args.validationSplit !== 0) {
      const s = args.validationSplit;
      if (!(s > 0 && s < 1)) fail('fit', `validationSplit must be in (0, 1), got ${s}`);
      if (valData) fail('fit', 'pass either validationSplit or validationData, not both');
      // Keras: split_at = floor(N·(1 − split)); the last rows validate. Both parts must be non-empty.
      const splitAt = Math.floor(n * (1 - s));
      if (splitAt === 0 || splitAt === n) fail('fit', `validationSplit ${s} of ${n} samples leaves an empty training or validation set`);
      valData = [takeData(x, null, splitAt, n), takeData(y, null, splitAt, n), sw ? takeData(sw, null, splitAt, n) : null];
      x = takeData(x, null, 0, splitAt);
      y = takeData(y, null, 0, splitAt);
      if (sw) sw = takeData(sw, null, 0, splitAt);
      n = splitAt;
    }
    // Keras applies class_weight to the training data only (data_adapter_utils.class_weight_to_sample_weights).
    if (args.classWeight) sw = classWeightsToSampleWeights(y as Tensor, args.classWeight);
    const steps = Math.ceil(n / batchSize);
    const rng = new Random(args.seed ?? 0);
    const history = new History();
    for (const cb of callbacks) cb.setModel?.(this);
    const progress = new ProgressPrinter(verbose, epochs, steps, args.stream);
    this.stopTraining = false;
    yield* runHooks(callbacks, (cb) => cb.onTrainBegin?.());
    try {
      for (let epoch = args.initialEpoch ?? 0; epoch < epochs && !this.stopTraining; epoch++) {
        yield* runHooks(callbacks, (cb) => cb.onEpochBegin?.(epoch));
        progress.epochBegin(epoch);
        const order = args.shuffle === false ? null : rng.permutation(n);
        this.compiledMetrics?.reset();
        let lossSum = 0;
        let seen = 0;
        let logs: Logs = {};
        const outSums = new Map<string, number>();
        for (let b = 0; b < steps; b++) {
          yield* runHooks(callbacks, (cb) => cb.onBatchBegin?.(b));
          const start = b * batchSize;
          const end = Math.min(n, start + batchSize);
          const xb = takeData(x, order, start, end);
          const yb = takeData(y, order, start, end);
          const l = this.trainOnBatch(xb, yb, sw ? takeData(sw, order, start, end) : null);
          lossSum += l * (end - start);
          seen += end - start;
          // Keras 3.15 averages the per-output losses over batches WITHOUT the batch-size weights the total
          // `loss` gets (measured: with batches of 2, 2, 1 its a_loss is the plain mean of the three batch
          // values), so the logs here do the same; the total keeps its batch-size weighting.
          for (const [k, v] of this.lastOutputLosses) outSums.set(k, (outSums.get(k) ?? 0) + v);
          logs = { loss: lossSum / seen };
          for (const [k, v] of outSums) logs[`${k}_loss`] = v / (b + 1);
          Object.assign(logs, this.compiledMetrics?.results());
          yield* runHooks(callbacks, (cb) => cb.onBatchEnd?.(b, logs));
          progress.batchEnd(b, logs);
          if (this.stopTraining) break;
          yield 'batch';
        }
        if (valData) {
          const v = this.evaluate(valData[0], valData[1], { batchSize, verbose: 0, sampleWeight: valData[2] ?? undefined });
          for (const [k, val] of Object.entries(v)) logs[`val_${k}`] = val;
        }
        // Keras's CallbackList: the callbacks share one logs object (ReduceLROnPlateau adds learning_rate),
        // then History records it and the progress bar prints it (both come after the user's callbacks).
        yield* runHooks(callbacks, (cb) => cb.onEpochEnd?.(epoch, logs));
        history.record(epoch, logs);
        progress.epochEnd(epoch, logs);
        yield 'epoch';
      }
    } finally {
      progress.close();
    }
    // Keras's fit: `if epochs > 0: optimizer.finalize_variable_values(trainable_weights)` (with use_ema the
    // weights take their moving averages), before on_train_end.
    if (epochs > 0 && this.optimizer) this.optimizer.finalizeVariableValues(this.trainableWeights);
    yield* runHooks(callbacks, (cb) => cb.onTrainEnd?.());
    return history;
  }

  // ---- evaluate / predict ----------------------------------------------------------------------------

  /** Loss (including layer losses, as Keras 3) and metrics over the data, batch by batch. */
  evaluate(x: Data, y: Data, args: EvaluateArgs = {}): Logs {
    const { loss } = this.requireCompiled('evaluate');
    checkOptions('evaluate', args, EVALUATE_KEYS);
    const n = checkData('evaluate', x, y);
    const batchSize = checkBatchSize('evaluate', args.batchSize);
    checkVerbose('evaluate', args.verbose);
    checkStream('evaluate', args.stream);
    checkSampleWeight('evaluate', args.sampleWeight, x);
    const sw = args.sampleWeight ?? null;
    // Fresh metric objects: evaluate must not disturb the running training metrics.
    const metrics = this.compiledMetrics?.forEvaluation() ?? null;
    let lossSum = 0;
    const outSums = new Map<string, number>();
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        const xb = takeData(x, null, start, end);
        const yb = takeData(y, null, start, end);
        const out = this.apply(xb as Tensor, { training: false }) as Tensor | Tensor[];
        const swb = sw ? takeData(sw, null, start, end) : null;
        lossSum += this.totalLoss(loss, yb, out, swb).item() * (end - start);
        if (Array.isArray(out)) {
          for (const [k, v] of this.lastOutputLosses) outSums.set(k, (outSums.get(k) ?? 0) + v);  // unweighted, as fit
        }
        if (metrics) this.updateMetrics(metrics, yb, out, swb, 'evaluate');
      }
    });
    const logs: Logs = { loss: n === 0 ? 0 : lossSum / n };
    for (const [k, v] of outSums) logs[`${k}_loss`] = v / Math.max(1, Math.ceil(n / batchSize));
    Object.assign(logs, metrics?.results());
    if ((args.verbose ?? 0) > 0) (args.stream ?? defaultStream()).write(`${Object.entries(logs).map(([k, v]) => `${k}: ${v.toFixed(4)}`).join(' - ')}\n`);
    return logs;
  }

  /**
   * Outputs for every row, computed in batches with training=false. Several inputs come as an array (or, for a
   * Functional model, an object by input name), batched together. Each output is concatenated over the batches;
   * several outputs come back as the model gives them (Keras `predict`: a list, or an object by output name
   * when the model's outputs were given as one; tfjs `LayersModel.predict` returns Tensor | Tensor[]).
   */
  predict(x: Data, args: PredictArgs = {}): Tensor | Tensor[] | Record<string, Tensor> {
    checkOptions('predict', args, PREDICT_KEYS);
    if (x instanceof Tensor && x.rank === 0) fail('predict', `x needs a batch axis, got ${shapeStr(x.shape)}`);
    const xs = dataTensors('predict', 'x', x);
    const n = xs[0].shape[0];
    xs.forEach((t, i) => {
      if (t.shape[0] !== n) fail('predict', `all inputs must have the same number of rows: input 0 has ${n}, input ${i} has ${t.shape[0]}`);
    });
    const batchSize = checkBatchSize('predict', args.batchSize);
    const parts: Tensor[][] = [];  // parts[output][batch]
    let several = false;
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const out = this.apply(takeData(x, null, start, Math.min(n, start + batchSize)) as Tensor, { training: false });
        several = Array.isArray(out);
        (several ? out as Tensor[] : [out as Tensor]).forEach((t, i) => (parts[i] ??= []).push(t));
      }
    });
    const outs = parts.map((p) => concatRows(p));
    return several ? this.packOutputs(outs) : outs[0];
  }

  /**
   * Keras `test_on_batch`: the loss on one batch (layer losses included, like evaluate), without updating
   * anything; all of x is one batch. Like trainOnBatch here it returns the loss alone (Keras returns the loss
   * followed by the metrics when there are metrics; use evaluate for those).
   */
  testOnBatch(x: Data, y: Data, sampleWeight: SampleWeight | null = null): number {
    const n = checkData('testOnBatch', x, y);
    return this.evaluate(x, y, { batchSize: Math.max(1, n), verbose: 0, ...(sampleWeight ? { sampleWeight } : {}) }).loss;
  }

  /** Keras `predict_on_batch`: the outputs for x as one batch (training=false), in the model's output structure. */
  predictOnBatch(x: Data): Tensor | Tensor[] | Record<string, Tensor> {
    const xs = dataTensors('predictOnBatch', 'x', x);
    return this.predict(x, { batchSize: Math.max(1, xs[0].shape[0]) });
  }

  /** Several outputs in the model's own structure (Functional: an object when its outputs were given by name). */
  protected packOutputs(outs: Tensor[]): Tensor[] | Record<string, Tensor> {
    return outs;
  }

  /** Keras `compile_config` of the compiled model (null before compile). */
  protected compileConfig(): Record<string, unknown> | null {
    if (!this.optimizer || !this.loss) return null;
    return {
      optimizer: this.optimizer.serialize(),
      loss: this.compileLossId,
      loss_weights: this.lossWeightSpec ?? null,
      metrics: CompiledMetrics.serializeSpec(this.compiledMetrics?.metrics ?? null),
      weighted_metrics: CompiledMetrics.serializeSpec(this.compiledMetrics?.weightedMetrics ?? null),
      run_eagerly: false,
      steps_per_execution: 1,
      jit_compile: false,
    };
  }
}
