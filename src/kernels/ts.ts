// The pure-TypeScript fused LSTM kernel: the reference backend every other backend (native CPU, cuDNN) is
// property-tested against. It implements exactly the semantics written down in types.ts.
//
// Why "fused": the generic cell loop builds ~15 tensors and graph nodes per time step; this kernel does the
// same maths on preallocated typed arrays with
//   * ONE input GEMM for all time steps   xK = x[T·B, I] · kernel[I, 4H]   (the input does not depend on h),
//   * one recurrent GEMM per step          hR = h[B, H] · recurrentKernel[H, 4H],
//   * the gate non-linearities, the cell update and the masking in a single loop over [B, H],
// and a hand-written backward pass (BPTT) whose weight gradients are again single GEMMs over all steps.
//
// Rounding order. For float32 every intermediate is rounded to float32 exactly where TensorFlow/Keras
// (implementation 2, keras-tf-semantics.md §1.2, §11.11) rounds it, so the fused path reproduces the
// op-by-op generic path bit for bit when both use the same sigmoid/tanh:
//   z = fround(fround(fround(xK) + fround(hR)) + b)          — "(xK + hR) + b"
//   c' = fround(fround(f·c) + fround(i·g));  h' = fround(o · fround(tanh(c')))
// For float64 the same expressions run without rounding.

import type { LstmBackend, LstmSeqArgs, LstmSeqResult, LstmSeqGrads } from './types.js';
import type { TypedArray } from '../tensor/tensor.js';
import { allocate } from '../tensor/tensor.js';
import { gemm, gemmNT } from '../ops/gemm.js';
import { packB, gemmPacked } from './packed-gemm.js';
import { useWasmGemm, packBWasm, sgemmPackedWasm } from '../ops/wasm-simd/index.js';

/** What forward keeps for backward (training only): hs, cs, tanhC in processing order s = 0..T−1. */
export interface TsLstmSaved {
  /** h entering each step: hs[s] = h_{s−1} (after masking), hs[0] = h0, hs[T] = hT.  [(T+1), B, H] */
  hs: TypedArray;
  /** c entering each step, same layout as hs.  [(T+1), B, H] */
  cs: TypedArray;
  /**
   * Gate activations i, f, g, o, in TIME order (row t·B + b). It is the buffer that first held xK: each row's
   * pre-activations are overwritten by its activations once consumed. Rows of masked steps hold stale xK and
   * are never read.  [T, B, 4H]
   */
  gates: TypedArray;
  /** tanh(c') of each step (the un-masked new cell state).  [T, B, H] */
  tanhC: TypedArray;
}

/** float32 rounding when `f32`, identity for float64 (small enough for V8 to inline everywhere). */
function rnd(v: number, f32: boolean): number {
  return f32 ? Math.fround(v) : v;
}

/**
 * σ(v), written exactly as the sigmoid op (src/ops/unary.ts) writes it — e^v/(1+e^v) for v < 0 so e^−v never
 * overflows — so that fused and generic paths round identically.
 */
function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

// Scratch buffers that live only inside one forward or backward call (xK in inference, hR, dZ, transposes):
// kept per dtype and slot and grown on demand, so a training loop allocates only what it returns or saves.
// Safe because calls never interleave (JS is single-threaded and the kernel calls out to nothing re-entrant).
const scratchPool = new Map<string, TypedArray>();

function scratch(dtype: 'float32' | 'float64', slot: string, n: number): TypedArray {
  const key = `${dtype}:${slot}`;
  let buf = scratchPool.get(key);
  if (buf === undefined || buf.length < n) {
    buf = allocate(dtype, n);
    scratchPool.set(key, buf);
  }
  return buf.subarray(0, n);
}

/**
 * Whether to pack R once per sequence (packed-gemm.ts) rather than let gemm() pack it per step. Packed R is
 * float64, H·4H·8 bytes: up to ~1 MiB (H ≤ 181) it stays in this machine's L2 and the packed GEMM is ~20–30%
 * faster (small config); beyond, streaming the doubled float64 copy from L3/RAM every step is slower than
 * gemm()'s per-panel repacking from the float32 original (medium config, H = 512). Measured, see docs/lstm.md.
 */
function packRecurrent(H: number): boolean {
  return H * 4 * H * 8 <= 1 << 20;
}

/** Time index of processing step s (goBackwards walks t = T−1 … 0). */
function timeOf(s: number, T: number, goBackwards: boolean): number {
  return goBackwards ? T - 1 - s : s;
}

export function tsLstmForward(a: LstmSeqArgs, training: boolean): LstmSeqResult {
  const { T, B, I, H, dtype, x, h0, c0, kernel, recurrentKernel, bias, seqLengths, goBackwards, zeroOutputForMask } = a;
  const f32 = dtype === 'float32';
  const G = 4 * H;
  const BH = B * H;
  const BG = B * G;

  // (1) One GEMM for the input projection of every step: xK[t, b, :] = x[t, b, :] · kernel. In training
  // this buffer is kept: each row is overwritten by its gate activations once used (saved.gates).
  const xk = training ? allocate(dtype, T * BG) : scratch(dtype, 'xk', T * BG);
  gemm(x, 0, kernel, 0, xk, 0, T * B, I, G, false);

  // State history: in training every step's entering (h, c) is kept for backward; in inference two slots
  // are enough (ping-pong), which keeps the working set in cache.
  const slots = training ? T + 1 : 2;
  const hs = allocate(dtype, slots * BH);
  const cs = allocate(dtype, slots * BH);
  hs.set(h0);
  cs.set(c0);
  const tanhC = allocate(dtype, training ? T * BH : 0);
  const hr = scratch(dtype, 'hr', BG);
  // R is the same at every step: pack it once (packed-gemm.ts) instead of once per step.
  // With the wasm SIMD GEMM (float32, src/ops/wasm-simd/) R is instead packed once into wasm memory and stays
  // resident for the T steps; only h goes in and hR comes out per step.
  const rWasm = useWasmGemm(hs, recurrentKernel, hr, B, H, G) ? packBWasm(recurrentKernel, 0, H, G, false, 'lstm:R') : null;
  const rPacked = packRecurrent(H) ? (rWasm === null ? packB(recurrentKernel, H, G, false, scratch('float64', 'rPacked', H * G) as Float64Array) : null) : null;
  const y = allocate(dtype, T * BH);
  // prevOut[b] is the output of the last valid step of row b (zeros before the first one): Keras repeats it
  // at masked steps (keras-tf-semantics.md §3.1). With right padding it is simply the latest valid h.
  const needPrev = seqLengths !== null && !zeroOutputForMask;
  const prevOut = allocate(dtype, needPrev ? BH : 0);

  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, goBackwards);
    const inOff = (training ? s : s & 1) * BH; // h, c entering this step
    const outOff = (training ? s + 1 : (s + 1) & 1) * BH; // h, c leaving it
    // (2) The recurrent GEMM of this step: hR = h_{s−1} · recurrentKernel (rounded once per element).
    if (rPacked !== null) gemmPacked(hs, inOff, rPacked, hr, 0, B);
    else if (rWasm === null || !sgemmPackedWasm(hs, inOff, rWasm, hr, 0, B)) gemm(hs, inOff, recurrentKernel, 0, hr, 0, B, H, G, false);
    for (let b = 0; b < B; b++) {
      const hIn = inOff + b * H;
      const hOut = outOff + b * H;
      const yOff = s * BH + b * H;
      if (seqLengths !== null && t >= seqLengths[b]) {
        // Masked step: states carried unchanged, output = previous output (or zeros).
        for (let j = 0; j < H; j++) {
          hs[hOut + j] = hs[hIn + j];
          cs[hOut + j] = cs[hIn + j];
        }
        if (needPrev) for (let j = 0; j < H; j++) y[yOff + j] = prevOut[b * H + j];
        // (y is freshly zeroed, so zeroOutputForMask needs nothing.)
        continue;
      }
      // (3) Fused gate maths for one row (eq. 1.2; gate blocks i, f, c, o along the 4H axis).
      const xo = (t * B + b) * G;
      const ro = b * G;
      for (let j = 0; j < H; j++) {
        const zi = rnd(rnd(xk[xo + j] + hr[ro + j], f32) + bias[j], f32);
        const zf = rnd(rnd(xk[xo + H + j] + hr[ro + H + j], f32) + bias[H + j], f32);
        const zc = rnd(rnd(xk[xo + 2 * H + j] + hr[ro + 2 * H + j], f32) + bias[2 * H + j], f32);
        const zo = rnd(rnd(xk[xo + 3 * H + j] + hr[ro + 3 * H + j], f32) + bias[3 * H + j], f32);
        const ig = rnd(sigmoid(zi), f32); // i = σ(z_i)
        const fg = rnd(sigmoid(zf), f32); // f = σ(z_f)
        const gg = rnd(Math.tanh(zc), f32); // g = c̃ = tanh(z_c)
        const og = rnd(sigmoid(zo), f32); // o = σ(z_o)
        const cNew = rnd(rnd(fg * cs[hIn + j], f32) + rnd(ig * gg, f32), f32); // c_t = f⊙c_{t−1} + i⊙g
        const tc = rnd(Math.tanh(cNew), f32);
        const hNew = rnd(og * tc, f32); //                 h_t = o⊙tanh(c_t)
        cs[hOut + j] = cNew;
        hs[hOut + j] = hNew;
        y[yOff + j] = hNew;
        if (training) {
          xk[xo + j] = ig; // this row of xK is consumed: it now keeps the gates for backward
          xk[xo + H + j] = fg;
          xk[xo + 2 * H + j] = gg;
          xk[xo + 3 * H + j] = og;
          tanhC[s * BH + b * H + j] = tc;
        }
      }
      if (needPrev) for (let j = 0; j < H; j++) prevOut[b * H + j] = hs[hOut + j];
    }
  }
  const last = (training ? T : T & 1) * BH;
  const hT = hs.slice(last, last + BH);
  const cT = cs.slice(last, last + BH);
  const saved: TsLstmSaved | null = training ? { hs, cs, gates: xk, tanhC } : null;
  return { y, hT, cT, saved };
}

/**
 * BPTT. With δh, δc the gradients w.r.t. the states leaving step s (initially dhT, dcT), for a valid row:
 *   δh' = δh + dy_s (+ the dy of later masked steps that repeated this output)
 *   do = δh'⊙tanh(c');  δc' = δc + δh'⊙o⊙(1 − tanh²c')
 *   di = δc'⊙g;  df = δc'⊙c_{s−1};  dg = δc'⊙i;  δc_{s−1} = δc'⊙f
 *   dz = [di⊙i(1−i), df⊙f(1−f), dg⊙(1−g²), do⊙o(1−o)]
 *   δh_{s−1} = dz · Rᵀ   (one GEMM per step)
 * A masked row passes δh, δc through unchanged and has dz = 0. After the loop, over all steps at once:
 *   dKernel = xᵀ·dZ,  dR = Hprevᵀ·dZ,  dBias = Σ dZ,  dx = dZ·Kᵀ.
 */
export function tsLstmBackward(
  a: LstmSeqArgs, fwd: LstmSeqResult, dy: TypedArray, dhT: TypedArray, dcT: TypedArray, opts: { skipDx?: boolean } = {},
): LstmSeqGrads {
  const { T, B, I, H, dtype, x, kernel, recurrentKernel, seqLengths, goBackwards, zeroOutputForMask } = a;
  const saved = fwd.saved as TsLstmSaved | null;
  if (saved === null || saved === undefined || !('gates' in saved)) {
    throw new Error('lstmSequence(ts) backward: forward was run without training=true, nothing was saved for backward');
  }
  const { hs, cs, gates, tanhC } = saved;
  const G = 4 * H;
  const BH = B * H;
  const BG = B * G;

  // dZ is stored in TIME order (row t·B + b) so that dKernel = xᵀ·dZ and dx = dZ·Kᵀ are single GEMMs on x's
  // own layout; only Hprev has to be permuted (once) for goBackwards.
  const dZ = scratch(dtype, 'dZ', T * BG);
  dZ.fill(0); // rows of masked steps stay zero
  const dh = Float64Array.from(dhT); // carried state gradients, accumulated in float64
  const dc = Float64Array.from(dcT);
  const needPrev = seqLengths !== null && !zeroOutputForMask;
  const dPrev = new Float64Array(needPrev ? BH : 0);
  const dhTmp = scratch(dtype, 'dhTmp', BH);
  // Rᵀ [4H, H], packed once for the T per-step GEMMs straight from R's [H, 4H] layout.
  const rTWasm = useWasmGemm(dZ, recurrentKernel, dhTmp, B, G, H) ? packBWasm(recurrentKernel, 0, G, H, true, 'lstm:RT') : null;
  const rT = packRecurrent(H) && rTWasm === null ? packB(recurrentKernel, G, H, true, scratch('float64', 'rTPacked', Math.ceil(H / 4) * 4 * G) as Float64Array) : null;

  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s, T, goBackwards);
    const zOff = t * BG;
    let anyValid = false;
    for (let b = 0; b < B; b++) {
      const bh = b * H;
      const yOff = s * BH + bh;
      if (seqLengths !== null && t >= seqLengths[b]) {
        // Masked: y_s repeated the previous output, so its gradient belongs to that step's output.
        if (needPrev) for (let j = 0; j < H; j++) dPrev[bh + j] += dy[yOff + j];
        continue;
      }
      anyValid = true;
      const zo = zOff + b * G; // gates and dZ share the time-ordered layout
      const go = zo;
      const cIn = s * BH + bh;
      for (let j = 0; j < H; j++) {
        let dhn = dh[bh + j] + dy[yOff + j];
        if (needPrev) {
          dhn += dPrev[bh + j];
          dPrev[bh + j] = 0;
        }
        const ig = gates[go + j];
        const fg = gates[go + H + j];
        const gg = gates[go + 2 * H + j];
        const og = gates[go + 3 * H + j];
        const tc = tanhC[cIn + j];
        const dO = dhn * tc;
        const dcn = dc[bh + j] + dhn * og * (1 - tc * tc);
        dc[bh + j] = dcn * fg;
        dZ[zo + j] = dcn * gg * ig * (1 - ig);
        dZ[zo + H + j] = dcn * cs[cIn + j] * fg * (1 - fg);
        dZ[zo + 2 * H + j] = dcn * ig * (1 - gg * gg);
        dZ[zo + 3 * H + j] = dO * og * (1 - og);
      }
    }
    if (!anyValid) continue;
    // δh_{s−1} = dz_s · Rᵀ for valid rows; masked rows keep δh.
    if (rT !== null) gemmPacked(dZ, zOff, rT, dhTmp, 0, B);
    else if (rTWasm === null || !sgemmPackedWasm(dZ, zOff, rTWasm, dhTmp, 0, B)) gemmNT(dZ, zOff, recurrentKernel, 0, dhTmp, 0, B, G, H, false);
    for (let b = 0; b < B; b++) {
      if (seqLengths !== null && t >= seqLengths[b]) continue;
      const bh = b * H;
      for (let j = 0; j < H; j++) dh[bh + j] = dhTmp[bh + j];
    }
  }

  // Weight gradients: one GEMM each over all T·B rows.
  const dKernel = allocate(dtype, I * G);
  gemm(transpose(x, T * B, I, scratch(dtype, 'xT', T * B * I)), 0, dZ, 0, dKernel, 0, I, T * B, G, false);
  // Hprev in time order: row t·B + b holds the h that entered the step processing time t.
  const hPrevT = scratch(dtype, 'hPrevT', H * T * B); // [H, T·B]
  const TB = T * B;
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, goBackwards);
    for (let b = 0; b < B; b++) {
      const src = s * BH + b * H;
      const col = t * B + b;
      for (let j = 0; j < H; j++) hPrevT[j * TB + col] = hs[src + j];
    }
  }
  const dRecurrentKernel = allocate(dtype, H * G);
  gemm(hPrevT, 0, dZ, 0, dRecurrentKernel, 0, H, TB, G, false);
  const dBiasAcc = new Float64Array(G);
  for (let r = 0; r < TB; r++) {
    const o = r * G;
    for (let k = 0; k < G; k++) dBiasAcc[k] += dZ[o + k];
  }
  const dBias = allocate(dtype, G);
  dBias.set(dBiasAcc);
  // dx = dZ·Kᵀ, unless nobody wants it (x is the data): that saves one of the six training GEMMs.
  const dx = allocate(dtype, opts.skipDx === true ? 0 : TB * I);
  if (opts.skipDx !== true) gemm(dZ, 0, transpose(kernel, I, G, scratch(dtype, 'kT', I * G)), 0, dx, 0, TB, G, I, false);
  const dh0 = allocate(dtype, BH);
  dh0.set(dh);
  const dc0 = allocate(dtype, BH);
  dc0.set(dc);
  return { dx, dh0, dc0, dKernel, dRecurrentKernel, dBias };
}

/** [rows, cols] → [cols, rows] into `out`. */
function transpose(A: TypedArray, rows: number, cols: number, out: TypedArray): TypedArray {
  for (let r = 0; r < rows; r++) {
    const ro = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = A[ro + c];
  }
  return out;
}

/** The pure-TS backend: always available, accepts float32 and float64 and every shape. */
export const tsLstmBackend: LstmBackend = {
  name: 'ts',
  availability: () => ({ ok: true }),
  rejects: () => null,
  forward: tsLstmForward,
  backward: tsLstmBackward,
};
