// Base optimizer with Keras 3 semantics (keras/src/optimizers/base_optimizer.py):
//   apply(grads, vars): clip the gradients (clipnorm | global_clipnorm | clipvalue), run each subclass's
//   `update_step` on the variables that got a gradient, then apply each variable's constraint
//   (`var.assign(constraint(var))`, keras-tf-semantics.md §7.3), then iterations += 1.
//   With use_ema, after the update steps and before the constraints, every variable's moving average is updated
//   (`_update_model_variables_moving_average`: a ← μ·a + (1 − μ)·w with μ = 0 at the first step, so a starts as
//   the updated w) and, every `ema_overwrite_frequency` steps, copied into the variable; `fit` ends with
//   `finalize_variable_values`, which copies the averages into the variables.
// The learning rate is a float32 variable in Keras (floatx) that update_step casts to the variable's dtype, so a
// float64 variable sees fround(lr): `apply` passes that. Likewise every `ops.cast(<Python float>, dtype)` in
// Keras's update steps (Adam's β in β^t, SGD's momentum, weight_decay, a Constant initializer's value) goes
// through float32 even for a float64 variable: tf.cast first converts the Python float to a float32 tensor.
// `castPy` below is that; a Python float used directly in an op (`ops.multiply(1 - beta_1, g)`) is exact.
// Updates run under noGrad and write the variables' data in place, so layers keep their weight tensors.
//
// float32 variables: Keras computes every update op in the variable's dtype, rounding after each op. The
// subclasses reproduce that with `this.r` (Math.fround for float32, identity for float64), so a few steps
// match TF to the last bit or two instead of drifting by float64-vs-float32 differences.

import { Tensor, allocate, type TypedArray, type DType } from '../../tensor/tensor.js';
import { noGrad } from '../../autograd/mode.js';
import { checkClassOptions, checkNumber, checkString, checkBoolean } from '../../util/options.js';
import { fail, shapeStr, sameShape } from '../../tensor/shape.js';
import { clipByGlobalNorm, clipByNorm, clipByValue } from './clip.js';
import { LearningRateSchedule, deserializeSchedule } from './schedules.js';
import { getIndexedSlices, densify, type IndexedSlices } from '../../autograd/indexed-slices.js';
import { kerasClassName } from '../../util/class-name.js';

/** A constraint as layers hold it: a function or an object with `apply`/`call` mapping a weight to its projection. */
export type ConstraintLike = ((w: Tensor) => Tensor) | { apply(w: Tensor): Tensor } | { call(w: Tensor): Tensor };

export function applyConstraint(c: ConstraintLike, w: Tensor): Tensor {
  if (typeof c === 'function') return c(w);
  if ('apply' in c && typeof c.apply === 'function') return c.apply(w);
  if ('call' in c && typeof c.call === 'function') return c.call(w);
  return fail('optimizer', 'constraint must be a function or have apply()/call()');
}

/** Keras `ops.square(g)` of IndexedSlices, densified: each slice squared, then the rows summed (Σ g²). */
function squaredSlices(s: IndexedSlices, size: number, r: (x: number) => number): TypedArray {
  const sq = s.values.slice();
  for (let k = 0; k < sq.length; k++) sq[k] = r(sq[k] * sq[k]);
  return densify({ ...s, values: sq }, size, r);
}

/**
 * A gradient that TF holds as IndexedSlices (an Embedding's), for update steps that apply an elementwise function
 * to the gradient before densifying it (Adamax's |g|: Σ over a row's occurrences of |g|).
 */
export interface SparseGradient {
  slices: IndexedSlices;
  size: number;
  r: (x: number) => number;
}

/** Keras `ops.f(g)` of IndexedSlices, densified: f of each slice, then the rows summed. */
export function mappedSlices(s: SparseGradient, f: (x: number) => number): TypedArray {
  const v = s.slices.values.slice();
  for (let k = 0; k < v.length; k++) v[k] = s.r(f(v[k]));
  return densify({ ...s.slices, values: v }, s.size, s.r);
}

/** Keras `ops.cast(x, dtype)` of a Python float: the value rounded to float32 (then widened for float64). */
export const castPy = (x: number): number => Math.fround(x);

/** A fixed rate, a function of the iteration count, or a Keras schedule (schedules.ts). */
export type LearningRate = number | ((iteration: number) => number) | LearningRateSchedule;

export interface OptimizerArgs {
  learningRate?: LearningRate;
  /** Clip each gradient to this L2 norm. */
  clipnorm?: number | null;
  /** Clip each gradient element to [−v, v]. */
  clipvalue?: number | null;
  /** Clip all gradients together to this global L2 norm. */
  globalClipnorm?: number | null;
  /** Decoupled weight decay (Keras 3 `weight_decay`): w ← w − w·wd·lr before each update step. */
  weightDecay?: number | null;
  /** Keep an exponential moving average of every variable (Keras 3 `use_ema`); `fit` ends with the averages. */
  useEma?: boolean;
  /** μ of the moving average a ← μ·a + (1 − μ)·w (default 0.99), in [0, 1]. */
  emaMomentum?: number;
  /** Copy the averages into the variables every this many steps (an integer ≥ 1), or null: only at the end of fit. */
  emaOverwriteFrequency?: number | null;
  name?: string;
}

export type JsonConfig = { [k: string]: unknown };

/** The base optimizer option names (for the option lists of SGD, Adam, ...). */
export const OPTIMIZER_OPTIONS = {
  learningRate: true, clipnorm: true, clipvalue: true, globalClipnorm: true, weightDecay: true, useEma: true, emaMomentum: true,
  emaOverwriteFrequency: true, name: true,
} as const satisfies { [K in keyof Required<OptimizerArgs>]: true };

export abstract class Optimizer {
  readonly name: string;
  learningRate: LearningRate;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  readonly weightDecay: number | null;
  readonly useEma: boolean;
  readonly emaMomentum: number;
  readonly emaOverwriteFrequency: number | null;
  /** Number of update steps applied so far (Keras `optimizer.iterations`). */
  iterations = 0;
  /** Constraints to apply after each update, keyed by variable (Sequential fills this from its layers). */
  constraints = new Map<Tensor, ConstraintLike>();
  private slotStore = new Map<Tensor, TypedArray[]>();
  private emaStore = new Map<Tensor, TypedArray>();

  constructor(args: OptimizerArgs, defaultLr: number, defaultName: string) {
    const where = new.target.name;
    // Each optimizer class lists its options (static optionKeys); unknown keys are refused as Keras refuses them.
    checkClassOptions(new.target, args);
    const lr = args.learningRate;
    if (lr !== undefined && typeof lr !== 'function' && !(lr instanceof LearningRateSchedule)) {
      checkNumber(where, 'learningRate', lr, { min: 0 });
    }
    checkString(where, 'name', args.name);
    for (const k of ['clipnorm', 'clipvalue', 'globalClipnorm', 'weightDecay'] as const) checkNumber(where, k, args[k], { min: 0, nullable: true });
    this.name = args.name ?? defaultName;
    this.learningRate = args.learningRate ?? defaultLr;
    this.clipnorm = args.clipnorm ?? null;
    this.clipvalue = args.clipvalue ?? null;
    this.globalClipnorm = args.globalClipnorm ?? null;
    this.weightDecay = args.weightDecay ?? null;
    this.useEma = checkBoolean(where, 'useEma', args.useEma) ?? false;
    this.emaMomentum = checkNumber(where, 'emaMomentum', args.emaMomentum, { min: 0, max: 1 }) ?? 0.99;
    this.emaOverwriteFrequency = checkNumber(where, 'emaOverwriteFrequency', args.emaOverwriteFrequency, { min: 1, integer: true, nullable: true }) ?? null;
    if (this.weightDecay !== null && !(this.weightDecay >= 0)) fail(kerasClassName(this), `weightDecay must be ≥ 0, got ${this.weightDecay}`);
    const set = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((v) => v !== null).length;
    if (set > 1) {
      fail(kerasClassName(this), `only one of clipnorm, clipvalue and globalClipnorm can be set; got clipnorm=${this.clipnorm}, ` +
        `clipvalue=${this.clipvalue}, globalClipnorm=${this.globalClipnorm}`);
    }
  }

  /** The learning rate used by the next step (schedules see the iteration count before the step). */
  currentLearningRate(): number {
    const lr = this.learningRate;
    if (lr instanceof LearningRateSchedule) return lr.at(this.iterations);
    return typeof lr === 'function' ? lr(this.iterations) : lr;
  }

  /** Number of per-variable slots (m, v, ...) the subclass needs. */
  protected abstract slotCount(): number;

  /** The value slot k starts at (Keras's initializer of that optimizer variable; zeros unless overridden). */
  protected initialSlotValue(_k: number): number {
    void _k;
    return 0;
  }

  /**
   * Runs once per `apply`, before the per-variable update steps, with the variables that have a gradient: for
   * state shared by all variables (Nadam's u_product, updated in `_backend_update_step`).
   */
  protected beforeUpdateSteps(_variables: Tensor[]): void {
    void _variables;
  }

  /**
   * Updates `variable.data` in place from its (clipped) gradient. `slots` are zero-initialised per variable.
   * `gSquared` is what Keras's `ops.square(gradient)` gives when TF holds the gradient as IndexedSlices (an
   * Embedding's: Σ over a row's occurrences of g², autograd/indexed-slices.ts); null for a dense gradient (g²).
   */
  protected abstract updateStep(g: TypedArray, w: TypedArray, slots: TypedArray[], lr: number, dtype: DType, gSquared: TypedArray | null,
    sparse: SparseGradient | null): void;

  /** Per-op rounding to the variable's dtype (see the header comment). */
  protected rounder(dtype: DType): (x: number) => number {
    return dtype === 'float32' ? Math.fround : (x: number) => x;
  }

  /** The slot arrays of a variable (created as zeros on first use), e.g. for tests or saving. */
  slots(variable: Tensor): TypedArray[] {
    let s = this.slotStore.get(variable);
    if (!s) {
      s = Array.from({ length: this.slotCount() }, (_, k) => {
        const a = allocate(variable.dtype, variable.size);
        const v0 = this.initialSlotValue(k);
        if (v0 !== 0) a.fill(v0);
        return a;
      });
      this.slotStore.set(variable, s);
    }
    return s;
  }

  /** The moving average of a variable (use_ema), or undefined before its first step or without use_ema. */
  emaAverage(variable: Tensor): TypedArray | undefined {
    return this.emaStore.get(variable);
  }

  /**
   * Keras `finalize_variable_values` (what `fit` does after its last epoch): with use_ema, each variable takes
   * its moving average; otherwise nothing.
   */
  finalizeVariableValues(variables: Tensor[]): void {
    if (!this.useEma) return;
    noGrad(() => {
      for (const v of variables) {
        const a = this.emaStore.get(v);
        if (!a) continue;
        v.data.set(a);
        v.bumpVersion();
      }
    });
  }

  /**
   * Applies one update. `grads[i]` is the gradient of `variables[i]` (null = no gradient, skipped as Keras
   * skips None gradients). Shapes must match.
   */
  apply(grads: (Tensor | null)[], variables: Tensor[]): void {
    if (grads.length !== variables.length) {
      fail('optimizer.apply', `got ${grads.length} gradients for ${variables.length} variables`);
    }
    noGrad(() => {
      const cast = (d: TypedArray, dtype: DType): TypedArray => {
        const c = allocate(dtype, d.length);
        c.set(d);
        return c;
      };
      // The slices TF would hold the gradient as (an Embedding's), in the variable's dtype.
      let sl: (IndexedSlices | null)[] = grads.map((g, i) => {
        const s = g === null ? undefined : getIndexedSlices(g);
        if (s === undefined) return null;
        return g!.dtype === variables[i].dtype ? s : { ...s, values: cast(s.values, variables[i].dtype) };
      });
      let gs: (TypedArray | null)[] = grads.map((g, i) => {
        if (g === null) return null;
        const v = variables[i];
        if (!sameShape(g.shape, v.shape)) {
          fail('optimizer.apply', `gradient ${i} has shape ${shapeStr(g.shape)} but variable ${v.name ?? i} has shape ${shapeStr(v.shape)}`);
        }
        return g.dtype === v.dtype ? g.data : cast(g.data, v.dtype);
      });
      // Clipping sees slices as TF does: tf.clip_by_norm over the slices' values and clip per slice (both keep
      // the slices; the dense gradient is then the sum of the clipped slices); the global norm below.
      const clipSlices = (f: (values: TypedArray, i: number) => TypedArray): void => {
        sl = sl.map((s, i) => {
          if (s === null) return null;
          const c = { ...s, values: f(s.values, i) };
          gs[i] = densify(c, variables[i].size, this.rounder(variables[i].dtype));
          return c;
        });
      };
      if (this.clipnorm !== null && this.clipnorm > 0) {
        gs = gs.map((g, i) => (g && !sl[i] ? clipByNorm(g, this.clipnorm!) : g));
        clipSlices((v) => clipByNorm(v, this.clipnorm!));
      } else if (this.globalClipnorm !== null && this.globalClipnorm > 0) {
        // Keras clip_by_global_norm: the norm squares the slices (ops.square keeps IndexedSlices), but
        // `v * scale` has no IndexedSlices form and densifies: the clipped gradient is dense.
        gs = clipByGlobalNorm(gs, this.globalClipnorm, gs.map((g, i) => sl[i]?.values ?? g));
        sl = sl.map(() => null);
      } else if (this.clipvalue !== null && this.clipvalue > 0) {
        gs = gs.map((g, i) => (g && !sl[i] ? clipByValue(g, this.clipvalue!) : g));
        clipSlices((v) => clipByValue(v, this.clipvalue!));
      }
      const lr = Math.fround(this.currentLearningRate());
      // Keras order: clip, then weight decay on every variable being updated, then update_step.
      if (this.weightDecay !== null) {
        for (let i = 0; i < variables.length; i++) {
          if (gs[i] === null) continue;
          const w = variables[i].data;
          const r = this.rounder(variables[i].dtype);
          const wd = castPy(this.weightDecay); // ops.cast(self.weight_decay, variable.dtype)
          const lrr = r(lr);
          for (let k = 0; k < w.length; k++) w[k] = r(w[k] - r(r(w[k] * wd) * lrr));
          variables[i].bumpVersion();
        }
      }
      this.beforeUpdateSteps(variables.filter((_, i) => gs[i] !== null));
      for (let i = 0; i < variables.length; i++) {
        const g = gs[i];
        if (g === null) continue;
        const v = variables[i];
        const s = sl[i];
        const sparse = s ? { slices: s, size: v.size, r: this.rounder(v.dtype) } : null;
        this.updateStep(g, v.data, this.slots(v), lr, v.dtype, s ? squaredSlices(s, v.size, this.rounder(v.dtype)) : null, sparse);
        // An in-place write: a graph recorded before this step can no longer be differentiated.
        v.bumpVersion();
      }
      if (this.useEma) this.updateMovingAverages(variables);
      for (let i = 0; i < variables.length; i++) {
        if (gs[i] === null) continue;
        const c = this.constraints.get(variables[i]);
        if (c) variables[i].assign(applyConstraint(c, variables[i]));
      }
    });
    this.iterations++;
  }

  /**
   * Keras `_update_model_variables_moving_average` over every variable passed (with or without a gradient, as
   * Keras loops over all the trainable variables it was built with), then the periodic overwrite.
   */
  private updateMovingAverages(variables: Tensor[]): void {
    for (const v of variables) {
      const r = this.rounder(v.dtype);
      let a = this.emaStore.get(v);
      if (!a) {
        a = allocate(v.dtype, v.size);
        this.emaStore.set(v, a);
      }
      const mu = this.iterations === 0 ? 0 : r(this.emaMomentum);
      const c = r(1 - mu);
      const w = v.data;
      for (let k = 0; k < w.length; k++) a[k] = r(r(mu * a[k]) + r(c * w[k]));
    }
    if (this.emaOverwriteFrequency !== null && (this.iterations + 1) % this.emaOverwriteFrequency === 0) {
      for (const v of variables) {
        v.data.set(this.emaStore.get(v)!);
        v.bumpVersion();
      }
    }
  }

  /** Keras `apply_gradients([(grad, var), ...])`. */
  applyGradients(pairs: [Tensor | null, Tensor][]): void {
    this.apply(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
  }

  /** Applies the accumulated `.grad` of each variable (PyTorch style), then clears those gradients. */
  step(variables: Tensor[]): void {
    this.apply(variables.map((v) => v.grad), variables);
    for (const v of variables) v.zeroGrad();
  }

  getConfig(): JsonConfig {
    const r = this.learningRate;
    // A schedule serializes as Keras does; a plain JS function has no Keras form.
    const lr = typeof r === 'number' ? Math.fround(r) : r instanceof LearningRateSchedule ? r.serialize() : null;
    return {
      name: this.name,
      learning_rate: lr,
      weight_decay: this.weightDecay,
      clipnorm: this.clipnorm,
      global_clipnorm: this.globalClipnorm,
      clipvalue: this.clipvalue,
      use_ema: this.useEma,
      ema_momentum: this.emaMomentum,
      ema_overwrite_frequency: this.emaOverwriteFrequency,
      loss_scale_factor: null,
      gradient_accumulation_steps: null,
    };
  }

  serialize(): JsonConfig {
    return { module: 'keras.optimizers', class_name: kerasClassName(this), config: this.getConfig(), registered_name: null };
  }
}

/** Keras `learning_rate`: a number, a serialized schedule, or absent (the optimizer's default). */
function learningRateFromConfig(v: unknown): LearningRate | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && typeof (v as JsonConfig).class_name === 'string') return deserializeSchedule(v as JsonConfig);
  return fail('optimizers.fromConfig', `learning_rate must be a number or a serialized schedule, got ${JSON.stringify(v)}`);
}

/** Reads the base keys of a Keras optimizer config. */
export function baseArgsFromConfig(cfg: JsonConfig): OptimizerArgs {
  for (const k of ['loss_scale_factor', 'gradient_accumulation_steps']) {
    if (cfg[k] !== undefined && cfg[k] !== null) fail('optimizers.fromConfig', `${k} is not supported (got ${String(cfg[k])})`);
  }
  return {
    useEma: (cfg.use_ema as boolean | undefined) ?? false,
    emaMomentum: (cfg.ema_momentum as number | undefined) ?? 0.99,
    emaOverwriteFrequency: (cfg.ema_overwrite_frequency as number | null | undefined) ?? null,
    name: cfg.name as string | undefined,
    learningRate: learningRateFromConfig(cfg.learning_rate),
    clipnorm: (cfg.clipnorm as number | null) ?? null,
    clipvalue: (cfg.clipvalue as number | null) ?? null,
    globalClipnorm: (cfg.global_clipnorm as number | null) ?? null,
    weightDecay: (cfg.weight_decay as number | null) ?? null,
  };
}
