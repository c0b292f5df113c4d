// Keras metric functions (keras/src/metrics/accuracy_metrics.py, regression_metrics.py). Each returns one
// value per row (plain numbers, no autograd: metrics are never differentiated), like Keras's functional
// metrics that MeanMetricWrapper then averages.
import type { Tensor } from '../../tensor/tensor.js';
import { fail, shapeStr } from '../../tensor/shape.js';
import { alignedShape, rowsCols } from '../losses/align.js';

/** mean(y_true == (y_pred > threshold), axis=−1). */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Float64Array {
  const { rows, cols } = rowsCols(alignedShape('binaryAccuracy', yTrue, yPred));
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = r * cols; j < (r + 1) * cols; j++) s += yTrue.data[j] === (yPred.data[j] > threshold ? 1 : 0) ? 1 : 0;
    out[r] = s / cols;
  }
  return out;
}

/** The first maximum of d[c0 .. c0 + C) (tf.argmax's tie rule), as an index from 0. */
export function argmaxRow(d: ArrayLike<number>, c0: number, C: number): number {
  let best = 0;
  for (let j = 1; j < C; j++) if (d[c0 + j] > d[c0 + best]) best = j;
  return best;
}

/** argmax(y_true) == argmax(y_pred) per row (first maximum wins, as tf.argmax). */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Float64Array {
  if (yTrue.rank !== yPred.rank) fail('categoricalAccuracy', `y_true ${shapeStr(yTrue.shape)} and y_pred ${shapeStr(yPred.shape)} must have the same rank`);
  const { rows, cols } = rowsCols(alignedShape('categoricalAccuracy', yTrue, yPred));
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = argmaxRow(yTrue.data, r * cols, cols) === argmaxRow(yPred.data, r * cols, cols) ? 1 : 0;
  return out;
}

/** y_true (integer class ids, [...] or [..., 1]) == argmax(y_pred) per row. */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Float64Array {
  const C = yPred.shape[yPred.rank - 1];
  const rows = yPred.size / C;
  if (yTrue.size !== rows) {
    fail('sparseCategoricalAccuracy', `y_true ${shapeStr(yTrue.shape)} must hold one class id per row of y_pred ${shapeStr(yPred.shape)}`);
  }
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = yTrue.data[r] === argmaxRow(yPred.data, r * C, C) ? 1 : 0;
  return out;
}

function rowMean(op: string, yTrue: Tensor, yPred: Tensor, f: (d: number) => number): Float64Array {
  const { rows, cols } = rowsCols(alignedShape(op, yTrue, yPred));
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = r * cols; j < (r + 1) * cols; j++) s += f(yTrue.data[j] - yPred.data[j]);
    out[r] = s / cols;
  }
  return out;
}

export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Float64Array {
  return rowMean('meanAbsoluteError', yTrue, yPred, Math.abs);
}

export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Float64Array {
  return rowMean('meanSquaredError', yTrue, yPred, (d) => d * d);
}
