// TF1 GRUCell ↔ Keras GRU(reset_after=False): tf1GruToKeras / kerasGruToTf1 (src/tf1/convert.ts). Checked on the
// TF 2.21 dynamic_rnn fixtures of test/fixtures/generate_tf1.py: the TF1 weights converted to Keras layout and
// run by lt.keras GRU(resetAfter: false) with the sequence lengths as a right-padded mask give TF's dynamic_rnn
// outputs at every valid step and TF's final state (dynamic_rnn writes zeros at padded steps; Keras repeats the
// last output there, so those are skipped). Tolerance: float64 1e-12, float32 2e-5 (the two layouts round in a
// different order). The round trip is exact; errors name the weight and the shapes.
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { loadTf1Fixtures, fromEnc, expectClose } from './helpers.js';

const cases = loadTf1Fixtures().cases.filter((c) => c.cell.type === 'GRUCell' && !c.bidirectional);

describe('tf1 GRUCell ↔ Keras GRU(resetAfter: false): conversion checked against TF 2.21 dynamic_rnn', () => {
  it('has the fixture cases', () => expect(cases.length).to.be.at.least(3));
  for (const c of cases) {
    it(`${c.name}: converted weights in a Keras GRU give TF1's outputs and final state`, () => {
      const dtype = c.dtype;
      const w = c.weights.map((e) => fromEnc(e, dtype));
      const D = c.x.shape[2];
      const [K, R, b] = lt.tf1.tf1GruToKeras(w[0], w[1], w[2], w[3], D);
      const back = lt.tf1.kerasGruToTf1(K, R, b);
      back.forEach((t, i) => expect(Array.from(t.data), `round trip ${c.weights[i].name}`).to.deep.equal(Array.from(w[i].data)));
      const gru = new lt.keras.layers.GRU({ units: c.cell.numUnits!, resetAfter: false, returnSequences: true, returnState: true,
        activation: (c.cell.activation ?? 'tanh') as 'tanh', dtype, timeMajor: c.timeMajor });
      const x = fromEnc(c.x, dtype);
      const [T, B] = c.timeMajor ? [x.shape[0], x.shape[1]] : [x.shape[1], x.shape[0]];
      gru.build([...x.shape]);
      gru.setWeights([K, R, b]);
      const lens = c.sequenceLength ?? Array(B).fill(T);
      const rows = Array.from({ length: B }, (_, bb) => Array.from({ length: T }, (_, t) => (t < lens[bb] ? 1 : 0)));
      // a time-major layer takes its mask time-major too ([T, B])
      const mask = lt.tensor(c.timeMajor ? Array.from({ length: T }, (_, t) => rows.map((r) => r[t])) : rows);
      const init = c.initialState ? [fromEnc(c.initialState[0], dtype)] : undefined;
      const [seq, h] = gru.apply(x, { mask, initialState: init }) as lt.Tensor[];
      const tol = dtype === 'float64' ? 1e-12 : 2e-5;
      const want = c.outputs[0];
      const H = c.cell.numUnits!;
      for (let bb = 0; bb < B; bb++) {
        for (let t = 0; t < lens[bb]; t++) {
          const at = c.timeMajor ? (t * B + bb) * H : (bb * T + t) * H;
          const got = lt.tensor(Array.from(seq.data.subarray(at, at + H)), { dtype });
          expectClose(got, { shape: [H], data: want.data.slice(at, at + H) }, tol, `output b${bb} t${t}`);
        }
      }
      expectClose(h, c.finalState[0], tol, 'final state');
    });
  }

  it('cell helpers: gruCellToKerasWeights / setGruCellFromKerasWeights round-trip; reset_after biases and bad shapes are refused', () => {
    const cell = new lt.tf1.nn.rnn_cell.GRUCell({ numUnits: 2, seed: 1 });
    cell.build(3, { dtype: 'float64' });
    const ks = lt.tf1.gruCellToKerasWeights(cell);
    const other = new lt.tf1.nn.rnn_cell.GRUCell({ numUnits: 2 });
    lt.tf1.setGruCellFromKerasWeights(other, ks);
    expect(other.variables.map((v) => Array.from(v.data))).to.deep.equal(cell.variables.map((v) => Array.from(v.data)));
    expect(Array.from(cell.gateBias!.data), 'TF1 gate bias starts at 1.0').to.deep.equal([1, 1, 1, 1]);
    const k = lt.zeros([3, 6]);
    const r = lt.zeros([2, 6]);
    expect(() => lt.tf1.kerasGruToTf1(k, r, lt.zeros([2, 6]))).to.throw(/reset_after = True, which has no TF1 GRUCell equivalent/);
    expect(() => lt.tf1.kerasGruToTf1(k, lt.zeros([2, 4]), null)).to.throw(/recurrentKernel must be \[2, 6\], got \[2, 4\]/);
    expect(() => lt.tf1.tf1GruToKeras(lt.zeros([5, 4]), lt.zeros([4]), lt.zeros([5, 2]), lt.zeros([2]), 4)).to.throw(/does not match inputDepth 4 \+ numUnits 2/);
  });
});
