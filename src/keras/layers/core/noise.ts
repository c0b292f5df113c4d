// Keras's regularization layers besides Dropout (K3 keras/src/layers/regularization/*; keras-layers.md §7.3).
// Each is the identity outside training (and when its rate / stddev is 0), passes masks through
// (supports_masking), and draws from its own seeded generator, advancing per call like Keras's SeedGenerator;
// TF's random streams themselves cannot be reproduced (keras-tf-semantics.md §6.4).
//   SpatialDropout1D(rate)      inverted dropout with one mask per (sample, channel), shared by all steps: [B, 1, C]
//   GaussianNoise(stddev)       x + N(0, stddev²)
//   GaussianDropout(rate)       x · N(1, rate/(1 − rate))
//   AlphaDropout(rate)          dropped units set to α' = −αλ (SELU's saturation), then a·x + b with
//                               a = ((1 − rate)(1 + rate·α'²))^(−1/2), b = −a·α'·rate (alpha_dropout.py), so a
//                               SELU network keeps zero mean and unit variance
//   ActivityRegularization(l1, l2)  the identity, adding l1·Σ|y| + l2·Σy² ÷ batch as a layer loss (the base
//                               layer's activity-regularizer path, as Keras's Layer.__call__ divides it)

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { tensor, full } from '../../../tensor/create.js';
import { Random, getGlobalRandom } from '../../../tensor/random.js';
import { dropout as dropoutOp, dropoutMask } from '../../../ops/dropout.js';
import { mul, add } from '../../../ops/arithmetic.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { singleInput } from '../../engine/single-input.js';
import { registerLayerClass } from '../../engine/registry.js';
import { L1L2 } from '../../regularizers.js';
import { optionKeys, checkNumber } from '../../../util/options.js';

/** Keras's rate check (Dropout, GaussianDropout, AlphaDropout): a float in [0, 1]. */
function rateArg(cls: string, rate: unknown): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
    fail(cls, `Invalid value received for argument \`rate\`. Expected a float value between 0 and 1. Received: rate=${String(rate)}`);
  }
  return rate;
}

/** A tensor of `shape` filled by `draw()` (one generator call per element, in C order). */
function drawn(shape: number[], dtype: Tensor['dtype'], draw: () => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = draw();
  return tensor(v, { shape, dtype });
}

export interface SpatialDropout1DArgs extends LayerArgs {
  rate: number;
  seed?: number | null;
}

/** Keras SpatialDropout1D: drops whole channels of a [B, T, C] sequence, the same channels at every step. */
export class SpatialDropout1D extends Layer<Tensor> {
  static readonly kerasName: string = 'SpatialDropout1D';
  static readonly optionKeys = optionKeys<SpatialDropout1DArgs>({ ...LAYER_OPTIONS, rate: true, seed: true });
  readonly rate: number;
  readonly seed: number | null;
  private readonly rng: Random;
  constructor(args: SpatialDropout1DArgs) {
    super(args);
    this.rate = rateArg('SpatialDropout1D', args?.rate);
    this.seed = args.seed ?? null;
    this.rng = new Random(this.seed ?? getGlobalRandom().nextUint32());
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor {
    const x = singleInput(this, inputs);
    // InputSpec(ndim=3)
    if (x.rank !== 3) fail(this.name, `Input of layer '${this.name}' is incompatible with the layer: expected ndim=3, found ndim=${x.rank}. Full shape received: ${shapeStr(x.shape)}`);
    if (!kwargs.training || this.rate === 0) return x;
    const shape = [x.shape[0], 1, x.shape[2]];
    if (this.rate === 1) return mul(x, full(shape, 0, x.dtype));
    return dropoutOp(x, dropoutMask(shape, this.rate, this.rng, x.dtype));
  }
  /** base_spatial_dropout.get_config: {rate, seed, name, dtype} only, dtype as a plain string (no trainable). */
  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, seed: this.seed, name: this.name, dtype: this.dtype };
  }
  static fromConfig(cfg: Record<string, unknown>): SpatialDropout1D {
    return new SpatialDropout1D({ ...baseArgsFromConfig(cfg), rate: cfg.rate as number, seed: (cfg.seed as number | null | undefined) ?? null });
  }
}

export interface GaussianNoiseArgs extends LayerArgs {
  stddev: number;
  seed?: number | null;
}

/** Keras GaussianNoise: x + N(0, stddev²) in training. */
export class GaussianNoise extends Layer<Tensor> {
  static readonly kerasName: string = 'GaussianNoise';
  static readonly optionKeys = optionKeys<GaussianNoiseArgs>({ ...LAYER_OPTIONS, stddev: true, seed: true });
  readonly stddev: number;
  readonly seed: number | null;
  private readonly rng: Random;
  constructor(args: GaussianNoiseArgs) {
    super(args);
    const s = checkNumber('GaussianNoise', 'stddev', args?.stddev) ?? fail('GaussianNoise', 'stddev is required');
    // gaussian_noise.py: "Invalid value received for argument `stddev`. Expected a float value greater than 0."
    if (!(s >= 0)) fail('GaussianNoise', `Invalid value received for argument \`stddev\`. Expected a float value greater than 0. Received: stddev=${s}`);
    this.stddev = s;
    this.seed = args.seed ?? null;
    this.rng = new Random(this.seed ?? getGlobalRandom().nextUint32());
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor {
    const x = singleInput(this, inputs);
    if (!kwargs.training || this.stddev === 0) return x;
    return add(x, drawn([...x.shape], x.dtype, () => this.stddev * this.rng.normal()));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }
  static fromConfig(cfg: Record<string, unknown>): GaussianNoise {
    return new GaussianNoise({ ...baseArgsFromConfig(cfg), stddev: cfg.stddev as number, seed: (cfg.seed as number | null | undefined) ?? null });
  }
}

export interface RateSeedArgs extends LayerArgs {
  rate: number;
  seed?: number | null;
}

/** Keras GaussianDropout: x · N(1, rate/(1 − rate)) in training. */
export class GaussianDropout extends Layer<Tensor> {
  static readonly kerasName: string = 'GaussianDropout';
  static readonly optionKeys = optionKeys<RateSeedArgs>({ ...LAYER_OPTIONS, rate: true, seed: true });
  readonly rate: number;
  readonly seed: number | null;
  private readonly rng: Random;
  constructor(args: RateSeedArgs) {
    super(args);
    this.rate = rateArg('GaussianDropout', args?.rate);
    this.seed = args.seed ?? null;
    this.rng = new Random(this.seed ?? getGlobalRandom().nextUint32());
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor {
    const x = singleInput(this, inputs);
    if (!kwargs.training || this.rate === 0) return x;
    const sd = Math.sqrt(this.rate / (1 - this.rate));
    return mul(x, drawn([...x.shape], x.dtype, () => 1 + sd * this.rng.normal()));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
  static fromConfig(cfg: Record<string, unknown>): GaussianDropout {
    return new GaussianDropout({ ...baseArgsFromConfig(cfg), rate: cfg.rate as number, seed: (cfg.seed as number | null | undefined) ?? null });
  }
}

export interface AlphaDropoutArgs extends RateSeedArgs {
  noiseShape?: (number | null)[] | null;
}

/** SELU's constants (alpha_dropout.py). */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;

/** Keras AlphaDropout: dropped units go to SELU's saturation value, then an affine map restores mean and variance. */
export class AlphaDropout extends Layer<Tensor> {
  static readonly kerasName: string = 'AlphaDropout';
  static readonly optionKeys = optionKeys<AlphaDropoutArgs>({ ...LAYER_OPTIONS, rate: true, seed: true, noiseShape: true });
  readonly rate: number;
  readonly seed: number | null;
  readonly noiseShape: (number | null)[] | null;
  private readonly rng: Random;
  constructor(args: AlphaDropoutArgs) {
    super(args);
    this.rate = rateArg('AlphaDropout', args?.rate);
    this.seed = args.seed ?? null;
    this.noiseShape = args.noiseShape ?? null;
    this.rng = new Random(this.seed ?? getGlobalRandom().nextUint32());
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor {
    const x = singleInput(this, inputs);
    if (!kwargs.training || this.rate === 0) return x;
    const shape = this.noiseShape === null ? [...x.shape] : this.noiseShape.map((d, i) => {
      if (this.noiseShape!.length !== x.rank) fail(this.name, `noiseShape [${this.noiseShape!.join(', ')}] must have the input's rank ${x.rank}`);
      return d ?? x.shape[i];
    });
    const alphaP = -SELU_ALPHA * SELU_SCALE;
    const a = ((1 - this.rate) * (1 + this.rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * this.rate;
    // kept where u ≥ rate: a·x + b; dropped: a·α' + b. As y = x·scale + shift with per-unit scale and shift.
    const n = shape.reduce((p, q) => p * q, 1);
    const scaleT = tensor(new (x.dtype === 'float64' ? Float64Array : Float32Array)(n), { shape, dtype: x.dtype });
    const shift = tensor(new (x.dtype === 'float64' ? Float64Array : Float32Array)(n), { shape, dtype: x.dtype });
    for (let i = 0; i < n; i++) {
      const kept = this.rng.uniform() >= this.rate;
      scaleT.data[i] = kept ? a : 0;
      shift.data[i] = kept ? b : a * alphaP + b;
    }
    return add(mul(x, scaleT), shift);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, noise_shape: this.noiseShape };
  }
  static fromConfig(cfg: Record<string, unknown>): AlphaDropout {
    return new AlphaDropout({ ...baseArgsFromConfig(cfg), rate: cfg.rate as number, seed: (cfg.seed as number | null | undefined) ?? null,
      noiseShape: (cfg.noise_shape as (number | null)[] | null | undefined) ?? null });
  }
}

export interface ActivityRegularizationArgs extends LayerArgs {
  l1?: number;
  l2?: number;
}

/** Keras ActivityRegularization: the identity, with l1·Σ|y| + l2·Σy² (÷ batch) as a layer loss. */
export class ActivityRegularization extends Layer<Tensor> {
  static readonly kerasName: string = 'ActivityRegularization';
  static readonly optionKeys = optionKeys<ActivityRegularizationArgs>({ ...LAYER_OPTIONS, l1: true, l2: true });
  readonly l1: number;
  readonly l2: number;
  constructor(args: ActivityRegularizationArgs = {}) {
    const l1 = checkNumber('ActivityRegularization', 'l1', args.l1, { min: 0 }) ?? 0;
    const l2 = checkNumber('ActivityRegularization', 'l2', args.l2, { min: 0 }) ?? 0;
    if (args.activityRegularizer !== undefined) fail('ActivityRegularization', 'activityRegularizer is set from l1 and l2; pass those');
    super({ ...args, activityRegularizer: new L1L2({ l1, l2 }) });
    this.l1 = l1;
    this.l2 = l2;
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    return singleInput(this, inputs);
  }
  /** activity_regularization.py get_config: the base config without activity_regularizer, plus l1 and l2. */
  override getConfig(): Record<string, unknown> {
    const { activity_regularizer: _ar, ...base } = super.getConfig();
    void _ar;
    return { ...base, l1: this.l1, l2: this.l2 };
  }
  static fromConfig(cfg: Record<string, unknown>): ActivityRegularization {
    const { activityRegularizer: _ar, ...base } = baseArgsFromConfig(cfg);
    void _ar;
    return new ActivityRegularization({ ...base, l1: cfg.l1 as number | undefined, l2: cfg.l2 as number | undefined });
  }
}

registerLayerClass('SpatialDropout1D', SpatialDropout1D.fromConfig);
registerLayerClass('GaussianNoise', GaussianNoise.fromConfig);
registerLayerClass('GaussianDropout', GaussianDropout.fromConfig);
registerLayerClass('AlphaDropout', AlphaDropout.fromConfig);
registerLayerClass('ActivityRegularization', ActivityRegularization.fromConfig);
