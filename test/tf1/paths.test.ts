// Which kernel dynamicRnn used and why (cell.lastRnnPath / lt.tf1.nn.lastDynamicRnnPath()).

import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { randTensor } from './helpers.js';

const { BasicRNNCell, BasicLSTMCell, LSTMCell, MultiRNNCell } = lt.tf1.nn.rnn_cell;
const { dynamicRnn, lastDynamicRnnPath } = lt.tf1.nn;

describe('tf1 dynamicRnn kernel path', () => {
  const x32 = randTensor([2, 3, 2], 1, 'float32');

  it("float32 BasicLSTMCell, tanh, no empty row: a fused kernel ('auto'), reason recorded on the cell and module", () => {
    const cell = new BasicLSTMCell({ numUnits: 2 });
    dynamicRnn(cell, x32, { dtype: 'float32', sequenceLength: [3, 1] });
    const p = cell.lastRnnPath!;
    expect(p.kernel).to.not.equal('generic');
    expect(p.reasons[0]).to.match(/chosen \(BasicLSTMCell weights converted to Keras layout, forget_bias folded into the bias\)/);
    expect(lastDynamicRnnPath()).to.deep.equal(p);
  });

  it('a length-0 row takes the generic loop (Keras fused rule: no fully masked row)', () => {
    const cell = new BasicLSTMCell({ numUnits: 2 });
    dynamicRnn(cell, x32, { dtype: 'float32', sequenceLength: [3, 0] });
    expect(cell.lastRnnPath!.kernel).to.equal('generic');
    expect(cell.lastRnnPath!.reasons.join('\n')).to.match(/fully masked row/);
  });

  it("float64 with 'auto' runs the TF1 maths step by step and says how to force the fused kernel", () => {
    const cell = new BasicLSTMCell({ numUnits: 2 });
    dynamicRnn(cell, randTensor([2, 3, 2], 1, 'float64'), { dtype: 'float64' });
    expect(cell.lastRnnPath).to.deep.equal({
      kernel: 'generic',
      reasons: ["fused: dtype float64 (backend 'auto' uses the fused kernel for float32 only; float64 runs the TF1 cell maths step by step — pass backend: 'ts' to force the fused TS kernel)"],
    });
  });

  it('relu activation, peepholes, projection, other cells and backend generic are generic, each with its reason', () => {
    const relu = new BasicLSTMCell({ numUnits: 2, activation: 'relu' });
    dynamicRnn(relu, x32, { dtype: 'float32' });
    expect(relu.lastRnnPath!.kernel).to.equal('generic');
    expect(relu.lastRnnPath!.reasons.join('\n')).to.match(/activation='relu' \(the fused kernel needs 'tanh'\)/);

    const peep = new LSTMCell({ numUnits: 2, usePeepholes: true });
    dynamicRnn(peep, x32, { dtype: 'float32' });
    expect(peep.lastRnnPath!.reasons).to.deep.equal(['fused: LSTMCell with usePeepholes has no Keras LSTM equivalent (the fused kernel computes a plain LSTM)']);

    const rnn = new BasicRNNCell({ numUnits: 2 });
    dynamicRnn(rnn, x32, { dtype: 'float32' });
    expect(rnn.lastRnnPath!.reasons[0]).to.match(/only BasicLSTMCell and LSTMCell convert to a Keras LSTM, got BasicRNNCell/);

    const multi = new MultiRNNCell([new BasicLSTMCell({ numUnits: 2 }), new BasicRNNCell({ numUnits: 2 })]);
    dynamicRnn(multi, x32, { dtype: 'float32' });
    expect(multi.lastRnnPath!.kernel).to.equal('generic');
    expect(multi.lastRnnPath!.reasons[0]).to.match(/MultiRNNCell cell 1: only BasicLSTMCell and LSTMCell convert/);

    const forced = new BasicLSTMCell({ numUnits: 2 });
    dynamicRnn(forced, x32, { dtype: 'float32', backend: 'generic' });
    expect(forced.lastRnnPath).to.deep.equal({ kernel: 'generic', reasons: ["fused: not considered (backend 'generic' was requested)"] });
  });

  it('a MultiRNNCell of LSTM cells runs layer by layer through the fused kernel', () => {
    const multi = new MultiRNNCell([new BasicLSTMCell({ numUnits: 3 }), new LSTMCell({ numUnits: 2 })]);
    dynamicRnn(multi, x32, { dtype: 'float32', sequenceLength: [2, 3] });
    expect(multi.lastRnnPath!.kernel).to.not.equal('generic');
    expect(multi.lastRnnPath!.reasons[0]).to.match(/chosen \(MultiRNNCell of 2 LSTM cells run layer by layer/);
    const flat = new MultiRNNCell([new BasicRNNCell({ numUnits: 2 })], false);
    dynamicRnn(flat, x32, { dtype: 'float32' });
    expect(flat.lastRnnPath!.reasons[0]).to.match(/stateIsTuple=false/);
  });

  it("a plain LSTMCell (no peepholes/clip/projection) with a user function named tanh is not treated as tanh", () => {
    const plain = new LSTMCell({ numUnits: 2 });
    dynamicRnn(plain, x32, { dtype: 'float32' });
    expect(plain.lastRnnPath!.kernel).to.not.equal('generic');
    const tanh = (t: lt.Tensor): lt.Tensor => lt.ops.tanh(t);
    const custom = new BasicLSTMCell({ numUnits: 2, activation: tanh });
    dynamicRnn(custom, x32, { dtype: 'float32' });
    expect(custom.lastRnnPath!.kernel).to.equal('generic');
    expect(custom.lastRnnPath!.reasons.join('\n')).to.match(/activation='custom:tanh'/);
    const own = new BasicLSTMCell({ numUnits: 2, activation: lt.ops.tanh });
    dynamicRnn(own, x32, { dtype: 'float32' });
    expect(own.lastRnnPath!.kernel).to.not.equal('generic');
  });
});
