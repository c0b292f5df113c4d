// Gradient clipping as Keras 3 applies it before every update (keras/src/optimizers/base_optimizer.py
// `_clip_gradients`; the TF backend's `_clip_by_norm` is tf.clip_by_norm). At most one of the three is set.
//   clipnorm:        each gradient g ← g·c / max(‖g‖₂, c)
//   global_clipnorm: all gradients  g ← g·c·min(1/N, 1/c),  N = sqrt(Σ‖g‖²) over every gradient
//                    (a non-finite N turns every gradient into NaN, as Keras's `+ (N − N)` trick does)
//   clipvalue:       each element clipped to [−v, v]

import type { TypedArray } from '../../tensor/tensor.js';

export function sumSquares(g: TypedArray): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  return s;
}

export function clipByNorm(g: TypedArray, clipnorm: number): TypedArray {
  const norm = Math.sqrt(sumSquares(g));
  const out = g.slice();
  if (norm === 0) return out; // Keras's "two-tap where" keeps zero gradients zero
  const denom = Math.max(norm, clipnorm);
  for (let i = 0; i < out.length; i++) out[i] = (g[i] * clipnorm) / denom;
  return out;
}

/** `normOf[i]` (default gs[i]) is what enters the norm: an IndexedSlices gradient's slices (optimizer.ts). */
export function clipByGlobalNorm(gs: (TypedArray | null)[], clipnorm: number, normOf: (TypedArray | null)[] = gs): (TypedArray | null)[] {
  let total = 0;
  for (const g of normOf) if (g) total += sumSquares(g);
  const useNorm = Math.sqrt(total);
  const scale = clipnorm * Math.min(1 / useNorm, 1 / clipnorm) + (useNorm - useNorm);
  return gs.map((g) => {
    if (!g) return g;
    const out = g.slice();
    for (let i = 0; i < out.length; i++) out[i] = g[i] * scale;
    return out;
  });
}

export function clipByValue(g: TypedArray, v: number): TypedArray {
  const out = g.slice();
  for (let i = 0; i < out.length; i++) out[i] = Math.min(Math.max(g[i], -v), v);
  return out;
}
