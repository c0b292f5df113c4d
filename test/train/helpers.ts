import { expect } from 'chai';
import { tensor, type Tensor, type NestedArray } from '../../src/index.js';

/** |a − b| ≤ atol + rtol·|b| element-wise, with a message naming the first failing element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 0, what = 'value'): void {
  expect(actual.length, `${what}: length`).to.equal(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const ok = Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) expect.fail(`${what}[${i}]: got ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`);
  }
}

export function flat(x: unknown): number[] {
  return Array.isArray(x) ? (x as unknown[]).flatMap(flat) : [x as number];
}

/** A model archive case recorded by TF: inputs, predictions, and one train_on_batch step (loss, weights after). */
export interface ArchiveStepCase {
  x: unknown;
  y_true: unknown;
  y_pred: unknown;
  train_loss: number;
  weights_after: unknown[];
}

/**
 * Checks a loaded model against TF's record: predict on x, then one trainOnBatch with the archive's
 * compile_config, its loss and every weight after it (in getWeights order), within atol + rtol·|TF|.
 */
export function checkPredictAndStep(model: { predict(x: Tensor): unknown; trainOnBatch(x: Tensor, y: Tensor): number; getWeights(): Tensor[] },
  x: Tensor, c: ArchiveStepCase, atol: number, rtol: number): void {
  expectClose((model.predict(x) as Tensor).data, flat(c.y_pred), atol, rtol, 'predict');
  const loss = model.trainOnBatch(x, tensor(c.y_true as NestedArray));
  expect(loss).to.be.closeTo(c.train_loss, atol + rtol * Math.abs(c.train_loss));
  const ws = model.getWeights();
  expect(ws.length).to.equal(c.weights_after.length);
  ws.forEach((w, i) => expectClose(w.data, flat(c.weights_after[i]), atol, rtol, `weight ${i} after one SGD step`));
}
