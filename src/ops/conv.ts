// 1-D convolution and pooling over [B, L, C] (channels last), forward and backward side by side.
//
// conv1d: y[b, o, f] = Σ_{k<K} Σ_{c<Cg} x[b, o·s + k·d − padLeft, g·Cg + c] · w[k, c, f],  g = ⌊f / Fg⌋
// (TF's conv with explicit zero padding; Keras's Conv1D chooses padLeft/padRight for valid / same / causal,
// keras-layers.md §4.1). Stride 1 with one group (most sequence models) runs as K accumulated GEMMs over
// row-shifted views of the padded input (conv1dShifted below). Otherwise it runs as GEMMs on an im2col matrix,
// as TF's CPU and cuDNN's IMPLICIT_GEMM do:
//   cols[b·Lout + o, k·Cg + c] = x[b, o·s + k·d − padLeft, g·Cg + c]   (0 in the padding)
//   Y_g = cols_g · W_g                      [B·Lout, Fg] = [B·Lout, K·Cg] · [K·Cg, Fg]
// Backward: dW_g = cols_gᵀ · dY_g; dcols_g = dY_g · W_gᵀ, scattered back into dx (col2im, the adjoint of im2col).
//
// pool1d: max or average over windows of `pool` steps, stride s, with padLeft/padRight outside the input. As TF's
// pooling ops: padded positions never win a max, and an average divides by the number of real positions in its
// window only (keras-layers.md §4.2). Max backward sends each output's gradient to the first maximum of its
// window (TF's MaxPoolGrad on ties: checked against TF in the fixtures); average backward spreads it evenly.

import { Tensor, allocate, type TypedArray } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { gemm, gemmNT, gemmTN } from './gemm.js';

export interface Conv1dOptions {
  stride?: number;
  dilation?: number;
  /** Zero steps before the input (Keras 'same' / 'causal' choose them). */
  padLeft?: number;
  padRight?: number;
  groups?: number;
}

/** Output length of a 1-D window op: ⌊(L + pads − d·(K−1) − 1) / s⌋ + 1. */
export function windowOutputLength(L: number, K: number, stride: number, dilation: number, padLeft: number, padRight: number): number {
  return Math.floor((L + padLeft + padRight - dilation * (K - 1) - 1) / stride) + 1;
}

const posInt = (op: string, name: string, v: number, min: number) => {
  if (!Number.isInteger(v) || v < min) fail(op, `${name} must be an integer ≥ ${min}, got ${v}`);
  return v;
};

/** cols[(b·Lout + o)·(K·Cg) + k·Cg + c] = x[b, o·s + k·d − padLeft, g·Cg + c], zero outside the input. */
function im2col(x: TypedArray, B: number, L: number, C: number, g: number, Cg: number, K: number, Lout: number, s: number, d: number, pl: number, cols: TypedArray): void {
  const row = K * Cg;
  // With one group and no dilation, the K steps of a window are one contiguous run of x ([K, C] rows): one
  // copy per window (typed-array set is a memcpy); otherwise one copy of Cg channels per tap. `cols` arrives
  // zero-filled, so taps in the padding are left alone.
  const whole = Cg === C && d === 1;
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < Lout; o++) {
      const base = (b * Lout + o) * row;
      const t0 = o * s - pl;
      if (whole && t0 >= 0 && t0 + K <= L) {
        const src = (b * L + t0) * C;
        cols.set(x.subarray(src, src + row), base);
        continue;
      }
      for (let k = 0; k < K; k++) {
        const t = t0 + k * d;
        if (t < 0 || t >= L) continue;
        const src = (b * L + t) * C + g * Cg;
        cols.set(x.subarray(src, src + Cg), base + k * Cg);
      }
    }
  }
}

/** The adjoint of im2col: dx[b, o·s + k·d − padLeft, g·Cg + c] += dcols[...] (in o, k order). */
function col2im(dcols: TypedArray, B: number, L: number, C: number, g: number, Cg: number, K: number, Lout: number, s: number, d: number, pl: number, dx: TypedArray): void {
  const row = K * Cg;
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < Lout; o++) {
      const base = (b * Lout + o) * row;
      for (let k = 0; k < K; k++) {
        const t = o * s + k * d - pl;
        if (t < 0 || t >= L) continue;
        const dst = (b * L + t) * C + g * Cg;
        const src = base + k * Cg;
        for (let c = 0; c < Cg; c++) dx[dst + c] += dcols[src + c];
      }
    }
  }
}

/** Columns f0 .. f0+n of a [rows, F] matrix as a dense [rows, n] copy (a group's kernel). */
function columns(a: TypedArray, rows: number, F: number, f0: number, n: number): TypedArray {
  if (n === F) return a;
  const out = new (a.constructor as { new (len: number): TypedArray })(rows * n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) out[r * n + j] = a[r * F + f0 + j];
  return out;
}

/** Writes a dense [rows, n] block into columns f0 .. f0+n of a [rows, F] matrix. */
function putColumns(src: TypedArray, dst: TypedArray, rows: number, F: number, f0: number, n: number): void {
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) dst[r * F + f0 + j] = src[r * n + j];
}

/**
 * 1-D convolution of x [B, L, C_in] with kernel w [K, C_in/groups, F] (Keras's layout) → [B, Lout, F], as TF's
 * conv with explicit zero padding (no bias, no activation: the layer adds them).
 */
export function conv1d(x: Tensor, w: Tensor, opts: Conv1dOptions = {}): Tensor {
  const op = 'conv1d';
  if (x.rank !== 3) fail(op, `x must be [batch, steps, channels], got ${shapeStr(x.shape)}`);
  if (w.rank !== 3) fail(op, `kernel must be [kernel_size, channels/groups, filters], got ${shapeStr(w.shape)}`);
  if (x.dtype !== w.dtype) fail(op, `x is ${x.dtype} but the kernel is ${w.dtype}`);
  const s = posInt(op, 'stride', opts.stride ?? 1, 1);
  const d = posInt(op, 'dilation', opts.dilation ?? 1, 1);
  const pl = posInt(op, 'padLeft', opts.padLeft ?? 0, 0);
  const pr = posInt(op, 'padRight', opts.padRight ?? 0, 0);
  const G = posInt(op, 'groups', opts.groups ?? 1, 1);
  const [B, L, C] = x.shape;
  const [K, Cg, F] = w.shape;
  if (C % G !== 0 || C / G !== Cg) fail(op, `x has ${C} channels; with groups=${G} the kernel needs ${C / G} input channels per group, it has ${Cg} (kernel ${shapeStr(w.shape)})`);
  if (F % G !== 0) fail(op, `filters (${F}) must be divisible by groups (${G})`);
  const Lout = windowOutputLength(L, K, s, d, pl, pr);
  if (Lout <= 0) fail(op, `the output would have ${Lout} steps: ${L} steps + padding ${pl}+${pr} are shorter than the dilated kernel ${d * (K - 1) + 1}`);
  if (s === 1 && G === 1) return conv1dShifted(x, w, d, pl, pr, Lout);
  const Fg = F / G;
  const M = B * Lout;
  const R = K * Cg;
  const colsPerGroup: TypedArray[] = [];
  const kernelPerGroup: TypedArray[] = []; // W_g as dense [K·Cg, Fg] (w itself when G = 1), reused by backward
  const out = allocate(x.dtype, M * F);
  const tmp = G > 1 ? allocate(x.dtype, M * Fg) : null;
  for (let g = 0; g < G; g++) {
    const cols = allocate(x.dtype, M * R);
    im2col(x.data, B, L, C, g, Cg, K, Lout, s, d, pl, cols);
    colsPerGroup.push(cols);
    const wg = columns(w.data, R, F, g * Fg, Fg);
    kernelPerGroup.push(wg);
    if (tmp === null) gemm(cols, 0, wg, 0, out, 0, M, R, F, false);
    else {
      gemm(cols, 0, wg, 0, tmp, 0, M, R, Fg, false);
      putColumns(tmp, out, M, F, g * Fg, Fg);
    }
  }
  const y = new Tensor(out, [B, Lout, F]);
  return record(op, [x, w], y, (gy) => {
    const gyPerGroup = Array.from({ length: G }, (_, g) => columns(gy.data, M, F, g * Fg, Fg));
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    if (x.requiresGrad) {
      const dx = allocate(x.dtype, x.size);
      const dcols = allocate(x.dtype, M * R);
      for (let g = 0; g < G; g++) {
        gemmNT(gyPerGroup[g], 0, kernelPerGroup[g], 0, dcols, 0, M, Fg, R, false);
        col2im(dcols, B, L, C, g, Cg, K, Lout, s, d, pl, dx);
      }
      gx = new Tensor(dx, x.shape);
    }
    if (w.requiresGrad) {
      const dw = allocate(w.dtype, w.size);
      const dwg = G > 1 ? allocate(w.dtype, R * Fg) : null;
      for (let g = 0; g < G; g++) {
        if (dwg === null) gemmTN(colsPerGroup[g], 0, gy.data, 0, dw, 0, R, M, F, false);
        else {
          gemmTN(colsPerGroup[g], 0, gyPerGroup[g], 0, dwg, 0, R, M, Fg, false);
          putColumns(dwg, dw, R, F, g * Fg, Fg);
        }
      }
      gw = new Tensor(dw, w.shape);
    }
    return [gx, gw];
  }, { saved: [w] }); // backward reads the kernel and its own im2col copies of x, not x or y
}

/**
 * Stride 1, one group: no im2col. With x zero-padded once into xpad [B, Lp = L + pads, C] and its rows
 * flattened, output row r = b·Lp + o is Σ_k xpad[r + k·d] · W_k, so the whole convolution is K GEMMs
 * [B·Lp − d(K−1), C] · [C, F] over row-shifted views of xpad, accumulated; rows with o ≥ Lout straddle two
 * sequences and are dropped. That moves B·Lp·C values instead of im2col's B·Lout·K·C (measured in
 * docs/benchmarks.md "Conv1D"). Backward mirrors it: dW_k = xpad[shift k]ᵀ · dYpad and dxpad[shift k] +=
 * dYpad · W_kᵀ, with dYpad zero on the dropped rows (so they contribute nothing).
 */
function conv1dShifted(x: Tensor, w: Tensor, d: number, pl: number, pr: number, Lout: number): Tensor {
  const [B, L, C] = x.shape;
  const [K, , F] = w.shape;
  const Lp = L + pl + pr;
  const rows = B * Lp - d * (K - 1);
  const xpad = allocate(x.dtype, B * Lp * C);
  for (let b = 0; b < B; b++) xpad.set(x.data.subarray(b * L * C, (b + 1) * L * C), (b * Lp + pl) * C);
  const all = allocate(x.dtype, B * Lp * F);
  for (let k = 0; k < K; k++) gemm(xpad, k * d * C, w.data, k * C * F, all, 0, rows, C, F, k > 0);
  const out = allocate(x.dtype, B * Lout * F);
  for (let b = 0; b < B; b++) out.set(all.subarray(b * Lp * F, (b * Lp + Lout) * F), b * Lout * F);
  const y = new Tensor(out, [B, Lout, F]);
  return record('conv1d', [x, w], y, (gy) => {
    const dyPad = allocate(gy.dtype, B * Lp * F);
    for (let b = 0; b < B; b++) dyPad.set(gy.data.subarray(b * Lout * F, (b + 1) * Lout * F), b * Lp * F);
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    if (x.requiresGrad) {
      const dxPad = allocate(x.dtype, B * Lp * C);
      for (let k = 0; k < K; k++) gemmNT(dyPad, 0, w.data, k * C * F, dxPad, k * d * C, rows, F, C, true);
      const dx = allocate(x.dtype, x.size);
      for (let b = 0; b < B; b++) dx.set(dxPad.subarray((b * Lp + pl) * C, (b * Lp + pl + L) * C), b * L * C);
      gx = new Tensor(dx, x.shape);
    }
    if (w.requiresGrad) {
      const dw = allocate(w.dtype, w.size);
      for (let k = 0; k < K; k++) gemmTN(xpad, k * d * C, dyPad, 0, dw, k * C * F, C, rows, F, false);
      gw = new Tensor(dw, w.shape);
    }
    return [gx, gw];
  }, { saved: [w] }); // backward reads the kernel and its own padded copy of x
}

export interface Conv1dTransposeOptions {
  stride?: number;
  dilation?: number;
  /** Steps of the transposed output (Keras deconv_output_length). */
  outLength: number;
  /** The padding of the convolution this one transposes (TF derives it from outLength and padding). */
  padLeft: number;
}

/**
 * The transpose of conv1d (TF's conv1d_transpose, the input gradient of a convolution): x [B, L, C] with a kernel
 * w [K, F, C] (Keras's Conv1DTranspose layout) gives y [B, Lt, F] with
 *   y[b, o·s + k·d − padLeft, f] += Σ_c x[b, o, c] · w[k, f, c]      (positions outside [0, Lt) dropped).
 * As GEMMs: P = X · Wmᵀ, Wm = w as [K·F, C], then col2im(P) scatters the K taps of every input step (the
 * adjoint of the convolution from Lt steps to L). Backward: dP = im2col(dY), dX = dP · Wm, dWm = dPᵀ · X.
 */
export function conv1dTranspose(x: Tensor, w: Tensor, opts: Conv1dTransposeOptions): Tensor {
  const op = 'conv1dTranspose';
  if (x.rank !== 3) fail(op, `x must be [batch, steps, channels], got ${shapeStr(x.shape)}`);
  if (w.rank !== 3) fail(op, `kernel must be [kernel_size, filters, channels], got ${shapeStr(w.shape)}`);
  if (x.dtype !== w.dtype) fail(op, `x is ${x.dtype} but the kernel is ${w.dtype}`);
  const s = posInt(op, 'stride', opts.stride ?? 1, 1);
  const d = posInt(op, 'dilation', opts.dilation ?? 1, 1);
  const pl = posInt(op, 'padLeft', opts.padLeft, 0);
  const Lt = posInt(op, 'outLength', opts.outLength, 1);
  const [B, L, C] = x.shape;
  const [K, F, Cw] = w.shape;
  if (Cw !== C) fail(op, `x has ${C} channels but the kernel ${shapeStr(w.shape)} expects ${Cw}`);
  const M = B * L;
  const R = K * F;
  const P = allocate(x.dtype, M * R);
  gemmNT(x.data, 0, w.data, 0, P, 0, M, C, R, false);
  const out = allocate(x.dtype, B * Lt * F);
  col2im(P, B, Lt, F, 0, F, K, L, s, d, pl, out);
  const y = new Tensor(out, [B, Lt, F]);
  return record(op, [x, w], y, (gy) => {
    const dP = allocate(gy.dtype, M * R);
    im2col(gy.data, B, Lt, F, 0, F, K, L, s, d, pl, dP);
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    if (x.requiresGrad) {
      const dx = allocate(x.dtype, x.size);
      gemm(dP, 0, w.data, 0, dx, 0, M, R, C, false);
      gx = new Tensor(dx, x.shape);
    }
    if (w.requiresGrad) {
      const dw = allocate(w.dtype, w.size);
      gemmTN(dP, 0, x.data, 0, dw, 0, R, M, C, false);
      gw = new Tensor(dw, w.shape);
    }
    return [gx, gw];
  }, { saved: [x, w] });
}

export interface Pool1dOptions {
  kind: 'max' | 'avg';
  pool: number;
  stride?: number;
  padLeft?: number;
  padRight?: number;
}

/** Max or average pooling of x [B, L, C] over windows of `pool` steps → [B, Lout, C] (TF semantics, above). */
export function pool1d(x: Tensor, opts: Pool1dOptions): Tensor {
  const op = `${opts.kind}Pool1d`;
  if (x.rank !== 3) fail(op, `x must be [batch, steps, channels], got ${shapeStr(x.shape)}`);
  if (opts.kind !== 'max' && opts.kind !== 'avg') fail('pool1d', `kind must be 'max' or 'avg', got ${String(opts.kind)}`);
  const P = posInt(op, 'pool', opts.pool, 1);
  const s = posInt(op, 'stride', opts.stride ?? P, 1);
  const pl = posInt(op, 'padLeft', opts.padLeft ?? 0, 0);
  const pr = posInt(op, 'padRight', opts.padRight ?? 0, 0);
  const [B, L, C] = x.shape;
  const Lout = windowOutputLength(L, P, s, 1, pl, pr);
  if (Lout <= 0) fail(op, `the output would have ${Lout} steps: ${L} steps + padding ${pl}+${pr} are shorter than the pool size ${P}`);
  const xd = x.data;
  const out = allocate(x.dtype, B * Lout * C);
  const isMax = opts.kind === 'max';
  // per output: the input step of the window's first maximum (max), or the window's real range (avg)
  const arg = isMax ? new Int32Array(B * Lout * C) : null;
  const lo = (o: number) => Math.max(0, o * s - pl);
  const hi = (o: number) => Math.min(L, o * s - pl + P);
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < Lout; o++) {
      const t0 = lo(o), t1 = hi(o);
      if (t1 <= t0) fail(op, `window ${o} holds only padding (pool ${P}, padding ${pl}+${pr})`);
      for (let c = 0; c < C; c++) {
        const yi = (b * Lout + o) * C + c;
        if (isMax) {
          let best = xd[(b * L + t0) * C + c], at = t0;
          for (let t = t0 + 1; t < t1; t++) {
            const v = xd[(b * L + t) * C + c];
            if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) { best = v; at = t; }
          }
          out[yi] = best;
          arg![yi] = at;
        } else {
          // summed in window order (in double, rounded once by the store), divided by the real count
          let acc = 0;
          for (let t = t0; t < t1; t++) acc += xd[(b * L + t) * C + c];
          out[yi] = acc / (t1 - t0);
        }
      }
    }
  }
  const y = new Tensor(out, [B, Lout, C]);
  return record(op, [x], y, (gy) => {
    const dx = allocate(x.dtype, x.size);
    const g = gy.data;
    for (let b = 0; b < B; b++) {
      for (let o = 0; o < Lout; o++) {
        const t0 = lo(o), t1 = hi(o);
        for (let c = 0; c < C; c++) {
          const yi = (b * Lout + o) * C + c;
          if (isMax) dx[(b * L + arg![yi]) * C + c] += g[yi];
          else {
            const share = g[yi] / (t1 - t0);
            for (let t = t0; t < t1; t++) dx[(b * L + t) * C + c] += share;
          }
        }
      }
    }
    return [new Tensor(dx, x.shape)];
  }, { saved: [] });
}
