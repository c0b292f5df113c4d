// 20 small MASKED sequence-to-sequence models trained by real TF 2.21 / Keras 3.15 with metrics and validation
// (test/fixtures/generate_masked_training_zoo.py → test/fixtures/masked_training_zoo/*.keras +
// masked_training_zoo.json): Masking (padded / holed / left-masked / fully masked rows) or Embedding(mask_zero)
// inputs, LSTM / SimpleRNN / Bidirectional(LSTM) / RNN([cells]) with return_sequences, then Dense or
// TimeDistributed(Dense), so the output carries the mask and Keras masks the loss and the metrics per time
// step; mse / mae / binary / categorical / sparse categorical ([N, T] and [N, T, 1] labels) cross-entropy;
// metrics accuracy / mae / mse; sample weights; validation_split 0.25; Adam or SGD(momentum). Each archive (saved before
// training) is loaded with loadKerasModel, which restores the compile config, and trained with
// fit(batchSize 4, epochs 2, shuffle false). Every key of TF's history.history (names and per-epoch values) and
// every weight afterwards must equal TF's.
//
// Sample weights: Keras 3.15 refuses [N] sample weights on a masked per-time-step output (apply_mask multiplies
// the [B] weights into the [B, T] mask with right-aligned broadcasting: "Dimensions must be equal" unless
// B == T, and then it weights time steps). TF therefore trained with sample_weight [N, 1] (one weight per
// sample, broadcast over time and combined with the mask), and so does lstm-ts here (its fit takes [N], [N, 1]
// and [N, T]; [N] spreads each sample's weight over its time steps, the same numbers). class_weight is not in this
// zoo: Keras refuses it on per-time-step labels (the generator records the errors under "keras_refuses").

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import type { FitArgs } from '../../src/train/sequential.js';
import { expectClose, flat } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(join(fixtures, 'masked_training_zoo.json'), 'utf8'));

// As the training zoo: up to 6 float32 update steps through up to 3 stacked recurrent layers; TF's Eigen
// tanh/sigmoid/exp differ from ours by a few ulps (docs/parity.md), and Adam's division by sqrt(v) + ε
// magnifies that where v is tiny. 1e-5 absolute + 1e-4 relative.
const ATOL = 1e-5;
const RTOL = 1e-4;

describe('train: a zoo of masked sequence models trained by TF 2.21 with metrics, sample weights and validation_split', () => {
  it('covers both mask sources, every recurrent kind, both heads, every loss, every metric, sample weights, validation and both optimizers', () => {
    const all = fx.cases.map((c: { description: string }) => c.description).join(' | ');
    for (const k of ['Masking rows all', 'hole', 'left', 'mask_zero) lengths [', ', 0,', '-> LSTM seq', '-> SimpleRNN seq',
      'Bidirectional(LSTM, concat)', 'Bidirectional(LSTM, sum)', 'RNN([', 'TimeDistributed(Dense', '-> Dense(',
      '; mse on', '; mae on', '; bce on', '; cce on', '; scce on ids [N, T];', '; scce on ids [N, T, 1];',
      "'accuracy'", "'mae'", "'mse'", 'validation_split=0.25', 'sample_weight [N, 1]; validation_split', 'Adam(', 'SGD(', 'N=8', 'N=12']) {
      expect(all, k).to.include(k);
    }
    expect(fx.cases.length).to.equal(20);
    const keys = new Set(fx.cases.flatMap((c: { history: Record<string, number[]> }) => Object.keys(c.history)));
    for (const k of ['loss', 'accuracy', 'mae', 'mse', 'val_loss', 'val_accuracy', 'val_mae', 'val_mse']) expect([...keys], k).to.include(k);
  });

  for (const c of fx.cases) {
    it(`${c.name}: ${c.description}`, async () => {
      const model = await lt.keras.loadKerasModel(join(fixtures, 'masked_training_zoo', c.file));
      const x = lt.tensor(c.x, { dtype: 'float32' });
      const args: FitArgs = { batchSize: c.fit.batch_size, epochs: c.fit.epochs, shuffle: c.fit.shuffle, verbose: 0 };
      if (c.fit.validation_split !== null) args.validationSplit = c.fit.validation_split;
      if (c.fit.sample_weight !== null) args.sampleWeight = lt.tensor((c.fit.sample_weight as number[]).map((v) => [v])); // [N, 1], as TF got them
      const h = model.fit(x, lt.tensor(c.y), args);
      expect(model.optimizer!.iterations).to.equal(c.iterations);
      expect(Object.keys(h.history).sort(), 'history keys').to.deep.equal(Object.keys(c.history).sort());
      for (const [key, values] of Object.entries(c.history as Record<string, number[]>)) {
        expectClose(h.history[key], values, ATOL, RTOL, `history ${key}`);
      }
      const ws = model.getWeights();
      expect(ws.length).to.equal(c.weights_after.length);
      ws.forEach((w, i) => expectClose(w.data, flat(c.weights_after[i]), ATOL, RTOL, `weight ${i} after training`));
    });
  }
});
