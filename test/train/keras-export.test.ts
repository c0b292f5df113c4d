// saveKerasModel: `.keras` archives written by lstm-ts and loaded by REAL TF 2.21 / Keras 3.15.
// test/fixtures/make_lstm_ts_exports.ts wrote test/fixtures/lstm_ts_export/*.keras; check_lstm_ts_export.py
// loaded each with keras.saving.load_model and stored TF's predictions (and the layer classes, optimizer and
// warnings) in lstm_ts_export.json. Here: (1) what TF predicted with our archives equals what lstm-ts predicts
// with them; (2) today's exporter still writes the same config and the same weight-file layout as the archives
// TF accepted; (3) errors.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { expectClose, flat } from './helpers.js';
import { zipEntries, zipRead } from '../../src/train/zip.js';
import { withH5Bytes, openH5, type H5Node } from '../../src/train/h5.js';
import { exportModels } from '../fixtures/make_lstm_ts_exports.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(join(fixtures, 'lstm_ts_export.json'), 'utf8'));

function member(file: string, name: string): Uint8Array {
  const b = new Uint8Array(readFileSync(file));
  return zipRead(b, zipEntries(b, file).find((e) => e.name === name)!, file);
}

/** Every group and dataset of an HDF5 file: 'path' or 'path [shape]'. */
async function h5Layout(bytes: Uint8Array): Promise<string[]> {
  return withH5Bytes('test', bytes, 'w.h5', async (path) => {
    const f = await openH5(path, 'r');
    try {
      const out: string[] = [];
      const walk = (node: H5Node, p: string): void => {
        out.push(node.type === 'Dataset' ? `${p} [${(node.shape ?? []).join(', ')}]` : p);
        if (node.type === 'Group') for (const k of node.keys!()) walk(node.get!(k)!, p === '/' ? `/${k}` : `${p}/${k}`);
      };
      walk(f, '/');
      return out.sort();
    } finally {
      f.close();
    }
  });
}

describe('train: saveKerasModel (archives that real TF 2.21 loads)', () => {
  // float32 through up to 5 recurrent layers in both libraries: a few ulps of TF's tanh/sigmoid per step.
  const ATOL = 2e-6;

  for (const c of fx.cases) {
    it(`${c.name}: TF loaded lstm-ts's archive (${c.tf.layers.join(', ')}) and predicts what lstm-ts predicts with it`, async () => {
      expect(c.tf.layers.length).to.be.above(0);
      const model = await lt.keras.loadKerasModel(join(fixtures, 'lstm_ts_export', c.file));
      const x = lt.tensor(c.x);
      expectClose((model.predict(x, { batchSize: 16 }) as lt.Tensor).data, flat(c.tf.pred), ATOL, 0, 'first predict');
      expectClose((model.predict(x, { batchSize: 16 }) as lt.Tensor).data, flat(c.tf.pred_again), ATOL, 0, 'second predict (stateful models continue)');
      // compiled archives come back compiled in TF; the only warning is the optimizer state we do not write
      if (c.name !== 'stateful') expect(c.tf.optimizer).to.be.a('string');
      for (const w of c.tf.warnings) expect(w).to.match(/^Skipping variable loading for optimizer/);
    });
  }

  it('today\'s exporter writes the config and weight layout that TF accepted (models rebuilt from their seeds)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-export-'));
    try {
      for (const { name, model } of exportModels()) {
        const file = join(dir, `${name}.keras`);
        await lt.keras.saveKerasModel(model, file);
        const committed = join(fixtures, 'lstm_ts_export', `${name}.keras`);
        const cfg = (f: string): unknown => JSON.parse(new TextDecoder().decode(member(f, 'config.json')));
        expect(cfg(file), `${name}: config.json`).to.deep.equal(cfg(committed));
        expect(await h5Layout(member(file, 'model.weights.h5')), `${name}: weights layout`).to.deep.equal(await h5Layout(member(committed, 'model.weights.h5')));
        const meta = JSON.parse(new TextDecoder().decode(member(file, 'metadata.json')));
        expect(meta.keras_version).to.equal(lt.keras.KERAS_FORMAT_VERSION);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('errors: a name not ending in .keras, a model never called, an unwritable path', async () => {
    const m = new lt.keras.Sequential([new lt.keras.layers.Dense({ units: 1 })]);
    const reject = async (p: Promise<unknown>, re: RegExp): Promise<void> => {
      let err: unknown = null;
      await p.catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(lt.LstmTsError);
      expect((err as Error).message).to.match(re);
    };
    await reject(lt.keras.saveKerasModel(m, '/tmp/x.h5'), /must end in \.keras/);
    await reject(lt.keras.saveKerasModel(m, '/tmp/x.keras'), /has no input shape yet/);
    m.predict(lt.zeros([1, 2]));
    await reject(lt.keras.saveKerasModel(m, '/nonexistent-dir/x.keras'), /cannot write \/nonexistent-dir\/x\.keras/);
  });

  it('writes Python floats where Keras checks isinstance(x, float): SGD momentum 0 → 0.0, learning rate 1 → 1.0', async () => {
    // Keras 3 SGD: "`momentum` must be a float between [0, 1]" for the int 0; base optimizer: "Argument
    // `learning_rate` should be float" (the reverse Functional zoo's SGD models failed to load in TF before).
    const m = new lt.keras.Sequential([new lt.keras.layers.Dense({ units: 1, inputShape: [2] })]);
    m.compile({ optimizer: new lt.keras.optimizers.SGD({ learningRate: 1 }), loss: 'mse' });
    const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-pyfloat-'));
    try {
      const file = join(dir, 'm.keras');
      await lt.keras.saveKerasModel(m, file);
      const text = new TextDecoder().decode(member(file, 'config.json'));
      expect(text).to.include('"learning_rate":1.0,');
      expect(text).to.include('"momentum":0.0,');
      expect(text).to.include('"units":1,');  // integers stay integers
      expect(JSON.parse(text).compile_config.optimizer.config.momentum).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
