// Per-sample loss functions, as Keras's functional losses (keras/src/losses/losses.py and the TF backend's
// keras/src/backend/tensorflow/nn.py): each maps y_true, y_pred [..., C] to one value per row [...],
// reducing over the last axis. Each is ONE autograd op: forward and its hand-derived backward side by side.
// Gradients flow to y_pred only (labels are constants, as in every Keras training step).
//
// Numerical stability follows TF exactly:
//  * probabilities are clipped to [ε, 1−ε] with Keras ε = 1e-7 (clip has zero gradient outside the range,
//    like tf.clip_by_value's gradient);
//  * from logits: binary uses max(x,0) − x·z + log1p(exp(−|x|)) (tf.nn.sigmoid_cross_entropy_with_logits),
//    categorical uses log-sum-exp with the row maximum subtracted (tf.nn.softmax_cross_entropy_with_logits).
//  * a y_pred produced by the softmax/sigmoid ACTIVATION carries its logits (getKerasLogits): as Keras's TF
//    backend (`_get_logits` in keras/src/backend/tensorflow/nn.py), the cross-entropies then use the
//    from-logits formula on those logits, whatever fromLogits says, and the gradient flows to the logits.

import { Tensor, allocate } from '../../tensor/tensor.js';
import { record } from '../../autograd/node.js';
import { fail, shapeStr } from '../../tensor/shape.js';
import { alignedShape, rowsCols, clipBounds } from './align.js';
import { getKerasLogits } from '../../keras/activations.js';

const warned = new Set<string>();

/**
 * Keras TF `_get_logits`: the logits attached to y_pred by a softmax/sigmoid activation, or null.
 * `predKept` is false when Keras's `squeeze_or_expand_to_same_rank` would reshape y_pred (a new TF tensor
 * that no longer has `_keras_logits`, so TF clips in that case). With fromLogits already true TF still
 * swaps in the attached logits and warns that y_pred "does not represent logits"; so do we (once per op).
 */
export function attachedLogits(op: string, yPred: Tensor, predKept: boolean, fromLogits: boolean | undefined): Tensor | null {
  const lg = predKept ? getKerasLogits(yPred) : undefined;
  if (!lg || lg.dtype !== yPred.dtype || lg.shape.length !== yPred.shape.length || lg.shape.some((d, i) => d !== yPred.shape[i])) return null;
  if (fromLogits && !warned.has(op)) {
    warned.add(op);
    console.warn(`${op} received fromLogits: true, but y_pred was produced by a softmax/sigmoid activation and ` +
      'does not represent logits; using the activation\'s input as the logits (as Keras on TF does).');
  }
  return lg;
}

export function checkTensors(op: string, yTrue: unknown, yPred: unknown): void {
  if (!(yTrue instanceof Tensor)) fail(op, 'y_true must be a Tensor');
  if (!(yPred instanceof Tensor)) fail(op, 'y_pred must be a Tensor');
}

/**
 * Builds a row-wise loss op. `row(r, t, p, c0, C)` returns the loss of row r (t, p are the label and
 * prediction arrays, row r starting at c0 = r·C); `grad(r, t, p, c0, C, gOut, gp)` adds the row's gradient
 * scaled by gOut into gp.
 */
export function rowwise(
  op: string,
  yTrue: Tensor,
  yPred: Tensor,
  shape: number[],
  row: (t: ArrayLike<number>, p: ArrayLike<number>, c0: number, C: number) => number,
  grad: (t: ArrayLike<number>, p: ArrayLike<number>, c0: number, C: number, gOut: number, gp: Float64Array | Float32Array) => void,
): Tensor {
  const { rows, cols, outShape } = rowsCols(shape);
  const out = allocate(yPred.dtype, rows);
  const t = yTrue.data;
  const p = yPred.data;
  for (let r = 0; r < rows; r++) out[r] = row(t, p, r * cols, cols);
  const y = new Tensor(out, outShape);
  return record(op, [yPred], y, (gy) => {
    const gp = allocate(yPred.dtype, yPred.size);
    for (let r = 0; r < rows; r++) grad(t, p, r * cols, cols, gy.data[r], gp);
    return [new Tensor(gp, yPred.shape)];
  });
}

/** mean((y_true − y_pred)², axis=−1). */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  checkTensors('meanSquaredError', yTrue, yPred);
  const shape = alignedShape('meanSquaredError', yTrue, yPred);
  return rowwise('meanSquaredError', yTrue, yPred, shape,
    (t, p, c0, C) => {
      let s = 0;
      for (let j = c0; j < c0 + C; j++) s += (t[j] - p[j]) * (t[j] - p[j]);
      return s / C;
    },
    (t, p, c0, C, g, gp) => {
      // ∂/∂p mean((t−p)²) = 2(p−t)/C
      for (let j = c0; j < c0 + C; j++) gp[j] += (g * 2 * (p[j] - t[j])) / C;
    });
}

/** mean(|y_true − y_pred|, axis=−1). The gradient at p = t is 0 (TF's sign(0) = 0). */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  checkTensors('meanAbsoluteError', yTrue, yPred);
  const shape = alignedShape('meanAbsoluteError', yTrue, yPred);
  return rowwise('meanAbsoluteError', yTrue, yPred, shape,
    (t, p, c0, C) => {
      let s = 0;
      for (let j = c0; j < c0 + C; j++) s += Math.abs(t[j] - p[j]);
      return s / C;
    },
    (t, p, c0, C, g, gp) => {
      for (let j = c0; j < c0 + C; j++) gp[j] += (g * Math.sign(p[j] - t[j])) / C;
    });
}

export interface BinaryCrossentropyOptions {
  fromLogits?: boolean;
  /** Labels become t·(1−s) + s/2 (Keras `label_smoothing`). */
  labelSmoothing?: number;
}

function log1pExp(x: number): number {
  // log(1 + e^x) without overflow, for x ≤ 0 (callers pass −|x|).
  return Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Keras binary_crossentropy: mean over the last axis of the element-wise cross entropy. */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, opts: BinaryCrossentropyOptions = {}): Tensor {
  checkTensors('binaryCrossentropy', yTrue, yPred);
  const shape = alignedShape('binaryCrossentropy', yTrue, yPred);
  const ls = opts.labelSmoothing ?? 0;
  if (!(ls >= 0 && ls <= 1)) fail('binaryCrossentropy', `labelSmoothing must be in [0, 1], got ${ls}`);
  const smooth = (z: number): number => (ls ? z * (1 - ls) + 0.5 * ls : z);
  const lg = attachedLogits('binaryCrossentropy', yPred, shape.length === yPred.rank, opts.fromLogits);
  if (lg) yPred = lg;
  if (opts.fromLogits || lg) {
    // tf.nn.sigmoid_cross_entropy_with_logits: max(x,0) − x·z + log1p(exp(−|x|)); derivative σ(x) − z.
    return rowwise('binaryCrossentropy', yTrue, yPred, shape,
      (t, p, c0, C) => {
        let s = 0;
        for (let j = c0; j < c0 + C; j++) {
          const x = p[j];
          const z = smooth(t[j]);
          s += Math.max(x, 0) - x * z + log1pExp(-Math.abs(x));
        }
        return s / C;
      },
      (t, p, c0, C, g, gp) => {
        for (let j = c0; j < c0 + C; j++) gp[j] += (g * (sigmoid(p[j]) - smooth(t[j]))) / C;
      });
  }
  const [lo, hi] = clipBounds(yPred.dtype);
  // −(z·log(q) + (1−z)·log(1−q)) with q = clip(p, ε, 1−ε); ∂/∂q = −z/q + (1−z)/(1−q), 0 where clipped.
  return rowwise('binaryCrossentropy', yTrue, yPred, shape,
    (t, p, c0, C) => {
      let s = 0;
      for (let j = c0; j < c0 + C; j++) {
        const q = Math.min(Math.max(p[j], lo), hi);
        const z = smooth(t[j]);
        s -= z * Math.log(q) + (1 - z) * Math.log(1 - q);
      }
      return s / C;
    },
    (t, p, c0, C, g, gp) => {
      for (let j = c0; j < c0 + C; j++) {
        const q = p[j];
        if (q < lo || q > hi) continue;
        const z = smooth(t[j]);
        gp[j] += (g * (-z / q + (1 - z) / (1 - q))) / C;
      }
    });
}

export interface CategoricalCrossentropyOptions {
  fromLogits?: boolean;
  /** Labels become t·(1−s) + s/C (Keras `label_smoothing`). */
  labelSmoothing?: number;
}

/** Keras categorical_crossentropy over the last axis (one-hot or soft labels). */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, opts: CategoricalCrossentropyOptions = {}): Tensor {
  checkTensors('categoricalCrossentropy', yTrue, yPred);
  if (yTrue.rank !== yPred.rank) {
    fail('categoricalCrossentropy', `y_true ${shapeStr(yTrue.shape)} and y_pred ${shapeStr(yPred.shape)} must have the same rank ` +
      '(one-hot labels; use sparseCategoricalCrossentropy for integer labels)');
  }
  const shape = alignedShape('categoricalCrossentropy', yTrue, yPred);
  const ls = opts.labelSmoothing ?? 0;
  if (!(ls >= 0 && ls <= 1)) fail('categoricalCrossentropy', `labelSmoothing must be in [0, 1], got ${ls}`);
  const smooth = (z: number, C: number): number => (ls ? z * (1 - ls) + ls / C : z);
  // Same rank is required here, so Keras never reshapes y_pred: attached logits always apply.
  const lg = attachedLogits('categoricalCrossentropy', yPred, true, opts.fromLogits);
  if (lg) yPred = lg;
  if (opts.fromLogits || lg) {
    // −Σ z_j·(x_j − lse(x)),  lse(x) = m + log Σ exp(x_j − m);  ∂/∂x_k = softmax_k·Σz − z_k.
    return rowwise('categoricalCrossentropy', yTrue, yPred, shape,
      (t, p, c0, C) => {
        let m = -Infinity;
        for (let j = c0; j < c0 + C; j++) m = Math.max(m, p[j]);
        let se = 0;
        for (let j = c0; j < c0 + C; j++) se += Math.exp(p[j] - m);
        const lse = m + Math.log(se);
        let s = 0;
        for (let j = c0; j < c0 + C; j++) s -= smooth(t[j], C) * (p[j] - lse);
        return s;
      },
      (t, p, c0, C, g, gp) => {
        let m = -Infinity;
        for (let j = c0; j < c0 + C; j++) m = Math.max(m, p[j]);
        let se = 0;
        let sz = 0;
        for (let j = c0; j < c0 + C; j++) {
          se += Math.exp(p[j] - m);
          sz += smooth(t[j], C);
        }
        for (let j = c0; j < c0 + C; j++) gp[j] += g * ((Math.exp(p[j] - m) / se) * sz - smooth(t[j], C));
      });
  }
  const [lo, hi] = clipBounds(yPred.dtype);
  // TF: q = p / Σp (renormalise), q̃ = clip(q, ε, 1−ε), loss = −Σ z·log q̃.
  // Backward: a_j = ∂L/∂q_j = −z_j/q_j (0 where clipped); ∂L/∂p_k = (a_k − Σ_j a_j q_j) / Σp.
  return rowwise('categoricalCrossentropy', yTrue, yPred, shape,
    (t, p, c0, C) => {
      let sp = 0;
      for (let j = c0; j < c0 + C; j++) sp += p[j];
      let s = 0;
      for (let j = c0; j < c0 + C; j++) s -= smooth(t[j], C) * Math.log(Math.min(Math.max(p[j] / sp, lo), hi));
      return s;
    },
    (t, p, c0, C, g, gp) => {
      let sp = 0;
      for (let j = c0; j < c0 + C; j++) sp += p[j];
      let aq = 0;
      const a = new Float64Array(C);
      for (let j = 0; j < C; j++) {
        const q = p[c0 + j] / sp;
        a[j] = q < lo || q > hi ? 0 : -smooth(t[c0 + j], C) / q;
        aq += a[j] * q;
      }
      for (let j = 0; j < C; j++) gp[c0 + j] += (g * (a[j] - aq)) / sp;
    });
}

export interface SparseCategoricalCrossentropyOptions {
  fromLogits?: boolean;
}

/**
 * Keras sparse_categorical_crossentropy: integer labels y_true [...] (or [..., 1]) against y_pred [..., C].
 * From probabilities TF takes log(clip(p, ε, 1−ε)) as logits of a softmax cross entropy, which renormalises
 * implicitly: loss = −log q̃_y + log Σ_j q̃_j. Labels must be integers in [0, C); TF raises on others too.
 */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, opts: SparseCategoricalCrossentropyOptions = {}): Tensor {
  const op = 'sparseCategoricalCrossentropy';
  checkTensors(op, yTrue, yPred);
  if (yPred.rank < 1) fail(op, `y_pred must have rank ≥ 1, got ${shapeStr(yPred.shape)}`);
  const lead = yPred.shape.slice(0, -1);
  const labelShapeOk =
    (yTrue.rank === lead.length && yTrue.shape.every((d, i) => d === lead[i])) ||
    (yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 && yTrue.shape.slice(0, -1).every((d, i) => d === lead[i]));
  if (!labelShapeOk) {
    fail(op, `y_true shape ${shapeStr(yTrue.shape)} must be y_pred's leading shape ${shapeStr(lead)} (optionally with a trailing 1); ` +
      `y_pred is ${shapeStr(yPred.shape)}`);
  }
  const C = yPred.shape[yPred.rank - 1];
  const lab = yTrue.data;
  for (let r = 0; r < lab.length; r++) {
    const v = lab[r];
    if (!Number.isInteger(v) || v < 0 || v >= C) fail(op, `label ${v} at row ${r} is not an integer class id in [0, ${C})`);
  }
  const shape = [...yPred.shape];
  // Labels are indexed by row (t[c0 / C]), not by element.
  // Keras would squeeze y_pred only for [..., 1] predictions against labels one rank lower (then C = 1).
  const predKept = !(C === 1 && yTrue.rank === yPred.rank - 1 && yTrue.rank > 1);
  const lg = attachedLogits(op, yPred, predKept, opts.fromLogits);
  if (lg) yPred = lg;
  if (opts.fromLogits || lg) {
    return rowwise(op, yTrue, yPred, shape,
      (t, p, c0, C) => {
        let m = -Infinity;
        for (let j = c0; j < c0 + C; j++) m = Math.max(m, p[j]);
        let se = 0;
        for (let j = c0; j < c0 + C; j++) se += Math.exp(p[j] - m);
        return m + Math.log(se) - p[c0 + t[c0 / C]];
      },
      (t, p, c0, C, g, gp) => {
        let m = -Infinity;
        for (let j = c0; j < c0 + C; j++) m = Math.max(m, p[j]);
        let se = 0;
        for (let j = c0; j < c0 + C; j++) se += Math.exp(p[j] - m);
        for (let j = c0; j < c0 + C; j++) gp[j] += g * (Math.exp(p[j] - m) / se);
        gp[c0 + t[c0 / C]] -= g;
      });
  }
  const [lo, hi] = clipBounds(yPred.dtype);
  const clip = (v: number): number => Math.min(Math.max(v, lo), hi);
  // ∂L/∂q̃_k = 1/Σq̃ − [k=y]/q̃_y, times the clip's 0/1 gradient.
  return rowwise(op, yTrue, yPred, shape,
    (t, p, c0, C) => {
      let s = 0;
      for (let j = c0; j < c0 + C; j++) s += clip(p[j]);
      return Math.log(s) - Math.log(clip(p[c0 + t[c0 / C]]));
    },
    (t, p, c0, C, g, gp) => {
      let s = 0;
      for (let j = c0; j < c0 + C; j++) s += clip(p[j]);
      const y = c0 + t[c0 / C];
      for (let j = c0; j < c0 + C; j++) {
        if (p[j] < lo || p[j] > hi) continue;
        gp[j] += g * (1 / s - (j === y ? 1 / p[j] : 0));
      }
    });
}
