// get_config / from_config: our getConfig() must equal the JSON real Keras 3.15 writes (fixtures), fromConfig
// must round-trip, and Keras 2 (tf.keras ≤ 2.15) configs must load (§8.1–8.3).

import { expect } from 'chai';
import { keras, tensor, Tensor } from '../../src/index.js';
import { loadFixtures, expectClose, t32 } from './helpers.js';

const { LSTM, SimpleRNN, GRU, LSTMCell, SimpleRNNCell, GRUCell, RNN, Bidirectional } = keras.layers;

describe('keras-recurrent: get_config / from_config', () => {
  const cfgs = loadFixtures().configs;

  it('LSTM default config equals Keras 3.15 get_config()', () => {
    expect(new LSTM({ units: 4, name: 'lstm' }).getConfig()).to.deep.equal(cfgs.LSTM_default);
  });

  it('LSTM with every non-default option equals Keras 3.15 get_config()', () => {
    const l = new LSTM({
      units: 4, name: 'lstm_opts', activation: 'relu', recurrentActivation: 'hard_sigmoid', useBias: false, unitForgetBias: false,
      kernelRegularizer: 'l2', recurrentRegularizer: keras.regularizers.l1l2({ l1: 0.1, l2: 0.2 }), kernelConstraint: 'non_neg',
      dropout: 0.25, recurrentDropout: 0.5, seed: 7, returnSequences: true, returnState: true, goBackwards: true, unroll: true,
      zeroOutputForMask: true,
    });
    expect(l.getConfig()).to.deep.equal(cfgs.LSTM_options);
    expect(l.cell.implementation, 'recurrent_dropout forces implementation 1').to.equal(1);
  });

  it('LSTMCell, SimpleRNN, SimpleRNNCell defaults equal Keras 3.15', () => {
    expect(new LSTMCell({ units: 4, name: 'lstm_cell' }).getConfig()).to.deep.equal(cfgs.LSTMCell_default);
    expect(new SimpleRNN({ units: 4, name: 'simple_rnn' }).getConfig()).to.deep.equal(cfgs.SimpleRNN_default);
    expect(new SimpleRNNCell({ units: 4, name: 'simple_rnn_cell' }).getConfig()).to.deep.equal(cfgs.SimpleRNNCell_default);
  });

  it('Bidirectional(LSTM) config equals Keras 3.15 (forward_/backward_ layers, go_backwards on the backward one)', () => {
    const b = new Bidirectional({ layer: new LSTM({ units: 4, name: 'lstm' }), name: 'bidirectional' });
    expect(b.getConfig()).to.deep.equal(cfgs.Bidirectional_default);
  });

  it('RNN over stacked cells: config matches Keras 3.15 apart from the auto-generated StackedRNNCells name', () => {
    const r = new RNN({ cell: [new LSTMCell({ units: 3, name: 'c1' }), new LSTMCell({ units: 2, name: 'c2' })], name: 'rnn' });
    const ours = r.getConfig() as { cell: { config: Record<string, unknown> } };
    const theirs = structuredClone(cfgs.RNN_stacked) as { cell: { config: Record<string, unknown> } };
    delete ours.cell.config.name;
    delete theirs.cell.config.name;
    expect(ours).to.deep.equal(theirs);
  });

  it('GRU, GRUCell and Bidirectional(GRU) configs equal Keras 3.15 get_config() (defaults and every non-default option)', () => {
    expect(new GRU({ units: 4, name: 'gru' }).getConfig()).to.deep.equal(cfgs.GRU_default);
    expect(new GRUCell({ units: 4, name: 'gru_cell' }).getConfig()).to.deep.equal(cfgs.GRUCell_default);
    const g = new GRU({
      units: 4, name: 'gru_opts', activation: 'relu', recurrentActivation: 'hard_sigmoid', useBias: false, resetAfter: false,
      kernelRegularizer: 'l2', biasConstraint: 'non_neg', dropout: 0.25, recurrentDropout: 0.5, seed: 7, returnSequences: true,
      returnState: true, goBackwards: true, unroll: true, zeroOutputForMask: true,
    });
    expect(g.getConfig()).to.deep.equal(cfgs.GRU_options);
    expect(g.cell.implementation, 'recurrent_dropout forces implementation 1').to.equal(1);
    const b = new Bidirectional({ layer: new GRU({ units: 4, name: 'gru' }), name: 'bidirectional_gru', mergeMode: 'sum' });
    expect(b.getConfig()).to.deep.equal(cfgs.Bidirectional_GRU);
    expect(keras.deserializeLayer({ class_name: 'GRU', config: cfgs.GRU_options })).to.be.instanceOf(GRU);
  });

  it('GRU: Keras 2 configs (implementation, time_major, reset_after) load; bias shapes follow reset_after; errors name the argument', () => {
    const k2 = {
      name: 'gru_k2', trainable: true, dtype: 'float32', return_sequences: true, return_state: false, go_backwards: false, stateful: false,
      unroll: false, time_major: false, units: 3, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null,
      activity_regularizer: null, kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0,
      implementation: 2, reset_after: true,
    };
    const l = GRU.fromConfig(k2);
    l.build([1, 2, 5]);
    expect(l.cell.bias!.shape).to.deep.equal([2, 9]);
    expect(GRU.fromConfig({ ...k2, reset_after: false, implementation: 0 }).cell.implementation).to.equal(1);
    const rb = GRU.fromConfig({ ...k2, reset_after: false });
    rb.build([1, 2, 5]);
    expect(rb.cell.bias!.shape).to.deep.equal([9]);
    expect(() => new GRU({ units: 0 })).to.throw(/expected a positive integer, got 0/);
    expect(() => new GRU({ units: 2, resetAfter: 'yes' as never })).to.throw(/resetAfter/);
    expect(() => new GRU({ units: 2, reset_after: false } as never)).to.throw(/did you mean 'resetAfter'/);
    expect(() => new GRU({ units: 2, implementation: 3 })).to.throw(/implementation must be 1 or 2/);
  });

  it('fromConfig(getConfig()) round-trips every layer (configs equal, same numbers with the same weights)', () => {
    const x = t32([[[0.1, -0.2, 0.3], [0.5, 0.4, -0.1]], [[-0.3, 0.2, 0.9], [0.0, 0.1, 0.2]]]);
    const layers = [
      new LSTM({ units: 3, returnSequences: true, implementation: 1, goBackwards: true }),
      new LSTM({ units: 2, timeMajor: true, returnState: true, dropout: 0.1, seed: 3 }),
      new SimpleRNN({ units: 2, activation: 'relu', stateful: true, zeroOutputForMask: true, returnSequences: true }),
      new RNN({ cell: [new LSTMCell({ units: 3 }), new SimpleRNNCell({ units: 2 })], returnSequences: true }),
      new Bidirectional({ layer: new LSTM({ units: 2, returnSequences: true }), mergeMode: 'ave' }),
      new GRU({ units: 3, returnSequences: true, resetAfter: false, implementation: 1, goBackwards: true }),
      new GRU({ units: 2, returnState: true, dropout: 0.1, seed: 3 }),
      new RNN({ cell: [new GRUCell({ units: 3 }), new LSTMCell({ units: 2 })], returnSequences: true }),
      new Bidirectional({ layer: new GRU({ units: 2, returnSequences: true }), mergeMode: 'concat' }),
    ];
    for (const l of layers) {
      const cfg = l.getConfig();
      const copy = (l.constructor as unknown as { fromConfig(c: Record<string, unknown>): typeof l }).fromConfig(structuredClone(cfg));
      expect(copy.getConfig(), l.className).to.deep.equal(cfg);
      const y1 = l.apply(x);
      copy.build([...x.shape]);
      copy.setWeights(l.getWeights());
      const y2 = copy.apply(x);
      const a = Array.isArray(y1) ? y1 : [y1];
      const b = Array.isArray(y2) ? y2 : [y2];
      a.forEach((t, k) => expectClose(`${l.className} output ${k}`, b[k], t, 0));
    }
  });

  it('loads Keras 2 (tf.keras 2.15) configs: legacy initializer dicts, dtype string, time_major, implementation, no seed', () => {
    const k2 = {
      name: 'lstm_k2', trainable: true, dtype: 'float32', return_sequences: true, return_state: false, go_backwards: false,
      stateful: false, unroll: false, time_major: true, units: 3, activation: 'tanh', recurrent_activation: 'hard_sigmoid',
      use_bias: true, kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1.0, seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} }, unit_forget_bias: true, kernel_regularizer: null,
      recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null,
      recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0, implementation: 1,
    };
    const l = LSTM.fromConfig(k2);
    expect(l.timeMajor).to.equal(true);
    expect(l.cell.implementation).to.equal(1);
    expect(l.cell.recurrentActivation.name).to.equal('hard_sigmoid');
    expect(l.zeroOutputForMask, 'K2 omits zero_output_for_mask unless true').to.equal(false);
    // K2 from_config maps implementation 0 to 1.
    expect(LSTM.fromConfig({ ...k2, implementation: 0 }).cell.implementation).to.equal(1);
    const y = l.apply(t32([[[1, 2]], [[3, 4]]])) as Tensor; // time-major [T=2, B=1, I=2]
    expect(y.shape).to.deep.equal([2, 1, 3]);
  });

  it('deserializeLayer finds the recurrent classes by class_name', () => {
    const l = keras.deserializeLayer({ class_name: 'LSTM', config: { units: 2, return_sequences: true } });
    expect(l).to.be.instanceOf(LSTM);
    const b = keras.deserializeLayer({ class_name: 'Bidirectional', config: cfgs.Bidirectional_default });
    expect(b).to.be.instanceOf(Bidirectional);
    void tensor;
  });
});
