// The 'native-cpu' LSTM backend: the fused kernel of native/core/lstm_cpu.cpp (lstm-ts's packed GEMM + one fused
// pointwise pass per step) behind the LstmBackend seam (types.ts). float32 only. Same semantics as the TS
// reference (ts.ts) — property-tested against it in test/native/. What forward keeps for backward is a plain
// Float32Array owned by JS (gates, h_prev, c_prev, tanh(c') per step), so the GC frees it; nothing native lives
// between calls. release() (the autograd node is done with it) hands that array to the next training forward of
// the same size instead of the GC (saved-pool.ts: fresh pages made a training step 7–17 % slower, docs/benchmarks.md).

import type {
  LstmBackend, LstmSeqArgs, LstmSeqGrads, LstmSeqResult, GruBackend, GruSeqArgs, SimpleRnnBackend, SimpleRnnSeqArgs,
  SingleStateBackend, SingleStateSeqGrads, SingleStateSeqResult,
} from './types.js';
import type { TypedArray } from '../tensor/tensor.js';
import { fail } from '../tensor/shape.js';
import { cpuAddon, cpuUnavailableReason, type CpuAddonArgs, type CpuAddon } from './native-addon.js';
import { nativeSavedPool } from './saved-pool.js';

// BLAS takes int dimensions (lstm_cpu_check_dims): T·B rows, 4H columns.
const INT_MAX = 2147483647;

function f32(a: TypedArray, what: string): Float32Array {
  if (a instanceof Float32Array) return a;
  fail('native-cpu', `${what} must be float32 (got ${a.constructor.name}); the native CPU kernel computes in float32`);
}

/** A recycled array for a training forward's saved state (or undefined: the addon allocates one). */
function recycled(training: boolean, floats: number): Float32Array | undefined {
  return training ? nativeSavedPool.take(floats) : undefined;
}

/** release(): the node that owned this forward is gone; its saved array may serve the next forward. */
function recycle(fwd: { saved: unknown }): void {
  if (fwd.saved instanceof Float32Array) nativeSavedPool.give(fwd.saved);
  fwd.saved = null;  // a backward over a released result now fails loudly instead of reading reused memory
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
    const r = addon.forward(addonArgs(a), training, recycled(training, a.T * a.B * 7 * a.H));
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
  release: recycle,
};

/**
 * A 'native-cpu' single-state backend (GRU, SimpleRNN) over the addon's `<prefix>Forward` / `<prefix>Backward`
 * entry points: float32, availability checked against the loaded addon, the same saved-state contract as the LSTM's.
 */
function singleStateCpuBackend<A extends SingleStateArgs>(
  kind: string, entry: 'gru' | 'srnn', savedPerH: number, gatesH: number, activationOf: (a: A) => 'tanh' | 'relu' | undefined,
): SingleStateBackend<A> {
  // The bound entry points, made once per loaded addon: binding them on every call (two closures per call)
  // was ~3 µs of a 5 µs SimpleRNN call (docs/benchmarks.md "Tiny calls").
  type Fns = { fwd: NonNullable<CpuAddon['gruForward']>; bwd: NonNullable<CpuAddon['gruBackward']> };
  let cache: { addon: CpuAddon; fns: Fns | null } | null = null;
  const fns = (): Fns | null => {
    const addon = cpuAddon();
    if (addon === null) return null;
    if (cache === null || cache.addon !== addon) {
      const rec = addon as unknown as Record<string, unknown>;
      const fwd = rec[`${entry}Forward`];
      const bwd = rec[`${entry}Backward`];
      cache = {
        addon,
        fns: typeof fwd === 'function' && typeof bwd === 'function'
          ? { fwd: (fwd as Fns['fwd']).bind(addon), bwd: (bwd as Fns['bwd']).bind(addon) } : null,
      };
    }
    return cache.fns;
  };
  const loaded = (): NonNullable<ReturnType<typeof fns>> => {
    const f = fns();
    if (f === null) fail('native-cpu', `the addon's ${kind} kernel is not loaded: ${cpuUnavailableReason() ?? 'rebuild it (npm run build:native)'}`);
    return f;
  };
  // One object literal with every key (states only for forward): an object built by spreading another one
  // ({ ...common(a), h0, bias }) made the addon's property reads ~3.5 µs slower per call (a 5 µs SimpleRNN
  // call took 8.5 µs; docs/benchmarks.md "Tiny calls").
  const addonArgs = (a: A, forward: boolean): CpuAddonArgs & { activation?: 'tanh' | 'relu' } => ({
    T: a.T, B: a.B, I: a.I, H: a.H, x: f32(a.x, 'x'), h0: forward ? f32(a.h0, 'h0') : undefined,
    kernel: f32(a.kernel, 'kernel'), recurrentKernel: f32(a.recurrentKernel, 'recurrentKernel'),
    bias: forward ? f32(a.bias, 'bias') : undefined,
    seqLengths: a.seqLengths, goBackwards: a.goBackwards, zeroOutputForMask: a.zeroOutputForMask, activation: activationOf(a),
  });
  return {
    name: 'native-cpu',
    availability() {
      const why = cpuUnavailableReason();
      if (why !== null) return { ok: false, reason: why };
      if (fns() === null) return { ok: false, reason: `the loaded addon has no ${kind} kernel (rebuild it: npm run build:native)` };
      return { ok: true };
    },
    rejects(a: A): string | null {
      if (a.dtype !== 'float32') return `dtype ${a.dtype} (native-cpu computes in float32 only)`;
      if (a.T * a.B > INT_MAX || gatesH * a.H > INT_MAX || a.I > INT_MAX) return `sizes T·B=${a.T * a.B}, ${gatesH}H=${gatesH * a.H} exceed BLAS int dimensions`;
      if (a.T * a.B * savedPerH * a.H > 2 ** 32 - 1) return `T·B·${savedPerH}H=${a.T * a.B * savedPerH * a.H} floats of saved state exceed one typed array`;
      return null;
    },
    forward(a: A, training: boolean): SingleStateSeqResult {
      const r = loaded().fwd(addonArgs(a, true), training,
        recycled(training, a.T * a.B * savedPerH * a.H));
      return { y: r.y, hT: r.hT, saved: r.saved };
    },
    backward(a: A, fwd: SingleStateSeqResult, dy: TypedArray, dhT: TypedArray, opts: { skipDx?: boolean } = {}): SingleStateSeqGrads {
      if (!(fwd.saved instanceof Float32Array)) fail('native-cpu', 'backward needs the result of a training forward (forward(args, true))');
      return loaded().bwd(addonArgs(a, false), { saved: fwd.saved, dy: f32(dy, 'dy'), dhT: f32(dhT, 'dhT'), skipDx: opts.skipDx === true });
    },
    release: recycle,
  };
}

interface SingleStateArgs {
  T: number; B: number; I: number; H: number; dtype: string;
  x: TypedArray; h0: TypedArray; kernel: TypedArray; recurrentKernel: TypedArray; bias: TypedArray;
  seqLengths: Int32Array | null; goBackwards: boolean; zeroOutputForMask: boolean;
}

/** native/core/gru_cpu.cpp (Keras reset_after = True); property-tested against gru-ts.ts in test/native/. */
export const nativeCpuGruBackend: GruBackend = singleStateCpuBackend<GruSeqArgs>('GRU', 'gru', 5, 6, () => undefined);

/** native/core/srnn_cpu.cpp (tanh / relu); property-tested against simple-rnn-ts.ts in test/native/. */
export const nativeCpuSimpleRnnBackend: SimpleRnnBackend = singleStateCpuBackend<SimpleRnnSeqArgs>('SimpleRNN', 'srnn', 2, 1, (a) => a.activation);
