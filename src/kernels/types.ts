// The fused-kernel seam (design.md "The fused-kernel seam"). One op, `lstmSequence`, whose forward and
// backward every backend (pure TS, native CPU, cuDNN) implements on plain typed arrays; the autograd op in
// lstm-sequence.ts wraps whichever backend selection picked.
//
// Semantics (Keras LSTM with a strictly right-padded mask, keras-tf-semantics.md §3.1, §3.4):
//  * x is time-major [T, B, I] in natural time order; weights in Keras layout and gate order i, f, c, o:
//    kernel [I, 4H], recurrentKernel [H, 4H], bias [4H]; h0, c0 [B, H].
//  * z = (x_t·K + h·R) + b;  i,f,o = σ(z);  g = tanh(z_c);  c' = f⊙c + i⊙g;  h' = o⊙tanh(c')   (eq. 1.2)
//  * seqLengths (optional, one per row, 0 ≤ len ≤ T): the mask is true for time steps t < len[b].
//  * goBackwards: steps are processed from t = T−1 down to 0 and y is returned in processing order
//    (y[s] is the output of the s-th processed step, i.e. time T−1−s), exactly as Keras returns it.
//  * At a masked step the states are carried unchanged; the output is the previous output (zeros before the
//    first valid step) — or zeros when zeroOutputForMask is true.
//  * hT, cT are the final (carried) states.

import type { TypedArray, DType } from '../tensor/tensor.js';

export type LstmBackendName = 'ts' | 'native-cpu' | 'cudnn';

export interface LstmSeqArgs {
  T: number;
  B: number;
  I: number;
  H: number;
  dtype: DType;
  x: TypedArray; // [T, B, I]
  h0: TypedArray; // [B, H]
  c0: TypedArray; // [B, H]
  kernel: TypedArray; // [I, 4H]
  recurrentKernel: TypedArray; // [H, 4H]
  bias: TypedArray; // [4H]
  seqLengths: Int32Array | null; // [B] or null (= all T)
  goBackwards: boolean;
  zeroOutputForMask: boolean;
  /**
   * What identifies these weights across calls, for backends that keep device copies (cuDNN): default the
   * kernel array. The TF1 path converts its variables to Keras layout on every call, so it passes the TF1
   * variable's array instead; one device layer then serves every call over that cell.
   */
  weightsKey?: object;
}

export interface LstmSeqResult {
  y: TypedArray; // [T, B, H]
  hT: TypedArray; // [B, H]
  cT: TypedArray; // [B, H]
  /** Whatever the backend must keep from forward for backward (gate activations, cell states, a native handle). */
  saved: unknown;
}

export interface LstmSeqGrads {
  dx: TypedArray;
  dh0: TypedArray;
  dc0: TypedArray;
  dKernel: TypedArray;
  dRecurrentKernel: TypedArray;
  dBias: TypedArray;
}

export interface LstmBackend {
  readonly name: LstmBackendName;
  /** Whether this backend can run at all here (addon built, GPU present ...), and why not. */
  availability(): { ok: true } | { ok: false; reason: string };
  /**
   * null if this backend accepts these arguments, else the reason it does not (e.g. float64 on cuDNN).
   * Must decide from the sizes, dtype, seqLengths and flags only: selectLstmBackend calls it before the data
   * exists, with empty placeholder arrays (lstmSequence calls it again with the real ones).
   */
  rejects(args: LstmSeqArgs): string | null;
  forward(args: LstmSeqArgs, training: boolean): LstmSeqResult;
  /**
   * dy [T,B,H] (processing order, like y), dhT, dcT [B,H]; any of them may be all zeros.
   * `opts.skipDx`: x needs no gradient (the usual case: x is the data), so the backend may skip the dZ·Kᵀ
   * GEMM and return dx as a zero-length array. Backends that ignore it simply compute dx.
   */
  /**
   * BPTT. `skipDx`: x needs no gradient. `keepSaved`: another backward over the same forward may follow
   * (autograd's retainGraph), so what forward saved must stay valid (release() frees it later); without it a
   * backend may consume the saved state.
   */
  backward(args: LstmSeqArgs, fwd: LstmSeqResult, dy: TypedArray, dhT: TypedArray, dcT: TypedArray, opts?: { skipDx?: boolean; keepSaved?: boolean }): LstmSeqGrads;
  /** Frees what forward saved (native reserve space) when no backward will come. Optional. */
  release?(fwd: LstmSeqResult): void;
}

// ---- GRU -------------------------------------------------------------------------------------------------
//
// `gruSequence` (gru-sequence.ts): the Keras GRU with reset_after = True (the only form Keras's fused cuDNN
// path takes, gru.py docstring rule 6), same conventions as the LSTM op above:
//  * x [T, B, I] time-major; kernel [I, 3H], recurrentKernel [H, 3H] in gate order z, r, h; bias [2, 3H]
//    flattened to [6H]: the input bias (3H) then the recurrent bias (3H); h0 [B, H].
//  * m_x = x_t·K + b_in;  m_h = h·R + b_rec;  z = σ(m_x,z + m_h,z);  r = σ(m_x,r + m_h,r)
//    ĥ = tanh(m_x,h + r ⊙ m_h,h);  h' = z ⊙ h + (1 − z) ⊙ ĥ               (K3 GRUCell.call, implementation 2)
//  * seqLengths, goBackwards, zeroOutputForMask and the masked-step rules exactly as for the LSTM.

export interface GruSeqArgs {
  T: number;
  B: number;
  I: number;
  H: number;
  dtype: DType;
  x: TypedArray; // [T, B, I]
  h0: TypedArray; // [B, H]
  kernel: TypedArray; // [I, 3H]
  recurrentKernel: TypedArray; // [H, 3H]
  bias: TypedArray; // [2, 3H] = [6H]
  seqLengths: Int32Array | null;
  goBackwards: boolean;
  zeroOutputForMask: boolean;
}

/** What a single-state fused kernel (GRU, SimpleRNN) returns from forward. */
export interface SingleStateSeqResult {
  y: TypedArray; // [T, B, H] in processing order
  hT: TypedArray; // [B, H]
  /** Whatever the backend keeps for backward. */
  saved: unknown;
}

/** The gradients of a single-state fused kernel's inputs (bias as the op takes it: GRU [6H], SimpleRNN [H]). */
export interface SingleStateSeqGrads {
  dx: TypedArray;
  dh0: TypedArray;
  dKernel: TypedArray;
  dRecurrentKernel: TypedArray;
  dBias: TypedArray;
}

/** A backend of a single-state fused op, as LstmBackend without the cell state. */
export interface SingleStateBackend<A> {
  readonly name: LstmBackendName;
  availability(): { ok: true } | { ok: false; reason: string };
  /** As LstmBackend.rejects: decided from sizes, dtype and flags only. */
  rejects(args: A): string | null;
  forward(args: A, training: boolean): SingleStateSeqResult;
  /**
   * BPTT; dy [T, B, H] in processing order, dhT [B, H]. `skipDx`: x needs no gradient. `keepSaved`: another
   * backward over the same forward may follow (retainGraph), as LstmBackend.backward.
   */
  backward(args: A, fwd: SingleStateSeqResult, dy: TypedArray, dhT: TypedArray, opts?: { skipDx?: boolean; keepSaved?: boolean }): SingleStateSeqGrads;
  /** Frees what forward saved (a device reserve) when no backward will come. Optional. */
  release?(fwd: SingleStateSeqResult): void;
}

export type GruSeqResult = SingleStateSeqResult;
export type GruSeqGrads = SingleStateSeqGrads;
export type GruBackend = SingleStateBackend<GruSeqArgs>;

// ---- SimpleRNN ---------------------------------------------------------------------------------------------
//
// `simpleRnnSequence` (simple-rnn-sequence.ts): the Keras SimpleRNN, h' = act((x_t·K + b) + h·R) with act tanh or
// relu (K3 SimpleRNNCell.call rounding order); kernel [I, H], recurrentKernel [H, H], bias [H]; masks, direction
// and outputs as above.

export interface SimpleRnnSeqArgs {
  T: number;
  B: number;
  I: number;
  H: number;
  dtype: DType;
  x: TypedArray; // [T, B, I]
  h0: TypedArray; // [B, H]
  kernel: TypedArray; // [I, H]
  recurrentKernel: TypedArray; // [H, H]
  bias: TypedArray; // [H]
  activation: 'tanh' | 'relu';
  seqLengths: Int32Array | null;
  goBackwards: boolean;
  zeroOutputForMask: boolean;
}

export type SimpleRnnSeqResult = SingleStateSeqResult;
export type SimpleRnnSeqGrads = SingleStateSeqGrads;
export type SimpleRnnBackend = SingleStateBackend<SimpleRnnSeqArgs>;
