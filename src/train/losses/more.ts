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
import { rowwise, checkTensors, attachedLogits } from './functions.js';

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

export interface BinaryFocalOptions {
  applyClassBalancing?: boolean;
  alpha?: number;
  gamma?: number;
  fromLogits?: boolean;
  labelSmoothing?: number;
}

/**
 * Keras binary_focal_crossentropy (Lin et al. 2017): mean over the last axis of
 *   w · (1 − p_t)^γ · bce,   p_t = t·p + (1 − t)(1 − p),   w = t·α + (1 − t)(1 − α) with class balancing, else 1,
 * with t label-smoothed (t(1 − s) + s/2) first. bce is TF's binary_crossentropy: from the logits z when
 * fromLogits (p = σ(z)) or when y_pred came from a sigmoid activation (its _keras_logits: TF's _get_logits),
 * as max(z, 0) − z·t + log1p(e^−|z|); otherwise −(t·log q + (1 − t)·log(1 − q)) with q = clip(p, ε, 1 − ε).
 * Gradient: d/dp [g(p)·B] = g′(p)·B + g·B′ (g′ = −w·γ(1 − p_t)^(γ−1)·(2t − 1)); on the logits path × p(1 − p) for
 * g, and B′(z) = p − t.
 */
export function binaryFocalCrossentropy(yTrue: Tensor, yPred: Tensor, o: BinaryFocalOptions = {}): Tensor {
  const op = 'binaryFocalCrossentropy';
  checkTensors(op, yTrue, yPred);
  const shape = alignedShape(op, yTrue, yPred);
  const alpha = o.alpha ?? 0.25;
  const gamma = o.gamma ?? 2;
  const ls = o.labelSmoothing ?? 0;
  const bal = o.applyClassBalancing ?? false;
  const smooth = (z: number): number => (ls ? z * (1 - ls) + 0.5 * ls : z);
  const [eps, hi] = clipBounds(yPred.dtype as 'float32' | 'float64');
  const f32 = yPred.dtype === 'float32' ? Math.fround : (x: number) => x;
  const lg = o.fromLogits ? null : attachedLogits(op, yPred, shape.length === yPred.rank, false);
  const logits = o.fromLogits || lg !== null;
  const probs = yPred.data;
  const src = lg ?? yPred;
  // the factor g(p) = w·(1 − p_t)^γ and its derivative in p
  const g = (t: number, p: number): [number, number] => {
    const w = bal ? t * alpha + (1 - t) * (1 - alpha) : 1;
    const pt = t * p + (1 - t) * (1 - p);
    const base = 1 - pt;
    return [w * base ** gamma, base === 0 ? (gamma === 1 ? -w * (2 * t - 1) : 0) : -w * gamma * base ** (gamma - 1) * (2 * t - 1)];
  };
  const sig = (z: number): number => f32(z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
  const pOf = (j: number, x: ArrayLike<number>): number => (o.fromLogits ? sig(x[j]) : probs[j]);
  return rowwise(op, yTrue, src, shape,
    (t, x, c0, C) => {
      let s = 0;
      for (let j = c0; j < c0 + C; j++) {
        const z = smooth(t[j]);
        const p = pOf(j, x);
        const B = logits ? Math.max(x[j], 0) - x[j] * z + Math.log1p(Math.exp(-Math.abs(x[j])))
          : -(z * Math.log(Math.min(Math.max(p, eps), hi)) + (1 - z) * Math.log(1 - Math.min(Math.max(p, eps), hi)));
        s += g(z, p)[0] * B;
      }
      return s / C;
    },
    (t, x, c0, C, gOut, gp) => {
      for (let j = c0; j < c0 + C; j++) {
        const z = smooth(t[j]);
        const p = pOf(j, x);
        const [G, dG] = g(z, p);
        if (logits) {
          const B = Math.max(x[j], 0) - x[j] * z + Math.log1p(Math.exp(-Math.abs(x[j])));
          gp[j] += (gOut * (dG * p * (1 - p) * B + G * (sig(x[j]) - z))) / C;
        } else {
          const q = Math.min(Math.max(p, eps), hi);
          const B = -(z * Math.log(q) + (1 - z) * Math.log(1 - q));
          const dB = p < eps || p > hi ? 0 : -z / q + (1 - z) / (1 - q);
          gp[j] += (gOut * (dG * B + G * dB)) / C;
        }
      }
    });
}

export interface CategoricalFocalOptions {
  alpha?: number;
  gamma?: number;
  fromLogits?: boolean;
  labelSmoothing?: number;
}

/**
 * Keras categorical_focal_crossentropy: Σ over the last axis of α·(1 − o)^γ·(−t·log o), o = clip(p / Σp, ε, 1 − ε),
 * p = softmax(y_pred) when fromLogits, t label-smoothed (t(1 − s) + s/C). No logits shortcut (Keras calls no
 * cross-entropy op here). Gradient through the clip (0 outside), the normalisation (∂o_j/∂p_k = (δ_jk − o_j)/Σp)
 * and, from logits, the softmax.
 */
export function categoricalFocalCrossentropy(yTrue: Tensor, yPred: Tensor, o: CategoricalFocalOptions = {}): Tensor {
  const op = 'categoricalFocalCrossentropy';
  checkTensors(op, yTrue, yPred);
  const shape = alignedShape(op, yTrue, yPred);
  const alpha = o.alpha ?? 0.25;
  const gamma = o.gamma ?? 2;
  const ls = o.labelSmoothing ?? 0;
  const [eps, hi] = clipBounds(yPred.dtype as 'float32' | 'float64');
  const C = shape[shape.length - 1];
  const smooth = (z: number): number => (ls ? z * (1 - ls) + ls / C : z);
  const probsOf = (x: ArrayLike<number>, c0: number): Float64Array => {
    const p = new Float64Array(C);
    if (o.fromLogits) {
      let m = -Infinity;
      for (let j = 0; j < C; j++) m = Math.max(m, x[c0 + j]);
      let s = 0;
      for (let j = 0; j < C; j++) s += (p[j] = Math.exp(x[c0 + j] - m));
      for (let j = 0; j < C; j++) p[j] /= s;
    } else for (let j = 0; j < C; j++) p[j] = x[c0 + j];
    return p;
  };
  return rowwise(op, yTrue, yPred, shape,
    (t, x, c0) => {
      const p = probsOf(x, c0);
      const S = p.reduce((a, b) => a + b, 0);
      let s = 0;
      for (let j = 0; j < C; j++) {
        const q = Math.min(Math.max(p[j] / S, eps), hi);
        s += alpha * (1 - q) ** gamma * -smooth(t[c0 + j]) * Math.log(q);
      }
      return s;
    },
    (t, x, c0, _C, gOut, gp) => {
      const p = probsOf(x, c0);
      const S = p.reduce((a, b) => a + b, 0);
      const G = new Float64Array(C);  // dL/do_j, 0 where clipped
      const q = new Float64Array(C);
      for (let j = 0; j < C; j++) {
        q[j] = p[j] / S;
        if (q[j] < eps || q[j] > hi) continue;
        const tj = smooth(t[c0 + j]);
        const om = 1 - q[j];
        G[j] = alpha * (-gamma * om ** (gamma - 1) * -tj * Math.log(q[j]) + om ** gamma * (-tj / q[j]));
      }
      let dot = 0;
      for (let j = 0; j < C; j++) dot += G[j] * q[j];
      const dp = new Float64Array(C);
      for (let k = 0; k < C; k++) dp[k] = (G[k] - dot) / S;
      if (o.fromLogits) {
        let d2 = 0;
        for (let j = 0; j < C; j++) d2 += dp[j] * p[j];
        for (let k = 0; k < C; k++) gp[c0 + k] += gOut * p[k] * (dp[k] - d2);
      } else for (let k = 0; k < C; k++) gp[c0 + k] += gOut * dp[k];
    });
}
