// @tensorflow/tfjs 4.22 (CPU backend) as a second, independent oracle — only in the configurations where it
// computes what Keras computes (keras-tf-semantics.md §11.10): no mask or a mask with t = 0 valid and zero
// initial state, inference, any go_backwards, return_sequences/return_state, stacked cells after remapping
// tfjs's reversed state order (§11.6), stateful without a mid-stream initial state.
// tfjs defaults differ from Keras (§11.1: hard_sigmoid gates, glorot_normal, no unit_forget_bias), so every
// option is passed explicitly and the weights are set on both sides.
// Tolerance 2e-6: tfjs CPU rounds each op to float32 like us, but its matmul accumulates in float64 (§11.11).

import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { keras, tensor, Tensor, Random } from '../../src/index.js';
import { expectClose } from './helpers.js';

const { LSTM, SimpleRNN, GRU, RNN, LSTMCell, Bidirectional } = keras.layers;
const TOL = 2e-6;

function rand(shape: number[], seed: number, scale = 1): Tensor {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = r.uniformRange(-scale, scale);
  return tensor(d, { shape });
}
const toTf = (t: Tensor): tf.Tensor => tf.tensor(Array.from(t.data), [...t.shape], 'float32');
const outs = (y: tf.Tensor | tf.Tensor[]): tf.Tensor[] => (Array.isArray(y) ? y : [y]);
const data = (t: tf.Tensor): Float32Array => t.dataSync() as Float32Array;

describe('keras-recurrent: @tensorflow/tfjs oracle (where tfjs matches Keras, §11.10)', function () {
  before(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  const B = 3;
  const T = 5;
  const I = 4;
  const H = 3;
  const x = rand([B, T, I], 1);

  for (const goBackwards of [false, true]) {
    it(`LSTM return_sequences + return_state, go_backwards=${goBackwards}, with initial state`, () => {
      const ours = new LSTM({ units: H, returnSequences: true, returnState: true, goBackwards });
      ours.build([B, T, I]);
      const w = [rand([I, 4 * H], 2, 0.6), rand([H, 4 * H], 3, 0.6), rand([4 * H], 4, 0.5)];
      ours.setWeights(w);
      const h0 = rand([B, H], 5);
      const c0 = rand([B, H], 6);
      const theirs = tf.layers.lstm({ units: H, returnSequences: true, returnState: true, goBackwards, recurrentActivation: 'sigmoid', unitForgetBias: true });
      theirs.apply(toTf(x)); // builds (tfjs cannot build twice)
      theirs.setWeights(w.map(toTf));
      const yt = outs(theirs.apply(toTf(x), { initialState: [toTf(h0), toTf(c0)] }) as tf.Tensor[]);
      const yo = ours.apply(x, { initialState: [h0, c0] }) as Tensor[];
      yt.forEach((t, k) => expectClose(`output ${k}`, yo[k], data(t), TOL));
    });
  }

  // tfjs's GRU agrees with Keras's only for reset_after = False (tfjs throws for resetAfter: true) and with the
  // sigmoid gates passed explicitly (its default is hardSigmoid); our reset_after = True runs against TF fixtures.
  for (const goBackwards of [false, true]) {
    it(`GRU(reset_after=False) return_sequences + return_state, go_backwards=${goBackwards}, with initial state`, () => {
      const ours = new GRU({ units: H, resetAfter: false, returnSequences: true, returnState: true, goBackwards });
      ours.build([B, T, I]);
      const w = [rand([I, 3 * H], 12, 0.6), rand([H, 3 * H], 13, 0.6), rand([3 * H], 14, 0.5)];
      ours.setWeights(w);
      const h0 = rand([B, H], 15);
      const theirs = tf.layers.gru({ units: H, returnSequences: true, returnState: true, goBackwards, recurrentActivation: 'sigmoid' });
      theirs.apply(toTf(x));
      theirs.setWeights(w.map(toTf));
      const yt = outs(theirs.apply(toTf(x), { initialState: [toTf(h0)] }) as tf.Tensor[]);
      const yo = ours.apply(x, { initialState: [h0] }) as Tensor[];
      yt.forEach((t, k) => expectClose(`output ${k}`, yo[k], data(t), TOL));
    });
  }

  it('tfjs refuses GRU reset_after = True (Keras\'s default), so that mode is checked against TF fixtures only', () => {
    expect(() => tf.layers.gru({ units: 2, resetAfter: true } as Parameters<typeof tf.layers.gru>[0])).to.throw(/reset_after/);
  });

  it('LSTM with a right-padded mask (t = 0 valid, zero initial state): carried outputs like Keras', () => {
    const mask = [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 0, 0, 0]];
    const ours = new LSTM({ units: H, returnSequences: true, returnState: true, backend: 'ts' });
    ours.build([B, T, I]);
    const theirs = tf.layers.lstm({ units: H, returnSequences: true, returnState: true, recurrentActivation: 'sigmoid', unitForgetBias: true });
    theirs.apply(toTf(x)); // builds (tfjs cannot build twice)
    theirs.setWeights(ours.getWeights().map(toTf));
    const yt = outs(theirs.apply(toTf(x), { mask: tf.tensor(mask, [B, T], 'bool') }) as tf.Tensor[]);
    const yo = ours.apply(x, { mask: tensor(mask) }) as Tensor[];
    yt.forEach((t, k) => expectClose(`output ${k}`, yo[k], data(t), TOL));
  });

  it('SimpleRNN (tanh and relu), last output', () => {
    for (const activation of ['tanh', 'relu'] as const) {
      const ours = new SimpleRNN({ units: H, activation });
      ours.build([B, T, I]);
      const theirs = tf.layers.simpleRNN({ units: H, activation });
      theirs.apply(toTf(x)); // builds (tfjs cannot build twice)
      theirs.setWeights(ours.getWeights().map(toTf));
      expectClose(activation, ours.apply(x) as Tensor, data(theirs.apply(toTf(x)) as tf.Tensor), TOL);
    }
  });

  it('stacked LSTM cells: same outputs; tfjs returns the states in reversed cell order (§11.6)', () => {
    const ours = new RNN({ cell: [new LSTMCell({ units: 3 }), new LSTMCell({ units: 2 })], returnSequences: true, returnState: true });
    ours.build([B, T, I]);
    const theirs = tf.layers.rnn({
      cell: [tf.layers.lstmCell({ units: 3, recurrentActivation: 'sigmoid', unitForgetBias: true }), tf.layers.lstmCell({ units: 2, recurrentActivation: 'sigmoid', unitForgetBias: true })],
      returnSequences: true, returnState: true,
    });
    theirs.apply(toTf(x)); // builds (tfjs cannot build twice)
    theirs.setWeights(ours.getWeights().map(toTf));
    const yt = outs(theirs.apply(toTf(x)) as tf.Tensor[]);
    const yo = ours.apply(x) as Tensor[]; // [out, h1, c1, h2, c2]
    expect(yt.length).to.equal(5);
    expectClose('sequence', yo[0], data(yt[0]), TOL);
    // tfjs: [out, h2, c2, h1, c1]
    expectClose('h2', yo[3], data(yt[1]), TOL);
    expectClose('c2', yo[4], data(yt[2]), TOL);
    expectClose('h1', yo[1], data(yt[3]), TOL);
    expectClose('c1', yo[2], data(yt[4]), TOL);
  });

  it('Bidirectional(LSTM) concat without a mask', () => {
    const ours = new Bidirectional({ layer: new LSTM({ units: H, returnSequences: true }) });
    ours.build([B, T, I]);
    const theirs = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', unitForgetBias: true }) as tf.RNN });
    theirs.apply(toTf(x)); // builds (tfjs cannot build twice)
    theirs.setWeights(ours.getWeights().map(toTf));
    expectClose('concat', ours.apply(x) as Tensor, data(theirs.apply(toTf(x)) as tf.Tensor), TOL);
  });

  it('stateful LSTM: two calls continue the state in both libraries', () => {
    const ours = new LSTM({ units: H, stateful: true, batchInputShape: [B, T, I] });
    ours.build([B, T, I]);
    const theirs = tf.layers.lstm({ units: H, stateful: true, batchInputShape: [B, T, I], recurrentActivation: 'sigmoid', unitForgetBias: true });
    theirs.apply(toTf(x)); // builds (tfjs cannot build twice)
    theirs.setWeights(ours.getWeights().map(toTf));
    const x2 = rand([B, T, I], 9);
    (theirs as tf.RNN).resetStates();
    ours.apply(x);
    theirs.apply(toTf(x));
    expectClose('second call', ours.apply(x2) as Tensor, data(theirs.apply(toTf(x2)) as tf.Tensor), TOL);
  });

  it('documented difference (§3.3): t = 0 masked with a non-zero h0 — tfjs outputs h0, TF/Keras and lstm-ts output 0', () => {
    const mask = [[0, 1, 1, 1, 1], [1, 1, 1, 1, 1], [0, 0, 1, 1, 1]];
    const h0 = rand([B, H], 11);
    const c0 = rand([B, H], 12);
    const ours = new LSTM({ units: H, returnSequences: true });
    ours.build([B, T, I]);
    const theirs = tf.layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', unitForgetBias: true });
    theirs.apply(toTf(x));
    theirs.setWeights(ours.getWeights().map(toTf));
    const yo = ours.apply(x, { mask: tensor(mask), initialState: [h0, c0] }) as Tensor;
    const yt = data(theirs.apply(toTf(x), { mask: tf.tensor(mask, [B, T], 'bool'), initialState: [toTf(h0), toTf(c0)] }) as tf.Tensor);
    // row 0, t = 0: ours 0, tfjs h0[0]
    expectClose('ours at masked t=0', Array.from(yo.data.subarray(0, H)), [0, 0, 0], 0);
    expectClose('tfjs at masked t=0', Array.from(yt.subarray(0, H)), Array.from(h0.data.subarray(0, H)), 1e-7);
    // once a valid step has run, both agree again (row 1 has no masked step at all).
    expectClose('row 1', Array.from(yo.data.subarray(T * H, 2 * T * H)), Array.from(yt.subarray(T * H, 2 * T * H)), TOL);
  });
});
