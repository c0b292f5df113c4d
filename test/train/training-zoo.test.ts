// 20 small recurrent models with random compile settings, trained by real TF 2.21 / Keras 3.15
// (test/fixtures/generate_training_zoo.py → test/fixtures/training_zoo/*.keras + training_zoo.json): SGD / Adam /
// AdamW / RMSprop with their options, clipnorm / clipvalue / global_clipnorm, weight_decay, learning-rate
// schedules, and five losses. Each archive (saved before training) is loaded with loadKerasModel, which restores
// the compile config, and trained with fit(batchSize 4, epochs 2, shuffle false): 4 update steps, as in TF.
// The per-epoch losses and every weight afterwards must equal TF's.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { expectClose, flat } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(join(fixtures, 'training_zoo.json'), 'utf8'));

// Four float32 training steps: forward/backward differences of a few ulps (TF's Eigen tanh/sigmoid/exp,
// docs/parity.md) pass through the optimizers; Adam/RMSprop divide by sqrt(v) + ε, which magnifies them where
// v is tiny. 1e-5 absolute + 1e-4 relative.
const ATOL = 1e-5;
const RTOL = 1e-4;

describe('train: a zoo of models trained by TF 2.21 with random optimizers, schedules, clipping and losses', () => {
  it('covers every optimizer, every schedule, every clip option and every loss', () => {
    const all = fx.cases.map((c: { description: string }) => c.description).join(' ');
    for (const k of ['SGD(', 'Adam(', 'AdamW(', 'RMSprop(', 'ExponentialDecay', 'InverseTimeDecay', 'PiecewiseConstantDecay',
      'PolynomialDecay', 'CosineDecay warmup', 'CosineDecay)', 'clipnorm=', 'clipvalue=', 'global_clipnorm=', 'weight_decay=',
      '; mse;', '; mae;', '; bce;', '; bce_logits;', '; cce;', '; cce_logits;', '; scce;', 'centered=True', 'amsgrad=True', 'nesterov=True']) {
      expect(all, k).to.include(k);
    }
  });

  for (const c of fx.cases) {
    it(`${c.name}: ${c.description}`, async () => {
      const model = await lt.keras.loadKerasModel(join(fixtures, 'training_zoo', c.file));
      const opt = model.optimizer!;
      if (c.schedule_lrs) {
        const lr = opt.learningRate as lt.keras.optimizers.schedules.LearningRateSchedule;
        expect(lr).to.be.instanceOf(lt.keras.optimizers.schedules.LearningRateSchedule);
        // the schedule alone, step by step (float32; TF's pow / cos may differ by an ulp)
        expectClose([0, 1, 2, 3].map((s) => lr.at(s)), c.schedule_lrs, 0, 2 ** -22, 'learning rate per step');
      }
      const h = model.fit(lt.tensor(c.x), lt.tensor(c.y), { batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
      expect(opt.iterations).to.equal(c.iterations);
      expectClose(h.history.loss, c.history_loss, ATOL, RTOL, 'history loss');
      const ws = model.getWeights();
      expect(ws.length).to.equal(c.weights_after.length);
      ws.forEach((w, i) => expectClose(w.data, flat(c.weights_after[i]), ATOL, RTOL, `weight ${i} after training`));
    });
  }
});
