// lt.keras.regularizers (keras/src/regularizers/regularizers.py, semantics notes §7.1):
//   L1(l1=0.01):        l1 · Σ|x|
//   L2(l2=0.01):        l2 · Σx²        (no ½: Keras 3 computes l2*sum(square(x)))
//   L1L2(l1=0, l2=0):   l1 · Σ|x| + l2 · Σx²   (the class defaults are 0; the `l1_l2()` factory defaults to 0.01 each, as Keras 2's)
// Keras 3 stores L1's coefficient as a float32 tensor, so the factor used (and the value get_config
// reports, e.g. 0.009999999776482582) is fround(l1); L2 and L1L2 keep Python floats.
// The penalty is one fused autograd op (forward and backward side by side): dL/dx = l1·sign(x) + 2·l2·x,
// sign(0) = 0 as TF's Abs gradient.

import { Tensor, allocate } from '../tensor/tensor.js';
import { fail } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { KerasRegistry, serializeKerasObject, type KerasObjectConfig, type KerasSerializable } from './engine/serialization.js';
import { checkOptions } from '../util/options.js';

/** l1 · Σ|x| + l2 · Σx² as a scalar tensor of x's dtype, with its gradient. */
export function l1l2Penalty(x: Tensor, l1: number, l2: number): Tensor {
  const d = x.data;
  let sa = 0;
  let s2 = 0;
  for (let i = 0; i < d.length; i++) {
    sa += Math.abs(d[i]);
    s2 += d[i] * d[i];
  }
  const out = allocate(x.dtype, 1);
  out[0] = (l1 !== 0 ? l1 * sa : 0) + (l2 !== 0 ? l2 * s2 : 0);
  return record('regularizer', [x], new Tensor(out, []), (gy) => {
    const g = gy.data[0];
    const gx = allocate(x.dtype, d.length);
    for (let i = 0; i < d.length; i++) gx[i] = g * (l1 * Math.sign(d[i]) + 2 * l2 * d[i]);
    return [new Tensor(gx, x.shape)];
  });
}

export abstract class Regularizer implements KerasSerializable {
  abstract readonly className: string;
  /** The scalar penalty for a weight or an activation (differentiable). */
  abstract call(x: Tensor): Tensor;
  abstract getConfig(): Record<string, unknown>;
}

function validateFloat(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
    fail('regularizer', `Invalid value for argument ${name}: expected a non-negative float. Received: ${name}=${v}`);
  }
  return v;
}

export class L1L2 extends Regularizer {
  readonly className: string = 'L1L2';
  readonly l1: number;
  readonly l2: number;
  constructor(args: { l1?: number | null; l2?: number | null } = {}) {
    super();
    checkOptions('L1L2', args, ['l1', 'l2']);
    this.l1 = validateFloat('l1', args.l1 ?? 0);
    this.l2 = validateFloat('l2', args.l2 ?? 0);
  }
  call(x: Tensor): Tensor {
    return l1l2Penalty(x, this.l1, this.l2);
  }
  getConfig(): Record<string, unknown> {
    return { l1: this.l1, l2: this.l2 };
  }
}

export class L1 extends Regularizer {
  readonly className = 'L1';
  readonly l1: number;
  constructor(args: { l1?: number | null } | number = {}) {
    super();
    if (typeof args !== 'number') checkOptions('L1', args, ['l1']);
    const v = typeof args === 'number' ? args : args.l1 ?? 0.01;
    this.l1 = Math.fround(validateFloat('l1', v));
  }
  call(x: Tensor): Tensor {
    return l1l2Penalty(x, this.l1, 0);
  }
  getConfig(): Record<string, unknown> {
    return { l1: this.l1 };
  }
}

export class L2 extends Regularizer {
  readonly className = 'L2';
  readonly l2: number;
  constructor(args: { l2?: number | null } | number = {}) {
    super();
    if (typeof args !== 'number') checkOptions('L2', args, ['l2']);
    const v = typeof args === 'number' ? args : args.l2 ?? 0.01;
    this.l2 = validateFloat('l2', v);
  }
  call(x: Tensor): Tensor {
    return l1l2Penalty(x, 0, this.l2);
  }
  getConfig(): Record<string, unknown> {
    return { l2: this.l2 };
  }
}

/** A plain function used as a regularizer (Keras accepts any callable); it cannot be serialised. */
class FunctionRegularizer extends Regularizer {
  readonly className = 'Function';
  constructor(private readonly fn: (x: Tensor) => Tensor) {
    super();
  }
  call(x: Tensor): Tensor {
    return this.fn(x);
  }
  getConfig(): Record<string, unknown> {
    return fail('regularizers.serialize', 'a function regularizer cannot be serialised; subclass Regularizer and implement getConfig');
  }
}

export type RegularizerIdentifier = Regularizer | string | ((x: Tensor) => Tensor) | { class_name: string; config?: Record<string, unknown> };

// A config value that is present but not a number is an error: { l2: 'x' } must not become the default 0.01.
const num = (c: Record<string, unknown>, k: string): number | undefined => {
  const v = c[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number') fail('regularizer', `config key ${k} must be a non-negative number, got ${JSON.stringify(v)}`);
  return v;
};
const registry = new KerasRegistry<Regularizer>('regularizer');
registry.register(['L1', 'l1'], (c) => new L1({ l1: num(c, 'l1') }));
registry.register(['L2', 'l2'], (c) => new L2({ l2: num(c, 'l2') }));
registry.register(['L1L2', 'l1_l2'], (c) => new L1L2({ l1: num(c, 'l1'), l2: num(c, 'l2') }));

export function get(identifier: RegularizerIdentifier | null | undefined): Regularizer | null {
  if (identifier === null || identifier === undefined) return null;
  if (identifier instanceof Regularizer) return identifier;
  if (typeof identifier === 'function') return new FunctionRegularizer(identifier);
  return registry.deserialize(identifier);
}

export function serialize(r: Regularizer | null): KerasObjectConfig | null {
  return r === null ? null : serializeKerasObject('keras.regularizers', r);
}

export function deserialize(cfg: string | { class_name: string; config?: Record<string, unknown> }): Regularizer {
  return registry.deserialize(cfg);
}

export const l1 = (v = 0.01): L1 => new L1({ l1: v });
export const l2 = (v = 0.01): L2 => new L2({ l2: v });
/** Keras 2's `l1_l2(l1=0.01, l2=0.01)` helper defaults; the L1L2 class itself defaults to zeros (Keras 3). */
export const l1l2 = (args: { l1?: number; l2?: number } = {}): L1L2 => {
  checkOptions('l1l2', args, ['l1', 'l2']);
  return new L1L2({ l1: args.l1 ?? 0.01, l2: args.l2 ?? 0.01 });
};
