// The Keras-version compatibility switch. lstm-ts defaults to Keras 3 (what TensorFlow ≥ 2.16, and so the
// TF 2.21 fixtures, run). Where Keras 2 (TF ≤ 2.15, what the TF 2.x API docs describe) computes different
// numbers, code reads `getKerasCompat()`:
//   - activation 'hard_sigmoid': Keras 3 relu6(x+3)/6 (slope 1/6); Keras 2 clip(0.2x+0.5, 0, 1) (slope 0.2)
//     (semantics notes §11.1);
//   - the recurrent layers' dropout-mask scheme and stateful + initial_state rule (see their docs);
//   - Masking: Keras 3 where(mask, x, 0); Keras 2 x·mask (an infinite feature at a masked step gives NaN).
// The switch is process-wide; `withKerasCompat` scopes it (tests).

export type KerasCompat = 'keras3' | 'keras2';

let current: KerasCompat = 'keras3';

/** Selects Keras 3 (default) or Keras 2 numerics where the two differ. */
export function setKerasCompat(mode: KerasCompat): void {
  if (mode !== 'keras3' && mode !== 'keras2') {
    throw new Error(`setKerasCompat: mode must be 'keras3' or 'keras2', got ${JSON.stringify(mode)}`);
  }
  current = mode;
}

export function getKerasCompat(): KerasCompat {
  return current;
}

/** Runs `fn` under `mode` and restores the previous mode afterwards (also on throw). */
export function withKerasCompat<T>(mode: KerasCompat, fn: () => T): T {
  const prev = current;
  setKerasCompat(mode);
  try {
    return fn();
  } finally {
    current = prev;
  }
}
