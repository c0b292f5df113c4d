// fit's classWeight → sample weights, as Keras 3.15's class_weight_to_sample_weights
// (keras/src/trainers/data_adapters/data_adapter_utils.py): np.round (halves to even) for [N] / [N, 1] labels,
// argmax for [N, C] rows, 1 for a class missing from the dict, and labels of rank ≥ 3 refused. The expected
// weights below were printed by that function in TF 2.21 / Keras 3.15; the refusals are the ones the masked
// training zoo's generator recorded from Keras's fit (masked_training_zoo.json, "keras_refuses").

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { classWeightsToSampleWeights } from '../../src/train/sequential.js';
import { expectClose } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const zoo: any = JSON.parse(readFileSync(join(fixtures, 'masked_training_zoo.json'), 'utf8'));

const CW = { 0: 0.5, 1: 2, 2: 3, 3: 4 };

describe('train: classWeight as Keras class_weight_to_sample_weights', () => {
  it('rounds labels half to even like np.round (0.5 → class 0, 1.5 and 2.5 → class 2), unknown classes weigh 1', () => {
    // Keras: class_weight_to_sample_weights([0.5, 1.5, 2.5, 0.49, 1.0, 3.5], cw) = [0.5, 3, 3, 0.5, 2, 1]
    const w = classWeightsToSampleWeights(lt.tensor([0.5, 1.5, 2.5, 0.49, 1, 3.5]), CW);
    expectClose(w.data, [0.5, 3, 3, 0.5, 2, 1], 0, 0, 'weights of [N] labels');
    expectClose(classWeightsToSampleWeights(lt.tensor([[0.5], [1.5], [2.5]]), CW).data, [0.5, 3, 3], 0, 0, 'weights of [N, 1] labels');
  });

  it('takes the argmax of [N, C] rows', () => {
    const w = classWeightsToSampleWeights(lt.tensor([[0, 1, 0], [1, 0, 0], [0.2, 0.2, 0.6]]), CW);
    expectClose(w.data, [2, 0.5, 3], 0, 0, 'weights of one-hot rows');
  });

  it('refuses per-time-step labels of rank 3 ([N, T, 1] ids, one-hot [N, T, C]) as Keras fit does', () => {
    const refused = zoo.keras_refuses.filter((r: { option: string; labels: string }) => r.option.startsWith('class_weight') && r.labels.includes(', T, '));
    expect(refused.map((r: { labels: string }) => r.labels)).to.deep.equal(['ids [N, T, 1]', 'one-hot [N, T, k]']);
    for (const r of refused) expect(r.error, r.labels).to.match(/^TypeError: only 0-dimensional arrays/);

    const model = new lt.keras.Sequential([
      new lt.keras.layers.Masking({ maskValue: 0 }),
      new lt.keras.layers.LSTM({ units: 2, returnSequences: true }),
      new lt.keras.layers.Dense({ units: 3, activation: 'softmax' }),
    ]);
    const x = lt.tensor(Array.from({ length: 4 }, (_, i) => [[i + 1, 1], [1, -i], [0, 0]]));
    for (const [loss, y] of [
      ['sparse_categorical_crossentropy', lt.tensor([[[0], [1], [2]], [[1], [1], [0]], [[2], [0], [0]], [[0], [0], [1]]])],
      ['categorical_crossentropy', lt.tensor([[[1, 0, 0], [0, 1, 0], [0, 0, 1]], [[0, 1, 0], [0, 1, 0], [1, 0, 0]],
        [[0, 0, 1], [1, 0, 0], [1, 0, 0]], [[1, 0, 0], [1, 0, 0], [0, 1, 0]]])],
    ] as const) {
      model.compile({ optimizer: 'sgd', loss });
      expect(() => model.fit(x, y, { classWeight: { 0: 1, 1: 2, 2: 0.5 }, batchSize: 4, verbose: 0 }), loss)
        .to.throw(/classWeight needs labels of shape \[N\], \[N, 1\] or one-hot \[N, C\].*got y \[4, 3, /);
    }
  });
});
