// getConfig / fromConfig of the TF1 cells. Expected keys written by hand from keras 2.15
// legacy_cells.py get_config (base layer keys name/trainable/dtype + the cell's own keys, reuse None).

import { expect } from 'chai';
import * as lt from '../../src/index.js';

const { BasicRNNCell, BasicLSTMCell, LSTMCell } = lt.tf1.nn.rnn_cell;

describe('tf1 cell configs', () => {
  it('BasicRNNCell / BasicLSTMCell: TF1 snake_case keys, activation None serialises as tanh', () => {
    expect(new BasicRNNCell({ numUnits: 3, activation: 'relu' }).getConfig()).to.deep.equal({
      name: 'basic_rnn_cell', trainable: true, dtype: null, num_units: 3, activation: 'relu', reuse: null,
    });
    const c = new BasicLSTMCell({ numUnits: 4, forgetBias: 0.5, stateIsTuple: false, activation: null, name: 'enc' });
    c.build(2, { dtype: 'float64' });
    expect(c.getConfig()).to.deep.equal({
      name: 'enc', trainable: true, dtype: 'float64', num_units: 4, forget_bias: 0.5, state_is_tuple: false, activation: 'tanh', reuse: null,
    });
  });

  it('LSTMCell: every TF1 key, a Keras initializer serialised, shards kept', () => {
    const cell = new LSTMCell({
      numUnits: 5, usePeepholes: true, cellClip: 3, numProj: 2, projClip: 1, numUnitShards: 2, forgetBias: 0,
      initializer: lt.keras.initializers.get('zeros'),
    });
    const cfg = cell.getConfig();
    expect(cfg).to.deep.include({
      name: 'lstm_cell', trainable: true, dtype: null, num_units: 5, use_peepholes: true, cell_clip: 3, num_proj: 2,
      proj_clip: 1, num_unit_shards: 2, num_proj_shards: null, forget_bias: 0, state_is_tuple: true, activation: 'tanh', reuse: null,
    });
    expect((cfg.initializer as { class_name: string }).class_name).to.equal('Zeros');
    expect(new LSTMCell({ numUnits: 1 }).getConfig().initializer).to.equal(null);
  });

  it('fromConfig(getConfig()) rebuilds an equivalent cell', () => {
    for (const cell of [
      new BasicRNNCell({ numUnits: 3, activation: 'sigmoid' }),
      new BasicLSTMCell({ numUnits: 2, forgetBias: 0, stateIsTuple: false }),
      new LSTMCell({ numUnits: 3, usePeepholes: true, cellClip: 2, numProj: 2, projClip: 0.5, initializer: lt.keras.initializers.get('ones') }),
    ]) {
      const cls = cell.constructor as unknown as { fromConfig(c: Record<string, unknown>): { getConfig(): Record<string, unknown> } };
      expect(cls.fromConfig(cell.getConfig()).getConfig()).to.deep.equal(cell.getConfig());
    }
    expect(() => BasicLSTMCell.fromConfig({ num_units: '3' })).to.throw(/BasicLSTMCell.fromConfig: num_units must be a number, got "3"/);
    expect(() => BasicRNNCell.fromConfig({ num_units: 2, dtype: 'int32' })).to.throw(/dtype must be 'float32' or 'float64', got 'int32'/);
  });
});
