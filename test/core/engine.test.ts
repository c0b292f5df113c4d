// The backward engine beyond the basics in autograd.test.ts: diamonds (a tensor reaching the loss along two
// paths), repeated backward over the same graph, backward on a leaf, custom ops built with record /
// recordMulti (the API other areas use for fused kernels), and the engine's own error messages.

import { expect } from 'chai';
import { Tensor, tensor, ops, assertGradcheck, gradcheck, backward } from '../../src/index.js';
import { record, recordMulti } from '../../src/autograd/node.js';
import { f64, expectClose, rand64 } from './helpers.js';
import { SGD } from '../../src/train/optimizers/index.js';

describe('autograd engine: graph shapes and custom ops', () => {
  it('diamond: L = exp(x) · tanh(x) gets both paths (d/dx = eˣ tanh x + eˣ (1 − tanh² x))', () => {
    const x = f64([0.3, -0.7]);
    x.requiresGrad = true;
    ops.sum(ops.mul(ops.exp(x), ops.tanh(x))).backward();
    const want = [0.3, -0.7].map((v) => Math.exp(v) * Math.tanh(v) + Math.exp(v) * (1 - Math.tanh(v) ** 2));
    expectClose(x.grad!, want, 1e-15);
  });
  it('an intermediate used by several later ops accumulates before it is propagated', () => {
    const x = f64([2]);
    x.requiresGrad = true;
    const h = ops.square(x); // 4
    const L = ops.add(ops.add(h, ops.scale(h, 3)), ops.mul(h, h)); // h + 3h + h² → dL/dh = 4 + 2h = 12
    L.backward();
    expectClose(x.grad!, [12 * 2 * 2]); // dh/dx = 2x = 4
  });
  it('backward twice over the same graph throws (PyTorch semantics) and leaves .grad as the first pass left it', () => {
    const x = f64([1, 2]);
    x.requiresGrad = true;
    const L = ops.sum(ops.scale(x, 3));
    L.backward();
    expect(() => L.backward()).to.throw(/backward through op 'sum' a second time.*retainGraph: true/);
    expectClose(x.grad!, [3, 3]);
  });
  it('with retainGraph the graph survives: a second backward accumulates into .grad, a third (unretained pass before it) throws', () => {
    const x = f64([1, 2]);
    x.requiresGrad = true;
    const L = ops.sum(ops.mul(x, x));  // dL/dx = 2x
    L.backward(undefined, { retainGraph: true });
    L.backward();
    expectClose(x.grad!, [4, 8]);
    expect(() => L.backward()).to.throw(/a second time/);
  });
  it('backward options are checked: unknown keys (with a hint) and non-boolean retainGraph', () => {
    const x = f64([1]);
    x.requiresGrad = true;
    expect(() => ops.scale(x, 2).backward(undefined, { retain_graph: true } as never)).to.throw(/unknown option 'retain_graph'; did you mean 'retainGraph'/);
    expect(() => ops.scale(x, 2).backward(undefined, { retainGraph: 'yes' } as never)).to.throw(/retainGraph must be a boolean, got string/);
  });
  it('lt.backward(roots, seeds) runs one pass from several outputs: the same as backward of Σ⟨seed, root⟩', () => {
    const x = f64([1, 2, 3]);
    x.requiresGrad = true;
    const [a, b] = ops.split(ops.mul(x, x), [1, 2], 0);   // a = [x0²], b = [x1², x2²]
    backward([a, b], [f64([10]), f64([1, -1])]);
    expectClose(x.grad!, [20, 4, -6]);                     // 2x ⊙ [10, 1, -1]
    expect(() => backward([a], [f64([1])])).to.throw(/a second time/);
    expect(() => backward([], [])).to.throw(/non-empty array/);
    expect(() => backward([a, b], [f64([1]), f64([1]), f64([1])])).to.throw(/3 seeds for 2 roots/);
  });
  it('backward on a leaf with a seed copies the seed into .grad', () => {
    const w = f64([1, 2]);
    w.requiresGrad = true;
    const seed = f64([0.5, -1]);
    w.backward(seed);
    expectClose(w.grad!, [0.5, -1]);
    seed.data[0] = 9;
    expect(w.grad!.data[0]).to.equal(0.5);
  });
  it('a float32 seed on a float64 graph is refused (naming both dtypes); inputs without requiresGrad get no .grad', () => {
    const w = f64([1, 2]);
    w.requiresGrad = true;
    const c = f64([3, 4]);
    const y = ops.mul(w, c);
    expect(() => y.backward(tensor([1, 1]))).to.throw(/seed dtype float32 does not match the tensor's dtype float64/);
    expect(w.grad).to.equal(null);
    y.backward(f64([1, 1]));
    expectClose(w.grad!, [3, 4]);
    expect(c.grad).to.equal(null);
  });
  it('custom single-output op via record(): cube with d/dx = 3x²', () => {
    const cube = (x: Tensor): Tensor => {
      const out = new Float64Array(x.size);
      for (let i = 0; i < out.length; i++) out[i] = x.data[i] ** 3;
      const y = new Tensor(out, x.shape);
      return record('cube', [x], y, (gy) => {
        const g = new Float64Array(gy.size);
        for (let i = 0; i < g.length; i++) g[i] = gy.data[i] * 3 * x.data[i] ** 2;
        return [new Tensor(g, x.shape)];
      });
    };
    assertGradcheck('cube', cube, [rand64([3, 2], 1)]);
  });
  it('custom multi-output op via recordMulti(): (sum, difference) with one output unused', () => {
    const sumDiff = (a: Tensor, b: Tensor): Tensor[] => {
      const s = ops.add(a, b).detach();
      const d = ops.sub(a, b).detach();
      return recordMulti('sumDiff', [a, b], [s, d], ([gs, gd]) => {
        const z = new Float64Array(a.size);
        const gS = gs?.data ?? z;
        const gD = gd?.data ?? z;
        const ga = new Float64Array(a.size);
        const gb = new Float64Array(a.size);
        for (let i = 0; i < ga.length; i++) { ga[i] = gS[i] + gD[i]; gb[i] = gS[i] - gD[i]; }
        return [new Tensor(ga, a.shape), new Tensor(gb, b.shape)];
      });
    };
    assertGradcheck('sumDiff both', sumDiff, [rand64([4], 2), rand64([4], 3)]);
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    a.requiresGrad = true;
    b.requiresGrad = true;
    ops.sum(sumDiff(a, b)[1]).backward(); // only the difference is used
    expectClose(a.grad!, [1, 1]);
    expectClose(b.grad!, [-1, -1]);
  });
  it('the engine rejects a backward that returns the wrong number or shape of gradients', () => {
    const x = f64([1, 2]);
    x.requiresGrad = true;
    const bad = record('badShape', [x], new Tensor(Float64Array.from([1, 2]), [2]), () => [f64([1, 2, 3])]);
    expect(() => bad.backward(f64([1, 1]))).to.throw(/backward: op 'badShape' returned a gradient of shape \[3\] for an input of shape \[2\]/);
    const bad2 = record('badCount', [x], new Tensor(Float64Array.from([1, 2]), [2]), () => []);
    expect(() => bad2.backward(f64([1, 1]))).to.throw(/backward: op 'badCount' returned 0 gradients for 1 inputs/);
  });
  it('gradcheck reports a wrong gradient (it can fail) and refuses float32 inputs', () => {
    const wrong = (x: Tensor): Tensor => {
      const y = new Tensor(Float64Array.from(x.data, (v) => v * v), x.shape);
      return record('wrongSquare', [x], y, (gy) => [gy]); // claims d/dx x² = 1 (right only at x = 0.5)
    };
    const r = gradcheck(wrong, [f64([0.5, 2])]);
    expect(r.ok).to.equal(false);
    expect(() => assertGradcheck('wrong', wrong, [f64([0.5, 2])])).to.throw(/gradcheck\(wrong\) failed: input 0 element 1: analytic \S+ vs numeric \S+/);
    expect(() => gradcheck(ops.exp, [tensor([1])])).to.throw(/gradcheck: inputs must be float64/);
  });
});

describe('autograd engine: version counters catch in-place writes to saved tensors (PyTorch _version)', () => {
  it('w.assign between the forward and the backward of sum(w·w) throws naming the op, the tensor and both versions', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    w.name = 'dense/kernel';
    const s = ops.sum(ops.mul(w, w));
    expect(w.version).to.equal(0);
    w.assign([10, 20]);
    expect(w.version).to.equal(1);
    expect(() => s.backward()).to.throw(/input 0 of op 'mul' \(Tensor\(float32, \[2\]\) 'dense\/kernel'\) was modified in place.*version 1, the op saved version 0/);
    expect(w.grad, 'a refused pass leaves no partial gradient').to.equal(null);
    // Recomputing after the write gives the gradient at the new values: 2w.
    ops.sum(ops.mul(w, w)).backward();
    expect(w.grad!.toFlatArray()).to.deep.equal([20, 40]);
  });
  it('an optimizer step between forward and backward is caught too', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const s = ops.sum(ops.mul(w, w));
    new SGD({ learningRate: 0.1 }).apply([tensor([1, 1])], [w]);
    expect(w.version).to.equal(1);
    expect(() => s.backward()).to.throw(/was modified in place/);
  });
  it('ops whose backward reads only shapes (add, sum, reshape) do not care: d sum(w + 1)/dw = 1 whatever w is now', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const s = ops.sum(ops.reshape(ops.add(w, tensor([1, 1])), [2, 1]));
    w.assign([5, 6]);
    s.backward();
    expect(w.grad!.toFlatArray()).to.deep.equal([1, 1]);
  });
  it('detach() shares the buffer and the counter; clone() has its own', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const d = w.detach();
    const c = w.clone();
    const s = ops.sum(ops.mul(w, w));
    d.assign([3, 4]);                       // writes w's buffer
    expect(w.version).to.equal(1);
    expect(w.toFlatArray()).to.deep.equal([3, 4]);
    expect(() => s.backward()).to.throw(/modified in place/);
    c.assign([7, 8]);
    expect(w.version).to.equal(1);
    expect(c.version).to.equal(1);
  });
  it('an output saved by its op (sigmoid keeps y) is checked as well', () => {
    const x = tensor([0.5], { requiresGrad: true });
    const y = ops.sigmoid(x);
    const z = ops.sum(y);
    y.assign([0.9]);
    expect(() => z.backward()).to.throw(/output 0 of op 'sigmoid'/);
  });
  it('bumpVersion() lets code that writes .data directly opt in', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const s = ops.sum(ops.mul(w, w));
    w.data[0] = 5;
    w.bumpVersion();
    expect(() => s.backward()).to.throw(/modified in place/);
  });
});
