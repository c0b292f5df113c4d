// The pure-TypeScript fused GRU kernel (reset_after = True, types.ts "GRU"): the reference every other GRU
// backend is tested against, and the fast path of the Keras GRU layer where Keras's fused rules hold.
//
// As the LSTM kernel (ts.ts): ONE input GEMM for all steps (x·K over T·B rows), one recurrent GEMM per step
// (h·R), the gate maths and masking in a loop over [B, H], and a hand-written BPTT whose weight gradients are
// single GEMMs over all steps. float32 rounds every intermediate where the generic cell loop (gru-cell.ts, the
// Keras op order) rounds it:
//   m_x = fround(fround(xK) + b_in);  m_h = fround(fround(hR) + b_rec)
//   z = fround(σ(fround(m_x,z + m_h,z)));  r likewise;  ĥ = fround(tanh(fround(m_x,h + fround(r·m_h,h))))
//   h' = fround(fround(z·h) + fround(fround(1 − z)·ĥ))

import type { GruBackend, GruSeqArgs, GruSeqResult, GruSeqGrads } from './types.js';
import type { TypedArray } from '../tensor/tensor.js';
import { allocate } from '../tensor/tensor.js';
import { gemm, gemmNT } from '../ops/gemm.js';
import { sigmoid, timeOf, scratch, sequenceWeightGrads } from './ts.js';


/** Forward's keep for backward: hs [(T+1), B, H] in processing order; gates [T, B, 4H] (z, r, ĥ, m_h,h) in time order. */
interface TsGruSaved {
  hs: TypedArray;
  gates: TypedArray;
}

export function tsGruForward(a: GruSeqArgs, training: boolean): GruSeqResult {
  const { T, B, I, H, dtype, x, h0, kernel, recurrentKernel, bias, seqLengths, goBackwards, zeroOutputForMask } = a;
  const f32 = dtype === 'float32';
  const r_ = f32 ? Math.fround : (v: number): number => v;
  const G = 3 * H;
  const BH = B * H;
  const xk = scratch(dtype, 'gru:xk', T * B * G);  // call-local scratch (ts.ts scratch pool): not kept
  gemm(x, 0, kernel, 0, xk, 0, T * B, I, G, false);
  const slots = training ? T + 1 : 2;
  const hs = allocate(dtype, slots * BH);
  hs.set(h0);
  const gates = allocate(dtype, training ? T * B * 4 * H : 0);
  const hr = scratch(dtype, 'gru:hr', B * G);
  const y = allocate(dtype, T * BH);
  const needPrev = seqLengths !== null && !zeroOutputForMask;
  const prevOut = allocate(dtype, needPrev ? BH : 0);
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, goBackwards);
    const inOff = (training ? s : s & 1) * BH;
    const outOff = (training ? s + 1 : (s + 1) & 1) * BH;
    gemm(hs, inOff, recurrentKernel, 0, hr, 0, B, H, G, false);
    for (let b = 0; b < B; b++) {
      const hIn = inOff + b * H;
      const hOut = outOff + b * H;
      const yOff = s * BH + b * H;
      if (seqLengths !== null && t >= seqLengths[b]) {
        for (let j = 0; j < H; j++) hs[hOut + j] = hs[hIn + j];
        if (needPrev) for (let j = 0; j < H; j++) y[yOff + j] = prevOut[b * H + j];
        continue;
      }
      const xo = (t * B + b) * G;
      const ro = b * G;
      const go = (t * B + b) * 4 * H;
      for (let j = 0; j < H; j++) {
        const mxz = r_(xk[xo + j] + bias[j]);
        const mxr = r_(xk[xo + H + j] + bias[H + j]);
        const mxh = r_(xk[xo + 2 * H + j] + bias[2 * H + j]);
        const mhz = r_(hr[ro + j] + bias[G + j]);
        const mhr = r_(hr[ro + H + j] + bias[G + H + j]);
        const mhh = r_(hr[ro + 2 * H + j] + bias[G + 2 * H + j]);
        const z = r_(sigmoid(r_(mxz + mhz)));
        const r = r_(sigmoid(r_(mxr + mhr)));
        const c = r_(Math.tanh(r_(mxh + r_(r * mhh))));
        const hPrev = hs[hIn + j];
        const hNew = r_(r_(z * hPrev) + r_(r_(1 - z) * c));
        hs[hOut + j] = hNew;
        y[yOff + j] = hNew;
        if (training) {
          gates[go + j] = z;
          gates[go + H + j] = r;
          gates[go + 2 * H + j] = c;
          gates[go + 3 * H + j] = mhh;
        }
      }
      if (needPrev) for (let j = 0; j < H; j++) prevOut[b * H + j] = hs[hOut + j];
    }
  }
  const last = (training ? T : T & 1) * BH;
  return { y, hT: hs.slice(last, last + BH), saved: training ? ({ hs, gates } satisfies TsGruSaved) : null };
}

/**
 * BPTT. With δh the gradient w.r.t. the state leaving step s (initially dhT), for a valid row:
 *   δh' = δh + dy_s (+ the dy of later masked steps that repeated this output)
 *   dz = δh'⊙(h − ĥ);  dĥ = δh'⊙(1 − z);  da_h = dĥ⊙(1 − ĥ²);  dr = da_h⊙m_h,h
 *   dM_x = [dz⊙z(1−z), dr⊙r(1−r), da_h]       (pre-activations of the input projection)
 *   dM_h = [dz⊙z(1−z), dr⊙r(1−r), da_h⊙r]     (of the recurrent projection)
 *   δh_{s−1} = δh'⊙z + dM_h · Rᵀ
 * A masked row passes δh through. Then over all steps: dK = xᵀ·dM_x, dR = Hprevᵀ·dM_h, dbias = [Σ dM_x, Σ dM_h],
 * dx = dM_x·Kᵀ.
 */
export function tsGruBackward(a: GruSeqArgs, fwd: GruSeqResult, dy: TypedArray, dhT: TypedArray, opts: { skipDx?: boolean } = {}): GruSeqGrads {
  const { T, B, H, dtype, recurrentKernel, seqLengths, goBackwards, zeroOutputForMask } = a;
  const saved = fwd.saved as TsGruSaved | null;
  if (saved === null || saved === undefined || !('gates' in saved)) {
    throw new Error('gruSequence(ts) backward: forward was run without training=true, nothing was saved for backward');
  }
  const { hs, gates } = saved;
  const G = 3 * H;
  const BH = B * H;
  const BG = B * G;
  const TB = T * B;
  const dMx = scratch(dtype, 'gru:dMx', TB * G);
  const dMh = scratch(dtype, 'gru:dMh', TB * G);
  dMx.fill(0);  // rows of masked steps stay zero
  dMh.fill(0);
  const dh = Float64Array.from(dhT);
  const needPrev = seqLengths !== null && !zeroOutputForMask;
  const dPrev = new Float64Array(needPrev ? BH : 0);
  const dhTmp = scratch(dtype, 'gru:dhTmp', BH);
  const direct = new Float64Array(BH);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s, T, goBackwards);
    const zOff = t * BG;
    let anyValid = false;
    for (let b = 0; b < B; b++) {
      const bh = b * H;
      const yOff = s * BH + bh;
      if (seqLengths !== null && t >= seqLengths[b]) {
        if (needPrev) for (let j = 0; j < H; j++) dPrev[bh + j] += dy[yOff + j];
        continue;
      }
      anyValid = true;
      const go = (t * B + b) * 4 * H;
      const zo = zOff + b * G;
      const hIn = s * BH + bh;
      for (let j = 0; j < H; j++) {
        let dhn = dh[bh + j] + dy[yOff + j];
        if (needPrev) {
          dhn += dPrev[bh + j];
          dPrev[bh + j] = 0;
        }
        const z = gates[go + j];
        const r = gates[go + H + j];
        const c = gates[go + 2 * H + j];
        const mhh = gates[go + 3 * H + j];
        const dz = dhn * (hs[hIn + j] - c);
        const dah = dhn * (1 - z) * (1 - c * c);
        const daz = dz * z * (1 - z);
        const dar = dah * mhh * r * (1 - r);
        dMx[zo + j] = daz;
        dMx[zo + H + j] = dar;
        dMx[zo + 2 * H + j] = dah;
        dMh[zo + j] = daz;
        dMh[zo + H + j] = dar;
        dMh[zo + 2 * H + j] = dah * r;
        direct[bh + j] = dhn * z;
      }
    }
    if (!anyValid) continue;
    gemmNT(dMh, zOff, recurrentKernel, 0, dhTmp, 0, B, G, H, false);
    for (let b = 0; b < B; b++) {
      if (seqLengths !== null && t >= seqLengths[b]) continue;
      const bh = b * H;
      for (let j = 0; j < H; j++) dh[bh + j] = direct[bh + j] + dhTmp[bh + j];
    }
  }
  const { dKernel, dRecurrentKernel, dBias, dx } = sequenceWeightGrads(a, G, hs, dMx, dMh, true, opts.skipDx === true);
  const dh0 = allocate(dtype, BH);
  dh0.set(dh);
  return { dx, dh0, dKernel, dRecurrentKernel, dBias };
}

/** The pure-TS GRU backend: always available, float32 and float64, every shape. */
export const tsGruBackend: GruBackend = {
  name: 'ts',
  availability: () => ({ ok: true }),
  rejects: () => null,
  forward: tsGruForward,
  backward: tsGruBackward,
};
