// ConvLSTM1D vs REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_conv_lstm.py → conv_lstm.json):
//   1. nine cases built from Keras's get_config (and giving it back): 'same' / 'valid', strides, dilation,
//      return_sequences / return_state, a [B, T] mask with and without go_backwards, channels_first, an initial
//      state, relu / hard_sigmoid without bias, float64: every output and the gradients of Σ w·y w.r.t. the input
//      and the three weights (float32 1e-5 absolute + relative; float64 1e-12);
//   2. the bias a fresh layer builds (unit_forget_bias: the forget block 1, the others from bias_initializer);
//   3. a two-layer ConvLSTM1D model Keras trained and saved (.keras, weights under `cell`): predict and evaluate;
//   4. float64 finite differences through the whole layer, dropout in training only, and refusals.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';
import { ConvLSTM1D } from '../../src/keras/layers/recurrent/conv-lstm.js';

interface Case {
  name: string; config: Record<string, unknown>; dtype: 'float32' | 'float64'; input: lt.NestedArray; weights: lt.NestedArray[];
  mask: number[][] | null; initial_state: lt.NestedArray[] | null; outputs: lt.NestedArray[]; shapes: number[][];
  grad_input: lt.NestedArray; grad_weights: lt.NestedArray[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/conv_lstm.json', import.meta.url), 'utf8')) as {
  cases: Case[]; init_bias: { ones_initializer: number[]; default: number[]; config_ones: Record<string, unknown>; config_default: Record<string, unknown> };
  models: { name: string; x: lt.NestedArray; y: lt.NestedArray; predict: lt.NestedArray; evaluate: number }[];
};
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function close(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  expect(got.length, `${what}: length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol + tol * Math.abs(want[i]))) expect.fail(`${what}[${i}]: ${got[i]} vs TF ${want[i]}`);
}
const specific = (cfg: Record<string, unknown>): Record<string, unknown> => {
  const { name: _n, trainable: _t, dtype: _d, ...rest } = cfg;
  void _n; void _t; void _d;
  return rest;
};

describe('keras layers: ConvLSTM1D vs TF 2.21', () => {
  for (const c of fx.cases) {
    it(`${c.name}: config round trip, outputs, gradients of the input and every weight`, () => {
      lt.keras.clearSession();
      const layer = lt.keras.deserializeLayer({ class_name: 'ConvLSTM1D', config: c.config });
      expect(specific(layer.getConfig())).to.deep.equal(specific(c.config));
      const tol = c.dtype === 'float64' ? 1e-12 : 1e-5;
      const x = lt.tensor(c.input, { dtype: c.dtype, requiresGrad: true });
      layer.build([...x.shape]);
      layer.setWeights(c.weights.map((w) => lt.tensor(w, { dtype: c.dtype })));
      if (c.mask) lt.keras.setKerasMask(x, lt.tensor(c.mask));
      const kw = c.initial_state ? { initialState: c.initial_state.map((s) => lt.tensor(s, { dtype: c.dtype })) } : {};
      const out = layer.apply(x, kw);
      const ys = Array.isArray(out) ? out : [out];
      expect(ys.map((y) => [...y.shape])).to.deep.equal(c.shapes);
      let loss: lt.Tensor | null = null;
      ys.forEach((y, k) => {
        close(y.data, flat(c.outputs[k]), tol, `output ${k}`);
        const n = y.size;
        const w = lt.tensor(Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1)), { shape: [...y.shape], dtype: c.dtype });
        const term = lt.ops.sum(lt.ops.mul(y, w));
        loss = loss === null ? term : lt.ops.add(loss, term);
      });
      (loss as unknown as lt.Tensor).backward();
      close(x.grad!.data, flat(c.grad_input), tol, 'grad input');
      layer.trainableWeights.forEach((w, i) => close(w.grad!.data, flat(c.grad_weights[i]), tol, `grad ${w.name}`));
    });
  }

  it('unit_forget_bias: a fresh bias is [init(F), ones(F), init(2F)]', () => {
    for (const [key, cfg] of [['ones_initializer', fx.init_bias.config_ones], ['default', fx.init_bias.config_default]] as const) {
      lt.keras.clearSession();
      const layer = lt.keras.deserializeLayer({ class_name: 'ConvLSTM1D', config: cfg }) as ConvLSTM1D;
      layer.build([1, 2, 4, 2]);
      expect(Array.from(layer.bias!.data)).to.deep.equal(fx.init_bias[key]);
      expect(layer.weights.map((w) => [...w.shape])).to.deep.equal([[2, 2, 4 * layer.filters], [2, layer.filters, 4 * layer.filters], [4 * layer.filters]]);
    }
  });

  for (const m of fx.models) {
    it(`loads ${m.name}.keras (two ConvLSTM1D layers trained by Keras): predict and evaluate as TF`, async () => {
      lt.keras.clearSession();
      const model = await lt.keras.loadKerasModel(fileURLToPath(new URL(`../fixtures/conv_lstm/${m.name}.keras`, import.meta.url)));
      const x = lt.tensor(m.x);
      close((model.predict(x) as lt.Tensor).data, flat(m.predict), 1e-5, 'predict');
      close([model.evaluate(x, lt.tensor(m.y)).loss], [m.evaluate], 1e-5, 'evaluate');
    });
  }

  it('float64 finite differences through the layer (mask, go_backwards, strides)', () => {
    lt.keras.clearSession();
    const layer = new ConvLSTM1D({ filters: 2, kernelSize: 2, strides: 2, goBackwards: true, returnSequences: true, dtype: 'float64' });
    const x = lt.randomUniform([2, 3, 5, 2], -1, 1, { seed: 3, dtype: 'float64' });
    layer.build([...x.shape]);
    const ws = layer.weights.map((w, i) => lt.randomUniform([...w.shape], -0.8, 0.8, { seed: 10 + i, dtype: 'float64' }));
    const mask = lt.tensor([[1, 1, 0], [1, 0, 1]]);
    lt.assertGradcheck('ConvLSTM1D', (xi, k, r, b) => {
      layer.kernel = k;
      layer.recurrentKernel = r;
      layer.bias = b;
      return layer.call(xi, { mask }) as lt.Tensor;
    }, [x, ...ws]);
  });

  it('dropout applies in training only; bad arguments are refused by name', () => {
    lt.keras.clearSession();
    const layer = new ConvLSTM1D({ filters: 2, kernelSize: 3, padding: 'same', dropout: 0.5, recurrentDropout: 0.3, seed: 1 });
    const x = lt.randomUniform([2, 3, 4, 2], -1, 1, { seed: 4 });
    const a = layer.apply(x) as lt.Tensor;
    const b = layer.apply(x) as lt.Tensor;
    expect(Array.from(a.data)).to.deep.equal(Array.from(b.data));
    const t = layer.apply(x, { training: true }) as lt.Tensor;
    expect(Array.from(t.data)).to.not.deep.equal(Array.from(a.data));
    expect(() => new ConvLSTM1D({ filters: 2, kernelSize: 3, stateful: true })).to.throw(/stateful ConvLSTM1D is not supported yet/);
    expect(() => new ConvLSTM1D({ filters: 2, kernelSize: 3, padding: 'causal' as 'same' })).to.throw(/padding must be one of/);
    expect(() => new ConvLSTM1D({ filters: 2, kernelSize: 3, return_sequences: true } as never)).to.throw(/unknown option 'return_sequences'; did you mean 'returnSequences'/);
    expect(() => new ConvLSTM1D({ filters: 2, kernelSize: 3 }).apply(lt.zeros([2, 3, 4]))).to.throw(/expected ndim=4/);
  });
});
