// fast-check properties of the TF1 API:
//  * dynamicRnn with full lengths == Keras LSTM over the converted weights (our lt.keras.layers.LSTM, and
//    @tensorflow/tfjs's LSTM as an oracle we did not write), with the state order trap: Keras [h, c], TF1 (c, h)
//  * bidirectionalDynamicRnn == two dynamicRnn calls, the backward one on reverseSequence'd input, reversed back
//  * timeMajor == the transposed batch-major call
//  * the fused-kernel path == the generic cell loop (values and gradients)
//  * Keras → TF1 → Keras weight conversion is the identity
// Tolerances are stated per property.

import { expect } from 'chai';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { Tensor, ops, noGrad } from '../../src/index.js';
import * as lt from '../../src/index.js';
import { LSTMStateTuple, flattenState } from '../../src/tf1/state.js';
import type { RNNCell } from '../../src/tf1/rnn_cell/index.js';
import { randTensor, maxAbsDiff } from './helpers.js';

const { BasicRNNCell, BasicLSTMCell, LSTMCell, MultiRNNCell } = lt.tf1.nn.rnn_cell;
const RUNS = { numRuns: 12 };

const dims = fc.record({
  B: fc.integer({ min: 1, max: 3 }),
  T: fc.integer({ min: 1, max: 5 }),
  D: fc.integer({ min: 1, max: 3 }),
  U: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
});

/** A random cell of any TF1 kind (the same `kind`/`seed` builds an identical cell). */
function makeCell(kind: number, U: number, seed: number): RNNCell {
  switch (kind) {
    case 0:
      return new BasicRNNCell({ numUnits: U, seed });
    case 1:
      return new BasicLSTMCell({ numUnits: U, forgetBias: 0.5, seed });
    case 2:
      return new LSTMCell({ numUnits: U, usePeepholes: true, numProj: 2, cellClip: 1, seed });
    default:
      return new MultiRNNCell([new BasicLSTMCell({ numUnits: U, seed }), new BasicRNNCell({ numUnits: 2, seed: seed + 1 })]);
  }
}

function lengthsFor(B: number, T: number, seed: number): number[] {
  return Array.from({ length: B }, (_, b) => (seed * (b + 7)) % (T + 1));
}

function expectAllClose(a: Tensor[], b: Tensor[], tol: number): void {
  expect(a.length).to.equal(b.length);
  a.forEach((t, i) => expect(maxAbsDiff(t, b[i]), `tensor ${i}`).to.be.at.most(tol));
}

describe('tf1 properties (fast-check)', () => {
  it('dynamicRnn(BasicLSTMCell), full lengths == lt.keras.layers.LSTM on converted weights; states (c,h) vs [h,c]', () => {
    fc.assert(fc.property(dims, fc.constantFrom(0, 1, 2.5), ({ B, T, D, U, seed }, fb) => {
      const cell = new BasicLSTMCell({ numUnits: U, forgetBias: fb, seed });
      cell.build(D, { dtype: 'float64' });
      cell.bias!.assign(randTensor([4 * U], seed + 3, 'float64', 0.5)); // a non-zero bias so the fold matters
      const x = randTensor([B, T, D], seed + 1, 'float64');
      const [out, st] = lt.tf1.nn.dynamicRnn(cell, x, { dtype: 'float64', sequenceLength: Array(B).fill(T), backend: 'generic' });
      const layer = new lt.keras.layers.LSTM({ units: U, returnSequences: true, returnState: true, dtype: 'float64' });
      layer.apply(x);
      layer.setWeights(lt.tf1.cellToKerasWeights(cell));
      const [seq, h, c] = layer.apply(x) as Tensor[];
      const s = st as LSTMStateTuple;
      // float64: only the summation order differs ((xK + hR) + (b + fb) vs [x,h]·W + b + fb).
      expectAllClose([out, s.c, s.h], [seq, c, h], 1e-12);
    }), RUNS);
  });

  it('dynamicRnn(BasicLSTMCell) == @tensorflow/tfjs LSTM (sigmoid gates) on converted weights, float32', async () => {
    const cases = fc.sample(dims, { numRuns: 6, seed: 99 });
    for (const { B, T, D, U, seed } of cases) {
      const cell = new BasicLSTMCell({ numUnits: U, forgetBias: 1, seed });
      cell.build(D, { dtype: 'float32' });
      cell.bias!.assign(randTensor([4 * U], seed + 3, 'float32', 0.5));
      const x = randTensor([B, T, D], seed + 1, 'float32');
      const [out, st] = lt.tf1.nn.dynamicRnn(cell, x, { dtype: 'float32', backend: 'generic' });
      const layer = tf.layers.lstm({ units: U, returnSequences: true, returnState: true, recurrentActivation: 'sigmoid', inputShape: [T, D] });
      const [k, r, b] = lt.tf1.cellToKerasWeights(cell);
      const tx = tf.tensor(Array.from(x.data), [B, T, D]);
      layer.apply(tx);
      layer.setWeights([tf.tensor(Array.from(k.data), [...k.shape]), tf.tensor(Array.from(r.data), [...r.shape]), tf.tensor(Array.from(b.data), [...b.shape])]);
      const [seq, h, c] = layer.apply(tx) as tf.Tensor[];
      const s = st as LSTMStateTuple;
      const asT = (t: tf.Tensor): Tensor => lt.tensor(Float32Array.from(t.dataSync()), { shape: t.shape });
      // float32, different op order and tfjs's own exp/tanh: 2e-6 absolute on values of order 1.
      expectAllClose([out, s.c, s.h], [asT(seq), asT(c), asT(h)], 2e-6);
      tf.dispose([seq, h, c, tx]);
    }
  });

  it('bidirectionalDynamicRnn == fw dynamicRnn + reverseSequence(bw dynamicRnn(reverseSequence(x))) (exact)', () => {
    fc.assert(fc.property(dims, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.boolean(),
      ({ B, T, D, U, seed }, kf, kb, timeMajor) => {
        const len = lengthsFor(B, T, seed);
        const x = randTensor(timeMajor ? [T, B, D] : [B, T, D], seed, 'float64');
        const [fw, bw, fw2, bw2] = [makeCell(kf, U, seed), makeCell(kb, U, seed + 9), makeCell(kf, U, seed), makeCell(kb, U, seed + 9)];
        const [[of, ob], [sf, sb]] = lt.tf1.nn.bidirectionalDynamicRnn(fw, bw, x, { sequenceLength: len, dtype: 'float64', timeMajor, backend: 'generic' });
        const [ta, ba] = timeMajor ? [0, 1] : [1, 0];
        const [mof, msf] = lt.tf1.nn.dynamicRnn(fw2, x, { sequenceLength: len, dtype: 'float64', timeMajor, scope: 'f', backend: 'generic' });
        const [rb, msb] = lt.tf1.nn.dynamicRnn(bw2, ops.reverseSequence(x, len, ta, ba), { sequenceLength: len, dtype: 'float64', timeMajor, scope: 'b', backend: 'generic' });
        const mob = ops.reverseSequence(rb, len, ta, ba);
        expectAllClose([of, ob, ...flattenState(sf), ...flattenState(sb)], [mof, mob, ...flattenState(msf), ...flattenState(msb)], 0);
        // Padding of the backward output is zero (aligned with the input, not shifted).
        for (let b = 0; b < B; b++) {
          for (let t = len[b]; t < T; t++) {
            const row = ops.slice(ob, timeMajor ? [t, b, 0] : [b, t, 0], [1, 1, -1]);
            expect(Array.from(row.data).every((v) => v === 0)).to.equal(true);
          }
        }
      }), RUNS);
  });

  it('timeMajor == transposed batch-major call (exact), with and without lengths', () => {
    fc.assert(fc.property(dims, fc.integer({ min: 0, max: 3 }), fc.boolean(), ({ B, T, D, U, seed }, kind, withLen) => {
      const len = withLen ? lengthsFor(B, T, seed) : undefined;
      const x = randTensor([B, T, D], seed, 'float64');
      const [a, sa] = lt.tf1.nn.dynamicRnn(makeCell(kind, U, seed), x, { sequenceLength: len, dtype: 'float64' });
      const [b, sb] = lt.tf1.nn.dynamicRnn(makeCell(kind, U, seed), ops.transpose(x, [1, 0, 2]), { sequenceLength: len, dtype: 'float64', timeMajor: true });
      expectAllClose([a, ...flattenState(sa)], [ops.transpose(b, [1, 0, 2]), ...flattenState(sb)], 0);
    }), RUNS);
  });

  it('fused path == generic loop for a MultiRNNCell of LSTMs, layer by layer (float64 values and gradients, 1e-12)', () => {
    fc.assert(fc.property(dims, fc.boolean(), ({ B, T, D, U, seed }, timeMajor) => {
      const len = lengthsFor(B, T, seed).map((l) => Math.max(1, l));
      const run = (backend: 'ts' | 'generic') => {
        const cells = [new BasicLSTMCell({ numUnits: U, seed }), new LSTMCell({ numUnits: 2, forgetBias: 0, seed: seed + 1 })];
        const cell = new MultiRNNCell(cells);
        cell.build(D, { dtype: 'float64' });
        const x = randTensor(timeMajor ? [T, B, D] : [B, T, D], seed + 1, 'float64', 1, true);
        const [out, st] = lt.tf1.nn.dynamicRnn(cell, x, { sequenceLength: len, dtype: 'float64', timeMajor, backend });
        expect(cell.lastRnnPath!.kernel).to.equal(backend);
        const outs = [out, ...flattenState(st)];
        let loss = ops.sum(ops.mul(outs[0], randTensor([...outs[0].shape], seed + 20, 'float64')));
        outs.slice(1).forEach((o, i) => (loss = ops.add(loss, ops.sum(ops.mul(o, randTensor([...o.shape], seed + 30 + i, 'float64'))))));
        loss.backward();
        return [...outs, x.grad!, ...cell.variables.map((v) => v.grad!)];
      };
      expectAllClose(run('ts'), run('generic'), 1e-12);
    }), RUNS);
  });

  it('fused kernel path == generic loop for BasicLSTMCell / plain LSTMCell (float64 values and gradients, 1e-12)', () => {
    fc.assert(fc.property(dims, fc.boolean(), fc.boolean(), fc.boolean(), ({ B, T, D, U, seed }, basic, tuple, timeMajor) => {
      const len = lengthsFor(B, T, seed).map((l) => Math.max(1, l)); // no length-0 row: Keras's fused rule 6
      const run = (backend: 'ts' | 'generic') => {
        const cell = basic ? new BasicLSTMCell({ numUnits: U, stateIsTuple: tuple, seed }) : new LSTMCell({ numUnits: U, stateIsTuple: tuple, forgetBias: 0.3, seed });
        cell.build(D, { dtype: 'float64' });
        cell.bias!.assign(randTensor([4 * U], seed + 5, 'float64', 0.5));
        const x = randTensor(timeMajor ? [T, B, D] : [B, T, D], seed + 1, 'float64', 1, true);
        const z = flattenState(cell.zeroState(B, 'float64'));
        const init0 = z.map((t, i) => randTensor([...t.shape], seed + 10 + i, 'float64', 0.5, true));
        const initialState = tuple ? new LSTMStateTuple(init0[0], init0[1]) : init0[0];
        const [out, st] = lt.tf1.nn.dynamicRnn(cell, x, { sequenceLength: len, initialState, timeMajor, backend });
        expect(cell.lastRnnPath!.kernel).to.equal(backend);
        const outs = [out, ...flattenState(st)];
        let loss = ops.sum(ops.mul(outs[0], randTensor([...outs[0].shape], seed + 20, 'float64')));
        outs.slice(1).forEach((o, i) => (loss = ops.add(loss, ops.sum(ops.mul(o, randTensor([...o.shape], seed + 30 + i, 'float64'))))));
        loss.backward();
        return [...outs, x.grad!, ...init0.map((t) => t.grad!), cell.kernel!.grad!, cell.bias!.grad!];
      };
      expectAllClose(run('ts'), run('generic'), 1e-12);
    }), RUNS);
  });

  it('Keras → TF1 → Keras weight conversion is the identity; TF1 → Keras permutes i,j,f,o → i,f,c,o', () => {
    fc.assert(fc.property(dims, fc.double({ min: -3, max: 3, noNaN: true }), ({ D, U, seed }, fb) => {
      const k = randTensor([D, 4 * U], seed, 'float64');
      const r = randTensor([U, 4 * U], seed + 1, 'float64');
      const b = randTensor([4 * U], seed + 2, 'float64');
      const [W, tb] = noGrad(() => lt.tf1.kerasLstmToTf1(k, r, b, fb));
      const [k2, r2, b2] = noGrad(() => lt.tf1.tf1LstmToKeras(W, tb, D, fb));
      expect(maxAbsDiff(k2, k)).to.equal(0);
      expect(maxAbsDiff(r2, r)).to.equal(0);
      expect(maxAbsDiff(b2, b)).to.be.at.most(1e-15 * 8); // (b − fb) + fb rounds
      // Column block g of TF1 (i=0, j=1, f=2, o=3) is Keras block (0, 2, 1, 3)[g]; rows D.. are R.
      const kerasBlock = [0, 2, 1, 3];
      for (let row = 0; row < D + U; row++) {
        for (let g = 0; g < 4; g++) {
          for (let u = 0; u < U; u++) {
            const src = row < D ? k.data[row * 4 * U + kerasBlock[g] * U + u] : r.data[(row - D) * 4 * U + kerasBlock[g] * U + u];
            expect(W.data[row * 4 * U + g * U + u]).to.equal(src);
          }
        }
      }
      for (let u = 0; u < U; u++) expect(tb.data[2 * U + u]).to.equal(b.data[U + u] - fb);
    }), RUNS);
  });

  it('setCellFromKerasWeights loads a Keras LSTM into a TF1 cell that then reproduces it', () => {
    const layer = new lt.keras.layers.LSTM({ units: 3, returnSequences: true, returnState: true, dtype: 'float64' });
    const x = randTensor([2, 4, 2], 5, 'float64');
    layer.apply(x);
    layer.setWeights([randTensor([2, 12], 6, 'float64', 0.5), randTensor([3, 12], 7, 'float64', 0.5), randTensor([12], 8, 'float64', 0.5)]);
    const [seq, h, c] = layer.apply(x) as Tensor[];
    const cell = new BasicLSTMCell({ numUnits: 3, forgetBias: 1 });
    lt.tf1.setCellFromKerasWeights(cell, layer.getWeights());
    const [out, st] = lt.tf1.nn.dynamicRnn(cell, x, { dtype: 'float64' });
    expectAllClose([out, (st as LSTMStateTuple).c, (st as LSTMStateTuple).h], [seq, c, h], 1e-12);
  });
});
