// lt.keras.constraints (keras/src/constraints/constraints.py, semantics notes §7.3). Constraints are
// projections applied by optimizers to a weight *after* each update (`var.assign(constraint(var))`), so
// they run outside autograd on raw values. With norms n = sqrt(Σ w² over `axis`, keepdims) and
// epsilon = 1e-7 (keras.config.epsilon()):
//   MaxNorm(max_value=2, axis=0):   w · clip(n, 0, max_value) / (eps + n)
//   NonNeg():                       max(w, 0)
//   UnitNorm(axis=0):               w / (eps + n)
//   MinMaxNorm(min_value=0, max_value=1, rate=1, axis=0):
//                                   w · (rate·clip(n, min, max) + (1−rate)·n) / (eps + n)

import { Tensor, allocate } from '../tensor/tensor.js';
import { fail, normAxis, shapeStr } from '../tensor/shape.js';
import { KerasRegistry, serializeKerasObject, type KerasObjectConfig, type KerasSerializable } from './engine/serialization.js';
import { checkOptions, checkNumber } from '../util/options.js';

export const EPSILON = 1e-7;

export abstract class Constraint implements KerasSerializable {
  abstract readonly className: string;
  /** The projected weight values (a new tensor of the same shape and dtype; no gradient). */
  abstract call(w: Tensor): Tensor;
  abstract getConfig(): Record<string, unknown>;
}

/**
 * Per-element norm factor: returns, for each element of w, the L2 norm of the fibre through it along the
 * given axes (Keras `sqrt(sum(square(w), axis, keepdims=True))` broadcast back).
 */
function fibreNorms(op: string, w: Tensor, axis: number | number[]): Float64Array {
  const rank = w.rank;
  if (rank === 0) fail(op, `cannot compute norms of a scalar weight`);
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a) => normAxis(op, a, rank));

  const strides = w.strides;
  // Key of an element = its multi-index with the reduced axes set to 0.
  const keyOf = (flat: number): number => {
    let key = 0;
    let rem = flat;
    for (let d = 0; d < rank; d++) {
      const idx = Math.floor(rem / strides[d]);
      rem -= idx * strides[d];
      if (!axes.includes(d)) key += idx * strides[d];
    }
    return key;
  };
  const sums = new Float64Array(w.size);
  const keys = new Int32Array(w.size);
  for (let i = 0; i < w.size; i++) {
    const k = keyOf(i);
    keys[i] = k;
    sums[k] += w.data[i] * w.data[i];
  }
  const out = new Float64Array(w.size);
  for (let i = 0; i < w.size; i++) out[i] = Math.sqrt(sums[keys[i]]);
  return out;
}

function mapWithNorms(op: string, w: Tensor, axis: number | number[], f: (v: number, n: number) => number): Tensor {
  const n = fibreNorms(op, w, axis);
  const out = allocate(w.dtype, w.size);
  // Keras computes in the weight's dtype; the fround of each factor is below f32 resolution of the result.
  for (let i = 0; i < w.size; i++) out[i] = f(w.data[i], n[i]);
  return new Tensor(out, w.shape);
}

const clip = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), hi);

function checkAxisArg(where: string, axis: unknown): void {
  if (axis === undefined) return;
  const ok = (a: unknown): boolean => typeof a === 'number' && Number.isInteger(a);
  if (!(ok(axis) || (Array.isArray(axis) && axis.every(ok)))) fail(where, `axis must be an integer or an array of integers, got ${JSON.stringify(axis)}`);
}

export class MaxNorm extends Constraint {
  readonly className = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: number | number[];
  constructor(args: { maxValue?: number; axis?: number | number[] } = {}) {
    super();
    checkOptions('MaxNorm', args, ['maxValue', 'axis']);
    checkNumber('MaxNorm', 'maxValue', args.maxValue);
    checkAxisArg('MaxNorm', args.axis);
    this.maxValue = args.maxValue ?? 2;
    this.axis = args.axis ?? 0;
  }
  call(w: Tensor): Tensor {
    return mapWithNorms('MaxNorm', w, this.axis, (v, n) => v * (clip(n, 0, this.maxValue) / (EPSILON + n)));
  }
  getConfig(): Record<string, unknown> {
    return { max_value: this.maxValue, axis: this.axis };
  }
}

export class NonNeg extends Constraint {
  readonly className = 'NonNeg';
  call(w: Tensor): Tensor {
    const out = allocate(w.dtype, w.size);
    for (let i = 0; i < w.size; i++) out[i] = Math.max(w.data[i], 0);
    return new Tensor(out, w.shape);
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

export class UnitNorm extends Constraint {
  readonly className = 'UnitNorm';
  readonly axis: number | number[];
  constructor(args: { axis?: number | number[] } = {}) {
    super();
    checkOptions('UnitNorm', args, ['axis']);
    checkAxisArg('UnitNorm', args.axis);
    this.axis = args.axis ?? 0;
  }
  call(w: Tensor): Tensor {
    return mapWithNorms('UnitNorm', w, this.axis, (v, n) => v / (EPSILON + n));
  }
  getConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}

export class MinMaxNorm extends Constraint {
  readonly className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: number | number[];
  constructor(args: { minValue?: number; maxValue?: number; rate?: number; axis?: number | number[] } = {}) {
    super();
    checkOptions('MinMaxNorm', args, ['minValue', 'maxValue', 'rate', 'axis']);
    for (const k of ['minValue', 'maxValue', 'rate'] as const) checkNumber('MinMaxNorm', k, args[k]);
    checkAxisArg('MinMaxNorm', args.axis);
    this.minValue = args.minValue ?? 0.0;
    this.maxValue = args.maxValue ?? 1.0;
    this.rate = args.rate ?? 1.0;
    this.axis = args.axis ?? 0;
    if (this.minValue > this.maxValue) fail('MinMaxNorm', `min_value (${this.minValue}) must be <= max_value (${this.maxValue})`);
  }
  call(w: Tensor): Tensor {
    return mapWithNorms('MinMaxNorm', w, this.axis, (v, n) => {
      const desired = this.rate * clip(n, this.minValue, this.maxValue) + (1 - this.rate) * n;
      return v * (desired / (EPSILON + n));
    });
  }
  getConfig(): Record<string, unknown> {
    return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

/** A plain function used as a constraint (Keras accepts any callable); it cannot be serialised. */
class FunctionConstraint extends Constraint {
  readonly className = 'Function';
  constructor(private readonly fn: (w: Tensor) => Tensor) {
    super();
  }
  call(w: Tensor): Tensor {
    const out = this.fn(w);
    if (out.shape.length !== w.shape.length || out.shape.some((d, i) => d !== w.shape[i])) {
      fail('constraint', `a constraint must keep the weight shape ${shapeStr(w.shape)}, got ${shapeStr(out.shape)}`);
    }
    return out;
  }
  getConfig(): Record<string, unknown> {
    return fail('constraints.serialize', 'a function constraint cannot be serialised; subclass Constraint and implement getConfig');
  }
}

export type ConstraintIdentifier = Constraint | string | ((w: Tensor) => Tensor) | { class_name: string; config?: Record<string, unknown> };

// A config value that is present but not a number is an error, not the default (Keras would fail on it too).
const num = (c: Record<string, unknown>, k: string): number | undefined => {
  const v = c[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') fail('constraint', `config key ${k} must be a number, got ${JSON.stringify(v)}`);
  return v;
};
const ax = (c: Record<string, unknown>): number | number[] | undefined =>
  typeof c.axis === 'number' || Array.isArray(c.axis) ? (c.axis as number | number[]) : undefined;
const registry = new KerasRegistry<Constraint>('constraint');
registry.register(['MaxNorm', 'max_norm'], (c) => new MaxNorm({ maxValue: num(c, 'max_value'), axis: ax(c) }));
registry.register(['NonNeg', 'non_neg'], () => new NonNeg());
registry.register(['UnitNorm', 'unit_norm'], (c) => new UnitNorm({ axis: ax(c) }));
registry.register(['MinMaxNorm', 'min_max_norm'], (c) => new MinMaxNorm({
  minValue: num(c, 'min_value'), maxValue: num(c, 'max_value'), rate: num(c, 'rate'), axis: ax(c),
}));

export function get(identifier: ConstraintIdentifier | null | undefined): Constraint | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Constraint) return identifier;
  if (typeof identifier === 'function') return new FunctionConstraint(identifier);
  return registry.deserialize(identifier);
}

export function serialize(c: Constraint | null): KerasObjectConfig | null {
  return c === null ? null : serializeKerasObject('keras.constraints', c);
}

export function deserialize(cfg: string | { class_name: string; config?: Record<string, unknown> }): Constraint {
  return registry.deserialize(cfg);
}

export const maxNorm = (args: { maxValue?: number; axis?: number | number[] } = {}): MaxNorm => new MaxNorm(args);
export const nonNeg = (): NonNeg => new NonNeg();
export const unitNorm = (args: { axis?: number | number[] } = {}): UnitNorm => new UnitNorm(args);
export const minMaxNorm = (args: { minValue?: number; maxValue?: number; rate?: number; axis?: number | number[] } = {}): MinMaxNorm =>
  new MinMaxNorm(args);
