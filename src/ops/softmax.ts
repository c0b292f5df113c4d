// softmax and logSoftmax along one axis.
//
// Forward subtracts the row maximum before exponentiating (softmax is invariant to a shift, and e^(x−max)
// never overflows). Backward, with y = softmax(x):  ∂L/∂x_j = y_j (g_j − Σ_k g_k y_k);
// with y = logSoftmax(x) = x − log Σ eˣ:  ∂L/∂x_j = g_j − softmax(x)_j Σ_k g_k.
// A tensor is viewed as [outer, n, inner] around the axis so both ops are one loop nest for any rank.

import { Tensor, allocate } from '../tensor/tensor.js';
import { fail, normAxis } from '../tensor/shape.js';
import { record } from '../autograd/node.js';

function view(op: string, x: Tensor, axis: number): { outer: number; n: number; inner: number } {
  if (!(x instanceof Tensor)) fail(op, 'x must be a Tensor');
  if (x.rank === 0) fail(op, 'x must have rank ≥ 1, got a scalar');
  const ax = normAxis(op, axis, x.rank);
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < ax; i++) outer *= x.shape[i];
  for (let i = ax + 1; i < x.rank; i++) inner *= x.shape[i];
  return { outer, n: x.shape[ax], inner };
}

export function softmax(x: Tensor, axis = -1): Tensor {
  const { outer, n, inner } = view('softmax', x, axis);
  const xd = x.data;
  const out = allocate(x.dtype, x.size);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * n * inner + q;
      let m = -Infinity;
      for (let j = 0; j < n; j++) m = Math.max(m, xd[base + j * inner]);
      let s = 0;
      for (let j = 0; j < n; j++) {
        const e = Math.exp(xd[base + j * inner] - m);
        out[base + j * inner] = e;
        s += e;
      }
      const inv = 1 / s;
      for (let j = 0; j < n; j++) out[base + j * inner] *= inv;
    }
  }
  const y = new Tensor(out, x.shape);
  return record('softmax', [x], y, (gy) => {
    const g = gy.data;
    const yd = y.data;
    const gx = allocate(gy.dtype, gy.size);
    for (let o = 0; o < outer; o++) {
      for (let q = 0; q < inner; q++) {
        const base = o * n * inner + q;
        let dot = 0;
        for (let j = 0; j < n; j++) dot += g[base + j * inner] * yd[base + j * inner];
        for (let j = 0; j < n; j++) {
          const k = base + j * inner;
          gx[k] = yd[k] * (g[k] - dot);
        }
      }
    }
    return [new Tensor(gx, x.shape)];
  });
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const { outer, n, inner } = view('logSoftmax', x, axis);
  const xd = x.data;
  const out = allocate(x.dtype, x.size);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * n * inner + q;
      let m = -Infinity;
      for (let j = 0; j < n; j++) m = Math.max(m, xd[base + j * inner]);
      let s = 0;
      for (let j = 0; j < n; j++) s += Math.exp(xd[base + j * inner] - m);
      const lse = m + Math.log(s);
      for (let j = 0; j < n; j++) out[base + j * inner] = xd[base + j * inner] - lse;
    }
  }
  const y = new Tensor(out, x.shape);
  return record('logSoftmax', [x], y, (gy) => {
    const g = gy.data;
    const yd = y.data;
    const gx = allocate(gy.dtype, gy.size);
    for (let o = 0; o < outer; o++) {
      for (let q = 0; q < inner; q++) {
        const base = o * n * inner + q;
        let s = 0;
        for (let j = 0; j < n; j++) s += g[base + j * inner];
        for (let j = 0; j < n; j++) {
          const k = base + j * inner;
          gx[k] = g[k] - Math.exp(yd[k]) * s;
        }
      }
    }
    return [new Tensor(gx, x.shape)];
  });
}
