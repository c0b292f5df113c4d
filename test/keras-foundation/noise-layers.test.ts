// SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization
// (src/keras/layers/core/noise.ts) against REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_noise_layers.py)
// and values derivable by hand:
//   1. each layer rebuilt from Keras's get_config() gives it back (SpatialDropout1D's short {rate, seed, name, dtype}
//      form included);
//   2. ActivityRegularization's loss is Keras's (l1·Σ|y| + l2·Σy², divided by the batch: 0.35 for one row and two);
//   3. all pass masks through, as Keras's compute_mask does;
//   4. inference (and rate / stddev 0) returns the input tensor itself; Keras's argument errors;
//   5. training: SpatialDropout1D drops whole channels, the same at every step, kept values ×1/(1−rate); GaussianNoise
//      and GaussianDropout have the documented mean and spread (4 standard errors over 200k draws); AlphaDropout's
//      every output is a·x + b or a·α' + b with Keras's constants, which TF's own training output shows too;
//      draws differ between calls and repeat for a seed.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';

interface Fx {
  configs: { class_name: string; config: Record<string, unknown> }[];
  activity_losses: { l1: number; l2: number; x: number[][]; loss: number }[];
  masks: { class_name: string; supports_masking: boolean; output_mask: number[][] | null }[];
  alpha: { rate: number; x: number[][][]; y: number[][][] };
  mask: number[][];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/noise_layers.json', import.meta.url), 'utf8')) as Fx;
const L = lt.keras.layers;
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

describe('keras layers: SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization', () => {
  it("configs: Keras's own round-trip", () => {
    for (const c of fx.configs) {
      const layer = lt.keras.deserializeLayer({ class_name: c.class_name, config: c.config });
      expect(layer.getConfig(), c.class_name).to.deep.equal(c.config);
    }
  });

  it("ActivityRegularization's loss, as Keras computes it", () => {
    for (const c of fx.activity_losses) {
      const ar = new L.ActivityRegularization({ l1: c.l1, l2: c.l2 });
      const x = lt.tensor(c.x);
      expect(ar.apply(x)).to.equal(x);
      expect(ar.losses.length).to.equal(1);
      expect(ar.losses[0].item()).to.be.closeTo(c.loss, 1e-6);
    }
    // by hand: 0.1·(1 + 2) + 0.01·(1 + 4) = 0.35, the same for two such rows (÷ batch)
    expect(fx.activity_losses[0].loss).to.be.closeTo(0.35, 1e-7);
    expect(fx.activity_losses[1].loss).to.be.closeTo(0.35, 1e-7);
  });

  it('masks pass through, as Keras', () => {
    const make: Record<string, () => lt.keras.layers.Layer> = {
      SpatialDropout1D: () => new L.SpatialDropout1D({ rate: 0.3 }), GaussianNoise: () => new L.GaussianNoise({ stddev: 0.5 }),
      GaussianDropout: () => new L.GaussianDropout({ rate: 0.2 }), AlphaDropout: () => new L.AlphaDropout({ rate: 0.1 }),
      ActivityRegularization: () => new L.ActivityRegularization({ l1: 0.1 }),
    };
    for (const c of fx.masks) {
      expect(c.supports_masking).to.equal(true);
      const x = lt.randomUniform([2, 3, 4], -1, 1, { seed: 1 });
      lt.keras.setKerasMask(x, lt.tensor(fx.mask));
      const y = make[c.class_name]().apply(x, { training: true }) as lt.Tensor;
      expect(lt.keras.getKerasMask(y)!.toArray(), c.class_name).to.deep.equal(c.output_mask);
    }
  });

  it('inference, rate 0 and stddev 0 return the input itself', () => {
    const x = lt.randomUniform([2, 3, 4], -1, 1, { seed: 2 });
    for (const l of [new L.SpatialDropout1D({ rate: 0.5 }), new L.GaussianNoise({ stddev: 1 }), new L.GaussianDropout({ rate: 0.5 }), new L.AlphaDropout({ rate: 0.5 })]) {
      expect(l.apply(x)).to.equal(x);
    }
    for (const l of [new L.SpatialDropout1D({ rate: 0 }), new L.GaussianNoise({ stddev: 0 }), new L.GaussianDropout({ rate: 0 }), new L.AlphaDropout({ rate: 0 })]) {
      expect(l.apply(x, { training: true })).to.equal(x);
    }
    expect(() => new L.GaussianDropout({ rate: 1.5 })).to.throw(/Expected a float value between 0 and 1\. Received: rate=1\.5/);
    expect(() => new L.GaussianNoise({ stddev: -1 })).to.throw(/Expected a float value greater than 0/);
    expect(() => new L.SpatialDropout1D({ rate: 0.2 }).apply(lt.zeros([2, 3]), { training: true })).to.throw(/expected ndim=3, found ndim=2/);
  });

  it('training: the noise each layer draws', () => {
    // SpatialDropout1D: per (sample, channel) one decision for all steps
    const sd = new L.SpatialDropout1D({ rate: 0.5, seed: 3 });
    const ones = lt.full([8, 6, 5], 1);
    const y = sd.apply(ones, { training: true }) as lt.Tensor;
    const v = y.data;
    let dropped = 0;
    for (let b = 0; b < 8; b++) for (let c = 0; c < 5; c++) {
      const col = Array.from({ length: 6 }, (_, t) => v[(b * 6 + t) * 5 + c]);
      expect(new Set(col).size, `sample ${b} channel ${c}`).to.equal(1);
      expect([0, 2]).to.include(col[0]);
      if (col[0] === 0) dropped++;
    }
    expect(dropped).to.be.within(5, 35);
    // a second call draws another mask; the same seed repeats the first
    expect(Array.from((sd.apply(ones, { training: true }) as lt.Tensor).data)).to.not.deep.equal(Array.from(v));
    expect(Array.from((new L.SpatialDropout1D({ rate: 0.5, seed: 3 }).apply(ones, { training: true }) as lt.Tensor).data)).to.deep.equal(Array.from(v));
    // GaussianNoise: mean 0, sd 0.5; GaussianDropout: mean 1, sd √(0.2/0.8) = 0.5 (200k draws; 4 standard errors)
    const n = 200000;
    const stats = (d: ArrayLike<number>, off: number) => {
      let s = 0, q = 0;
      for (let i = 0; i < d.length; i++) { s += d[i] - off; q += (d[i] - off) ** 2; }
      const m = s / d.length;
      return { m, sd: Math.sqrt(q / d.length - m * m) };
    };
    const z = lt.zeros([n]);
    const gn = stats((new L.GaussianNoise({ stddev: 0.5, seed: 1 }).apply(z, { training: true }) as lt.Tensor).data, 0);
    expect(Math.abs(gn.m)).to.be.below(4 * 0.5 / Math.sqrt(n));
    expect(Math.abs(gn.sd - 0.5)).to.be.below(4 * 0.5 / Math.sqrt(2 * n));
    const gd = stats((new L.GaussianDropout({ rate: 0.2, seed: 1 }).apply(lt.full([n], 1), { training: true }) as lt.Tensor).data, 1);
    expect(Math.abs(gd.m)).to.be.below(4 * 0.5 / Math.sqrt(n));
    expect(Math.abs(gd.sd - 0.5)).to.be.below(4 * 0.5 / Math.sqrt(2 * n));
  });

  it("AlphaDropout: every output is a·x + b or a·α' + b, in TF's output and in ours", () => {
    const rate = fx.alpha.rate;
    const alphaP = -L.SELU_ALPHA * L.SELU_SCALE;
    const a = ((1 - rate) * (1 + rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * rate;
    const check = (x: number[], y: ArrayLike<number>, who: string) => {
      let kept = 0;
      for (let i = 0; i < x.length; i++) {
        const isKept = Math.abs(y[i] - (a * x[i] + b)) <= 1e-6;
        const isDropped = Math.abs(y[i] - (a * alphaP + b)) <= 1e-6;
        expect(isKept || isDropped, `${who}[${i}]: ${y[i]}`).to.equal(true);
        if (isKept) kept++;
      }
      return kept / x.length;
    };
    const x = flat(fx.alpha.x);
    const tfKept = check(x, flat(fx.alpha.y), 'TF');
    const ours = new L.AlphaDropout({ rate, seed: 7 }).apply(lt.tensor(fx.alpha.x), { training: true }) as lt.Tensor;
    const ourKept = check(x, ours.data, 'lstm-ts');
    expect(tfKept).to.be.within(0.5, 0.9);
    expect(ourKept).to.be.within(0.5, 0.9);
  });
});
