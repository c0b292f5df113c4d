// The "composed" reference for the fused kernel: one LSTM layer written op by op from src/ops primitives
// (matmul, add, mul, sub, sigmoid, tanh, slice, stack), so its gradients come from the generic autograd
// engine — entirely independent of the hand-written BPTT in src/kernels/ts.ts. Masking follows Keras's
// generic loop (keras-tf-semantics.md §3.1): states = m·new + (1−m)·old (exact for m ∈ {0,1}), output =
// m·h + (1−m)·prev_output (or zeros with zeroOutputForMask); go_backwards processes t = T−1…0 and stacks
// the outputs in processing order.

import { Tensor, tensor, ops } from '../../src/index.js';

export function composedLstm(
  x: Tensor, h0: Tensor, c0: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor,
  opts: { seqLengths?: number[] | null; goBackwards?: boolean; zeroOutputForMask?: boolean } = {},
): [Tensor, Tensor, Tensor] {
  const [T, B, I] = x.shape;
  const H = h0.shape[1];
  const dtype = x.dtype;
  let h = h0;
  let c = c0;
  let prev: Tensor = tensor(new Array(B * H).fill(0), { shape: [B, H], dtype });
  const ys: Tensor[] = [];
  const gate = (z: Tensor, k: number): Tensor => ops.slice(z, [0, k * H], [B, H]);
  for (let s = 0; s < T; s++) {
    const t = opts.goBackwards ? T - 1 - s : s;
    const xt = ops.reshape(ops.slice(x, [t, 0, 0], [1, B, I]), [B, I]);
    // Keras implementation 2 order: z = (x·K + h·R) + b
    const z = ops.add(ops.add(ops.matmul(xt, kernel), ops.matmul(h, recurrentKernel)), bias);
    const i = ops.sigmoid(gate(z, 0));
    const f = ops.sigmoid(gate(z, 1));
    const g = ops.tanh(gate(z, 2));
    const o = ops.sigmoid(gate(z, 3));
    const cNew = ops.add(ops.mul(f, c), ops.mul(i, g));
    const hNew = ops.mul(o, ops.tanh(cNew));
    if (opts.seqLengths) {
      const mv = opts.seqLengths.map((L) => (t < L ? 1 : 0));
      const m = tensor(mv, { shape: [B, 1], dtype });
      const nm = tensor(mv.map((v) => 1 - v), { shape: [B, 1], dtype });
      const blend = (a: Tensor, b: Tensor): Tensor => ops.add(ops.mul(m, a), ops.mul(nm, b));
      h = blend(hNew, h);
      c = blend(cNew, c);
      const out = opts.zeroOutputForMask ? ops.mul(m, hNew) : blend(hNew, prev);
      prev = out;
      ys.push(out);
    } else {
      h = hNew;
      c = cNew;
      ys.push(hNew);
    }
  }
  return [ops.stack(ys, 0), h, c];
}

/**
 * The composed reference for gruSequence (Keras GRUCell, reset_after = True, implementation 2), op by op with
 * the same masking rules: m_x = x·K + b_in, m_h = h·R + b_rec, z = σ(m_x,z + m_h,z), r = σ(m_x,r + m_h,r),
 * ĥ = tanh(m_x,h + r ⊙ m_h,h), h' = z ⊙ h + (1 − z) ⊙ ĥ. bias is [2, 3H].
 */
export function composedGru(
  x: Tensor, h0: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor,
  opts: { seqLengths?: number[] | null; goBackwards?: boolean; zeroOutputForMask?: boolean } = {},
): [Tensor, Tensor] {
  const [T, B, I] = x.shape;
  const H = h0.shape[1];
  const dtype = x.dtype;
  const bIn = ops.reshape(ops.slice(bias, [0, 0], [1, 3 * H]), [3 * H]);
  const bRec = ops.reshape(ops.slice(bias, [1, 0], [1, 3 * H]), [3 * H]);
  const one = tensor([1], { shape: [], dtype });
  let h = h0;
  let prev: Tensor = tensor(new Array(B * H).fill(0), { shape: [B, H], dtype });
  const ys: Tensor[] = [];
  const part = (v: Tensor, k: number): Tensor => ops.slice(v, [0, k * H], [B, H]);
  for (let s = 0; s < T; s++) {
    const t = opts.goBackwards ? T - 1 - s : s;
    const xt = ops.reshape(ops.slice(x, [t, 0, 0], [1, B, I]), [B, I]);
    const mx = ops.add(ops.matmul(xt, kernel), bIn);
    const mh = ops.add(ops.matmul(h, recurrentKernel), bRec);
    const z = ops.sigmoid(ops.add(part(mx, 0), part(mh, 0)));
    const r = ops.sigmoid(ops.add(part(mx, 1), part(mh, 1)));
    const cand = ops.tanh(ops.add(part(mx, 2), ops.mul(r, part(mh, 2))));
    const hNew = ops.add(ops.mul(z, h), ops.mul(ops.sub(one, z), cand));
    if (opts.seqLengths) {
      const mv = opts.seqLengths.map((L) => (t < L ? 1 : 0));
      const m = tensor(mv, { shape: [B, 1], dtype });
      const nm = tensor(mv.map((v) => 1 - v), { shape: [B, 1], dtype });
      const blend = (a: Tensor, b: Tensor): Tensor => ops.add(ops.mul(m, a), ops.mul(nm, b));
      h = blend(hNew, h);
      const out = opts.zeroOutputForMask ? ops.mul(m, hNew) : blend(hNew, prev);
      prev = out;
      ys.push(out);
    } else {
      h = hNew;
      ys.push(hNew);
    }
  }
  return [ops.stack(ys, 0), h];
}

/** The composed reference for simpleRnnSequence: h' = act((x·K + b) + h·R), act tanh or relu, same masking. */
export function composedSimpleRnn(
  x: Tensor, h0: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor,
  opts: { activation?: 'tanh' | 'relu'; seqLengths?: number[] | null; goBackwards?: boolean; zeroOutputForMask?: boolean } = {},
): [Tensor, Tensor] {
  const [T, B, I] = x.shape;
  const H = h0.shape[1];
  const dtype = x.dtype;
  const act = opts.activation === 'relu' ? ops.relu : ops.tanh;
  let h = h0;
  let prev: Tensor = tensor(new Array(B * H).fill(0), { shape: [B, H], dtype });
  const ys: Tensor[] = [];
  for (let s = 0; s < T; s++) {
    const t = opts.goBackwards ? T - 1 - s : s;
    const xt = ops.reshape(ops.slice(x, [t, 0, 0], [1, B, I]), [B, I]);
    const hNew = act(ops.add(ops.add(ops.matmul(xt, kernel), bias), ops.matmul(h, recurrentKernel)));
    if (opts.seqLengths) {
      const mv = opts.seqLengths.map((L) => (t < L ? 1 : 0));
      const m = tensor(mv, { shape: [B, 1], dtype });
      const nm = tensor(mv.map((v) => 1 - v), { shape: [B, 1], dtype });
      const blend = (a: Tensor, b: Tensor): Tensor => ops.add(ops.mul(m, a), ops.mul(nm, b));
      h = blend(hNew, h);
      const out = opts.zeroOutputForMask ? ops.mul(m, hNew) : blend(hNew, prev);
      prev = out;
      ys.push(out);
    } else {
      h = hNew;
      ys.push(hNew);
    }
  }
  return [ops.stack(ys, 0), h];
}
