// Merge, reshaping and Activation layers vs REAL TensorFlow 2.21 / Keras 3.15
// (test/fixtures/generate_merge_reshape.py): each layer is built from Keras's own get_config() (so the config
// keys are read as Keras writes them), its getConfig() must give Keras's config back, and its output and
// the gradient of Σ w·y w.r.t. every input must match TF's. Mask cases check the output mask Keras's
// compute_mask gives (OR of the masks for Add; None when one input has none; Concatenate's all-true fill
// and `any` over the last axis). Tolerance: 1e-6 absolute + 1e-6 relative (float32, one or two roundings).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';

interface Case {
  name: string; class_name: string; config: Record<string, unknown>; inputs: lt.NestedArray[]; output: lt.NestedArray;
  shape: number[]; grads: (lt.NestedArray | null)[]; masks?: (number[][] | null)[]; output_mask?: number[][] | null;
}
interface MaskCall { name: string; class_name: string; config: Record<string, unknown>; inputs: lt.NestedArray[]; masks: (lt.NestedArray | null)[]; warnings: string[]; output_mask: lt.NestedArray | null }
const fx = JSON.parse(readFileSync(new URL('../fixtures/merge_reshape.json', import.meta.url), 'utf8')) as { cases: Case[]; mask_calls: MaskCall[] };
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function close(got: ArrayLike<number>, want: number[], what: string): void {
  expect(got.length, `${what}: length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-6 + 1e-6 * Math.abs(want[i]))) expect.fail(`${what}[${i}]: ${got[i]} vs TF ${want[i]}`);
  }
}
const specific = (cfg: Record<string, unknown>): Record<string, unknown> => {
  const { name: _n, trainable: _t, dtype: _d, ...rest } = cfg;
  void _n; void _t; void _d;
  return rest;
};

describe('keras layers: merge (Add … Dot), reshaping (RepeatVector, Flatten, Reshape, Permute), Activation vs TF 2.21', () => {
  for (const c of fx.cases) {
    it(`${c.name} (${c.class_name}): config round trip, output${c.grads.some((g) => g !== null) ? ', gradients' : ''}${c.masks ? ', output mask' : ''}`, () => {
      lt.keras.clearSession();
      const layer = lt.keras.deserializeLayer({ class_name: c.class_name, config: c.config });
      expect(specific(layer.getConfig())).to.deep.equal(specific(c.config));
      const xs = c.inputs.map((v) => lt.tensor(v, { requiresGrad: true }));
      if (c.masks) c.masks.forEach((m, i) => lt.keras.setKerasMask(xs[i], m === null ? null : lt.tensor(m)));
      const y = layer.apply(xs.length === 1 ? xs[0] : xs) as lt.Tensor;
      expect([...y.shape]).to.deep.equal(c.shape);
      close(y.data, flat(c.output), 'output');
      const n = y.size;
      y.backward(lt.tensor(Array.from({ length: n }, (_, i) => (n === 1 ? -1 : -1 + (2 * i) / (n - 1))), { shape: [...y.shape] }));
      xs.forEach((x, i) => {
        const g = c.grads[i];
        if (g === null) expect(x.grad === null || x.grad.toFlatArray().every((v) => v === 0)).to.equal(true);
        else close(x.grad!.data, flat(g), `grad ${i}`);
      });
      if (c.masks) {
        const m = lt.keras.getKerasMask(y);
        if (c.output_mask === null) expect(m).to.equal(null);
        else expect(m!.toArray()).to.deep.equal(c.output_mask);
      }
    });
  }

  // Keras 3 Layer.__call__: a layer without mask support warns once that it destroys the mask, and its output
  // carries none; the others pass (or compute) the mask. The warning text is Keras's, as TF printed it.
  for (const c of fx.mask_calls) {
    it(`masked input to ${c.class_name} (${c.name}): ${c.warnings.length ? 'Keras\'s "destroy the mask" warning, no output mask' : `no warning, output mask ${c.output_mask === null ? 'None' : 'kept'}`}`, () => {
      lt.keras.clearSession();
      const layer = lt.keras.deserializeLayer({ class_name: c.class_name, config: c.config });
      const xs = c.inputs.map((v) => lt.tensor(v));
      c.masks.forEach((m, i) => lt.keras.setKerasMask(xs[i], m === null ? null : lt.tensor(m)));
      const warned: string[] = [];
      const orig = console.warn;
      console.warn = (...a: unknown[]): void => { warned.push(a.map(String).join(' ')); };
      try {
        const out = layer.apply(xs.length === 1 ? xs[0] : xs);
        const y = Array.isArray(out) ? out[0] : out;
        expect(warned).to.deep.equal(c.warnings);
        const m = lt.keras.getKerasMask(y);
        if (c.output_mask === null) expect(m).to.equal(null);
        else expect(m!.toArray()).to.deep.equal(c.output_mask);
        warned.length = 0;
        layer.apply(xs.length === 1 ? xs[0] : xs);
        expect(warned, 'the same warning is shown once (Python\'s default warning filter)').to.deep.equal([]);
      } finally {
        console.warn = orig;
      }
    });
  }

  it('errors as Keras gives them: Subtract of 3 inputs, Dot without axes or with mismatched axes, Concatenate of mismatched shapes, bad Permute / Reshape', () => {
    const L = lt.keras.layers;
    const a = lt.zeros([2, 3]);
    expect(() => new L.Subtract().apply([a, a, a])).to.throw(/should be called on exactly 2 inputs. Received: 3/);
    expect(() => new L.Dot({} as never)).to.throw(/Dot: axes must be an integer or a pair of integers \(required\)/);
    expect(() => new L.Dot({ axes: 1 }).apply([a, lt.zeros([2, 4])])).to.throw(/Incompatible input shapes: axis values 3 \(!= 4\)/);
    expect(() => new L.Concatenate({ axis: 1 }).apply([a, lt.zeros([3, 3])])).to.throw(/requires inputs with matching shapes except for the concatenation axis/);
    expect(() => new L.Permute({ dims: [0, 1] })).to.throw(/must be consecutive and start from 1/);
    expect(() => new L.Reshape({ targetShape: [-1, -1] })).to.throw(/at most one unknown dimension/);
    expect(() => new L.Reshape({ targetShape: [5] }).apply(a)).to.throw(/The total size of the tensor must be unchanged/);
    expect(() => new L.RepeatVector({ n: 2 }).apply(lt.zeros([2, 3, 4]))).to.throw(/expected ndim=2, found ndim=3/);
    expect(() => new L.Concatenate({ axis: 'x' } as never)).to.throw(/Concatenate: axis must be an integer/);
    expect(() => new L.Add({ axis: 1 } as never)).to.throw(/Add: unknown option 'axis'/);
  });

  it('Keras 2 mask rules under setKerasCompat("keras2"): Add takes the AND of the masks that exist', () => {
    lt.keras.withKerasCompat('keras2', () => {
      const x1 = lt.zeros([2, 3, 1]);
      const x2 = lt.zeros([2, 3, 1]);
      lt.keras.setKerasMask(x1, lt.tensor([[1, 1, 0], [1, 0, 0]]));
      lt.keras.setKerasMask(x2, lt.tensor([[0, 1, 1], [1, 0, 1]]));
      expect(lt.keras.getKerasMask(new lt.keras.layers.Add().apply([x1, x2]) as lt.Tensor)!.toArray()).to.deep.equal([[0, 1, 0], [1, 0, 0]]);
      const x3 = lt.zeros([2, 3, 1]);
      lt.keras.setKerasMask(x3, lt.tensor([[1, 1, 0], [1, 0, 0]]));
      expect(lt.keras.getKerasMask(new lt.keras.layers.Add().apply([x3, lt.zeros([2, 3, 1])]) as lt.Tensor)!.toArray()).to.deep.equal([[1, 1, 0], [1, 0, 0]]);
    });
  });
});
