// Bad input: TF's own messages where TF raises (MultiRNNCell, dynamic_rnn dtype), and clear errors naming
// the op, the argument and expected vs actual shapes elsewhere.

import { expect } from 'chai';
import { zeros, tensor } from '../../src/index.js';
import * as lt from '../../src/index.js';
import { LSTMStateTuple } from '../../src/tf1/state.js';
import { randTensor } from './helpers.js';

const { BasicRNNCell, BasicLSTMCell, LSTMCell, MultiRNNCell } = lt.tf1.nn.rnn_cell;
const { dynamicRnn, bidirectionalDynamicRnn } = lt.tf1.nn;

describe('tf1 errors', () => {
  it('MultiRNNCell: empty list, non-list, tuple states with stateIsTuple=false (TF messages)', () => {
    expect(() => new MultiRNNCell([])).to.throw(/Must specify at least one cell for MultiRNNCell\./);
    expect(() => new MultiRNNCell(new BasicRNNCell({ numUnits: 2 }) as never)).to.throw(/cells must be a list or tuple, but received/);
    expect(() => new MultiRNNCell([new BasicRNNCell({ numUnits: 2 }), new BasicLSTMCell({ numUnits: 2 })], false))
      .to.throw(/Some cells return tuples of states, but the flag state_is_tuple is not set\. State sizes are: \[2, LSTMStateTuple\(c=2, h=2\)\]/);
    expect(() => new MultiRNNCell([{} as never])).to.throw(/cells\[0\] must be an RNN cell/);
  });

  it('MultiRNNCell.call with a non-tuple state: TF\'s "Expected state to be a tuple"', () => {
    const cell = new MultiRNNCell([new BasicRNNCell({ numUnits: 2 }), new BasicRNNCell({ numUnits: 2 })]);
    expect(() => cell.call(zeros([1, 3]), zeros([1, 4]))).to.throw(/Expected state to be a tuple of length 2, but received: Tensor\[1, 4\]/);
  });

  it('dynamicRnn without initialState needs dtype (TF message)', () => {
    const cell = new BasicRNNCell({ numUnits: 2 });
    expect(() => dynamicRnn(cell, zeros([1, 2, 3]))).to.throw(/If no initial_state is provided, argument `dtype` must be specified/);
  });

  it('dynamicRnn: sequenceLength of the wrong size, out of range, not an integer', () => {
    const cell = new BasicRNNCell({ numUnits: 2 });
    const x = zeros([2, 4, 3]);
    expect(() => dynamicRnn(cell, x, { dtype: 'float32', sequenceLength: [1, 2, 3] })).to.throw(/dynamicRnn: sequenceLength has 3 entries but the batch size is 2/);
    expect(() => dynamicRnn(cell, x, { dtype: 'float32', sequenceLength: [1, 5] })).to.throw(/sequenceLength\[1\] = 5 must be an integer in \[0, 4\]/);
    expect(() => dynamicRnn(cell, x, { dtype: 'float32', sequenceLength: [-1, 2] })).to.throw(/sequenceLength\[0\] = -1/);
    expect(() => dynamicRnn(cell, x, { dtype: 'float32', sequenceLength: [1.5, 2] })).to.throw(/sequenceLength\[0\] = 1.5/);
    expect(() => dynamicRnn(cell, x, { dtype: 'float32', sequenceLength: tensor([[1, 2]]) })).to.throw(/must be a vector of length batch_size \(2\)/);
    // With timeMajor the batch is axis 1.
    expect(() => dynamicRnn(cell, x, { dtype: 'float32', timeMajor: true, sequenceLength: [1, 2] })).to.throw(/sequenceLength has 2 entries but the batch size is 4/);
  });

  it('dynamicRnn: inputs rank, empty time axis, dtype mismatch', () => {
    const cell = new BasicRNNCell({ numUnits: 2 });
    expect(() => dynamicRnn(cell, zeros([2, 3]), { dtype: 'float32' })).to.throw(/inputs must be 3-D \[batch, time, depth\], got shape \[2, 3\]/);
    expect(() => dynamicRnn(cell, zeros([2, 0, 3]), { dtype: 'float32' })).to.throw(/at least one time step/);
    expect(() => dynamicRnn(cell, zeros([2, 1, 3]), { dtype: 'float64' })).to.throw(/dtype is float64 but inputs are float32/);
    expect(() => dynamicRnn({} as never, zeros([2, 1, 3]), { dtype: 'float32' })).to.throw(/cell must be an RNN cell/);
  });

  it('dynamicRnn: initial state of the wrong structure or shape (the Keras [h, c] list is not an LSTMStateTuple)', () => {
    const cell = new BasicLSTMCell({ numUnits: 3 });
    const x = zeros([2, 4, 5]);
    expect(() => dynamicRnn(cell, x, { initialState: [zeros([2, 3]), zeros([2, 3])] }))
      .to.throw(/initialState must be an LSTMStateTuple\(c, h\) \(state size LSTMStateTuple\(c=3, h=3\)\)/);
    expect(() => dynamicRnn(cell, x, { initialState: new LSTMStateTuple(zeros([2, 3]), zeros([3, 3])) }))
      .to.throw(/initialState\.h must have shape \[2, 3\].*got \[3, 3\]/);
    expect(() => dynamicRnn(cell, x, { initialState: new LSTMStateTuple(zeros([2, 3]), zeros([2, 3], 'float64')) }))
      .to.throw(/initialState\.h has dtype float64/);
  });

  it('a cell reused with another input depth or dtype says so', () => {
    const cell = new BasicRNNCell({ numUnits: 2 });
    dynamicRnn(cell, zeros([1, 2, 3]), { dtype: 'float32' });
    expect(() => dynamicRnn(cell, zeros([1, 2, 4]), { dtype: 'float32' })).to.throw(/built for input depth 3 but now receives depth 4/);
    expect(() => cell.call(zeros([1, 4]), zeros([1, 2]))).to.throw(/built for input depth 3, got inputs of shape \[1, 4\]/);
    expect(() => dynamicRnn(cell, zeros([1, 2, 3], 'float64'), { dtype: 'float64' })).to.throw(/inputs are float64 but the cell's variables are float32/);
    expect(() => cell.call(zeros([3]), zeros([1, 2]))).to.throw(/inputs must be 2-D \[batch, depth\], got shape \[3\]/);
  });

  it('constructor arguments are checked', () => {
    expect(() => new BasicLSTMCell({ numUnits: 0 })).to.throw(/BasicLSTMCell: numUnits must be a positive integer, got 0/);
    expect(() => new BasicRNNCell({ numUnits: 2.5 })).to.throw(/numUnits must be a positive integer/);
    expect(() => new BasicLSTMCell({ numUnits: 2, activation: 'softmax' as never })).to.throw(/activation must be/);
    expect(() => new BasicLSTMCell({ numUnits: 2, forgetBias: NaN })).to.throw(/forgetBias must be a finite number/);
    expect(() => new LSTMCell({ numUnits: 2, cellClip: -1 })).to.throw(/cellClip must be a positive finite number/);
    expect(() => new LSTMCell({ numUnits: 2, numProj: 0 })).to.throw(/numProj must be a positive integer/);
    expect(() => new LSTMCell({ numUnits: 2, initializer: 3 as never })).to.throw(/initializer must be an initializer object/);
  });

  it('setWeights checks the count and shapes', () => {
    const cell = new BasicLSTMCell({ numUnits: 2 });
    expect(() => cell.setWeights([])).to.throw(/not built yet/);
    cell.build(3);
    expect(() => cell.setWeights([zeros([5, 8])])).to.throw(/expected 2 arrays \(basic_lstm_cell\/kernel, basic_lstm_cell\/bias\), got 1/);
    expect(() => cell.setWeights([zeros([5, 8]), zeros([4])])).to.throw(/weight 1 \('basic_lstm_cell\/bias'\) must have shape \[8\], got \[4\]/);
    expect(() => cell.getVariable('nope')).to.throw(/no variable 'nope'/);
  });

  it('backend choice: unknown name, a forced native backend for a cell the fused kernel cannot run', () => {
    const x = randTensor([1, 2, 2], 1, 'float32');
    expect(() => dynamicRnn(new BasicLSTMCell({ numUnits: 2 }), x, { dtype: 'float32', backend: 'gpu' as never })).to.throw(/backend must be one of/);
    expect(() => dynamicRnn(new BasicRNNCell({ numUnits: 2 }), x, { dtype: 'float32', backend: 'native-cpu' }))
      .to.throw(/backend 'native-cpu' was requested but cannot run this cell: only BasicLSTMCell and LSTMCell/);
  });

  it('bidirectionalDynamicRnn checks its cells and inputs', () => {
    const c = new BasicRNNCell({ numUnits: 2 });
    expect(() => bidirectionalDynamicRnn(c, null as never, zeros([1, 2, 2]), { dtype: 'float32' })).to.throw(/cellBw must be an RNN cell/);
    expect(() => bidirectionalDynamicRnn(c, c, zeros([2, 2]), { dtype: 'float32' })).to.throw(/inputs must be a 3-D Tensor, got shape \[2, 2\]/);
  });

  it('weight conversion rejects cells without a Keras equivalent and mis-shaped weights', () => {
    const peep = new LSTMCell({ numUnits: 2, usePeepholes: true, numProj: 1 });
    peep.build(2);
    expect(() => lt.tf1.cellToKerasWeights(peep)).to.throw(/LSTMCell with usePeepholes, numProj=1 has no Keras LSTM equivalent/);
    expect(() => lt.tf1.cellToKerasWeights(new BasicLSTMCell({ numUnits: 2 }))).to.throw(/not built yet/);
    expect(() => lt.tf1.tf1LstmToKeras(zeros([5, 8]), zeros([8]), 2)).to.throw(/does not match inputDepth 2 \+ numUnits 2 = 4 rows/);
    expect(() => lt.tf1.tf1LstmToKeras(zeros([4, 6]), zeros([8]), 2)).to.throw(/TF1 kernel must be \[inputDepth \+ numUnits, 4·numUnits\], got \[4, 6\]/);
    expect(() => lt.tf1.kerasLstmToTf1(zeros([3, 8]), zeros([3, 8]), null)).to.throw(/recurrentKernel must be \[2, 8\]/);
    const cell = new BasicLSTMCell({ numUnits: 3 });
    expect(() => lt.tf1.setCellFromKerasWeights(cell, [zeros([2, 8]), zeros([2, 8]), zeros([8])])).to.throw(/has 2 units but the cell has numUnits 3/);
  });
});
