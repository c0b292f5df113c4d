// The gelu activation (src/keras/activations.ts) against real TF 2.21 / Keras 3.15
// (test/fixtures/generate_activations_extra.py → activations_extra.json): keras.activations.gelu values and
// gradients, exact and approximate, float32 and float64; Dense / SimpleRNN / LSTM with activation='gelu'
// (outputs, gradients, get_config round trip); names and the Keras 2 switch.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { getActivation, gelu } from '../../src/keras/activations.js';
import { expectClose, weightedSum } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'activations_extra.json'), 'utf8'));
const L = lt.keras.layers;

describe('keras-foundation: gelu activation', () => {
  it("'gelu' resolves and serialises like Keras 3 (activations.get('gelu') → 'gelu'; serialize(gelu) → 'gelu')", () => {
    expect(getActivation('gelu').name).to.equal(fx.gelu_names.get_gelu);
    expect(lt.keras.activations.serialize(gelu)).to.equal(fx.gelu_names.serialize_fn);
    expect(lt.keras.activations.activationNames).to.include('gelu');
    expect(getActivation('Gelu').name).to.equal('gelu');
  });

  // float64: the exact form differs from TF only by erfc's ulps (ours ≤ 1, TF's ≤ 4) → rtol 1e-15;
  // the approximate form by tanh/pow ulps, which 1 + tanh magnifies for x < −2 (×30 at x = −2.2), and the
  // gradient's 1 − tanh² (a few ulps of 1 once tanh saturates, x ≥ 7) multiplied by ~20 → atol 5e-14. float32: TF's Eigen float32 erfc / tanh are a few ulps off the exact values we round →
  // rtol 5e-7 (≈ 4 float32 ulps), and for the same cancellation (measured 4.8e-7 absolute) atol 1e-6.
  const tol = {
    float64: { exact: { atol: 1e-300, rtol: 1e-15 }, approx: { atol: 5e-14, rtol: 1e-15 } },
    float32: { exact: { atol: 5e-7, rtol: 5e-7 }, approx: { atol: 1e-6, rtol: 5e-7 } },
  } as const;
  for (const dtype of ['float32', 'float64'] as const) {
    for (const form of ['exact', 'approx'] as const) {
      it(`${dtype} ${form}: values and gradients of Σ w·gelu(x) equal keras.activations.gelu (atol ${tol[dtype][form].atol}, rtol ${tol[dtype][form].rtol})`, () => {
        const ref = fx.gelu[`${dtype}_${form}`];
        const x = lt.tensor(fx.gelu.x, { dtype, requiresGrad: true });
        const y = form === 'exact' ? getActivation('gelu').fn(x) : gelu(x, true);
        expect(y.dtype).to.equal(dtype);
        expectClose(y, ref.y, tol[dtype][form].atol, tol[dtype][form].rtol, `${dtype} ${form} y`);
        weightedSum(y, fx.gelu.w).backward();
        expectClose(x.grad!, ref.grad, tol[dtype][form].atol, tol[dtype][form].rtol, `${dtype} ${form} grad`);
      });
    }
  }

  it('the exact form keeps its precision far left (TF computes 0.5·x·erfc(−x·c), not 1 + erf, which is 0 there)', () => {
    const x = lt.tensor([-12, -30], { dtype: 'float64' });
    const y = gelu(x);
    const c = Math.fround(Math.SQRT1_2);
    const viaErfc = lt.ops.erfc(lt.tensor([12 * c, 30 * c], { dtype: 'float64' })).data;
    expect(Array.from(y.data)).to.deep.equal([-6 * viaErfc[0], -15 * viaErfc[1]]);
    expect(y.data[0]).to.be.below(-1e-32);
    expect(y.data[1]).to.be.below(0);
    // the textbook form 0.5·x·(1 + erf(x/√2)) cancels to exactly 0
    expect(lt.ops.erf(lt.tensor([-12 * c], { dtype: 'float64' })).data[0] + 1).to.equal(0);
  });

  it('hand values: gelu(0) = 0, gelu(x) − gelu(−x) = x, approximate within 1e-3 of exact on [−4, 4]', () => {
    const xs = Array.from({ length: 33 }, (_, i) => -4 + i / 4);
    const x = lt.tensor(xs, { dtype: 'float64' });
    const e = gelu(x), n = gelu(lt.ops.neg(x)), a = gelu(x, true);
    xs.forEach((v, i) => {
      expect(e.data[i] - n.data[i]).to.be.closeTo(v, 1e-15);
      expect(Math.abs(a.data[i] - e.data[i])).to.be.below(1e-3);
    });
    expect(e.data[16]).to.equal(0);
  });

  it('float64 gradcheck of both forms; the Keras 2 switch changes nothing (tf.keras 2.x also calls tf.nn.gelu)', () => {
    const pts = lt.tensor([[-4.1, -2.2, -0.7, 0.4, 1.3, 3.7]], { dtype: 'float64' });
    lt.assertGradcheck('gelu', (t) => gelu(t), [pts]);
    lt.assertGradcheck('gelu approximate', (t) => gelu(t, true), [pts]);
    const k3 = Array.from(getActivation('gelu').fn(pts).data);
    const k2 = lt.keras.withKerasCompat('keras2', () => Array.from(getActivation('gelu').fn(pts).data));
    expect(k2).to.deep.equal(k3);
  });
});

describe("keras-foundation: layers with activation='gelu' equal Keras 3", () => {
  for (const c of fx.gelu_layers) {
    const dtype = c.dtype as 'float32' | 'float64';
    // float32 layers: a few ulps from erfc / tanh / matmul order; the RNNs accumulate them over 4 steps.
    const atol = dtype === 'float64' ? 1e-14 : c.name.startsWith('dense') ? 2e-6 : 1e-5;
    it(`${c.name}: output and gradients (x, every weight), atol ${atol}; getConfig equals Keras's and round-trips`, () => {
      lt.keras.clearSession();
      const layer = lt.keras.deserializeLayer({ class_name: c.config.name.startsWith('dense') ? 'Dense' : c.config.name.startsWith('srnn') ? 'SimpleRNN' : 'LSTM', config: c.config });
      expect(layer.getConfig()).to.deep.equal(c.config);
      const x = lt.tensor(c.x, { dtype, requiresGrad: true });
      layer.apply(x);
      layer.setWeights(c.weights.map((w: number[]) => lt.tensor(w, { dtype })));
      const y = layer.apply(x) as lt.Tensor;
      expectClose(y, c.y, atol, atol, `${c.name} y`);
      weightedSum(y, c.w).backward();
      expectClose(x.grad!, c.grad_x, atol, atol, `${c.name} dx`);
      layer.trainableWeights.forEach((w, i) => expectClose(w.grad!, c.grad_weights[i], atol, atol, `${c.name} d${w.name}`));
    });
  }

  it("Dense(activation='gelu') configs round-trip through fromConfig", () => {
    const d = new L.Dense({ units: 3, activation: 'gelu', name: 'dg' });
    const back = L.Dense.fromConfig(d.getConfig());
    expect(back.getConfig()).to.deep.equal(d.getConfig());
    expect(back.getConfig().activation).to.equal('gelu');
  });
});
