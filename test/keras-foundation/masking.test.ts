// Keras Masking against real TF 2.21 / Keras 3.15 (test/fixtures/generate_masking.py → masking.json): the
// output and the attached mask, Masking → LSTM / SimpleRNN with masked steps in the middle of a sequence
// (values and gradients), and a Sequential model whose mse loss Keras averages over the unmasked steps only
// (evaluate, train_on_batch and the weights after one SGD step). NaN / ±Infinity cannot be stored in the JSON
// fixture; their behaviour is derived from Keras's source (ops.not_equal, then ops.where(mask, x, 0)).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import * as lt from '../../src/index.js';
import { expectClose, weightedSum } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'masking.json'), 'utf8'));
const L = lt.keras.layers;
// Through an LSTM / SimpleRNN in float32: TF's Eigen tanh/sigmoid differ from ours by a few ulps per step
// (docs/parity.md), so 1e-5 absolute + relative, as the recurrent suites use.
const TOL = 1e-5;

describe('keras-foundation: Masking (Keras 3)', () => {
  for (const c of fx.layer) {
    it(`${c.name}: output and mask equal Keras (mask_value ${c.mask_value}; exact)`, () => {
      const m = new L.Masking({ maskValue: c.mask_value });
      const y = m.apply(lt.tensor(c.x)) as lt.Tensor;
      expect(Array.from(y.data)).to.deep.equal(c.y.flat(2).map(Math.fround));
      expect(lt.keras.getKerasMask(y)!.toArray()).to.deep.equal(c.mask);
      expect(m.computeMask(lt.tensor(c.x), null)!.toArray()).to.deep.equal(c.mask);
    });
  }

  it('mask_value is compared in the input dtype: 0.1 matches float32 data 0.1 but not float64 data fround(0.1)', () => {
    const m = new L.Masking({ maskValue: 0.1 });
    const f32 = m.apply(lt.tensor([[[0.1, 0.1], [1, 0.1]]])) as lt.Tensor; // stored as fround(0.1)
    expect(lt.keras.getKerasMask(f32)!.toArray()).to.deep.equal([[0, 1]]);
    const f64 = m.apply(lt.tensor([[[Math.fround(0.1), 0.1], [0.1, 0.1]]], { dtype: 'float64' })) as lt.Tensor;
    expect(lt.keras.getKerasMask(f64)!.toArray()).to.deep.equal([[1, 0]]);
  });

  it('NaN never equals mask_value (the step stays); ±Infinity at a masked step becomes 0 through where, not NaN', () => {
    const m = new L.Masking({ maskValue: Infinity });
    const y = m.apply(lt.tensor([[[Infinity, Infinity], [NaN, Infinity], [1, 2]]])) as lt.Tensor;
    expect(lt.keras.getKerasMask(y)!.toArray()).to.deep.equal([[0, 1, 1]]);
    expect(Array.from(y.data.slice(0, 2))).to.deep.equal([0, 0]);
    expect(Number.isNaN(y.data[2])).to.equal(true);
    expect(y.data[3]).to.equal(Infinity);
  });

  it("under setKerasCompat('keras2') the output is x·mask as in tf_keras (∞ at a masked step gives NaN); the mask is the same", () => {
    const x = lt.tensor([[[Infinity, Infinity], [NaN, Infinity], [1, 2]]]);
    const y = lt.keras.withKerasCompat('keras2', () => new L.Masking({ maskValue: Infinity }).apply(x) as lt.Tensor);
    expect(Number.isNaN(y.data[0]) && Number.isNaN(y.data[1])).to.equal(true);
    expect(Array.from(y.data.slice(3))).to.deep.equal([Infinity, 1, 2]);
    expect(lt.keras.getKerasMask(y)!.toArray()).to.deep.equal([[0, 1, 1]]);
  });

  it('tfjs (test-only oracle, which multiplies like Keras 2) gives the same output and mask on finite data with holes', async () => {
    await tf.setBackend('cpu');
    const rnd = new lt.Random(7);
    const shape = [3, 6, 4];
    const data = Array.from({ length: 72 }, () => Math.round(rnd.uniform() * 4 - 2)); // many exact zeros
    for (const [b, t] of [[0, 1], [1, 5], [2, 0], [2, 3]]) data.fill(0, (b * 6 + t) * 4, (b * 6 + t + 1) * 4);
    const ours = new L.Masking().apply(lt.tensor(Float32Array.from(data), { shape })) as lt.Tensor;
    const theirs = tf.tidy(() => {
      const layer = tf.layers.masking({ maskValue: 0 });
      const xt = tf.tensor3d(data, shape as [number, number, number]);
      return [layer.apply(xt) as tf.Tensor, layer.computeMask(xt) as tf.Tensor].map((t) => Array.from(t.dataSync()));
    });
    expect(Array.from(ours.data)).to.deep.equal(theirs[0]);
    expect(Array.from(lt.keras.getKerasMask(ours)!.data)).to.deep.equal(theirs[1].map(Number));
    expect(theirs[1].filter((v) => !v).length).to.be.at.least(4); // the holes are really masked
  });

  it('the gradient passes unchanged at kept steps and is 0 at masked ones (hand-derived: d where(m, x, 0)/dx = m)', () => {
    const x = lt.tensor([[[0, 0], [2, 0], [0, 3]]], { requiresGrad: true });
    const y = new L.Masking().apply(x) as lt.Tensor;
    weightedSum(y, [[[1, 2], [3, 4], [5, 6]]]).backward();
    expect(Array.from(x.grad!.data)).to.deep.equal([0, 0, 3, 4, 5, 6]);
  });

  for (const c of fx.recurrent) {
    it(`${c.name}: Masking → ${c.kind === 'lstm' ? 'LSTM' : 'SimpleRNN'} (holes mid-sequence, a fully masked row) equals Keras in values and gradients (atol/rtol ${TOL})`, () => {
      const masking = new L.Masking({ maskValue: 0 });
      const args = { units: c.units, returnSequences: c.return_sequences };
      const rnn = c.kind === 'lstm' ? new L.LSTM(args) : new L.SimpleRNN(args);
      const x = lt.tensor(c.x, { requiresGrad: true });
      rnn.apply(masking.apply(x));
      rnn.setWeights(c.weights.map((w: number[]) => lt.tensor(w)));
      const m = masking.apply(x) as lt.Tensor;
      expect(lt.keras.getKerasMask(m)!.toArray()).to.deep.equal(c.mask);
      const y = rnn.apply(m) as lt.Tensor;
      expectClose(y, c.y, TOL, TOL, 'y');
      // a hole in the middle of row 0 rules out every right-padded fused path
      expect(rnn.explain()?.path).to.equal('generic');
      weightedSum(y, c.w).backward();
      expectClose(x.grad!, c.grad_x, TOL, TOL, 'dx');
      rnn.trainableWeights.forEach((w, i) => expectClose(w.grad!, c.grad_weights[i], TOL, TOL, `d ${w.name}`));
      lt.noGrad(() => expectClose(rnn.apply(lt.tensor(c.x)) as lt.Tensor, c.y_without_masking, TOL, TOL, 'y without Masking'));
    });
  }

  it('Sequential([Masking, LSTM, Dense]) with mse: loss over unmasked steps only, one SGD step equals Keras train_on_batch (atol/rtol 1e-5)', () => {
    const c = fx.model;
    // the fixture's own check that masking changes the loss, so this test can tell the two apart
    expect(Math.abs(c.unmasked_mean - c.plain_mean)).to.be.above(1e-3);
    expect(c.evaluate_loss).to.be.closeTo(c.unmasked_mean, 1e-6);
    const model = new lt.keras.Sequential([new L.Masking(), new L.LSTM({ units: 4, returnSequences: true }), new L.Dense({ units: 1 })]);
    const x = lt.tensor(c.x);
    const y = lt.tensor(c.y);
    model.predict(x);
    model.setWeights(c.weights_before.map((w: number[]) => lt.tensor(w)));
    model.compile({ optimizer: new lt.keras.optimizers.SGD({ learningRate: 0.1 }), loss: 'mse' });
    expect(model.evaluate(x, y, { batchSize: 4, verbose: 0 }).loss).to.be.closeTo(c.evaluate_loss, 1e-5);
    expect(model.trainOnBatch(x, y)).to.be.closeTo(c.train_on_batch_loss, 1e-5);
    model.getWeights().forEach((w, i) => expectClose(w, c.weights_after[i], TOL, TOL, `weight ${i} after one step`));
  });

  for (const kind of ['per_step', 'per_sample']) {
    it(`sample_weight ${kind === 'per_step' ? '[N, T] (per time step)' : '[N, 1] (per sample)'} combines with the mask: evaluate and two epochs of fit equal Keras (atol/rtol 1e-5)`, () => {
      const m = fx.model;
      const c = m.sample_weight_cases.find((k: { kind: string }) => k.kind === kind);
      const model = new lt.keras.Sequential([new L.Masking(), new L.LSTM({ units: 4, returnSequences: true }), new L.Dense({ units: 1 })]);
      const x = lt.tensor(m.x);
      const y = lt.tensor(m.y);
      const sw = lt.tensor(c.sample_weight);
      model.predict(x);
      model.setWeights(m.weights_before.map((w: number[]) => lt.tensor(w)));
      model.compile({ optimizer: new lt.keras.optimizers.SGD({ learningRate: 0.1 }), loss: 'mse' });
      expect(model.evaluate(x, y, { batchSize: 4, verbose: 0, sampleWeight: sw }).loss).to.be.closeTo(c.evaluate_loss, 1e-5);
      const h = model.fit(x, y, { batchSize: 2, epochs: 2, shuffle: false, verbose: 0, sampleWeight: sw });
      h.history.loss.forEach((v: number, i: number) => expect(v, `epoch ${i} loss`).to.be.closeTo(c.history_loss[i], 1e-5 + 1e-5 * Math.abs(c.history_loss[i])));
      model.getWeights().forEach((w, i) => expectClose(w, c.weights_after[i], TOL, TOL, `weight ${i} after fit`));
    });
  }

  it('a sample_weight that does not align with the loss values is an error naming both shapes', () => {
    const model = new lt.keras.Sequential([new L.Masking(), new L.LSTM({ units: 2, returnSequences: true }), new L.Dense({ units: 1 })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = lt.ones([4, 5, 3]);
    expect(() => model.fit(x, lt.zeros([4, 5, 1]), { batchSize: 4, verbose: 0, sampleWeight: lt.ones([4, 3]) }))
      .to.throw(/sample_weight shape \[4, 3\] must match the leading axes of the loss values' shape \[4, 5\]/);
  });

  it('getConfig equals Keras 3 get_config and round-trips through deserializeLayer', () => {
    expect(new L.Masking({ maskValue: -1.5, name: 'mk' }).getConfig()).to.deep.equal(fx.config);
    expect(new L.Masking({ name: 'mk0' }).getConfig()).to.deep.equal(fx.config_default);
    const back = lt.keras.deserializeLayer({ class_name: 'Masking', config: fx.config }) as InstanceType<typeof L.Masking>;
    expect(back).to.be.instanceOf(L.Masking);
    expect(back.maskValue).to.equal(-1.5);
    expect(back.getConfig()).to.deep.equal(fx.config);
  });

  it('rejects a non-number maskValue and a scalar input, naming the argument and the shape', () => {
    expect(() => new L.Masking({ maskValue: '0' as unknown as number })).to.throw(/^Masking: maskValue must be a number, got string 0$/);
    expect(() => L.Masking.fromConfig({ name: 'm', mask_value: { class_name: '__tensor__' } })).to.throw(/mask_value must be a number \(a serialized tensor is not supported\)/);
    expect(() => new L.Masking({ name: 'mk' }).apply(lt.tensor(3))).to.throw(/^mk: Masking needs an input of rank >= 1 \(features on the last axis\), got shape \[\]$/);
  });
});
