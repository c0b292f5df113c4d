// Keras 3 BatchNormalization (keras/src/layers/normalization/batch_normalization.py; keras-layers.md §5.2).
//
// Weights: gamma, beta (trainable, shape [C] = the input's size on `axis`), moving_mean, moving_variance
// (non-trainable), and with renorm also moving_stddev, renorm_mean, renorm_stddev (non-trainable), in that order.
//
// call(x, training, mask), with the reduction axes R = every axis but `axis`:
//   * training && this.trainable (Keras: `if training and self.trainable`; a frozen BN normalizes with its moving
//     statistics even inside fit, Keras 3's semantics):
//       μ, σ² = the batch moments over R (tf.nn.moments: μ = mean(x), σ² = mean((x − stop_gradient(μ))²), the
//       biased variance); with a mask m ([B, …], rank − 1, broadcast on a new last axis):
//       μ = Σ m·x / (Σ m + 1e-7), σ² = Σ m·(x − μ)² / (Σ m + 1e-7), masked positions still normalized;
//       moving ← moving·momentum + batch·(1 − momentum) for the mean and the variance, written in place (Keras's
//       `assign` during the forward pass), outside the gradient tape;
//   * otherwise μ = moving_mean, σ² = moving_variance, and nothing is updated.
//   y = tf.nn.batch_normalization: inv = rsqrt(σ² + ε)·γ;  y = x·inv + (β − μ·inv)   (this operation order).
// Batch renormalization (Ioffe 2017; renorm=True), in training: s = sqrt(σ² + ε), r = s / max(renorm_stddev, √ε),
// d = (μ − renorm_mean) / max(renorm_stddev, √ε), clipped by renorm_clipping {rmin, rmax, dmax}; γ' = r·γ,
// β' = d·γ + β with r and d constants for the gradient (stop_gradient); then renorm_mean/renorm_stddev move
// toward μ/s with renorm_momentum, moving_mean/moving_stddev toward μ/s with momentum, and moving_variance =
// relu(moving_stddev² − ε).
// Every op rounds to the layer's dtype (float32 unless dtype float64), as TF's float32 kernels do.

import { Tensor, allocate } from '../../../tensor/tensor.js';
import { fail, shapeStr, normAxis } from '../../../tensor/shape.js';
import { tensor, full } from '../../../tensor/create.js';
import { mean, sum } from '../../../ops/reduce.js';
import { sub, mul, add, div, neg } from '../../../ops/arithmetic.js';
import { square, sqrt, addScalar } from '../../../ops/unary.js';
import { reshape } from '../../../ops/layout.js';
import { noGrad } from '../../../autograd/mode.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { singleInput } from '../../engine/single-input.js';
import { registerLayerClass } from '../../engine/registry.js';
import { get as getInit, serialize as serInit, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import { get as getReg, serialize as serReg, type Regularizer, type RegularizerIdentifier } from '../../regularizers.js';
import { get as getCon, serialize as serCon, type Constraint, type ConstraintIdentifier } from '../../constraints.js';
import { optionKeys, checkBoolean, checkNumber, checkOptions } from '../../../util/options.js';
import { toMask01 } from '../../../ops/select.js';

/** Keras's renorm_clipping: each bound optional. */
export interface RenormClipping {
  rmax?: number | null;
  rmin?: number | null;
  dmax?: number | null;
}

export interface BatchNormalizationArgs extends LayerArgs {
  /** The features axis (an int, default −1): the statistics are taken over every other axis. */
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier | null;
  gammaRegularizer?: RegularizerIdentifier | null;
  betaConstraint?: ConstraintIdentifier | null;
  gammaConstraint?: ConstraintIdentifier | null;
  renorm?: boolean;
  renormClipping?: RenormClipping | null;
  renormMomentum?: number;
  /** TF's cross-replica statistics; with one replica (always, here) the same as false, as in Keras on TF. */
  synchronized?: boolean;
}

const BN = 'BatchNormalization';
/** keras.backend.epsilon(), the masked moments' guard. */
const MASK_EPS = 1e-7;

export class BatchNormalization extends Layer<Tensor> {
  static readonly kerasName: string = 'BatchNormalization';
  static readonly optionKeys = optionKeys<BatchNormalizationArgs>({
    ...LAYER_OPTIONS, axis: true, momentum: true, epsilon: true, center: true, scale: true, betaInitializer: true, gammaInitializer: true,
    movingMeanInitializer: true, movingVarianceInitializer: true, betaRegularizer: true, gammaRegularizer: true, betaConstraint: true,
    gammaConstraint: true, renorm: true, renormClipping: true, renormMomentum: true, synchronized: true,
  });
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly movingMeanInitializer: Initializer;
  readonly movingVarianceInitializer: Initializer;
  readonly betaRegularizer: Regularizer | null;
  readonly gammaRegularizer: Regularizer | null;
  readonly betaConstraint: Constraint | null;
  readonly gammaConstraint: Constraint | null;
  readonly renorm: boolean;
  /** As Keras keeps it: {} when renorm without clipping, null without renorm unless given. */
  readonly renormClipping: RenormClipping | null;
  readonly renormMomentum: number;
  readonly synchronized: boolean;
  gamma: Tensor | null = null;
  beta: Tensor | null = null;
  movingMean: Tensor | null = null;
  movingVariance: Tensor | null = null;
  movingStddev: Tensor | null = null;
  renormMean: Tensor | null = null;
  renormStddev: Tensor | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    const a = args.axis ?? -1;
    if (!Number.isInteger(a)) fail(BN, `axis must be an integer (Keras 3 normalizes one features axis), got ${JSON.stringify(args.axis)}`);
    this.axis = a;
    this.momentum = checkNumber(BN, 'momentum', args.momentum) ?? 0.99;
    this.epsilon = checkNumber(BN, 'epsilon', args.epsilon, { min: 0 }) ?? 1e-3;
    this.center = checkBoolean(BN, 'center', args.center) ?? true;
    this.scale = checkBoolean(BN, 'scale', args.scale) ?? true;
    this.betaInitializer = getInit(args.betaInitializer ?? 'zeros');
    this.gammaInitializer = getInit(args.gammaInitializer ?? 'ones');
    this.movingMeanInitializer = getInit(args.movingMeanInitializer ?? 'zeros');
    this.movingVarianceInitializer = getInit(args.movingVarianceInitializer ?? 'ones');
    this.betaRegularizer = getReg(args.betaRegularizer);
    this.gammaRegularizer = getReg(args.gammaRegularizer);
    this.betaConstraint = getCon(args.betaConstraint);
    this.gammaConstraint = getCon(args.gammaConstraint);
    this.renorm = checkBoolean(BN, 'renorm', args.renorm) ?? false;
    this.renormMomentum = checkNumber(BN, 'renormMomentum', args.renormMomentum) ?? 0.99;
    this.synchronized = checkBoolean(BN, 'synchronized', args.synchronized) ?? false;
    let clip = args.renormClipping ?? null;
    if (this.renorm) {
      clip = clip ?? {};
      if (typeof clip !== 'object' || Array.isArray(clip)) fail(BN, `renormClipping must be an object with rmax, rmin, dmax, got ${JSON.stringify(clip)}`);
      checkOptions(BN, clip, ['rmax', 'rmin', 'dmax'], 'renormClipping key');
      for (const k of ['rmax', 'rmin', 'dmax'] as const) checkNumber(BN, `renormClipping.${k}`, clip[k], { nullable: true });
      const { rmax, rmin, dmax } = clip;
      if (rmax != null && rmin != null && rmax < rmin) fail(BN, `rmax should be greater than rmin in the renormClipping argument. Received: rmax=${rmax}, rmin=${rmin}.`);
      if (dmax != null && dmax < 0) fail(BN, `dmax should be non-negative in the renormClipping argument. Received: dmax=${dmax}.`);
    }
    this.renormClipping = clip === null ? null : { ...clip };
    this.supportsMasking = true;
  }

  private featureAxis(rank: number): number {
    if (this.axis >= rank || this.axis < -rank) fail(this.name, `Axis ${this.axis} is out of bounds for input shape of rank ${rank}. Received: axis=${this.axis}`);
    return normAxis(this.name, this.axis, rank);
  }

  override build(inputShape: number[]): void {
    const ax = this.featureAxis(inputShape.length);
    const c = inputShape[ax];
    if (!(c > 0)) fail(this.name, `Axis ${this.axis} of input tensor should have a defined dimension but the layer received an input with shape ${shapeStr(inputShape)}.`);
    const shape = [c];
    if (this.scale) this.gamma = this.addWeight('gamma', shape, { initializer: this.gammaInitializer, regularizer: this.gammaRegularizer, constraint: this.gammaConstraint });
    if (this.center) this.beta = this.addWeight('beta', shape, { initializer: this.betaInitializer, regularizer: this.betaRegularizer, constraint: this.betaConstraint });
    this.movingMean = this.addWeight('moving_mean', shape, { initializer: this.movingMeanInitializer, trainable: false });
    this.movingVariance = this.addWeight('moving_variance', shape, { initializer: this.movingVarianceInitializer, trainable: false });
    if (this.renorm) {
      // moving_stddev and renorm_stddev start at sqrt(moving_variance_initializer(shape)), renorm_mean as the mean
      const stddev = (name: string): Tensor => {
        const w = this.addWeight(name, shape, { initializer: this.movingVarianceInitializer, trainable: false });
        const rd = w.dtype === 'float32' ? Math.fround : (v: number) => v;
        for (let j = 0; j < w.size; j++) w.data[j] = rd(Math.sqrt(w.data[j]));
        return w;
      };
      this.movingStddev = stddev('moving_stddev');
      this.renormMean = this.addWeight('renorm_mean', shape, { initializer: this.movingMeanInitializer, trainable: false });
      this.renormStddev = stddev('renorm_stddev');
    }
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor {
    const x = singleInput(this, inputs);
    const mask = kwargs.mask ?? null;
    if (mask !== null && mask.rank !== x.rank - 1) {
      fail(this.name, `The mask provided should be one dimension less than the inputs. Received: mask.shape=${shapeStr(mask.shape)}, inputs.shape=${shapeStr(x.shape)}`);
    }
    const ax = this.featureAxis(x.rank);
    const axes = x.shape.map((_, i) => i).filter((i) => i !== ax);
    const bshape = x.shape.map((d, i) => (i === ax ? d : 1));
    const bc = (w: Tensor) => reshape(w, bshape);
    let gamma = this.gamma ? bc(this.gamma) : null;
    let beta = this.beta ? bc(this.beta) : null;
    let mu: Tensor, variance: Tensor;
    if (kwargs.training === true && this.trainable) {
      [mu, variance] = mask === null ? this.moments(x, axes) : this.maskedMoments(x, mask, axes);
      if (this.renorm) [gamma, beta] = this.renormTransforms(mu, variance, gamma, beta, bshape, x.dtype);
      else this.updateMoving(mu, variance);
    } else {
      mu = bc(this.movingMean!);
      variance = bc(this.movingVariance!);
    }
    // tf.nn.batch_normalization
    let inv = div(full([], 1, x.dtype), sqrt(addScalar(variance, this.epsilon)));
    if (gamma) inv = mul(inv, gamma);
    const shift = beta ? sub(beta, mul(mu, inv)) : mul(neg(mu), inv);
    return add(mul(x, inv), shift);
  }

  /** tf.nn.moments with keepdims: μ, and σ² about a μ the gradient does not flow through. */
  private moments(x: Tensor, axes: number[]): [Tensor, Tensor] {
    const mu = mean(x, axes, true);
    return [mu, mean(square(sub(x, mu.detach())), axes, true)];
  }

  /** BatchNormalization._moments with a mask: weighted by the mask broadcast over the features. */
  private maskedMoments(x: Tensor, mask: Tensor, axes: number[]): [Tensor, Tensor] {
    const mshape = [...mask.shape, 1];
    for (let i = 0; i < mask.rank; i++) {
      if (mask.shape[i] !== x.shape[i]) fail(this.name, `mask shape ${shapeStr(mask.shape)} does not match the leading axes of the input ${shapeStr(x.shape)}`);
    }
    const m01 = toMask01(mask, mshape, x.dtype);
    // where(m, x, 0) = m·x exactly for m ∈ {0, 1}; the weight of each feature is Σ m over the reduction axes of
    // the mask broadcast to x's shape
    const ones = full(x.shape, 1, x.dtype);
    const weights = addScalar(sum(mul(ones, m01), axes, true), MASK_EPS);
    const mu = div(sum(mul(x, m01), axes, true), weights);
    const diff = mul(sub(x, mu), m01);
    return [mu, div(sum(square(diff), axes, true), weights)];
  }

  /** moving ← moving·momentum + batch·(1 − momentum), in place, in the weight's dtype. */
  private updateMoving(mu: Tensor, variance: Tensor): void {
    noGrad(() => {
      blend(this.movingMean!, mu.data, this.momentum);
      blend(this.movingVariance!, variance.data, this.momentum);
    });
  }

  /** Batch renormalization's γ' = r·γ, β' = d·γ + β (r, d constants) and its statistics updates. */
  private renormTransforms(mu: Tensor, variance: Tensor, gamma: Tensor | null, beta: Tensor | null, bshape: number[], dtype: Tensor['dtype']): [Tensor, Tensor] {
    const rd = dtype === 'float32' ? Math.fround : (v: number) => v;
    const n = this.movingMean!.size;
    const eps = rd(this.epsilon);
    const floor = rd(Math.sqrt(eps)); // ops.sqrt(ops.cast(self.epsilon, dtype))
    const { rmin, rmax, dmax } = this.renormClipping ?? {};
    const r = allocate(dtype, n), d = allocate(dtype, n), s = allocate(dtype, n);
    const rm = this.renormMean!.data, rs = this.renormStddev!.data;
    for (let j = 0; j < n; j++) {
      s[j] = rd(Math.sqrt(rd(variance.data[j] + eps)));
      const den = Math.max(rs[j], floor);
      let rj = rd(s[j] / den);
      let dj = rd(rd(mu.data[j] - rm[j]) / den);
      if (rmin != null) rj = Math.max(rj, rd(rmin));
      if (rmax != null) rj = Math.min(rj, rd(rmax));
      if (dmax != null) dj = Math.min(Math.max(dj, rd(-dmax)), rd(dmax));
      r[j] = rj;
      d[j] = dj;
    }
    const rT = tensor(r, { shape: bshape, dtype }), dT = tensor(d, { shape: bshape, dtype });
    let g2: Tensor, b2: Tensor;
    if (gamma) {
      g2 = mul(rT, gamma);
      b2 = mul(dT, gamma);
    } else {
      g2 = rT;
      b2 = dT;
    }
    if (beta) b2 = add(b2, beta);
    noGrad(() => {
      blend(this.renormMean!, mu.data, this.renormMomentum);
      blend(this.renormStddev!, s, this.renormMomentum);
      blend(this.movingMean!, mu.data, this.momentum);
      blend(this.movingStddev!, s, this.momentum);
      const ms = this.movingStddev!.data, mv = this.movingVariance!.data;
      for (let j = 0; j < n; j++) mv[j] = Math.max(0, rd(rd(ms[j] * ms[j]) - eps));
      this.movingVariance!.bumpVersion();
    });
    return [g2, b2];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: serInit(this.betaInitializer),
      gamma_initializer: serInit(this.gammaInitializer),
      moving_mean_initializer: serInit(this.movingMeanInitializer),
      moving_variance_initializer: serInit(this.movingVarianceInitializer),
      beta_regularizer: serReg(this.betaRegularizer),
      gamma_regularizer: serReg(this.gammaRegularizer),
      beta_constraint: serCon(this.betaConstraint),
      gamma_constraint: serCon(this.gammaConstraint),
      synchronized: this.synchronized,
      renorm: this.renorm,
      renorm_clipping: this.renormClipping === null ? null : { ...this.renormClipping },
      renorm_momentum: this.renormMomentum,
    };
  }

  static fromConfig(cfg: Record<string, unknown>): BatchNormalization {
    let axis = cfg.axis;
    // Keras 2 files may hold a one-element list (saving_utils.model_from_config converts it to an int)
    if (Array.isArray(axis) && axis.length === 1) axis = axis[0];
    return new BatchNormalization({
      ...baseArgsFromConfig(cfg),
      axis: axis as number | undefined,
      momentum: cfg.momentum as number | undefined,
      epsilon: cfg.epsilon as number | undefined,
      center: cfg.center as boolean | undefined,
      scale: cfg.scale as boolean | undefined,
      betaInitializer: (cfg.beta_initializer as InitializerIdentifier | undefined) ?? 'zeros',
      gammaInitializer: (cfg.gamma_initializer as InitializerIdentifier | undefined) ?? 'ones',
      movingMeanInitializer: (cfg.moving_mean_initializer as InitializerIdentifier | undefined) ?? 'zeros',
      movingVarianceInitializer: (cfg.moving_variance_initializer as InitializerIdentifier | undefined) ?? 'ones',
      betaRegularizer: cfg.beta_regularizer as RegularizerIdentifier | null,
      gammaRegularizer: cfg.gamma_regularizer as RegularizerIdentifier | null,
      betaConstraint: cfg.beta_constraint as ConstraintIdentifier | null,
      gammaConstraint: cfg.gamma_constraint as ConstraintIdentifier | null,
      synchronized: (cfg.synchronized as boolean | undefined) ?? false,
      renorm: (cfg.renorm as boolean | undefined) ?? false,
      renormClipping: (cfg.renorm_clipping as RenormClipping | null | undefined) ?? null,
      renormMomentum: (cfg.renorm_momentum as number | undefined) ?? 0.99,
    });
  }
}

/** w ← w·momentum + v·(1 − momentum), each op rounded to w's dtype (momentum a Python float: 1 − momentum exact). */
function blend(w: Tensor, v: ArrayLike<number>, momentum: number): void {
  const rd = w.dtype === 'float32' ? Math.fround : (x: number) => x;
  const m = rd(momentum), c = rd(1 - momentum);
  const d = w.data;
  for (let j = 0; j < d.length; j++) d[j] = rd(rd(d[j] * m) + rd(v[j] * c));
  w.bumpVersion();
}

registerLayerClass('BatchNormalization', BatchNormalization.fromConfig);
