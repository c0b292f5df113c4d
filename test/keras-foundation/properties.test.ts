// fast-check properties of the foundation pieces (shapes and seeds drawn at random; few runs, small sizes).
import { expect } from 'chai';
import fc from 'fast-check';
import * as lt from '../../src/index.js';

const I = lt.keras.initializers;
const C = lt.keras.constraints;

function gram(m: number[][], rowsWise: boolean): number[][] {
  const vecs = rowsWise ? m : m[0].map((_, j) => m.map((r) => r[j]));
  return vecs.map((a) => vecs.map((b) => a.reduce((s, v, k) => s + v * b[k], 0)));
}

describe('keras-foundation: properties', () => {
  it('orthogonal(gain) gives gain²·I on the short side for any 2-D shape and seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.1, max: 3, noNaN: true }),
        (r, c, seed, gain) => {
          const q = I.orthogonal({ seed, gain }).call([r, c], 'float64').toArray() as number[][];
          const g = gram(q, r <= c);
          for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) {
            expect(Math.abs(g[i][j] - (i === j ? gain * gain : 0))).to.be.below(1e-10);
          }
        }),
      { numRuns: 40 },
    );
  });

  it('uniform variance-scaling draws stay inside ±sqrt(3·scale/n) for any shape, mode and scale', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }), fc.constantFrom('fan_in', 'fan_out', 'fan_avg'),
        fc.double({ min: 0.01, max: 5, noNaN: true }), fc.integer({ min: 0, max: 1e6 }),
        (shape, mode, scale, seed) => {
          const init = I.varianceScaling({ scale, mode: mode as 'fan_in', distribution: 'uniform', seed });
          const limit = Math.sqrt(3 * init.scaleFor(shape));
          const t = init.call(shape, 'float64');
          for (const v of t.data) expect(Math.abs(v)).to.be.at.most(limit);
        }),
      { numRuns: 40 },
    );
  });

  it('constraints are projections: applying twice equals applying once (max_norm, unit_norm, non_neg, min_max_norm rate 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 0, max: 1 }),
        (r, c, seed, axis) => {
          // |w| ≥ 0.5 so every fibre norm n ≥ 0.5: Keras's ε = 1e-7 in w/(ε+n) makes the projections
          // idempotent only up to a relative ε/n, which is below the 1e-6 tolerance only for n not tiny.
          const w = lt.randomUniform([r, c], 0.5, 3, { dtype: 'float64', seed });
          for (let i = 0; i < w.size; i++) if ((i * 7 + seed) % 3 === 0) w.data[i] = -w.data[i];
          for (const con of [C.maxNorm({ maxValue: 1.2, axis }), C.unitNorm({ axis }), C.nonNeg(), C.minMaxNorm({ minValue: 0.5, maxValue: 1.5, axis })]) {
            const once = con.call(w);
            const twice = con.call(once);
            for (let i = 0; i < once.size; i++) expect(Math.abs(twice.data[i] - once.data[i])).to.be.below(1e-6);
          }
        }),
      { numRuns: 60 },
    );
  });

  it('Dense on [B, T, F] equals Dense applied to each [B, F] time slice', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1e6 }),
        (B, T, F, U, seed) => {
          const d = new lt.keras.layers.Dense({ units: U, activation: 'sigmoid', dtype: 'float64', biasInitializer: I.randomNormal({ seed }) });
          const x = lt.randomUniform([B, T, F], -1, 1, { dtype: 'float64', seed: seed + 1 });
          const y = (d.apply(x) as lt.Tensor).toArray() as number[][][];
          const xs = x.toArray() as number[][][];
          for (let t = 0; t < T; t++) {
            const yt = (d.apply(lt.tensor(xs.map((row) => row[t]), { dtype: 'float64' })) as lt.Tensor).toArray() as number[][];
            for (let b = 0; b < B; b++) for (let u = 0; u < U; u++) expect(Math.abs(yt[b][u] - y[b][t][u])).to.be.below(1e-12);
          }
        }),
      { numRuns: 30 },
    );
  });
});
