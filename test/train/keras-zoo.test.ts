// A zoo of 24 randomly built Keras models, saved by real TF 2.21 / Keras 3.15 (test/fixtures/generate_keras_zoo.py
// → test/fixtures/keras_zoo/*.keras + keras_zoo.json): LSTM / SimpleRNN / RNN(cell) / RNN([cells]) /
// Bidirectional stacks with random options, fed through Masking or Embedding(mask_zero), with TimeDistributed(Dense)
// and a final Dense. Each is loaded with loadKerasModel and must give TF's predictions, and after one
// train_on_batch step with the archive's own compile_config (SGD(0.05) + mse) TF's loss and every weight.
// Four fixed variants (dropout, unroll, stateful) are checked through two consecutive predicts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { expectClose, flat, checkPredictAndStep } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(join(fixtures, 'keras_zoo.json'), 'utf8'));

// float32 through up to 3 stacked recurrent layers: TF's Eigen tanh/sigmoid/exp differ from ours by a few ulps
// per step (docs/parity.md) and the differences compound through the stack, so 1e-5 absolute + 1e-4 relative.
const ATOL = 1e-5;
const RTOL = 1e-4;

describe('train: a zoo of random Keras models (.keras from TF 2.21) loads to the same predictions and SGD step', () => {
  it('has 24 models covering every recurrent layer kind and both input kinds', () => {
    const all = fx.cases.map((c: { description: string }) => c.description).join(' ');
    for (const k of ['LSTM', 'SimpleRNN', 'RNN(LSTMCell)', 'RNN(SimpleRNNCell)', 'RNN([', 'Bidirectional(LSTM', 'Bidirectional(SimpleRNN', 'TimeDistributed(Dense)', 'Masking', 'Embedding(mask_zero=True)', 'Embedding(mask_zero=False)']) {
      expect(all, k).to.include(k);
    }
    expect(fx.cases.length).to.equal(24);
  });

  for (const c of fx.cases) {
    it(`${c.name}: ${c.description}`, async () => {
      const model = await lt.keras.loadKerasModel(join(fixtures, 'keras_zoo', c.file));
      const x = c.int_input ? lt.tensor(c.x, { dtype: 'float32' }) : lt.tensor(c.x);
      checkPredictAndStep(model, x, c, ATOL, RTOL);
    });
  }

  for (const c of fx.predict_only) {
    it(`${c.name} (predict twice): ${c.description}`, async () => {
      const model = await lt.keras.loadKerasModel(join(fixtures, 'keras_zoo', c.file));
      const x = lt.tensor(c.x);
      expectClose((model.predict(x, { batchSize: 3 }) as lt.Tensor).data, flat(c.y_pred), ATOL, RTOL, 'first predict');
      expectClose((model.predict(x, { batchSize: 3 }) as lt.Tensor).data, flat(c.y_pred_again), ATOL, RTOL, 'second predict');
    });
  }
});
