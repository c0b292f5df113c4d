// TF1 cells: structure (state/output sizes, zero states, variable names and shapes, LSTMStateTuple order),
// the TF1 default initializer, and single-step values derivable by hand.

import { expect } from 'chai';
import { tensor, zeros, ones, Tensor } from '../../src/index.js';
import * as lt from '../../src/index.js';
import { LSTMStateTuple } from '../../src/tf1/state.js';
import { randTensor } from './helpers.js';

const { BasicRNNCell, BasicLSTMCell, LSTMCell, MultiRNNCell } = lt.tf1.nn.rnn_cell;
const sigma = (v: number): number => 1 / (1 + Math.exp(-v));

describe('tf1 LSTMStateTuple', () => {
  it('holds c then h: fields, iteration, indexing and destructuring all put c first', () => {
    const c = tensor([[1, 2]]);
    const h = tensor([[3, 4]]);
    const s = new lt.tf1.nn.rnn_cell.LSTMStateTuple(c, h);
    expect(s.c).to.equal(c);
    expect(s.h).to.equal(h);
    expect([...s]).to.deep.equal([c, h]);
    expect(s[0]).to.equal(c);
    expect(s[1]).to.equal(h);
    expect(s.length).to.equal(2);
    const [first, second] = s;
    expect(first).to.equal(c);
    expect(second).to.equal(h);
    expect(s.dtype).to.equal('float32');
    expect(lt.tf1.LSTMStateTuple).to.equal(LSTMStateTuple);
  });

  it('dtype raises on mixed dtypes, as TF', () => {
    const s = new LSTMStateTuple(zeros([1, 2], 'float32'), zeros([1, 2], 'float64'));
    expect(() => s.dtype).to.throw(/Inconsistent dtypes for internal state: float32 vs float64/);
  });
});

describe('tf1 cells: sizes, zero states, variables', () => {
  it('BasicRNNCell: stateSize == outputSize == numUnits; kernel [D+u, u], zero bias', () => {
    const cell = new BasicRNNCell({ numUnits: 4, seed: 3 });
    expect(cell.stateSize).to.equal(4);
    expect(cell.outputSize).to.equal(4);
    const z = cell.zeroState(2, 'float64') as Tensor;
    expect([...z.shape]).to.deep.equal([2, 4]);
    expect(z.dtype).to.equal('float64');
    const [out, st] = cell.call(randTensor([2, 3], 1, 'float64'), z);
    expect(out).to.equal(st); // output is the new state
    expect(cell.variables.map((v) => [v.name, [...v.shape]])).to.deep.equal([
      ['basic_rnn_cell/kernel', [7, 4]],
      ['basic_rnn_cell/bias', [4]],
    ]);
    expect(Array.from(cell.bias!.data)).to.deep.equal([0, 0, 0, 0]);
    expect(cell.trainableWeights.length).to.equal(2);
  });

  it('BasicLSTMCell: LSTMStateTuple(u, u) or 2u; kernel [D+u, 4u]; forget_bias never stored in the bias', () => {
    const cell = new BasicLSTMCell({ numUnits: 3, forgetBias: 1.0 });
    const ss = cell.stateSize as LSTMStateTuple<number>;
    expect(ss).to.be.instanceOf(LSTMStateTuple);
    expect([ss.c, ss.h]).to.deep.equal([3, 3]);
    expect(new BasicLSTMCell({ numUnits: 3, stateIsTuple: false }).stateSize).to.equal(6);
    const z = cell.zeroState(5) as LSTMStateTuple;
    expect([...z.c.shape, ...z.h.shape]).to.deep.equal([5, 3, 5, 3]);
    lt.tf1.nn.dynamicRnn(cell, randTensor([2, 4, 2], 2, 'float32'), { dtype: 'float32' });
    expect(cell.variables.map((v) => [v.name, [...v.shape]])).to.deep.equal([
      ['rnn/basic_lstm_cell/kernel', [5, 12]],
      ['rnn/basic_lstm_cell/bias', [12]],
    ]);
    expect(Array.from(cell.bias!.data).every((v) => v === 0)).to.equal(true);
    expect(cell.getVariable('kernel')).to.equal(cell.kernel);
  });

  it('LSTMCell: state (u, numProj), kernel rows D + numProj, peephole and projection variables named as TF1', () => {
    const cell = new LSTMCell({ numUnits: 4, numProj: 2, usePeepholes: true, seed: 1 });
    const ss = cell.stateSize as LSTMStateTuple<number>;
    expect([ss.c, ss.h]).to.deep.equal([4, 2]);
    expect(cell.outputSize).to.equal(2);
    expect(new LSTMCell({ numUnits: 4, numProj: 2, stateIsTuple: false }).stateSize).to.equal(6);
    cell.build(3, { scope: 'rnn' });
    expect(cell.variables.map((v) => [v.name, [...v.shape]])).to.deep.equal([
      ['rnn/lstm_cell/kernel', [5, 16]],
      ['rnn/lstm_cell/bias', [16]],
      ['rnn/lstm_cell/w_f_diag', [4]],
      ['rnn/lstm_cell/w_i_diag', [4]],
      ['rnn/lstm_cell/w_o_diag', [4]],
      ['rnn/lstm_cell/projection/kernel', [4, 2]],
    ]);
  });

  it('LSTMCell uses a given initializer for kernel, peepholes and projection (bias stays zero)', () => {
    const init = { call: (shape: readonly number[], dtype?: 'float32' | 'float64') => lt.full(shape, 0.25, dtype ?? 'float32') };
    const cell = new LSTMCell({ numUnits: 2, numProj: 1, usePeepholes: true, initializer: init });
    cell.build(2);
    for (const v of cell.variables) {
      const expected = v.name!.endsWith('/bias') ? 0 : 0.25;
      expect(Array.from(v.data).every((x) => x === expected), v.name).to.equal(true);
    }
  });

  it('an initializer that returns one cached tensor does not make variables share a buffer', () => {
    const cached = lt.full([4], 0.5, 'float32');
    const cell = new LSTMCell({ numUnits: 4, usePeepholes: true, initializer: { call: (shape) => (shape.length === 1 ? cached : lt.full(shape, 0.5)) } });
    cell.build(1);
    cell.wFDiag!.assign([1, 2, 3, 4]);
    expect(Array.from(cell.wIDiag!.data)).to.deep.equal([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(cached.data)).to.deep.equal([0.5, 0.5, 0.5, 0.5]);
  });

  it('MultiRNNCell: tuple of per-cell states, last output size, variables under multi_rnn_cell/cell_i', () => {
    const cell = new MultiRNNCell([new BasicLSTMCell({ numUnits: 3 }), new BasicRNNCell({ numUnits: 2 })]);
    const ss = cell.stateSize as unknown[];
    expect(ss.length).to.equal(2);
    expect(ss[0]).to.be.instanceOf(LSTMStateTuple);
    expect(ss[1]).to.equal(2);
    expect(cell.outputSize).to.equal(2);
    const z = cell.zeroState(4) as unknown[];
    expect(z[0]).to.be.instanceOf(LSTMStateTuple);
    expect([...(z[1] as Tensor).shape]).to.deep.equal([4, 2]);
    lt.tf1.nn.dynamicRnn(cell, randTensor([4, 3, 5], 3, 'float32'), { dtype: 'float32' });
    expect(cell.variables.map((v) => [v.name, [...v.shape]])).to.deep.equal([
      ['rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel', [8, 12]],
      ['rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias', [12]],
      ['rnn/multi_rnn_cell/cell_1/basic_rnn_cell/kernel', [5, 2]],
      ['rnn/multi_rnn_cell/cell_1/basic_rnn_cell/bias', [2]],
    ]);
    const flat = new MultiRNNCell([new BasicRNNCell({ numUnits: 3 }), new BasicRNNCell({ numUnits: 2 })], false);
    expect(flat.stateSize).to.equal(5);
  });

  it('bidirectionalDynamicRnn builds its cells under bidirectional_rnn/fw and /bw', () => {
    const fw = new BasicLSTMCell({ numUnits: 2 });
    const bw = new BasicLSTMCell({ numUnits: 2 });
    lt.tf1.nn.bidirectionalDynamicRnn(fw, bw, randTensor([1, 3, 2], 4, 'float32'), { dtype: 'float32' });
    expect(fw.kernel!.name).to.equal('bidirectional_rnn/fw/basic_lstm_cell/kernel');
    expect(bw.kernel!.name).to.equal('bidirectional_rnn/bw/basic_lstm_cell/kernel');
  });

  it('trainable=false: variables do not require gradients', () => {
    const cell = new BasicRNNCell({ numUnits: 2, trainable: false });
    cell.build(2);
    expect(cell.trainableWeights).to.deep.equal([]);
    expect(cell.nonTrainableWeights.length).to.equal(2);
    expect(cell.kernel!.requiresGrad).to.equal(false);
  });
});

describe('tf1 default initializer (get_variable → glorot_uniform, §1.6)', () => {
  it('kernel ~ U[-l, l) with l = sqrt(6 / (D + u + 4u)): bound respected and variance ≈ l²/3', () => {
    const cell = new BasicLSTMCell({ numUnits: 32, seed: 11 });
    cell.build(40, { dtype: 'float64' });
    const k = cell.kernel!.data;
    const limit = Math.sqrt(6 / (40 + 32 + 128));
    let s2 = 0;
    let s1 = 0;
    for (const v of k) {
      expect(Math.abs(v)).to.be.at.most(limit);
      s1 += v;
      s2 += v * v;
    }
    // 72·128 = 9216 samples: the sample variance of a uniform has relative std sqrt(0.8/n) ≈ 0.9%, so ±5% is > 5σ.
    const n = k.length;
    const mean = s1 / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean)).to.be.below(0.02 * limit);
    expect(variance / (limit * limit / 3)).to.be.within(0.95, 1.05);
  });

  it('peephole vectors use fan_in = fan_out = n: limit sqrt(3/n)', () => {
    const cell = new LSTMCell({ numUnits: 200, usePeepholes: true, seed: 5 });
    cell.build(1);
    const limit = Math.sqrt(3 / 200);
    const w = cell.wFDiag!.data;
    expect(Math.max(...Array.from(w, Math.abs))).to.be.at.most(limit);
    expect(Math.max(...Array.from(w, Math.abs))).to.be.above(0.9 * limit);
  });

  it('same seed → same weights; different seeds → different weights', () => {
    const a = new BasicLSTMCell({ numUnits: 3, seed: 42 });
    const b = new BasicLSTMCell({ numUnits: 3, seed: 42 });
    const c = new BasicLSTMCell({ numUnits: 3, seed: 43 });
    [a, b, c].forEach((x) => x.build(2));
    expect(Array.from(a.kernel!.data)).to.deep.equal(Array.from(b.kernel!.data));
    expect(Array.from(a.kernel!.data)).to.not.deep.equal(Array.from(c.kernel!.data));
  });
});

describe('tf1 cells: single steps derivable by hand', () => {
  it('BasicLSTMCell with zero weights: c\' = c·σ(forget_bias), h\' = tanh(c\')·σ(0)', () => {
    for (const fb of [0, 1, 2.5]) {
      const cell = new BasicLSTMCell({ numUnits: 2, forgetBias: fb });
      cell.build(3, { dtype: 'float64' });
      cell.kernel!.assign(new Float64Array(cell.kernel!.size));
      const c = tensor([[1, -2]], { dtype: 'float64' });
      const h = tensor([[0.3, 0.4]], { dtype: 'float64' });
      const [out, st] = cell.call(tensor([[1, 2, 3]], { dtype: 'float64' }), new LSTMStateTuple(c, h));
      const s = st as LSTMStateTuple;
      const c1 = [1 * sigma(fb), -2 * sigma(fb)];
      const h1 = c1.map((v) => Math.tanh(v) * 0.5);
      expect(Array.from(s.c.data)).to.deep.equal(c1);
      expect(Array.from(s.h.data)).to.deep.equal(h1);
      expect(out).to.equal(s.h);
    }
  });

  it('BasicLSTMCell gate order is i, j, f, o: a bias on one block moves exactly that gate', () => {
    const cell = new BasicLSTMCell({ numUnits: 1, forgetBias: 0 });
    cell.build(1, { dtype: 'float64' });
    cell.kernel!.assign([0, 0, 0, 0, 0, 0, 0, 0]);
    cell.bias!.assign([0.1, 0.2, 0.3, 0.4]); // i, j, f, o
    const c0 = 0.7;
    const [, st] = cell.call(zeros([1, 1], 'float64'), new LSTMStateTuple(tensor([[c0]], { dtype: 'float64' }), zeros([1, 1], 'float64')));
    const c1 = c0 * sigma(0.3) + sigma(0.1) * Math.tanh(0.2);
    const h1 = Math.tanh(c1) * sigma(0.4);
    const s = st as LSTMStateTuple;
    expect(s.c.item()).to.be.closeTo(c1, 1e-15);
    expect(s.h.item()).to.be.closeTo(h1, 1e-15);
  });

  it('BasicLSTMCell stateIsTuple=false reads and writes concat([c, h], 1)', () => {
    const cell = new BasicLSTMCell({ numUnits: 1, forgetBias: 0, stateIsTuple: false });
    cell.build(1, { dtype: 'float64' });
    cell.kernel!.assign([0, 0, 0, 0, 0, 0, 0, 0]);
    const [, st] = cell.call(zeros([1, 1], 'float64'), tensor([[0.8, 0.1]], { dtype: 'float64' }));
    const c1 = 0.8 * 0.5;
    expect(Array.from((st as Tensor).data)).to.deep.equal([c1, Math.tanh(c1) * 0.5]);
  });

  it('BasicRNNCell: tanh([x, h]·W + b) with the kernel rows split x first, h second', () => {
    const cell = new BasicRNNCell({ numUnits: 1 });
    cell.build(2, { dtype: 'float64' });
    cell.kernel!.assign([0.5, -1, 2]); // rows: x0, x1, h
    cell.bias!.assign([0.1]);
    const [out] = cell.call(tensor([[1, 2]], { dtype: 'float64' }), tensor([[0.3]], { dtype: 'float64' }));
    expect(out.item()).to.be.closeTo(Math.tanh(0.5 - 2 + 0.6 + 0.1), 1e-15);
  });

  it('LSTMCell cell_clip clips the stored c; proj_clip clips the projected output', () => {
    const cell = new LSTMCell({ numUnits: 1, forgetBias: 10, cellClip: 0.5, numProj: 1, projClip: 0.1 });
    cell.build(1, { dtype: 'float64' });
    cell.kernel!.assign([0, 0, 0, 0, 0, 0, 0, 0]);
    cell.projKernel!.assign([3]);
    const [out, st] = cell.call(zeros([1, 1], 'float64'), new LSTMStateTuple(tensor([[4]], { dtype: 'float64' }), zeros([1, 1], 'float64')));
    expect((st as LSTMStateTuple).c.item()).to.equal(0.5); // 4·σ(10) ≈ 3.99 clipped
    expect(out.item()).to.equal(0.1); // 3·σ(0)·tanh(0.5) ≈ 0.69 clipped
  });

  it('LSTMCell peepholes: f sees w_f·c_prev, i sees w_i·c_prev, o sees w_o·c_new', () => {
    const cell = new LSTMCell({ numUnits: 1, forgetBias: 0, usePeepholes: true });
    cell.build(1, { dtype: 'float64' });
    cell.kernel!.assign([0, 0, 0, 0, 0, 0, 0, 0]);
    cell.bias!.assign([0, 0.5, 0, 0]);
    cell.wFDiag!.assign([0.2]);
    cell.wIDiag!.assign([-0.3]);
    cell.wODiag!.assign([0.7]);
    const cp = 1.5;
    const [out, st] = cell.call(zeros([1, 1], 'float64'), new LSTMStateTuple(tensor([[cp]], { dtype: 'float64' }), zeros([1, 1], 'float64')));
    const c = sigma(0.2 * cp) * cp + sigma(-0.3 * cp) * Math.tanh(0.5);
    const m = sigma(0.7 * c) * Math.tanh(c);
    expect((st as LSTMStateTuple).c.item()).to.be.closeTo(c, 1e-15);
    expect(out.item()).to.be.closeTo(m, 1e-15);
  });

  it('activation relu applies to j and to the cell output, gates stay sigmoid', () => {
    const cell = new BasicLSTMCell({ numUnits: 1, forgetBias: 0, activation: 'relu' });
    cell.build(1, { dtype: 'float64' });
    cell.kernel!.assign([0, 0, 0, 0, 0, 0, 0, 0]);
    cell.bias!.assign([0, 2, 0, 0]);
    const [out, st] = cell.call(zeros([1, 1], 'float64'), new LSTMStateTuple(tensor([[-1]], { dtype: 'float64' }), zeros([1, 1], 'float64')));
    const c = -0.5 + 0.5 * 2;
    expect((st as LSTMStateTuple).c.item()).to.equal(c);
    expect(out.item()).to.equal(c * 0.5);
    void ones;
  });
});
