// The Keras Layer base class (keras/src/layers/layer.py, Keras 3 behaviour), shared by every lt.keras layer:
// - names: an unnamed layer gets snake_case(class name) uniquified per session — lstm, lstm_1, lstm_2 —
//   (keras/src/utils/naming.py `uniquify`); `clearSession()` resets the counters like keras.backend.clear_session.
// - weights: `addWeight` creates leaf tensors named '<layer path>/<weight>' (a cell tracked by an LSTM has
//   path 'lstm/lstm_cell', so its kernel is 'lstm/lstm_cell/kernel'); `weights` lists own trainable, own
//   non-trainable, then each tracked sublayer's weights (Keras order), deduplicated.
// - trainable: a layer-level switch (propagated to sublayers, as Keras 3's setter) and a per-weight flag;
//   a weight requires a gradient iff both are true.
// - losses: recomputed weight-regularizer penalties of trainable weights (Keras recomputes them on every
//   read) + the losses added during the last outermost call (activity regularizer: one loss per flattened
//   output, states included, each divided by that output's batch size, semantics notes §7.2).
// - constraints: `constraints` maps a weight to its Constraint; optimizers call `applyConstraints` after
//   each update (Keras `var.assign(constraint(var))`, §7.3).
// - apply(): builds from the first input's shape on the first call, runs `call`, adds activity
//   regularization, and propagates Keras masks (`getKerasMask`/`setKerasMask`) like Keras's `__call__`.

import { Tensor, checkTensorSize, type DType, type NestedArray } from '../../tensor/tensor.js';
import { fail, shapeStr, sameShape } from '../../tensor/shape.js';
import { tensor, full } from '../../tensor/create.js';
import { noGrad } from '../../autograd/mode.js';
import { div } from '../../ops/arithmetic.js';
import { get as getInitializer, type InitializerIdentifier, type Initializer } from '../initializers/index.js';
import { get as getRegularizer, serialize as serializeRegularizer, type Regularizer, type RegularizerIdentifier } from '../regularizers.js';
import { get as getConstraint, type Constraint, type ConstraintIdentifier } from '../constraints.js';
import { serializeDtype, deserializeDtype, toSnakeCase } from './serialization.js';
import { getKerasCompat } from '../compat.js';
import type { SymbolicTensor } from './functional.js';
import { checkOptions, checkClassOptions, checkBoolean, checkNumber, describeValue } from '../../util/options.js';
import { kerasClassName } from '../../util/class-name.js';

/** Arguments every layer accepts (Keras base-layer kwargs, camelCase). */
export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  dtype?: DType | { class_name: string; config?: Record<string, unknown> };
  /** Keras `batch_input_shape` (with null for unknown dims); kept, and reported by getConfig under 'keras2'. */
  batchInputShape?: (number | null)[];
  /** Keras `input_shape` (without the batch dim); stored as batchInputShape [batchSize ?? null, ...inputShape]. */
  inputShape?: (number | null)[];
  batchSize?: number;
  activityRegularizer?: RegularizerIdentifier | null;
}

/** Keyword arguments of a layer call on symbolic tensors (the Functional API). */
export interface SymbolicCallArgs {
  training?: boolean;
  initialState?: (SymbolicTensor | SymbolicTensor[])[];
  /** Attention layers only (their `extraCallArgs`), recorded on the graph's node. */
  returnAttentionScores?: boolean;
  useCausalMask?: boolean;
}

/**
 * One `vars` group of a layer with sublayer-like parts in Keras's .keras weights file (MultiHeadAttention's
 * query_dense, …): its path below the layer's group ('' = the layer's own) and its variables in order.
 */
export interface WeightGroupSpec {
  path: string;
  weights: Tensor[];
}

/** Keyword arguments of a layer call. */
export interface CallArgs {
  training?: boolean;
  /**
   * The Keras mask of the input; for a layer whose class sets `maskList` (Attention: [query_mask, value_mask]),
   * one per input tensor. Absent: taken from the inputs' attached Keras masks.
   */
  mask?: Tensor | null;
  /** Attention layers: also return the attention weights (Keras `return_attention_scores`). Only layers whose class lists it in `extraCallArgs` accept it. */
  returnAttentionScores?: boolean;
  /** Attention layers: mask out future positions (Keras `use_causal_mask`). Only layers that list it in `extraCallArgs`. */
  useCausalMask?: boolean;
  /** MultiHeadAttention: a [B, T, S] mask of the allowed (query, key) pairs (Keras `attention_mask`). */
  attentionMask?: Tensor | null;
  /** Flat [h, c, …], or nested per cell for stacked cells ([[h1, c1], [h2, c2]]), as Keras accepts. */
  initialState?: (Tensor | Tensor[])[];
}

/** The base-layer option names, for the option lists of subclasses (`{ ...LAYER_OPTIONS, units: true }`). */
export const LAYER_OPTIONS = {
  name: true, trainable: true, dtype: true, batchInputShape: true, inputShape: true, batchSize: true, activityRegularizer: true,
} as const satisfies { [K in keyof Required<LayerArgs>]: true };

/**
 * The call arguments every layer knows; a layer call with any other key is refused, except the keys its class
 * lists in `static extraCallArgs` (the attention layers' returnAttentionScores, useCausalMask).
 */
export const CALL_ARGS: readonly string[] = ['training', 'mask', 'initialState'];

// Options objects a layer made itself for its super() or an inner cell, after checking the user's own.
const prechecked = new WeakSet<object>();

/** Marks an options object as already checked (a layer passing rewritten options to super or to a cell). */
export function checkedArgs<T extends object>(args: T): T {
  prechecked.add(args);
  return args;
}

function checkShapeArg(where: string, name: string, v: unknown): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.some((d) => d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d < 0))) {
    fail(where, `${name} must be an array of non-negative integers (null for an unknown dimension), got ${Array.isArray(v) ? JSON.stringify(v) : describeValue(v)}`);
  }
}

export interface AddWeightOptions {
  initializer?: InitializerIdentifier;
  regularizer?: RegularizerIdentifier | null;
  constraint?: ConstraintIdentifier | null;
  trainable?: boolean;
  dtype?: DType;
}

/** Layer inputs: one tensor, a list of tensors, or nested JS arrays (converted with the layer's dtype). */
export type LayerInput = Tensor | Tensor[] | NestedArray;

// ---- names ----------------------------------------------------------------------------------------------
const nameUids = new Map<string, number>();

/** Keras `uniquify`: the first use of a prefix keeps it, the next ones get _1, _2, ... */
export function uniquifyName(prefix: string): string {
  const n = nameUids.get(prefix) ?? 0;
  nameUids.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

/** Resets the automatic layer-name counters (keras.backend.clear_session / keras.utils.clear_session). */
export function clearSession(): void {
  nameUids.clear();
}

// ---- Keras masks attached to tensors (Keras `_keras_mask`) ----------------------------------------------
const kerasMasks = new WeakMap<Tensor, Tensor | null>();

export function getKerasMask(t: Tensor): Tensor | null {
  return kerasMasks.get(t) ?? null;
}

const maskWarnings = new Set<string>();

/**
 * Keras 3 Layer.__call__ (keras/src/layers/layer.py): a layer that does not support masking, called on an input
 * that carries a mask, warns (Python's default filter shows each distinct message once) and its outputs carry
 * no mask. Keras's words, once per layer.
 */
function warnMaskDropped(layer: { name: string; className: string }): void {
  const msg = `Layer '${layer.name}' (of type ${layer.className}) was passed an input with a mask attached to it. However, ` +
    'this layer does not support masking and will therefore destroy the mask information. Downstream layers will not see the mask.';
  if (maskWarnings.has(msg)) return;
  maskWarnings.add(msg);
  console.warn(msg);
}

export function setKerasMask(t: Tensor, mask: Tensor | null): void {
  if (mask === null) kerasMasks.delete(t);
  else kerasMasks.set(t, mask);
}

// Calls on symbolic tensors (the Functional API, functional.ts) record a graph node instead of computing. The
// handler is installed by functional.ts, so this file does not import it; it returns undefined for concrete calls.
type SymbolicHandler = (layer: Layer, inputs: unknown, kwargs: CallArgs) => unknown;
let symbolicHandler: SymbolicHandler | null = null;

/** Installs the Functional API's handler of symbolic calls (functional.ts). */
export function setSymbolicHandler(h: SymbolicHandler): void {
  symbolicHandler = h;
}

// The outermost layer call clears the losses of its whole layer tree (Keras `_clear_losses` on the entry layer).
let callDepth = 0;

/**
 * `Out` is what `apply` returns for concrete inputs: `Tensor` for the layers that always give one output (Dense,
 * Conv1D, the normalization, pooling, merge and reshaping layers…), so `dense.apply(x).shape` needs no cast; the
 * layers that may give several (recurrent layers with returnState, attention with scores, cells) keep the union.
 */
export abstract class Layer<Out extends Tensor | Tensor[] = Tensor | Tensor[]> {
  readonly name: string;
  dtype: DType;
  built = false;
  /** Keras `supports_masking`: when true, `apply` attaches `computeMask(...)` to the outputs. */
  supportsMasking = false;
  activityRegularizer: Regularizer | null;
  readonly batchInputShape: (number | null)[] | null;
  /** weight → its constraint; optimizers call `applyConstraints()` after each update. */
  readonly constraints = new Map<Tensor, Constraint>();

  private _trainable: boolean;
  private readonly ownTrainable: Tensor[] = [];
  private readonly ownNonTrainable: Tensor[] = [];
  private readonly weightTrainable = new Map<Tensor, boolean>();
  private readonly weightRegularizers = new Map<Tensor, Regularizer>();
  private readonly sublayers: Layer[] = [];
  private parent: Layer | null = null;
  private ownLosses: Tensor[] = [];

  constructor(args: LayerArgs = {}) {
    // Unknown keys are refused as Keras 3 refuses unrecognized keyword arguments (not for options a layer
    // rewrote for its super call after checking the user's own).
    checkClassOptions(new.target, args, { keys: !prechecked.has(args) });
    const where = new.target.name;
    checkBoolean(where, 'trainable', args.trainable);
    checkShapeArg(where, 'batchInputShape', args.batchInputShape);
    checkShapeArg(where, 'inputShape', args.inputShape);
    checkNumber(where, 'batchSize', args.batchSize, { integer: true, min: 1, nullable: true });
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === '' || args.name.includes('/'))) {
      fail(kerasClassName(this), `name must be a non-empty string without '/', got ${JSON.stringify(args.name)}`);
    }
    this.name = args.name ?? uniquifyName(toSnakeCase(kerasClassName(this)));
    this._trainable = args.trainable ?? true;
    this.dtype = deserializeDtype(args.dtype);
    this.activityRegularizer = getRegularizer(args.activityRegularizer);
    if (args.batchInputShape) this.batchInputShape = [...args.batchInputShape];
    else if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    else this.batchInputShape = null;
  }

  /** The Keras class name used in configs (the class's own static kerasName, else its JS name; subclasses may override). */
  get className(): string {
    return kerasClassName(this);
  }

  /** 'parent/child' for tracked sublayers (Keras variable paths), else the name. */
  get path(): string {
    return this.parent ? `${this.parent.path}/${this.name}` : this.name;
  }

  get trainable(): boolean {
    return this._trainable;
  }

  set trainable(v: boolean) {
    this._trainable = v;
    for (const l of this.sublayers) l.trainable = v;
    this.syncRequiresGrad();
  }

  /** Tracks a sublayer (e.g. an RNN's cell): its weights, losses and trainable flag become part of this layer. */
  protected trackLayer<L extends Layer>(layer: L): L {
    if ((layer as Layer) === this) fail(this.name, 'a layer cannot track itself');
    if (!this.sublayers.includes(layer)) this.sublayers.push(layer);
    // A shared layer (Keras allows one layer in several models) keeps its first owner for its weight paths.
    if (!layer.parent) layer.parent = this;
    return layer;
  }

  /** Tracked sublayers, in tracking order. */
  get layers(): Layer[] {
    return [...this.sublayers];
  }

  /**
   * Creates a weight: a leaf tensor filled by the initializer (default glorot_uniform, Keras's default for
   * add_weight on floats), named '<path>/<name>', requiring a gradient iff trainable.
   */
  addWeight(name: string, shape: number[], opts: AddWeightOptions = {}): Tensor {
    const init: Initializer = getInitializer(opts.initializer ?? 'glorot_uniform');
    const dtype = opts.dtype ?? this.dtype;
    checkTensorSize(this.path, `weight '${name}'`, shape, dtype);
    const w = init.call(shape, dtype);
    w.name = `${this.path}/${name}`;
    const trainable = opts.trainable ?? true;
    this.weightTrainable.set(w, trainable);
    (trainable ? this.ownTrainable : this.ownNonTrainable).push(w);
    const reg = getRegularizer(opts.regularizer);
    if (reg) this.weightRegularizers.set(w, reg);
    const con = getConstraint(opts.constraint);
    if (con) this.constraints.set(w, con);
    w.requiresGrad = trainable && this._trainable && this.ancestorsTrainable();
    return w;
  }

  private ancestorsTrainable(): boolean {
    for (let p = this.parent; p; p = p.parent) if (!p._trainable) return false;
    return true;
  }

  private syncRequiresGrad(): void {
    const on = this._trainable && this.ancestorsTrainable();
    for (const w of [...this.ownTrainable, ...this.ownNonTrainable]) w.requiresGrad = on && (this.weightTrainable.get(w) ?? true);
    for (const l of this.sublayers) l.syncRequiresGrad();
  }

  /** All weights: own trainable, own non-trainable, then each sublayer's (Keras `weights` order). */
  get weights(): Tensor[] {
    const out: Tensor[] = [];
    const seen = new Set<Tensor>();
    const push = (w: Tensor): void => {
      if (!seen.has(w)) {
        seen.add(w);
        out.push(w);
      }
    };
    for (const w of this.ownTrainable) push(w);
    for (const w of this.ownNonTrainable) push(w);
    for (const l of this.sublayers) for (const w of l.weights) push(w);
    return out;
  }

  /** Keras: [] when the layer is not trainable, else the weights whose own flag is trainable. */
  get trainableWeights(): Tensor[] {
    if (!this._trainable) return [];
    return this.weights.filter((w) => this.isWeightTrainable(w));
  }

  get nonTrainableWeights(): Tensor[] {
    if (!this._trainable) return this.weights;
    return this.weights.filter((w) => !this.isWeightTrainable(w));
  }

  private isWeightTrainable(w: Tensor): boolean {
    const own = this.weightTrainable.get(w);
    if (own !== undefined) return own;
    for (const l of this.sublayers) {
      if (l.weights.includes(w)) return l.trainable && l.isWeightTrainable(w);
    }
    return true;
  }

  /** Number of scalars in all weights (Keras `count_params`). */
  countParams(): number {
    if (!this.built) fail(this.name, 'You tried to call countParams but the layer is not built yet; call it on an input first');
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** Copies of the weights' values (Keras `get_weights` returns NumPy copies). */
  getWeights(): Tensor[] {
    return this.weights.map((w) => w.clone());
  }

  /**
   * Overwrites the weights in `weights` order. The count and every shape are checked; errors name the
   * layer, the weight, and expected vs actual shape. Accepts tensors or nested arrays.
   */
  setWeights(values: (Tensor | NestedArray)[]): void {
    const ws = this.weights;
    if (!this.built && ws.length === 0) {
      fail(this.name, `setWeights on layer '${this.name}' before it has weights: build it first (layer.build(inputShape), ` +
        'or call it once on an input), then set them');
    }
    if (!Array.isArray(values) || values.length !== ws.length) {
      fail(
        this.name,
        `You called setWeights(weights) on layer '${this.name}' with a weight list of length ${Array.isArray(values) ? values.length : typeof values}, ` +
          `but the layer was expecting ${ws.length} weights (${ws.map((w) => `${w.name} ${shapeStr(w.shape)}`).join(', ')}).`,
      );
    }
    const ts = values.map((v, i) => (v instanceof Tensor ? v : tensor(v as NestedArray, { dtype: ws[i].dtype })));
    ts.forEach((v, i) => {
      if (!sameShape(v.shape, ws[i].shape)) {
        fail(this.name, `Layer ${this.name} weight '${ws[i].name}' has shape ${shapeStr(ws[i].shape)}, which is not compatible with provided weight shape ${shapeStr(v.shape)}.`);
      }
    });
    ts.forEach((v, i) => ws[i].assign(v));
  }

  /** The constraint of every weight of this layer and its sublayers. */
  get allConstraints(): Map<Tensor, Constraint> {
    const m = new Map<Tensor, Constraint>(this.constraints);
    for (const l of this.sublayers) for (const [w, c] of l.allConstraints) m.set(w, c);
    return m;
  }

  /** Projects every constrained weight in place (called by optimizers after each update, Keras §7.3). */
  applyConstraints(): void {
    noGrad(() => {
      for (const [w, c] of this.allConstraints) w.assign(c.call(w));
    });
  }

  /** Regularizer of a weight, if any (searches sublayers). */
  regularizerOf(w: Tensor): Regularizer | null {
    const r = this.weightRegularizers.get(w);
    if (r) return r;
    for (const l of this.sublayers) {
      const s = l.regularizerOf(w);
      if (s) return s;
    }
    return null;
  }

  /** Adds a loss to this layer's losses of the current call (Keras `add_loss`). */
  addLoss(loss: Tensor): void {
    this.ownLosses.push(loss);
  }

  private clearLosses(): void {
    this.ownLosses = [];
    for (const l of this.sublayers) l.clearLosses();
  }

  private collectCallLosses(out: Tensor[]): void {
    out.push(...this.ownLosses);
    for (const l of this.sublayers) l.collectCallLosses(out);
  }

  /**
   * Keras `losses`: losses added during the last call (activity regularizer etc., own then sublayers') +
   * penalties of trainable weights with a regularizer, recomputed now (so they see current values).
   */
  get losses(): Tensor[] {
    const out: Tensor[] = [];
    this.collectCallLosses(out);
    for (const w of this.trainableWeights) {
      const r = this.regularizerOf(w);
      if (r) out.push(r.call(w));
    }
    return out;
  }

  /** Creates the weights from the input shape (Keras `build`). Default: nothing to create. */
  build(inputShape: number[]): void {
    void inputShape;
    this.built = true;
  }

  /** The forward computation (Keras `call`). */
  abstract call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor | Tensor[];

  /** Keras default `compute_mask`: pass the previous mask through (used only when supportsMasking). */
  computeMask(inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    void inputs;
    return mask;
  }

  /** Builds from the first input's shape when not built yet (subclasses may override for several inputs). */
  protected maybeBuild(inputs: Tensor | Tensor[]): void {
    if (this.built) return;
    const first = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!first) fail(this.name, 'cannot build from an empty input list');
    this.build([...first.shape]);
    this.built = true;
  }

  /** Converts nested arrays to a tensor of this layer's dtype. */
  protected toInputs(inputs: LayerInput): Tensor | Tensor[] {
    if (inputs instanceof Tensor) return inputs;
    if (Array.isArray(inputs) && inputs.length > 0 && inputs.every((x) => x instanceof Tensor)) return inputs as Tensor[];
    return tensor(inputs as NestedArray, { dtype: this.dtype });
  }

  /**
   * Keras `__call__`: convert inputs, take the mask attached to the first input when none is passed,
   * build, call, add activity-regularizer losses, attach output masks.
   */
  apply(inputs: LayerInput, kwargs?: CallArgs): Out;
  apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: SymbolicCallArgs): Out extends Tensor ? SymbolicTensor : SymbolicTensor | SymbolicTensor[];
  apply(inputs: LayerInput | SymbolicTensor | SymbolicTensor[], kwargs: CallArgs | SymbolicCallArgs = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const extra = (this.constructor as { extraCallArgs?: readonly string[] }).extraCallArgs ?? [];
    checkOptions(`${this.name}.apply`, kwargs, extra.length ? [...CALL_ARGS, ...extra] : CALL_ARGS, 'call argument');
    if (symbolicHandler !== null) {
      const r = symbolicHandler(this, inputs, kwargs as CallArgs);
      if (r !== undefined) return r as SymbolicTensor | SymbolicTensor[];
    }
    return this.applyConcrete(inputs as LayerInput, kwargs as CallArgs) as Out;
  }

  private applyConcrete(inputs: LayerInput, kwargs: CallArgs): Tensor | Tensor[] {
    checkBoolean(`${this.name}.apply`, 'training', kwargs.training);
    const maskList = (this.constructor as { maskList?: boolean }).maskList === true;
    const m0 = kwargs.mask as unknown;
    if (maskList && Array.isArray(m0)) {
      m0.forEach((m, i) => {
        if (m !== null && m !== undefined && !(m instanceof Tensor)) fail(`${this.name}.apply`, `mask[${i}] must be a Tensor or null, got ${describeValue(m)}`);
      });
    } else if (m0 !== undefined && m0 !== null && !(m0 instanceof Tensor)) {
      fail(`${this.name}.apply`, `mask must be a Tensor or null${maskList ? ' (or a list, one per input)' : ''}, got ${describeValue(m0)}`);
    }
    if (inputs === null || inputs === undefined) fail(`${this.name}.apply`, `inputs must be a Tensor, an array of Tensors or nested number arrays, got ${describeValue(inputs)}`);
    const xs = this.toInputs(inputs);
    const first = Array.isArray(xs) ? xs[0] : xs;
    const args: CallArgs = { ...kwargs };
    if (args.mask === undefined && maskList && Array.isArray(xs)) {
      // Keras passes a list-input layer the list of its inputs' masks (Layer.__call__ with mask=[...])
      const ms = xs.map((x) => getKerasMask(x) ?? null);
      if (ms.some((m) => m !== null)) args.mask = ms as unknown as Tensor;
    } else if (args.mask === undefined && first) {
      const m = getKerasMask(first);
      if (m) args.mask = m;
    }
    const previousMask = args.mask ?? null;
    const outer = callDepth === 0;
    if (outer) this.clearLosses();
    callDepth++;
    let outputs: Tensor | Tensor[];
    try {
      this.maybeBuild(xs);
      outputs = this.call(xs, args);
    } finally {
      callDepth--;
    }
    if (this.activityRegularizer) {
      for (const o of Array.isArray(outputs) ? outputs : [outputs]) {
        let loss = this.activityRegularizer.call(o);
        if (o.rank > 0) {
          // divide_no_nan(loss, batch): a zero batch gives 0, not NaN.
          const b = o.shape[0];
          loss = b === 0 ? full([], 0, loss.dtype) : div(loss, full([], b, loss.dtype));
        }
        this.addLoss(loss);
      }
    }
    if (this.supportsMasking) {
      const outMask = this.computeMask(xs, previousMask);
      for (const o of Array.isArray(outputs) ? outputs : [outputs]) setKerasMask(o, outMask);
    } else if (previousMask !== null) {
      warnMaskDropped(this);
    }
    return outputs;
  }

  /**
   * Keras base config: name, trainable, dtype (a DTypePolicy dict) and activity_regularizer if set. Keras 2 also
   * wrote `batch_input_shape` here; Keras 3 rejects that key in a layer config ("Unrecognized keyword arguments")
   * and keeps the shape in the model's InputLayer instead, so it is written only under setKerasCompat('keras2').
   */
  getConfig(): Record<string, unknown> {
    const cfg: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: serializeDtype(this.dtype) };
    if (this.batchInputShape && getKerasCompat() === 'keras2') cfg.batch_input_shape = [...this.batchInputShape];
    if (this.activityRegularizer) cfg.activity_regularizer = serializeRegularizer(this.activityRegularizer);
    return cfg;
  }
}

/**
 * Reads the base keys of a Keras config into LayerArgs (the helper every `static fromConfig` uses):
 *   static fromConfig(cfg) { return new Dense({ ...baseArgsFromConfig(cfg), units: cfg.units as number, ... }); }
 */
export function baseArgsFromConfig(cfg: Record<string, unknown>): LayerArgs {
  const args: LayerArgs = {};
  if (typeof cfg.name === 'string') args.name = cfg.name;
  if (typeof cfg.trainable === 'boolean') args.trainable = cfg.trainable;
  if (cfg.dtype !== undefined && cfg.dtype !== null) args.dtype = deserializeDtype(cfg.dtype);
  if (Array.isArray(cfg.batch_input_shape)) args.batchInputShape = cfg.batch_input_shape as (number | null)[];
  else if (Array.isArray(cfg.batch_shape)) args.batchInputShape = cfg.batch_shape as (number | null)[];
  if (cfg.activity_regularizer !== undefined && cfg.activity_regularizer !== null) {
    args.activityRegularizer = cfg.activity_regularizer as RegularizerIdentifier;
  }
  return args;
}
