// Shape handling shared by the loss functions: Keras's `squeeze_or_expand_to_same_rank`
// (keras/src/losses/loss.py) and the "rows × last axis" view every per-sample loss works on.

import type { Tensor } from '../../tensor/tensor.js';
import { fail, shapeStr, sameShape, sizeOf } from '../../tensor/shape.js';

/**
 * Keras aligns y_true and y_pred when their ranks differ by exactly one and the longer one ends in 1:
 * the shorter one is expanded when it is rank 1, otherwise the longer one is squeezed. Squeezing or expanding
 * a trailing 1 never moves data, so we only need the shape both end up with (the loss reduces over its
 * last axis). Returns that common shape or throws naming the loss and both shapes.
 */
export function alignedShape(op: string, yTrue: Tensor, yPred: Tensor): number[] {
  let t = [...yTrue.shape];
  let p = [...yPred.shape];
  if (t.length === p.length + 1 && t[t.length - 1] === 1) {
    if (p.length === 1) p = [...p, 1];
    else t = t.slice(0, -1);
  } else if (p.length === t.length + 1 && p[p.length - 1] === 1) {
    if (t.length === 1) t = [...t, 1];
    else p = p.slice(0, -1);
  }
  if (!sameShape(t, p)) {
    fail(op, `y_true shape ${shapeStr(yTrue.shape)} and y_pred shape ${shapeStr(yPred.shape)} are not compatible ` +
      '(they must be equal, or differ only by a trailing axis of size 1)');
  }
  if (p.length === 0) fail(op, 'y_pred must have rank ≥ 1 (the loss reduces over the last axis)');
  return p;
}

/** rows = product of all axes but the last, cols = last axis. */
export function rowsCols(shape: readonly number[]): { rows: number; cols: number; outShape: number[] } {
  const cols = shape[shape.length - 1];
  const outShape = shape.slice(0, -1);
  return { rows: sizeOf(outShape), cols, outShape };
}

/** Keras `backend.epsilon()` (1e-7) and 1 − ε, as the variable dtype stores them (TF casts the Python double). */
export function clipBounds(dtype: 'float32' | 'float64'): [number, number] {
  const EPS = 1e-7;
  return dtype === 'float32' ? [Math.fround(EPS), Math.fround(1 - EPS)] : [EPS, 1 - EPS];
}
