// The Functional API vs REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_functional.py): each model is
// built here the way the Keras script builds it (Input, layer calls on symbolic tensors, Model({inputs,
// outputs})), given Keras's seeded weights by layer name, and must give TF's outputs (at several sequence
// lengths for the variable-length seq2seq model), TF's gradients of Σ w·y for every weight (shared layers
// accumulate both call sites), and for single-input models one SGD train_on_batch step (loss and weights).
// Tolerance 1e-5 absolute + 1e-4 relative (float32 through stacked recurrent layers, as the model zoo).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';
import { SGD } from '../../src/train/optimizers/index.js';

type W = Record<string, lt.NestedArray[]>;
interface Case { name: string; weights: W; grads: W; runs: { inputs: lt.NestedArray[]; outputs: lt.NestedArray[] }[];
  train?: { x: lt.NestedArray; y: lt.NestedArray; loss: number; weights_after: W } }
const fx = JSON.parse(readFileSync(new URL('../fixtures/functional.json', import.meta.url), 'utf8')) as { cases: Case[] };
const L = lt.keras.layers;
const S = (t: unknown): lt.keras.SymbolicTensor => t as lt.keras.SymbolicTensor;
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function close(got: ArrayLike<number>, want: number[], what: string): void {
  expect(got.length, `${what}: length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-5 + 1e-4 * Math.abs(want[i]))) expect.fail(`${what}[${i}]: ${got[i]} vs TF ${want[i]}`);
  }
}

const builders: Record<string, () => lt.keras.Model> = {
  seq2seq: () => {
    const encIn = lt.keras.Input({ shape: [null, 5], name: 'encoder_inputs' });
    const [, h, c] = new L.LSTM({ units: 6, returnState: true, name: 'encoder' }).apply(encIn) as lt.keras.SymbolicTensor[];
    const decIn = lt.keras.Input({ shape: [null, 4], name: 'decoder_inputs' });
    const [decSeq] = new L.LSTM({ units: 6, returnSequences: true, returnState: true, name: 'decoder' }).apply(decIn, { initialState: [h, c] }) as lt.keras.SymbolicTensor[];
    const out = new L.Dense({ units: 4, activation: 'softmax', name: 'decoder_dense' }).apply(decSeq);
    return new lt.keras.Model({ inputs: [encIn, decIn], outputs: S(out) });
  },
  siamese: () => {
    const a = lt.keras.Input({ shape: [4, 3], name: 'left' });
    const b = lt.keras.Input({ shape: [4, 3], name: 'right' });
    const shared = new L.LSTM({ units: 5, name: 'shared_lstm' });
    const sim = new L.Dot({ axes: 1, normalize: true, name: 'cosine' }).apply([S(shared.apply(a)), S(shared.apply(b))]);
    return new lt.keras.Model({ inputs: [a, b], outputs: S(new L.Dense({ units: 1, activation: 'sigmoid', name: 'head' }).apply(S(sim))) });
  },
  masked_add: () => {
    const ids = lt.keras.Input({ shape: [6], name: 'ids' });
    let x = S(new L.Embedding({ inputDim: 7, outputDim: 4, maskZero: true, name: 'emb' }).apply(ids));
    x = S(new L.LSTM({ units: 4, returnSequences: true, name: 'lstm_a' }).apply(x));
    x = S(new L.Add({ name: 'residual' }).apply([x, S(new L.Dense({ units: 4, name: 'proj' }).apply(x))]));
    x = S(new L.LSTM({ units: 3, name: 'lstm_b' }).apply(x));
    return new lt.keras.Model({ inputs: ids, outputs: S(new L.Dense({ units: 1, name: 'out' }).apply(x)) });
  },
  two_outputs: () => {
    const i = lt.keras.Input({ shape: [5, 2], name: 'x' });
    const h = S(new L.LSTM({ units: 4, name: 'trunk' }).apply(i));
    return new lt.keras.Model({ inputs: i, outputs: [S(new L.Dense({ units: 2, name: 'out_a' }).apply(h)), S(new L.Dense({ units: 1, name: 'out_b' }).apply(h))] });
  },
  nested: () => {
    const ii = lt.keras.Input({ shape: [5, 3], name: 'inner_in' });
    const inner = new lt.keras.Model({ inputs: ii, outputs: S(new L.LSTM({ units: 3, name: 'inner_lstm' }).apply(ii)), name: 'encoder_model' });
    const oi = lt.keras.Input({ shape: [5, 3], name: 'outer_in' });
    return new lt.keras.Model({ inputs: oi, outputs: S(new L.Dense({ units: 2, name: 'outer_dense' }).apply(S(inner.apply(oi)))) });
  },
};

/** Every weight-holding layer of a (possibly nested) model, by name. */
function layersByName(m: lt.keras.Model): Map<string, lt.keras.Layer> {
  const out = new Map<string, lt.keras.Layer>();
  for (const l of m.layers) {
    if (l instanceof lt.keras.Model) for (const [k, v] of layersByName(l)) out.set(k, v);
    else if (l.weights.length > 0) out.set(l.name, l);
  }
  return out;
}

describe('keras Functional API vs TF 2.21 (Input, symbolic calls, shared layers, initial states, masks, nested models)', () => {
  for (const c of fx.cases) {
    it(`${c.name}: outputs${c.runs.length > 1 ? ` at ${c.runs.length} sequence lengths` : ''}, every weight's gradient${c.train ? ', one SGD step' : ''}`, () => {
      lt.keras.clearSession();
      const model = builders[c.name]();
      const byName = layersByName(model);
      expect([...byName.keys()].sort()).to.deep.equal(Object.keys(c.weights).sort());
      for (const [k, ws] of Object.entries(c.weights)) byName.get(k)!.setWeights(ws.map((w) => lt.tensor(w)));
      c.runs.forEach((r, k) => {
        const xs = r.inputs.map((v) => lt.tensor(v));
        const ys = model.apply(xs.length === 1 ? xs[0] : xs);
        const list = Array.isArray(ys) ? ys : [ys];
        expect(list.length).to.equal(r.outputs.length);
        list.forEach((y, i) => close(y.data, flat(r.outputs[i]), `run ${k} output ${i}`));
      });
      // gradients of Σ w·y (w from linspace(-1, 1) per output) w.r.t. every weight
      const xs = c.runs[0].inputs.map((v) => lt.tensor(v));
      const ys = model.apply(xs.length === 1 ? xs[0] : xs);
      const list = Array.isArray(ys) ? ys : [ys];
      lt.backward(list, list.map((y) => lt.tensor(Array.from({ length: y.size }, (_, i) => (y.size === 1 ? -1 : -1 + (2 * i) / (y.size - 1))), { shape: [...y.shape] })));
      for (const [k, gs] of Object.entries(c.grads)) {
        byName.get(k)!.weights.forEach((w, i) => close(w.grad!.data, flat(gs[i]), `d/d ${w.name}`));
      }
      if (c.train) {
        for (const l of byName.values()) for (const w of l.weights) w.zeroGrad();
        model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
        const loss = model.trainOnBatch(lt.tensor(c.train.x), lt.tensor(c.train.y));
        expect(loss).to.be.closeTo(c.train.loss, 1e-5 + 1e-4 * Math.abs(c.train.loss));
        for (const [k, ws] of Object.entries(c.train.weights_after)) {
          byName.get(k)!.weights.forEach((w, i) => close(w.data, flat(ws[i]), `${w.name} after one SGD step`));
        }
      }
    });
  }

  it('graph checks: disconnected inputs, non-input tensors as inputs, wrong input shapes and counts, explicit masks', () => {
    const a = lt.keras.Input({ shape: [3], name: 'ga' });
    const b = lt.keras.Input({ shape: [3], name: 'gb' });
    const sum = S(new L.Add().apply([a, b]));
    expect(() => new lt.keras.Model({ inputs: a, outputs: sum })).to.throw(/Graph disconnected: cannot obtain a value for the input 'gb'/);
    expect(() => new lt.keras.Model({ inputs: [a, sum], outputs: sum })).to.throw(/inputs\[1\] .* is not a model input/);
    const m = new lt.keras.Model({ inputs: [a, b], outputs: sum });
    expect(() => m.apply([lt.zeros([2, 3])])).to.throw(/the model has 2 inputs but was given 1/);
    expect(() => m.apply([lt.zeros([2, 4]), lt.zeros([2, 3])])).to.throw(/input 0 \('ga'\) expects shape \[None, 3\], got \[2, 4\]/);
    expect((m.apply({ ga: lt.ones([1, 3]), gb: lt.ones([1, 3]) }) as lt.Tensor).toArray()).to.deep.equal([[2, 2, 2]]);
    expect(() => new L.Dense({ units: 2 }).apply(a, { mask: lt.ones([1]) } as never)).to.throw(/an explicit mask is not recorded/);
    expect(() => lt.keras.Input({ shape: [3], batch_size: 2 } as never)).to.throw(/Input: unknown option 'batch_size'; did you mean 'batchSize'/);
    expect(() => new lt.keras.Model({ inputs: a, outputs: a, name: 'x', outptus: 1 } as never)).to.throw(/Model: unknown option 'outptus'; did you mean 'outputs'/);
    // Symbolic shapes: unknown dims stay unknown, known ones are inferred by the traced calls
    const seq = lt.keras.Input({ shape: [null, 3] });
    const r = new L.LSTM({ units: 4, returnSequences: true }).apply(seq) as lt.keras.SymbolicTensor;
    expect([...r.shape]).to.deep.equal([null, null, 4]);
    expect([...S(new L.Dense({ units: 2 }).apply(r)).shape]).to.deep.equal([null, null, 2]);
  });

  it('a shared layer has one set of weights for all its call sites; getLayer finds layers by name', () => {
    const a = lt.keras.Input({ shape: [2], name: 'sa' });
    const d = new L.Dense({ units: 2, name: 'shared_dense', useBias: false, kernelInitializer: 'ones' });
    const y = S(d.apply(S(d.apply(a))));  // applied twice in a chain: [x0+x1]·2 per unit
    const m = new lt.keras.Model({ inputs: a, outputs: y });
    expect(m.trainableWeights.length).to.equal(1);
    expect(m.getLayer('shared_dense')).to.equal(d);
    expect(() => m.getLayer('nope')).to.throw(/No such layer: nope/);
    expect((m.apply(lt.tensor([[1, 2]])) as lt.Tensor).toArray()).to.deep.equal([[6, 6]]);
  });

  it('summary(): a row per layer (input layers too), the last call\'s output shape, params, and Keras\'s "Connected to" (layer[node][tensor])', () => {
    lt.keras.clearSession();
    const a = lt.keras.Input({ shape: [5, 3], name: 'a' });
    const b = lt.keras.Input({ shape: [5, 3], name: 'b' });
    const d = new L.LSTM({ units: 4, name: 'shared' });
    const m = new lt.keras.Model({ inputs: [a, b], outputs: S(new L.Concatenate({ name: 'cat' }).apply([S(d.apply(a)), S(d.apply(b))])), name: 'siam' });
    const text = m.summary(false);
    const rows = text.split('\n').map((r) => r.trim().split(/\s{2,}/));
    expect(rows.find((r) => r[0] === 'shared (LSTM)')).to.deep.equal(['shared (LSTM)', '(None, 4)', '128', 'a[0][0], b[0][0]']);  // 4·4·(3+4+1)
    expect(rows.find((r) => r[0] === 'cat (Concatenate)')).to.deep.equal(['cat (Concatenate)', '(None, 8)', '0', 'shared[0][0], shared[1][0]']);
    expect(rows.find((r) => r[0] === 'a (InputLayer)')).to.deep.equal(['a (InputLayer)', '(None, 5, 3)', '0', '-']);
    expect(text).to.include('Total params: 128 (0.50 KB)');
    // a plain chain has no "Connected to" column, as in Keras
    const x = lt.keras.Input({ shape: [2] });
    expect(new lt.keras.Model({ inputs: x, outputs: S(new L.Dense({ units: 1 }).apply(x)) }).summary(false)).to.not.include('Connected to');
  });

  it('predict batches several inputs (an array, or an object by input name) to what one apply gives; rows must agree', () => {
    lt.keras.clearSession();
    const a = lt.keras.Input({ shape: [3], name: 'pa' });
    const b = lt.keras.Input({ shape: [3], name: 'pb' });
    const m = new lt.keras.Model({ inputs: [a, b], outputs: S(new L.Dense({ units: 2 }).apply(S(new L.Add().apply([a, b])))) });
    const xa = lt.randomUniform([5, 3], -1, 1, { seed: 1 });
    const xb = lt.randomUniform([5, 3], -1, 1, { seed: 2 });
    const all = (m.apply([xa, xb]) as lt.Tensor).toFlatArray();
    expect((m.predict([xa, xb], { batchSize: 2 }) as lt.Tensor).toFlatArray()).to.deep.equal(all);
    expect((m.predict({ pa: xa, pb: xb }, { batchSize: 3 }) as lt.Tensor).toFlatArray()).to.deep.equal(all);
    expect(() => m.predict([xa, lt.zeros([4, 3])])).to.throw(/predict: all inputs must have the same number of rows: input 0 has 5, input 1 has 4/);
  });

  it('recording a call of a nested model does not move the stored states of stateful RNNs inside it (Bidirectional too)', () => {
    lt.keras.clearSession();
    const ii = lt.keras.Input({ shape: [3, 2], batchSize: 2 });
    const bi = new L.Bidirectional({ layer: new L.LSTM({ units: 2, stateful: true }) });
    const inner = new lt.keras.Model({ inputs: ii, outputs: S(bi.apply(ii)) });
    inner.predict(lt.randomUniform([2, 3, 2], -1, 1, { seed: 1 }), { batchSize: 2 });
    const stored = (): number[][] => bi.layers.flatMap((l) => (l as lt.keras.layers.RNN).states!.map((t) => t.toFlatArray()));
    const before = stored();
    expect(before.flat().some((v) => v !== 0)).to.equal(true);
    const x = lt.keras.Input({ shape: [3, 2], batchSize: 2 });
    new lt.keras.Model({ inputs: x, outputs: S(inner.apply(x)) });  // traces inner on placeholders
    expect(stored()).to.deep.equal(before);
  });

  it('predict with several outputs batches each: a list, or an object by name when the outputs were given as one (Keras)', () => {
    lt.keras.clearSession();
    const x = lt.keras.Input({ shape: [4, 2], name: 'x' });
    const [seq, h] = new L.LSTM({ units: 3, returnSequences: true, returnState: true, name: 'enc' }).apply(x) as lt.keras.SymbolicTensor[];
    const xs = lt.randomUniform([5, 4, 2], -1, 1, { seed: 3 });
    const asList = new lt.keras.Model({ inputs: x, outputs: [seq, h] });
    const whole = asList.apply(xs) as lt.Tensor[];
    const p = asList.predict(xs, { batchSize: 2 }) as lt.Tensor[];
    expect(p).to.have.length(2);
    // ≤ 1e-6, not bit-equal: 'auto' may run the whole batch (1200 multiply-adds) on native-cpu and a batch of 2
    // (480) on the TS kernel, as it picks the faster kernel for each call's size (select.ts NATIVE_MIN_MACS).
    const close = (a: lt.Tensor, b: lt.Tensor, what: string) => {
      expect(a.shape, what).to.deep.equal(b.shape);
      const u = a.toFlatArray(), v = b.toFlatArray();
      u.forEach((e, j) => expect(Math.abs(e - v[j]), `${what}[${j}]`).to.be.at.most(1e-6));
    };
    p.forEach((t, i) => close(t, whole[i], `output ${i}`));
    const asObject = new lt.keras.Model({ inputs: x, outputs: { seq, last: h } });
    const o = asObject.predict(xs, { batchSize: 3 }) as Record<string, lt.Tensor>;
    expect(Object.keys(o)).to.deep.equal(['seq', 'last']);
    close(o.seq, whole[0], 'seq');
    close(o.last, whole[1], 'last');
  });
});
