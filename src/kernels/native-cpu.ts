// The 'native-cpu' LSTM backend: the fused kernel of native/core/lstm_cpu.cpp (OpenBLAS sgemm + one fused
// pointwise pass per step) behind the LstmBackend seam (types.ts). float32 only. Same semantics as the TS
// reference (ts.ts) — property-tested against it in test/native/. What forward keeps for backward is a plain
// Float32Array owned by JS (gates, h_prev, c_prev, tanh(c') per step), so the GC frees it; nothing native lives
// between calls.

import type { LstmBackend, LstmSeqArgs, LstmSeqGrads, LstmSeqResult, GruBackend, GruSeqArgs, GruSeqGrads, GruSeqResult,
  SimpleRnnBackend, SimpleRnnSeqArgs, SimpleRnnSeqGrads, SimpleRnnSeqResult } from './types.js';
import type { TypedArray } from '../tensor/tensor.js';
import { fail } from '../tensor/shape.js';
import { cpuAddon, cpuUnavailableReason, type CpuAddonArgs } from './native-addon.js';

// BLAS takes int dimensions (lstm_cpu_check_dims): T·B rows, 4H columns.
const INT_MAX = 2147483647;

function f32(a: TypedArray, what: string): Float32Array {
  if (a instanceof Float32Array) return a;
  fail('native-cpu', `${what} must be float32 (got ${a.constructor.name}); the native CPU kernel computes in float32`);
}

function addonArgs(a: LstmSeqArgs): CpuAddonArgs {
  return {
    T: a.T, B: a.B, I: a.I, H: a.H,
    x: f32(a.x, 'x'), h0: f32(a.h0, 'h0'), c0: f32(a.c0, 'c0'),
    kernel: f32(a.kernel, 'kernel'), recurrentKernel: f32(a.recurrentKernel, 'recurrentKernel'), bias: f32(a.bias, 'bias'),
    seqLengths: a.seqLengths, goBackwards: a.goBackwards, zeroOutputForMask: a.zeroOutputForMask,
  };
}

export const nativeCpuLstmBackend: LstmBackend = {
  name: 'native-cpu',
  availability() {
    const why = cpuUnavailableReason();
    return why === null ? { ok: true } : { ok: false, reason: why };
  },
  rejects(a: LstmSeqArgs): string | null {
    if (a.dtype !== 'float32') return `dtype ${a.dtype} (native-cpu computes in float32 only)`;
    if (a.T * a.B > INT_MAX || 4 * a.H > INT_MAX || a.I > INT_MAX) return `sizes T·B=${a.T * a.B}, 4H=${4 * a.H} exceed BLAS int dimensions`;
    if (a.T * a.B * 7 * a.H > 2 ** 32 - 1) return `T·B·7H=${a.T * a.B * 7 * a.H} floats of saved state exceed one typed array`;
    return null;
  },
  forward(a: LstmSeqArgs, training: boolean): LstmSeqResult {
    const addon = cpuAddon();
    if (!addon) fail('native-cpu', `the addon is not loaded: ${cpuUnavailableReason()}`);
    const r = addon.forward(addonArgs(a), training);
    return { y: r.y, hT: r.hT, cT: r.cT, saved: r.saved };
  },
  backward(a: LstmSeqArgs, fwd: LstmSeqResult, dy: TypedArray, dhT: TypedArray, dcT: TypedArray, opts: { skipDx?: boolean } = {}): LstmSeqGrads {
    const addon = cpuAddon();
    if (!addon) fail('native-cpu', `the addon is not loaded: ${cpuUnavailableReason()}`);
    if (!(fwd.saved instanceof Float32Array)) fail('native-cpu', 'backward needs the result of a training forward (forward(args, true))');
    const { x, kernel, recurrentKernel, T, B, I, H, seqLengths, goBackwards, zeroOutputForMask } = addonArgs(a);
    return addon.backward(
      { T, B, I, H, x, kernel, recurrentKernel, seqLengths, goBackwards, zeroOutputForMask },
      { saved: fwd.saved, dy: f32(dy, 'dy'), dhT: f32(dhT, 'dhT'), dcT: f32(dcT, 'dcT'), skipDx: opts.skipDx === true },
    );
  },
};

/**
 * The 'native-cpu' GRU backend: native/core/gru_cpu.cpp (sgemm + one fused pointwise pass per step) behind the
 * GruBackend seam; float32; property-tested against the TS reference (gru-ts.ts) in test/native/.
 */
export const nativeCpuGruBackend: GruBackend = {
  name: 'native-cpu',
  availability() {
    const why = cpuUnavailableReason();
    if (why !== null) return { ok: false, reason: why };
    if (typeof cpuAddon()?.gruForward !== 'function') return { ok: false, reason: 'the loaded addon has no GRU kernel (rebuild it: npm run build:native)' };
    return { ok: true };
  },
  rejects(a: GruSeqArgs): string | null {
    if (a.dtype !== 'float32') return `dtype ${a.dtype} (native-cpu computes in float32 only)`;
    if (a.T * a.B > INT_MAX || 6 * a.H > INT_MAX || a.I > INT_MAX) return `sizes T·B=${a.T * a.B}, 3H=${3 * a.H} exceed BLAS int dimensions`;
    if (a.T * a.B * 5 * a.H > 2 ** 32 - 1) return `T·B·5H=${a.T * a.B * 5 * a.H} floats of saved state exceed one typed array`;
    return null;
  },
  forward(a: GruSeqArgs, training: boolean): GruSeqResult {
    const addon = cpuAddon();
    if (!addon?.gruForward) fail('native-cpu', `the addon's GRU kernel is not loaded: ${cpuUnavailableReason() ?? 'rebuild it (npm run build:native)'}`);
    const r = addon.gruForward({
      T: a.T, B: a.B, I: a.I, H: a.H, x: f32(a.x, 'x'), h0: f32(a.h0, 'h0'), kernel: f32(a.kernel, 'kernel'),
      recurrentKernel: f32(a.recurrentKernel, 'recurrentKernel'), bias: f32(a.bias, 'bias'),
      seqLengths: a.seqLengths, goBackwards: a.goBackwards, zeroOutputForMask: a.zeroOutputForMask,
    }, training);
    return { y: r.y, hT: r.hT, saved: r.saved };
  },
  backward(a: GruSeqArgs, fwd: GruSeqResult, dy: TypedArray, dhT: TypedArray, opts: { skipDx?: boolean } = {}): GruSeqGrads {
    const addon = cpuAddon();
    if (!addon?.gruBackward) fail('native-cpu', `the addon's GRU kernel is not loaded: ${cpuUnavailableReason() ?? 'rebuild it (npm run build:native)'}`);
    if (!(fwd.saved instanceof Float32Array)) fail('native-cpu', 'backward needs the result of a training forward (forward(args, true))');
    return addon.gruBackward(
      { T: a.T, B: a.B, I: a.I, H: a.H, x: f32(a.x, 'x'), kernel: f32(a.kernel, 'kernel'), recurrentKernel: f32(a.recurrentKernel, 'recurrentKernel'),
        seqLengths: a.seqLengths, goBackwards: a.goBackwards, zeroOutputForMask: a.zeroOutputForMask },
      { saved: fwd.saved, dy: f32(dy, 'dy'), dhT: f32(dhT, 'dhT'), skipDx: opts.skipDx === true },
    );
  },
};

/** The 'native-cpu' SimpleRNN backend: native/core/srnn_cpu.cpp behind the SimpleRnnBackend seam; float32. */
export const nativeCpuSimpleRnnBackend: SimpleRnnBackend = {
  name: 'native-cpu',
  availability() {
    const why = cpuUnavailableReason();
    if (why !== null) return { ok: false, reason: why };
    if (typeof cpuAddon()?.srnnForward !== 'function') return { ok: false, reason: 'the loaded addon has no SimpleRNN kernel (rebuild it: npm run build:native)' };
    return { ok: true };
  },
  rejects(a: SimpleRnnSeqArgs): string | null {
    if (a.dtype !== 'float32') return `dtype ${a.dtype} (native-cpu computes in float32 only)`;
    if (a.T * a.B > INT_MAX || a.H > INT_MAX || a.I > INT_MAX) return `sizes T·B=${a.T * a.B}, H=${a.H} exceed BLAS int dimensions`;
    if (a.T * a.B * 2 * a.H > 2 ** 32 - 1) return `T·B·2H=${a.T * a.B * 2 * a.H} floats of saved state exceed one typed array`;
    return null;
  },
  forward(a: SimpleRnnSeqArgs, training: boolean): SimpleRnnSeqResult {
    const addon = cpuAddon();
    if (!addon?.srnnForward) fail('native-cpu', `the addon's SimpleRNN kernel is not loaded: ${cpuUnavailableReason() ?? 'rebuild it (npm run build:native)'}`);
    const r = addon.srnnForward({
      T: a.T, B: a.B, I: a.I, H: a.H, x: f32(a.x, 'x'), h0: f32(a.h0, 'h0'), kernel: f32(a.kernel, 'kernel'),
      recurrentKernel: f32(a.recurrentKernel, 'recurrentKernel'), bias: f32(a.bias, 'bias'), activation: a.activation,
      seqLengths: a.seqLengths, goBackwards: a.goBackwards, zeroOutputForMask: a.zeroOutputForMask,
    }, training);
    return { y: r.y, hT: r.hT, saved: r.saved };
  },
  backward(a: SimpleRnnSeqArgs, fwd: SimpleRnnSeqResult, dy: TypedArray, dhT: TypedArray, opts: { skipDx?: boolean } = {}): SimpleRnnSeqGrads {
    const addon = cpuAddon();
    if (!addon?.srnnBackward) fail('native-cpu', `the addon's SimpleRNN kernel is not loaded: ${cpuUnavailableReason() ?? 'rebuild it (npm run build:native)'}`);
    if (!(fwd.saved instanceof Float32Array)) fail('native-cpu', 'backward needs the result of a training forward (forward(args, true))');
    return addon.srnnBackward(
      { T: a.T, B: a.B, I: a.I, H: a.H, x: f32(a.x, 'x'), kernel: f32(a.kernel, 'kernel'), recurrentKernel: f32(a.recurrentKernel, 'recurrentKernel'),
        activation: a.activation, seqLengths: a.seqLengths, goBackwards: a.goBackwards, zeroOutputForMask: a.zeroOutputForMask },
      { saved: fwd.saved, dy: f32(dy, 'dy'), dhT: f32(dhT, 'dhT'), skipDx: opts.skipDx === true },
    );
  },
};
