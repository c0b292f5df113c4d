// Sequential: overfitting a tiny dataset, validation split, verbosity, callbacks, seeding, errors.
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { tensor, Tensor, LstmTsError } from '../../src/index.js';
import { Sequential } from '../../src/train/sequential.js';
import { EarlyStopping, LambdaCallback } from '../../src/train/callbacks.js';
import { Adam, SGD } from '../../src/train/optimizers/index.js';
import { expectClose } from './helpers.js';

const L = lt.keras.layers;

function tinyRegression(n = 16): { x: Tensor; y: Tensor } {
  const rng = new lt.Random(3);
  const xs: number[][] = [];
  const ys: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.uniformRange(-1, 1);
    const b = rng.uniformRange(-1, 1);
    xs.push([a, b]);
    ys.push([Math.sin(2 * a) + a * b]);
  }
  return { x: tensor(xs), y: tensor(ys) };
}

function mlp(seed = 1): Sequential {
  return new Sequential([
    new L.Dense({ units: 16, activation: 'tanh', kernelInitializer: lt.keras.initializers.get({ class_name: 'GlorotUniform', config: { seed } }) }),
    new L.Dense({ units: 1, kernelInitializer: lt.keras.initializers.get({ class_name: 'GlorotUniform', config: { seed: seed + 1 } }) }),
  ]);
}

/** Captures everything written to stdout/stderr while fn runs. */
function captureOutput(fn: () => void): string {
  const out: string[] = [];
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  (process.stdout as unknown as { write: unknown }).write = (s: string | Uint8Array) => (out.push(String(s)), true);
  (process.stderr as unknown as { write: unknown }).write = (s: string | Uint8Array) => (out.push(String(s)), true);
  try {
    fn();
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
  }
  return out.join('');
}

describe('train/Sequential', () => {
  beforeEach(() => lt.keras.clearSession());

  it('a tiny MLP overfits 16 points (MSE from ~0.5 to < 2e-3)', () => {
    const { x, y } = tinyRegression();
    const model = mlp();
    model.compile({ optimizer: new Adam({ learningRate: 0.03 }), loss: 'mse', metrics: ['mae'] });
    const before = model.evaluate(x, y).loss;
    const h = model.fit(x, y, { epochs: 800, batchSize: 16, verbose: 0 });
    const after = model.evaluate(x, y);
    expect(before).to.be.greaterThan(0.05);
    expect(after.loss).to.be.lessThan(2e-3);
    expect(h.history.loss).to.have.length(800);
    expect(h.history.mae).to.have.length(800);
    expect(h.history.loss[799]).to.be.lessThan(h.history.loss[0]);
  });

  it('a tiny LSTM classifier overfits 8 sequences (sparse CCE, accuracy 1)', () => {
    const rng = new lt.Random(5);
    const xs: number[][][] = [];
    const ys: number[] = [];
    for (let i = 0; i < 8; i++) {
      const seq = Array.from({ length: 6 }, () => [rng.uniformRange(-1, 1)]);
      xs.push(seq);
      ys.push(seq[0][0] > 0 ? (seq[5][0] > 0 ? 2 : 1) : 0); // needs the first and last step
    }
    const model = new Sequential([new L.LSTM({ units: 8 }), new L.Dense({ units: 3 })]);
    model.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: new lt.keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
    const h = model.fit(tensor(xs), tensor(ys), { epochs: 150, batchSize: 8, verbose: 0 });
    expect(h.history.accuracy[h.history.accuracy.length - 1]).to.equal(1);
    expect(h.history.loss[h.history.loss.length - 1]).to.be.lessThan(0.05);
  });

  it('validationSplit holds out the LAST rows (Keras) and reports loss and val_loss every epoch', () => {
    const { x, y } = tinyRegression(10);
    const model = mlp();
    model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['mse'] });
    const h = model.fit(x, y, { epochs: 3, batchSize: 4, validationSplit: 0.3, verbose: 0 });
    expect(Object.keys(h.history)).to.deep.equal(['loss', 'mse', 'val_loss', 'val_mse']);
    expect(h.history.val_loss).to.have.length(3);
    // floor(10 · 0.7) = 7 training rows; the last epoch's val_loss is the loss on rows 7..9 with the final weights.
    const last3x = tensor((x.toArray() as number[][]).slice(7));
    const last3y = tensor((y.toArray() as number[][]).slice(7));
    expectClose([h.history.val_loss[2]], [model.evaluate(last3x, last3y).loss], 1e-7);
    expectClose([h.history.val_mse[2]], [h.history.val_loss[2]], 1e-7); // no regularizers: mse metric == loss
    // validationData works the same way
    const h2 = model.fit(x, y, { epochs: 1, validationData: [last3x, last3y], verbose: 0 });
    expect(h2.history.val_loss).to.have.length(1);
  });

  it('verbose 0 prints nothing; verbose 1 without a TTY prints one line per epoch', () => {
    const { x, y } = tinyRegression(8);
    const model = mlp();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const silent = captureOutput(() => model.fit(x, y, { epochs: 2, verbose: 0 }));
    expect(silent).to.equal('');
    const lines: string[] = [];
    model.fit(x, y, { epochs: 3, verbose: 1, stream: { write: (s: string) => lines.push(s), isTTY: false } });
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/^Epoch 1\/3 - .* - loss: \d+\.\d{4}\n$/);
  });

  it('verbose 1 on a TTY draws a progress bar with loss and ETA', () => {
    const { x, y } = tinyRegression(8);
    const model = mlp();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const chunks: string[] = [];
    const stream = { write: (s: string) => (chunks.push(s), true), isTTY: true, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, columns: 120 };
    model.fit(x, y, { epochs: 1, batchSize: 2, verbose: 1, stream });
    const all = chunks.join('');
    expect(all).to.include('Epoch 1/1');
    expect(all).to.match(/4\/4 \[/);
    expect(all).to.match(/ETA/);
    expect(all).to.match(/loss: \d/);
  });

  it('shuffling is seeded: same seed → identical weights, another seed → different weights', () => {
    const { x, y } = tinyRegression(12);
    const train = (seed: number): number[] => {
      lt.keras.clearSession();
      const m = mlp();
      m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
      m.fit(x, y, { epochs: 2, batchSize: 3, seed, verbose: 0 });
      return m.weights.flatMap((w) => w.toFlatArray());
    };
    expect(train(7)).to.deep.equal(train(7));
    expect(train(7)).to.not.deep.equal(train(8));
  });

  it('EarlyStopping stops after `patience` epochs without improvement and restores the best weights', () => {
    const { x, y } = tinyRegression(8);
    const model = mlp();
    // A learning rate so large the loss diverges after the first epoch.
    model.compile({ optimizer: new SGD({ learningRate: 3 }), loss: 'mse' });
    const es = new EarlyStopping({ monitor: 'loss', patience: 2, restoreBestWeights: true });
    let bestWeights: number[] = [];
    const snap = new LambdaCallback({ onEpochEnd: (e) => { if (e === 0) bestWeights = model.weights.flatMap((w) => w.toFlatArray()); } });
    const h = model.fit(x, y, { epochs: 20, batchSize: 8, shuffle: false, verbose: 0, callbacks: [snap, es] });
    const losses = h.history.loss;
    expect(losses.length).to.be.lessThan(20);
    const best = Math.min(...losses);
    expect(losses.indexOf(best)).to.equal(es.bestEpoch);
    expect(losses.length).to.equal(es.bestEpoch + 2 + 1);
    if (es.bestEpoch === 0) expect(model.weights.flatMap((w) => w.toFlatArray())).to.deep.equal(bestWeights);
  });

  it('onBatchEnd / onEpochEnd callbacks see running logs; regularization losses are added to the loss', () => {
    const { x, y } = tinyRegression(8);
    const model = new Sequential([new L.Dense({ units: 1, kernelRegularizer: new lt.keras.regularizers.L2(0.5), kernelInitializer: 'ones' })]);
    model.compile({ optimizer: new SGD({ learningRate: 0 }), loss: 'mse', metrics: ['mse'] });
    const batches: number[] = [];
    const h = model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, callbacks: [new LambdaCallback({ onBatchEnd: (b) => { batches.push(b); } })] });
    expect(batches).to.deep.equal([0, 1]);
    // kernel = ones [2,1]: penalty 0.5·(1 + 1) = 1 on top of the data MSE (the mse metric).
    expectClose([h.history.loss[0] - h.history.mse[0]], [1], 1e-6);
  });

  it('predict is batched and equals one full call; errors name the problem', () => {
    const { x, y } = tinyRegression(10);
    const model = mlp();
    const full = lt.noGrad(() => model.apply(x) as Tensor);
    expect(model.predict(x, { batchSize: 3 }).toFlatArray()).to.deep.equal(full.toFlatArray());
    expect(() => model.fit(x, y)).to.throw(LstmTsError, /compile\(\)/);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    expect(() => model.fit(x, tensor([[1], [2]]))).to.throw(LstmTsError, /same number of samples.*\[10, 2\].*\[2, 1\]/);
    expect(() => model.fit(x, y, { validationSplit: 1.5 })).to.throw(LstmTsError, /validationSplit/);
    expect(() => model.fit(x, y, { batchSize: 0 })).to.throw(LstmTsError, /batchSize/);
    expect(() => model.add(model.layers[0])).to.throw(LstmTsError, /already in the model/);
    expect(() => new EarlyStopping({ monitor: 'foo' }).onEpochEnd(0, { foo: 1 })).to.throw(LstmTsError, /mode/);
  });
});

describe('train/Sequential.summary', () => {
  it('lists each layer with its output shape and parameter count, and the totals', () => {
    lt.keras.clearSession();
    const model = new Sequential([new L.LSTM({ units: 4, returnSequences: true }), new L.Dense({ units: 2 })]);
    model.predict(tensor([[[1, 2, 3]]]));
    const s = model.summary(false);
    // LSTM params 4·4·(3 + 4 + 1) = 128; Dense 4·2 + 2 = 10
    expect(s).to.match(/lstm \(LSTM\) +\(None, 1, 4\) +128/);
    expect(s).to.match(/dense \(Dense\) +\(None, 1, 2\) +10/);
    expect(s).to.include('Total params: 138');
    expect(s).to.include('Trainable params: 138');
  });
});

describe('Sequential builds as soon as its input shape is known (Keras and tfjs)', () => {
  it('new LSTM({ inputShape }) first: weights and summary() exist before any call, with Keras 3.15\'s counts', () => {
    lt.keras.clearSession();
    const L = lt.keras.layers;
    const m = new Sequential([new L.LSTM({ units: 8, inputShape: [10, 3] }), new L.Dense({ units: 1 })]);
    // Keras 3.15 summary(): lstm (None, 8) 384 = 4·8·(3 + 8 + 1); dense (None, 1) 9
    expect(m.weights.map((w) => w.size).reduce((a, b) => a + b, 0)).to.equal(393);
    const lines: string[] = [];
    const orig = console.log;
    console.log = (s: unknown) => { lines.push(String(s)); };
    try {
      m.summary();
    } finally {
      console.log = orig;
    }
    expect(lines.join('\n')).to.match(/lstm \(LSTM\) +\(None, 8\) +384/).and.match(/Total params: 393/);
    m.add(new L.Dense({ units: 4 }));
    expect(m.weights.length, 'add() rebuilds').to.equal(7);
  });
});
