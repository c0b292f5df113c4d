import { expect } from 'chai';
import fc from 'fast-check';
import { tensor, Random, ops, Tensor } from '../../src/index.js';
import { lstmSequence } from '../../src/kernels/lstm-sequence.js';

// Metamorphic property of go_backwards with a right-padded mask (keras-tf-semantics.md §3.4), checked with
// the ops engineer's reverseSequence rather than any oracle of ours: processing row b backwards equals
// processing its valid prefix, reversed, forwards — except that the padding comes first, so the backward
// outputs are shifted by T − L_b: y_gb[s] = 0 for s < T − L_b (no previous output yet), y_gb[T − L_b + k] = y_fw[k].
// The final states are equal. Exact in float64 (identical operations in identical order).
describe('kernels/lstmSequence: go_backwards == forward over reverseSequence (fast-check, float64)', () => {
  it('outputs shifted by the padding, equal final states', () => {
    const arb = fc.record({ T: fc.integer({ min: 1, max: 6 }), B: fc.integer({ min: 1, max: 4 }), I: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 1, max: 1e6 }) })
      .chain((d) => fc.record({ d: fc.constant(d), lens: fc.array(fc.integer({ min: 0, max: d.T }), { minLength: d.B, maxLength: d.B }), zo: fc.boolean() }));
    fc.assert(fc.property(arb, ({ d, lens, zo }) => {
      const { T, B, I, H } = d;
      const rng = new Random(d.seed);
      const mk = (shape: number[]): Tensor => tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniformRange(-1, 1)), { shape, dtype: 'float64' });
      const x = mk([T, B, I]);
      const w = [mk([B, H]), mk([B, H]), mk([I, 4 * H]), mk([H, 4 * H]), mk([4 * H])] as const;
      const [yb, hb, cb] = lstmSequence(x, ...w, { seqLengths: lens, goBackwards: true, zeroOutputForMask: zo });
      const xr = ops.reverseSequence(x, lens, 0, 1);
      const [yf, hf, cf] = lstmSequence(xr, ...w, { seqLengths: lens, zeroOutputForMask: zo });
      expect(Array.from(hb.data)).to.deep.equal(Array.from(hf.data));
      expect(Array.from(cb.data)).to.deep.equal(Array.from(cf.data));
      for (let b = 0; b < B; b++) {
        const pad = T - lens[b];
        for (let s = 0; s < T; s++) {
          for (let j = 0; j < H; j++) {
            const got = yb.data[(s * B + b) * H + j];
            const want = s < pad ? 0 : yf.data[((s - pad) * B + b) * H + j];
            if (got !== want) throw new Error(`y_gb[${s},${b},${j}] = ${got}, want ${want} (lens ${lens})`);
          }
        }
      }
    }), { numRuns: 100, seed: 7 });
  });
});
