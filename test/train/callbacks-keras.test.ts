// Keras 3's training callbacks vs REAL TF 2.21 / Keras 3.15 (test/fixtures/generate_callbacks.py →
// callbacks.json): the same LSTM(3) → Dense(1) model from the same initial weights, fit with
// ReduceLROnPlateau (loss / val_loss, cooldown, min_lr, mode max on a metric), LearningRateScheduler,
// TerminateOnNaN, CSVLogger and ModelCheckpoint(save_best_only, weights): the history of every key (the
// learning_rate the callbacks log included), the epochs run, the final weights, the CSV text and the files
// the checkpoint wrote (names formatted from the logs, and their weights).
// Tolerances: float32 training through an LSTM, 2e-5 on losses and weights (the parity tests' order);
// learning rates are exact (float32 values the callbacks compute from Python floats).
import { expect } from 'chai';
import { readFileSync, mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lt from '../../src/index.js';
import { tensor } from '../../src/index.js';
import { Sequential } from '../../src/train/sequential.js';
import * as C from '../../src/train/callbacks.js';

interface Run {
  name: string; history: Record<string, (number | null)[]>; epochs_run: number; final_weights: unknown[]; lr_after: number;
  csv?: string; files?: string[]; file_weights?: Record<string, unknown>[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/callbacks.json', import.meta.url), 'utf8')) as {
  x: number[][][]; y: number[][]; val_x: number[][][]; val_y: number[][]; initial_weights: unknown[]; runs: Run[];
};
const flat = (v: unknown): number[] => (Array.isArray(v) ? (v as unknown[]).flatMap(flat) : [v as number]);

function near(got: number, want: number | null, tol: number, what: string): void {
  if (want === null) {
    expect(Number.isNaN(got), `${what}: want NaN, got ${got}`).to.equal(true);
    return;
  }
  expect(Math.abs(got - want), `${what}: got ${got}, want ${want}`).to.be.at.most(tol * Math.max(1, Math.abs(want)));
}

function model(): Sequential {
  lt.keras.clearSession();
  const L = lt.keras.layers;
  const m = new Sequential([new L.LSTM({ units: 3 }), new L.Dense({ units: 1 })]);
  m.predict(tensor(fx.x));
  m.setWeights(fx.initial_weights.map((w) => tensor(w as number[])));
  return m;
}

const run = (name: string): Run => fx.runs.find((r) => r.name === name)!;

function fitLike(r: Run, optimizer: lt.keras.optimizers.Optimizer, callbacks: C.Callback[], epochs: number, opts: { y?: lt.Tensor; val?: boolean; metrics?: lt.keras.metrics.MetricSpec } = {}): Sequential {
  const m = model();
  m.compile({ optimizer, loss: 'mse', metrics: opts.metrics });
  const h = m.fit(tensor(fx.x), opts.y ?? tensor(fx.y), {
    batchSize: 4, epochs, shuffle: false, verbose: 0, callbacks,
    ...(opts.val === false ? {} : { validationData: [tensor(fx.val_x), tensor(fx.val_y)] as [lt.Tensor, lt.Tensor] }),
  });
  expect(h.epoch.length, 'epochs run').to.equal(r.epochs_run);
  expect(Object.keys(h.history).sort()).to.deep.equal(Object.keys(r.history).sort());
  for (const [k, want] of Object.entries(r.history)) {
    // learning rates are float32 values; exact.
    want.forEach((w, e) => near(h.history[k][e], w, k === 'learning_rate' ? 0 : 2e-5, `${k} epoch ${e}`));
  }
  m.weights.forEach((w, i) => flat(r.final_weights[i]).forEach((v, j) => near(w.data[j], v, 2e-5, `final ${w.name}[${j}]`)));
  expect(Math.fround(m.optimizer!.currentLearningRate())).to.equal(r.lr_after);
  return m;
}

const SGD = (lr: number) => new lt.keras.optimizers.SGD({ learningRate: lr });

describe('train/callbacks vs Keras 3.15 (ReduceLROnPlateau, LearningRateScheduler, TerminateOnNaN, CSVLogger, ModelCheckpoint)', () => {
  it('ReduceLROnPlateau on loss (factor 0.5, patience 1, min_delta 1e-3)', () => {
    fitLike(run('plateau_loss'), SGD(0.6), [new C.ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1, minDelta: 1e-3 })], 10);
  });

  it('ReduceLROnPlateau on val_loss with cooldown 2 and minLr 0.03', () => {
    fitLike(run('plateau_val_cooldown_minlr'), SGD(0.5), [new C.ReduceLROnPlateau({ factor: 0.2, patience: 1, cooldown: 2, minLr: 0.03 })], 12);
  });

  it("ReduceLROnPlateau mode 'max' on a metric", () => {
    fitLike(run('plateau_max_metric'), new lt.keras.optimizers.Adam({ learningRate: 0.2 }),
      [new C.ReduceLROnPlateau({ monitor: 'val_neg', mode: 'max', factor: 0.5, patience: 2, minDelta: 0 })], 10,
      { metrics: [new lt.keras.metrics.CosineSimilarity({ name: 'neg' })] });
  });

  it('LearningRateScheduler(epoch, lr) sets the rate at each epoch start and logs learning_rate', () => {
    fitLike(run('scheduler'), SGD(0.1), [new C.LearningRateScheduler((epoch, lr) => (epoch < 2 ? lr : lr * 0.5))], 5);
  });

  it('TerminateOnNaN stops at the first batch whose running loss is NaN', () => {
    const y = tensor(fx.y);
    y.data[5] = NaN;
    fitLike(run('nan'), SGD(0.1), [new C.TerminateOnNaN()], 3, { y, val: false });
    const y2 = tensor(fx.y);
    y2.data[5] = NaN;
    const m = model();
    m.compile({ optimizer: SGD(0.1), loss: 'mse' });
    expect(() => m.fit(tensor(fx.x), y2, { batchSize: 4, epochs: 1, shuffle: false, verbose: 0, callbacks: [new C.TerminateOnNaN({ raiseError: true })] }))
      .to.throw(/NaN or Inf loss encountered at batch 1\. Loss value: nan/);
  });

  it("CSVLogger writes Keras's file: sorted keys, ';' separator, repr numbers, \\r\\n rows", () => {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-csv-'));
    try {
      const path = join(dir, 'log.csv');
      const r = run('csv');
      fitLike(r, SGD(0.6), [new C.ReduceLROnPlateau({ monitor: 'loss', factor: 0.5, patience: 1 }), new C.CSVLogger(path, { separator: ';' })], 4);
      const got = readFileSync(path, 'utf8').split('\r\n');
      const want = r.csv!.split('\r\n');
      expect(got.length).to.equal(want.length);
      expect(got[0]).to.equal(want[0]);
      got.slice(1).forEach((line, i) => {
        const g = line.split(';');
        const w = want[i + 1].split(';');
        expect(g.length).to.equal(w.length);
        g.forEach((v, k) => (v === '' ? expect(w[k]).to.equal('') : near(Number(v), Number(w[k]), 2e-5, `row ${i} col ${k}`)));
        expect(g[1], 'learning_rate is written as Python repr of the float32 value').to.equal(w[1]);
      });
      // append: a second fit continues the file without a second header
      const m = model();
      m.compile({ optimizer: SGD(0.1), loss: 'mse' });
      m.fit(tensor(fx.x), tensor(fx.y), { batchSize: 4, epochs: 1, verbose: 0, callbacks: [new C.CSVLogger(path, { append: true, separator: ';' })] });
      const lines = readFileSync(path, 'utf8').split('\r\n').filter((l) => l !== '');
      expect(lines.length).to.equal(want.filter((l) => l !== '').length + 1);
      // no validation data: the val_ columns read NA, as Keras's CSVLogger writes them
      expect(lines[lines.length - 1].split(';').slice(-1)[0]).to.equal('NA');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ModelCheckpoint(saveBestOnly, saveWeightsOnly) writes the files Keras writes, named from the logs, with its weights', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-ck-'));
    try {
      const r = run('checkpoint');
      const ck = new C.ModelCheckpoint(join(dir, 'ck', 'ck-{epoch:02d}-{val_loss:.4f}.weights.h5'), { saveBestOnly: true, saveWeightsOnly: true });
      await ck.ready;
      fitLike(r, SGD(0.6), [ck], 6);
      const files = readdirSync(join(dir, 'ck')).sort();
      expect(files).to.deep.equal(r.files);
      for (let i = 0; i < files.length; i++) {
        const m = model();
        await lt.keras.loadKerasWeightsH5(m, join(dir, 'ck', files[i]));
        const want = r.file_weights![i];
        const keys = ['layers/lstm/cell/vars/0', 'layers/lstm/cell/vars/1', 'layers/lstm/cell/vars/2', 'layers/dense/vars/0', 'layers/dense/vars/1'];
        m.weights.forEach((w, k) => flat(want[keys[k]]).forEach((v, j) => near(w.data[j], v, 2e-5, `${files[i]} ${keys[k]}[${j}]`)));
      }
      // Whole models: a .keras per epoch, loadable.
      const ck2 = new C.ModelCheckpoint(join(dir, 'm-{epoch}.keras'));
      await ck2.ready;
      const m = model();
      m.compile({ optimizer: SGD(0.1), loss: 'mse' });
      m.fit(tensor(fx.x), tensor(fx.y), { batchSize: 4, epochs: 2, verbose: 0, callbacks: [ck2] });
      const back = await lt.keras.loadKerasModel(join(dir, 'm-2.keras'));
      expect(Array.from((back.predict(tensor(fx.val_x)) as lt.Tensor).data)).to.deep.equal(Array.from((m.predict(tensor(fx.val_x)) as lt.Tensor).data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad callback arguments name the argument', () => {
    expect(() => new C.ReduceLROnPlateau({ factor: 1 })).to.throw(/does not support a factor ≥ 1.0/);
    expect(() => new C.ReduceLROnPlateau({ min_lr: 0.1 } as never)).to.throw(/unknown option 'min_lr'; did you mean 'minLr'/);
    expect(() => new C.ModelCheckpoint('w.h5')).to.throw(/writes the Keras 3 format only/);
    expect(() => new C.ModelCheckpoint('w.keras', { saveWeightsOnly: true })).to.throw(/must end in .weights.h5/);
    expect(() => new C.ModelCheckpoint('w.ckpt')).to.throw(/must end in .keras/);
    expect(() => new C.ModelCheckpoint('w.keras', { saveFreq: 0 })).to.throw(/saveFreq must be 'epoch' or a positive integer/);
    expect(() => new C.CSVLogger('x.csv', { separator: ';;' })).to.throw(/separator must be one character/);
    expect(() => new C.LearningRateScheduler(0.1 as never)).to.throw(/schedule must be a function/);
    // A schedule-driven optimizer's rate cannot be set, as in Keras.
    const m = model();
    m.compile({ optimizer: new lt.keras.optimizers.SGD({ learningRate: new lt.keras.optimizers.schedules.ExponentialDecay(0.1, 2, 0.5) }), loss: 'mse' });
    expect(() => m.fit(tensor(fx.x), tensor(fx.y), { epochs: 1, verbose: 0, callbacks: [new C.LearningRateScheduler((_e, lr) => lr)] }))
      .to.throw(/learning rate is not settable/);
    // filepath fields that Python would refuse
    const ck = new C.ModelCheckpoint('x-{loss:02d}.keras');
    expect(() => ck.filePath(0, null, { loss: 0.5 })).to.throw(/format code 'd' needs an integer/);
    expect(() => ck.filePath(0, null, {})).to.throw(/no value named 'loss'/);
    expect(new C.ModelCheckpoint('e{epoch:03d}-{loss:.2e}-{val_loss}.keras').filePath(4, null, { loss: 0.000123, val_loss: 0.5 })).to.equal('e005-1.23e-04-0.5.keras');
  });
});
