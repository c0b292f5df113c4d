// Cross-entropy on softmax/sigmoid outputs uses the attached logits, as Keras 3 on TensorFlow does
// (keras/src/activations/activations.py sets `output._keras_logits`; keras/src/backend/tensorflow/nn.py
// `_get_logits` computes the loss from them). Fixture: REAL TF 2.21 / Keras 3.15,
// test/fixtures/generate_logits_losses.py, with saturated probabilities (< 1e-7) where the 1e-7 clip would
// give a different loss and a zero gradient.
// Tolerances: float32 Dense logits of magnitude ~30 may differ from TF by an ulp (~2e-6), so losses are
// compared at 5e-6 absolute + 1e-6 relative and gradients at 1e-6 absolute + 1e-5 relative (measured:
// losses within 9.6e-7, gradients within 2.4e-7).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';
import { tensor, type NestedArray, type Tensor } from '../../src/index.js';
import * as losses from '../../src/train/losses/index.js';
import * as optimizers from '../../src/train/optimizers/index.js';
import { Sequential } from '../../src/train/sequential.js';
import { getKerasLogits, softmax, sigmoid, logSoftmax } from '../../src/keras/activations.js';
import { assertGradcheck } from '../../src/autograd/gradcheck.js';
import { expectClose, flat } from './helpers.js';

interface Case {
  name: string; activation: string; units: number; loss: string; options: Record<string, unknown>;
  x: NestedArray; kernel: NestedArray; bias: NestedArray; y_true: NestedArray; has_keras_logits: boolean;
  min_prob: number; y_pred: NestedArray; loss_value: number; clipped_loss: number; grad_kernel: NestedArray; grad_bias: NestedArray;
}
interface Fx {
  attached: Record<string, boolean>;
  cases: Case[];
  train: { x: NestedArray; y: number[]; kernel: NestedArray; bias: NestedArray; learning_rate: number; steps: { loss: number; weights: NestedArray[] }[] };
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/logits_losses.json', import.meta.url), 'utf8')) as Fx;

function lossObject(c: Case): losses.Loss {
  const opts: Record<string, unknown> = {};
  if (c.options.label_smoothing !== undefined) opts.labelSmoothing = c.options.label_smoothing;
  if (c.options.from_logits !== undefined) opts.fromLogits = c.options.from_logits;
  if (c.options.reduction !== undefined) opts.reduction = c.options.reduction;
  const Cls = (losses as unknown as Record<string, new (a: object) => losses.Loss>)[c.loss];
  return new Cls(opts);
}

function quietly<T>(fn: () => T): T {
  const w = console.warn;
  console.warn = () => undefined;
  try {
    return fn();
  } finally {
    console.warn = w;
  }
}

describe('losses from attached logits (Keras TF _keras_logits) vs TF 2.21', () => {
  it('softmax and sigmoid activations attach their input; log_softmax, the raw ops and copies do not', () => {
    const x = tensor([[1, 2, 3]]);
    // What TF records: the activations and keras.ops.softmax/sigmoid attach, tf.nn.softmax / tf.sigmoid not.
    // lt.ops.softmax / lt.ops.sigmoid are the autograd ops (the tf.nn level), so they attach nothing.
    expect(fx.attached).to.deep.equal({
      log_softmax: false, softmax: true, sigmoid: true, keras_ops_softmax: true, keras_ops_sigmoid: true, tf_nn_softmax: false, tf_sigmoid: false,
    });
    expect(getKerasLogits(softmax(x))).to.equal(x);
    expect(getKerasLogits(sigmoid(x))).to.equal(x);
    expect(getKerasLogits(logSoftmax(x))).to.equal(undefined);
    expect(getKerasLogits(lt.ops.softmax(x))).to.equal(undefined);
    expect(getKerasLogits(lt.ops.sigmoid(x))).to.equal(undefined);
    expect(getKerasLogits(softmax(x).clone())).to.equal(undefined);
    // Not a public field of the tensor.
    expect(Object.keys(softmax(x))).to.not.include('kerasLogits');
  });

  for (const c of fx.cases) {
    it(`${c.name}: loss and d loss / d (kernel, bias) of Dense(${c.units}, ${c.activation}) (min p ${c.min_prob.toExponential(2)})`, () => {
      lt.keras.clearSession();
      const dense = new lt.keras.layers.Dense({ units: c.units, activation: c.activation as lt.keras.ActivationIdentifier });
      const x = tensor(c.x);
      dense.apply(x);
      dense.setWeights([tensor(c.kernel), tensor(c.bias)]);
      const y = dense.apply(x) as Tensor;
      expect(getKerasLogits(y) !== undefined).to.equal(c.has_keras_logits);
      expectClose(y.toFlatArray(), flat(c.y_pred), 1e-6, 1e-5, 'y_pred');
      const loss = lossObject(c);
      const v = quietly(() => loss.apply(tensor(c.y_true), y));
      expectClose([v.item()], [c.loss_value], 5e-6, 1e-6, 'loss');
      // The fixture must exercise the difference: TF's clip path gives another value (except where Keras
      // reshapes y_pred and so drops the logits, where both are the clip path).
      if (c.name === 'bce_sigmoid_squeezed') expect(c.loss_value).to.equal(c.clipped_loss);
      else expect(Math.abs(c.loss_value - c.clipped_loss)).to.be.greaterThan(1);
      v.backward();
      const [kernel, bias] = dense.weights;
      expectClose(kernel.grad!.toFlatArray(), flat(c.grad_kernel), 1e-6, 1e-5, 'grad kernel');
      expectClose(bias.grad!.toFlatArray(), flat(c.grad_bias), 1e-6, 1e-5, 'grad bias');
    });

    it(`${c.name}: the same probabilities as a plain tensor (no logits) take TF's 1e-7 clip path`, () => {
      const loss = lossObject(c);
      const v = loss.apply(tensor(c.y_true), tensor(c.y_pred));
      expectClose([v.item()], [c.clipped_loss], 1e-5, 1e-6, 'clipped loss');
    });
  }

  it('plain probabilities: a zero probability for the true class is clipped to 1e-7 (hand value)', () => {
    const p = tensor([[1, 0, 0]], { requiresGrad: true });
    const v = new losses.CategoricalCrossentropy().apply(tensor([[0, 1, 0]]), p);
    expectClose([v.item()], [-Math.log(Math.fround(1e-7))], 1e-5, 1e-6, 'loss');
    v.backward();
    // d/dp of the clipped log is 0 at the clipped entry; the renormalisation term is 0 as well.
    expect(p.grad!.toFlatArray()[1]).to.equal(0);
  });

  it('the logits path is differentiable end to end (float64 gradcheck through softmax / sigmoid)', () => {
    const z = tensor([[30, -5, 2], [-40, 10, 0]], { dtype: 'float64' });
    const oneHot = tensor([[0, 1, 0], [1, 0, 0]], { dtype: 'float64' });
    assertGradcheck('cce(softmax(z))', (t) => new losses.CategoricalCrossentropy().apply(oneHot, softmax(t)), [z], { eps: 1e-6 });
    assertGradcheck('scce(softmax(z))', (t) => new losses.SparseCategoricalCrossentropy().apply(tensor([1, 0], { dtype: 'float64' }), softmax(t)), [z]);
    const zb = tensor([[25, -30], [0.5, -21]], { dtype: 'float64' });
    assertGradcheck('bce(sigmoid(z))', (t) => new losses.BinaryCrossentropy().apply(tensor([[0, 1], [1, 1]], { dtype: 'float64' }), sigmoid(t)), [zb]);
    // And the value is the from-logits one: −log softmax(z)_1 = lse(z) − z_1 for the first row (30 − (−5) ≈ 35).
    const v = new losses.CategoricalCrossentropy({ reduction: 'none' }).apply(oneHot, softmax(z));
    const lse = 30 + Math.log(1 + Math.exp(-35) + Math.exp(-28));
    expectClose(v.toFlatArray().slice(0, 1), [lse + 5], 1e-12, 0, 'row 0');
  });

  it(`train_on_batch: Dense(3, softmax) + sparse CCE + SGD(${fx.train.learning_rate}), ${fx.train.steps.length} steps (graph mode in TF)`, () => {
    lt.keras.clearSession();
    const model = new Sequential([new lt.keras.layers.Dense({ units: 3, activation: 'softmax' })]);
    model.predict(tensor(fx.train.x));
    model.setWeights([tensor(fx.train.kernel), tensor(fx.train.bias)]);
    model.compile({ optimizer: new optimizers.SGD({ learningRate: fx.train.learning_rate }), loss: 'sparse_categorical_crossentropy' });
    fx.train.steps.forEach((s, k) => {
      const l = model.trainOnBatch(tensor(fx.train.x), tensor(fx.train.y));
      expectClose([l], [s.loss], 5e-6, 1e-6, `step ${k} loss`);
      model.weights.forEach((w, i) => expectClose(w.toFlatArray(), flat(s.weights[i]), 2e-6, 1e-5, `step ${k} weight ${i}`));
    });
  });
});
