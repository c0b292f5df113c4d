// Metric functions vs hand-computed values, and Keras's 'accuracy' resolution from shapes.
import { expect } from 'chai';
import { tensor } from '../../src/index.js';
import * as metrics from '../../src/train/metrics/index.js';

describe('train/metrics', () => {
  it('binaryAccuracy thresholds y_pred at 0.5 (strictly greater) and averages over the last axis', () => {
    const v = metrics.binaryAccuracy(tensor([[1, 0, 1], [0, 0, 1]]), tensor([[0.7, 0.5, 0.2], [0.1, 0.51, 0.9]]));
    // thresholded: [1, 0, 0] and [0, 1, 1] → 2 of 3 right in each row
    expect(Array.from(v)).to.deep.equal([2 / 3, 2 / 3]);
  });

  it('categorical and sparse accuracy compare argmaxes (first maximum wins on ties, as tf.argmax)', () => {
    const yp = tensor([[0.2, 0.5, 0.3], [0.4, 0.4, 0.2], [0.1, 0.1, 0.8]]);
    expect(Array.from(metrics.categoricalAccuracy(tensor([[0, 1, 0], [0, 1, 0], [0, 0, 1]]), yp))).to.deep.equal([1, 0, 1]);
    expect(Array.from(metrics.sparseCategoricalAccuracy(tensor([1, 0, 0]), yp))).to.deep.equal([1, 1, 0]);
    expect(Array.from(metrics.sparseCategoricalAccuracy(tensor([[1], [0], [2]]), yp))).to.deep.equal([1, 1, 1]);
  });

  it('mae / mse per row; MeanMetric averages every value seen, masked values excluded', () => {
    expect(Array.from(metrics.meanAbsoluteError(tensor([[1, 2], [0, 0]]), tensor([[2, 0], [1, -1]])))).to.deep.equal([1.5, 1]);
    expect(Array.from(metrics.meanSquaredError(tensor([[1, 2], [0, 0]]), tensor([[2, 0], [1, -1]])))).to.deep.equal([2.5, 1]);
    const m = metrics.resolveMetric('mae', [2, 1], [2, 1]);
    m.updateState(tensor([[0], [0]]), tensor([[1], [3]]));
    m.updateState(tensor([[0], [0]]), tensor([[5], [100]]), tensor([1, 0]));
    expect(m.result()).to.equal((1 + 3 + 5) / 3);
    m.resetState();
    expect(m.result()).to.equal(0);
  });

  it("'accuracy' picks binary / sparse categorical / categorical accuracy from the shapes (Keras get_metric)", () => {
    const cls = (t: number[], p: number[]): string => metrics.resolveMetric('accuracy', t, p).className;
    expect(cls([2, 1], [2, 1])).to.equal('BinaryAccuracy');
    expect(metrics.resolveMetric('acc', [1], [1, 3]).className).to.equal('SparseCategoricalAccuracy'); // lower rank
    expect(cls([1, 1], [1, 3])).to.equal('SparseCategoricalAccuracy'); // last dim 1
    expect(cls([1, 3], [1, 3])).to.equal('CategoricalAccuracy');
    expect(metrics.resolveMetric('acc', [1], [1, 3]).name).to.equal('acc');
    expect(metrics.resolveMetric('accuracy', [1, 3], [1, 3]).direction).to.equal('up');
    expect(() => metrics.resolveMetric('f1', [1], [1])).to.throw(/unknown metric 'f1'/);
    expect(() => metrics.resolveMetric('f1_score', [1], [1])).to.throw(/not implemented in lstm-ts yet/);
    expect(() => metrics.resolveMetric('precison', [1], [1])).to.throw(/did you mean '[Pp]recision'/);
  });
});
