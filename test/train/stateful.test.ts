// Stateful recurrent models trained step by step vs REAL TensorFlow 2.21 / Keras 3.15
// (test/fixtures/generate_stateful.py): the states carry over from one train_on_batch to the next, and are
// zeroed after step 2. Every path a stateful layer can take is here: the generic cell loop (SimpleRNN, an
// unrolled LSTM, a relu LSTM), the fused LSTM kernel, stacked cells and a Bidirectional wrapper. A wrong weight
// gradient (the bug this guards against: the stored state's buffer was overwritten before backward read it)
// shows up in the weights after the first step.
// Tolerances: loss 1e-6 relative; weights and states 2e-6 absolute + 1e-5 relative after up to 5 SGD-momentum
// steps (float32 arithmetic in another summation order than TF's).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';
import { sequentialFromConfig, buildFromInputShape } from '../../src/train/saving.js';
import { SGD } from '../../src/train/optimizers/index.js';
import type { Sequential } from '../../src/train/sequential.js';
import { RNN } from '../../src/keras/layers/recurrent/rnn.js';
import { Bidirectional } from '../../src/keras/layers/recurrent/bidirectional.js';
import { expectClose, flat } from './helpers.js';

interface Run {
  name: string;
  config: Record<string, unknown>;
  reset_after: number;
  weight_names: string[];
  initial_weights: lt.NestedArray[];
  batches: { x: lt.NestedArray; y: lt.NestedArray }[];
  steps: { loss: number; weights: lt.NestedArray[]; states: lt.NestedArray[] }[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/stateful.json', import.meta.url), 'utf8')) as { runs: Run[] };

function statefulLayers(model: Sequential): RNN[] {
  return model.layers.flatMap((l) => (l instanceof Bidirectional ? [l.forwardLayer, l.backwardLayer] : l instanceof RNN ? [l] : []))
    .filter((l) => l.stateful);
}

describe('train: stateful models step by step vs TF 2.21 (states carried across train_on_batch, reset after step 2)', () => {
  for (const run of fx.runs) {
    it(`${run.name}: loss, every weight and every stored state after each of ${run.steps.length} SGD steps`, () => {
      lt.keras.clearSession();
      const model = sequentialFromConfig(run.config.config as Record<string, unknown>);
      buildFromInputShape(model);
      model.setWeights(run.initial_weights.map((w) => lt.tensor(w)));
      model.compile({ optimizer: new SGD({ learningRate: 0.1, momentum: 0.9 }), loss: 'mse' });
      const layers = statefulLayers(model);
      expect(layers.length).to.be.greaterThan(0);
      run.steps.forEach((step, k) => {
        if (k === run.reset_after) layers.forEach((l) => l.resetStates());
        const b = run.batches[k];
        const loss = model.trainOnBatch(lt.tensor(b.x), lt.tensor(b.y));
        expectClose([loss], [step.loss], 0, 1e-6, `step ${k} loss`);
        model.getWeights().forEach((w, i) => expectClose(w.toFlatArray(), flat(step.weights[i]), 2e-6, 1e-5, `step ${k} ${run.weight_names[i]}`));
        const states = layers.flatMap((l) => l.states ?? []);
        expect(states.length).to.equal(step.states.length);
        states.forEach((s, i) => expectClose(s.toFlatArray(), flat(step.states[i]), 2e-6, 1e-5, `step ${k} state ${i}`));
      });
    });
  }
});
