// Layer-by-layer comparison of a model's outputs with a reference (issue #19, the core of `lstm-ts compare`):
// trace every layer call of a model here, compare each output with the reference's output of the same name, and
// name the first layer, in call order, past the tolerance: where the two start to differ.
//
// Names: `layer/callIndex/outputIndex`, the triple of Keras's `keras_history` (layer name, node index within the
// model, tensor index), so that a Keras-side script can name its outputs the same way: for a Functional,
// `layer._inbound_nodes[node].output_tensors[index]`; for a Sequential, `layer.output` with node 0.
// Tolerance per element, as numpy.allclose: |ours − ref| ≤ abs + rel·|ref|.

import { Tensor } from '../tensor/tensor.js';
import { fail } from '../tensor/shape.js';
import { noGrad } from '../autograd/mode.js';
import { backwardMany } from '../autograd/engine.js';
import type { Layer } from '../keras/engine/layer.js';
import { Random } from '../tensor/random.js';
import { tensor } from '../tensor/create.js';
import { Embedding } from '../keras/layers/core/embedding.js';
import { Masking } from '../keras/layers/core/masking.js';
import { Functional } from '../keras/engine/functional.js';
import { Sequential } from './sequential.js';
import type { Model } from './model.js';
import type { NpyArray } from './npy.js';

export interface LayerOutput {
  /** `layer/callIndex/outputIndex` (Keras's keras_history triple). */
  key: string;
  layer: string;
  callIndex: number;
  index: number;
  value: Tensor;
}

/**
 * Every output of every layer call of `model` (in call order) for one inference forward pass (training false,
 * no gradients). A nested model counts as one layer; its inner layers are not listed (as in Keras, where they are
 * not outputs of the outer graph).
 */
export function traceLayerOutputs(model: Model, inputs: Tensor | Tensor[] | Record<string, Tensor>): LayerOutput[] {
  const out: LayerOutput[] = [];
  const seen = new Set<string>();
  const observe = (layer: Layer, callIndex: number, outputs: Tensor[]): void => {
    outputs.forEach((value, index) => {
      const key = `${layer.name}/${callIndex}/${index}`;
      if (seen.has(key)) fail('traceLayerOutputs', `layer call ${key} was recorded twice (a layer name used by two layers?)`);
      seen.add(key);
      out.push({ key, layer: layer.name, callIndex, index, value });
    });
  };
  if (model.layerCallObserver) fail('traceLayerOutputs', `model '${model.name}' is already being traced`);
  model.layerCallObserver = observe;
  try {
    noGrad(() => (model as unknown as { apply(x: unknown, k: object): unknown }).apply(inputs, { training: false }));
  } finally {
    model.layerCallObserver = null;
  }
  return out;
}

export interface Tolerance {
  abs: number;
  rel: number;
}

export interface CompareRow {
  key: string;
  shape: number[];
  /** max |ours − ref| */
  maxAbs: number;
  /** max |ours − ref| / |ref| over elements with ref ≠ 0 */
  maxRel: number;
  /** max distance in units in the last place of the reference's float type (float32 or float64) */
  maxUlps: number;
  /** C-order index of the element with the largest |ours − ref| / (abs + rel·|ref|), or -1 */
  worstIndex: number;
  /** max |ours − ref| / (abs + rel·|ref|): ≤ 1 passes (NaN when the row has no numbers) */
  ratio: number;
  /** max |ref| over its finite elements: the row's scale, against which a difference is or is not rounding */
  scale: number;
  /** What the key stands for (a weight's name), when known. */
  label?: string;
  ok: boolean;
  /** Why a row fails without numbers: missing in the reference, a shape mismatch. */
  note?: string;
}

export interface CompareResult {
  rows: CompareRow[];
  /** The first row (in call order) past the tolerance, or null when every row passes. */
  firstDivergence: string | null;
  ok: boolean;
  tolerance: Tolerance;
}

type Values = { shape: number[]; data: ArrayLike<number>; float32: boolean };

function valuesOf(v: Tensor | NpyArray, what: string): Values {
  if (v instanceof Tensor) return { shape: [...v.shape], data: v.data, float32: v.dtype === 'float32' };
  if (v.dtype === 'int64') return { shape: v.shape, data: Array.from(v.data as BigInt64Array, Number), float32: false };
  if (!v.data || typeof (v.data as ArrayLike<number>).length !== 'number') fail('compareOutputs', `${what}: not an array`);
  return { shape: v.shape, data: v.data as ArrayLike<number>, float32: v.dtype === 'float32' };
}

// Order-preserving integer images of floats: the ulp distance is the difference of the images.
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
function ord32(x: number): number {
  f32[0] = x;
  const b = i32[0];
  return b < 0 ? -2147483648 - b : b;
}
function ord64(x: number): bigint {
  f64[0] = x;
  const b = i64[0];
  return b < 0n ? -9223372036854775808n - b : b;
}
/** Distance in ulps of float32 (or float64) between two values; Infinity when either is NaN. */
export function ulpDistance(a: number, b: number, float32: boolean): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (float32) return Math.abs(ord32(a) - ord32(b));
  const d = ord64(a) - ord64(b);
  return Number(d < 0n ? -d : d);
}

function compareOne(key: string, ours: Values, ref: Values, tol: Tolerance): CompareRow {
  const row: CompareRow = { key, shape: ours.shape, maxAbs: 0, maxRel: 0, maxUlps: 0, worstIndex: -1, ratio: 0, scale: 0, ok: true };
  if (ours.shape.length !== ref.shape.length || ours.shape.some((d, i) => d !== ref.shape[i])) {
    return { ...row, maxAbs: NaN, maxRel: NaN, maxUlps: NaN, ratio: NaN, scale: NaN, ok: false, note: `shape [${ours.shape.join(', ')}] here, [${ref.shape.join(', ')}] in the reference` };
  }
  // ulps in the reference's type when both are float32, else float64
  const inF32 = ours.float32 && ref.float32;
  let worst = -1;
  for (let i = 0; i < ours.data.length; i++) {
    const a = ours.data[i], b = ref.data[i];
    const d = Math.abs(a - b);
    if (Math.abs(b) > row.scale && Number.isFinite(b)) row.scale = Math.abs(b);
    const bothNaN = Number.isNaN(a) && Number.isNaN(b);
    const same = bothNaN || a === b; // ±inf equal to itself
    const dd = same ? 0 : Number.isNaN(d) ? Infinity : d;
    if (dd > row.maxAbs) row.maxAbs = dd;
    if (b !== 0 && !same) row.maxRel = Math.max(row.maxRel, dd / Math.abs(b));
    row.maxUlps = Math.max(row.maxUlps, ulpDistance(a, b, inF32));
    const excess = same ? 0 : dd / (tol.abs + tol.rel * Math.abs(b));
    if (excess > worst) {
      worst = excess;
      row.worstIndex = i;
    }
    if (!same && !(dd <= tol.abs + tol.rel * Math.abs(b))) row.ok = false;
  }
  // a zero tolerance makes every difference infinitely far
  row.ratio = worst < 0 ? 0 : Number.isNaN(worst) ? Infinity : worst;
  return row;
}

/**
 * Compares each of `ours` (in order) with the reference array of the same key. A key the reference lacks fails
 * its row ("missing in the reference"); reference keys we did not produce are appended as failing rows.
 */
export function compareOutputs(
  ours: readonly { key: string; value: Tensor | NpyArray; label?: string }[],
  reference: ReadonlyMap<string, Tensor | NpyArray>,
  tolerance: Tolerance,
): CompareResult {
  if (!(tolerance.abs >= 0) || !(tolerance.rel >= 0)) fail('compareOutputs', `tolerance abs and rel must be ≥ 0, got ${JSON.stringify(tolerance)}`);
  const rows: CompareRow[] = [];
  const used = new Set<string>();
  for (const o of ours) {
    const r = reference.get(o.key);
    const mine = valuesOf(o.value, o.key);
    if (r === undefined) {
      rows.push({ key: o.key, shape: mine.shape, maxAbs: NaN, maxRel: NaN, maxUlps: NaN, worstIndex: -1, ratio: NaN, scale: NaN, ok: false, note: 'missing in the reference', label: o.label });
      continue;
    }
    used.add(o.key);
    const row = compareOne(o.key, mine, valuesOf(r, o.key), tolerance);
    rows.push(o.label === undefined ? row : { ...row, label: o.label });
  }
  for (const [k, v] of reference) {
    if (!used.has(k)) rows.push({ key: k, shape: valuesOf(v, k).shape, maxAbs: NaN, maxRel: NaN, maxUlps: NaN, worstIndex: -1, ratio: NaN, scale: NaN, ok: false, note: 'in the reference only (no such layer output here)' });
  }
  const first = rows.find((r) => !r.ok);
  return { rows, firstDivergence: first ? first.key : null, ok: first === undefined, tolerance };
}

/**
 * A reference file split by what its names hold: layer outputs (`layer/node/index`), gradients (`grad/…`,
 * `grad_input/…`) and the training step (`step/…`); names starting `__` (the script's `__meta__`) are in `all`
 * only. Each section is compared on its own, so a reference written with --grads still serves a plain run.
 */
export function referenceSections(ref: ReadonlyMap<string, NpyArray>): {
  outputs: Map<string, NpyArray>; gradients: Map<string, NpyArray>; trainStep: Map<string, NpyArray>; all: ReadonlyMap<string, NpyArray>;
} {
  const pick = (test: (k: string) => boolean) => new Map([...ref].filter(([k]) => test(k)));
  const isGrad = (k: string) => k.startsWith('grad/') || k.startsWith('grad_input/');
  const isStep = (k: string) => k.startsWith('step/');
  return {
    outputs: pick((k) => !k.startsWith('__') && !isGrad(k) && !isStep(k)),
    gradients: pick(isGrad),
    trainStep: pick(isStep),
    all: ref,
  };
}

/**
 * The comparison as a text table, the first divergence marked with "<- first divergence". `heading` names the
 * first column and the rows in the summary line ('layer output' / 'outputs' by default).
 */
export function formatCompareTable(res: CompareResult, heading: { column: string; rows: string } = { column: 'layer output', rows: 'outputs' }): string {
  const fmt = (x: number) => (Number.isNaN(x) ? '-' : x === 0 ? '0' : x.toExponential(2));
  const lines = [[heading.column, 'shape', 'max abs', 'max rel', 'max ulps', 'verdict']];
  for (const r of res.rows) {
    const verdict = r.ok ? 'ok' : r.note ? `FAIL: ${r.note}` : 'FAIL';
    lines.push([r.label ? `${r.key} (${r.label})` : r.key, `[${r.shape.join(', ')}]`, fmt(r.maxAbs), fmt(r.maxRel), Number.isNaN(r.maxUlps) ? '-' : String(r.maxUlps),
      verdict + (r.key === res.firstDivergence ? '  <- first divergence' : '')]);
  }
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const text = lines.map((l) => l.map((cell, c) => (c === l.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
  text.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  text.push(res.ok
    ? `all ${res.rows.length} ${heading.rows} within |Δ| ≤ ${res.tolerance.abs} + ${res.tolerance.rel}·|ref|`
    : `${res.rows.filter((r) => !r.ok).length} of ${res.rows.length} ${heading.rows} past |Δ| ≤ ${res.tolerance.abs} + ${res.tolerance.rel}·|ref|; first divergence: ${res.firstDivergence}`);
  return text.join('\n');
}

export interface SeededInputs {
  /** By input name (`x` for a Sequential), as written for the Keras side: ids int32, everything else float32. */
  arrays: Map<string, NpyArray>;
  /** The same as lstm-ts tensors (float32), in model-input order. */
  tensors: Tensor[];
  /** One line per input saying what was made. */
  description: string[];
}

/**
 * Inputs made from the model's input spec when the user has none: batch 3 and 6 steps where the spec leaves them
 * open, uniform(−1, 1) values from `seed`; integer ids in 1 .. input_dim−1 for an input an Embedding reads; and
 * rows of lengths T, T−2, 1 (padding at the end: id 0 for Embedding(mask_zero=True), mask_value for Masking) where
 * the input's first layer masks, so that masked steps and several sequence lengths are exercised.
 */
export function seededInputs(model: Model, seed = 0): SeededInputs {
  const rng = new Random(seed);
  const specs: { name: string; shape: (number | null)[]; readers: Layer[] }[] = [];
  if (model instanceof Functional) {
    for (const t of model.inputs) {
      specs.push({ name: t.node.layer.name, shape: [...t.shape], readers: model.nodes.filter((n) => n.inputs.includes(t)).map((n) => n.layer) });
    }
  } else if (model instanceof Sequential) {
    const shape = model.inputShape;
    if (!shape) fail('seededInputs', `Sequential '${model.name}' has no recorded input shape: pass inputs`);
    specs.push({ name: 'x', shape, readers: model.layers.slice(0, 1) });
  } else {
    fail('seededInputs', `expected a Functional or Sequential model, got ${model.constructor.name}`);
  }
  const arrays = new Map<string, NpyArray>();
  const tensors: Tensor[] = [];
  const description: string[] = [];
  for (const sp of specs) {
    const shape = sp.shape.map((d, i) => (d !== null ? d : i === 0 ? 3 : 6));
    const n = shape.reduce((a, b) => a * b, 1);
    const [B, T] = [shape[0], shape.length > 1 ? shape[1] : 1];
    const per = n / Math.max(1, B * T); // elements per step
    const lengths = Array.from({ length: B }, (_, b) => [T, Math.max(1, T - 2), 1][b % 3]);
    const emb = sp.readers.find((l): l is Embedding => l instanceof Embedding);
    const mask = sp.readers.find((l): l is Masking => l instanceof Masking);
    const vals = new Float32Array(n);
    const padded = (i: number) => shape.length > 1 && Math.floor(i / per) % T >= lengths[Math.floor(i / (per * T))];
    if (emb) {
      for (let i = 0; i < n; i++) vals[i] = emb.maskZero && padded(i) ? 0 : 1 + Math.floor(rng.uniformRange(0, 1) * (emb.inputDim - 1));
      arrays.set(sp.name, { dtype: 'int32', shape, data: Int32Array.from(vals) });
      description.push(`${sp.name} [${shape.join(', ')}]: ids in 1..${emb.inputDim - 1}` + (emb.maskZero ? `, padded with 0 to lengths ${lengths.join(', ')}` : ''));
    } else {
      for (let i = 0; i < n; i++) vals[i] = mask && padded(i) ? mask.maskValue : rng.uniformRange(-1, 1);
      arrays.set(sp.name, { dtype: 'float32', shape, data: vals });
      description.push(`${sp.name} [${shape.join(', ')}]: uniform(-1, 1)` + (mask ? `, padded with mask_value ${mask.maskValue} to lengths ${lengths.join(', ')}` : ''));
    }
    tensors.push(tensor(vals, { shape, dtype: 'float32' }));
  }
  return { arrays, tensors, description };
}

// ---- gradients and one training step (`lstm-ts compare --grads / --train-step`) ---------------------------

/**
 * The cotangent of model output `output` for `--grads`: the scalar loss is L = Σ_o Σ_i y_o[i]·c_o[i], so ∂L/∂y_o
 * is exactly c_o on both sides and the comparison covers the backward pass alone. c_o[i] =
 * ((i·40503 + o·7919 + 1) mod 65536) / 32768 − 1: multiples of 2⁻¹⁵ in [−1, 1), exact in float32, and the same
 * integer formula in python/lstm_ts_reference.py (`grad_seed`), so neither side needs the other's RNG.
 */
export function gradSeed(shape: readonly number[], output: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const c = new Float32Array(n);
  for (let i = 0; i < n; i++) c[i] = ((i * 40503 + output * 7919 + 1) % 65536) / 32768 - 1;
  return c;
}

export interface TracedValue {
  key: string;
  value: Tensor;
  /** What the key stands for, for the table (the weight's name). */
  label?: string;
}

function modelOutputs(model: Model, inputs: Tensor | Tensor[], training: boolean): Tensor[] {
  const y = (model as unknown as { apply(x: unknown, k: object): unknown }).apply(inputs, { training });
  return Array.isArray(y) ? (y as Tensor[]) : [y as Tensor];
}

/**
 * Gradients of L = Σ_o ⟨y_o, gradSeed(y_o)⟩ (inference mode, as Keras `model(x, training=False)` under a
 * GradientTape) with respect to every trainable weight, `grad/<layer>/<i>` for the i-th of the layer's
 * trainable_weights, in reverse layer order: the order the backward pass reaches them, so the first failing row
 * is where the backward pass starts to differ. Then `grad_input/<name>` for each input marked differentiable
 * (float inputs; an Embedding's ids have none). A weight the loss does not reach gets zeros (TF's None, written
 * as zeros by the reference script).
 */
export function traceGradients(model: Model, inputs: Tensor[], inputNames: readonly string[], differentiable: readonly boolean[]): TracedValue[] {
  if (inputs.length !== inputNames.length || inputs.length !== differentiable.length) {
    fail('traceGradients', `got ${inputs.length} inputs, ${inputNames.length} names and ${differentiable.length} flags`);
  }
  const xs = inputs.map((x, k) => {
    const c = x.clone();
    c.requiresGrad = differentiable[k];
    return c;
  });
  const layers = model.layers;
  const all = layers.flatMap((l) => l.trainableWeights);
  for (const w of all) w.zeroGrad();
  const ys = modelOutputs(model, xs.length === 1 ? xs[0] : xs, false);
  const live = ys.map((y, o) => ({ y, o })).filter(({ y }) => y.requiresGrad);
  if (live.length > 0) {
    backwardMany(live.map(({ y }) => y), live.map(({ y, o }) => tensor(gradSeed(y.shape, o), { shape: [...y.shape], dtype: 'float32' })));
  }
  const dense = (w: Tensor): Tensor => (w.grad ? w.grad.clone() : tensor(new Float32Array(w.size), { shape: [...w.shape], dtype: 'float32' }));
  const out: TracedValue[] = [];
  for (const l of [...layers].reverse()) {
    l.trainableWeights.forEach((w, i) => out.push({ key: `grad/${l.name}/${i}`, value: dense(w), label: w.name }));
  }
  xs.forEach((x, k) => {
    if (differentiable[k]) out.push({ key: `grad_input/${inputNames[k]}`, value: dense(x) });
  });
  for (const w of all) w.zeroGrad();
  return out;
}

/** Keras's loss name for a Loss (class or function form): SparseCategoricalCrossentropy → sparse_categorical_crossentropy. */
function lossKind(loss: { name?: string; constructor: { name: string } }): string {
  const n = loss.name ?? loss.constructor.name;
  return n.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/**
 * Seeded targets for `--train-step`, one per output, shaped for the output's compiled loss: class ids in
 * 0 .. C−1 (shape without the last axis) for sparse categorical losses; one-hot rows for categorical ones and
 * KL divergence; 0/1 for binary, hinge and focal losses; uniform(0, 2) for Poisson, MSLE and MAPE; uniform(−1, 1)
 * otherwise. `outputShapes` come from a forward pass.
 */
export function seededTargets(lossNames: readonly (string | null)[], outputShapes: readonly number[][], seed = 0): { arrays: NpyArray[]; description: string[] } {
  const rng = new Random(seed + 1);  // not the inputs' stream
  const arrays: NpyArray[] = [];
  const description: string[] = [];
  outputShapes.forEach((shape, o) => {
    const kind = lossNames[o] ?? '';
    const n = shape.reduce((a, b) => a * b, 1);
    const C = shape[shape.length - 1] ?? 1;
    if (/sparse_categorical/.test(kind)) {
      const s = shape.slice(0, -1);
      const data = new Int32Array(n / C);
      for (let i = 0; i < data.length; i++) data[i] = Math.min(C - 1, Math.floor(rng.uniformRange(0, 1) * C));
      arrays.push({ dtype: 'int32', shape: s, data });
      description.push(`target ${o} [${s.join(', ')}]: class ids in 0..${C - 1} (${kind})`);
      return;
    }
    const data = new Float32Array(n);
    let what: string;
    if (/categorical|kl_divergence|kld/.test(kind)) {
      for (let r = 0; r < n / C; r++) data[r * C + Math.min(C - 1, Math.floor(rng.uniformRange(0, 1) * C))] = 1;
      what = 'one-hot rows';
    } else if (/binary|hinge|focal/.test(kind)) {
      for (let i = 0; i < n; i++) data[i] = rng.uniformRange(0, 1) < 0.5 ? 0 : 1;
      what = '0/1';
    } else if (/poisson|logarithmic|percentage/.test(kind)) {
      for (let i = 0; i < n; i++) data[i] = rng.uniformRange(0, 2);
      what = 'uniform(0, 2)';
    } else {
      for (let i = 0; i < n; i++) data[i] = rng.uniformRange(-1, 1);
      what = 'uniform(-1, 1)';
    }
    arrays.push({ dtype: 'float32', shape: [...shape], data });
    description.push(`target ${o} [${shape.join(', ')}]: ${what}${kind ? ` (${kind})` : ''}`);
  });
  return { arrays, description };
}

/** The compiled loss of each output by Keras name (null where an output has no loss), for seededTargets. */
export function compiledLossNames(model: Model): (string | null)[] {
  return model.compiledOutputLosses().map((l) => (l === null ? null : lossKind(l)));
}

/** The output shapes of one inference pass (for seededTargets). */
export function outputShapes(model: Model, inputs: Tensor | Tensor[]): number[][] {
  return noGrad(() => modelOutputs(model, inputs, false).map((y) => [...y.shape]));
}

/**
 * One `trainOnBatch` of the compiled optimizer and loss (Keras `train_on_batch`), then every weight of every
 * layer, `step/<layer>/<i>` for the i-th of the layer's weights (Keras `layer.weights`: trainable, then
 * non-trainable such as BatchNormalization's moving statistics), and the batch loss as `step/loss`. The model's
 * weights are changed: run it last.
 */
export function traceTrainStep(model: Model, inputs: Tensor | Tensor[], targets: Tensor | Tensor[]): TracedValue[] {
  const loss = model.trainOnBatch(inputs, targets);
  const out: TracedValue[] = [{ key: 'step/loss', value: tensor(new Float32Array([loss]), { shape: [], dtype: 'float32' }) }];
  for (const l of model.layers) l.weights.forEach((w, i) => out.push({ key: `step/${l.name}/${i}`, value: w.clone(), label: w.name }));
  return out;
}
