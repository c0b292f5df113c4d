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
import type { TypedArray, DType } from '../tensor/tensor.js';
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
export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

// expF64: e^x in double precision (≤ ~2 double ulps from Math.exp, measured), for the float32 gate maths.
// Math.exp is a call into V8's C++ fdlibm port (~18 ns here); this inlines (~4 ns). x = (k/256)·ln2 + r with
// |r| ≤ ln2/512, e^x = 2^⌊k/256⌋ · 2^((k mod 256)/256) · e^r, e^r by its degree-5 Taylor polynomial (the
// remainder r⁶/720 < 2^−66). Only float32 results use it: a double error of a few ulps changes the float32
// rounding only when the exact value lies within those few ulps of a float32 rounding midpoint (probability
// ~2^−27 per value); 2·10^7 random float32 σ/tanh arguments rounded identically to the Math.exp/Math.tanh
// forms. x is clamped to ±700 (e^±700 is finite and σ, tanh are already 0/±1 in float32 there); NaN stays NaN.
const EXP_TABLE_BITS = 8;
const EXP_TABLE_N = 1 << EXP_TABLE_BITS;
const EXP2_FRAC = new Float64Array(EXP_TABLE_N); // 2^(j/256)
for (let j = 0; j < EXP_TABLE_N; j++) EXP2_FRAC[j] = Math.pow(2, j / EXP_TABLE_N);
const EXP2_INT = new Float64Array(2048); // 2^m at m + 1024, |m| ≤ 1010 used
for (let m = -1022; m <= 1023; m++) EXP2_INT[m + 1024] = Math.pow(2, m);
const EXP_INV_STEP = EXP_TABLE_N / Math.LN2;
const EXP_STEP_HI = 6.93147180369123816490e-1 / EXP_TABLE_N; // ln2 split (fdlibm): k·HI is exact for |k| < 2^21
const EXP_STEP_LO = 1.90821492927058770002e-10 / EXP_TABLE_N;
const ROUND_SHIFT = 6755399441055744; // 1.5·2^52: (y + S) − S rounds y to the nearest integer
function expF64(x0: number): number {
  const x = Math.min(Math.max(x0, -700), 700);
  const k = x * EXP_INV_STEP + ROUND_SHIFT - ROUND_SHIFT;
  const r = x - k * EXP_STEP_HI - k * EXP_STEP_LO;
  const r2 = r * r;
  const p = 1 + r + r2 * (0.5 + r * (1 / 6) + r2 * (1 / 24 + r * (1 / 120)));
  const ki = k | 0; // NaN → 0: the tables are read in bounds and p carries the NaN
  return EXP2_INT[(ki >> EXP_TABLE_BITS) + 1024] * EXP2_FRAC[ki & (EXP_TABLE_N - 1)] * p;
}

/**
 * σ(v) for the float32 path: 1/(1 + e^−v) with expF64 (e^−v is clamped, so no overflow) and no branch on the
 * sign of v, which is random in an LSTM (a ~50% mispredicted branch costs about as much as the exp). Rounded to
 * float32 it equals sigmoid(v) (see expF64).
 */
function sigmoidF32(v: number): number {
  return 1 / (1 + expF64(-v));
}

/**
 * tanh(v) for the float32 path: (e^2v − 1)/(e^2v + 1) with expF64. e^2v − 1 is exact (Sterbenz) but inherits
 * e^2v's absolute error, a relative error ~2^−52/|2v|, so below |v| = 2^−5 the odd Taylor series
 * v·(1 − v²/3 + 2v⁴/15 − 17v⁶/315 + 62v⁸/2835) is used instead (next term < 2^−52·v). Written as v·(…) so
 * tanh(−0) = −0. Rounded to float32 it equals Math.tanh(v) (see expF64).
 */
function tanhF32(v: number): number {
  if (Math.abs(v) < 0.03125) {
    const v2 = v * v;
    return v * (1 + v2 * (-1 / 3 + v2 * (2 / 15 + v2 * (-17 / 315 + v2 * (62 / 2835)))));
  }
  const e = expF64(2 * v);
  return (e - 1) / (e + 1);
}

/**
 * Step (3) of the forward for one valid float32 row: the same expressions, rounded at the same places, as the
 * generic loop in tsLstmForward (which float64 runs), in two passes. Pass 1 turns the row's 4H pre-activations
 * z = (xK + hR) + b into the gate activations i, f, g, o in place in xk — the row is consumed, and in training
 * these are exactly the gates backward needs. Pass 2 is the cell update. Each pass is a small function with one
 * sigmoidF32/tanhF32 call site, so V8 inlines the exp into it (tsLstmForward itself, and a single function with
 * all five call sites, are past TurboFan's inlining budget) and sees only Float32Array element accesses.
 */
function gateRowF32(
  xk: Float32Array, xo: number, hr: Float32Array, ro: number, bias: Float32Array, cs: Float32Array, hs: Float32Array,
  hIn: number, hOut: number, y: Float32Array, yOff: number, H: number, tanhC: Float32Array | null, tcOff: number,
): void {
  sigmoidRowF32(xk, xo, hr, ro, bias, 0, 2 * H); // i, f
  tanhRowF32(xk, xo + 2 * H, hr, ro + 2 * H, bias, 2 * H, H); // g = c̃
  sigmoidRowF32(xk, xo + 3 * H, hr, ro + 3 * H, bias, 3 * H, H); // o
  cellRowF32(xk, xo, cs, hs, hIn, hOut, y, yOff, H, tanhC, tcOff);
}

/** xk[xo + j] ← σ(fround(fround(xk + hR) + b)) for j < n; the Float32Array store rounds σ. */
function sigmoidRowF32(xk: Float32Array, xo: number, hr: Float32Array, ro: number, bias: Float32Array, bo: number, n: number): void {
  for (let j = 0; j < n; j++) xk[xo + j] = sigmoidF32(Math.fround(Math.fround(xk[xo + j] + hr[ro + j]) + bias[bo + j]));
}

/** xk[xo + j] ← tanh(fround(fround(xk + hR) + b)) for j < n; the Float32Array store rounds tanh. */
function tanhRowF32(xk: Float32Array, xo: number, hr: Float32Array, ro: number, bias: Float32Array, bo: number, n: number): void {
  for (let j = 0; j < n; j++) xk[xo + j] = tanhF32(Math.fround(Math.fround(xk[xo + j] + hr[ro + j]) + bias[bo + j]));
}

/**
 * c' = fround(fround(f·c) + fround(i·g)), h' = o·fround(tanh c') from the activations in xk (already float32);
 * h' is rounded by its stores.
 */
function cellRowF32(
  g: Float32Array, go: number, cs: Float32Array, hs: Float32Array, hIn: number, hOut: number, y: Float32Array, yOff: number,
  H: number, tanhC: Float32Array | null, tcOff: number,
): void {
  const fr = Math.fround;
  for (let j = 0; j < H; j++) {
    const cNew = fr(fr(g[go + H + j] * cs[hIn + j]) + fr(g[go + j] * g[go + 2 * H + j]));
    const tc = fr(tanhF32(cNew));
    const hNew = g[go + 3 * H + j] * tc;
    cs[hOut + j] = cNew;
    hs[hOut + j] = hNew;
    y[yOff + j] = hNew;
    if (tanhC !== null) tanhC[tcOff + j] = tc;
  }
}

// Scratch buffers that live only inside one forward or backward call (xK in inference, hR, dZ, transposes):
// kept per dtype and slot and grown on demand, so a training loop allocates only what it returns or saves.
// Safe because calls never interleave (JS is single-threaded and the kernel calls out to nothing re-entrant).
const scratchPool = new Map<string, TypedArray>();

export function scratch(dtype: 'float32' | 'float64', slot: string, n: number): TypedArray {
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
export function timeOf(s: number, T: number, goBackwards: boolean): number {
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
      if (f32) {
        const tc32 = training ? (tanhC as Float32Array) : null;
        gateRowF32(xk as Float32Array, xo, hr as Float32Array, ro, bias as Float32Array, cs as Float32Array, hs as Float32Array, hIn, hOut, y as Float32Array, yOff, H, tc32, s * BH + b * H);
      } else for (let j = 0; j < H; j++) {
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
  const { T, B, H, dtype, recurrentKernel, seqLengths, goBackwards, zeroOutputForMask } = a;
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
      dzRow(dh, dc, dPrev, needPrev, dy, yOff, gates, tanhC, cs, s * BH + bh, dZ, zo, bh, H);
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

  const { dKernel, dRecurrentKernel, dBias, dx } = sequenceWeightGrads(a, G, hs, dZ, dZ, false, opts.skipDx === true);
  const dh0 = allocate(dtype, BH);
  dh0.set(dh);
  const dc0 = allocate(dtype, BH);
  dc0.set(dc);
  return { dx, dh0, dc0, dKernel, dRecurrentKernel, dBias };
}

/**
 * What every fused kernel's BPTT does after its time loop (LSTM, GRU, SimpleRNN), one GEMM each over all T·B rows:
 *   dKernel = xᵀ·dIn,  dRecurrentKernel = Hprevᵀ·dRec,  dBias = Σ dIn (then Σ dRec when `recurrentBias`, the GRU's
 *   second bias row),  dx = dIn·Kᵀ unless `skipDx` (x is the data: one of the training GEMMs saved).
 * dIn / dRec: the pre-activation gradients of the input and recurrent projections [T·B, G] in TIME order (the same
 * array for the LSTM and SimpleRNN). hs: the states entering each step in processing order [(T+1)·B·H]; Hprev is
 * permuted to time order once here (goBackwards).
 */
export function sequenceWeightGrads(
  a: { T: number; B: number; I: number; H: number; dtype: DType; x: TypedArray; kernel: TypedArray; goBackwards: boolean },
  G: number, hs: TypedArray, dIn: TypedArray, dRec: TypedArray, recurrentBias: boolean, skipDx: boolean,
): { dKernel: TypedArray; dRecurrentKernel: TypedArray; dBias: TypedArray; dx: TypedArray } {
  const { T, B, I, H, dtype, x, kernel, goBackwards } = a;
  const TB = T * B;
  const BH = B * H;
  const dKernel = allocate(dtype, I * G);
  gemm(transpose(x, TB, I, scratch(dtype, 'xT', TB * I)), 0, dIn, 0, dKernel, 0, I, TB, G, false);
  // Hprev in time order: row t·B + b holds the h that entered the step processing time t.
  const hPrevT = scratch(dtype, 'hPrevT', H * TB); // [H, T·B]
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, goBackwards);
    for (let b = 0; b < B; b++) {
      const src = s * BH + b * H;
      const col = t * B + b;
      for (let j = 0; j < H; j++) hPrevT[j * TB + col] = hs[src + j];
    }
  }
  const dRecurrentKernel = allocate(dtype, H * G);
  gemm(hPrevT, 0, dRec, 0, dRecurrentKernel, 0, H, TB, G, false);
  const nb = recurrentBias ? 2 * G : G;
  const acc = new Float64Array(nb);
  for (let r = 0; r < TB; r++) {
    const o = r * G;
    for (let k = 0; k < G; k++) acc[k] += dIn[o + k];
    if (recurrentBias) for (let k = 0; k < G; k++) acc[G + k] += dRec[o + k];
  }
  const dBias = allocate(dtype, nb);
  dBias.set(acc);
  const dx = allocate(dtype, skipDx ? 0 : TB * I);
  if (!skipDx) gemm(dIn, 0, transpose(kernel, I, G, scratch(dtype, 'kT', I * G)), 0, dx, 0, TB, G, I, false);
  return { dKernel, dRecurrentKernel, dBias, dx };
}

/**
 * The backward gate maths of one valid row (see tsLstmBackward's comment): reads δh, δc of the row and writes
 * δc_{s−1} and dz. A function of its own so that V8 optimizes it apart from the long tsLstmBackward (same
 * reason as gateRowF32); all arithmetic is in double, as before.
 */
function dzRow(
  dh: Float64Array, dc: Float64Array, dPrev: Float64Array, needPrev: boolean, dy: TypedArray, yOff: number,
  gates: TypedArray, tanhC: TypedArray, cs: TypedArray, cIn: number, dZ: TypedArray, zo: number, bh: number, H: number,
): void {
  const go = zo; // gates and dZ share the time-ordered layout
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

/** [rows, cols] → [cols, rows] into `out`. */
export function transpose(A: TypedArray, rows: number, cols: number, out: TypedArray): TypedArray {
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
