// LayerNormalization and UnitNormalization vs REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_normalization.py):
// each layer rebuilt from Keras's get_config() (after build: axis as a sorted list) gives it back; with Keras's
// weights its output and the gradients of Σ w·y w.r.t. the input, γ and β match TF (float32 1e-5 absolute +
// 1e-5 relative; float64 1e-12): axis −1, a list of axes, axis 1, center / scale off, epsilon, the deprecated
// rms_scaling (variance, not mean square), float64; UnitNormalization's 1e-12 floor ([1e-13, 0] → [0.1, 0], a
// zero vector stays 0). Plus values by hand and masks passed through.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';

interface Case {
  name: string; class_name: string; config: Record<string, unknown>; dtype: 'float32' | 'float64'; input: lt.NestedArray;
  weights: lt.NestedArray[]; output: lt.NestedArray; shape: number[]; grad_input: lt.NestedArray | null; grad_weights: lt.NestedArray[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/normalization.json', import.meta.url), 'utf8')) as { cases: Case[] };
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function close(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  expect(got.length, `${what}: length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol + tol * Math.abs(want[i]))) expect.fail(`${what}[${i}]: ${got[i]} vs TF ${want[i]}`);
}

describe('keras layers: LayerNormalization, UnitNormalization vs TF 2.21', () => {
  for (const c of fx.cases) {
    it(`${c.name} (${c.class_name}${c.dtype === 'float64' ? ', float64' : ''}): config, output${c.grad_input ? ', gradients' : ''}`, () => {
      lt.keras.clearSession();
      const warn = console.warn;
      console.warn = () => {}; // rms_scaling's deprecation warning (Keras's text)
      let layer: lt.keras.layers.Layer;
      try {
        layer = lt.keras.deserializeLayer({ class_name: c.class_name, config: c.config });
      } finally {
        console.warn = warn;
      }
      const tol = c.dtype === 'float64' ? 1e-12 : 1e-5;
      const x = lt.tensor(c.input, { dtype: c.dtype, requiresGrad: true });
      layer.build([...x.shape]);
      expect(layer.getConfig()).to.deep.equal(c.config);
      if (c.weights.length) layer.setWeights(c.weights.map((w) => lt.tensor(w, { dtype: c.dtype })));
      const y = layer.apply(x) as lt.Tensor;
      expect([...y.shape]).to.deep.equal(c.shape);
      close(y.data, flat(c.output), tol, 'output');
      if (c.grad_input === null) return;
      const n = y.size;
      y.backward(lt.tensor(Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1)), { shape: [...y.shape], dtype: c.dtype }));
      close(x.grad!.data, flat(c.grad_input), tol, 'grad input');
      layer.trainableWeights.forEach((w, i) => close(w.grad!.data, flat(c.grad_weights[i]), tol, `grad ${w.name}`));
    });
  }

  it('by hand: LayerNormalization of [1, 2, 3] and UnitNormalization of [3, 4]; masks pass through', () => {
    lt.keras.clearSession();
    const ln = new lt.keras.layers.LayerNormalization({ epsilon: 0, dtype: 'float64' });
    const y = ln.apply(lt.tensor([[1, 2, 3]], { dtype: 'float64' })) as lt.Tensor;
    // μ = 2, σ² = 2/3: (x − 2)/√(2/3)
    const s = Math.sqrt(2 / 3);
    flat(y.toArray()).forEach((v, i) => expect(v).to.be.closeTo((i - 1) / s, 1e-12));
    expect(Array.from((new lt.keras.layers.UnitNormalization().apply(lt.tensor([[3, 4]])) as lt.Tensor).data)).to.deep.equal([0.6000000238418579, 0.800000011920929]);
    const x = lt.randomUniform([2, 3, 4], -1, 1, { seed: 1, dtype: 'float64' });
    lt.keras.setKerasMask(x, lt.tensor([[1, 1, 0], [1, 0, 0]]));
    expect(lt.keras.getKerasMask(new lt.keras.layers.LayerNormalization({ dtype: 'float64' }).apply(x) as lt.Tensor)!.toArray()).to.deep.equal([[1, 1, 0], [1, 0, 0]]);
    expect(() => new lt.keras.layers.LayerNormalization({ axis: 'x' as never })).to.throw(/Expected an int or a list\/tuple of ints for the argument 'axis'/);
    expect(() => new lt.keras.layers.LayerNormalization({ axis: 3 }).apply(lt.zeros([2, 3]))).to.throw(/Axis 3 is out of bounds/);
  });
});
