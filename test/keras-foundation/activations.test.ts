import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { getActivation } from '../../src/keras/activations.js';
import { fx, expectClose, weightedSum } from './helpers.js';

describe('keras-foundation: activations', () => {
  it('values and gradients equal real Keras 3 at fixed points (incl. saturation, kinks avoided)', () => {
    for (const [name, ref] of Object.entries(fx.activations.values) as [string, { y: number[][]; grad: number[][] }][]) {
      const x = lt.tensor(fx.activations.x, { requiresGrad: true });
      const act = getActivation(name);
      expect(act.name, name).to.equal(name);
      const y = act.fn(x);
      expectClose(y, ref.y, 2e-6, 2e-6, `${name} value`);
      weightedSum(y, fx.activations.w).backward();
      expectClose(x.grad!, ref.grad, 2e-6, 2e-6, `${name} grad`);
    }
  });

  it('resolves names like Keras 3 (None → linear, swish → silu, hard_swish → hard_silu, camelCase)', () => {
    for (const [id, name] of Object.entries(fx.activation_names) as [string, string][]) {
      expect(getActivation(id === 'None' ? null : id).name, id).to.equal(name);
    }
    expect(getActivation('hardSigmoid').name).to.equal('hard_sigmoid');
    expect(getActivation(undefined).name).to.equal('linear');
    expect(lt.keras.activations.serialize('swish')).to.equal('silu');
    const f = (t: lt.Tensor): lt.Tensor => t;
    expect(getActivation(f).name).to.equal('f');
    expect(() => getActivation('tanhh')).to.throw(/Unknown activation function 'tanhh'/);
  });

  it('hard_sigmoid: Keras 3 relu6(x+3)/6 by default, Keras 2 clip(0.2x+0.5,0,1) under the compat switch', () => {
    const xs = [-4, -2.6, -1, 0, 0.5, 2, 2.6, 4];
    const x = lt.tensor(xs, { dtype: 'float64' });
    const k3 = xs.map((v) => Math.min(Math.max(v + 3, 0), 6) / 6);
    const k2 = xs.map((v) => Math.min(Math.max(0.2 * v + 0.5, 0), 1));
    expect(lt.keras.getKerasCompat()).to.equal('keras3');
    expectClose(getActivation('hard_sigmoid').fn(x), k3, 1e-15);
    lt.keras.withKerasCompat('keras2', () => {
      expectClose(getActivation('hard_sigmoid').fn(x), k2, 1e-15);
      // slope 0.2 inside
      const t = lt.tensor([0.3], { dtype: 'float64', requiresGrad: true });
      getActivation('hard_sigmoid').fn(t).backward();
      expect(t.grad!.item()).to.be.closeTo(0.2, 1e-15);
    });
    expect(lt.keras.getKerasCompat()).to.equal('keras3');
    const t = lt.tensor([0.3], { dtype: 'float64', requiresGrad: true });
    getActivation('hard_sigmoid').fn(t).backward();
    expect(t.grad!.item()).to.be.closeTo(1 / 6, 1e-15);
    expect(() => lt.keras.setKerasCompat('keras1' as 'keras2')).to.throw(/keras3' or 'keras2/);
  });

  it('every activation passes a float64 gradient check away from kinks', () => {
    const pts = lt.tensor([[-2.2, -0.7, 0.4, 1.3, 3.7]], { dtype: 'float64' });
    for (const n of lt.keras.activations.activationNames) {
      lt.assertGradcheck(n, (t) => getActivation(n).fn(t), [pts]);
    }
  });

  it('elu does not produce NaN gradients for large positive inputs (exp branch guarded)', () => {
    const x = lt.tensor([800, -1], { dtype: 'float64', requiresGrad: true });
    lt.ops.sum(getActivation('elu').fn(x)).backward();
    expect(Array.from(x.grad!.data)).to.deep.equal([1, Math.exp(-1)]);
  });
});
