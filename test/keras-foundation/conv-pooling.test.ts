// Conv1D, 1-D pooling and the 1-D padding/cropping layers vs REAL TensorFlow 2.21 / Keras 3.15
// (test/fixtures/generate_conv_pooling.py):
//   1. each layer is built from Keras's own get_config() and gives Keras's config back; with Keras's weights its
//      output and the gradients of Σ w·y w.r.t. the input and every weight match TF's (float32: 1e-5 absolute +
//      1e-5 relative, sums of up to 30 products; float64: 1e-12 + 1e-12); mask cases check the output mask
//      (GlobalAveragePooling1D consumes the mask: masked steps excluded, a fully masked row NaN, no output mask);
//      channels_first cases were computed by TF as the channels_last twin between transposes (TF's CPU has no
//      NCHW kernels);
//   2. values derivable by hand (keras-layers.md §4.1, §4.2): the ones-kernel convolutions of 1..7 and the
//      'same' averages that divide by the real steps only;
//   3. Keras's refusals with its messages (strides with dilation, filters or input channels not divisible by
//      groups, a 'valid' output of no steps);
//   4. float64 central finite differences for conv1d and pool1d (padding, stride, dilation, groups);
//   5. a masked input to Conv1D or GlobalMaxPooling1D: Keras's "destroy the mask" warning, no output mask, and
//      GlobalMaxPooling1D takes the max over the masked steps too (keras-layers.md §4.3).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';
import { conv1d, conv1dTranspose, pool1d } from '../../src/ops/conv.js';

interface Case {
  name: string; class_name: string; config: Record<string, unknown>; dtype: 'float32' | 'float64'; input: lt.NestedArray; input_shape: number[];
  weights: lt.NestedArray[]; output: lt.NestedArray; shape: number[]; grad_input: lt.NestedArray | null; grad_weights: (lt.NestedArray | null)[];
  mask?: number[][]; output_mask?: number[][] | null; via?: string;
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/conv_pooling.json', import.meta.url), 'utf8')) as { cases: Case[]; errors: { name: string; error: string | null }[] };
const flat = (v: unknown): (number | null)[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number | null]);
function close(got: ArrayLike<number>, want: (number | null)[], tol: number, what: string): void {
  expect(got.length, `${what}: length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    if (w === null) {
      if (!Number.isNaN(got[i])) expect.fail(`${what}[${i}]: ${got[i]}, TF has NaN`);
    } else if (!(Math.abs(got[i] - w) <= tol + tol * Math.abs(w))) expect.fail(`${what}[${i}]: ${got[i]} vs TF ${w}`);
  }
}
const specific = (cfg: Record<string, unknown>): Record<string, unknown> => {
  const { name: _n, trainable: _t, dtype: _d, ...rest } = cfg;
  void _n; void _t; void _d;
  return rest;
};
const byName = (n: string) => fx.cases.find((c) => c.name === n)!;

describe('keras layers: Conv1D, pooling, UpSampling1D / ZeroPadding1D / Cropping1D vs TF 2.21', () => {
  for (const c of fx.cases) {
    it(`${c.name} (${c.class_name}${c.dtype === 'float64' ? ', float64' : ''}): config round trip, output, gradients${c.mask ? ', mask' : ''}${c.via ? ' [TF via its channels_last twin]' : ''}`, () => {
      lt.keras.clearSession();
      const layer = lt.keras.deserializeLayer({ class_name: c.class_name, config: c.config });
      expect(specific(layer.getConfig())).to.deep.equal(specific(c.config));
      const tol = c.dtype === 'float64' ? 1e-12 : 1e-5;
      const x = lt.tensor(c.input, { dtype: c.dtype, requiresGrad: true });
      layer.build([...x.shape]);
      if (c.weights.length) layer.setWeights(c.weights.map((w) => lt.tensor(w, { dtype: c.dtype })));
      if (c.mask) lt.keras.setKerasMask(x, lt.tensor(c.mask));
      const y = layer.apply(x) as lt.Tensor;
      expect([...y.shape]).to.deep.equal(c.shape);
      const want = flat(c.output);
      close(y.data, want, tol, 'output');
      const n = y.size;
      // the fixture's loss: Σ w·y with w = linspace(−1, 1) over y, NaN outputs left out
      const seed = Array.from({ length: n }, (_, i) => (want[i] === null ? 0 : n === 1 ? -1 : -1 + (2 * i) / (n - 1)));
      y.backward(lt.tensor(seed, { shape: [...y.shape], dtype: c.dtype }));
      if (c.grad_input === null) expect(x.grad === null || x.grad.toFlatArray().every((v) => v === 0)).to.equal(true);
      else close(x.grad!.data, flat(c.grad_input), tol, 'grad input');
      layer.trainableWeights.forEach((w, i) => close(w.grad!.data, flat(c.grad_weights[i]), tol, `grad ${w.name}`));
      if (c.mask) {
        const m = lt.keras.getKerasMask(y);
        if (c.output_mask === null || c.output_mask === undefined) expect(m).to.equal(null);
        else expect(m!.toArray()).to.deep.equal(c.output_mask);
      }
    });
  }

  it('values by hand: ones-kernel convolutions of 1..7 and the "same" averages over real steps only', () => {
    // same k=4 s=2: P = 3·2 + 4 − 7 = 3 → 1 zero before, 2 after: windows [0,1,2,3], [2..5], [4..7], [6,7,0,0]
    expect(flat(byName('conv_same_k4_s2_ones').output)).to.deep.equal([0 + 1 + 2 + 3, 2 + 3 + 4 + 5, 4 + 5 + 6 + 7, 6 + 7]);
    // causal k=3 d=2: y_t = x_t + x_{t−2} + x_{t−4} (zeros before the start)
    expect(flat(byName('conv_causal_k3_d2_ones').output)).to.deep.equal([1, 2, 1 + 3, 2 + 4, 1 + 3 + 5, 2 + 4 + 6, 3 + 5 + 7]);
    // causal k=3 s=2: windows end at steps 0, 2, 4, 6
    expect(flat(byName('conv_causal_k3_s2_ones').output)).to.deep.equal([1, 1 + 2 + 3, 3 + 4 + 5, 5 + 6 + 7]);
    expect(flat(byName('avgpool_p2_s2_same_ramp').output)).to.deep.equal([1.5, 3.5, 5.5, 7]);
    expect(flat(byName('avgpool_p3_s1_same_ramp').output)).to.deep.equal([1.5, 2, 3, 4, 5, 6, 6.5]);
    // and ours agree with the same hand values
    lt.keras.clearSession();
    const ramp = lt.tensor(Float32Array.from({ length: 7 }, (_, i) => i + 1), { shape: [1, 7, 1] });
    const conv = new lt.keras.layers.Conv1D({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', useBias: false, kernelInitializer: 'ones' });
    expect(Array.from((conv.apply(ramp) as lt.Tensor).data)).to.deep.equal([6, 14, 22, 13]);
    const avg = new lt.keras.layers.AveragePooling1D({ poolSize: 3, strides: 1, padding: 'same' });
    expect(Array.from((avg.apply(ramp) as lt.Tensor).data)).to.deep.equal([1.5, 2, 3, 4, 5, 6, 6.5]);
  });

  it("Keras's refusals, with its messages", () => {
    const msg = (n: string) => fx.errors.find((e) => e.name === n)!.error!.replace(/^ValueError: /, '');
    const L = lt.keras.layers;
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(() => new L.Conv1D({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).to.throw(new RegExp(escape(msg('conv_strides_and_dilation'))));
    expect(() => new L.Conv1D({ filters: 5, kernelSize: 3, groups: 2 })).to.throw(new RegExp(escape(msg('conv_filters_groups'))));
    expect(() => new L.Conv1D({ filters: 2, kernelSize: 5 }).apply(lt.zeros([1, 3, 1]))).to.throw(/Computed output size would be zero or negative\. Received `inputs shape=\[1, 3, 1\]`/);
    expect(msg('conv_valid_too_short')).to.match(/^Computed output size would be zero or negative\. Received `inputs shape=\(1, 3, 1\)`/);
    expect(() => new L.Conv1D({ filters: 4, kernelSize: 3, groups: 2 }).apply(lt.zeros([1, 5, 3]))).to.throw(/The number of input channels must be evenly divisible by the number of groups\. Received groups=2, but the input has 3 channels/);
    expect(msg('conv_input_groups')).to.match(/^The number of input channels must be evenly divisible by the number of groups\. Received groups=2, but the input has 3 channels/);
    expect(() => new L.Conv1D({ filters: 2, kernelSize: 3, padding: 'full' as 'same' })).to.throw(/padding/);
    expect(() => new L.MaxPooling1D({ poolSize: 0 })).to.throw(/poolSize must be an integer ≥ 1/);
    expect(() => new L.Cropping1D({ cropping: [2, 2] }).apply(lt.zeros([1, 4, 1]))).to.throw(/must be smaller than the input length/);
    expect(() => new L.Conv1D({ filters: 2, kernelSize: 3, kernelSiz: 2 } as never)).to.throw(/unknown option 'kernelSiz'; did you mean 'kernelSize'\?/);
    expect(msg('transpose_output_padding')).to.match(/^`output_padding` must be strictly less than `strides`/);
    expect(() => new L.Conv1DTranspose({ filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 })).to.throw(/`output_padding` must be strictly less than `strides`/);
    expect(() => new L.DepthwiseConv1D({ kernelSize: 3, padding: 'causal' as 'same' })).to.throw(/padding must be one of/);
    expect(() => new L.SeparableConv1D({ filters: 0, kernelSize: 3 })).to.throw(/Expected a strictly positive value. Received filters=0/);
    expect(() => new L.DepthwiseConv1D({ kernelSize: 3, depth_multiplier: 2 } as never)).to.throw(/unknown option 'depth_multiplier'; did you mean 'depthMultiplier'/);
  });

  it('float64 finite differences: conv1d (padding, stride, dilation, groups) and pool1d (max, avg with padding)', () => {
    const rnd = (shape: number[], seed: number) => lt.randomUniform(shape, -1, 1, { seed, dtype: 'float64' });
    lt.assertGradcheck('conv1d same-ish, dilation 2', (x, w) => conv1d(x, w, { dilation: 2, padLeft: 2, padRight: 1 }), [rnd([2, 6, 3], 1), rnd([3, 3, 4], 2)]);
    lt.assertGradcheck('conv1d stride 3, groups 2', (x, w) => conv1d(x, w, { stride: 3, groups: 2, padLeft: 1 }), [rnd([2, 8, 4], 3), rnd([2, 2, 6], 4)]);
    lt.assertGradcheck('conv1d transpose, stride 2, pad 1', (x, w) => conv1dTranspose(x, w, { stride: 2, outLength: 9, padLeft: 1 }), [rnd([2, 4, 3], 7), rnd([3, 2, 3], 8)]);
    lt.assertGradcheck('conv1d transpose, dilation 2', (x, w) => conv1dTranspose(x, w, { dilation: 2, outLength: 8, padLeft: 0 }), [rnd([2, 4, 2], 9), rnd([3, 3, 2], 10)]);
    lt.assertGradcheck('max pool, same padding', (x) => pool1d(x, { kind: 'max', pool: 3, stride: 2, padLeft: 1, padRight: 1 }), [rnd([2, 7, 2], 5)]);
    lt.assertGradcheck('avg pool, same padding', (x) => pool1d(x, { kind: 'avg', pool: 4, stride: 3, padLeft: 1, padRight: 2 }), [rnd([2, 8, 2], 6)]);
  });

  it('a masked input to Conv1D: Keras\'s warning, and no mask on the output', () => {
    lt.keras.clearSession();
    const conv = new lt.keras.layers.Conv1D({ filters: 2, kernelSize: 2, name: 'c' });
    const x = lt.randomUniform([1, 4, 3], -1, 1, { seed: 9 });
    lt.keras.setKerasMask(x, lt.tensor([[1, 1, 0, 0]]));
    const warned: string[] = [];
    const orig = console.warn;
    console.warn = (...a: unknown[]): void => { warned.push(a.map(String).join(' ')); };
    try {
      const y = conv.apply(x) as lt.Tensor;
      expect(lt.keras.getKerasMask(y)).to.equal(null);
    } finally {
      console.warn = orig;
    }
    expect(warned.join('\n')).to.match(/Layer 'c' \(of type Conv1D\) was passed an input with a mask attached to it\. However, this layer does not support masking and will therefore destroy the mask information/);
    // GlobalMaxPooling1D has no mask support in Keras 3 either: warned, and the masked steps count
    warned.length = 0;
    console.warn = (...a: unknown[]): void => { warned.push(a.map(String).join(' ')); };
    try {
      const gmp = new lt.keras.layers.GlobalMaxPooling1D({ name: 'g' });
      const z = lt.tensor([[[-1], [-2], [5]]]);
      lt.keras.setKerasMask(z, lt.tensor([[1, 1, 0]]));
      expect(Array.from((gmp.apply(z) as lt.Tensor).data)).to.deep.equal([5]);
    } finally {
      console.warn = orig;
    }
    expect(warned.join('\n')).to.match(/Layer 'g' \(of type GlobalMaxPooling1D\) was passed an input with a mask/);
  });
});
