// loadKerasModel: whole `.keras` archives saved by real TF 2.21 / Keras 3.15 (test/fixtures/generate_keras_archive.py
// → test/fixtures/keras_archive/*.keras + keras_archive.json with TF's predictions and evaluate()). Also the ZIP
// reader on its own (CRC-32 check value, corrupt and truncated archives) and Keras's weight-group naming.

import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { expectClose, flat } from './helpers.js';
import { kerasSaveName } from '../../src/train/keras-import.js';
import { crc32, zipEntries } from '../../src/train/zip.js';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(join(fixtures, 'keras_archive.json'), 'utf8'));
const file = (name: string): string => join(fixtures, 'keras_archive', name);
/** Offset of the central-directory entry of `name` (signature 0x02014b50). */
function findCentralEntry(b: Uint8Array, name: string): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const enc = new TextEncoder().encode(name);
  for (let p = 0; p + 46 <= b.length; p++) {
    if (dv.getUint32(p, true) === 0x02014b50 && dv.getUint16(p + 28, true) === enc.length && enc.every((ch, k) => b[p + 46 + k] === ch)) return p;
  }
  throw new Error(`no central entry for ${name}`);
}

async function expectReject(p: Promise<unknown>, re: RegExp): Promise<void> {
  let err: unknown = null;
  await p.catch((e: unknown) => (err = e));
  expect(err, 'expected a rejection').to.be.instanceOf(lt.LstmTsError);
  expect(String((err as Error).message)).to.match(re);
}

describe('train: loadKerasModel (.keras archives written by Keras 3.15)', () => {
  // float32 forward through LSTMs: TF's Eigen tanh/sigmoid differ from ours by a few ulps (docs/parity.md);
  // the same tolerance as the .weights.h5 import test.
  const ATOL = 2e-6;
  const RTOL = 1e-5;

  it('Masking → LSTM → Bidirectional(LSTM) → Dense → Dense: layers, weights by Keras group (not by name), predictions, compile', async () => {
    const c = fx.masking_lstm;
    expect(c.members).to.deep.equal([['metadata.json', 0], ['config.json', 0], ['model.weights.h5', 0]]); // Keras stores
    // the weights file keys layers by class, so 'hidden' is stored as 'dense' and the layer named 'dense' as 'dense_1'
    expect(c.layers).to.deep.equal(['masking', 'encoder', 'bidirectional', 'hidden', 'dense']);
    expect(c.h5_groups).to.have.members(['masking', 'lstm', 'bidirectional', 'dense', 'dense_1']);
    const model = await lt.keras.loadKerasModel(file(c.file));
    expect(model.layers.map((l) => l.name)).to.deep.equal(c.layers);
    const x = lt.tensor(c.x);
    expectClose((model.predict(x) as lt.Tensor).data, flat(c.y), ATOL, RTOL, 'predictions');
    // compile_config restored: Adam(2e-3), sparse categorical cross-entropy, accuracy → Keras's evaluate()
    expect(model.optimizer).to.be.instanceOf(lt.keras.optimizers.Adam);
    expect(model.optimizer!.learningRate).to.be.closeTo(2e-3, 1e-9);
    const logs = model.evaluate(x, lt.tensor(c.labels), { batchSize: 4, verbose: 0 });
    expect(logs.loss).to.be.closeTo(c.evaluate.loss, 1e-5);
    expect(logs.accuracy).to.equal(c.evaluate.accuracy);
  });

  it('reads deflated members (the same archive re-zipped with ZIP_DEFLATED) to the same numbers', async () => {
    const c = fx.masking_lstm;
    expect(c.members_deflated.map((m: [string, number]) => m[1])).to.deep.equal([8, 8, 8]);
    const stored = await lt.keras.loadKerasModel(file(c.file), { compile: false });
    const deflated = await lt.keras.loadKerasModel(file(c.deflated_file), { compile: false });
    const x = lt.tensor(c.x);
    expect(Array.from((deflated.predict(x) as lt.Tensor).data)).to.deep.equal(Array.from((stored.predict(x) as lt.Tensor).data));
    expect(deflated.optimizer).to.equal(null); // compile: false
  });

  it('Embedding(mask_zero, int32 input) → SimpleRNN → TimeDistributed(Dense) → LSTM equals TF, incl. the auto-named lstm_1', async () => {
    const c = fx.embedding_rnn;
    expect(c.layers[3]).to.equal('lstm_1');
    expect(c.h5_groups).to.include('lstm').and.not.include('lstm_1');
    const model = await lt.keras.loadKerasModel(file(c.file));
    expect(model.layers.map((l) => l.name)).to.deep.equal(c.layers);
    expectClose((model.predict(lt.tensor(c.ids)) as lt.Tensor).data, flat(c.y), ATOL, RTOL, 'predictions');
    // compile(metrics=[MeanAbsoluteError(), 'mse']): the metric object is a dict in compile_config
    expect(c.compile_config.metrics[0].class_name).to.equal('MeanAbsoluteError');
    const logs = model.evaluate(lt.tensor(c.ids), lt.tensor(c.targets), { batchSize: 3, verbose: 0 });
    expect(Object.keys(logs).sort()).to.deep.equal(Object.keys(c.evaluate).sort());
    for (const k of Object.keys(c.evaluate)) expect(logs[k], k).to.be.closeTo(c.evaluate[k], 1e-5);
  });

  it('a compile_config metric it cannot compute is an error at load, naming it (and compile: false still loads)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-keras-auc-'));
    try {
      // the same archive with its metric class renamed in config.json (same length keeps the ZIP offsets)
      const b = new Uint8Array(readFileSync(file(fx.embedding_rnn.file)));
      const from = new TextEncoder().encode('"MeanAbsoluteError"');
      const to = new TextEncoder().encode('"MeanAbsoluteErrox"');
      for (let p = 0; p + from.length <= b.length; p++) if (from.every((ch, k) => b[p + k] === ch)) b.set(to, p);
      const path = join(dir, 'auc.keras');
      // the CRC of config.json no longer matches: patch it in both headers from the member's new bytes
      const e = zipEntries(b, 'x').find((m) => m.name === 'config.json')!;
      const start = e.localHeaderOffset + 30 + new DataView(b.buffer).getUint16(e.localHeaderOffset + 26, true) + new DataView(b.buffer).getUint16(e.localHeaderOffset + 28, true);
      const crc = crc32(b.subarray(start, start + e.size));
      new DataView(b.buffer).setUint32(e.localHeaderOffset + 14, crc, true);
      const cdCrcAt = findCentralEntry(b, 'config.json') + 16;
      new DataView(b.buffer).setUint32(cdCrcAt, crc, true);
      writeFileSync(path, b);
      await expectReject(lt.keras.loadKerasModel(path), /unknown Keras metric class 'MeanAbsoluteErrox'/);
      const m = await lt.keras.loadKerasModel(path, { compile: false });
      expect(m.optimizer).to.equal(null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('RNN([SimpleRNNCell, LSTMCell, SimpleRNNCell]): stacked cells load in the model\'s order, not the file names\' order', async () => {
    // the file holds cells/simple_rnn_cell, cells/lstm_cell, cells/simple_rnn_cell_1: alphabetically the LSTM
    // cell would come first and take the first SimpleRNN cell's place
    const c = fx.stacked_order;
    const model = await lt.keras.loadKerasModel(file(c.file));
    expectClose((model.predict(lt.tensor(c.x)) as lt.Tensor).data, flat(c.y), ATOL, RTOL, 'predictions');
  });

  it('a functional model loads as a Functional (Input → Dense(1)), with its layers and a [B, 1] output', async () => {
    const m = await lt.keras.loadKerasModel(file(fx.functional.file));
    expect(m.className).to.equal('Functional');
    expect(m.layers.map((l) => l.className)).to.deep.equal(['InputLayer', 'Dense']);
    expect(m.name).to.equal('functional_dense');
    const inputShape = (m as lt.keras.Functional).inputs[0].shape;
    expect([...(m.apply(lt.zeros([2, ...(inputShape.slice(1) as number[])])) as lt.Tensor).shape]).to.deep.equal([2, 1]);
  });

  describe('broken archives give errors naming the file and the problem', () => {
    let dir = '';
    before(() => { dir = mkdtempSync(join(tmpdir(), 'lstm-ts-keras-test-')); });
    after(() => rmSync(dir, { recursive: true, force: true }));
    const variant = (name: string, edit: (b: Uint8Array) => Uint8Array): string => {
      const p = join(dir, name);
      writeFileSync(p, edit(new Uint8Array(readFileSync(file(fx.masking_lstm.file)))));
      return p;
    };

    it('a missing file, a non-ZIP file, a truncated archive', async () => {
      await expectReject(lt.keras.loadKerasModel(join(dir, 'nope.keras')), /cannot read .*nope\.keras/);
      const txt = join(dir, 'text.keras');
      writeFileSync(txt, 'not a zip at all');
      await expectReject(lt.keras.loadKerasModel(txt), /text\.keras is not a ZIP archive/);
      const cut = variant('cut.keras', (b) => b.slice(0, b.length - 40));
      await expectReject(lt.keras.loadKerasModel(cut), /cut\.keras/);
    });

    it('a flipped byte inside model.weights.h5 fails its CRC-32 check', async () => {
      const bad = variant('crc.keras', (b) => {
        const e = zipEntries(b, 'x').find((m) => m.name === 'model.weights.h5')!;
        const copy = b.slice();
        copy[e.localHeaderOffset + 30 + 'model.weights.h5'.length + 500] ^= 0x40;
        return copy;
      });
      await expectReject(lt.keras.loadKerasModel(bad), /member 'model\.weights\.h5' fails its CRC-32 check/);
    });

    it('an archive without config.json lists the members it has', async () => {
      const renamed = variant('renamed.keras', (b) => {
        const copy = b.slice();
        const name = new TextEncoder().encode('config.json');
        // rename it in the central directory (the authoritative list), after the local headers
        const cd = zipEntries(b, 'x');
        const from = Math.max(...cd.map((m) => m.localHeaderOffset)) + 30;
        for (let p = from; p < copy.length - name.length; p++) {
          if (name.every((ch, k) => copy[p + k] === ch)) copy[p + 1] = 'O'.charCodeAt(0);
        }
        return copy;
      });
      await expectReject(lt.keras.loadKerasModel(renamed), /has no config\.json; its members are: metadata\.json, cOnfig\.json, model\.weights\.h5/);
    });
  });

  it('crc32 gives the standard check value for "123456789" (0xCBF43926) and 0 for no bytes', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).to.equal(0xcbf43926);
    expect(crc32(new Uint8Array(0))).to.equal(0);
  });

  it("kerasSaveName follows Keras's to_snake_case and _get_unique_name (saving_lib.py)", () => {
    const used = new Map<string, number>();
    const names = ['LSTM', 'LSTM', 'Dense', 'SimpleRNN', 'TimeDistributed', 'LSTM', 'Bidirectional', 'InputLayer'].map((c) => kerasSaveName(c, used));
    expect(names).to.deep.equal(['lstm', 'lstm_1', 'dense', 'simple_rnn', 'time_distributed', 'lstm_2', 'bidirectional', 'input_layer']);
  });
});
