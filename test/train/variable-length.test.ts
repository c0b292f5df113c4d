// Sequential models with an unknown time axis (keras.Input((None, F))), saved by REAL TF 2.21 / Keras 3.15
// (test/fixtures/generate_variable_length.py): they used to fail to load ("cannot build from input shape
// [null, null, 3]"). Each must load and predict TF's outputs at every recorded length, and its config must keep
// the unknown length. Tolerance 1e-5 absolute + 1e-4 relative, as the model zoo.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';
import { expectClose, flat } from './helpers.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fx = JSON.parse(readFileSync(join(fixtures, 'variable_length.json'), 'utf8')) as {
  cases: { name: string; file: string; runs: { x: lt.NestedArray; y: lt.NestedArray }[] }[] };

describe('train: Sequential models with a variable sequence length (.keras from TF 2.21)', () => {
  for (const c of fx.cases) {
    it(`${c.name}: loads and predicts TF's outputs at lengths ${c.runs.map((r) => (r.x as unknown[][])[0].length).join(', ')}; the config keeps the unknown length`, async () => {
      lt.keras.clearSession();
      const model = await lt.keras.loadKerasModel(join(fixtures, 'variable_length', c.file)) as lt.keras.Sequential;
      for (const r of c.runs) expectClose(model.predict(lt.tensor(r.x)).data, flat(r.y), 1e-5, 1e-4, `length ${(r.x as unknown[][])[0].length}`);
      expect(model.inputShape).to.deep.equal([null, null, (c.runs[0].x as number[][][])[0][0].length]);
      const layers = (model.getConfig().layers as { class_name: string; build_config?: { input_shape: (number | null)[] } }[]).filter((l) => l.class_name !== 'InputLayer');
      for (const l of layers.filter((k) => k.build_config!.input_shape.length === 3)) expect(l.build_config!.input_shape[1], `${l.class_name} build_config time axis`).to.equal(null);
    });
  }
});
