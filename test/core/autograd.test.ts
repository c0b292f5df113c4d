import { expect } from 'chai';
import { tensor, ops, noGrad, assertGradcheck, Tensor } from '../../src/index.js';

describe('autograd engine', () => {
  it('accumulates the gradient of a tensor used twice (d(x*x)/dx = 2x)', () => {
    const x = tensor([1.5, -2], { requiresGrad: true });
    const y = ops.mul(x, x);
    y.backward(tensor([1, 1]));
    expect(x.grad!.toArray()).to.deep.equal([3, -4]);
  });

  it('accumulates into .grad across backward calls until zeroGrad', () => {
    const x = tensor([2], { requiresGrad: true });
    ops.mul(x, tensor([3])).backward();
    ops.mul(x, tensor([3])).backward();
    expect(x.grad!.toArray()).to.deep.equal([6]);
    x.zeroGrad();
    expect(x.grad).to.equal(null);
  });

  it('records nothing when no input requires grad or inside noGrad', () => {
    const a = tensor([1, 2]);
    expect(ops.add(a, a).gradFn).to.equal(null);
    const w = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => ops.add(w, w));
    expect(y.gradFn).to.equal(null);
    expect(y.requiresGrad).to.equal(false);
  });

  it('rejects backward on a non-scalar without a seed, a mis-shaped seed and a NaN seed', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const y = ops.mul(w, w);
    expect(() => y.backward()).to.throw(/backward.*shape \[2\].*without a seed/);
    expect(() => y.backward(tensor([1, 2, 3]))).to.throw(/seed shape \[3\] does not match tensor shape \[2\]/);
    expect(() => y.backward(tensor([NaN, 1]))).to.throw(/non-finite/);
    expect(() => tensor([1]).backward()).to.throw(/does not require grad/);
  });

  it('handles a deep chain (10k ops) without stack overflow', () => {
    const x = tensor([1], { requiresGrad: true, dtype: 'float64' });
    let y: Tensor = x;
    for (let i = 0; i < 10000; i++) y = ops.add(y, tensor([0.001], { dtype: 'float64' }));
    y.backward();
    expect(x.grad!.item()).to.equal(1);
  });

  it('broadcasting add/sub/mul/div and matmul pass float64 gradient checks', () => {
    const r = (shape: number[], s: number) => { let k = s; const n = shape.reduce((a, b) => a * b, 1); return tensor(Float64Array.from({ length: n }, () => ((k = (k * 16807) % 2147483647) / 2147483647) * 2 - 1 + 0.05), { shape }); };
    assertGradcheck('add', ops.add, [r([3, 4], 1), r([4], 2)]);
    assertGradcheck('sub', ops.sub, [r([2, 1, 4], 3), r([3, 1], 4)]);
    assertGradcheck('mul', ops.mul, [r([3, 4], 5), r([3, 1], 6)]);
    assertGradcheck('div', (a, b) => ops.div(a, ops.add(ops.mul(b, b), tensor(1, { dtype: 'float64' }))), [r([3, 4], 7), r([4], 8)]);
    assertGradcheck('matmul 2-D', ops.matmul, [r([5, 3], 9), r([3, 6], 10)]);
    assertGradcheck('matmul batched', ops.matmul, [r([2, 5, 3], 11), r([2, 3, 4], 12)]);
    assertGradcheck('matmul shared rhs', ops.matmul, [r([2, 5, 3], 13), r([3, 4], 14)]);
  });

  it('errors name the op and both shapes', () => {
    expect(() => ops.add(tensor([[1, 2, 3]]), tensor([[1, 2]]))).to.throw(/add: shapes \[1, 3\] and \[1, 2\] cannot be broadcast/);
    expect(() => ops.matmul(tensor([[1, 2, 3]]), tensor([[1, 2]]))).to.throw(/matmul: inner dimensions differ/);
    expect(() => ops.add(tensor([1]), tensor([1], { dtype: 'float64' }))).to.throw(/add: dtypes differ: float32 and float64/);
  });
});
