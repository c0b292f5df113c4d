// Training callbacks (keras/src/callbacks): hooks fit() calls, and EarlyStopping with Keras 3's rules.
import { fail } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { optionKeys, checkOptions, checkString, checkNumber, checkBoolean } from '../util/options.js';

export type Logs = Record<string, number>;

/** The part of a model callbacks may touch. */
export interface CallbackModel {
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(values: Tensor[]): void;
  /** Direction of a compiled metric by name ('up' for accuracies), or undefined if unknown. */
  metricDirection(name: string): 'up' | 'down' | undefined;
}

export interface Callback {
  setModel?(model: CallbackModel): void;
  onTrainBegin?(logs?: Logs): void;
  onTrainEnd?(logs?: Logs): void;
  onEpochBegin?(epoch: number, logs?: Logs): void;
  onEpochEnd?(epoch: number, logs: Logs): void;
  onBatchBegin?(batch: number, logs?: Logs): void;
  onBatchEnd?(batch: number, logs: Logs): void;
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
    if (args.verbose !== undefined && args.verbose !== 0 && args.verbose !== 1) fail(W, `verbose must be 0 or 1, got ${String(args.verbose)}`);
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(args.minDelta ?? 0);
    this.patience = args.patience ?? 0;
    this.verbose = args.verbose ?? 0;
    this.mode = args.mode ?? 'auto';
    if (!['auto', 'min', 'max'].includes(this.mode)) fail('EarlyStopping', `mode must be auto, min or max, got ${this.mode}`);
    this.baseline = args.baseline ?? null;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = args.startFromEpoch ?? 0;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  private setMonitorOp(): void {
    let dir: 'up' | 'down' | undefined;
    if (this.mode === 'min') dir = 'down';
    else if (this.mode === 'max') dir = 'up';
    else {
      const name = this.monitor.replace(/^val_/, '');
      dir = name === 'loss' ? 'down' : this.model?.metricDirection(name);
      if (dir === undefined) {
        fail('EarlyStopping', `received monitor=${this.monitor}, but cannot determine whether it should be maximized or minimized; ` +
          "pass mode: 'max' or mode: 'min'");
      }
    }
    // Keras stores min_delta negated for 'less' and compares (current − min_delta) with the reference.
    const md = dir === 'down' ? -this.minDelta : this.minDelta;
    this.better = dir === 'down' ? (a, b) => a - md < b : (a, b) => a - md > b;
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
      process.emitWarning(`EarlyStopping: monitor '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(', ')})`);
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
