// Keras merge layers (K3 keras/src/layers/merging/*; shared/reference/keras-layers.md §7.1, masks §1.12):
//   Add, Subtract, Multiply, Average, Maximum, Minimum   elementwise over a list of inputs (NumPy broadcasting)
//   Concatenate(axis = -1)                               along one axis
//   Dot(axes, normalize = false)                         batch_dot of two inputs
// Output masks (K3 `Merge.compute_mask`, `Concatenate.compute_mask`): the elementwise layers give None when any
// input has no mask, else the logical OR of the masks (Keras 2: the AND of the masks that exist, under
// setKerasCompat('keras2')); Concatenate makes missing masks all-true, concatenates them along `axis` and takes
// `any` over the last axis (Keras 2: `all`); Dot gives none.

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { full } from '../../../tensor/create.js';
import { add, sub, mul, div } from '../../../ops/arithmetic.js';
import { maximum, minimum, sqrt, square } from '../../../ops/unary.js';
import { concat, transpose, reshape } from '../../../ops/layout.js';
import { sum } from '../../../ops/reduce.js';
import { matmul } from '../../../ops/matmul.js';
import { Layer, baseArgsFromConfig, getKerasMask, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { registerLayerClass } from '../../engine/registry.js';
import { getKerasCompat } from '../../compat.js';
import { optionKeys, checkNumber, checkBoolean } from '../../../util/options.js';

/** The inputs of a merge layer: a non-empty list of tensors of one dtype. */
function inputList(layer: Layer, inputs: Tensor | Tensor[], min: number): Tensor[] {
  const xs = Array.isArray(inputs) ? inputs : [inputs];
  if (xs.length < min) fail(layer.name, `A merge layer should be called on a list of at least ${min} input${min > 1 ? 's' : ''}. Received: ${xs.length}`);
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) fail(layer.name, `inputs[${i}] must be a Tensor`);
    if (x.dtype !== xs[0].dtype) fail(layer.name, `inputs[${i}] is ${x.dtype} but inputs[0] is ${xs[0].dtype}`);
  });
  return xs;
}

/** The masks attached to each input (the first may come from the call's `mask` argument). */
function inputMasks(xs: Tensor[], first: Tensor | null): (Tensor | null)[] {
  return xs.map((x, i) => (i === 0 ? first ?? getKerasMask(x) : getKerasMask(x)));
}

function combine(masks: Tensor[], f: (a: number, b: number) => number): Tensor {
  const shape = masks[0].shape;
  for (const m of masks) {
    if (shapeStr(m.shape) !== shapeStr(shape)) fail('merge', `input masks have different shapes: ${masks.map((k) => shapeStr(k.shape)).join(', ')}`);
  }
  const out = full([...shape], 0, masks[0].dtype);
  for (let i = 0; i < out.size; i++) {
    let v = masks[0].data[i] !== 0 ? 1 : 0;
    for (let k = 1; k < masks.length; k++) v = f(v, masks[k].data[i] !== 0 ? 1 : 0);
    out.data[i] = v;
  }
  return out;
}

/** Base of the elementwise merge layers: the reduction over the list, and Keras's mask rule. */
abstract class ElementwiseMerge extends Layer<Tensor> {
  static readonly optionKeys = optionKeys<LayerArgs>(LAYER_OPTIONS);
  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }
  protected readonly minInputs: number = 1;
  protected abstract merge(xs: Tensor[]): Tensor;

  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const xs = inputList(this, inputs, this.minInputs);
    return xs.length === 1 ? xs[0] : this.merge(xs);
  }

  override computeMask(inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    const ms = inputMasks(xs, mask);
    if (getKerasCompat() === 'keras2') {
      const present = ms.filter((m): m is Tensor => m !== null);
      return present.length === 0 ? null : combine(present, (a, b) => a & b);
    }
    if (ms.some((m) => m === null)) return null;
    return combine(ms as Tensor[], (a, b) => a | b);
  }
}

/** Keras Add: x₀ + x₁ + … */
export class Add extends ElementwiseMerge {
  static readonly kerasName: string = 'Add';
  static override readonly optionKeys = ElementwiseMerge.optionKeys;
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => add(acc, x), xs[0]);
  }
  static fromConfig(cfg: Record<string, unknown>): Add {
    return new Add(baseArgsFromConfig(cfg));
  }
}

/** Keras Subtract: x₀ − x₁, exactly two inputs. */
export class Subtract extends ElementwiseMerge {
  static readonly kerasName: string = 'Subtract';
  static override readonly optionKeys = ElementwiseMerge.optionKeys;
  protected override readonly minInputs = 2;
  protected merge(xs: Tensor[]): Tensor {
    if (xs.length !== 2) fail(this.name, `A \`Subtract\` layer should be called on exactly 2 inputs. Received: ${xs.length}`);
    return sub(xs[0], xs[1]);
  }
  static fromConfig(cfg: Record<string, unknown>): Subtract {
    return new Subtract(baseArgsFromConfig(cfg));
  }
}

/** Keras Multiply: x₀ · x₁ · … */
export class Multiply extends ElementwiseMerge {
  static readonly kerasName: string = 'Multiply';
  static override readonly optionKeys = ElementwiseMerge.optionKeys;
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => mul(acc, x), xs[0]);
  }
  static fromConfig(cfg: Record<string, unknown>): Multiply {
    return new Multiply(baseArgsFromConfig(cfg));
  }
}

/** Keras Average: (x₀ + x₁ + …) / n, summed in order then divided (K3 `Average._merge_function`). */
export class Average extends ElementwiseMerge {
  static readonly kerasName: string = 'Average';
  static override readonly optionKeys = ElementwiseMerge.optionKeys;
  protected merge(xs: Tensor[]): Tensor {
    const s = xs.slice(1).reduce((acc, x) => add(acc, x), xs[0]);
    return div(s, full([], xs.length, s.dtype));
  }
  static fromConfig(cfg: Record<string, unknown>): Average {
    return new Average(baseArgsFromConfig(cfg));
  }
}

/** Keras Maximum: elementwise max over the inputs. */
export class Maximum extends ElementwiseMerge {
  static readonly kerasName: string = 'Maximum';
  static override readonly optionKeys = ElementwiseMerge.optionKeys;
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => maximum(acc, x), xs[0]);
  }
  static fromConfig(cfg: Record<string, unknown>): Maximum {
    return new Maximum(baseArgsFromConfig(cfg));
  }
}

/** Keras Minimum: elementwise min over the inputs. */
export class Minimum extends ElementwiseMerge {
  static readonly kerasName: string = 'Minimum';
  static override readonly optionKeys = ElementwiseMerge.optionKeys;
  protected merge(xs: Tensor[]): Tensor {
    return xs.slice(1).reduce((acc, x) => minimum(acc, x), xs[0]);
  }
  static fromConfig(cfg: Record<string, unknown>): Minimum {
    return new Minimum(baseArgsFromConfig(cfg));
  }
}

export interface ConcatenateArgs extends LayerArgs {
  /** The axis to concatenate along (default −1); negative counts from the end. */
  axis?: number;
}

/** Keras Concatenate(axis = −1). */
export class Concatenate extends Layer<Tensor> {
  static readonly kerasName: string = 'Concatenate';
  static readonly optionKeys = optionKeys<ConcatenateArgs>({ ...LAYER_OPTIONS, axis: true });
  readonly axis: number;
  constructor(args: ConcatenateArgs = {}) {
    super(args);
    this.axis = checkNumber('Concatenate', 'axis', args.axis, { integer: true }) ?? -1;
    this.supportsMasking = true;
  }

  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const xs = inputList(this, inputs, 1);
    if (xs.length === 1) return xs[0];
    const r = xs[0].rank;
    const ax = this.axis < 0 ? this.axis + r : this.axis;
    if (ax < 0 || ax >= r) fail(this.name, `axis ${this.axis} is out of range for inputs of rank ${r}`);
    xs.forEach((x, i) => {
      const ok = x.rank === r && x.shape.every((d, k) => k === ax || d === xs[0].shape[k]);
      if (!ok) {
        fail(this.name, 'A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. ' +
          `Received: input_shape=${xs.map((t) => shapeStr(t.shape)).join(', ')} (input ${i} differs)`);
      }
    });
    return concat(xs, ax);
  }

  override computeMask(inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    if (xs.length === 1) return mask;
    const ms = inputMasks(xs, mask);
    if (ms.every((m) => m === null)) return null;
    const r = xs[0].rank;
    const ax = this.axis < 0 ? this.axis + r : this.axis;
    // Missing masks are all-true; a mask of lower rank (e.g. [B, T] for a [B, T, F] input) is broadcast to the
    // input's shape; the masks are concatenated like the inputs, then reduced over the last axis.
    const expanded = xs.map((x, i) => {
      const out = full([...x.shape], 1, 'float32');
      const m = ms[i];
      if (m === null) return out;
      const per = x.size / m.size;  // the trailing axes the mask lacks
      if (!Number.isInteger(per) || shapeStr(m.shape) !== shapeStr(x.shape.slice(0, m.rank))) {
        fail(this.name, `mask ${i} of shape ${shapeStr(m.shape)} does not match input ${i} of shape ${shapeStr(x.shape)}`);
      }
      for (let k = 0; k < out.size; k++) out.data[k] = m.data[Math.floor(k / per)] !== 0 ? 1 : 0;
      return out;
    });
    const cat = concat(expanded, ax);
    const last = cat.shape[cat.rank - 1];
    const out = full(cat.shape.slice(0, -1), 0, 'float32');
    const all = getKerasCompat() === 'keras2';
    for (let i = 0; i < out.size; i++) {
      let v = all ? 1 : 0;
      for (let j = 0; j < last; j++) {
        const b = cat.data[i * last + j] !== 0;
        v = all ? v & (b ? 1 : 0) : v | (b ? 1 : 0);
      }
      out.data[i] = v;
    }
    return out;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }

  static fromConfig(cfg: Record<string, unknown>): Concatenate {
    return new Concatenate({ ...baseArgsFromConfig(cfg), axis: cfg.axis as number | undefined });
  }
}

export interface DotArgs extends LayerArgs {
  /** The axis (or one per input) to contract; required, as in Keras. Negative counts from the end. */
  axes: number | [number, number];
  /** L2-normalize each input along its axis first, so the result is the cosine similarity. */
  normalize?: boolean;
}

/**
 * Keras 3 `ops.nn.normalize(x, axis, order=2)`: x · min(rsqrt(Σx²), 1/ε) with ε = backend.epsilon() = 1e-7
 * (Keras 2 used tf.linalg.l2_normalize: x · rsqrt(max(Σx², 1e-12))).
 */
function l2Normalize(x: Tensor, axis: number): Tensor {
  const ss = sum(square(x), axis, true);
  if (getKerasCompat() === 'keras2') return div(x, sqrt(maximum(ss, full([], 1e-12, x.dtype))));
  const inv = minimum(div(full([], 1, x.dtype), sqrt(ss)), full([], 1 / 1e-7, x.dtype));
  return mul(x, inv);
}

/** Keras Dot(axes, normalize): batch_dot of two rank-2 or rank-3 inputs. */
export class Dot extends Layer<Tensor> {
  static readonly kerasName: string = 'Dot';
  static readonly optionKeys = optionKeys<DotArgs>({ ...LAYER_OPTIONS, axes: true, normalize: true });
  readonly axes: number | [number, number];
  readonly normalize: boolean;
  constructor(args: DotArgs) {
    super(args);
    const a = args.axes;
    const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
    if (!(isInt(a) || (Array.isArray(a) && a.length === 2 && a.every(isInt)))) {
      fail('Dot', `axes must be an integer or a pair of integers (required), got ${JSON.stringify(a)}`);
    }
    this.axes = Array.isArray(a) ? [a[0], a[1]] : a;
    this.normalize = checkBoolean('Dot', 'normalize', args.normalize) ?? false;
    // Keras 3 Dot: supports_masking = True with compute_mask → None (a masked input is accepted without the
    // "destroy the mask" warning, and the output carries no mask).
    this.supportsMasking = true;
  }

  override computeMask(): Tensor | null {
    return null;
  }

  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const xs = inputList(this, inputs, 2);
    if (xs.length !== 2) fail(this.name, `A \`Dot\` layer should be called on a list of 2 inputs. Received: ${xs.length} inputs.`);
    let [x, y] = xs;
    for (const t of xs) if (t.rank !== 2 && t.rank !== 3) fail(this.name, `Dot supports inputs of rank 2 or 3 here, got ${shapeStr(t.shape)}`);
    if (x.shape[0] !== y.shape[0]) fail(this.name, `the inputs have different batch sizes: ${shapeStr(x.shape)} and ${shapeStr(y.shape)}`);
    const [a0, a1] = Array.isArray(this.axes) ? this.axes : [this.axes, this.axes];
    const ax = ((a0 % x.rank) + x.rank) % x.rank;  // Keras takes negative axes modulo the rank
    const ay = ((a1 % y.rank) + y.rank) % y.rank;
    if (ax === 0 || ay === 0) fail(this.name, 'Dot cannot contract the batch axis 0');
    if (x.shape[ax] !== y.shape[ay]) {
      fail(this.name, `Incompatible input shapes: axis values ${x.shape[ax]} (!= ${y.shape[ay]}). Full input shapes: ${shapeStr(x.shape)}, ${shapeStr(y.shape)}`);
    }
    if (this.normalize) {
      x = l2Normalize(x, ax);
      y = l2Normalize(y, ay);
    }
    // batch_dot as one batched matmul: x with its contracted axis last ([B, m, D]), y with it first ([B, D, n]).
    const B = x.shape[0];
    const D = x.shape[ax];
    const xm = x.rank === 2 ? reshape(x, [B, 1, D]) : ax === 2 ? x : transpose(x, [0, 2, 1]);
    const ym = y.rank === 2 ? reshape(y, [B, D, 1]) : ay === 1 ? y : transpose(y, [0, 2, 1]);
    const z = matmul(xm, ym);  // [B, m, n]
    const shape = [B];
    if (x.rank === 3) shape.push(z.shape[1]);
    if (y.rank === 3) shape.push(z.shape[2]);
    if (shape.length === 1) shape.push(1);  // two rank-2 inputs give [B, 1] (Keras batch_dot)
    return reshape(z, shape);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axes: this.axes, normalize: this.normalize };
  }

  static fromConfig(cfg: Record<string, unknown>): Dot {
    return new Dot({ ...baseArgsFromConfig(cfg), axes: cfg.axes as number | [number, number], normalize: cfg.normalize as boolean | undefined });
  }
}

registerLayerClass('Add', Add.fromConfig);
registerLayerClass('Subtract', Subtract.fromConfig);
registerLayerClass('Multiply', Multiply.fromConfig);
registerLayerClass('Average', Average.fromConfig);
registerLayerClass('Maximum', Maximum.fromConfig);
registerLayerClass('Minimum', Minimum.fromConfig);
registerLayerClass('Concatenate', Concatenate.fromConfig);
registerLayerClass('Dot', Dot.fromConfig);

