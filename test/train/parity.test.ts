// Training parity with REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_training.py):
//  * every loss object's value and gradient on fixed inputs (including ε-clipped probabilities and ±100 logits);
//  * short training runs: same initial weights, same batches, same optimizer → the loss of every step and
//    every weight after every step must match TF's.
// Tolerances: losses 1e-6 relative (float32 arithmetic in a different order); weights after a few steps
// 2e-6 absolute + 1e-5 relative (float32 LSTM forward/backward summation order differs from TF's).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { tensor, type NestedArray } from '../../src/index.js';
import * as lt from '../../src/index.js';
import * as losses from '../../src/train/losses/index.js';
import * as optimizers from '../../src/train/optimizers/index.js';
import { Sequential } from '../../src/train/sequential.js';
import { expectClose, flat } from './helpers.js';

interface LossCase { name: string; loss: string; options: Record<string, unknown>; y_true: NestedArray; y_pred: NestedArray; value: NestedArray; grad: NestedArray }
interface Run {
  name: string;
  describe: { optimizer: string; args: Record<string, unknown>; loss: string };
  weight_names: string[];
  weight_shapes: number[][];
  initial_weights: NestedArray[];
  batches: { x: NestedArray; y: NestedArray }[];
  steps: { loss: number; weights: NestedArray[] }[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/training.json', import.meta.url), 'utf8')) as { losses: LossCase[]; runs: Run[] };

describe('train parity vs TF 2.21: losses (value and d loss / d y_pred)', () => {
  for (const c of fx.losses) {
    it(c.name, () => {
      const Cls = (losses as unknown as Record<string, new (a: object) => losses.Loss>)[c.loss];
      const loss = new Cls(c.options);
      const yp = tensor(c.y_pred, { requiresGrad: true });
      const v = loss.apply(tensor(c.y_true), yp);
      expectClose(v.toFlatArray(), flat(c.value), 1e-6, 1e-6, `${c.name} value`);
      if (v.size === 1) v.backward();
      else v.backward(tensor(flat(v.toArray()).map(() => 1), { shape: [...v.shape] }));
      expectClose(yp.grad!.toFlatArray(), flat(c.grad), 1e-7, 1e-5, `${c.name} grad`);
    });
  }
});

function buildModel(run: Run): Sequential {
  lt.keras.clearSession();
  const L = lt.keras.layers;
  if (run.name === 'masked_scce') {
    return new Sequential([
      new L.Embedding({ inputDim: 7, outputDim: 3, maskZero: true }),
      new L.LSTM({ units: 4 }),
      new L.Dense({ units: 3, activation: 'softmax' }),
    ]);
  }
  if (run.name === 'regularized') {
    return new Sequential([
      new L.LSTM({ units: 4, kernelRegularizer: new lt.keras.regularizers.L2(0.01) }),
      new L.Dense({ units: 1, kernelConstraint: 'non_neg' }),
    ]);
  }
  return new Sequential([new L.LSTM({ units: 4 }), new L.Dense({ units: 1 })]);
}

describe('train parity vs TF 2.21: train_on_batch runs (weights after every step)', () => {
  for (const run of fx.runs) {
    it(`${run.name}: ${run.describe.optimizer} ${JSON.stringify(run.describe.args)}, ${run.describe.loss}, ${run.steps.length} steps`, () => {
      const model = buildModel(run);
      // Build with the first batch's shape, then load TF's initial weights (Keras order).
      model.predict(tensor(run.batches[0].x));
      expect(model.weights.map((w) => [...w.shape])).to.deep.equal(run.weight_shapes);
      model.setWeights(run.initial_weights.map((w) => tensor(w)));
      const Opt = (optimizers as unknown as Record<string, new (a: object) => optimizers.Optimizer>)[run.describe.optimizer];
      model.compile({ optimizer: new Opt(run.describe.args), loss: run.describe.loss });
      run.steps.forEach((step, k) => {
        const b = run.batches[k];
        const l = model.trainOnBatch(tensor(b.x), tensor(b.y));
        expectClose([l], [step.loss], 1e-6, 1e-5, `step ${k} loss`);
        model.weights.forEach((w, i) => {
          expectClose(w.toFlatArray(), flat(step.weights[i]), 2e-6, 1e-5, `step ${k} ${run.weight_names[i]}`);
        });
      });
    });
  }
});

describe('train parity vs TF 2.21: model.fit aggregation', () => {
  it('fit(batch 4, 2 epochs, no shuffle, validationSplit 0.25, mae) on 13 samples: history and final weights equal Keras', () => {
    const f = (fx as unknown as { fit: { x: NestedArray; y: NestedArray; initial_weights: NestedArray[]; history: Record<string, number[]>; final_weights: NestedArray[];
      optimizer: Record<string, number>; args: Record<string, unknown> } }).fit;
    lt.keras.clearSession();
    const L = lt.keras.layers;
    const model = new Sequential([new L.LSTM({ units: 4 }), new L.Dense({ units: 1 })]);
    model.predict(tensor(f.x));
    model.setWeights(f.initial_weights.map((w) => tensor(w)));
    model.compile({ optimizer: new optimizers.SGD(f.optimizer), loss: 'mse', metrics: ['mae'] });
    const h = model.fit(tensor(f.x), tensor(f.y), { ...f.args, verbose: 0 });
    expect(Object.keys(h.history).sort()).to.deep.equal(Object.keys(f.history).sort());
    for (const k of Object.keys(f.history)) expectClose(h.history[k], f.history[k], 1e-6, 1e-5, `history.${k}`);
    model.weights.forEach((w, i) => expectClose(w.toFlatArray(), flat(f.final_weights[i]), 2e-6, 1e-5, `final ${w.name}`));
  });
});

describe('train parity vs TF 2.21: fit with sample_weight / class_weight', () => {
  type W = { initial_weights: NestedArray[]; history: Record<string, number[]>; final_weights: NestedArray[] };
  const f = (fx as unknown as { fit: { x: NestedArray; y: NestedArray; sample_weight: W & { sample_weight: number[] }; class_weight: W & { y: NestedArray; class_weight: Record<string, number> } } }).fit;
  const check = (model: Sequential, h: { history: Record<string, number[]> }, want: W): void => {
    expect(Object.keys(h.history).sort()).to.deep.equal(Object.keys(want.history).sort());
    for (const k of Object.keys(want.history)) expectClose(h.history[k], want.history[k], 1e-6, 1e-5, `history.${k}`);
    model.weights.forEach((w, i) => expectClose(w.toFlatArray(), flat(want.final_weights[i]), 2e-6, 1e-5, `final ${w.name}`));
  };

  it('sampleWeight: weighted loss (Σ w·l / count), split with validationSplit like x and y; metrics unweighted', () => {
    lt.keras.clearSession();
    const L = lt.keras.layers;
    const model = new Sequential([new L.LSTM({ units: 4 }), new L.Dense({ units: 1 })]);
    model.predict(tensor(f.x));
    model.setWeights(f.sample_weight.initial_weights.map((w) => tensor(w)));
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['mae'] });
    const h = model.fit(tensor(f.x), tensor(f.y), { sampleWeight: tensor(f.sample_weight.sample_weight), batchSize: 4, epochs: 2, shuffle: false, validationSplit: 0.25, verbose: 0 });
    check(model, h, f.sample_weight);
  });

  it('classWeight {0: 0.3, 1: 2}: binary cross-entropy on a sigmoid output, accuracy unweighted', () => {
    lt.keras.clearSession();
    const L = lt.keras.layers;
    const model = new Sequential([new L.LSTM({ units: 4 }), new L.Dense({ units: 1, activation: 'sigmoid' })]);
    model.predict(tensor(f.x));
    model.setWeights(f.class_weight.initial_weights.map((w) => tensor(w)));
    model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.5 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const cw = Object.fromEntries(Object.entries(f.class_weight.class_weight).map(([k, v]) => [Number(k), v]));
    const h = model.fit(tensor(f.x), tensor(f.class_weight.y), { classWeight: cw, batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
    check(model, h, f.class_weight);
  });
});
