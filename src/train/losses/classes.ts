// Keras loss objects (keras.losses.MeanSquaredError, ...): a per-sample function plus a reduction.
// `call(yTrue, yPred)` gives the per-sample values (Keras `Loss.call`); `apply(yTrue, yPred, opts)` reduces
// them (Keras `Loss.__call__`). getConfig() matches Keras 3's serialized config keys.

import type { Tensor } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { optionKeys, checkClassOptions, checkString, checkBoolean, checkNumber } from '../../util/options.js';
import { checkReduction, combineWeights, reduceLoss, type Reduction } from './reduction.js';
import * as fns from './functions.js';
import * as more from './more.js';
import { kerasClassName } from '../../util/class-name.js';

export interface LossArgs {
  reduction?: Reduction | 'mean';
  name?: string;
}

export interface LossApplyOptions {
  /** Weights per sample (shape [B] or the per-sample values' shape). */
  sampleWeight?: Tensor | null;
  /** 0/1 mask over the per-sample values (Keras propagates the model output's mask here). */
  mask?: Tensor | null;
}

export type JsonConfig = { [k: string]: unknown };

const LOSS_OPTIONS = { reduction: true, name: true } as const satisfies { [K in keyof Required<LossArgs>]: true };

export abstract class Loss {
  readonly name: string;
  readonly reduction: Reduction;
  constructor(args: LossArgs, defaultName: string) {
    // Each loss class lists its options; unknown keys are refused, and the shared ones are type-checked.
    checkClassOptions(new.target, args);
    checkString(new.target.name, 'name', args.name);
    const a = args as CrossentropyArgs;
    checkBoolean(new.target.name, 'fromLogits', a.fromLogits);
    checkNumber(new.target.name, 'labelSmoothing', a.labelSmoothing, { min: 0, max: 1 });
    this.name = args.name ?? defaultName;
    this.reduction = checkReduction(kerasClassName(this), args.reduction);
  }

  /** Per-sample loss values (reduced over the last axis only). */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;

  /** The reduced loss (a scalar unless reduction is 'none'), differentiable w.r.t. yPred. */
  apply(yTrue: Tensor, yPred: Tensor, opts: LossApplyOptions = {}): Tensor {
    const values = this.call(yTrue, yPred);
    return reduceLoss(values, this.reduction, combineWeights(values, this.reduction, opts.sampleWeight, opts.mask));
  }

  getConfig(): JsonConfig {
    return { name: this.name, reduction: this.reduction };
  }

  /** Keras `serialize_keras_object` form. */
  serialize(): JsonConfig {
    return { module: 'keras.losses', class_name: kerasClassName(this), config: this.getConfig(), registered_name: null };
  }
}

export class MeanSquaredError extends Loss {
  static readonly kerasName: string = 'MeanSquaredError';
  static readonly optionKeys = optionKeys<LossArgs>(LOSS_OPTIONS);
  constructor(args: LossArgs = {}) {
    super(args, 'mean_squared_error');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return fns.meanSquaredError(yTrue, yPred);
  }
  static fromConfig(cfg: JsonConfig): MeanSquaredError {
    return new MeanSquaredError({ name: cfg.name as string, reduction: cfg.reduction as Reduction });
  }
}

export class MeanAbsoluteError extends Loss {
  static readonly kerasName: string = 'MeanAbsoluteError';
  static readonly optionKeys = optionKeys<LossArgs>(LOSS_OPTIONS);
  constructor(args: LossArgs = {}) {
    super(args, 'mean_absolute_error');
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return fns.meanAbsoluteError(yTrue, yPred);
  }
  static fromConfig(cfg: JsonConfig): MeanAbsoluteError {
    return new MeanAbsoluteError({ name: cfg.name as string, reduction: cfg.reduction as Reduction });
  }
}

export interface CrossentropyArgs extends LossArgs {
  fromLogits?: boolean;
  labelSmoothing?: number;
  /** Only −1 (the last axis) is supported, as in Keras's TF backend for sparse labels. */
  axis?: number;
}

function checkAxis(op: string, axis: number | undefined): void {
  if (axis !== undefined && axis !== -1) fail(op, `only axis=-1 is supported, got axis=${axis}`);
}

export class BinaryCrossentropy extends Loss {
  static readonly kerasName: string = 'BinaryCrossentropy';
  static readonly optionKeys = optionKeys<CrossentropyArgs>({ ...LOSS_OPTIONS, fromLogits: true, labelSmoothing: true, axis: true });
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  constructor(args: CrossentropyArgs = {}) {
    super(args, 'binary_crossentropy');
    checkAxis('BinaryCrossentropy', args.axis);
    this.fromLogits = args.fromLogits ?? false;
    this.labelSmoothing = args.labelSmoothing ?? 0;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return fns.binaryCrossentropy(yTrue, yPred, { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing });
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: -1 };
  }
  static fromConfig(cfg: JsonConfig): BinaryCrossentropy {
    return new BinaryCrossentropy({ name: cfg.name as string, reduction: cfg.reduction as Reduction,
      fromLogits: cfg.from_logits as boolean, labelSmoothing: cfg.label_smoothing as number, axis: cfg.axis as number });
  }
}

export class CategoricalCrossentropy extends Loss {
  static readonly kerasName: string = 'CategoricalCrossentropy';
  static readonly optionKeys = optionKeys<CrossentropyArgs>({ ...LOSS_OPTIONS, fromLogits: true, labelSmoothing: true, axis: true });
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  constructor(args: CrossentropyArgs = {}) {
    super(args, 'categorical_crossentropy');
    checkAxis('CategoricalCrossentropy', args.axis);
    this.fromLogits = args.fromLogits ?? false;
    this.labelSmoothing = args.labelSmoothing ?? 0;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return fns.categoricalCrossentropy(yTrue, yPred, { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing });
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: -1 };
  }
  static fromConfig(cfg: JsonConfig): CategoricalCrossentropy {
    return new CategoricalCrossentropy({ name: cfg.name as string, reduction: cfg.reduction as Reduction,
      fromLogits: cfg.from_logits as boolean, labelSmoothing: cfg.label_smoothing as number, axis: cfg.axis as number });
  }
}

export interface SparseCrossentropyArgs extends LossArgs {
  fromLogits?: boolean;
}

export class SparseCategoricalCrossentropy extends Loss {
  static readonly kerasName: string = 'SparseCategoricalCrossentropy';
  static readonly optionKeys = optionKeys<SparseCrossentropyArgs>({ ...LOSS_OPTIONS, fromLogits: true });
  readonly fromLogits: boolean;
  constructor(args: SparseCrossentropyArgs = {}) {
    super(args, 'sparse_categorical_crossentropy');
    this.fromLogits = args.fromLogits ?? false;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return fns.sparseCategoricalCrossentropy(yTrue, yPred, { fromLogits: this.fromLogits });
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), from_logits: this.fromLogits, ignore_class: null };
  }
  static fromConfig(cfg: JsonConfig): SparseCategoricalCrossentropy {
    if (cfg.ignore_class !== undefined && cfg.ignore_class !== null) {
      fail('SparseCategoricalCrossentropy', 'ignore_class is not supported');
    }
    return new SparseCategoricalCrossentropy({ name: cfg.name as string, reduction: cfg.reduction as Reduction, fromLogits: cfg.from_logits as boolean });
  }
}

/** A Keras loss whose config is only {name, reduction}: a per-sample function and its Keras default name. */
/** A loss class made by simpleLoss: options {name, reduction} only. */
export interface SimpleLossClass {
  new (args?: LossArgs): Loss;
  readonly optionKeys: readonly string[];
  fromConfig(cfg: JsonConfig): Loss;
}

function simpleLoss(className: string, defaultName: string, fn: (yTrue: Tensor, yPred: Tensor) => Tensor): SimpleLossClass {
  const C = class extends Loss {
    static readonly kerasName: string = className;
    static readonly optionKeys = optionKeys<LossArgs>(LOSS_OPTIONS);
    constructor(args: LossArgs = {}) {
      super(args, defaultName);
    }
    call(yTrue: Tensor, yPred: Tensor): Tensor {
      return fn(yTrue, yPred);
    }
    static fromConfig(cfg: JsonConfig): Loss {
      return new C({ name: cfg.name as string, reduction: cfg.reduction as Reduction });
    }
  };
  Object.defineProperty(C, 'name', { value: className });
  return C;
}

export const LogCosh = simpleLoss('LogCosh', 'log_cosh', more.logCosh);
export const Poisson = simpleLoss('Poisson', 'poisson', more.poisson);
export const MeanSquaredLogarithmicError = simpleLoss('MeanSquaredLogarithmicError', 'mean_squared_logarithmic_error', more.meanSquaredLogarithmicError);
export const MeanAbsolutePercentageError = simpleLoss('MeanAbsolutePercentageError', 'mean_absolute_percentage_error', more.meanAbsolutePercentageError);
export const KLDivergence = simpleLoss('KLDivergence', 'kl_divergence', more.klDivergence);
export const Hinge = simpleLoss('Hinge', 'hinge', more.hinge);
export const SquaredHinge = simpleLoss('SquaredHinge', 'squared_hinge', more.squaredHinge);
export const CategoricalHinge = simpleLoss('CategoricalHinge', 'categorical_hinge', more.categoricalHinge);

export interface CosineSimilarityArgs extends LossArgs {
  /** Only −1 (Keras's default; Keras's get_config does not even keep it). */
  axis?: number;
}

/** Keras CosineSimilarity: −cos(y_true, y_pred) over the last axis (−1 = same direction). */
export class CosineSimilarity extends Loss {
  static readonly kerasName: string = 'CosineSimilarity';
  static readonly optionKeys = optionKeys<CosineSimilarityArgs>({ ...LOSS_OPTIONS, axis: true });
  constructor(args: CosineSimilarityArgs = {}) {
    super(args, 'cosine_similarity');
    checkAxis('CosineSimilarity', args.axis);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return more.cosineSimilarity(yTrue, yPred);
  }
  static fromConfig(cfg: JsonConfig): CosineSimilarity {
    return new CosineSimilarity({ name: cfg.name as string, reduction: cfg.reduction as Reduction });
  }
}

export interface BinaryFocalArgs extends LossArgs {
  applyClassBalancing?: boolean;
  alpha?: number;
  gamma?: number;
  fromLogits?: boolean;
  labelSmoothing?: number;
  axis?: number;
}

/** Keras BinaryFocalCrossentropy (losses.py): focal-weighted binary cross-entropy, see more.binaryFocalCrossentropy. */
export class BinaryFocalCrossentropy extends Loss {
  static readonly kerasName: string = 'BinaryFocalCrossentropy';
  static readonly optionKeys = optionKeys<BinaryFocalArgs>({ ...LOSS_OPTIONS, applyClassBalancing: true, alpha: true, gamma: true, fromLogits: true, labelSmoothing: true, axis: true });
  readonly applyClassBalancing: boolean;
  readonly alpha: number;
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  constructor(args: BinaryFocalArgs = {}) {
    super(args, 'binary_focal_crossentropy');
    const W = 'BinaryFocalCrossentropy';
    checkAxis(W, args.axis);
    this.applyClassBalancing = checkBoolean(W, 'applyClassBalancing', args.applyClassBalancing) ?? false;
    this.alpha = checkNumber(W, 'alpha', args.alpha) ?? 0.25;
    this.gamma = checkNumber(W, 'gamma', args.gamma, { min: 0 }) ?? 2;
    this.fromLogits = checkBoolean(W, 'fromLogits', args.fromLogits) ?? false;
    this.labelSmoothing = checkNumber(W, 'labelSmoothing', args.labelSmoothing, { min: 0, max: 1 }) ?? 0;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return more.binaryFocalCrossentropy(yTrue, yPred, this);
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: -1,
      apply_class_balancing: this.applyClassBalancing, alpha: this.alpha, gamma: this.gamma };
  }
  static fromConfig(cfg: JsonConfig): BinaryFocalCrossentropy {
    return new BinaryFocalCrossentropy({ name: cfg.name as string, reduction: cfg.reduction as Reduction, fromLogits: cfg.from_logits as boolean,
      labelSmoothing: cfg.label_smoothing as number, axis: cfg.axis as number, applyClassBalancing: cfg.apply_class_balancing as boolean,
      alpha: cfg.alpha as number, gamma: cfg.gamma as number });
  }
}

export interface CategoricalFocalArgs extends LossArgs {
  alpha?: number;
  gamma?: number;
  fromLogits?: boolean;
  labelSmoothing?: number;
  axis?: number;
}

/** Keras CategoricalFocalCrossentropy (losses.py), see more.categoricalFocalCrossentropy. */
export class CategoricalFocalCrossentropy extends Loss {
  static readonly kerasName: string = 'CategoricalFocalCrossentropy';
  static readonly optionKeys = optionKeys<CategoricalFocalArgs>({ ...LOSS_OPTIONS, alpha: true, gamma: true, fromLogits: true, labelSmoothing: true, axis: true });
  readonly alpha: number;
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  constructor(args: CategoricalFocalArgs = {}) {
    super(args, 'categorical_focal_crossentropy');
    const W = 'CategoricalFocalCrossentropy';
    checkAxis(W, args.axis);
    this.alpha = checkNumber(W, 'alpha', args.alpha) ?? 0.25;
    this.gamma = checkNumber(W, 'gamma', args.gamma, { min: 0 }) ?? 2;
    this.fromLogits = checkBoolean(W, 'fromLogits', args.fromLogits) ?? false;
    this.labelSmoothing = checkNumber(W, 'labelSmoothing', args.labelSmoothing, { min: 0, max: 1 }) ?? 0;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return more.categoricalFocalCrossentropy(yTrue, yPred, this);
  }
  override getConfig(): JsonConfig {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: -1, alpha: this.alpha, gamma: this.gamma };
  }
  static fromConfig(cfg: JsonConfig): CategoricalFocalCrossentropy {
    return new CategoricalFocalCrossentropy({ name: cfg.name as string, reduction: cfg.reduction as Reduction, fromLogits: cfg.from_logits as boolean,
      labelSmoothing: cfg.label_smoothing as number, axis: cfg.axis as number, alpha: cfg.alpha as number, gamma: cfg.gamma as number });
  }
}

export interface HuberArgs extends LossArgs {
  delta?: number;
}

/**
 * Keras Huber(delta=1). Keras's get_config returns only {name, reduction}: delta is lost on a round trip
 * (keras-layers.md §8.2), and so it is here, to load what Keras saved the way Keras loads it.
 */
export class Huber extends Loss {
  static readonly kerasName: string = 'Huber';
  static readonly optionKeys = optionKeys<HuberArgs>({ ...LOSS_OPTIONS, delta: true });
  readonly delta: number;
  constructor(args: HuberArgs = {}) {
    super(args, 'huber_loss');
    this.delta = checkNumber('Huber', 'delta', args.delta, { min: 0 }) ?? 1;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return more.huber(yTrue, yPred, this.delta);
  }
  static fromConfig(cfg: JsonConfig): Huber {
    return new Huber({ name: cfg.name as string, reduction: cfg.reduction as Reduction });
  }
}

const BY_NAME: Record<string, () => Loss> = {
  mse: () => new MeanSquaredError(),
  mean_squared_error: () => new MeanSquaredError(),
  MeanSquaredError: () => new MeanSquaredError(),
  mae: () => new MeanAbsoluteError(),
  mean_absolute_error: () => new MeanAbsoluteError(),
  MeanAbsoluteError: () => new MeanAbsoluteError(),
  binary_crossentropy: () => new BinaryCrossentropy(),
  BinaryCrossentropy: () => new BinaryCrossentropy(),
  categorical_crossentropy: () => new CategoricalCrossentropy(),
  CategoricalCrossentropy: () => new CategoricalCrossentropy(),
  sparse_categorical_crossentropy: () => new SparseCategoricalCrossentropy(),
  SparseCategoricalCrossentropy: () => new SparseCategoricalCrossentropy(),
  // keras/src/losses/__init__.py ALL_OBJECTS and their aliases
  huber: () => new Huber(), huber_loss: () => new Huber(), Huber: () => new Huber(),
  log_cosh: () => new LogCosh(), logcosh: () => new LogCosh(), LogCosh: () => new LogCosh(),
  poisson: () => new Poisson(), Poisson: () => new Poisson(),
  msle: () => new MeanSquaredLogarithmicError(), MSLE: () => new MeanSquaredLogarithmicError(),
  mean_squared_logarithmic_error: () => new MeanSquaredLogarithmicError(), MeanSquaredLogarithmicError: () => new MeanSquaredLogarithmicError(),
  mape: () => new MeanAbsolutePercentageError(), MAPE: () => new MeanAbsolutePercentageError(),
  mean_absolute_percentage_error: () => new MeanAbsolutePercentageError(), MeanAbsolutePercentageError: () => new MeanAbsolutePercentageError(),
  kl_divergence: () => new KLDivergence(), kld: () => new KLDivergence(), KLD: () => new KLDivergence(), KLDivergence: () => new KLDivergence(),
  cosine_similarity: () => new CosineSimilarity(), CosineSimilarity: () => new CosineSimilarity(),
  hinge: () => new Hinge(), Hinge: () => new Hinge(),
  squared_hinge: () => new SquaredHinge(), SquaredHinge: () => new SquaredHinge(),
  categorical_hinge: () => new CategoricalHinge(), CategoricalHinge: () => new CategoricalHinge(),
  binary_focal_crossentropy: () => new BinaryFocalCrossentropy(), BinaryFocalCrossentropy: () => new BinaryFocalCrossentropy(),
  categorical_focal_crossentropy: () => new CategoricalFocalCrossentropy(), CategoricalFocalCrossentropy: () => new CategoricalFocalCrossentropy(),
};

/** tfjs's loss names that are not the camelCase of a Keras name (tfjs-layers src/losses.ts lossesMap). */
const TFJS_LOSS_NAMES: Record<string, string> = {
  kullbackLeiblerDivergence: 'kl_divergence', cosineProximity: 'cosine_similarity', logcosh: 'log_cosh',
};

/** 'meanSquaredError' → 'mean_squared_error': the tfjs spelling of a Keras name. */
export function camelToSnake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

const FROM_CONFIG: Record<string, (cfg: JsonConfig) => Loss> = {
  MeanSquaredError: MeanSquaredError.fromConfig,
  MeanAbsoluteError: MeanAbsoluteError.fromConfig,
  BinaryCrossentropy: BinaryCrossentropy.fromConfig,
  CategoricalCrossentropy: CategoricalCrossentropy.fromConfig,
  SparseCategoricalCrossentropy: SparseCategoricalCrossentropy.fromConfig,
  Huber: Huber.fromConfig,
  LogCosh: LogCosh.fromConfig,
  Poisson: Poisson.fromConfig,
  MeanSquaredLogarithmicError: MeanSquaredLogarithmicError.fromConfig,
  MeanAbsolutePercentageError: MeanAbsolutePercentageError.fromConfig,
  KLDivergence: KLDivergence.fromConfig,
  CosineSimilarity: CosineSimilarity.fromConfig,
  Hinge: Hinge.fromConfig,
  SquaredHinge: SquaredHinge.fromConfig,
  CategoricalHinge: CategoricalHinge.fromConfig,
  BinaryFocalCrossentropy: BinaryFocalCrossentropy.fromConfig,
  CategoricalFocalCrossentropy: CategoricalFocalCrossentropy.fromConfig,
};

/** keras.losses.get: a Loss instance, a Keras name ('mse', 'binary_crossentropy', ...), or a serialized config. */
export function get(id: Loss | string | JsonConfig): Loss {
  if (id instanceof Loss) return id;
  if (typeof id === 'string') {
    const make = BY_NAME[id] ?? BY_NAME[TFJS_LOSS_NAMES[id] ?? ''] ?? BY_NAME[id.charAt(0).toUpperCase() + id.slice(1)] ?? BY_NAME[camelToSnake(id)];
    if (!make) fail('losses.get', `unknown loss '${id}'; known: ${Object.keys(BY_NAME).join(', ')} (and tfjs's camelCase names)`);
    return make();
  }
  if (typeof id === 'object' && id !== null && typeof id.class_name === 'string') {
    const make = FROM_CONFIG[id.class_name];
    if (!make) fail('losses.get', `unknown loss class '${id.class_name}'`);
    return make((id.config ?? {}) as JsonConfig);
  }
  return fail('losses.get', `expected a Loss, a name or a serialized config, got ${String(id)}`);
}
