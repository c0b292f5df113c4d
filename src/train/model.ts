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
import { resolveMetric, type MeanMetric } from './metrics/metric.js';
import { takeRows, concatRows, checkXY } from './data.js';
import { ProgressPrinter, type Verbosity, type ProgressStream } from './progress.js';
import type { Callback, CallbackModel, Logs } from './callbacks.js';

export interface CompileArgs {
  optimizer?: optimizersMod.Optimizer | string;
  loss: lossesMod.Loss | string;
  metrics?: string[];
}

export interface FitArgs {
  batchSize?: number;
  epochs?: number;
  /** Reshuffle the training rows before every epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffling generator (default 0), so runs are reproducible. */
  seed?: number;
  validationSplit?: number;
  validationData?: [Tensor, Tensor] | [Tensor, Tensor, Tensor];
  /**
   * Keras sample_weight: [N] (one per sample), or for sequence outputs [N, 1] / [N, T] (one per time step); the
   * loss becomes Σ w·loss / (number of values) per batch. Compiled metrics ignore it, as Keras's `metrics` do.
   */
  sampleWeight?: Tensor;
  /** Weight per class id (Keras class_weight): turned into sample weights from y (argmax for one-hot y). */
  classWeight?: Record<number, number>;
  callbacks?: Callback[];
  verbose?: Verbosity;
  initialEpoch?: number;
  /** Where progress goes (default process.stdout). */
  stream?: ProgressStream;
}

export interface EvaluateArgs {
  batchSize?: number;
  sampleWeight?: Tensor;
  verbose?: Verbosity;
  stream?: ProgressStream;
}

export interface PredictArgs {
  batchSize?: number;
}

const COMPILE_KEYS = optionKeys<CompileArgs>({ optimizer: true, loss: true, metrics: true });
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

function checkTensorArg(where: string, name: string, v: unknown): void {
  if (v !== undefined && v !== null && !(v instanceof Tensor)) fail(where, `${name} must be a Tensor, got ${describeValue(v)}`);
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

/** Callbacks are objects with (some of) the Callback hooks; anything else would be silently never called. */
function checkCallbacks(cbs: unknown): void {
  if (cbs === undefined) return;
  if (!Array.isArray(cbs)) fail('fit', `callbacks must be an array of Callback objects, got ${describeValue(cbs)}`);
  cbs.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object' || !CALLBACK_HOOKS.some((h) => typeof (cb as Record<string, unknown>)[h] === 'function')) {
      fail('fit', `callbacks[${i}] must be a Callback (an object with ${CALLBACK_HOOKS.slice(1).join('/')} methods), got ${describeValue(cb)}`);
    }
  });
}

/** A model that can be compiled and trained: the shared engine (subclasses provide call()). */
export abstract class Model extends Layer implements CallbackModel {
  optimizer: optimizersMod.Optimizer | null = null;
  loss: lossesMod.Loss | null = null;
  protected metricIds: string[] = [];
  protected metrics: MeanMetric[] | null = null;
  protected compileLossId: string | Record<string, unknown> | null = null;
  stopTraining = false;

  // ---- compile ---------------------------------------------------------------------------------------

  compile(args: CompileArgs): void {
    if (args === undefined || args === null) fail('Sequential.compile', 'expected { optimizer?, loss, metrics? }, got ' + describeValue(args));
    checkOptions('Sequential.compile', args, COMPILE_KEYS);
    if (args.metrics !== undefined && (!Array.isArray(args.metrics) || args.metrics.some((m) => typeof m !== 'string'))) {
      fail('Sequential.compile', `metrics must be an array of metric names, got ${describeValue(args.metrics)}`);
    }
    this.optimizer = optimizersMod.get(args.optimizer ?? 'rmsprop');
    if (args.loss === undefined || args.loss === null) fail('Sequential.compile', 'a loss is required');
    this.loss = lossesMod.get(args.loss);
    this.compileLossId = typeof args.loss === 'string' ? args.loss : this.loss.serialize();
    this.metricIds = [...(args.metrics ?? [])];
    this.metrics = null; // resolved from the first batch's shapes (Keras builds compiled metrics lazily too)
  }

  protected requireCompiled(op: string): { optimizer: optimizersMod.Optimizer; loss: lossesMod.Loss } {
    if (!this.optimizer || !this.loss) fail(op, 'you must call compile() before fit/evaluate/trainOnBatch');
    return { optimizer: this.optimizer, loss: this.loss };
  }

  protected ensureMetrics(y: Tensor, out: Tensor): MeanMetric[] {
    if (this.metrics === null) this.metrics = this.metricIds.map((id) => resolveMetric(id, y.shape, out.shape));
    return this.metrics;
  }

  metricDirection(name: string): 'up' | 'down' | undefined {
    if (name === 'loss') return 'down';
    const m = this.metrics?.find((x) => x.name === name);
    if (m) return m.direction;
    if (this.metricIds.includes(name)) return /acc/.test(name) ? 'up' : 'down';
    return undefined;
  }

  /** Data loss + every layer loss (regularizers), as a differentiable scalar. */
  protected totalLoss(loss: lossesMod.Loss, y: Tensor, out: Tensor, sampleWeight: Tensor | null = null): Tensor {
    let total = loss.apply(y, out, { mask: getKerasMask(out), sampleWeight });
    for (const l of this.losses) total = add(total, l.dtype === total.dtype ? l : l.cast(total.dtype));
    return total;
  }

  /** One optimisation step on one batch; returns the batch loss. Metrics are not sample-weighted (Keras `metrics`). */
  trainOnBatch(x: Tensor, y: Tensor, sampleWeight: Tensor | null = null): number {
    const { optimizer, loss } = this.requireCompiled('trainOnBatch');
    checkTensorArg('trainOnBatch', 'sampleWeight', sampleWeight);
    checkXY('trainOnBatch', x, y);
    if (sampleWeight) checkXY('trainOnBatch (sampleWeight)', x, sampleWeight);
    const out = this.apply(x, { training: true }) as Tensor;
    const total = this.totalLoss(loss, y, out, sampleWeight);
    const vars = this.trainableWeights;
    for (const v of vars) v.zeroGrad();
    if (total.requiresGrad) total.backward();
    optimizer.constraints = new Map(this.allConstraints);
    optimizer.apply(vars.map((v) => v.grad), vars);
    for (const v of vars) v.zeroGrad();
    noGrad(() => {
      const mask = getKerasMask(out);
      for (const m of this.ensureMetrics(y, out)) m.update(y, out, mask);
    });
    return total.item();
  }

  // ---- fit -------------------------------------------------------------------------------------------

  fit(x: Tensor, y: Tensor, args: FitArgs = {}): History {
    this.requireCompiled('fit');
    checkOptions('fit', args, FIT_KEYS);
    let n = checkXY('fit', x, y);
    const batchSize = checkBatchSize('fit', args.batchSize);
    const epochs = checkNumber('fit', 'epochs', args.epochs, { integer: true, min: 0 }) ?? 1;
    checkNumber('fit', 'initialEpoch', args.initialEpoch, { integer: true, min: 0 });
    checkNumber('fit', 'seed', args.seed, { integer: true });
    checkNumber('fit', 'validationSplit', args.validationSplit);
    checkBoolean('fit', 'shuffle', args.shuffle);
    checkVerbose('fit', args.verbose);
    checkStream('fit', args.stream);
    checkTensorArg('fit', 'sampleWeight', args.sampleWeight);
    checkCallbacks(args.callbacks);
    if (args.classWeight !== undefined) checkClassWeight(args.classWeight);
    if (args.validationData !== undefined && (!Array.isArray(args.validationData) || args.validationData.length < 2 || args.validationData.length > 3 ||
        args.validationData.some((t, i) => !(t instanceof Tensor) && !(i === 2 && (t === null || t === undefined))))) {
      fail('fit', `validationData must be [x, y] or [x, y, sampleWeight] of Tensors, got ${describeValue(args.validationData)}`);
    }
    const verbose = args.verbose ?? 1;
    let valData: [Tensor, Tensor, Tensor | null] | null = args.validationData
      ? [args.validationData[0], args.validationData[1], args.validationData[2] ?? null] : null;
    if (valData) checkXY('fit (validationData)', valData[0], valData[1]);
    if (args.sampleWeight && args.classWeight) fail('fit', 'pass either sampleWeight or classWeight, not both');
    let sw: Tensor | null = args.sampleWeight ?? null;
    // [N] (per sample), or as Keras also takes for sequence outputs [N, 1] / [N, T] (per time step): the loss
    // aligns it with the loss values' leading axes (losses/reduction.ts combineWeights).
    if (sw) checkXY('fit (sampleWeight)', x, sw);
    if (args.validationSplit !== undefined && args.validationSplit !== 0) {
      const s = args.validationSplit;
      if (!(s > 0 && s < 1)) fail('fit', `validationSplit must be in (0, 1), got ${s}`);
      if (valData) fail('fit', 'pass either validationSplit or validationData, not both');
      // Keras: split_at = floor(N·(1 − split)); the last rows validate. Both parts must be non-empty.
      const splitAt = Math.floor(n * (1 - s));
      if (splitAt === 0 || splitAt === n) fail('fit', `validationSplit ${s} of ${n} samples leaves an empty training or validation set`);
      valData = [takeRows(x, null, splitAt, n), takeRows(y, null, splitAt, n), sw ? takeRows(sw, null, splitAt, n) : null];
      x = takeRows(x, null, 0, splitAt);
      y = takeRows(y, null, 0, splitAt);
      if (sw) sw = takeRows(sw, null, 0, splitAt);
      n = splitAt;
    }
    // Keras applies class_weight to the training data only (data_adapter_utils.class_weight_to_sample_weights).
    if (args.classWeight) sw = classWeightsToSampleWeights(y, args.classWeight);
    const steps = Math.ceil(n / batchSize);
    const rng = new Random(args.seed ?? 0);
    const history = new History();
    const callbacks = args.callbacks ?? [];
    for (const cb of callbacks) cb.setModel?.(this);
    const progress = new ProgressPrinter(verbose, epochs, steps, args.stream);
    this.stopTraining = false;
    for (const cb of callbacks) cb.onTrainBegin?.();
    try {
      for (let epoch = args.initialEpoch ?? 0; epoch < epochs && !this.stopTraining; epoch++) {
        for (const cb of callbacks) cb.onEpochBegin?.(epoch);
        progress.epochBegin(epoch);
        const order = args.shuffle === false ? null : rng.permutation(n);
        for (const m of this.metrics ?? []) m.reset();
        let lossSum = 0;
        let seen = 0;
        let logs: Logs = {};
        for (let b = 0; b < steps; b++) {
          for (const cb of callbacks) cb.onBatchBegin?.(b);
          const start = b * batchSize;
          const end = Math.min(n, start + batchSize);
          const xb = takeRows(x, order, start, end);
          const yb = takeRows(y, order, start, end);
          const l = this.trainOnBatch(xb, yb, sw ? takeRows(sw, order, start, end) : null);
          lossSum += l * (end - start);
          seen += end - start;
          logs = { loss: lossSum / seen };
          for (const m of this.metrics ?? []) logs[m.name] = m.result();
          progress.batchEnd(b, logs);
          for (const cb of callbacks) cb.onBatchEnd?.(b, { ...logs });
          if (this.stopTraining) break;
        }
        if (valData) {
          const v = this.evaluate(valData[0], valData[1], { batchSize, verbose: 0, sampleWeight: valData[2] ?? undefined });
          for (const [k, val] of Object.entries(v)) logs[`val_${k}`] = val;
        }
        progress.epochEnd(epoch, logs);
        history.record(epoch, logs);
        for (const cb of callbacks) cb.onEpochEnd?.(epoch, { ...logs });
      }
    } finally {
      progress.close();
    }
    for (const cb of callbacks) cb.onTrainEnd?.();
    return history;
  }

  // ---- evaluate / predict ----------------------------------------------------------------------------

  /** Loss (including layer losses, as Keras 3) and metrics over the data, batch by batch. */
  evaluate(x: Tensor, y: Tensor, args: EvaluateArgs = {}): Logs {
    const { loss } = this.requireCompiled('evaluate');
    checkOptions('evaluate', args, EVALUATE_KEYS);
    const n = checkXY('evaluate', x, y);
    const batchSize = checkBatchSize('evaluate', args.batchSize);
    checkVerbose('evaluate', args.verbose);
    checkStream('evaluate', args.stream);
    checkTensorArg('evaluate', 'sampleWeight', args.sampleWeight);
    const sw = args.sampleWeight ?? null;
    if (sw) checkXY('evaluate (sampleWeight)', x, sw);
    let ms: MeanMetric[] = [];
    let lossSum = 0;
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        const xb = takeRows(x, null, start, end);
        const yb = takeRows(y, null, start, end);
        const out = this.apply(xb, { training: false }) as Tensor;
        if (start === 0) {
          // Fresh metric objects: evaluate must not disturb the running training metrics.
          ms = this.metricIds.map((id) => resolveMetric(id, yb.shape, out.shape));
        }
        lossSum += this.totalLoss(loss, yb, out, sw ? takeRows(sw, null, start, end) : null).item() * (end - start);
        const mask = getKerasMask(out);
        for (const m of ms) m.update(yb, out, mask);
      }
    });
    const logs: Logs = { loss: n === 0 ? 0 : lossSum / n };
    for (const m of ms) logs[m.name] = m.result();
    if ((args.verbose ?? 0) > 0) (args.stream ?? process.stdout).write(`${Object.entries(logs).map(([k, v]) => `${k}: ${v.toFixed(4)}`).join(' - ')}\n`);
    return logs;
  }

  /** Outputs for every row of x, computed in batches with training=false. */
  predict(x: Tensor, args: PredictArgs = {}): Tensor {
    checkOptions('predict', args, PREDICT_KEYS);
    if (!(x instanceof Tensor)) fail('predict', `x must be a Tensor, got ${describeValue(x)}`);
    if (x.rank === 0) fail('predict', `x needs a batch axis, got ${shapeStr(x.shape)}`);
    const batchSize = checkBatchSize('predict', args.batchSize);
    const n = x.shape[0];
    const parts: Tensor[] = [];
    noGrad(() => {
      for (let start = 0; start < n; start += batchSize) {
        parts.push(this.apply(takeRows(x, null, start, Math.min(n, start + batchSize)), { training: false }) as Tensor);
      }
    });
    return concatRows(parts);
  }

  /** Keras `compile_config` of the compiled model (null before compile). */
  protected compileConfig(): Record<string, unknown> | null {
    if (!this.optimizer || !this.loss) return null;
    return {
      optimizer: this.optimizer.serialize(),
      loss: this.compileLossId,
      loss_weights: null,
      metrics: this.metricIds.length ? this.metricIds : null,
      weighted_metrics: null,
      run_eagerly: false,
      steps_per_execution: 1,
      jit_compile: false,
    };
  }
}
