// The plain reference steps (src/reference/recurrent.ts, what docs/lstm.md and the explorable teach from) give
// the layers' numbers: lt.reference.lstmReference == LSTM.apply, gruReference == GRU.apply, simpleRnnReference ==
// SimpleRNN.apply, in float64 (≤ 1e-12; the layers run their fused kernels), over random sizes, masks (fully
// masked rows included), go_backwards and zero_output_for_mask; and one LSTM step is checked by hand.
import { expect } from 'chai';
import fc from 'fast-check';
import * as lt from '../../src/index.js';

type Kind = 'LSTM' | 'GRU' | 'SimpleRNN';

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** The layer's outputs (all steps, processing order) and final states, and the reference's, on one case. */
function both(kind: Kind, p: { B: number; T: number; I: number; H: number; lens: number[]; goBackwards: boolean; zeroOutputForMask: boolean; seed: number }) {
  const rng = new lt.Random(p.seed);
  const x = lt.tensor(Float64Array.from({ length: p.B * p.T * p.I }, () => rng.uniformRange(-1, 1)), { shape: [p.B, p.T, p.I], dtype: 'float64' });
  const maskVals = Float64Array.from({ length: p.B * p.T }, (_, k) => (k % p.T < p.lens[Math.floor(k / p.T)] ? 1 : 0));
  const mask = lt.tensor(maskVals, { shape: [p.B, p.T], dtype: 'float64' });
  const common = { units: p.H, returnSequences: true, returnState: true, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask, dtype: 'float64' as const,
    biasInitializer: lt.keras.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: p.seed + 1 }) };
  const layer = kind === 'LSTM' ? new lt.keras.layers.LSTM(common) : kind === 'GRU' ? new lt.keras.layers.GRU(common) : new lt.keras.layers.SimpleRNN(common);
  const outs = layer.apply(x, { mask }) as lt.Tensor[];
  const [kernel, recurrentKernel, bias] = layer.weights;
  const w = { kernel, recurrentKernel, bias };
  const opts = { mask, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask };
  const ref = kind === 'LSTM' ? lt.reference.lstmReference(x, w, opts) : kind === 'GRU' ? lt.reference.gruReference(x, w, opts) : lt.reference.simpleRnnReference(x, w, opts);
  const refY = lt.ops.stack(ref.outputs, 1);  // [B, T, H] in processing order, as Keras returns them
  return { layerY: outs[0], layerStates: outs.slice(1), refY, refStates: ref.states };
}

const arb = fc.record({
  B: fc.integer({ min: 1, max: 4 }), T: fc.integer({ min: 1, max: 6 }), I: fc.integer({ min: 1, max: 5 }), H: fc.integer({ min: 1, max: 5 }),
  goBackwards: fc.boolean(), zeroOutputForMask: fc.boolean(), seed: fc.integer({ min: 0, max: 1e6 }),
}).chain((p) => fc.record({ lens: fc.array(fc.integer({ min: 0, max: p.T }), { minLength: p.B, maxLength: p.B }) }).map((l) => ({ ...p, ...l })));

describe('reference recurrent steps (src/reference) equal the layers', () => {
  for (const kind of ['LSTM', 'GRU', 'SimpleRNN'] as const) {
    it(`${kind}: reference loop == ${kind}.apply in float64 (≤ 1e-12), masks, go_backwards, zero_output_for_mask`, () => {
      fc.assert(fc.property(arb, (p) => {
        const r = both(kind, p);
        const dy = maxAbs(r.layerY.data, r.refY.data);
        if (!(dy <= 1e-12)) throw new Error(`outputs differ by ${dy} for ${JSON.stringify(p)}`);
        r.layerStates.forEach((s, k) => {
          const d = maxAbs(s.data, r.refStates[k].data);
          if (!(d <= 1e-12)) throw new Error(`state ${k} differs by ${d} for ${JSON.stringify(p)}`);
        });
      }), { numRuns: 60, seed: 17 });
    });
  }

  it('one LSTM step by hand: x = 1, h = 0, c = 0.5, W = [0.1, 0.2, 0.3, 0.4], U = 0, b = 0', () => {
    const t = (v: number[], shape: number[]): lt.Tensor => lt.tensor(v, { shape, dtype: 'float64' });
    const s = lt.reference.lstmStep(t([1], [1, 1]), t([0], [1, 1]), t([0.5], [1, 1]), { kernel: t([0.1, 0.2, 0.3, 0.4], [1, 4]), recurrentKernel: t([0, 0, 0, 0], [1, 4]), bias: t([0, 0, 0, 0], [4]) });
    const sig = (z: number): number => 1 / (1 + Math.exp(-z));
    const i = sig(0.1), f = sig(0.2), g = Math.tanh(0.3), o = sig(0.4);
    const c = f * 0.5 + i * g;
    expect(s.i.data[0]).to.be.closeTo(i, 1e-15);
    expect(s.f.data[0]).to.be.closeTo(f, 1e-15);
    expect(s.cTilde.data[0]).to.be.closeTo(g, 1e-15);
    expect(s.o.data[0]).to.be.closeTo(o, 1e-15);
    expect(s.c.data[0]).to.be.closeTo(c, 1e-15);
    expect(s.h.data[0]).to.be.closeTo(o * Math.tanh(c), 1e-15);
  });
});
