// lt.keras.activations (keras/src/activations/activations.py). `getActivation(id)` resolves a Keras
// identifier to `{name, fn}` where `name` is what Keras serialises (`activations.serialize` gives a plain
// string: 'tanh', 'linear' for None, 'silu' for 'swish', 'hard_silu' for 'hard_swish') and `fn` the op.
// Every function is built from autograd ops (src/ops), so each has its backward.
// hard_sigmoid follows the compatibility switch (src/keras/compat.ts): Keras 3 relu6(x+3)/6, Keras 2
// clip(0.2x+0.5, 0, 1). gelu is the same in both (tf.keras 2.x and Keras 3 on TF both call tf.nn.gelu).

import { Tensor } from '../tensor/tensor.js';
import { fail } from '../tensor/shape.js';
import { full } from '../tensor/create.js';
import * as u from '../ops/unary.js';
import { add, mul, div } from '../ops/arithmetic.js';
import { softmax as softmaxOp, logSoftmax as logSoftmaxOp } from '../ops/softmax.js';
import { where } from '../ops/select.js';
import { getKerasCompat } from './compat.js';

export type ActivationFn = (x: Tensor) => Tensor;

export interface Activation {
  /** The Keras serialised name ('tanh', 'hard_sigmoid', 'linear', ...); a custom function's own name. */
  readonly name: string;
  readonly fn: ActivationFn;
  /** Same as `fn` (kept for callers that say `apply`). */
  readonly apply: ActivationFn;
}

/**
 * The activation names Keras 3 knows (and lstm-ts implements), in Keras's snake_case and the camelCase / PascalCase
 * spellings getActivation also takes: a typo is a compile error in TypeScript (and a run-time error with the list
 * of names for JavaScript callers and configs read from files).
 */
export type ActivationName =
  | 'tanh' | 'sigmoid' | 'relu' | 'linear' | 'exponential' | 'softmax' | 'log_softmax' | 'logSoftmax' | 'hard_sigmoid' | 'hardSigmoid'
  | 'relu6' | 'softsign' | 'softplus' | 'elu' | 'selu' | 'silu' | 'swish' | 'hard_silu' | 'hardSilu' | 'hard_swish' | 'hardSwish'
  | 'leaky_relu' | 'leakyRelu' | 'mish' | 'gelu' | 'None';
export type ActivationIdentifier = ActivationName | ActivationFn | Activation | null | undefined;

/** 0/1 tensor of x's dtype: 1 where x > 0 (a constant condition for `where`). */
function positive(x: Tensor): Tensor {
  const c = full(x.shape, 0, x.dtype);
  for (let i = 0; i < x.size; i++) c.data[i] = x.data[i] > 0 ? 1 : 0;
  return c;
}

const zerosLikeC = (x: Tensor): Tensor => full(x.shape, 0, x.dtype);

export const tanh: ActivationFn = (x) => u.tanh(x);
/**
 * Keras on TF caches an activation's input on its output (`output._keras_logits = x` in
 * keras/src/activations/activations.py, softmax and sigmoid only; keras.ops.softmax/sigmoid do the same on
 * the TF backend, backend/tensorflow/nn.py; log_softmax and tf.nn.* set nothing, nor do our raw ops). The TF backend's cross-entropies (keras/src/backend/tensorflow/nn.py `_get_logits`) then compute
 * the loss from those logits with the stable `*_cross_entropy_with_logits` formulas instead of clipping the
 * probabilities at 1e-7. We keep the same link in a WeakMap (output → logits) rather than a Tensor field, so
 * it lives exactly as long as the output and copies (clone, detach, reshape) do not carry it, as in TF.
 */
const kerasLogits = new WeakMap<Tensor, Tensor>();

/** The logits a softmax/sigmoid activation produced `output` from (Keras `output._keras_logits`), if any. */
export function getKerasLogits(output: Tensor): Tensor | undefined {
  return kerasLogits.get(output);
}

function withLogits(output: Tensor, logits: Tensor): Tensor {
  kerasLogits.set(output, logits);
  return output;
}

export const sigmoid: ActivationFn = (x) => withLogits(u.sigmoid(x), x);
export const relu: ActivationFn = (x) => u.relu(x);
export const linear: ActivationFn = (x) => u.linear(x);
export const exponential: ActivationFn = (x) => u.exp(x);
export const softmax: ActivationFn = (x) => withLogits(softmaxOp(x, -1), x);
export const logSoftmax: ActivationFn = (x) => logSoftmaxOp(x, -1);
/** Keras 3: relu6(x+3)/6; Keras 2 (compat switch): clip(0.2x+0.5, 0, 1). */
export const hardSigmoid: ActivationFn = (x) => (getKerasCompat() === 'keras2' ? u.hardSigmoidKeras2(x) : u.hardSigmoid(x));
/** min(max(x, 0), 6). */
export const relu6: ActivationFn = (x) => u.clip(x, 0, 6);
/** x / (1 + |x|). */
export const softsign: ActivationFn = (x) => div(x, u.addScalar(u.abs(x), 1));
/** log(1 + eˣ), computed stably as relu(x) + log(1 + e^(−|x|)). */
export const softplus: ActivationFn = (x) => add(u.relu(x), u.log(u.addScalar(u.exp(u.scale(u.abs(x), -1)), 1)));
/**
 * elu(x) = x for x > 0, alpha·(eˣ − 1) otherwise (alpha = 1). exp is taken of min(x, 0) so the unused
 * branch never overflows (an inf there would turn its zero gradient into NaN).
 */
export function elu(x: Tensor, alpha = 1.0): Tensor {
  const neg = u.scale(u.addScalar(u.exp(u.minimum(x, zerosLikeC(x))), -1), alpha);
  return where(positive(x), x, neg);
}
// TF's tf.nn.selu constants.
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
/** scale · elu(x, alpha) with TF's constants. */
export const selu: ActivationFn = (x) => u.scale(elu(x, SELU_ALPHA), SELU_SCALE);
/** silu / swish: x · sigmoid(x). */
export const silu: ActivationFn = (x) => mul(x, u.sigmoid(x));
/** hard_silu / hard_swish: x · relu6(x+3)/6 (Keras 3). */
export const hardSilu: ActivationFn = (x) => mul(x, u.hardSigmoid(x));
/** leaky_relu with Keras 3's default negative_slope 0.2. */
export const leakyRelu: ActivationFn = (x) => where(positive(x), x, u.scale(x, 0.2));
/** mish: x · tanh(softplus(x)). */
export const mish: ActivationFn = (x) => mul(x, u.tanh(softplus(x)));

/**
 * Keras `activations.gelu(x, approximate=False)` (keras/src/activations/activations.py → ops.gelu →
 * tf.nn.gelu on the TF backend; tf.keras 2.x calls tf.nn.gelu too, with the same default):
 *   exact (default):  x·Φ(x) = 0.5·x·(1 + erf(x/√2)), which tf.nn.gelu computes as 0.5·x·erfc(−x·c) with
 *                     c = 1/√2 — the erfc form keeps its precision for large negative x (gelu(−10) ≈ −7.6e-23,
 *                     where 1 + erf(−10/√2) is exactly 0 in floating point);
 *   approximate:      0.5·x·(1 + tanh(0.7978845608028654·(x + k·x³))) with k = 0.044715.
 * tf.nn.gelu makes c and k with `math_ops.cast(<python float>, dtype)`, which goes through a float32 tensor:
 * both are float32-rounded even for float64 inputs (c = 0.7071067690849304, k = 0.044714998453855515), while
 * 0.7978845608028654 and 0.5 enter at full precision. We use the same constants and run the same ops in the
 * same order, so float32 rounds where TF rounds and float64 agrees with TF to a few ulps (the mathematical
 * gelu differs from TF's float64 gelu by ~1e-8 relative; see docs/parity.md).
 * `activations.get('gelu')` is the exact form. Note that `keras.ops.gelu` defaults to approximate=True;
 * the activation (and this function) default to False.
 */
export function gelu(x: Tensor, approximate = false): Tensor {
  if (approximate) {
    const inner = u.scale(add(x, u.scale(mul(u.square(x), x), GELU_K)), 0.7978845608028654);
    return mul(u.scale(x, 0.5), u.addScalar(u.tanh(inner), 1));
  }
  return mul(u.scale(x, 0.5), u.erfc(u.scale(x, -GELU_C)));
}
// tf.nn.gelu's cast(0.7071067811865476) and cast(0.044715): float32-rounded for every dtype (see above).
const GELU_C = Math.fround(0.7071067811865476);
const GELU_K = Math.fround(0.044715);

const table: Record<string, ActivationFn> = {
  tanh, sigmoid, relu, linear, exponential, softmax, log_softmax: logSoftmax, hard_sigmoid: hardSigmoid, relu6,
  softsign, softplus, elu: (x) => elu(x), selu, silu, hard_silu: hardSilu, leaky_relu: leakyRelu, mish,
  gelu: (x) => gelu(x),
  // tfjs's hardSigmoid (tfjs-layers backend: clip(0.2x + 0.5, 0, 1), Keras 2's formula) under its own name, so a
  // model loaded from tfjs keeps tfjs's numbers whatever the compat switch says, and saving it to Keras 3 (whose
  // hard_sigmoid is relu6(x + 3)/6) fails loudly on the unknown name instead of changing the numbers.
  hard_sigmoid_tfjs: (x) => u.hardSigmoidKeras2(x),
};
// Keras names that resolve to another function (and serialise as that function's name).
const aliases: Record<string, string> = { swish: 'silu', hard_swish: 'hard_silu', none: 'linear' };

/** The known Keras activation names (for error messages and docs). */
export const activationNames: readonly string[] = Object.keys(table);

function normName(id: string): string {
  // Accept 'hard_sigmoid', 'hardSigmoid', 'HardSigmoid', 'None'.
  const snake = id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return aliases[snake] ?? snake;
}

/**
 * Keras `activations.get`: null/undefined/'linear'/'None' → linear (semantics notes §12.1); a string → the
 * named function; a function → itself (named by its JS name, else 'custom'); an Activation → itself.
 */
export function getActivation(identifier: ActivationIdentifier | string): Activation {
  if (identifier === null || identifier === undefined) return { name: 'linear', fn: linear, apply: linear };
  if (typeof identifier === 'function') {
    for (const [n, f] of Object.entries(table)) if (f === identifier) return { name: n, fn: f, apply: f };
    const name = identifier.name && identifier.name !== 'anonymous' ? identifier.name : 'custom';
    return { name, fn: identifier, apply: identifier };
  }
  if (typeof identifier === 'object') {
    if (typeof identifier.fn !== 'function' || typeof identifier.name !== 'string') fail('activations.get', 'an Activation object needs {name, fn}');
    return identifier;
  }
  if (typeof identifier !== 'string') fail('activations.get', `Could not interpret activation function identifier: ${String(identifier)}`);
  const name = normName(identifier);
  const fn = table[name];
  // Keras looks names up exactly ('TANH' is an error there); we also take the camelCase and PascalCase
  // spellings of a known name ('hardSigmoid', 'HardSigmoid') and 'None'.
  const shouted = /^[A-Z0-9_]+$/.test(identifier) && /[A-Z].*[A-Z]/.test(identifier);  // 'TANH', 'HARD_SIGMOID'
  if (!fn || shouted) fail('activations.get', `Unknown activation function '${identifier}'; known: ${activationNames.join(', ')}`);
  return { name, fn, apply: fn };
}

/** Keras 3 serialises activations as their plain name. */
export function serializeActivation(a: Activation | ActivationIdentifier): string {
  return getActivation(a as ActivationIdentifier).name;
}

export const get = getActivation;
export const serialize = serializeActivation;
export const deserialize = (name: string): Activation => getActivation(name);
