// save → load → identical predictions; the config.json layout against the one real Keras 3 writes
// (test/fixtures/training.json "config" of a TF model); import of a real Keras 3 .weights.h5 file.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';
import { tensor, Tensor, LstmTsError, type NestedArray } from '../../src/index.js';
import { Sequential } from '../../src/train/sequential.js';
import { loadModel } from '../../src/train/saving.js';
import { loadKerasWeightsH5 } from '../../src/train/keras-import.js';
import { Adam } from '../../src/train/optimizers/index.js';
import { expectClose, flat } from './helpers.js';

const L = lt.keras.layers;
const fx = JSON.parse(readFileSync(new URL('../fixtures/training.json', import.meta.url), 'utf8'));

describe('train/saving', () => {
  let dir = '';
  beforeEach(() => {
    lt.keras.clearSession();
    dir = mkdtempSync(join(tmpdir(), 'lstm-ts-save-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a stateful model loads with its fixed batch size and zero states: two predicts equal a fresh model\'s two', () => {
    const make = (): Sequential => new Sequential([
      new L.LSTM({ units: 3, stateful: true, returnSequences: true, batchInputShape: [2, 4, 2] }),
      new L.SimpleRNN({ units: 2, stateful: true }),
    ]);
    const model = make();
    const x = tensor([[[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]], [[-0.1, 0], [0, 0.1], [0.1, 0], [0, -0.1]]]);
    model.predict(x);
    const w = model.getWeights();
    model.save(dir);
    const fresh = make();
    fresh.predict(x);
    fresh.setWeights(w);
    for (const l of fresh.layers) (l as lt.keras.layers.RNN).resetStates();
    const loaded = loadModel(dir);
    const f1 = fresh.predict(x), f2 = fresh.predict(x);
    expect(Array.from((loaded.predict(x) as lt.Tensor).data)).to.deep.equal(Array.from(f1.data));
    expect(Array.from((loaded.predict(x) as lt.Tensor).data)).to.deep.equal(Array.from(f2.data));
    expect(Array.from(f1.data)).to.not.deep.equal(Array.from(f2.data)); // the states really carry over
  });

  it('save → loadModel gives bit-identical predictions (Embedding mask_zero → LSTM → Dense softmax) and restores compile', () => {
    const model = new Sequential([
      new L.Embedding({ inputDim: 9, outputDim: 4, maskZero: true }),
      new L.LSTM({ units: 6, returnSequences: true }),
      new L.SimpleRNN({ units: 5 }),
      new L.Dense({ units: 3, activation: 'softmax' }),
    ]);
    const x = tensor([[1, 2, 3, 0, 0], [4, 5, 6, 7, 8], [8, 0, 0, 0, 0]]);
    const y = tensor([0, 2, 1]);
    model.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    model.fit(x, y, { epochs: 3, verbose: 0 });
    const before = model.predict(x);
    model.save(dir);
    for (const f of ['config.json', 'weights.bin', 'manifest.json']) expect(existsSync(join(dir, f)), f).to.equal(true);
    const loaded = loadModel(dir);
    expect((loaded.predict(x) as lt.Tensor).toFlatArray()).to.deep.equal(before.toFlatArray());
    expect(loaded.layers.map((l) => l.className)).to.deep.equal(['Embedding', 'LSTM', 'SimpleRNN', 'Dense']);
    expect(loaded.loss).to.be.instanceOf(lt.keras.losses.SparseCategoricalCrossentropy);
    expect(loaded.optimizer).to.be.instanceOf(Adam);
    expect(loaded.optimizer!.learningRate).to.be.closeTo(0.01, 1e-9);
    // the loaded model trains on
    loaded.fit(x, y, { epochs: 1, verbose: 0 });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.weights.map((w: { shape: number[] }) => w.shape)).to.deep.equal(model.weights.map((w) => [...w.shape]));
    expect(readFileSync(join(dir, 'weights.bin')).length).to.equal(model.weights.reduce((s, w) => s + 4 * w.size, 0));
  });

  it('config.json has the layout real Keras 3 writes for the same model (keys, class names, build configs)', () => {
    const tfRun = fx.runs.find((r: { name: string }) => r.name === 'lstm_sgd');
    const kerasJson = tfRun.config as Record<string, any>;
    const model = new Sequential([new L.LSTM({ units: 4 }), new L.Dense({ units: 1 })]);
    model.predict(tensor(tfRun.batches[0].x));
    model.compile({ optimizer: new lt.keras.optimizers.SGD({ learningRate: 0.1, momentum: 0.9 }), loss: 'mse' });
    const ours = JSON.parse(JSON.stringify(model.toJSON())) as Record<string, any>;
    expect(Object.keys(ours).sort()).to.deep.equal(Object.keys(kerasJson).sort());
    expect(ours.class_name).to.equal('Sequential');
    expect(Object.keys(ours.config).sort()).to.deep.equal(Object.keys(kerasJson.config).sort());
    expect(ours.config.build_input_shape).to.deep.equal(kerasJson.config.build_input_shape);
    expect(ours.build_config).to.deep.equal(kerasJson.build_config);
    const strip = (l: Record<string, any>) => ({ class_name: l.class_name, module: l.module, keys: Object.keys(l).sort(), build: l.build_config ?? null });
    expect(ours.config.layers.map(strip)).to.deep.equal(kerasJson.config.layers.map(strip));
    expect(ours.config.layers[0].config).to.deep.equal(kerasJson.config.layers[0].config); // InputLayer
    expect(ours.compile_config.optimizer).to.deep.equal(kerasJson.compile_config.optimizer);
    expect(Object.keys(ours.compile_config).sort()).to.deep.equal(Object.keys(kerasJson.compile_config).sort());
  });

  it('loadModel rejects a weights file that does not fit the config', () => {
    const model = new Sequential([new L.Dense({ units: 2, inputShape: [3] })]);
    model.predict(tensor([[1, 2, 3]]));
    model.save(dir);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    m.weights[0].shape = [4, 2];
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    expect(() => loadModel(dir)).to.throw(LstmTsError, /weight 0 .* shape \[4, 2\] in the file but \[3, 2\]/);
    expect(() => loadModel(join(dir, 'nope'))).to.throw(LstmTsError, /cannot read config.json/);
  });

  it('imports a real Keras 3 .weights.h5 (Embedding → LSTM → Bidirectional(SimpleRNN) → Dense) to TF\'s predictions', async () => {
    const h = fx.h5_import;
    const model = new Sequential([
      new L.Embedding({ inputDim: 10, outputDim: 4, maskZero: true }),
      new L.LSTM({ units: 5, returnSequences: true }),
      new L.Bidirectional({ layer: new L.SimpleRNN({ units: 3 }) }),
      new L.Dense({ units: 2 }),
    ]);
    const x = tensor(h.x as NestedArray);
    model.predict(x);
    expect(model.layers.map((l) => l.name)).to.deep.equal(h.layers);
    await loadKerasWeightsH5(model, fileURLToPath(new URL(`../fixtures/${h.file}`, import.meta.url)));
    expectClose(model.predict(x).toFlatArray(), flat(h.y), 2e-6, 1e-5, 'predictions');
    // the same file as bytes (what a browser has after fetch): the same weights, bit for bit
    const fromBytes = new Sequential([
      new L.Embedding({ inputDim: 10, outputDim: 4, maskZero: true }), new L.LSTM({ units: 5, returnSequences: true }),
      new L.Bidirectional({ layer: new L.SimpleRNN({ units: 3 }) }), new L.Dense({ units: 2 }),
    ]);
    fromBytes.predict(x);
    const bytes = readFileSync(fileURLToPath(new URL(`../fixtures/${h.file}`, import.meta.url)));
    await loadKerasWeightsH5(fromBytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    expect(fromBytes.predict(x).toFlatArray()).to.deep.equal(model.predict(x).toFlatArray());
    // Keras keys the file by class (layers/simple_rnn), not by layer name: a top-level SimpleRNN is not in it
    const wrong = new Sequential([new L.SimpleRNN({ units: 2, name: 'not_there' })]);
    wrong.predict(tensor([[[1]]]));
    let err: unknown = null;
    await loadKerasWeightsH5(wrong, fileURLToPath(new URL(`../fixtures/${h.file}`, import.meta.url))).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(LstmTsError);
    expect(String(err)).to.match(/layer 'not_there' \(stored by Keras as layers\/simple_rnn\) not found .*embedding/);
    // a Dense with the wrong input size finds layers/dense but not its shape
    const badShape = new Sequential([new L.Dense({ units: 2, name: 'anything' })]);
    badShape.predict(tensor([[1]]));
    err = null;
    await loadKerasWeightsH5(badShape, fileURLToPath(new URL(`../fixtures/${h.file}`, import.meta.url))).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/layer 'anything' weight .*: file has shape \[\d+, 2\] at layers\/dense\/vars\/0, model needs \[1, 2\]/);
  });
});
void Tensor;
