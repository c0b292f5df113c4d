// TF1 recurrent state structures. TF1 cells describe their state as a (possibly nested) structure: a single
// tensor, an `LSTMStateTuple(c, h)` (namedtuple, **c first**, keras-tf-semantics.md §1.5), or a tuple of
// per-cell states for MultiRNNCell (§9.4). `tf.nest` flattens these in field order; the helpers below do the
// same so dynamicRnn can treat any state as a flat list of [batch, size] tensors.

import { Tensor, type DType } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';

/**
 * `LSTMStateTuple(c, h)`: the cell state c and the output/hidden state h, in that order — the opposite of
 * Keras, whose LSTM returns states as [h, c]. Iterable (`const [c, h] = state`) and indexable (`state[0]`
 * is c) like TF's namedtuple.
 */
export class LSTMStateTuple<T = Tensor> implements Iterable<T> {
  readonly c: T;
  readonly h: T;
  readonly length = 2;

  constructor(c: T, h: T) {
    this.c = c;
    this.h = h;
  }

  get 0(): T {
    return this.c;
  }

  get 1(): T {
    return this.h;
  }

  *[Symbol.iterator](): Iterator<T> {
    yield this.c;
    yield this.h;
  }

  /** TF's LSTMStateTuple.dtype: the common dtype of c and h; raises if they differ. */
  get dtype(): DType {
    const c = this.c as unknown;
    const h = this.h as unknown;
    if (!(c instanceof Tensor) || !(h instanceof Tensor)) fail('LSTMStateTuple', 'dtype is only defined for a tuple of Tensors');
    if (c.dtype !== h.dtype) fail('LSTMStateTuple', `Inconsistent dtypes for internal state: ${c.dtype} vs ${h.dtype}`);
    return c.dtype;
  }

  toString(): string {
    return `LSTMStateTuple(c=${String(this.c)}, h=${String(this.h)})`;
  }
}

/** A state size: an int, an LSTMStateTuple of ints, or a tuple (array) of state sizes. */
export type StateSize = number | LSTMStateTuple<number> | readonly StateSize[];

/** A state value with the same structure as its StateSize. */
export type RnnState = Tensor | LSTMStateTuple<Tensor> | readonly RnnState[];

/** True for tuple-like sizes/states (TF `nest.is_nested`). */
export function isNested(s: StateSize | RnnState): boolean {
  return s instanceof LSTMStateTuple || Array.isArray(s);
}

/** Flattens a state size in tf.nest order (LSTMStateTuple → [c, h]; tuples left to right). */
export function flattenSize(s: StateSize): number[] {
  if (typeof s === 'number') return [s];
  if (s instanceof LSTMStateTuple) return [s.c, s.h];
  return (s as readonly StateSize[]).flatMap(flattenSize);
}

/** Sum of a flat state size (what a concatenated, non-tuple state would hold). */
export function totalSize(s: StateSize): number {
  return flattenSize(s).reduce((a, b) => a + b, 0);
}

/** Flattens a state in tf.nest order. */
export function flattenState(s: RnnState): Tensor[] {
  if (s instanceof Tensor) return [s];
  if (s instanceof LSTMStateTuple) return [s.c, s.h];
  if (Array.isArray(s)) return (s as readonly RnnState[]).flatMap(flattenState);
  return fail('flattenState', `expected a Tensor, an LSTMStateTuple or an array of states, got ${describe(s)}`);
}

/** Rebuilds a state with the structure of `size` from a flat list (tf.nest.pack_sequence_as). */
export function packState(size: StateSize, flat: readonly Tensor[]): RnnState {
  let pos = 0;
  const take = (): Tensor => {
    if (pos >= flat.length) fail('packState', `structure needs more than ${flat.length} tensors`);
    return flat[pos++];
  };
  const build = (s: StateSize): RnnState => {
    if (typeof s === 'number') return take();
    if (s instanceof LSTMStateTuple) {
      const c = take();
      return new LSTMStateTuple(c, take());
    }
    return (s as readonly StateSize[]).map(build);
  };
  const out = build(size);
  if (pos !== flat.length) fail('packState', `structure holds ${pos} tensors but ${flat.length} were given`);
  return out;
}

/** A readable description of a state (for error messages). */
export function describe(s: unknown): string {
  if (s instanceof Tensor) return `Tensor${shapeStr(s.shape)}`;
  if (s instanceof LSTMStateTuple) return `LSTMStateTuple(c=${describe(s.c)}, h=${describe(s.h)})`;
  if (Array.isArray(s)) return `(${s.map(describe).join(', ')})`;
  if (typeof s === 'number') return String(s);
  return s === null ? 'null' : typeof s;
}

/** A state size as TF prints it: 3, LSTMStateTuple(c=3, h=3), (…, …). */
export function describeSize(s: StateSize): string {
  return describe(s);
}

/**
 * Checks that `state` has the structure of `size` and that every leaf is [batch, n] of `dtype`.
 * `op` and `arg` name the caller in the error message.
 */
export function checkState(op: string, arg: string, state: unknown, size: StateSize, batch: number, dtype: DType): void {
  const walk = (st: unknown, sz: StateSize, path: string): void => {
    if (typeof sz === 'number') {
      if (!(st instanceof Tensor)) fail(op, `${path} must be a Tensor of shape [${batch}, ${sz}] (state size ${describeSize(size)}), got ${describe(st)}`);
      if (st.rank !== 2 || st.shape[0] !== batch || st.shape[1] !== sz) {
        fail(op, `${path} must have shape [${batch}, ${sz}] (batch ${batch}, state size ${describeSize(size)}), got ${shapeStr(st.shape)}`);
      }
      if (st.dtype !== dtype) fail(op, `${path} has dtype ${st.dtype} but the computation is ${dtype}`);
      return;
    }
    if (sz instanceof LSTMStateTuple) {
      if (!(st instanceof LSTMStateTuple)) fail(op, `${path} must be an LSTMStateTuple(c, h) (state size ${describeSize(size)}), got ${describe(st)}`);
      walk(st.c, sz.c, `${path}.c`);
      walk(st.h, sz.h, `${path}.h`);
      return;
    }
    const szs = sz as readonly StateSize[];
    if (!Array.isArray(st) || st.length !== szs.length) {
      fail(op, `${path} must be a tuple of ${szs.length} states (state size ${describeSize(size)}), got ${describe(st)}`);
    }
    szs.forEach((s, i) => walk((st as unknown[])[i], s, `${path}[${i}]`));
  };
  walk(state, size, arg);
}
