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
  const row: CompareRow = { key, shape: ours.shape, maxAbs: 0, maxRel: 0, maxUlps: 0, worstIndex: -1, ok: true };
  if (ours.shape.length !== ref.shape.length || ours.shape.some((d, i) => d !== ref.shape[i])) {
    return { ...row, maxAbs: NaN, maxRel: NaN, maxUlps: NaN, ok: false, note: `shape [${ours.shape.join(', ')}] here, [${ref.shape.join(', ')}] in the reference` };
  }
  // ulps in the reference's type when both are float32, else float64
  const inF32 = ours.float32 && ref.float32;
  let worst = -1;
  for (let i = 0; i < ours.data.length; i++) {
    const a = ours.data[i], b = ref.data[i];
    const d = Math.abs(a - b);
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
  return row;
}

/**
 * Compares each of `ours` (in order) with the reference array of the same key. A key the reference lacks fails
 * its row ("missing in the reference"); reference keys we did not produce are appended as failing rows.
 */
export function compareOutputs(
  ours: readonly { key: string; value: Tensor | NpyArray }[],
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
      rows.push({ key: o.key, shape: mine.shape, maxAbs: NaN, maxRel: NaN, maxUlps: NaN, worstIndex: -1, ok: false, note: 'missing in the reference' });
      continue;
    }
    used.add(o.key);
    rows.push(compareOne(o.key, mine, valuesOf(r, o.key), tolerance));
  }
  for (const [k, v] of reference) {
    if (!used.has(k)) rows.push({ key: k, shape: valuesOf(v, k).shape, maxAbs: NaN, maxRel: NaN, maxUlps: NaN, worstIndex: -1, ok: false, note: 'in the reference only (no such layer output here)' });
  }
  const first = rows.find((r) => !r.ok);
  return { rows, firstDivergence: first ? first.key : null, ok: first === undefined, tolerance };
}

/** The comparison as a text table, the first divergence marked with "<- first divergence". */
export function formatCompareTable(res: CompareResult): string {
  const fmt = (x: number) => (Number.isNaN(x) ? '-' : x === 0 ? '0' : x.toExponential(2));
  const lines = [['layer output', 'shape', 'max abs', 'max rel', 'max ulps', 'verdict']];
  for (const r of res.rows) {
    const verdict = r.ok ? 'ok' : r.note ? `FAIL: ${r.note}` : 'FAIL';
    lines.push([r.key, `[${r.shape.join(', ')}]`, fmt(r.maxAbs), fmt(r.maxRel), Number.isNaN(r.maxUlps) ? '-' : String(r.maxUlps),
      verdict + (r.key === res.firstDivergence ? '  <- first divergence' : '')]);
  }
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const text = lines.map((l) => l.map((cell, c) => (c === l.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
  text.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  text.push(res.ok
    ? `all ${res.rows.length} outputs within |Δ| ≤ ${res.tolerance.abs} + ${res.tolerance.rel}·|ref|`
    : `${res.rows.filter((r) => !r.ok).length} of ${res.rows.length} outputs past |Δ| ≤ ${res.tolerance.abs} + ${res.tolerance.rel}·|ref|; first divergence: ${res.firstDivergence}`);
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
