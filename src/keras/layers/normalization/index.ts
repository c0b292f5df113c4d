// Keras normalization layers (K3 keras/src/layers/normalization/*, ops/nn.py; keras-layers.md §5).
//   LayerNormalization(axis=-1, epsilon=1e-3, center, scale): over `axis` of each example, with tf.nn.moments'
//     mean μ and biased variance σ²:  inv = rsqrt(σ² + ε)·γ;  y = x·inv + (β − μ·inv)   (ops/nn.py
//     `_layer_normalization`, in this operation order). γ, β have the shape of the normalized axes; axis is
//     written as given before build and as a sorted list after it. `rms_scaling` (deprecated) uses only γ and
//     computes x·rsqrt(σ² + ε)·γ, with the *variance*, as Keras does. Masks pass through and are ignored.
//   UnitNormalization(axis=-1): y = x · min(rsqrt(Σx²), 1/ε), ε = 1e-12, so a zero vector stays 0.
// Both are compositions of differentiable ops (mean, square, sqrt, …): their backward is the autograd engine's.

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr, normAxis } from '../../../tensor/shape.js';
import { mean, sum } from '../../../ops/reduce.js';
import { sub, mul, add, div, neg } from '../../../ops/arithmetic.js';
import { square, sqrt, addScalar, minimum } from '../../../ops/unary.js';
import { reshape } from '../../../ops/layout.js';
import { full } from '../../../tensor/create.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { singleInput } from '../../engine/single-input.js';
import { registerLayerClass } from '../../engine/registry.js';
import { get as getInit, serialize as serInit, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import { get as getReg, serialize as serReg, type Regularizer, type RegularizerIdentifier } from '../../regularizers.js';
import { get as getCon, serialize as serCon, type Constraint, type ConstraintIdentifier } from '../../constraints.js';
import { optionKeys, checkBoolean, checkNumber } from '../../../util/options.js';

function axisArg(cls: string, v: unknown): number | number[] {
  if (v === undefined || v === null) return -1;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (Array.isArray(v) && v.length > 0 && v.every((a) => Number.isInteger(a))) return [...(v as number[])];
  return fail(cls, `Expected an int or a list/tuple of ints for the argument 'axis', but received: ${JSON.stringify(v)}`);
}

/** 1 (1/√1) where rsqrt is taken: 1/sqrt(v) as one op pair. */
const rsqrt = (v: Tensor): Tensor => div(full([], 1, v.dtype), sqrt(v));

export interface LayerNormalizationArgs extends LayerArgs {
  axis?: number | number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  rmsScaling?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier | null;
  gammaRegularizer?: RegularizerIdentifier | null;
  betaConstraint?: ConstraintIdentifier | null;
  gammaConstraint?: ConstraintIdentifier | null;
}

export class LayerNormalization extends Layer<Tensor> {
  static readonly kerasName: string = 'LayerNormalization';
  static readonly optionKeys = optionKeys<LayerNormalizationArgs>({
    ...LAYER_OPTIONS, axis: true, epsilon: true, center: true, scale: true, rmsScaling: true, betaInitializer: true, gammaInitializer: true,
    betaRegularizer: true, gammaRegularizer: true, betaConstraint: true, gammaConstraint: true,
  });
  /** As given until build, then the sorted list (Keras). */
  axis: number | number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly rmsScaling: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly betaRegularizer: Regularizer | null;
  readonly gammaRegularizer: Regularizer | null;
  readonly betaConstraint: Constraint | null;
  readonly gammaConstraint: Constraint | null;
  gamma: Tensor | null = null;
  beta: Tensor | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    const n = 'LayerNormalization';
    this.axis = axisArg(n, args.axis);
    this.epsilon = checkNumber(n, 'epsilon', args.epsilon, { min: 0 }) ?? 1e-3;
    this.center = checkBoolean(n, 'center', args.center) ?? true;
    this.scale = checkBoolean(n, 'scale', args.scale) ?? true;
    this.rmsScaling = checkBoolean(n, 'rmsScaling', args.rmsScaling) ?? false;
    if (this.rmsScaling) {
      console.warn('You passed `rms_scaling=True`, which is deprecated. This argument incorrectly scales the input by the variance, not the root mean square. ' +
        'To correctly use RMS Normalization, please use `keras.ops.rms_normalization` / `keras.ops.nn.rms_normalization` instead.');
    }
    this.betaInitializer = getInit(args.betaInitializer ?? 'zeros');
    this.gammaInitializer = getInit(args.gammaInitializer ?? 'ones');
    this.betaRegularizer = getReg(args.betaRegularizer);
    this.gammaRegularizer = getReg(args.gammaRegularizer);
    this.betaConstraint = getCon(args.betaConstraint);
    this.gammaConstraint = getCon(args.gammaConstraint);
    this.supportsMasking = true;
  }

  private axes(rank: number): number[] {
    const list = Array.isArray(this.axis) ? this.axis : [this.axis];
    return list.map((a) => {
      if (a >= rank || a < -rank) fail(this.name, `Axis ${a} is out of bounds for input shape of rank ${rank}. Received: axis=${JSON.stringify(this.axis)}`);
      return normAxis(this.name, a, rank);
    });
  }

  override build(inputShape: number[]): void {
    this.axes(inputShape.length); // bounds, with Keras's message
    // Keras: the axis list sorted as given (negatives first), γ and β shaped by the input at those axes
    const raw = Array.isArray(this.axis) ? [...this.axis].sort((p, q) => p - q) : [this.axis];
    const shape = raw.map((a) => inputShape[normAxis(this.name, a, inputShape.length)]);
    this.axis = raw;
    if (this.scale || this.rmsScaling) {
      this.gamma = this.addWeight('gamma', shape, { initializer: this.gammaInitializer, regularizer: this.gammaRegularizer, constraint: this.gammaConstraint });
    }
    if (this.center && !this.rmsScaling) {
      this.beta = this.addWeight('beta', shape, { initializer: this.betaInitializer, regularizer: this.betaRegularizer, constraint: this.betaConstraint });
    }
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const x = singleInput(this, inputs);
    const axes = [...new Set(this.axes(x.rank))].sort((p, q) => p - q);
    // γ and β as the broadcast shape: the input's size on the normalized axes, 1 elsewhere
    const bshape = x.shape.map((d, i) => (axes.includes(i) ? d : 1));
    const bc = (w: Tensor | null) => (w === null ? null : reshape(w, bshape));
    const mu = mean(x, axes, true);
    const variance = mean(square(sub(x, mu)), axes, true);
    let inv = rsqrt(addScalar(variance, this.epsilon));
    const gamma = bc(this.gamma);
    if (gamma) inv = mul(inv, gamma);
    if (this.rmsScaling) return mul(x, inv);
    let res = mul(neg(mu), inv);
    const beta = bc(this.beta);
    if (beta) res = add(res, beta);
    return add(mul(x, inv), res);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: Array.isArray(this.axis) ? [...this.axis] : this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      rms_scaling: this.rmsScaling,
      beta_initializer: serInit(this.betaInitializer),
      gamma_initializer: serInit(this.gammaInitializer),
      beta_regularizer: serReg(this.betaRegularizer),
      gamma_regularizer: serReg(this.gammaRegularizer),
      beta_constraint: serCon(this.betaConstraint),
      gamma_constraint: serCon(this.gammaConstraint),
    };
  }

  static fromConfig(cfg: Record<string, unknown>): LayerNormalization {
    return new LayerNormalization({
      ...baseArgsFromConfig(cfg),
      axis: cfg.axis as number | number[] | undefined,
      epsilon: cfg.epsilon as number | undefined,
      center: cfg.center as boolean | undefined,
      scale: cfg.scale as boolean | undefined,
      rmsScaling: (cfg.rms_scaling as boolean | undefined) ?? false,
      betaInitializer: (cfg.beta_initializer as InitializerIdentifier | undefined) ?? 'zeros',
      gammaInitializer: (cfg.gamma_initializer as InitializerIdentifier | undefined) ?? 'ones',
      betaRegularizer: cfg.beta_regularizer as RegularizerIdentifier | null,
      gammaRegularizer: cfg.gamma_regularizer as RegularizerIdentifier | null,
      betaConstraint: cfg.beta_constraint as ConstraintIdentifier | null,
      gammaConstraint: cfg.gamma_constraint as ConstraintIdentifier | null,
    });
  }
}

export interface UnitNormalizationArgs extends LayerArgs {
  axis?: number | number[];
}

/** Keras UnitNormalization: x / ‖x‖ over `axis`, with ‖x‖ floored at 1e-12. */
export class UnitNormalization extends Layer<Tensor> {
  static readonly kerasName: string = 'UnitNormalization';
  static readonly optionKeys = optionKeys<UnitNormalizationArgs>({ ...LAYER_OPTIONS, axis: true });
  readonly axis: number | number[];
  constructor(args: UnitNormalizationArgs = {}) {
    super(args);
    this.axis = axisArg('UnitNormalization', args.axis);
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const x = singleInput(this, inputs);
    const axes = (Array.isArray(this.axis) ? this.axis : [this.axis]).map((a) => {
      if (a >= x.rank || a < -x.rank) fail(this.name, `axis ${a} is out of bounds for input shape ${shapeStr(x.shape)}`);
      return normAxis(this.name, a, x.rank);
    });
    // x · min(rsqrt(Σx²), 1/ε), ε = 1e-12 (ops/nn.py `_normalize`)
    const k = minimum(rsqrt(sum(square(x), axes, true)), full([], 1e12, x.dtype));
    return mul(x, k);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: Array.isArray(this.axis) ? [...this.axis] : this.axis };
  }
  static fromConfig(cfg: Record<string, unknown>): UnitNormalization {
    return new UnitNormalization({ ...baseArgsFromConfig(cfg), axis: cfg.axis as number | number[] | undefined });
  }
}

export { BatchNormalization, type BatchNormalizationArgs, type RenormClipping } from './batch-normalization.js';

registerLayerClass('LayerNormalization', LayerNormalization.fromConfig);
registerLayerClass('UnitNormalization', UnitNormalization.fromConfig);
