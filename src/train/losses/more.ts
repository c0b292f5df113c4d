// More of Keras 3's per-sample losses (keras/src/losses/losses.py; keras-layers.md §8.2), each one autograd op
// with its hand-derived gradient w.r.t. y_pred (rowwise, functions.ts). x = y_pred − y_true; ε = 1e-7 as the
// dtype stores it (clipBounds); "mean" is over the last axis C.
//   huber            mean(|x| ≤ δ ? ½x² : δ|x| − ½δ²)                         ∂/∂p: (|x| ≤ δ ? x : δ·sign x)/C
//   logCosh          mean(x + softplus(−2x) − log 2)                           ∂/∂p: tanh(x)/C
//   poisson          mean(p − t·log(p + ε))                                    ∂/∂p: (1 − t/(p + ε))/C
//   msle             mean((log(max(p, ε) + 1) − log(max(t, ε) + 1))²)          ∂/∂p: 2d/(max(p,ε)+1)/C where p ≥ ε
//   mape             100·mean(|t − p| / max(|t|, ε))                           ∂/∂p: 100·sign(p − t)/max(|t|, ε)/C
//   klDivergence     Σ t'·log(t'/p'), t' = clip(t, ε, 1), p' = clip(p, ε, 1)   ∂/∂p: −t'/p' inside [ε, 1], else 0
//   cosineSimilarity −Σ t̂·p̂, x̂ = x / max(‖x‖, 1/… ) (ops.nn.normalize: x·min(rsqrt Σx², 1/ε))
//   hinge            mean(max(1 − t·p, 0)), labels all in {0, 1} mapped to {−1, 1} first
//   squaredHinge     mean(max(1 − t·p, 0)²), same labels
//   categoricalHinge max(max_j (1 − t_j)p_j − Σ t_j p_j + 1, 0); the max's gradient is shared between ties (TF's Max grad)
// TF's gradient conventions at the kinks: maximum(a, b) sends the gradient to a when a ≥ b (TF's Maximum grad),
// clip_by_value passes it on the closed range, sign(0) = 0.

import type { Tensor } from '../../tensor/tensor.js';
import { alignedShape, clipBounds } from './align.js';
import { rowwise, checkTensors } from './functions.js';

const LOG2 = Math.log(2);
const softplus = (x: number): number => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

function meanOf(op: string, yTrue: Tensor, yPred: Tensor, f: (t: number, p: number) => number, df: (t: number, p: number) => number): Tensor {
  checkTensors(op, yTrue, yPred);
  const shape = alignedShape(op, yTrue, yPred);
  return rowwise(op, yTrue, yPred, shape,
    (t, p, c0, C) => {
      let s = 0;
      for (let j = c0; j < c0 + C; j++) s += f(t[j], p[j]);
      return s / C;
    },
    (t, p, c0, C, g, gp) => {
      for (let j = c0; j < c0 + C; j++) gp[j] += (g * df(t[j], p[j])) / C;
    });
}

/** Keras huber(y_true, y_pred, delta=1). */
export function huber(yTrue: Tensor, yPred: Tensor, delta = 1): Tensor {
  return meanOf('huber', yTrue, yPred,
    (t, p) => { const x = p - t; const a = Math.abs(x); return a <= delta ? 0.5 * x * x : delta * a - 0.5 * delta * delta; },
    (t, p) => { const x = p - t; return Math.abs(x) <= delta ? x : delta * Math.sign(x); });
}

/** Keras log_cosh: x + softplus(−2x) − log 2, stable for large |x|. */
export function logCosh(yTrue: Tensor, yPred: Tensor): Tensor {
  return meanOf('logCosh', yTrue, yPred, (t, p) => { const x = p - t; return x + softplus(-2 * x) - LOG2; }, (t, p) => Math.tanh(p - t));
}

/** Keras poisson: p − t·log(p + ε). */
export function poisson(yTrue: Tensor, yPred: Tensor): Tensor {
  const [eps] = clipBounds(yPred.dtype as 'float32' | 'float64');
  return meanOf('poisson', yTrue, yPred, (t, p) => p - t * Math.log(p + eps), (t, p) => 1 - t / (p + eps));
}

/** Keras mean_squared_logarithmic_error. */
export function meanSquaredLogarithmicError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [eps] = clipBounds(yPred.dtype as 'float32' | 'float64');
  const d = (t: number, p: number) => Math.log(Math.max(p, eps) + 1) - Math.log(Math.max(t, eps) + 1);
  return meanOf('meanSquaredLogarithmicError', yTrue, yPred, (t, p) => d(t, p) ** 2,
    (t, p) => (p >= eps ? (2 * d(t, p)) / (p + 1) : 0));
}

/** Keras mean_absolute_percentage_error (huge where t = 0, as in Keras). */
export function meanAbsolutePercentageError(yTrue: Tensor, yPred: Tensor): Tensor {
  const [eps] = clipBounds(yPred.dtype as 'float32' | 'float64');
  return meanOf('meanAbsolutePercentageError', yTrue, yPred, (t, p) => (100 * Math.abs(t - p)) / Math.max(Math.abs(t), eps),
    (t, p) => (100 * Math.sign(p - t)) / Math.max(Math.abs(t), eps));
}

/** Keras kl_divergence: Σ over the last axis (not a mean) of t'·log(t'/p'), both clipped to [ε, 1]. */
export function klDivergence(yTrue: Tensor, yPred: Tensor): Tensor {
  checkTensors('klDivergence', yTrue, yPred);
  const shape = alignedShape('klDivergence', yTrue, yPred);
  const [eps] = clipBounds(yPred.dtype as 'float32' | 'float64');
  const clip = (v: number) => Math.min(1, Math.max(eps, v));
  return rowwise('klDivergence', yTrue, yPred, shape,
    (t, p, c0, C) => {
      let s = 0;
      for (let j = c0; j < c0 + C; j++) { const a = clip(t[j]); s += a * Math.log(a / clip(p[j])); }
      return s;
    },
    (t, p, c0, C, g, gp) => {
      for (let j = c0; j < c0 + C; j++) if (p[j] >= eps && p[j] <= 1) gp[j] += (g * -clip(t[j])) / p[j];
    });
}

/** Keras cosine_similarity(axis=−1): −Σ t̂·p̂ with x̂ = x·min(rsqrt(Σx²), 1/ε). */
export function cosineSimilarity(yTrue: Tensor, yPred: Tensor): Tensor {
  checkTensors('cosineSimilarity', yTrue, yPred);
  const shape = alignedShape('cosineSimilarity', yTrue, yPred);
  const [eps] = clipBounds(yPred.dtype as 'float32' | 'float64');
  const scale = (v: ArrayLike<number>, c0: number, C: number) => {
    let s = 0;
    for (let j = c0; j < c0 + C; j++) s += v[j] * v[j];
    return { s, k: Math.min(1 / Math.sqrt(s), 1 / eps) };
  };
  return rowwise('cosineSimilarity', yTrue, yPred, shape,
    (t, p, c0, C) => {
      const kt = scale(t, c0, C).k, kp = scale(p, c0, C).k;
      let dot = 0;
      for (let j = c0; j < c0 + C; j++) dot += t[j] * kt * p[j] * kp;
      return -dot;
    },
    (t, p, c0, C, g, gp) => {
      const kt = scale(t, c0, C).k;
      const { s, k } = scale(p, c0, C);
      let dot = 0; // Σ t̂_j p_j
      for (let j = c0; j < c0 + C; j++) dot += t[j] * kt * p[j];
      // L = −k·Σ t̂p; where k = s^(−1/2) (the rsqrt branch): ∂k/∂p_j = −p_j·k³; on the 1/ε branch k is constant
      const onRsqrt = 1 / Math.sqrt(s) <= 1 / eps;
      for (let j = c0; j < c0 + C; j++) gp[j] += g * -(t[j] * kt * k - (onRsqrt ? dot * p[j] * k * k * k : 0));
    });
}

/** Keras's convert_binary_labels_to_hinge: labels that are all 0 or 1 become −1 / 1; others stay. */
function hingeLabels(t: ArrayLike<number>): ArrayLike<number> {
  for (let i = 0; i < t.length; i++) if (t[i] !== 0 && t[i] !== 1) return t;
  return Float64Array.from(t as ArrayLike<number>, (v) => 2 * v - 1);
}

function hingeLike(op: string, yTrue: Tensor, yPred: Tensor, squared: boolean): Tensor {
  checkTensors(op, yTrue, yPred);
  const shape = alignedShape(op, yTrue, yPred);
  let lab: ArrayLike<number> | null = null;
  const L = (t: ArrayLike<number>) => (lab ??= hingeLabels(t));
  return rowwise(op, yTrue, yPred, shape,
    (t, p, c0, C) => {
      const u = L(t);
      let s = 0;
      for (let j = c0; j < c0 + C; j++) { const m = Math.max(1 - u[j] * p[j], 0); s += squared ? m * m : m; }
      return s / C;
    },
    (t, p, c0, C, g, gp) => {
      const u = L(t);
      for (let j = c0; j < c0 + C; j++) {
        const a = 1 - u[j] * p[j];
        if (a >= 0) gp[j] += (g * (squared ? 2 * a : 1) * -u[j]) / C;
      }
    });
}

/** Keras hinge. */
export function hinge(yTrue: Tensor, yPred: Tensor): Tensor {
  return hingeLike('hinge', yTrue, yPred, false);
}

/** Keras squared_hinge. */
export function squaredHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  return hingeLike('squaredHinge', yTrue, yPred, true);
}

/** Keras categorical_hinge: max(neg − pos + 1, 0), pos = Σ t·p, neg = max((1 − t)·p). */
export function categoricalHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  checkTensors('categoricalHinge', yTrue, yPred);
  const shape = alignedShape('categoricalHinge', yTrue, yPred);
  const parts = (t: ArrayLike<number>, p: ArrayLike<number>, c0: number, C: number) => {
    let pos = 0, neg = -Infinity;
    for (let j = c0; j < c0 + C; j++) { pos += t[j] * p[j]; neg = Math.max(neg, (1 - t[j]) * p[j]); }
    return { pos, neg };
  };
  return rowwise('categoricalHinge', yTrue, yPred, shape,
    (t, p, c0, C) => { const { pos, neg } = parts(t, p, c0, C); return Math.max(neg - pos + 1, 0); },
    (t, p, c0, C, g, gp) => {
      const { pos, neg } = parts(t, p, c0, C);
      if (neg - pos + 1 < 0) return;
      let ties = 0;
      for (let j = c0; j < c0 + C; j++) if ((1 - t[j]) * p[j] === neg) ties++;
      for (let j = c0; j < c0 + C; j++) gp[j] += g * (((1 - t[j]) * p[j] === neg ? (1 - t[j]) / ties : 0) - t[j]);
    });
}
