// Dropout-mask semantics (§2), stateful rules (§4.3/§4.4), the Keras 2 compatibility switch, explain(), and
// every error a user can trigger, with Keras's messages.

import { expect } from 'chai';
import { keras, tensor, Tensor, ops, Random } from '../../src/index.js';
import { expectClose, t32 } from './helpers.js';

const { LSTM, SimpleRNN, LSTMCell, SimpleRNNCell, RNN, Bidirectional, initializers } = { ...keras.layers, initializers: keras.initializers };

function rand(shape: number[], seed: number): Tensor {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = r.uniformRange(-1, 1);
  return tensor(d, { shape });
}

describe('keras-recurrent: dropout masks', () => {
  it('inference (training false/absent) ignores dropout and recurrent_dropout', () => {
    const x = rand([2, 4, 3], 1);
    const a = new LSTM({ units: 3, dropout: 0.5, recurrentDropout: 0.3, returnSequences: true });
    // a's recurrent_dropout forces implementation 1 and the generic step loop, whose float32 rounding order is
    // (x·K_g + b_g) + h·R_g. b must run the same loop to be bit-identical (tolerance 0): unroll keeps it off the
    // fused kernels, which round (x·K + h·R) + b (implementation 2's order) and so differ by an ulp for some weights.
    const b = new LSTM({ units: 3, returnSequences: true, implementation: 1, unroll: true });
    a.build([2, 4, 3]);
    b.build([2, 4, 3]);
    b.setWeights(a.getWeights());
    expectClose('no dropout at inference', a.apply(x) as Tensor, b.apply(x) as Tensor, 0);
    expectClose('training: false', a.apply(x, { training: false }) as Tensor, b.apply(x) as Tensor, 0);
    expect([a.explain()?.path, b.explain()?.path]).to.deep.equal(['generic', 'generic']);
  });

  it('one input mask per call, shared by every time step, values 0 or 1/(1−rate) (variational dropout)', () => {
    // SimpleRNN with K = 1, R = 0, linear, no bias: h_t = x_t·m_b, so h_t / x_t is row b's mask at every t.
    const rate = 0.4;
    const l = new SimpleRNN({ units: 1, dropout: rate, seed: 5, activation: 'linear', useBias: false, returnSequences: true,
      kernelInitializer: initializers.ones(), recurrentInitializer: initializers.zeros() });
    const B = 64;
    const T = 5;
    const x = tensor(Float32Array.from({ length: B * T }, (_, i) => 1 + (i % 7) / 10), { shape: [B, T, 1] });
    const y = l.apply(x, { training: true }) as Tensor;
    const keep = Math.fround(1 / (1 - rate));
    let dropped = 0;
    for (let b = 0; b < B; b++) {
      const m0 = y.data[b * T] / x.data[b * T];
      expect([0, keep].some((v) => Math.abs(m0 - v) < 1e-6), `mask value ${m0}`).to.equal(true);
      for (let t = 1; t < T; t++) expect(Math.abs(y.data[b * T + t] / x.data[b * T + t] - m0)).to.be.lessThan(1e-6);
      if (m0 === 0) dropped++;
    }
    expect(dropped).to.be.within(10, 45); // ~0.4·64 = 25.6 dropped rows
    // A new call draws a new mask (the cache is reset per call) ...
    const y2 = l.apply(x, { training: true }) as Tensor;
    expect(Array.from(y2.data)).to.not.deep.equal(Array.from(y.data));
    // ... and the same seed gives the same first mask.
    const l2 = new SimpleRNN({ units: 1, dropout: rate, seed: 5, activation: 'linear', useBias: false, returnSequences: true,
      kernelInitializer: initializers.ones(), recurrentInitializer: initializers.zeros() });
    expectClose('same seed', l2.apply(x, { training: true }) as Tensor, y, 0);
  });

  it('mask-cache methods: cached until reset, null outside training or for rate 0/1 (Keras: 0 < rate < 1)', () => {
    const cell = new LSTMCell({ units: 2, dropout: 0.5, recurrentDropout: 0.5, seed: 1 });
    const x = rand([3, 4], 2);
    const h = rand([3, 2], 3);
    const m1 = cell.getDropoutMaskForCell(x, true)!;
    expect(cell.getDropoutMaskForCell(x, true)).to.equal(m1);
    expect(cell.getDropoutMaskForCell(x, false)).to.equal(null);
    cell.resetDropoutMask();
    expect(cell.getDropoutMaskForCell(x, true)).to.not.equal(m1);
    const r1 = cell.getRecurrentDropoutMaskForCell(h, true)!;
    expect(r1[0].shape).to.deep.equal([3, 2]);
    cell.resetRecurrentDropoutMask();
    expect(cell.getRecurrentDropoutMaskForCell(h, true)).to.not.equal(r1);
    expect(new LSTMCell({ units: 2, dropout: 1.0 }).getDropoutMaskForCell(x, true), 'rate 1 is a no-op').to.equal(null);
    expect(new LSTMCell({ units: 2, dropout: 1.7 }).dropout, 'clipped to [0, 1]').to.equal(1);
  });

  it('Keras 3 mask counts: implementation 2 → 1 input mask; recurrent_dropout forces implementation 1 → 4 + 4; Keras 2 → 4 always', () => {
    const x = rand([2, 3], 4);
    const h = rand([2, 2], 5);
    const i2 = new LSTMCell({ units: 2, dropout: 0.3 });
    expect(i2.implementation).to.equal(2);
    expect(i2.getDropoutMaskForCell(x, true)!.length).to.equal(1);
    const i1 = new LSTMCell({ units: 2, dropout: 0.3, recurrentDropout: 0.2, implementation: 2 });
    expect(i1.implementation, 'recurrent_dropout forces implementation 1').to.equal(1);
    expect(i1.getDropoutMaskForCell(x, true)!.length).to.equal(4);
    expect(i1.getRecurrentDropoutMaskForCell(h, true)!.length).to.equal(4);
    const s = new SimpleRNNCell({ units: 2, dropout: 0.3, recurrentDropout: 0.3 });
    expect(s.getDropoutMaskForCell(x, true)!.length).to.equal(1);
    keras.withKerasCompat('keras2', () => {
      const k2 = new LSTMCell({ units: 2, dropout: 0.3 });
      expect(k2.getDropoutMaskForCell(x, true)!.length, 'K2 draws 4 and uses the first in implementation 2').to.equal(4);
    });
  });

  it('implementation 1 uses a different mask per gate: differs from implementation 2 under the same seed', () => {
    const x = rand([4, 3, 3], 6);
    const a = new LSTM({ units: 2, dropout: 0.5, seed: 9, implementation: 1, returnSequences: true });
    const b = new LSTM({ units: 2, dropout: 0.5, seed: 9, implementation: 2, returnSequences: true, backend: 'ts' });
    a.build([4, 3, 3]);
    b.build([4, 3, 3]);
    b.setWeights(a.getWeights());
    const ya = a.apply(x, { training: true }) as Tensor;
    expect(a.explain()!.path).to.equal('generic');
    expect(a.explain()!.reasons.join('\n')).to.match(/implementation=1 with dropout/);
    const yb = b.apply(x, { training: true }) as Tensor;
    expect(b.explain()!.path).to.equal('ts');
    expect(Array.from(ya.data)).to.not.deep.equal(Array.from(yb.data));
  });

  it('Keras 2 compat: LSTM input dropout on the cuDNN-eligible config is i.i.d. per time step (§2.4)', () => {
    // I = H = 1, kernel 1, recurrent kernel 0, bias 0, constant input 1: the step input is m_{b,t} ∈ {0, 2}.
    const T = 12;
    const x = tensor(new Float32Array(32 * T).fill(1), { shape: [32, T, 1] });
    const make = () => new LSTM({ units: 1, dropout: 0.5, seed: 3, returnSequences: true, unitForgetBias: false,
      kernelInitializer: initializers.constant(1), recurrentInitializer: initializers.zeros(), biasInitializer: initializers.zeros() });
    // Keras 3: one mask per row for the whole call (m ∈ {0, 2}) → at most two distinct row trajectories.
    const k3 = make().apply(x, { training: true }) as Tensor;
    const k2 = keras.withKerasCompat('keras2', () => make().apply(x, { training: true }) as Tensor);
    // Keras 3: a row's mask is the same at every step → each row is either the all-zero-input or the all-2 run.
    const rows3 = new Set<string>();
    for (let b = 0; b < 32; b++) rows3.add(Array.from(k3.data.subarray(b * T, (b + 1) * T)).map((v) => v.toFixed(5)).join());
    expect(rows3.size, 'Keras 3: only two distinct row trajectories').to.be.at.most(2);
    const rows2 = new Set<string>();
    for (let b = 0; b < 32; b++) rows2.add(Array.from(k2.data.subarray(b * T, (b + 1) * T)).map((v) => v.toFixed(5)).join());
    expect(rows2.size, 'Keras 2: per-step masks give many trajectories').to.be.greaterThan(2);
  });
});

describe('keras-recurrent: stateful', () => {
  it('Keras 3: an explicit initial_state always wins; Keras 2: stored non-zero states win (§4.3, §4.4)', () => {
    const x = rand([2, 3, 2], 7);
    const h0 = rand([2, 2], 8);
    const c0 = rand([2, 2], 9);
    const ref = new LSTM({ units: 2 });
    ref.build([2, 3, 2]);
    const withInit = ref.apply(x, { initialState: [h0, c0] }) as Tensor;
    for (const mode of ['keras3', 'keras2'] as const) {
      keras.withKerasCompat(mode, () => {
        const s = new LSTM({ units: 2, stateful: true });
        s.build([2, 3, 2]);
        s.setWeights(ref.getWeights());
        const first = s.apply(x, { initialState: [h0, c0] }) as Tensor;
        expectClose(`${mode}: zero stored states → initial_state used`, first, withInit, 0);
        const second = s.apply(x, { initialState: [h0, c0] }) as Tensor;
        if (mode === 'keras3') expectClose('keras3: initial_state wins', second, withInit, 0);
        else expect(Array.from(second.data)).to.not.deep.equal(Array.from(withInit.data));
      });
    }
  });

  it('resetStates(states) sets the stored states (Keras 2 API) with count and shape validation', () => {
    const s = new LSTM({ units: 2, stateful: true, batchInputShape: [3, null, 4] });
    s.resetStates([t32([[1, 2], [3, 4], [5, 6]]), t32([[0, 0], [0, 0], [0, 0]])]);
    expect(s.states![0].toArray()).to.deep.equal([[1, 2], [3, 4], [5, 6]]);
    expect(() => s.resetStates([t32([[1, 2]])])).to.throw(/expects 2 states, but it received 1 state values/);
    expect(() => s.resetStates([t32([[1, 2]]), t32([[1, 2]])])).to.throw(/State 0 is incompatible with layer .*expected shape=\[3, 2\], found shape=\[1, 2\]/);
    s.resetStates();
    expect(Array.from(s.states![0].data).every((v) => v === 0)).to.equal(true);
    expect(() => new LSTM({ units: 2 }).resetStates()).to.throw(/Layer must be stateful\./);
    expect(() => new LSTM({ units: 2, stateful: true }).resetStates()).to.throw(/needs to know its batch size/);
    expect(() => s.apply(rand([2, 3, 4], 1))).to.throw(/batch size of the input sequences must be the same as the batch size of the initial state[\s\S]*Expected batch size: 3[\s\S]*Received batch size: 2/);
  });

  it('stored states carry no gradient history between calls', () => {
    const s = new SimpleRNN({ units: 2, stateful: true });
    const x = rand([1, 3, 2], 3);
    x.requiresGrad = true;
    s.apply(x);
    expect(s.states![0].requiresGrad).to.equal(false);
    expect(s.states![0].gradFn).to.equal(null);
  });
});

describe('keras-recurrent: explain() and backend choice', () => {
  it('reports the path and every reason the others were not used', () => {
    const x = rand([2, 3, 2], 1);
    const l = new LSTM({ units: 2, backend: 'ts' });
    expect(l.explain()).to.equal(null);
    l.apply(x);
    expect(l.explain()!.path).to.equal('ts');
    l.apply(x, { mask: tensor([[1, 0, 1], [1, 1, 1]]) });
    expect(l.explain()!.path).to.equal('generic');
    expect(l.explain()!.reasons.join('\n')).to.match(/not strictly right-padded/);
    const hs = new LSTM({ units: 2, recurrentActivation: 'hard_sigmoid', recurrentDropout: 0.1 });
    hs.apply(x);
    expect(hs.explain()!.path).to.equal('generic');
    expect(hs.explain()!.reasons.join('\n')).to.match(/recurrent_activation='hard_sigmoid'[\s\S]*recurrent_dropout=0.1/);
    const fm = new LSTM({ units: 2 });
    fm.apply(x, { mask: tensor([[1, 1, 0], [0, 0, 0]]) });
    expect(fm.explain()!.reasons.join('\n')).to.match(/fully masked row/);
  });

  it('SimpleRNN takes its fused kernel where it can, RNN(cell) the generic loop; Bidirectional reports both directions', () => {
    const x = rand([2, 3, 2], 1);
    const s = new SimpleRNN({ units: 2, backend: 'ts' });
    s.apply(x);
    expect(s.explain()!.path).to.equal('ts');
    const sg = new SimpleRNN({ units: 2, activation: 'sigmoid' });
    sg.apply(x);
    expect(sg.explain()!.path).to.equal('generic');
    expect(sg.explain()!.reasons.join('\n')).to.match(/ts: activation='sigmoid' \(the fused SimpleRNN kernel computes 'tanh' and 'relu'\)/);
    const r = new keras.layers.RNN({ cell: new keras.layers.SimpleRNNCell({ units: 2 }) });
    r.apply(x);
    expect(r.explain()!.path).to.equal('generic');
    expect(r.explain()!.reasons[0]).to.match(/fused kernels exist for the LSTM, GRU and SimpleRNN layers; RNN\(SimpleRNNCell\) runs in the generic cell loop/);
    const b = new Bidirectional({ layer: new LSTM({ units: 2, returnSequences: true, backend: 'ts' }) });
    b.apply(x, { mask: tensor([[1, 1, 0], [1, 0, 1]]) });
    expect(b.explain().forward!.path).to.equal('generic');
    b.apply(x);
    expect(b.explain().forward!.path).to.equal('ts');
    expect(b.explain().backward!.path).to.equal('ts');
  });

  it("forcing backend 'cudnn' where it cannot run throws with the reasons", () => {
    expect(() => new LSTM({ units: 2, backend: 'cudnn', activation: 'relu' }).apply(rand([1, 2, 2], 1))).to.throw(/backend 'cudnn' was requested but cannot run this call: activation='relu'/);
    expect(() => new LSTM({ units: 2, backend: 'gpu' as 'cudnn' })).to.throw(/backend must be one of/);
  });
});

describe('keras-recurrent: errors name the layer, the argument and expected vs actual', () => {
  const x = rand([2, 3, 4], 1);

  it('initial_state count and shape (Keras messages)', () => {
    const l = new LSTM({ units: 3 });
    expect(() => l.apply(x, { initialState: [rand([2, 3], 1)] })).to.throw(/Layer has 2 states but was passed 1 initial states\./);
    expect(() => l.apply(x, { initialState: [rand([2, 3], 1), rand([2, 2], 1)] })).to.throw(/initial_state\[1\] must have shape \[2, 3\] \(batch, state size\), got \[2, 2\]/);
    expect(() => new RNN({ cell: [new LSTMCell({ units: 2 }), new SimpleRNNCell({ units: 2 })] }).apply(x, { initialState: [rand([2, 2], 1)] }))
      .to.throw(/Layer has 3 states but was passed 1 initial states/);
  });

  it('input rank, T = 0, mask shape, units, unknown activation, bad implementation', () => {
    expect(() => new LSTM({ units: 3 }).apply(rand([2, 4], 1))).to.throw(/expected an input of rank 3 .*got shape \[2, 4\]/);
    expect(() => new LSTM({ units: 3 }).apply(tensor(new Float32Array(0), { shape: [2, 0, 4] }))).to.throw(/0 time steps/);
    expect(() => new SimpleRNN({ units: 3 }).apply(x, { mask: tensor([[1, 1], [1, 1]]) })).to.throw(/mask shape \[2, 2\] does not match the input: expected \[2, 3\]/);
    expect(() => new LSTM({ units: 0 })).to.throw(/expected a positive integer, got 0/);
    expect(() => new LSTM({ units: 2, activation: 'nope' as never })).to.throw(/Unknown activation function 'nope'/);
    expect(() => new LSTMCell({ units: 2, implementation: 3 })).to.throw(/implementation must be 1 or 2, got 3/);
    const built = new LSTM({ units: 2 });
    built.apply(x);
    expect(() => built.apply(rand([2, 3, 5], 1))).to.throw(/the input has 5 features \(shape \[2, 3, 5\]\) but the layer was built for 4/);
    expect(() => new LSTM({ units: 2, dtype: 'float64' }).apply(x)).to.throw(/the input is float32 but the layer computes in float64/);
  });

  it('cells: not built, wrong state count; RNN needs an RNN cell', () => {
    const c = new LSTMCell({ units: 2 });
    expect(() => c.step(rand([1, 2], 1), [rand([1, 2], 1), rand([1, 2], 2)], false)).to.throw(/not built/);
    c.build([1, 2]);
    expect(() => c.step(rand([1, 2], 1), [rand([1, 2], 1)], false)).to.throw(/expects 2 states \[h, c\], got 1/);
    const [out, h, cc] = c.apply(rand([1, 2], 1)) as Tensor[];
    expectClose('standalone cell output is h', out, h, 0);
    expect(cc.shape).to.deep.equal([1, 2]);
    expect(() => new RNN({ cell: {} as InstanceType<typeof LSTMCell> })).to.throw(/cell must be an RNN cell/);
  });

  it('Bidirectional: merge mode, mismatched backward layer', () => {
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), mergeMode: 'max' as 'sum' })).to.throw(/Invalid merge mode/);
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), backwardLayer: new LSTM({ units: 2 }) })).to.throw(/different `go_backwards`/);
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), backwardLayer: new LSTM({ units: 2, goBackwards: true, returnSequences: true }) }))
      .to.throw(/same value for attribute "return_sequences"/);
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2, returnSequences: true }) }).apply(x, { initialState: [rand([2, 2], 1)] }))
      .to.throw(/even count/);
    void ops;
  });
});

describe('keras-recurrent: regularizers, constraints, trainable', () => {
  it('weight regularizer losses (Keras l2 = 0.01·Σw², no ½) and activity regularizer on every output / batch (§7)', () => {
    const l = new LSTM({ units: 2, kernelRegularizer: 'l2', biasRegularizer: keras.regularizers.l1(0.5), activityRegularizer: keras.regularizers.l2(0.1), returnState: true });
    const x = rand([3, 4, 2], 1);
    const outs = l.apply(x) as Tensor[];
    const [k, , b] = l.getWeights();
    const sumSq = (t: Tensor) => Array.from(t.data).reduce((a, v) => a + v * v, 0);
    const sumAbs = (t: Tensor) => Array.from(t.data).reduce((a, v) => a + Math.abs(v), 0);
    const losses = l.losses.map((t) => t.item());
    expect(losses.length, '3 activity losses (output, h, c) + 2 weight losses').to.equal(5);
    const act = outs.map((o) => (0.1 * sumSq(o)) / 3);
    act.forEach((v, i) => expect(losses[i]).to.be.closeTo(v, 1e-6));
    expect(losses[3]).to.be.closeTo(0.01 * sumSq(k), 1e-6);
    expect(losses[4]).to.be.closeTo(0.5 * sumAbs(b), 1e-5);
  });

  it('constraints are registered per weight for the optimizer (applied after updates, §7.3)', () => {
    const l = new SimpleRNN({ units: 2, kernelConstraint: 'non_neg', recurrentConstraint: keras.constraints.maxNorm({ maxValue: 1 }) });
    l.apply(rand([1, 2, 3], 2));
    const cons = l.allConstraints;
    expect(cons.size).to.equal(2);
    l.applyConstraints();
    expect(Array.from(l.getWeights()[0].data).every((v) => v >= 0)).to.equal(true);
  });

  it('trainable=false: no gradients for the cell weights; weights listed in Keras order with Keras names', () => {
    const l = new LSTM({ units: 2, name: 'lstm_named' });
    l.build([1, 2, 3]);
    expect(l.weights.map((w) => w.name)).to.deep.equal(['lstm_named/lstm_cell/kernel', 'lstm_named/lstm_cell/recurrent_kernel', 'lstm_named/lstm_cell/bias']);
    l.trainable = false;
    expect(l.trainableWeights.length).to.equal(0);
    expect(l.weights.every((w) => !w.requiresGrad)).to.equal(true);
  });
});
