// Random initializers (keras/src/initializers/random_initializers.py): RandomNormal, RandomUniform,
// TruncatedNormal, VarianceScaling and its named special cases (Glorot, He, LeCun).

import { fail } from '../../tensor/shape.js';
import { RandomInitializer, computeFans, truncatedStandardNormal } from './initializer.js';
import { optionKeys, checkOptions, checkNumber } from '../../util/options.js';

const count = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

export interface RandomNormalArgs { mean?: number; stddev?: number; seed?: number | null }
export interface RandomUniformArgs { minval?: number; maxval?: number; seed?: number | null }

/** N(mean, stddev²); Keras default stddev 0.05. */
export class RandomNormal extends RandomInitializer {
  readonly className: string = 'RandomNormal';
  readonly mean: number;
  readonly stddev: number;
  constructor(args: RandomNormalArgs = {}) {
    checkOptions(new.target.name, args, optionKeys<RandomNormalArgs>({ mean: true, stddev: true, seed: true }));
    checkNumber(new.target.name, 'mean', args.mean);
    checkNumber(new.target.name, 'stddev', args.stddev, { min: 0 });
    super(args.seed);
    this.mean = args.mean ?? 0.0;
    this.stddev = args.stddev ?? 0.05;
  }
  protected generate(shape: number[]): Float64Array {
    const rng = this.rng();
    const out = new Float64Array(count(shape));
    for (let i = 0; i < out.length; i++) out[i] = this.mean + this.stddev * rng.normal();
    return out;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }
}

/** N(mean, stddev²) with values beyond 2 stddev re-drawn (TF truncated_normal); default stddev 0.05. */
export class TruncatedNormal extends RandomNormal {
  override readonly className: string = 'TruncatedNormal';
  protected override generate(shape: number[]): Float64Array {
    const rng = this.rng();
    const out = new Float64Array(count(shape));
    for (let i = 0; i < out.length; i++) out[i] = this.mean + this.stddev * truncatedStandardNormal(rng);
    return out;
  }
}

/** U[minval, maxval); Keras defaults ±0.05. */
export class RandomUniform extends RandomInitializer {
  readonly className = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;
  constructor(args: RandomUniformArgs = {}) {
    checkOptions('RandomUniform', args, optionKeys<RandomUniformArgs>({ minval: true, maxval: true, seed: true }));
    checkNumber('RandomUniform', 'minval', args.minval);
    checkNumber('RandomUniform', 'maxval', args.maxval);
    super(args.seed);
    this.minval = args.minval ?? -0.05;
    this.maxval = args.maxval ?? 0.05;
    if (!(this.maxval >= this.minval)) fail('RandomUniform', `maxval (${this.maxval}) must be >= minval (${this.minval})`);
  }
  protected generate(shape: number[]): Float64Array {
    const rng = this.rng();
    const out = new Float64Array(count(shape));
    for (let i = 0; i < out.length; i++) out[i] = rng.uniformRange(this.minval, this.maxval);
    return out;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), minval: this.minval, maxval: this.maxval };
  }
}

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type VarianceDistribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

export interface VarianceScalingArgs {
  scale?: number;
  mode?: FanMode;
  distribution?: VarianceDistribution | 'normal';
  seed?: number | null;
  inputAxes?: number[] | null;
  outputAxes?: number[] | null;
}

/**
 * Keras VarianceScaling: n = fan_in | fan_out | (fan_in+fan_out)/2 (at least 1), s = scale / n;
 *   truncated_normal: stddev = sqrt(s) / 0.87962566103423978 (the std of N(0,1) truncated to ±2, so the
 *                     *truncated* samples have variance s), samples re-drawn beyond 2 stddev;
 *   untruncated_normal: stddev = sqrt(s);
 *   uniform: U[-limit, limit) with limit = sqrt(3 s).
 * Keras maps distribution 'normal' to 'truncated_normal'.
 */
export class VarianceScaling extends RandomInitializer {
  readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: VarianceDistribution;
  readonly inputAxes: number[] | null;
  readonly outputAxes: number[] | null;

  constructor(args: VarianceScalingArgs = {}) {
    // The named special cases (GlorotUniform...) check their own, smaller option set and pass the rest.
    if (new.target === VarianceScaling) {
      checkOptions('VarianceScaling', args, optionKeys<VarianceScalingArgs>({ scale: true, mode: true, distribution: true, seed: true, inputAxes: true, outputAxes: true }));
    }
    checkNumber(new.target.name, 'scale', args.scale);
    super(args.seed);
    this.scale = args.scale ?? 1.0;
    this.mode = args.mode ?? 'fan_in';
    const dist = args.distribution ?? 'truncated_normal';
    if (!(this.scale > 0)) fail('VarianceScaling', `Argument \`scale\` must be positive float. Received: scale=${this.scale}`);
    if (!['fan_in', 'fan_out', 'fan_avg'].includes(this.mode)) {
      fail('VarianceScaling', `Invalid \`mode\` argument: expected one of fan_in, fan_out, fan_avg, got '${this.mode}'`);
    }
    if (!['normal', 'truncated_normal', 'untruncated_normal', 'uniform'].includes(dist)) {
      fail('VarianceScaling', `Invalid \`distribution\` argument: expected one of normal, truncated_normal, untruncated_normal, uniform, got '${dist}'`);
    }
    this.distribution = dist === 'normal' ? 'truncated_normal' : dist;
    this.inputAxes = args.inputAxes ?? null;
    this.outputAxes = args.outputAxes ?? null;
  }

  /** The variance target s = scale / n for a shape (exposed for tests and docs). */
  scaleFor(shape: readonly number[]): number {
    const [fanIn, fanOut] = computeFans(shape, this.inputAxes, this.outputAxes);
    const n = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    return this.scale / Math.max(1, n);
  }

  protected generate(shape: number[]): Float64Array {
    const s = this.scaleFor(shape);
    const rng = this.rng();
    const out = new Float64Array(count(shape));
    if (this.distribution === 'truncated_normal') {
      const stddev = Math.sqrt(s) / 0.87962566103423978;
      for (let i = 0; i < out.length; i++) out[i] = stddev * truncatedStandardNormal(rng);
    } else if (this.distribution === 'untruncated_normal') {
      const stddev = Math.sqrt(s);
      for (let i = 0; i < out.length; i++) out[i] = stddev * rng.normal();
    } else {
      const limit = Math.sqrt(3 * s);
      for (let i = 0; i < out.length; i++) out[i] = rng.uniformRange(-limit, limit);
    }
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return {
      seed: this.seed,
      scale: this.scale,
      mode: this.mode,
      distribution: this.distribution,
      input_axes: this.inputAxes,
      output_axes: this.outputAxes,
    };
  }
}

export interface SeedArgs { seed?: number | null; inputAxes?: number[] | null; outputAxes?: number[] | null }

const SEED_ARGS = optionKeys<SeedArgs>({ seed: true, inputAxes: true, outputAxes: true });

/** The named special cases only take and serialise seed and axes (Keras get_config of GlorotUniform etc.). */
abstract class NamedVarianceScaling extends VarianceScaling {
  constructor(a: SeedArgs, fixed: Pick<VarianceScalingArgs, 'scale' | 'mode' | 'distribution'>) {
    checkOptions(new.target.name, a, SEED_ARGS);
    super({ ...a, ...fixed });
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed, input_axes: this.inputAxes, output_axes: this.outputAxes };
  }
}

/** limit = sqrt(6 / (fan_in + fan_out)). */
export class GlorotUniform extends NamedVarianceScaling {
  override readonly className = 'GlorotUniform';
  constructor(a: SeedArgs = {}) { super(a, { scale: 1.0, mode: 'fan_avg', distribution: 'uniform' }); }
}
/** truncated normal, stddev = sqrt(2 / (fan_in + fan_out)) / .8796... */
export class GlorotNormal extends NamedVarianceScaling {
  override readonly className = 'GlorotNormal';
  constructor(a: SeedArgs = {}) { super(a, { scale: 1.0, mode: 'fan_avg', distribution: 'truncated_normal' }); }
}
/** limit = sqrt(6 / fan_in). */
export class HeUniform extends NamedVarianceScaling {
  override readonly className = 'HeUniform';
  constructor(a: SeedArgs = {}) { super(a, { scale: 2.0, mode: 'fan_in', distribution: 'uniform' }); }
}
/** truncated normal, stddev = sqrt(2 / fan_in) / .8796... */
export class HeNormal extends NamedVarianceScaling {
  override readonly className = 'HeNormal';
  constructor(a: SeedArgs = {}) { super(a, { scale: 2.0, mode: 'fan_in', distribution: 'truncated_normal' }); }
}
/** limit = sqrt(3 / fan_in). */
export class LecunUniform extends NamedVarianceScaling {
  override readonly className = 'LecunUniform';
  constructor(a: SeedArgs = {}) { super(a, { scale: 1.0, mode: 'fan_in', distribution: 'uniform' }); }
}
/** truncated normal, stddev = sqrt(1 / fan_in) / .8796... */
export class LecunNormal extends NamedVarianceScaling {
  override readonly className = 'LecunNormal';
  constructor(a: SeedArgs = {}) { super(a, { scale: 1.0, mode: 'fan_in', distribution: 'truncated_normal' }); }
}
