// lt.keras.initializers: classes, camelCase factories, and Keras's get/serialize/deserialize.
// Identifiers accepted everywhere an initializer is expected (Keras `initializers.get`):
// an Initializer instance, a string ('glorot_uniform', 'GlorotUniform', 'glorotUniform', 'orthogonal',
// 'zeros', ...), or a serialised dict ({class_name, config} in Keras 3 or legacy TF2 form).

import { fail } from '../../tensor/shape.js';
import { KerasRegistry, serializeKerasObject, cfgNumber, cfgSeed, type KerasObjectConfig } from '../engine/serialization.js';
import { Initializer, RandomInitializer, computeFans } from './initializer.js';
import { Zeros, Ones, Constant, Identity } from './constant.js';
import {
  RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, GlorotUniform, GlorotNormal, HeUniform, HeNormal,
  LecunUniform, LecunNormal, type RandomNormalArgs, type RandomUniformArgs, type VarianceScalingArgs, type SeedArgs,
  type FanMode, type VarianceDistribution,
} from './random.js';
import { Orthogonal, householderQR, orthogonalFromGaussian, type OrthogonalArgs } from './orthogonal.js';
import { checkOptions } from '../../util/options.js';

export {
  Initializer, RandomInitializer, computeFans, Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform, TruncatedNormal,
  VarianceScaling, GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal, householderQR, orthogonalFromGaussian,
  type RandomNormalArgs, type RandomUniformArgs, type VarianceScalingArgs, type SeedArgs, type OrthogonalArgs, type FanMode,
  type VarianceDistribution,
};

export type InitSnake = 'zeros' | 'ones' | 'constant' | 'identity' | 'random_normal' | 'truncated_normal' | 'random_uniform' | 'variance_scaling'
  | 'glorot_uniform' | 'glorot_normal' | 'he_uniform' | 'he_normal' | 'lecun_uniform' | 'lecun_normal' | 'orthogonal';
export type SnakeToCamel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<SnakeToCamel<T>>}` : S;
/**
 * The initializer names the registry takes: Keras's snake_case ('glorot_uniform'), class names ('GlorotUniform'),
 * camelCase ('glorotUniform') and Keras's aliases. A typo is a compile error in TypeScript (configs read from files
 * are checked at run time).
 */
export type InitializerName = InitSnake | SnakeToCamel<InitSnake> | Capitalize<SnakeToCamel<InitSnake>>
  | 'zero' | 'one' | 'uniform' | 'IdentityInitializer' | 'OrthogonalInitializer';
export type InitializerIdentifier = Initializer | InitializerName | { class_name: string; config?: Record<string, unknown> };

const axes = (v: unknown): number[] | null => (Array.isArray(v) ? (v as number[]) : null);
const seedArgs = (cls: string, c: Record<string, unknown>): SeedArgs => ({
  seed: cfgSeed(cls, c), inputAxes: axes(c.input_axes), outputAxes: axes(c.output_axes),
});

const registry = new KerasRegistry<Initializer>('initializer');
registry.register(['Zeros', 'zeros', 'zero'], () => new Zeros());
registry.register(['Ones', 'ones', 'one'], () => new Ones());
registry.register(['Constant', 'constant'], (c) => new Constant(cfgNumber('Constant', c, 'value', 0)));
registry.register(['Identity', 'identity', 'IdentityInitializer'], (c) => new Identity(cfgNumber('Identity', c, 'gain', 1)));
registry.register(['RandomNormal', 'random_normal'], (c) => new RandomNormal({
  mean: cfgNumber('RandomNormal', c, 'mean', 0), stddev: cfgNumber('RandomNormal', c, 'stddev', 0.05), seed: cfgSeed('RandomNormal', c),
}));
registry.register(['TruncatedNormal', 'truncated_normal'], (c) => new TruncatedNormal({
  mean: cfgNumber('TruncatedNormal', c, 'mean', 0), stddev: cfgNumber('TruncatedNormal', c, 'stddev', 0.05), seed: cfgSeed('TruncatedNormal', c),
}));
registry.register(['RandomUniform', 'random_uniform', 'uniform'], (c) => new RandomUniform({
  minval: cfgNumber('RandomUniform', c, 'minval', -0.05), maxval: cfgNumber('RandomUniform', c, 'maxval', 0.05), seed: cfgSeed('RandomUniform', c),
}));
registry.register(['VarianceScaling', 'variance_scaling'], (c) => new VarianceScaling({
  ...seedArgs('VarianceScaling', c),
  scale: cfgNumber('VarianceScaling', c, 'scale', 1),
  mode: (c.mode as FanMode | undefined) ?? 'fan_in',
  distribution: (c.distribution as VarianceDistribution | undefined) ?? 'truncated_normal',
}));
registry.register(['GlorotUniform', 'glorot_uniform'], (c) => new GlorotUniform(seedArgs('GlorotUniform', c)));
registry.register(['GlorotNormal', 'glorot_normal'], (c) => new GlorotNormal(seedArgs('GlorotNormal', c)));
registry.register(['HeUniform', 'he_uniform'], (c) => new HeUniform(seedArgs('HeUniform', c)));
registry.register(['HeNormal', 'he_normal'], (c) => new HeNormal(seedArgs('HeNormal', c)));
registry.register(['LecunUniform', 'lecun_uniform'], (c) => new LecunUniform(seedArgs('LecunUniform', c)));
registry.register(['LecunNormal', 'lecun_normal'], (c) => new LecunNormal(seedArgs('LecunNormal', c)));
registry.register(['Orthogonal', 'orthogonal', 'OrthogonalInitializer'], (c) => new Orthogonal({
  gain: cfgNumber('Orthogonal', c, 'gain', 1), seed: cfgSeed('Orthogonal', c),
}));

/** Keras `initializers.get`: instance → itself; string or dict → a new instance. */
export function get(identifier: InitializerIdentifier | string): Initializer;
export function get(identifier: InitializerIdentifier | string | null | undefined): Initializer | null;
export function get(identifier: InitializerIdentifier | string | null | undefined): Initializer | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Initializer) return identifier;
  if (typeof identifier === 'string' || typeof identifier === 'object') return registry.deserialize(identifier);
  return fail('initializers.get', `Could not interpret initializer identifier: ${String(identifier)}`);
}

/** Keras 3 form: {module: 'keras.initializers', class_name, config, registered_name: null}. */
export function serialize(init: Initializer): KerasObjectConfig;
export function serialize(init: Initializer | null): KerasObjectConfig | null;
export function serialize(init: Initializer | null): KerasObjectConfig | null {
  return init === null ? null : serializeKerasObject('keras.initializers', init);
}

export function deserialize(cfg: string | { class_name: string; config?: Record<string, unknown> }): Initializer {
  return registry.deserialize(cfg);
}

// camelCase factories, as lt.keras.initializers.glorotUniform({seed: 1}) / constant(0.01).
export const zeros = (): Zeros => new Zeros();
export const ones = (): Ones => new Ones();
export const constant = (value = 0): Constant => new Constant(value);
export const identity = (args: { gain?: number } | number = {}): Identity => {
  if (typeof args !== 'number') checkOptions('identity', args, ['gain']);
  return new Identity(typeof args === 'number' ? args : args.gain);
};
export const randomNormal = (args: RandomNormalArgs = {}): RandomNormal => new RandomNormal(args);
export const truncatedNormal = (args: RandomNormalArgs = {}): TruncatedNormal => new TruncatedNormal(args);
export const randomUniform = (args: RandomUniformArgs = {}): RandomUniform => new RandomUniform(args);
export const varianceScaling = (args: VarianceScalingArgs = {}): VarianceScaling => new VarianceScaling(args);
export const glorotUniform = (args: SeedArgs = {}): GlorotUniform => new GlorotUniform(args);
export const glorotNormal = (args: SeedArgs = {}): GlorotNormal => new GlorotNormal(args);
export const heUniform = (args: SeedArgs = {}): HeUniform => new HeUniform(args);
export const heNormal = (args: SeedArgs = {}): HeNormal => new HeNormal(args);
export const lecunUniform = (args: SeedArgs = {}): LecunUniform => new LecunUniform(args);
export const lecunNormal = (args: SeedArgs = {}): LecunNormal => new LecunNormal(args);
export const orthogonal = (args: OrthogonalArgs = {}): Orthogonal => new Orthogonal(args);
