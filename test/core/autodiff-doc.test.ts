// Executes the worked example of docs/autodiff.md §7 and the "tensor used twice" example of §4, so the
// numbers printed on that page are checked (they were derived by hand from σ′ = σ(1−σ) and the chain rule).

import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { expectClose } from './helpers.js';

describe('docs/autodiff.md worked examples', () => {
  it('§7: d/dx, d/dw, d/db of sigmoid(x·w + b)', () => {
    const f64 = { dtype: 'float64' as const, requiresGrad: true };
    const x = lt.tensor([[1, 2]], f64);
    const w = lt.tensor([[0.5], [-0.25]], f64);
    const b = lt.tensor([0.5], f64);
    const z = lt.ops.add(lt.ops.matmul(x, w), b);
    const s = lt.ops.sigmoid(z);
    expect(z.item()).to.equal(0.5);
    const sig = 1 / (1 + Math.exp(-0.5));
    const d = sig * (1 - sig);
    expect(s.item()).to.be.closeTo(sig, 1e-16);
    expect(s.item()).to.be.closeTo(0.6224593312018546, 1e-16);
    s.backward();
    expect(d).to.be.closeTo(0.2350037122015945, 1e-16);
    expectClose(x.grad!, [[0.11750185610079725, -0.058750928050398624]], 1e-16);
    expectClose(w.grad!, [[0.2350037122015945], [0.470007424403189]], 1e-16);
    expectClose(b.grad!, [0.2350037122015945], 1e-16);
    // the engine visited sigmoid → add → matmul
    expect(s.gradFn!.op).to.equal('sigmoid');
    expect(s.gradFn!.inputs[0].gradFn!.op).to.equal('add');
    expect(s.gradFn!.inputs[0].gradFn!.inputs[0].gradFn!.op).to.equal('matmul');
    lt.assertGradcheck('sigmoid(x·w+b)', (p, q, r) => lt.ops.sigmoid(lt.ops.add(lt.ops.matmul(p, q), r)),
      [lt.tensor([[1, 2]], { dtype: 'float64' }), lt.tensor([[0.5], [-0.25]], { dtype: 'float64' }), lt.tensor([0.5], { dtype: 'float64' })]);
  });
  it('§4: a tensor used twice receives the sum of both gradients', () => {
    const x = lt.tensor([1.5, -2], { requiresGrad: true });
    lt.ops.mul(x, x).backward(lt.tensor([1, 1]));
    expect(x.grad!.toArray()).to.deep.equal([3, -4]);
    // the same through two separate uses: y = exp(x) + 3x → dy/dx = exp(x) + 3
    const v = lt.tensor([0, Math.log(2)], { dtype: 'float64', requiresGrad: true });
    lt.ops.sum(lt.ops.add(lt.ops.exp(v), lt.ops.scale(v, 3))).backward();
    expectClose(v.grad!, [4, 5], 1e-15);
  });
});
