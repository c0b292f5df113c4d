// The pure-TypeScript fused SimpleRNN kernel (types.ts "SimpleRNN"): one input GEMM for all steps, one
// recurrent GEMM per step, the activation and masking in a loop over [B, H], hand-written BPTT. float32 rounds
// where the generic SimpleRNNCell (simple-rnn-cell.ts, Keras's order) does: h' = act(fround(fround(fround(xK) + b)
// + fround(hR))).

import type { SimpleRnnBackend, SimpleRnnSeqArgs, SimpleRnnSeqResult, SimpleRnnSeqGrads } from './types.js';
import type { TypedArray } from '../tensor/tensor.js';
import { allocate } from '../tensor/tensor.js';
import { gemm, gemmNT } from '../ops/gemm.js';
import { timeOf, scratch, sequenceWeightGrads } from './ts.js';


/** hs [(T+1), B, H]: the state entering each processing step (hs[0] = h0); outputs are the states after. */
interface TsSimpleRnnSaved {
  hs: TypedArray;
}

export function tsSimpleRnnForward(a: SimpleRnnSeqArgs, training: boolean): SimpleRnnSeqResult {
  const { T, B, I, H, dtype, x, h0, kernel, recurrentKernel, bias, activation, seqLengths, goBackwards, zeroOutputForMask } = a;
  const r_ = dtype === 'float32' ? Math.fround : (v: number): number => v;
  const relu = activation === 'relu';
  const BH = B * H;
  const xk = scratch(dtype, 'srnn:xk', T * BH);  // call-local scratch (ts.ts scratch pool): not kept
  gemm(x, 0, kernel, 0, xk, 0, T * B, I, H, false);
  const slots = training ? T + 1 : 2;
  const hs = allocate(dtype, slots * BH);
  hs.set(h0);
  const hr = scratch(dtype, 'srnn:hr', BH);
  const y = allocate(dtype, T * BH);
  const needPrev = seqLengths !== null && !zeroOutputForMask;
  const prevOut = allocate(dtype, needPrev ? BH : 0);
  for (let s = 0; s < T; s++) {
    const t = timeOf(s, T, goBackwards);
    const inOff = (training ? s : s & 1) * BH;
    const outOff = (training ? s + 1 : (s + 1) & 1) * BH;
    gemm(hs, inOff, recurrentKernel, 0, hr, 0, B, H, H, false);
    for (let b = 0; b < B; b++) {
      const hIn = inOff + b * H;
      const hOut = outOff + b * H;
      const yOff = s * BH + b * H;
      if (seqLengths !== null && t >= seqLengths[b]) {
        for (let j = 0; j < H; j++) hs[hOut + j] = hs[hIn + j];
        if (needPrev) for (let j = 0; j < H; j++) y[yOff + j] = prevOut[b * H + j];
        continue;
      }
      const xo = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        const v = r_(r_(xk[xo + j] + bias[j]) + hr[b * H + j]);
        const hNew = relu ? (v > 0 ? v : 0) : r_(Math.tanh(v));
        hs[hOut + j] = hNew;
        y[yOff + j] = hNew;
      }
      if (needPrev) for (let j = 0; j < H; j++) prevOut[b * H + j] = hs[hOut + j];
    }
  }
  const last = (training ? T : T & 1) * BH;
  return { y, hT: hs.slice(last, last + BH), saved: training ? ({ hs } satisfies TsSimpleRnnSaved) : null };
}

/**
 * BPTT: δh' = δh + dy_s (+ carried dy of masked steps); da = δh'⊙act′ (tanh: 1 − h'², relu: h' > 0);
 * δh_{s−1} = da·Rᵀ; then dK = xᵀ·dA, dR = Hprevᵀ·dA, db = Σ dA, dx = dA·Kᵀ over all steps.
 */
export function tsSimpleRnnBackward(a: SimpleRnnSeqArgs, fwd: SimpleRnnSeqResult, dy: TypedArray, dhT: TypedArray, opts: { skipDx?: boolean } = {}): SimpleRnnSeqGrads {
  const { T, B, H, dtype, recurrentKernel, activation, seqLengths, goBackwards, zeroOutputForMask } = a;
  const saved = fwd.saved as TsSimpleRnnSaved | null;
  if (saved === null || saved === undefined || !('hs' in saved)) {
    throw new Error('simpleRnnSequence(ts) backward: forward was run without training=true, nothing was saved for backward');
  }
  const { hs } = saved;
  const relu = activation === 'relu';
  const BH = B * H;
  const TB = T * B;
  const dA = scratch(dtype, 'srnn:dA', TB * H);
  dA.fill(0);  // rows of masked steps stay zero
  const dh = Float64Array.from(dhT);
  const needPrev = seqLengths !== null && !zeroOutputForMask;
  const dPrev = new Float64Array(needPrev ? BH : 0);
  const dhTmp = scratch(dtype, 'srnn:dhTmp', BH);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(s, T, goBackwards);
    let anyValid = false;
    for (let b = 0; b < B; b++) {
      const bh = b * H;
      const yOff = s * BH + bh;
      if (seqLengths !== null && t >= seqLengths[b]) {
        if (needPrev) for (let j = 0; j < H; j++) dPrev[bh + j] += dy[yOff + j];
        continue;
      }
      anyValid = true;
      const hOut = (s + 1) * BH + bh;
      const ao = (t * B + b) * H;
      for (let j = 0; j < H; j++) {
        let dhn = dh[bh + j] + dy[yOff + j];
        if (needPrev) {
          dhn += dPrev[bh + j];
          dPrev[bh + j] = 0;
        }
        const hn = hs[hOut + j];
        dA[ao + j] = relu ? (hn > 0 ? dhn : 0) : dhn * (1 - hn * hn);
      }
    }
    if (!anyValid) continue;
    gemmNT(dA, t * BH, recurrentKernel, 0, dhTmp, 0, B, H, H, false);
    for (let b = 0; b < B; b++) {
      if (seqLengths !== null && t >= seqLengths[b]) continue;
      for (let j = 0; j < H; j++) dh[b * H + j] = dhTmp[b * H + j];
    }
  }
  const { dKernel, dRecurrentKernel, dBias, dx } = sequenceWeightGrads(a, H, hs, dA, dA, false, opts.skipDx === true);
  const dh0 = allocate(dtype, BH);
  dh0.set(dh);
  return { dx, dh0, dKernel, dRecurrentKernel, dBias };
}

export const tsSimpleRnnBackend: SimpleRnnBackend = {
  name: 'ts',
  availability: () => ({ ok: true }),
  rejects: () => null,
  forward: tsSimpleRnnForward,
  backward: tsSimpleRnnBackward,
};
