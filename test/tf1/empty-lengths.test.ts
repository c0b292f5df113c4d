// dynamicRnn / bidirectionalDynamicRnn when EVERY row has sequence length 0 (found by the random TF1 zoo,
// test/tf1/zoo.test.ts). TF's loop runs min(T, max(1, max(sequence_length))) steps (rnn.py
// _dynamic_rnn_loop, loop_bound), so the cell still runs once, fully masked: the outputs are zeros and the
// state is the initial state, but both stay connected to the inputs, the variables and the initial state,
// and tf.gradients gives ZEROS for them. lstm-ts used to run no step at all: the same values, but null
// gradients, and backward() refused a loss built only from the (constant) outputs.

import { expect } from 'chai';
import { Tensor, ops } from '../../src/index.js';
import * as lt from '../../src/index.js';
import { flattenState } from '../../src/tf1/state.js';
import { randTensor } from './helpers.js';

function allZero(t: Tensor | null): boolean {
  return t !== null && Array.from(t.data).every((v) => v === 0);
}

function lossOf(outs: Tensor[], states: Tensor[]): Tensor {
  return [...outs, ...states].map((t, k) => ops.sum(ops.mul(t, randTensor([...t.shape], 100 + k, t.dtype)))).reduce((a, b) => ops.add(a, b));
}

describe('tf1 dynamicRnn with every sequence length 0 (TF still runs one fully masked step)', () => {
  for (const backend of ['generic', 'auto', 'ts'] as const) {
    it(`[${backend}] zero state: zero outputs, zero state, backward works and every gradient is zero`, () => {
      const x = randTensor([3, 4, 2], 1, 'float64', 1, true);
      const cell = new lt.tf1.nn.rnn_cell.BasicLSTMCell({ numUnits: 3, seed: 2 });
      const [out, st] = lt.tf1.nn.dynamicRnn(cell, x, { sequenceLength: [0, 0, 0], dtype: 'float64', backend });
      expect(cell.lastRnnPath!.kernel).to.equal('generic'); // a length-0 row never takes the fused kernel
      const states = flattenState(st);
      expect(allZero(out)).to.equal(true);
      states.forEach((s) => expect(allZero(s)).to.equal(true));
      lossOf([out], states).backward();
      expect(allZero(x.grad), 'd/dx').to.equal(true);
      for (const v of cell.variables) expect(allZero(v.grad), `d/d ${v.name}`).to.equal(true);
    });
  }

  it('initial state: the final state is the initial state, whose gradient is the loss weight; inputs and variables get zeros', () => {
    const x = randTensor([4, 2, 3], 3, 'float64', 1, true); // time-major [T, B, D]
    const c0 = randTensor([2, 2], 4, 'float64', 0.5, true);
    const h0 = randTensor([2, 2], 5, 'float64', 0.5, true);
    const cell = new lt.tf1.nn.rnn_cell.LSTMCell({ numUnits: 2, usePeepholes: true, cellClip: 0.5, seed: 6 });
    const [out, st] = lt.tf1.nn.dynamicRnn(cell, x, {
      sequenceLength: [0, 0], initialState: new lt.tf1.LSTMStateTuple(c0, h0), timeMajor: true,
    });
    const { c, h } = st as lt.tf1.LSTMStateTuple;
    expect(Array.from(c.data)).to.deep.equal(Array.from(c0.data));
    expect(Array.from(h.data)).to.deep.equal(Array.from(h0.data));
    const wc = randTensor([2, 2], 7);
    ops.add(ops.add(ops.sum(ops.mul(out, randTensor([4, 2, 2], 8))), ops.sum(ops.mul(c, wc))), ops.sum(h)).backward();
    expect(Array.from(c0.grad!.data)).to.deep.equal(Array.from(wc.data));
    expect(Array.from(h0.grad!.data)).to.deep.equal([1, 1, 1, 1]);
    expect(allZero(x.grad), 'd/dx').to.equal(true);
    for (const v of cell.variables) expect(allZero(v.grad), `d/d ${v.name}`).to.equal(true);
  });

  it('bidirectionalDynamicRnn: both directions stay connected (zero gradients, no error)', () => {
    const x = randTensor([2, 3, 2], 9, 'float32', 1, true);
    const fw = new lt.tf1.nn.rnn_cell.BasicRNNCell({ numUnits: 2, seed: 10 });
    const bw = new lt.tf1.nn.rnn_cell.MultiRNNCell([
      new lt.tf1.nn.rnn_cell.BasicLSTMCell({ numUnits: 2, seed: 11 }), new lt.tf1.nn.rnn_cell.BasicRNNCell({ numUnits: 3, seed: 12 }),
    ]);
    const [[of, ob], [sf, sb]] = lt.tf1.nn.bidirectionalDynamicRnn(fw, bw, x, { sequenceLength: [0, 0], dtype: 'float32' });
    lossOf([of, ob], [...flattenState(sf), ...flattenState(sb)]).backward();
    expect(allZero(x.grad), 'd/dx').to.equal(true);
    for (const v of [...fw.variables, ...bw.variables]) expect(allZero(v.grad), `d/d ${v.name}`).to.equal(true);
  });
});
