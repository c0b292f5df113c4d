import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { fx, expectClose } from './helpers.js';

const R = lt.keras.regularizers;
const C = lt.keras.constraints;

describe('keras-foundation: regularizers', () => {
  const x = () => lt.tensor(fx.regularizers.x, { requiresGrad: true });

  it('values and gradients equal real Keras (L1, L2, L1L2, defaults)', () => {
    const ours: Record<string, lt.keras.regularizers.Regularizer> = {
      l1: new R.L1(),
      l2: new R.L2(),
      l1_l2: new R.L1L2({ l1: 0.01, l2: 0.02 }),
      l1_l2_default: new R.L1L2(),
      l1_03: R.l1(0.3),
    };
    for (const [k, r] of Object.entries(ours)) {
      const t = x();
      const v = r.call(t);
      expect(v.shape, k).to.deep.equal([]);
      expectClose(v, fx.regularizers.values[k].value, 1e-6, 1e-6, `${k} value`);
      v.backward();
      const g = fx.regularizers.values[k].grad;
      if (g === null) expect(t.grad === null || Array.from(t.grad.data).every((e) => e === 0), `${k} zero grad`).to.equal(true);
      else expectClose(t.grad!, g, 1e-6, 1e-6, `${k} grad`);
    }
  });

  it('hand values: L2 has no ½ (l2·Σx²), L1 = l1·Σ|x|, the l1l2() helper defaults to 0.01 each', () => {
    const t = lt.tensor([[1, -2], [3, 0]], { dtype: 'float64' });
    expect(R.l2(0.1).call(t).item()).to.be.closeTo(0.1 * 14, 1e-12);
    expect(R.l1(0.5).call(t).item()).to.be.closeTo(Math.fround(0.5) * 6, 1e-12);
    expect(R.l1l2().call(t).item()).to.be.closeTo(0.01 * 6 + 0.01 * 14, 1e-12);
    expect(new R.L1L2().getConfig()).to.deep.equal({ l1: 0, l2: 0 });
  });

  it('gradient passes a float64 finite-difference check', () => {
    const r = new R.L1L2({ l1: 0.3, l2: 0.7 });
    // Points away from 0 (|x| is not differentiable there).
    lt.assertGradcheck('L1L2', (t) => r.call(t), [lt.tensor([[0.5, -1.2], [2, -0.3]], { dtype: 'float64' })]);
  });

  it('serialises as Keras 3 and resolves identifiers; bad values are named', () => {
    const ours = { l1: new R.L1(), l2: new R.L2(), l1_l2: new R.L1L2({ l1: 0.01, l2: 0.02 }), l1_l2_default: new R.L1L2(), l1_03: R.l1(0.3) };
    for (const [k, r] of Object.entries(ours)) {
      expect(R.serialize(r), k).to.deep.equal(fx.regularizer_configs[k]);
      expect(R.serialize(R.get(R.serialize(r)!)), `${k} round trip`).to.deep.equal(fx.regularizer_configs[k]);
    }
    expect(R.get('l2')!.getConfig()).to.deep.equal({ l2: 0.01 });
    expect(R.get('L1L2')!.getConfig()).to.deep.equal({ l1: 0, l2: 0 });
    expect(R.get(null)).to.equal(null);
    expect(() => R.l2(-1)).to.throw(/Invalid value for argument l2/);
    expect(() => R.get('l3')).to.throw(/unknown regularizer 'l3'/);
  });
});

describe('keras-foundation: constraints', () => {
  it('outputs equal real Keras on a fixed matrix (epsilon 1e-7 in the denominator)', () => {
    const w = lt.tensor(fx.constraints.x);
    const ours: Record<string, lt.keras.constraints.Constraint> = {
      max_norm_axis0: C.maxNorm({ maxValue: 1.0, axis: 0 }),
      max_norm_axis1: C.maxNorm({ maxValue: 1.5, axis: 1 }),
      max_norm_default: C.maxNorm(),
      non_neg: C.nonNeg(),
      unit_norm_axis0: C.unitNorm(),
      unit_norm_axis1: C.unitNorm({ axis: 1 }),
      min_max_norm: C.minMaxNorm({ minValue: 1.0, maxValue: 1.5, rate: 0.7 }),
      min_max_norm_axis1: C.minMaxNorm({ minValue: 2.0, maxValue: 3.0, rate: 1.0, axis: 1 }),
    };
    for (const [k, c] of Object.entries(ours)) expectClose(c.call(w), fx.constraints.values[k], 1e-6, 1e-6, k);
  });

  it('hand values: max_norm rescales only columns above max; unit_norm makes unit columns', () => {
    const w = lt.tensor([[3, 0.6], [4, 0.8]], { dtype: 'float64' });
    // column norms 5 and 1; max 2 → first column × 2/(5+1e-7), second × 1/(1+1e-7)
    expectClose(C.maxNorm({ maxValue: 2 }).call(w), [[6 / (5 + 1e-7), 0.6 / (1 + 1e-7)], [8 / (5 + 1e-7), 0.8 / (1 + 1e-7)]], 1e-15);
    expectClose(C.unitNorm().call(w), [[0.6, 0.6], [0.8, 0.8]], 1e-6);
    expect(C.nonNeg().call(lt.tensor([-1, 2])).toArray()).to.deep.equal([0, 2]);
  });

  it('serialises as Keras 3', () => {
    const ours = {
      max_norm: C.maxNorm(), non_neg: C.nonNeg(), unit_norm: C.unitNorm({ axis: 1 }),
      min_max_norm: C.minMaxNorm({ minValue: 0.5, maxValue: 1.5, rate: 0.7 }),
    };
    for (const [k, c] of Object.entries(ours)) {
      expect(C.serialize(c), k).to.deep.equal(fx.constraint_configs[k]);
      expect(C.serialize(C.get(C.serialize(c)!)), `${k} round trip`).to.deep.equal(fx.constraint_configs[k]);
    }
    expect(() => C.get('max_nrom')).to.throw(/unknown constraint/);
    expect(() => C.unitNorm({ axis: 2 }).call(lt.tensor([[1]]))).to.throw(/axis 2 is out of range/);
  });
});
