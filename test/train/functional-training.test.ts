// Training Functional models with several inputs or outputs vs REAL TF 2.21 / Keras 3.15
// (test/fixtures/generate_functional_training.py), from Keras's seeded initial weights (by layer name):
// the two-input lstm_seq2seq model through fit (batch 2, 2 epochs, no shuffle: every epoch's loss and the final
// weights); two outputs given by name with per-output losses and loss weights; two outputs in a list with a
// list of losses and weights; one loss applied to both outputs and summed, as Keras does.
// Tolerance 1e-5 absolute + 1e-4 relative, as the model zoo.
import { expect } from 'chai';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lt from '../../src/index.js';
import { SGD } from '../../src/train/optimizers/index.js';
import { expectClose, flat } from './helpers.js';

type W = Record<string, lt.NestedArray[]>;
const fx = JSON.parse(readFileSync(new URL('../fixtures/functional_training.json', import.meta.url), 'utf8')) as { cases: Record<string, unknown>[] };
const get = <T>(name: string): T => fx.cases.find((c) => c.name === name) as T;
const L = lt.keras.layers;
const S = (t: unknown): lt.keras.SymbolicTensor => t as lt.keras.SymbolicTensor;
const ATOL = 1e-5;
const RTOL = 1e-4;

function setByName(m: lt.keras.Model, w: W): void {
  for (const [k, ws] of Object.entries(w)) m.getLayer(k).setWeights(ws.map((v) => lt.tensor(v)));
}
function checkByName(m: lt.keras.Model, w: W, what: string): void {
  for (const [k, ws] of Object.entries(w)) m.getLayer(k).weights.forEach((t, i) => expectClose(t.data, flat(ws[i]), ATOL, RTOL, `${what} ${t.name}`));
}
function twoOutputs(asObject: boolean, units = 4, T = 5, F = 2): lt.keras.Model {
  const i = lt.keras.Input({ shape: [T, F], name: 'x' });
  const t = S(new L.LSTM({ units, name: 'trunk' }).apply(i));
  if (asObject) return new lt.keras.Model({ inputs: i, outputs: { a: S(new L.Dense({ units: 2, name: 'a' }).apply(t)), b: S(new L.Dense({ units: 1, name: 'b' }).apply(t)) } });
  return new lt.keras.Model({ inputs: i, outputs: [S(new L.Dense({ units: 2, name: 'p' }).apply(t)), S(new L.Dense({ units: 1, name: 'q' }).apply(t))] });
}
type Steps = { initial: W; final: W; steps: { x: lt.NestedArray; y: lt.NestedArray[] | Record<string, lt.NestedArray>; loss: number }[] };
function runSteps(m: lt.keras.Model, c: Steps): void {
  setByName(m, c.initial);
  c.steps.forEach((s, k) => {
    const y = Array.isArray(s.y) ? s.y.map((v) => lt.tensor(v)) : Object.fromEntries(Object.entries(s.y).map(([n, v]) => [n, lt.tensor(v)]));
    const loss = m.trainOnBatch(lt.tensor(s.x), y);
    expect(loss, `step ${k} loss`).to.be.closeTo(s.loss, ATOL + RTOL * Math.abs(s.loss));
  });
  checkByName(m, c.final, 'final');
}

describe('train: Functional models with several inputs or outputs vs TF 2.21 (fit, per-output losses and loss weights)', () => {
  it('seq2seq (two inputs): fit(batch 2, 2 epochs, no shuffle) gives TF\'s epoch losses and final weights', () => {
    lt.keras.clearSession();
    const c = get<{ initial: W; final: W; x: lt.NestedArray[]; y: lt.NestedArray; history_loss: number[] }>('seq2seq_fit');
    const encIn = lt.keras.Input({ shape: [null, 3], name: 'enc' });
    const [, h, cc] = new L.LSTM({ units: 4, returnState: true, name: 'encoder' }).apply(encIn) as lt.keras.SymbolicTensor[];
    const decIn = lt.keras.Input({ shape: [null, 3], name: 'dec' });
    const seq = S(new L.LSTM({ units: 4, returnSequences: true, name: 'decoder' }).apply(decIn, { initialState: [h, cc] }));
    const m = new lt.keras.Model({ inputs: [encIn, decIn], outputs: S(new L.Dense({ units: 3, activation: 'softmax', name: 'probs' }).apply(seq)) });
    setByName(m, c.initial);
    m.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'categorical_crossentropy' });
    const hist = m.fit(c.x.map((v) => lt.tensor(v)), lt.tensor(c.y), { batchSize: 2, epochs: 2, shuffle: false, verbose: 0 });
    expectClose(hist.history.loss, c.history_loss, ATOL, RTOL, 'epoch loss');
    checkByName(m, c.final, 'final');
  });
  it('two outputs by name: loss {a: mse, b: mae}, lossWeights {a: 1, b: 0.5}, 3 steps', () => {
    lt.keras.clearSession();
    const m = twoOutputs(true);
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: { a: 'mse', b: 'mae' }, lossWeights: { a: 1.0, b: 0.5 } });
    const c = get<Steps & { fit: { x: lt.NestedArray; y: Record<string, lt.NestedArray>; val_x: lt.NestedArray; val_y: Record<string, lt.NestedArray>; history: Record<string, number[]> } }>('two_outputs_dict');
    runSteps(m, c);
    // then fit with validation data: every key of Keras's history (loss, a_loss, b_loss — unweighted — and val_*)
    const obj = (o: Record<string, lt.NestedArray>): Record<string, lt.Tensor> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, lt.tensor(v)]));
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: { a: 'mse', b: 'mae' }, lossWeights: { a: 1.0, b: 0.5 }, metrics: { a: ['mae'], b: ['mse'] } });  // as the generator
    const h = m.fit(lt.tensor(c.fit.x), obj(c.fit.y), { batchSize: 2, epochs: 2, shuffle: false, verbose: 0, validationData: [lt.tensor(c.fit.val_x), obj(c.fit.val_y)] });
    expect(Object.keys(h.history).sort()).to.deep.equal(Object.keys(c.fit.history).sort());
    for (const [k, vs] of Object.entries(c.fit.history)) expectClose(h.history[k], vs, ATOL, RTOL, `history ${k}`);
  });
  it('two outputs in a list: loss [mse, mae], lossWeights [0.3, 2], 3 steps', () => {
    lt.keras.clearSession();
    const m = twoOutputs(false, 3, 4, 3);
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: ['mse', 'mae'], lossWeights: [0.3, 2.0] });
    runSteps(m, get<Steps>('two_outputs_list'));
  });
  it('one loss for two outputs applies to each and sums (Keras); with lossWeights it is Keras\'s error', () => {
    lt.keras.clearSession();
    const m = twoOutputs(false, 3, 4, 3);
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    runSteps(m, get<Steps>('two_outputs_one_loss'));
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse', lossWeights: [0.3, 2.0] });
    expect(() => m.trainOnBatch(lt.zeros([1, 4, 3]), [lt.zeros([1, 2]), lt.zeros([1, 1])])).to.throw(/lossWeights must match the number of losses, got 1 losses and 2 weights/);
  });
  it('sample weights per output: an object by name (2 steps), one tensor for both (1 step), then fit with weighted validation data', () => {
    lt.keras.clearSession();
    const m = twoOutputs(true);
    type SW = lt.NestedArray | Record<string, lt.NestedArray>;
    const c = get<{ initial: W; final: W; steps: { x: lt.NestedArray; y: Record<string, lt.NestedArray>; sw: SW; loss: number }[];
      fit: { x: lt.NestedArray; y: Record<string, lt.NestedArray>; sw: Record<string, lt.NestedArray>; val_x: lt.NestedArray;
        val_y: Record<string, lt.NestedArray>; val_sw: Record<string, lt.NestedArray>; history: Record<string, number[]>; final: W } }>('sample_weight_dict');
    const obj = (o: Record<string, lt.NestedArray>): Record<string, lt.Tensor> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, lt.tensor(v)]));
    const compile = (): void => m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: { a: 'mse', b: 'mae' }, lossWeights: { a: 1.0, b: 0.5 } });
    compile();
    setByName(m, c.initial);
    c.steps.forEach((s, k) => {
      const sw = Array.isArray(s.sw) ? lt.tensor(s.sw) : obj(s.sw as Record<string, lt.NestedArray>);
      const loss = m.trainOnBatch(lt.tensor(s.x), obj(s.y), sw);
      expect(loss, `step ${k} loss`).to.be.closeTo(s.loss, ATOL + RTOL * Math.abs(s.loss));
    });
    checkByName(m, c.final, 'after steps');
    compile();
    const h = m.fit(lt.tensor(c.fit.x), obj(c.fit.y), { sampleWeight: obj(c.fit.sw), batchSize: 2, epochs: 2, shuffle: false, verbose: 0,
      validationData: [lt.tensor(c.fit.val_x), obj(c.fit.val_y), obj(c.fit.val_sw)] });
    expect(Object.keys(h.history).sort()).to.deep.equal(Object.keys(c.fit.history).sort());
    for (const [k, vs] of Object.entries(c.fit.history)) expectClose(h.history[k], vs, ATOL, RTOL, `history ${k}`);
    checkByName(m, c.fit.final, 'after fit');
  });
  it('sample weights per output as a list in output order (2 steps)', () => {
    lt.keras.clearSession();
    const m = twoOutputs(false, 3, 4, 3);
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: ['mse', 'mae'], lossWeights: [0.3, 2.0] });
    const c = get<{ initial: W; final: W; steps: { x: lt.NestedArray; y: lt.NestedArray[]; sw: lt.NestedArray[]; loss: number }[] }>('sample_weight_list');
    setByName(m, c.initial);
    c.steps.forEach((s, k) => {
      const loss = m.trainOnBatch(lt.tensor(s.x), s.y.map((v) => lt.tensor(v)), s.sw.map((v) => lt.tensor(v)));
      expect(loss, `step ${k} loss`).to.be.closeTo(s.loss, ATOL + RTOL * Math.abs(s.loss));
    });
    checkByName(m, c.final, 'final');
  });
  it('sample weights per output are checked: names, count, rows; classWeight is single-output only (Keras)', () => {
    lt.keras.clearSession();
    const m = twoOutputs(true);
    m.compile({ optimizer: 'sgd', loss: { a: 'mse', b: 'mse' } });
    const x = lt.zeros([2, 5, 2]);
    const y = { a: lt.zeros([2, 2]), b: lt.zeros([2, 1]) };
    expect(() => m.trainOnBatch(x, y, { c: lt.ones([2]) })).to.throw(/sampleWeight names an output 'c' the model does not have \(outputs: a, b\)/);
    expect(() => m.trainOnBatch(x, y, [lt.ones([2])])).to.throw(/sampleWeight has 1 entries but the model has 2 outputs/);
    expect(() => m.trainOnBatch(x, y, { a: lt.ones([3]) })).to.throw(/same number of samples/);
    expect(() => m.fit(x, y, { classWeight: { 0: 2 }, verbose: 0 })).to.throw(/classWeight is only supported for models with a single output/);
    // leaving an output out of the object leaves its loss unweighted: same as weights of 1
    const a = m.evaluate(x, { a: lt.ones([2, 2]), b: lt.ones([2, 1]) }, { sampleWeight: { a: lt.tensor([2, 0]) } });
    const b = m.evaluate(x, { a: lt.ones([2, 2]), b: lt.ones([2, 1]) }, { sampleWeight: { a: lt.tensor([2, 0]), b: lt.ones([2]) } });
    expect(a).to.deep.equal(b);
    const single = new lt.keras.Sequential({ layers: [new L.Dense({ units: 1, inputShape: [2] })] });
    single.compile({ optimizer: 'sgd', loss: 'mse' });
    expect(() => single.trainOnBatch(lt.zeros([2, 2]), lt.zeros([2, 1]), [lt.ones([2])])).to.throw(/the model has one output: sampleWeight must be a Tensor/);
  });
  it('testOnBatch is evaluate on one batch (no update), predictOnBatch is predict on one batch, in the output structure', () => {
    lt.keras.clearSession();
    const m = twoOutputs(true);
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: { a: 'mse', b: 'mae' }, lossWeights: { a: 1.0, b: 0.5 } });
    const x = lt.randomUniform([4, 5, 2], -1, 1, { seed: 5 });
    const y = { a: lt.randomUniform([4, 2], -1, 1, { seed: 6 }), b: lt.randomUniform([4, 1], -1, 1, { seed: 7 }) };
    const w0 = m.getWeights().map((t) => t.toFlatArray());
    const sw = { a: lt.tensor([1, 0, 2, 1]) };
    expect(m.testOnBatch(x, y, sw)).to.equal(m.evaluate(x, y, { batchSize: 4, sampleWeight: sw }).loss);
    expect(m.getWeights().map((t) => t.toFlatArray())).to.deep.equal(w0);
    const p = m.predictOnBatch(x) as Record<string, lt.Tensor>;
    const whole = m.apply(x) as lt.Tensor[];
    expect(p.a.toFlatArray()).to.deep.equal(whole[0].toFlatArray());
    expect(p.b.toFlatArray()).to.deep.equal(whole[1].toFlatArray());
    // the loss testOnBatch reports is the one trainOnBatch computes before its update (no dropout here)
    const before = m.testOnBatch(x, y, sw);
    expect(m.trainOnBatch(x, y, sw)).to.be.closeTo(before, 1e-6);
    expect(m.testOnBatch(x, y, sw)).to.be.below(before);
  });
  it('targets must match the outputs: count, names, a single tensor for two outputs', () => {
    lt.keras.clearSession();
    const m = twoOutputs(true);
    m.compile({ optimizer: 'sgd', loss: { a: 'mse', b: 'mse' } });
    const x = lt.zeros([2, 5, 2]);
    expect(() => m.trainOnBatch(x, lt.zeros([2, 2]))).to.throw(/the model has 2 outputs \(a, b\): pass y as an array or an object keyed by output name/);
    expect(() => m.trainOnBatch(x, { a: lt.zeros([2, 2]) })).to.throw(/y has no target for output 'b'/);
    expect(() => m.trainOnBatch(x, [lt.zeros([2, 2])])).to.throw(/y has 1 targets but the model has 2 outputs/);
    m.compile({ optimizer: 'sgd', loss: { a: 'mse', c: 'mse' } });
    expect(() => m.trainOnBatch(x, { a: lt.zeros([2, 2]), b: lt.zeros([2, 1]) })).to.throw(/loss names an output 'c' the model does not have/);
  });

  it('save / loadModel round trip of a Functional model (two inputs, initial states, outputs by name): same predictions, compile restored', () => {
    lt.keras.clearSession();
    const a = lt.keras.Input({ shape: [null, 3], name: 'a' });
    const b = lt.keras.Input({ shape: [4], name: 'b' });
    const [seq, h] = new L.LSTM({ units: 4, returnSequences: true, returnState: true, name: 'enc' }).apply(a, { initialState: [b, b] }) as lt.keras.SymbolicTensor[];
    const shared = new L.Dense({ units: 2, name: 'shared' });
    const m = new lt.keras.Model({ inputs: [a, b], outputs: { seq: S(shared.apply(seq)), last: S(shared.apply(h)) }, name: 'rt' });
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: { seq: 'mse', last: 'mae' }, lossWeights: { seq: 1, last: 0.25 }, metrics: { last: ['mse'] } });
    const x = [lt.randomUniform([2, 5, 3], -1, 1, { seed: 1 }), lt.randomUniform([2, 4], -1, 1, { seed: 2 })];
    const before = m.apply(x) as lt.Tensor[];
    const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-fn-'));
    try {
      m.save(dir);
      const back = lt.keras.loadModel(dir) as lt.keras.Functional;
      expect(back.className).to.equal('Functional');
      const after = back.apply(x) as lt.Tensor[];
      before.forEach((t, i) => expect(Array.from(after[i].data)).to.deep.equal(Array.from(t.data)));
      // the restored compile trains both the same way
      const y = { seq: lt.zeros([2, 5, 2]), last: lt.ones([2, 2]) };
      expect(back.evaluate(x, y)).to.deep.equal(m.evaluate(x, y));  // loss, seq_loss, last_loss, last_mse
      expect(Object.keys(back.evaluate(x, y)).sort()).to.deep.equal(['last_loss', 'last_mse', 'loss', 'seq_loss']);
      expect(back.trainOnBatch(x, y)).to.equal(m.trainOnBatch(x, y));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
