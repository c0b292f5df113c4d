// The adding problem (Hochreiter & Schmidhuber 1997, experiment 4; in the form of Le, Jaitly & Hinton 2015
// and Arjovsky et al. 2016): each sequence has T steps of two channels — channel 0 a random number in
// [0, 1), channel 1 a marker that is 1 at exactly two positions and 0 elsewhere. The target is the sum of
// the two marked numbers. One marker is uniform in the first half [0, ⌊T/2⌋), the other in the second half
// [⌊T/2⌋, T), so the network must carry information across up to T steps.
// Always predicting 1.0 (the target's mean) gives MSE = Var(U₁ + U₂) = 2/12 ≈ 0.1667: the baseline a
// model must beat to show it learned anything.
import { Tensor } from '../../tensor/tensor.js';
import { Random } from '../../tensor/random.js';
import { fail } from '../../tensor/shape.js';

export const ADDING_BASELINE_MSE = 1 / 6;

export interface AddingBatch {
  /** [B, T, 2] float32 */
  x: Tensor;
  /** [B, 1] float32 */
  y: Tensor;
}

/** One batch drawn from `rng` (so a seeded generator gives the same stream every run). */
export function addingBatch(rng: Random, batch: number, T: number): AddingBatch {
  if (!Number.isInteger(T) || T < 2) fail('addingBatch', `sequence length must be an integer ≥ 2, got ${T}`);
  if (!Number.isInteger(batch) || batch < 1) fail('addingBatch', `batch must be a positive integer, got ${batch}`);
  const x = new Float32Array(batch * T * 2);
  const y = new Float32Array(batch);
  const half = Math.floor(T / 2);
  for (let b = 0; b < batch; b++) {
    const base = b * T * 2;
    for (let t = 0; t < T; t++) x[base + 2 * t] = rng.uniform();
    const p1 = rng.int(half);
    const p2 = half + rng.int(T - half);
    x[base + 2 * p1 + 1] = 1;
    x[base + 2 * p2 + 1] = 1;
    y[b] = x[base + 2 * p1] + x[base + 2 * p2];
  }
  return { x: new Tensor(x, [batch, T, 2]), y: new Tensor(y, [batch, 1]) };
}
