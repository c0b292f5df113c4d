// Sequential models with the reshaping layers and Activation around recurrent layers, saved by REAL TF 2.21 /
// Keras 3.15 as .keras archives (test/fixtures/generate_shape_layer_models.py): the LSTM autoencoder
// (LSTM → RepeatVector → LSTM(return_sequences) → Permute → Flatten → Activation → Reshape → Dense) and an
// Embedding → SimpleRNN → Flatten → Activation → Dense classifier. Each must load, predict TF's outputs and,
// after one train_on_batch (SGD(0.05), mse, from the archive's compile_config), give TF's loss and weights.
// Tolerance 1e-5 absolute + 1e-4 relative, as the model zoo (float32 through stacked recurrent layers).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';
import { checkPredictAndStep } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fx = JSON.parse(readFileSync(join(fixtures, 'shape_layer_models.json'), 'utf8')) as {
  cases: { name: string; file: string; int_input: boolean; x: lt.NestedArray; y_true: lt.NestedArray; y_pred: lt.NestedArray; train_loss: number; weights_after: lt.NestedArray[] }[] };
const ATOL = 1e-5;
const RTOL = 1e-4;

describe('train: Sequential models with RepeatVector / Permute / Flatten / Reshape / Activation (.keras from TF 2.21)', () => {
  for (const c of fx.cases) {
    it(`${c.name}: loads, predicts TF's outputs, one SGD step gives TF's loss and weights`, async () => {
      lt.keras.clearSession();
      const model = await lt.keras.loadKerasModel(join(fixtures, 'shape_layer_models', c.file));
      checkPredictAndStep(model, lt.tensor(c.x), c, ATOL, RTOL);
    });
  }
});
