// The same LSTM written both ways, checked against real TensorFlow 2.21 / Keras 3 (fixture
// `kerasEquivalence` in test/fixtures/tf1.json): a TF1 BasicLSTMCell under dynamic_rnn, and a Keras LSTM
// whose weights the generator converted in numpy. Our converter must produce Keras's weights, and our
// dynamicRnn must match both TF1's and Keras's numbers (Keras at valid steps only: it repeats the last
// output at padded steps where dynamic_rnn writes zeros).
// Tolerances: float64 1e-12; float32 2e-5 (Eigen fast tanh in TF, float32 rounding).

import { expect } from 'chai';
import { Tensor } from '../../src/index.js';
import * as lt from '../../src/index.js';
import { LSTMStateTuple } from '../../src/tf1/state.js';
import { loadTf1Fixtures, fromEnc, expectClose, type Enc } from './helpers.js';

interface EquivCase {
  name: string; dtype: 'float32' | 'float64'; forgetBias: number; numUnits: number; sequenceLength: number[] | null;
  x: Enc; tf1Kernel: Enc; tf1Bias: Enc; kerasKernel: Enc; kerasRecurrentKernel: Enc; kerasBias: Enc;
  tf1Outputs: Enc; tf1C: Enc; tf1H: Enc; kerasSequence: Enc; kerasH: Enc; kerasC: Enc; kerasVersion: string;
}

const cases = (loadTf1Fixtures() as unknown as { kerasEquivalence: EquivCase[] }).kerasEquivalence;

describe('tf1 ↔ Keras: the same model both ways (real TF 2.21 / Keras 3)', () => {
  it('has the fixture cases', () => expect(cases.length).to.equal(2));

  for (const c of cases) {
    it(`${c.name}: tf1LstmToKeras gives Keras's weights exactly; dynamicRnn matches TF1 and Keras ${c.kerasVersion}`, () => {
      const D = c.x.shape[2];
      const [k, r, b] = lt.tf1.tf1LstmToKeras(fromEnc(c.tf1Kernel, c.dtype), fromEnc(c.tf1Bias, c.dtype), D, c.forgetBias);
      expectClose(k, c.kerasKernel, 0, 'kernel');
      expectClose(r, c.kerasRecurrentKernel, 0, 'recurrent kernel');
      expectClose(b, c.kerasBias, 0, 'bias');

      const tol = c.dtype === 'float64' ? 1e-12 : 2e-5;
      for (const backend of ['generic', 'ts'] as const) {
        const cell = new lt.tf1.nn.rnn_cell.BasicLSTMCell({ numUnits: c.numUnits, forgetBias: c.forgetBias });
        cell.build(D, { dtype: c.dtype });
        cell.setWeights([fromEnc(c.tf1Kernel, c.dtype), fromEnc(c.tf1Bias, c.dtype)]);
        const [out, st] = lt.tf1.nn.dynamicRnn(cell, fromEnc(c.x, c.dtype), { dtype: c.dtype, sequenceLength: c.sequenceLength, backend });
        expect(cell.lastRnnPath!.kernel).to.equal(backend);
        const s = st as LSTMStateTuple;
        expectClose(out, c.tf1Outputs, tol, `${backend} outputs vs TF1`);
        expectClose(s.c, c.tf1C, tol, `${backend} c vs TF1`);
        expectClose(s.h, c.tf1H, tol, `${backend} h vs TF1`);
        // Keras returns [seq, h, c]: h and c swap places relative to LSTMStateTuple(c, h).
        expectClose(s.h, c.kerasH, tol, `${backend} h vs Keras`);
        expectClose(s.c, c.kerasC, tol, `${backend} c vs Keras`);
        const [B, T, H] = out.shape;
        const len = c.sequenceLength ?? Array(B).fill(T);
        let worst = 0;
        for (let bb = 0; bb < B; bb++) {
          for (let t = 0; t < len[bb]; t++) {
            for (let u = 0; u < H; u++) {
              const i = (bb * T + t) * H + u;
              worst = Math.max(worst, Math.abs(out.data[i] - c.kerasSequence.data[i]));
            }
          }
        }
        expect(worst, `${backend} outputs vs Keras at valid steps`).to.be.at.most(tol);
      }
    });
  }
});
