// Training callbacks (keras/src/callbacks): the hooks fit() calls, and Keras 3's EarlyStopping,
// ReduceLROnPlateau, LearningRateScheduler, TerminateOnNaN, CSVLogger and ModelCheckpoint with its rules.
// As in Keras's CallbackList, every callback receives the same epoch `logs` object, and History records it
// after them, so what a callback adds (learning_rate) is in history.history.
import { fail } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { optionKeys, checkOptions, checkString, checkNumber, checkBoolean, describeValue } from '../util/options.js';
import { pyFormat, pyFloatRepr } from '../util/python-format.js';
import { LearningRateSchedule } from './optimizers/schedules.js';
import type { Optimizer } from './optimizers/optimizer.js';
import type { Model } from './model.js';
import { saveKerasModelSync, saveKerasWeightsSync } from './keras-export.js';
import { loadH5, h5Loaded } from './h5.js';
import { nodeFs, pathDirname, warn } from '../util/host.js';

/** node:fs, fetched at call time (src/util/host.ts: no static node: imports, so the package bundles for a browser). */
const fs = (): typeof import('node:fs') => nodeFs('callback files');

export type Logs = Record<string, number>;

/** The part of a model callbacks may touch. */
export interface CallbackModel {
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(values: Tensor[]): void;
  /** Direction of a compiled metric by name ('up' for accuracies), or undefined if unknown. */
  metricDirection(name: string): 'up' | 'down' | undefined;
  /** The compiled optimizer (callbacks read and set its learning rate). */
  optimizer: Optimizer | null;
}

/**
 * Training hooks (Keras's Callback methods, tfjs's camelCase names). A hook may return a Promise: fitAsync awaits
 * it before training goes on; the synchronous fit refuses it (it cannot wait).
 */
export interface Callback {
  setModel?(model: CallbackModel): void;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  verbose?: 0 | 1;
  mode?: 'auto' | 'min' | 'max';
  baseline?: number | null;
  restoreBestWeights?: boolean;
  startFromEpoch?: number;
}

/**
 * keras MonitorCallback._set_monitor_op and _is_improvement: 'min' / 'max', or 'auto' from the monitored
 * name (loss → min; a compiled metric → its direction; else an error asking for a mode). Keras stores min_delta
 * negated for 'min' and compares (current − min_delta) with the reference.
 */
function monitorOp(owner: string, monitor: string, mode: 'auto' | 'min' | 'max', minDelta: number, model: CallbackModel | null): (a: number, b: number) => boolean {
  let dir: 'up' | 'down' | undefined;
  if (mode === 'min') dir = 'down';
  else if (mode === 'max') dir = 'up';
  else {
    const name = monitor.replace(/^val_/, '');
    dir = name === 'loss' ? 'down' : model?.metricDirection(name);
    if (dir === undefined) {
      fail(owner, `received monitor=${monitor}, but cannot determine whether it should be maximized or minimized; ` +
        "pass mode: 'max' or mode: 'min'");
    }
  }
  const md = dir === 'down' ? -Math.abs(minDelta) : Math.abs(minDelta);
  return dir === 'down' ? (a, b) => a - md < b : (a, b) => a - md > b;
}

function checkMode(owner: string, mode: unknown): 'auto' | 'min' | 'max' {
  const m = mode ?? 'auto';
  if (m !== 'auto' && m !== 'min' && m !== 'max') fail(owner, `mode must be auto, min or max, got ${describeValue(mode)}`);
  return m;
}

function checkVerbose01(owner: string, v: unknown): 0 | 1 {
  if (v !== undefined && v !== 0 && v !== 1) fail(owner, `verbose must be 0 or 1, got ${describeValue(v)}`);
  return (v ?? 0) as 0 | 1;
}

/** The learning rate as Keras's callbacks read it: float(optimizer.learning_rate), a float32 variable. */
function readLearningRate(owner: string, model: CallbackModel | null): number {
  const opt = model?.optimizer;
  if (!opt) fail(owner, 'the model has no optimizer: compile it first');
  return Math.fround(opt.currentLearningRate());
}

/** optimizer.learning_rate = v: refused for a schedule, as Keras refuses it ("its learning rate is not settable"). */
function setLearningRate(owner: string, model: CallbackModel | null, v: number): void {
  const opt = model!.optimizer!;
  if (opt.learningRate instanceof LearningRateSchedule || typeof opt.learningRate === 'function') {
    fail(owner, 'the optimizer was created with a learning-rate schedule, so its learning rate is not settable (Keras raises the same)');
  }
  opt.learningRate = v;
}

/**
 * keras.callbacks.EarlyStopping (early_stopping.py + monitor_callback.py): after each epoch, `wait += 1`;
 * an improvement (current − minDelta beats the best in the monitor's direction; minDelta's sign follows the
 * direction) resets wait (if the baseline is also beaten); training stops when wait ≥ patience (and epoch > 0).
 * restoreBestWeights puts back the weights of the best epoch at the end of training.
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  readonly baseline: number | null;
  readonly startFromEpoch: number;
  readonly verbose: 0 | 1;
  private mode: 'auto' | 'min' | 'max';
  private minDelta: number;
  private better: ((a: number, b: number) => boolean) | null = null;
  private model: CallbackModel | null = null;
  wait = 0;
  stoppedEpoch = 0;
  best: number | null = null;
  bestEpoch = 0;
  private bestWeights: Tensor[] | null = null;

  constructor(args: EarlyStoppingArgs = {}) {
    const W = 'EarlyStopping';
    checkOptions(W, args, optionKeys<EarlyStoppingArgs>({
      monitor: true, minDelta: true, patience: true, verbose: true, mode: true, baseline: true, restoreBestWeights: true, startFromEpoch: true,
    }));
    checkString(W, 'monitor', args.monitor);
    checkNumber(W, 'minDelta', args.minDelta);
    checkNumber(W, 'patience', args.patience, { integer: true, min: 0 });
    checkNumber(W, 'baseline', args.baseline, { nullable: true });
    checkNumber(W, 'startFromEpoch', args.startFromEpoch, { integer: true, min: 0 });
    checkBoolean(W, 'restoreBestWeights', args.restoreBestWeights);
    this.verbose = checkVerbose01(W, args.verbose);
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    this.mode = checkMode(W, args.mode);
    this.baseline = args.baseline ?? null;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  private setMonitorOp(): void {
    this.better = monitorOp('EarlyStopping', this.monitor, this.mode, this.minDelta, this.model);
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    if (this.better === null) this.setMonitorOp();
    const current = logs[this.monitor];
    if (current === undefined) {
      // Keras warns and skips when the monitored value is missing.
      warn(`EarlyStopping: monitor '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')})`);
      return;
    }
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = this.model!.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.best === null || this.better!(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model!.getWeights();
      if (this.baseline === null || this.better!(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model!.setWeights(this.bestWeights);
    }
  }
}

const LAMBDA_HOOKS = optionKeys<Omit<Callback, 'setModel'>>({
  onTrainBegin: true, onTrainEnd: true, onEpochBegin: true, onEpochEnd: true, onBatchBegin: true, onBatchEnd: true,
});

/** A callback from plain functions: `new LambdaCallback({ onEpochEnd: (e, logs) => ... })`. */
export class LambdaCallback implements Callback {
  constructor(hooks: Omit<Callback, 'setModel'>) {
    checkOptions('LambdaCallback', hooks, LAMBDA_HOOKS, 'hook');
    for (const [k, f] of Object.entries(hooks)) {
      if (typeof f !== 'function') fail('LambdaCallback', `${k} must be a function, got ${typeof f}`);
    }
    Object.assign(this, hooks);
  }
}

export interface ReduceLROnPlateauArgs {
  monitor?: string;
  factor?: number;
  patience?: number;
  verbose?: 0 | 1;
  mode?: 'auto' | 'min' | 'max';
  minDelta?: number;
  cooldown?: number;
  minLr?: number;
}

/**
 * keras.callbacks.ReduceLROnPlateau (reduce_lr_on_plateau.py): after each epoch it logs `learning_rate`; when
 * the monitored value has not improved by minDelta for `patience` epochs (outside a cooldown), the learning
 * rate becomes max(lr·factor, minLr), if lr > float32(minLr), and a cooldown of `cooldown` epochs starts.
 */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: 0 | 1;
  readonly cooldown: number;
  readonly minLr: number;
  private readonly mode: 'auto' | 'min' | 'max';
  private readonly minDelta: number;
  private better: ((a: number, b: number) => boolean) | null = null;
  private model: CallbackModel | null = null;
  best: number | null = null;
  wait = 0;
  cooldownCounter = 0;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    const W = 'ReduceLROnPlateau';
    checkOptions(W, args, optionKeys<ReduceLROnPlateauArgs>({
      monitor: true, factor: true, patience: true, verbose: true, mode: true, minDelta: true, cooldown: true, minLr: true,
    }));
    checkString(W, 'monitor', args.monitor);
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = checkNumber(W, 'factor', args.factor) ?? 0.1;
    if (this.factor >= 1) fail(W, `does not support a factor ≥ 1.0, got factor=${this.factor}`);
    this.patience = checkNumber(W, 'patience', args.patience, { integer: true, min: 0 }) ?? 10;
    this.verbose = checkVerbose01(W, args.verbose);
    this.mode = checkMode(W, args.mode);
    this.minDelta = Math.abs(checkNumber(W, 'minDelta', args.minDelta) ?? 1e-4);
    this.cooldown = checkNumber(W, 'cooldown', args.cooldown, { integer: true, min: 0 }) ?? 0;
    this.minLr = checkNumber(W, 'minLr', args.minLr, { min: 0 }) ?? 0;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = null;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const W = 'ReduceLROnPlateau';
    this.better ??= monitorOp(W, this.monitor, this.mode, this.minDelta, this.model);
    logs.learning_rate = readLearningRate(W, this.model);
    const current = logs[this.monitor];
    if (current === undefined) {
      warn(`Learning rate reduction is conditioned on metric \`${this.monitor}\` which is not available. Available metrics are: ${Object.keys(logs).join(',')}.`);
      return;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.best === null || this.better(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (!(this.cooldownCounter > 0)) {
      this.wait += 1;
      if (this.wait >= this.patience) {
        const old = readLearningRate(W, this.model);
        if (old > Math.fround(this.minLr)) {
          // Keras: new_lr = max(old_lr · factor, min_lr) in Python floats, stored in the float32 variable.
          const lr = Math.max(old * this.factor, this.minLr);
          setLearningRate(W, this.model, lr);
          if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${pyFloatRepr(lr)}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

export interface LearningRateSchedulerArgs {
  verbose?: 0 | 1;
}

/**
 * keras.callbacks.LearningRateScheduler: at each epoch's start the learning rate becomes schedule(epoch, lr)
 * (epoch from 0, lr the current float32 value); each epoch's logs get `learning_rate`.
 */
export class LearningRateScheduler implements Callback {
  readonly verbose: 0 | 1;
  private model: CallbackModel | null = null;

  constructor(readonly schedule: (epoch: number, lr: number) => number, args: LearningRateSchedulerArgs = {}) {
    const W = 'LearningRateScheduler';
    if (typeof schedule !== 'function') fail(W, `schedule must be a function (epoch, lr) => lr, got ${describeValue(schedule)}`);
    checkOptions(W, args, optionKeys<LearningRateSchedulerArgs>({ verbose: true }));
    this.verbose = checkVerbose01(W, args.verbose);
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onEpochBegin(epoch: number): void {
    const W = 'LearningRateScheduler';
    const lr = this.schedule(epoch, readLearningRate(W, this.model));
    if (typeof lr !== 'number') fail(W, `the output of the schedule function should be a number, got ${describeValue(lr)}`);
    setLearningRate(W, this.model, lr);
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${pyFloatRepr(lr)}.`);
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = readLearningRate('LearningRateScheduler', this.model);
  }
}

export interface TerminateOnNaNArgs {
  /** Throw instead of stopping (Keras raise_error). */
  raiseError?: boolean;
}

/** keras.callbacks.TerminateOnNaN: stops training (or throws) at the first batch whose logged loss is NaN or ±∞. */
export class TerminateOnNaN implements Callback {
  readonly raiseError: boolean;
  private model: CallbackModel | null = null;

  constructor(args: TerminateOnNaNArgs = {}) {
    checkOptions('TerminateOnNaN', args, optionKeys<TerminateOnNaNArgs>({ raiseError: true }));
    this.raiseError = checkBoolean('TerminateOnNaN', 'raiseError', args.raiseError) ?? false;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      if (this.raiseError) fail('TerminateOnNaN', `NaN or Inf loss encountered at batch ${batch}. Loss value: ${pyFloatRepr(loss)}. Terminating training immediately.`);
      console.log(`Batch ${batch}: Invalid loss, terminating training`);
      this.model!.stopTraining = true;
    }
  }
}

export interface CSVLoggerArgs {
  separator?: string;
  append?: boolean;
}

/**
 * keras.callbacks.CSVLogger: one row per epoch, `epoch` then the logs' keys sorted (fixed at the first epoch;
 * when they hold no val_ key, val_<key> columns are added and read NA until they appear), numbers as Python's
 * csv module writes them (repr). append=true continues a file, writing the header only if it is empty.
 */
export class CSVLogger implements Callback {
  readonly separator: string;
  readonly append: boolean;
  private fd: number | null = null;
  private keys: string[] | null = null;
  private appendHeader = true;

  constructor(readonly filename: string, args: CSVLoggerArgs = {}) {
    const W = 'CSVLogger';
    if (typeof filename !== 'string' || filename === '') fail(W, `filename must be a non-empty string, got ${describeValue(filename)}`);
    checkOptions(W, args, optionKeys<CSVLoggerArgs>({ separator: true, append: true }));
    this.separator = checkString(W, 'separator', args.separator) ?? ',';
    if (this.separator.length !== 1) fail(W, `separator must be one character (Python's csv delimiter), got ${JSON.stringify(this.separator)}`);
    this.append = checkBoolean(W, 'append', args.append) ?? false;
  }

  onTrainBegin(): void {
    if (this.append && fs().existsSync(this.filename)) {
      this.appendHeader = fs().readFileSync(this.filename, 'utf8').split('\n')[0].length === 0;
    } else {
      this.appendHeader = true;
    }
    this.close();
    try {
      this.fd = fs().openSync(this.filename, this.append ? 'a' : 'w');
    } catch (e) {
      fail('CSVLogger', `cannot open ${this.filename}: ${(e as Error).message}`);
    }
    this.keys = null;
  }

  /** A field as csv.writer (QUOTE_MINIMAL, excel dialect) writes it. */
  private field(v: string): string {
    return /["\r\n]/.test(v) || v.includes(this.separator) ? `"${v.replace(/"/g, '""')}"` : v;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    let header = false;
    if (this.keys === null) {
      this.keys = Object.keys(logs).sort();
      if (!this.keys.some((k) => k.startsWith('val_')) && this.keys.length > 0) this.keys.push(...this.keys.map((k) => `val_${k}`));
      header = this.appendHeader;
    }
    const lines: string[] = [];
    if (header) lines.push(['epoch', ...this.keys].map((k) => this.field(k)).join(this.separator));
    lines.push([String(epoch), ...this.keys.map((k) => (k in logs ? pyFloatRepr(logs[k]) : 'NA'))].map((v) => this.field(v)).join(this.separator));
    // Python's csv module ends rows with \r\n (the excel dialect's lineterminator).
    fs().writeSync(this.fd!, lines.map((l) => `${l}\r\n`).join(''));
  }

  onTrainEnd(): void {
    this.close();
  }

  private close(): void {
    if (this.fd !== null) fs().closeSync(this.fd);
    this.fd = null;
  }
}

export interface ModelCheckpointArgs {
  monitor?: string;
  verbose?: 0 | 1;
  saveBestOnly?: boolean;
  saveWeightsOnly?: boolean;
  mode?: 'auto' | 'min' | 'max';
  /** 'epoch', or every this many batches. */
  saveFreq?: 'epoch' | number;
  /** The best value to beat from the start (Keras initial_value_threshold). */
  initialValueThreshold?: number | null;
}

/**
 * keras.callbacks.ModelCheckpoint: saves the model (`.keras`) or its weights (`.weights.h5`, with
 * saveWeightsOnly) after every epoch or every saveFreq batches; `filepath` is a Python format string over
 * epoch (from 1), batch and the logs ('ckpt-{epoch:02d}-{val_loss:.3f}.keras'); saveBestOnly saves only when
 * the monitored value improves (MonitorCallback rules). The HDF5 writer loads asynchronously, so
 * `await checkpoint.ready` once before a synchronous fit.
 */
export class ModelCheckpoint implements Callback {
  readonly filepath: string;
  readonly monitor: string;
  readonly verbose: 0 | 1;
  readonly saveBestOnly: boolean;
  readonly saveWeightsOnly: boolean;
  readonly saveFreq: 'epoch' | number;
  /** Resolves when the HDF5 writer is loaded. */
  readonly ready: Promise<void>;
  best: number | null;
  private readonly mode: 'auto' | 'min' | 'max';
  private better: ((a: number, b: number) => boolean) | null = null;
  private model: CallbackModel | null = null;
  private currentEpoch = 0;
  private batchesSinceSave = 0;
  private lastBatch: number | null = null;

  constructor(filepath: string, args: ModelCheckpointArgs = {}) {
    const W = 'ModelCheckpoint';
    if (typeof filepath !== 'string' || filepath === '') fail(W, `filepath must be a non-empty string, got ${describeValue(filepath)}`);
    checkOptions(W, args, optionKeys<ModelCheckpointArgs>({
      monitor: true, verbose: true, saveBestOnly: true, saveWeightsOnly: true, mode: true, saveFreq: true, initialValueThreshold: true,
    }));
    checkString(W, 'monitor', args.monitor);
    this.filepath = filepath;
    this.monitor = args.monitor ?? 'val_loss';
    this.verbose = checkVerbose01(W, args.verbose);
    this.saveBestOnly = checkBoolean(W, 'saveBestOnly', args.saveBestOnly) ?? false;
    this.saveWeightsOnly = checkBoolean(W, 'saveWeightsOnly', args.saveWeightsOnly) ?? false;
    this.mode = checkMode(W, args.mode);
    this.best = checkNumber(W, 'initialValueThreshold', args.initialValueThreshold, { nullable: true }) ?? null;
    const f = args.saveFreq ?? 'epoch';
    if (f !== 'epoch' && !(typeof f === 'number' && Number.isInteger(f) && f >= 1)) {
      fail(W, `saveFreq must be 'epoch' or a positive integer (batches), got ${describeValue(f)}`);
    }
    this.saveFreq = f;
    if (this.saveWeightsOnly) {
      if (!filepath.endsWith('.weights.h5')) fail(W, `with saveWeightsOnly the filepath must end in .weights.h5 (Keras weights format), got ${filepath}`);
    } else if (filepath.endsWith('.h5')) {
      fail(W, `the filepath ends in .h5: lstm-ts writes the Keras 3 format only; use a .keras filepath (or saveWeightsOnly with .weights.h5)`);
    } else if (!filepath.endsWith('.keras')) {
      fail(W, `the filepath must end in .keras (Keras model format), got ${filepath}`);
    }
    this.ready = loadH5();
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    if (!h5Loaded()) fail('ModelCheckpoint', 'the HDF5 writer is not loaded yet: `await checkpoint.ready` before calling fit');
  }

  onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  onBatchEnd(batch: number, logs: Logs): void {
    if (this.saveFreq === 'epoch') return;
    this.batchesSinceSave += this.lastBatch === null || batch <= this.lastBatch ? batch + 1 : batch - this.lastBatch;
    this.lastBatch = batch;
    if (this.batchesSinceSave >= this.saveFreq) {
      this.batchesSinceSave = 0;
      this.save(this.currentEpoch, batch, logs);
    }
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.better ??= monitorOp('ModelCheckpoint', this.monitor, this.mode, 0, this.model);
    if (this.saveFreq === 'epoch') this.save(epoch, null, logs);
  }

  /** The file a save at (epoch, batch) writes: filepath.format(epoch=epoch+1[, batch=batch+1], **logs). */
  filePath(epoch: number, batch: number | null, logs: Logs): string {
    return pyFormat('ModelCheckpoint', this.filepath, { ...logs, epoch: epoch + 1, ...(batch === null || 'batch' in logs ? {} : { batch: batch + 1 }) });
  }

  private shouldSave(epoch: number, logs: Logs, file: string): boolean {
    if (!this.saveBestOnly) {
      if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: saving model to ${file}`);
      return true;
    }
    const current = logs[this.monitor];
    if (current === undefined) {
      warn(`ModelCheckpoint: can save best model only with ${this.monitor} available.`);
      return true;
    }
    this.better ??= monitorOp('ModelCheckpoint', this.monitor, this.mode, 0, this.model);
    const bestStr = this.best === null ? 'None' : this.best.toFixed(5);
    if (this.best === null || this.better(current, this.best)) {
      if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ${this.monitor} improved from ${bestStr} to ${current.toFixed(5)}, saving model to ${file}`);
      this.best = current;
      return true;
    }
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: ${this.monitor} did not improve from ${bestStr}`);
    return false;
  }

  private save(epoch: number, batch: number | null, logs: Logs): void {
    const file = this.filePath(epoch, batch, logs);
    if (!this.shouldSave(epoch, logs, file)) return;
    if (fs().existsSync(file) && fs().statSync(file).isDirectory()) fail('ModelCheckpoint', `please specify a non-directory filepath; ${file} is an existing directory`);
    const dir = pathDirname(file);
    if (dir && !fs().existsSync(dir)) fs().mkdirSync(dir, { recursive: true });
    const model = this.model as unknown as Model;
    if (this.saveWeightsOnly) saveKerasWeightsSync(model, file);
    else saveKerasModelSync(model, file);
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: finished saving model to ${file}`);
  }
}
