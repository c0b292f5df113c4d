// Optimizers' first steps vs the update formulas of Keras 3 written out here in plain JS (float64 variables,
// so the comparison is tight), plus clipping, constraints, schedules and argument errors. Bit-level
// float32 agreement with real TF is checked by the training-parity fixture test. As in Keras, the learning rate
// is a float32 variable, and `ops.cast(<Python float>, float64)` (Adam's β in β^t, SGD's momentum, weight_decay)
// goes through float32: those constants appear as f(x) = Math.fround(x) below.
import { expect } from 'chai';
import { tensor, Tensor, LstmTsError } from '../../src/index.js';
import * as optimizers from '../../src/train/optimizers/index.js';
import { expectClose } from './helpers.js';

const f = Math.fround;
const w0 = [0.5, -1.25, 2.0, 0.0];
const grads = [
  [0.1, -0.2, 0.3, 0.0],
  [-0.4, 0.05, 0.3, 1.5],
  [0.2, 0.2, -0.7, -0.01],
];

function run(opt: optimizers.Optimizer, dtype: 'float32' | 'float64' = 'float64'): number[][] {
  const w = tensor(w0, { dtype, requiresGrad: true });
  const out: number[][] = [];
  for (const g of grads) {
    opt.apply([tensor(g, { dtype })], [w]);
    out.push(w.toFlatArray());
  }
  return out;
}

describe('train/optimizers: first steps vs the Keras 3 formulas', () => {
  it('SGD default (lr 0.01): w ← w − lr·g', () => {
    const w = [...w0];
    const exp = grads.map((g) => w.map((_, i) => (w[i] -= f(0.01) * g[i])));
    const got = run(new optimizers.SGD());
    got.forEach((row, k) => expectClose(row, exp[k], 1e-15, 0, `step ${k}`));
  });

  it('SGD momentum 0.9: m ← μm − lr·g; w ← w + m', () => {
    const lr = f(0.1);
    const mu = f(0.9);
    const w = [...w0];
    const m = w.map(() => 0);
    const exp = grads.map((g) => w.map((_, i) => {
      m[i] = mu * m[i] - lr * g[i];
      return (w[i] += m[i]);
    }));
    run(new optimizers.SGD({ learningRate: lr, momentum: mu })).forEach((row, k) => expectClose(row, exp[k], 1e-15, 0, `step ${k}`));
  });

  it('SGD nesterov: m ← μm − lr·g; w ← w + μm − lr·g', () => {
    const lr = f(0.1);
    const mu = f(0.8);
    const w = [...w0];
    const m = w.map(() => 0);
    const exp = grads.map((g) => w.map((_, i) => {
      m[i] = mu * m[i] - lr * g[i];
      return (w[i] += mu * m[i] - lr * g[i]);
    }));
    run(new optimizers.SGD({ learningRate: lr, momentum: mu, nesterov: true })).forEach((row, k) => expectClose(row, exp[k], 1e-15, 0, `step ${k}`));
  });

  it('Adam defaults: textbook bias-corrected Adam with ε added to sqrt(v) after α = lr·sqrt(1−β₂ᵗ)/(1−β₁ᵗ)', () => {
    const [lr, b1, b2, eps] = [f(0.001), 0.9, 0.999, 1e-7];
    const w = [...w0];
    const m = w.map(() => 0);
    const v = w.map(() => 0);
    const exp = grads.map((g, k) => {
      const t = k + 1;
      return w.map((_, i) => {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        const mhat = m[i] / (1 - f(b1) ** t);
        const vhat = v[i] / (1 - f(b2) ** t);
        // Keras: w −= m·α/(sqrt(v)+ε)  ⇔  w −= lr·m̂ / (sqrt(v̂) + ε/sqrt(1−β₂ᵗ))
        return (w[i] -= (lr * mhat) / (Math.sqrt(vhat) + eps / Math.sqrt(1 - f(b2) ** t)));
      });
    });
    const got = run(new optimizers.Adam());
    got.forEach((row, k) => expectClose(row, exp[k], 1e-14, 1e-12, `step ${k}`));
    // The first step moves each weight with a non-zero gradient by ≈ lr·sign(g).
    expectClose(got[0].map((x, i) => w0[i] - x), [0.001, -0.001, 0.001, 0], 1e-7);
  });

  it('Adam amsgrad keeps the running maximum of v', () => {
    const [lr, b1, b2, eps] = [f(0.01), 0.9, 0.999, 1e-7];
    const w = [...w0];
    const m = w.map(() => 0);
    const v = w.map(() => 0);
    const vmax = w.map(() => 0);
    const exp = grads.map((g, k) => {
      const t = k + 1;
      const alpha = (lr * Math.sqrt(1 - f(b2) ** t)) / (1 - f(b1) ** t);
      return w.map((_, i) => {
        m[i] += (g[i] - m[i]) * (1 - b1);
        v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
        vmax[i] = Math.max(vmax[i], v[i]);
        return (w[i] -= (m[i] * alpha) / (Math.sqrt(vmax[i]) + eps));
      });
    });
    run(new optimizers.Adam({ learningRate: lr, amsgrad: true })).forEach((row, k) => expectClose(row, exp[k], 1e-14, 1e-12, `step ${k}`));
  });

  for (const [centered, momentum] of [[false, 0], [true, 0], [false, 0.5], [true, 0.5]] as const) {
    it(`RMSprop centered=${centered} momentum=${momentum}: ε inside the square root`, () => {
      const [lr, rho, eps] = [f(0.01), 0.9, 1e-7];
      const w = [...w0];
      const v = w.map(() => 0);
      const a = w.map(() => 0);
      const mo = w.map(() => 0);
      const exp = grads.map((g) => w.map((_, i) => {
        v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
        a[i] = rho * a[i] + (1 - rho) * g[i];
        const d = centered ? v[i] - a[i] * a[i] + eps : v[i] + eps;
        const inc = (lr * g[i]) / Math.sqrt(d);
        if (momentum > 0) {
          mo[i] = momentum * mo[i] + inc;
          return (w[i] -= mo[i]);
        }
        return (w[i] -= inc);
      }));
      run(new optimizers.RMSprop({ learningRate: lr, centered, momentum })).forEach((row, k) => expectClose(row, exp[k], 1e-14, 1e-12, `step ${k}`));
    });
  }

  it('float32 variables stay float32 and agree with the float64 run to float32 precision', () => {
    const a = run(new optimizers.Adam({ learningRate: 0.01 }), 'float32');
    const b = run(new optimizers.Adam({ learningRate: 0.01 }), 'float64');
    a.forEach((row, k) => expectClose(row, b[k], 1e-6, 1e-6, `step ${k}`));
  });
});

describe('train/optimizers: clipping, constraints, schedules, errors', () => {
  it('clipnorm rescales each gradient to norm ≤ c (tf.clip_by_norm); zero gradients stay zero', () => {
    const opt = new optimizers.SGD({ learningRate: 1, clipnorm: 1 });
    const a = tensor([0, 0], { dtype: 'float64' });
    const b = tensor([0, 0], { dtype: 'float64' });
    const c = tensor([0], { dtype: 'float64' });
    opt.apply([tensor([3, 4], { dtype: 'float64' }), tensor([0.3, 0.4], { dtype: 'float64' }), tensor([0], { dtype: 'float64' })], [a, b, c]);
    expectClose(a.toFlatArray(), [-0.6, -0.8], 1e-15); // norm 5 → scaled to 1
    expectClose(b.toFlatArray(), [-0.3, -0.4], 1e-15); // norm 0.5 < 1 → unchanged
    expect(c.toFlatArray()).to.deep.equal([0]);
  });

  it('globalClipnorm scales all gradients by c / global norm', () => {
    const opt = new optimizers.SGD({ learningRate: 1, globalClipnorm: 2.5 });
    const a = tensor([0, 0], { dtype: 'float64' });
    const b = tensor([0], { dtype: 'float64' });
    // global norm sqrt(9 + 16 + 0 + 144) = 13
    opt.apply([tensor([3, 4], { dtype: 'float64' }), tensor([12], { dtype: 'float64' })], [a, b]);
    expectClose(a.toFlatArray(), [-3 * 2.5 / 13, -4 * 2.5 / 13], 1e-15);
    expectClose(b.toFlatArray(), [-12 * 2.5 / 13], 1e-15);
  });

  it('clipvalue clips each element to [−v, v]', () => {
    const opt = new optimizers.SGD({ learningRate: 1, clipvalue: 0.5 });
    const a = tensor([0, 0, 0], { dtype: 'float64' });
    opt.apply([tensor([3, -0.2, -7], { dtype: 'float64' })], [a]);
    expectClose(a.toFlatArray(), [-0.5, 0.2, 0.5], 1e-15);
  });

  it('applies a variable constraint after the update (Keras var.assign(constraint(var)))', () => {
    const opt = new optimizers.SGD({ learningRate: 1 });
    const w = tensor([0.5, -0.5], { dtype: 'float64' });
    const nonNeg = (x: Tensor): Tensor => tensor(x.toFlatArray().map((v) => Math.max(v, 0)), { dtype: 'float64' });
    opt.constraints.set(w, nonNeg);
    opt.apply([tensor([1, -1], { dtype: 'float64' })], [w]);
    expect(w.toFlatArray()).to.deep.equal([0, 0.5]);
  });

  it('step() uses and clears .grad; null gradients are skipped; iterations count steps', () => {
    const opt = new optimizers.Adam();
    const a = tensor([1], { requiresGrad: true });
    const b = tensor([1], { requiresGrad: true });
    a.grad = tensor([2]);
    opt.step([a, b]);
    expect(a.grad).to.equal(null);
    expect(b.item()).to.equal(1);
    expect(a.item()).to.be.lessThan(1);
    expect(opt.iterations).to.equal(1);
  });

  it('a learning-rate schedule sees the iteration count before the step', () => {
    const seen: number[] = [];
    const opt = new optimizers.SGD({ learningRate: (it) => (seen.push(it), 0.1 / (1 + it)) });
    const w = tensor([0], { dtype: 'float64' });
    for (let k = 0; k < 3; k++) opt.apply([tensor([1], { dtype: 'float64' })], [w]);
    expect(seen).to.deep.equal([0, 1, 2]);
    expectClose(w.toFlatArray(), [-(f(0.1) + f(0.05) + f(0.1 / 3))], 1e-15);
  });

  it('errors: two clip options, mismatched gradient shape, bad momentum; configs match Keras 3', () => {
    expect(() => new optimizers.SGD({ clipnorm: 1, clipvalue: 1 })).to.throw(LstmTsError, /only one of clipnorm/);
    expect(() => new optimizers.SGD({ momentum: -1 })).to.throw(LstmTsError, /momentum/);
    const opt = new optimizers.SGD();
    expect(() => opt.apply([tensor([1, 2])], [tensor([1, 2, 3])])).to.throw(LstmTsError, /gradient 0 has shape \[2\].*\[3\]/);
    const cfg = new optimizers.Adam().serialize();
    expect(cfg).to.deep.include({ module: 'keras.optimizers', class_name: 'Adam' });
    expect((cfg.config as Record<string, unknown>).learning_rate).to.equal(0.0010000000474974513);
    expect(cfg.config).to.deep.include({ beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false, clipnorm: null });
    expect(optimizers.get(cfg)).to.be.instanceOf(optimizers.Adam);
    expect(new optimizers.RMSprop().getConfig().name).to.equal('rm_sprop');
  });
});

describe('train/optimizers: weight decay (Keras 3 weight_decay, AdamW)', () => {
  it('AdamW: w ← w − w·wd·lr, then the Adam step (defaults: weight_decay 0.004, name adam_w)', () => {
    const [lr, b1, b2, eps, wd] = [f(0.01), 0.9, 0.999, 1e-7, f(0.1)];
    const w = [...w0];
    const m = w.map(() => 0);
    const v = w.map(() => 0);
    const exp = grads.map((g, k) => {
      const t = k + 1;
      const alpha = (lr * Math.sqrt(1 - f(b2) ** t)) / (1 - f(b1) ** t);
      return w.map((_, i) => {
        w[i] -= w[i] * wd * lr;
        m[i] += (g[i] - m[i]) * (1 - b1);
        v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
        return (w[i] -= (m[i] * alpha) / (Math.sqrt(v[i]) + eps));
      });
    });
    run(new optimizers.AdamW({ learningRate: lr, weightDecay: wd })).forEach((row, k) => expectClose(row, exp[k], 1e-14, 1e-12, `step ${k}`));
    const d = new optimizers.AdamW();
    expect(d.weightDecay).to.equal(0.004);
    expect(d.getConfig()).to.deep.include({ name: 'adam_w', weight_decay: 0.004 });
    expect(optimizers.get(d.serialize())).to.be.instanceOf(optimizers.AdamW);
  });

  it('SGD with weightDecay decays before the plain step; variables without a gradient are not decayed', () => {
    const opt = new optimizers.SGD({ learningRate: 0.1, weightDecay: 0.5 });
    const a = tensor([2], { dtype: 'float64' });
    const b = tensor([2], { dtype: 'float64' });
    opt.apply([tensor([1], { dtype: 'float64' }), null], [a, b]);
    expectClose(a.toFlatArray(), [2 - 2 * f(0.5) * f(0.1) - f(0.1) * 1], 1e-15);
    expect(b.toFlatArray()).to.deep.equal([2]);
  });
});
