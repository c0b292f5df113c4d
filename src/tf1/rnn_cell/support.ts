// What every TF1 cell shares: the activation lookup, the default variable initializer, and option checks.

import { Tensor, allocate, type DType } from '../../tensor/tensor.js';
import { fail } from '../../tensor/shape.js';
import { Random } from '../../tensor/random.js';
import { tanh, sigmoid, relu, linear } from '../../ops/unary.js';

export type ActivationFn = (x: Tensor) => Tensor;
/** An activation by Keras name or as a function of a tensor. */
export type Activation = 'tanh' | 'sigmoid' | 'relu' | 'linear' | ActivationFn;

/**
 * TF1 cells: `if activation: activations.get(activation) else tanh` (legacy_cells.py), so null/undefined
 * means tanh — unlike Keras, where None means linear (keras-tf-semantics.md §12.1).
 */
export function resolveActivation(op: string, a: Activation | null | undefined): { fn: ActivationFn; name: string } {
  if (a === undefined || a === null) return { fn: tanh, name: 'tanh' };
  if (typeof a === 'function') {
    // Only the library's own functions keep their names: the fused-kernel rules test name === 'tanh', and a
    // user function that happens to be called tanh must not qualify.
    const own: [ActivationFn, string][] = [[tanh, 'tanh'], [sigmoid, 'sigmoid'], [relu, 'relu'], [linear, 'linear']];
    const hit = own.find(([f]) => f === a);
    return { fn: a, name: hit ? hit[1] : `custom:${a.name || 'anonymous'}` };
  }
  switch (a) {
    case 'tanh':
      return { fn: tanh, name: a };
    case 'sigmoid':
      return { fn: sigmoid, name: a };
    case 'relu':
      return { fn: relu, name: a };
    case 'linear':
      return { fn: linear, name: a };
    default:
      return fail(op, `activation must be 'tanh', 'sigmoid', 'relu', 'linear' or a function, got ${JSON.stringify(a)}`);
  }
}

/** Anything that fills a tensor of a shape: a Keras initializer instance (`call(shape, dtype)`) works. */
export interface InitializerLike {
  call(shape: readonly number[], dtype?: DType): Tensor;
}

/**
 * The default of TF1 `get_variable` for floating variables: `glorot_uniform_initializer`
 * (variable_scope.py `_get_default_initializer`, §1.6) = VarianceScaling(1, fan_avg, uniform):
 * U[-limit, limit) with limit = sqrt(6 / (fan_in + fan_out)); a vector [n] has fan_in = fan_out = n.
 * Seeded from the cell's own generator, so a cell built twice with the same seed gets the same weights.
 */
export class TF1GlorotUniform implements InitializerLike {
  constructor(private readonly rng: Random) {}

  call(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    let fanIn: number;
    let fanOut: number;
    if (shape.length === 0) fanIn = fanOut = 1;
    else if (shape.length === 1) fanIn = fanOut = shape[0];
    else {
      let receptive = 1;
      for (const d of shape.slice(0, -2)) receptive *= d;
      fanIn = shape[shape.length - 2] * receptive;
      fanOut = shape[shape.length - 1] * receptive;
    }
    const limit = Math.sqrt(6 / Math.max(1, fanIn + fanOut));
    let n = 1;
    for (const d of shape) n *= d;
    const data = allocate(dtype, n);
    for (let i = 0; i < n; i++) data[i] = this.rng.uniformRange(-limit, limit);
    return new Tensor(data, shape);
  }
}

export function checkPositiveInt(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(op, `${arg} must be a positive integer, got ${String(v)}`);
  return v;
}

export function checkFiniteNumber(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(op, `${arg} must be a finite number, got ${String(v)}`);
  return v;
}

/** Optional positive clip value (cell_clip / proj_clip); null/undefined = no clipping. */
export function checkClip(op: string, arg: string, v: unknown): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) fail(op, `${arg} must be a positive finite number or null, got ${String(v)}`);
  return v;
}

/** Reads an optional config value, rejecting the wrong type with the class and key in the message. */
export function cfgGet<T>(cls: string, cfg: Record<string, unknown>, key: string, type: 'number' | 'boolean' | 'string'): T | undefined {
  const v = cfg[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type) fail(`${cls}.fromConfig`, `${key} must be a ${type}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** Base keys (name, trainable, dtype) of a TF1 cell config. */
export function baseFromConfig(cls: string, cfg: Record<string, unknown>): { name?: string; trainable?: boolean; dtype?: DType } {
  if (cfg === null || typeof cfg !== 'object') fail(`${cls}.fromConfig`, 'config must be an object');
  const dtype = cfgGet<string>(cls, cfg, 'dtype', 'string');
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float64') fail(`${cls}.fromConfig`, `dtype must be 'float32' or 'float64', got '${dtype}'`);
  return { name: cfgGet(cls, cfg, 'name', 'string'), trainable: cfgGet(cls, cfg, 'trainable', 'boolean'), dtype: dtype as DType | undefined };
}
