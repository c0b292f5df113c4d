// Loading TensorFlow.js layers models (src/train/tfjs-import.ts), with @tensorflow/tfjs as the oracle (test-only):
// models built and given random weights in tfjs — LSTM and GRU with tfjs's defaults (recurrent_activation
// hard_sigmoid = 0.2x + 0.5, GRU reset_after false (tfjs has no other), unit_forget_bias unset), SimpleRNN, Bidirectional, Embedding
// with mask_zero, Conv1D, Dense, a Functional graph with two inputs — are saved with tfjs's own save handler (the
// artifacts of model.save) and as model.json + weights.bin files; loaded here, they predict what tfjs predicts
// (1e-5 absolute + relative: float32, different op orders).
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as lt from '../../src/index.js';

type Artifacts = lt.keras.TfjsModelArtifacts;

async function artifactsOf(m: tf.LayersModel): Promise<Artifacts> {
  let art: Artifacts | null = null;
  await m.save(tf.io.withSaveHandler(async (a) => {
    art = { modelTopology: a.modelTopology as Record<string, unknown>, weightSpecs: a.weightSpecs as Artifacts['weightSpecs'], weightData: a.weightData as ArrayBuffer };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return art!;
}

function randomize(m: tf.LayersModel, seed: number): void {
  let s = seed;
  const rnd = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return (s / 2147483648) * 2 - 1; };
  m.setWeights(m.getWeights().map((w) => tf.tensor(Array.from({ length: w.size }, () => rnd() * 0.8), w.shape)));
}

/** The single output (a Functional whose outputs config is a one-element list predicts a one-element list, as Keras). */
const one = (o: unknown): lt.Tensor => (Array.isArray(o) ? (o as lt.Tensor[])[0] : (o as lt.Tensor));

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= 1e-5 + 1e-5 * Math.abs(want[i]))) expect.fail(`${what}[${i}]: ${got[i]} vs tfjs ${want[i]}`);
}

const cases: { name: string; build: () => tf.LayersModel; x: () => tf.Tensor | tf.Tensor[] }[] = [
  { name: 'LSTM (tfjs defaults: hard_sigmoid) → GRU (reset_after false) → Dense', x: () => tf.randomUniform([3, 5, 2], -1, 1, 'float32', 1),
    build: () => tf.sequential({ layers: [tf.layers.lstm({ units: 4, returnSequences: true, inputShape: [5, 2] }), tf.layers.gru({ units: 3 }), tf.layers.dense({ units: 2, activation: 'tanh' })] }) },
  { name: 'Embedding(mask_zero) → Bidirectional(LSTM sigmoid) → Dense', x: () => tf.tensor([[1, 2, 3, 0, 0], [4, 1, 0, 0, 0]]),
    build: () => tf.sequential({ layers: [tf.layers.embedding({ inputDim: 6, outputDim: 3, maskZero: true, inputLength: 5 }),
      tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, recurrentActivation: 'sigmoid' }) as tf.RNN }), tf.layers.dense({ units: 1 })] }) },
  { name: 'Conv1D → SimpleRNN(relu) → Dense(softmax)', x: () => tf.randomUniform([2, 6, 3], -1, 1, 'float32', 2),
    build: () => tf.sequential({ layers: [tf.layers.conv1d({ filters: 4, kernelSize: 2, padding: 'same', activation: 'relu', inputShape: [6, 3] }),
      tf.layers.simpleRNN({ units: 3, activation: 'relu' }), tf.layers.dense({ units: 3, activation: 'softmax' })] }) },
  { name: 'Functional: two inputs, GRU(sigmoid) and LSTM, concatenate, Dense', x: () => [tf.randomUniform([2, 4, 2], -1, 1, 'float32', 3), tf.randomUniform([2, 4, 3], -1, 1, 'float32', 4)],
    build: () => {
      const a = tf.input({ shape: [4, 2], name: 'a' });
      const b = tf.input({ shape: [4, 3], name: 'b' });
      const ha = tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid' }).apply(a) as tf.SymbolicTensor;
      const hb = tf.layers.lstm({ units: 2 }).apply(b) as tf.SymbolicTensor;
      const y = tf.layers.dense({ units: 1 }).apply(tf.layers.concatenate().apply([ha, hb])) as tf.SymbolicTensor;
      return tf.model({ inputs: [a, b], outputs: y });
    } },
];

describe('train: loading TensorFlow.js layers models (tfjs itself as the oracle)', function () {
  this.timeout(60_000);
  for (const [k, c] of cases.entries()) {
    it(`${c.name}: artifacts and model.json files predict as tfjs`, async () => {
      const m = c.build();
      randomize(m, 10 + k);
      const x = c.x();
      const want = (m.predict(x) as tf.Tensor).dataSync();
      const art = await artifactsOf(m);
      const ltx = Array.isArray(x) ? x.map((t) => lt.tensor(Array.from(t.dataSync()), [...t.shape])) : lt.tensor(Array.from(x.dataSync()), [...x.shape]);
      lt.keras.clearSession();
      const ours = lt.keras.loadTfjsModel(art);
      close(one(ours.predict(ltx)).data, want, 'from artifacts');
      const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-tfjs-'));
      try {
        writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', modelTopology: art.modelTopology,
          weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: art.weightSpecs }] }));
        writeFileSync(join(dir, 'group1-shard1of1.bin'), new Uint8Array(art.weightData as ArrayBuffer));
        lt.keras.clearSession();
        const again = lt.keras.loadTfjsModel(join(dir, 'model.json'));
        close(one(again.predict(ltx)).data, want, 'from model.json');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("tfjs's hard_sigmoid stays tfjs's (0.2x + 0.5) whatever the Keras compat switch, and cannot pass silently into a Keras 3 file", async () => {
    const m = tf.sequential({ layers: [tf.layers.lstm({ units: 2, inputShape: [3, 1] })] });
    lt.keras.clearSession();
    const ours = lt.keras.loadTfjsModel(await artifactsOf(m));
    expect((ours.layers[0].getConfig() as { recurrent_activation: string }).recurrent_activation).to.equal('hard_sigmoid_tfjs');
    expect(Array.from(lt.keras.activations.get('hard_sigmoid_tfjs').fn(lt.tensor([-3, 0, 1, 3])).data)).to.deep.equal([0, 0.5, Math.fround(0.7), 1]);
  });

  it('and back: a Sequential model trained here runs in tfjs with the same numbers (toTfjsArtifacts / saveTfjsModel)', async () => {
    lt.keras.clearSession();
    const L = lt.keras.layers;
    const ours = new lt.keras.Sequential([new L.Conv1D({ filters: 3, kernelSize: 2, padding: 'same', activation: 'relu', inputShape: [6, 2] }),
      new L.LSTM({ units: 4, returnSequences: true }), new L.GRU({ units: 3, resetAfter: false }), new L.Dense({ units: 2, activation: 'tanh' })]);
    ours.compile({ optimizer: 'adam', loss: 'mse' });
    const x = lt.randomUniform([4, 6, 2], -1, 1, { seed: 7 });
    ours.fit(x, lt.randomUniform([4, 2], -1, 1, { seed: 8 }), { epochs: 2, verbose: 0 });
    const want = (ours.predict(x) as lt.Tensor).data;
    const m = await tf.loadLayersModel(tf.io.fromMemory(lt.keras.toTfjsArtifacts(ours) as unknown as tf.io.ModelArtifacts));
    close((m.predict(tf.tensor(Array.from(x.data), [4, 6, 2])) as tf.Tensor).dataSync(), want, 'tfjs on our weights');
    const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-tfjs-'));
    try {
      lt.keras.saveTfjsModel(ours, dir);  // model.json + group1-shard1of1.bin, as tfjs's file:// handler writes them
      lt.keras.clearSession();
      close((lt.keras.loadTfjsModel(join(dir, 'model.json')).predict(x) as lt.Tensor).data, want, 'saveTfjsModel files read back');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // a tfjs model loaded here and written back loads in tfjs unchanged (hard_sigmoid_tfjs → tfjs's hard_sigmoid)
    const t = tf.sequential({ layers: [tf.layers.lstm({ units: 2, inputShape: [3, 2] })] });
    randomize(t, 99);
    const xt = tf.randomUniform([2, 3, 2], -1, 1, 'float32', 5);
    lt.keras.clearSession();
    const round = await tf.loadLayersModel(tf.io.fromMemory(lt.keras.toTfjsArtifacts(lt.keras.loadTfjsModel(await artifactsOf(t))) as unknown as tf.io.ModelArtifacts));
    close((round.predict(xt) as tf.Tensor).dataSync(), (t.predict(xt) as tf.Tensor).dataSync(), 'tfjs → lstm-ts → tfjs');
    // Keras 3's hard_sigmoid has no tfjs twin: refused, not silently changed
    lt.keras.clearSession();
    const k3 = new lt.keras.Sequential([new L.LSTM({ units: 2, recurrentActivation: 'hard_sigmoid', inputShape: [3, 2] })]);
    expect(() => lt.keras.toTfjsArtifacts(k3)).to.throw(/hard_sigmoid' is Keras 3's relu6\(x \+ 3\)\/6, which tfjs cannot compute/);
  });

  it('and back, Functional: two inputs, LSTM and GRU, Concatenate, Dense run in tfjs with our numbers', async () => {
    lt.keras.clearSession();
    const L = lt.keras.layers;
    const a = lt.keras.Input({ shape: [4, 2], name: 'a' });
    const b = lt.keras.Input({ shape: [4, 3], name: 'b' });
    const y = new L.Dense({ units: 2 }).apply(new L.Concatenate({}).apply([new L.LSTM({ units: 2 }).apply(a), new L.GRU({ units: 3, resetAfter: false }).apply(b)]));
    const ours = new lt.keras.Model({ inputs: [a, b], outputs: y });
    const xa = lt.randomUniform([3, 4, 2], -1, 1, { seed: 1 });
    const xb = lt.randomUniform([3, 4, 3], -1, 1, { seed: 2 });
    const want = one(ours.predict([xa, xb])).data;
    const m = await tf.loadLayersModel(tf.io.fromMemory(lt.keras.toTfjsArtifacts(ours) as unknown as tf.io.ModelArtifacts));
    const got = m.predict([tf.tensor(Array.from(xa.data), [3, 4, 2]), tf.tensor(Array.from(xb.data), [3, 4, 3])]) as tf.Tensor;
    close(got.dataSync(), want, 'tfjs on our Functional model');
  });

  it('bad sources are refused by name', () => {
    expect(() => lt.keras.loadTfjsModel(42 as never)).to.throw(/loadTfjsModel: expected the path of a tfjs model.json/);
    const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-tfjs-'));
    try {
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: {}, weightsManifest: [] }));
      expect(() => lt.keras.loadTfjsModel(join(dir, 'model.json'))).to.throw(/tfjs 'graph-model' model; only 'layers-model'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
