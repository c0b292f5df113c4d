import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { householderQR, orthogonalFromGaussian, computeFans } from '../../src/keras/initializers/index.js';
import { fx, expectClose } from './helpers.js';

const I = lt.keras.initializers;

function stats(t: lt.Tensor): { mean: number; std: number; maxAbs: number } {
  const d = t.data;
  let s = 0;
  let m = 0;
  for (const v of d) {
    s += v;
    m = Math.max(m, Math.abs(v));
  }
  const mean = s / d.length;
  let q = 0;
  for (const v of d) q += (v - mean) ** 2;
  return { mean, std: Math.sqrt(q / d.length), maxAbs: m };
}

describe('keras-foundation: initializers', () => {
  it('computes Keras fans (2-D rows/cols, receptive field for ≥3-D, scalars and vectors)', () => {
    expect(computeFans([3, 5])).to.deep.equal([3, 5]);
    expect(computeFans([7])).to.deep.equal([7, 7]);
    expect(computeFans([])).to.deep.equal([1, 1]);
    // conv kernel (kh, kw, in, out) = (2, 3, 4, 5): fan_in = 4·6, fan_out = 5·6
    expect(computeFans([2, 3, 4, 5])).to.deep.equal([24, 30]);
  });

  it('glorot_uniform stays inside ±sqrt(6/(fan_in+fan_out)) and has std limit/√3', () => {
    const shape = [64, 256];
    const limit = Math.sqrt(6 / (64 + 256));
    const t = I.glorotUniform({ seed: 1 }).call(shape);
    const s = stats(t);
    expect(s.maxAbs).to.be.at.most(limit);
    expect(s.maxAbs).to.be.above(limit * 0.99); // 16k draws reach the edge
    expect(Math.abs(s.std / (limit / Math.sqrt(3)) - 1)).to.be.below(0.03);
    expect(Math.abs(s.mean)).to.be.below(0.01);
  });

  it('matches the spread of real Keras draws (std within 4%, same bound) for every random initializer', () => {
    const make: Record<string, () => lt.keras.initializers.Initializer> = {
      glorot_uniform: () => I.glorotUniform({ seed: 2 }),
      glorot_normal: () => I.glorotNormal({ seed: 2 }),
      he_uniform: () => I.heUniform({ seed: 2 }),
      he_normal: () => I.heNormal({ seed: 2 }),
      lecun_uniform: () => I.lecunUniform({ seed: 2 }),
      lecun_normal: () => I.lecunNormal({ seed: 2 }),
      truncated_normal: () => I.truncatedNormal({ seed: 2 }),
      random_normal: () => I.randomNormal({ mean: 0.1, stddev: 0.2, seed: 2 }),
      random_uniform: () => I.randomUniform({ seed: 2 }),
    };
    for (const [k, f] of Object.entries(make)) {
      const tf = fx.initializer_stats[k];
      const s = stats(f().call(tf.shape));
      expect(Math.abs(s.std / tf.std - 1), `${k} std ${s.std} vs TF ${tf.std}`).to.be.below(0.04);
      expect(Math.abs(s.mean - tf.mean), `${k} mean`).to.be.below(0.1 * tf.std + 1e-3);
      expect(Math.abs(s.maxAbs / tf.max_abs - 1), `${k} max|x| ${s.maxAbs} vs TF ${tf.max_abs}`).to.be.below(0.15);
    }
  });

  it('truncated normals never leave 2 stddev (with the .8796 correction for variance scaling)', () => {
    const t = I.truncatedNormal({ stddev: 0.3, seed: 4 }).call([100, 100]);
    expect(stats(t).maxAbs).to.be.at.most(0.6);
    const he = I.heNormal({ seed: 9 }).call([50, 200]);
    const sd = Math.sqrt(2 / 50) / 0.87962566103423978;
    const s = stats(he);
    expect(s.maxAbs).to.be.at.most(2 * sd + 1e-7);
    // After truncation the std is sqrt(2/fan_in) (the correction undoes the truncation's shrinkage).
    expect(Math.abs(s.std / Math.sqrt(2 / 50) - 1)).to.be.below(0.03);
    const un = I.varianceScaling({ distribution: 'untruncated_normal', seed: 3 }).call([50, 400]);
    expect(stats(un).maxAbs).to.be.above(2 * Math.sqrt(1 / 50)); // untruncated: tails beyond 2σ exist
  });

  it('variance_scaling uniform fan_out uses limit sqrt(3·scale/fan_out)', () => {
    const t = I.varianceScaling({ scale: 2, mode: 'fan_out', distribution: 'uniform', seed: 1 }).call([10, 40]);
    const limit = Math.sqrt((3 * 2) / 40);
    expect(stats(t).maxAbs).to.be.at.most(limit);
    expect(stats(t).maxAbs).to.be.above(limit * 0.98);
    expect(() => I.varianceScaling({ scale: -1 })).to.throw(/scale/);
    expect(() => I.varianceScaling({ mode: 'fan_x' as 'fan_in' })).to.throw(/mode/);
  });

  it('is reproducible: same seed → same values, other seed → other values; an unseeded instance repeats itself (Keras 3)', () => {
    const a = I.glorotUniform({ seed: 42 }).call([4, 8]);
    const b = I.glorotUniform({ seed: 42 }).call([4, 8]);
    const c = I.glorotUniform({ seed: 43 }).call([4, 8]);
    expect(Array.from(a.data)).to.deep.equal(Array.from(b.data));
    expect(Array.from(a.data)).to.not.deep.equal(Array.from(c.data));
    const u = I.orthogonal();
    expect(Array.from(u.call([3, 3]).data)).to.deep.equal(Array.from(u.call([3, 3]).data));
    expect(Array.from(I.orthogonal().call([3, 3]).data)).to.not.deep.equal(Array.from(u.call([3, 3]).data));
  });

  it('orthogonal: [u, 4u] has orthonormal rows (R Rᵀ = I), tall shapes orthonormal columns, gain scales', () => {
    const u = 5;
    const r = I.orthogonal({ seed: 7 }).call([u, 4 * u], 'float64');
    const rows = r.toArray() as number[][];
    for (let i = 0; i < u; i++) {
      for (let j = 0; j < u; j++) {
        const dot = rows[i].reduce((s, v, k) => s + v * rows[j][k], 0);
        expect(Math.abs(dot - (i === j ? 1 : 0))).to.be.below(1e-12);
      }
    }
    const tall = I.orthogonal({ seed: 7, gain: 2 }).call([12, 3], 'float64').toArray() as number[][];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const dot = tall.reduce((s, row) => s + row[i] * row[j], 0);
        expect(Math.abs(dot - (i === j ? 4 : 0))).to.be.below(1e-12);
      }
    }
    // The gate blocks of a recurrent kernel are not orthogonal on their own (semantics §6.2).
    const blk = rows.map((row) => row.slice(0, u));
    const d00 = blk[0].reduce((s, v) => s + v * v, 0);
    expect(Math.abs(d00 - 1)).to.be.above(1e-3);
    // Real Keras: Orthogonal(gain=1.5) on (4, 16) gives R Rᵀ = 2.25 I.
    expectClose(fx.initializer_stats.orthogonal_wide_rrt, [[2.25, 0, 0, 0], [0, 2.25, 0, 0], [0, 0, 2.25, 0], [0, 0, 0, 2.25]], 1e-5, 0, 'TF R Rᵀ');
    expect(() => I.orthogonal().call([4])).to.throw(/at least two-dimensional/);
  });

  it('orthogonal core (Householder QR + sign fix, transpose for wide) equals TF qr(a)·sign(diag r) on the same a', () => {
    for (const c of fx.orthogonal) {
      const m = Math.max(c.rows, c.cols);
      const n = Math.min(c.rows, c.cols);
      const a = Float64Array.from((c.a as number[][]).flat());
      const out = orthogonalFromGaussian(a, c.rows, c.cols, 1);
      expectClose(Array.from(out), (c.q as number[][]).flat(), 1e-12, 0, `orthogonal ${c.rows}x${c.cols}`);
      // Without the sign fix the raw Householder Q differs from TF's (Householder gives r_kk of either sign).
      const { q } = householderQR(a, m, n);
      const raw = c.rows < c.cols ? Array.from({ length: c.rows * c.cols }, (_, k) => q[(k % c.cols) * n + Math.floor(k / c.cols)]) : Array.from(q);
      expect(raw.some((v, k) => Math.abs(v - (c.q as number[][]).flat()[k]) > 1e-6), 'raw Q differs somewhere').to.equal(true);
    }
  });

  it('deterministic initializers: zeros, ones, constant, identity(gain) with Keras eye for non-square', () => {
    expect(I.zeros().call([2, 2]).toArray()).to.deep.equal([[0, 0], [0, 0]]);
    expect(I.ones().call([3]).toArray()).to.deep.equal([1, 1, 1]);
    expect(Array.from(I.constant(0.25).call([2, 2]).data)).to.deep.equal([0.25, 0.25, 0.25, 0.25]);
    expect(I.identity({ gain: 2 }).call([2, 3]).toArray()).to.deep.equal([[2, 0, 0], [0, 2, 0]]);
    expect(() => I.identity().call([2, 2, 2])).to.throw(/2D/);
    expect(I.constant(0.01).call([1], 'float64').data[0]).to.equal(0.01);
    expect(I.constant(0.01).call([1]).data[0]).to.equal(Math.fround(0.01));
  });

  it('serialises exactly as Keras 3 (module, class_name, config, registered_name) and round-trips', () => {
    const ours: Record<string, lt.keras.initializers.Initializer> = {
      zeros: I.zeros(),
      ones: I.ones(),
      constant: I.constant(0.01),
      identity: I.identity({ gain: 2 }),
      random_normal: I.randomNormal({ mean: 0.1, stddev: 0.2, seed: 3 }),
      random_uniform: I.randomUniform(),
      truncated_normal: I.truncatedNormal({ seed: 5 }),
      variance_scaling: I.varianceScaling({ scale: 2, mode: 'fan_out', distribution: 'uniform', seed: 1 }),
      glorot_uniform: I.glorotUniform(),
      glorot_normal: I.glorotNormal({ seed: 7 }),
      he_uniform: I.heUniform(),
      he_normal: I.heNormal(),
      lecun_uniform: I.lecunUniform(),
      lecun_normal: I.lecunNormal(),
      orthogonal: I.orthogonal({ gain: 1.5, seed: 2 }),
    };
    for (const [k, init] of Object.entries(ours)) {
      expect(I.serialize(init), k).to.deep.equal(fx.initializer_configs[k]);
      const back = I.deserialize(I.serialize(init));
      expect(I.serialize(back), `${k} round trip`).to.deep.equal(fx.initializer_configs[k]);
    }
    for (const [s, cfg] of Object.entries(fx.initializer_strings)) {
      expect(I.serialize(I.get(s)), `string '${s}'`).to.deep.equal(cfg);
    }
    // legacy TF2 {class_name, config} form and camelCase
    expect(I.get({ class_name: 'Orthogonal', config: { gain: 3 } }).getConfig()).to.deep.equal({ seed: null, gain: 3 });
    expect(I.get('glorotUniform').className).to.equal('GlorotUniform');
    expect(() => I.get('glorot_unifrom')).to.throw(/unknown initializer 'glorot_unifrom'/);
  });
});
