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
import { cpuAddon, cpuUnavailableReason, type CpuAddon, type CpuCellArgsV, type CpuLstmArgsV } from './native-addon.js';
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

// The addon is called in its positional form (forwardV / backwardV; cpu_addon.cpp): reading the keys of an
// argument object, and setting those of a result object, was ~40 % of a tiny call (docs/benchmarks.md "Tiny
// calls"). An addon built before those entry points is reported unavailable (rebuild it), never half used.
function lstmArgsV(a: LstmSeqArgs, forward: boolean): CpuLstmArgsV {
  return [a.T, a.B, a.I, a.H, f32(a.x, 'x'), forward ? f32(a.h0, 'h0') : undefined, forward ? f32(a.c0, 'c0') : undefined,
    f32(a.kernel, 'kernel'), f32(a.recurrentKernel, 'recurrentKernel'), forward ? f32(a.bias, 'bias') : undefined,
    a.seqLengths, a.goBackwards, a.zeroOutputForMask];
}

const STALE = 'the loaded addon predates its positional entry points (rebuild it: npm run build:native)';

function loadedAddon(): CpuAddon & Required<Pick<CpuAddon, 'forwardV' | 'backwardV'>> {
  const addon = cpuAddon();
  if (!addon) fail('native-cpu', `the addon is not loaded: ${cpuUnavailableReason()}`);
  if (!addon.forwardV || !addon.backwardV) fail('native-cpu', STALE);
  return addon as CpuAddon & Required<Pick<CpuAddon, 'forwardV' | 'backwardV'>>;
}

export const nativeCpuLstmBackend: LstmBackend = {
  name: 'native-cpu',
  availability() {
    const why = cpuUnavailableReason();
    if (why !== null) return { ok: false, reason: why };
    const addon = cpuAddon();
    if (!addon?.forwardV || !addon.backwardV) return { ok: false, reason: STALE };
    return { ok: true };
  },
  rejects(a: LstmSeqArgs): string | null {
    if (a.dtype !== 'float32') return `dtype ${a.dtype} (native-cpu computes in float32 only)`;
    if (a.T * a.B > INT_MAX || 4 * a.H > INT_MAX || a.I > INT_MAX) return `sizes T·B=${a.T * a.B}, 4H=${4 * a.H} exceed BLAS int dimensions`;
    if (a.T * a.B * 7 * a.H > 2 ** 32 - 1) return `T·B·7H=${a.T * a.B * 7 * a.H} floats of saved state exceed one typed array`;
    return null;
  },
  forward(a: LstmSeqArgs, training: boolean): LstmSeqResult {
    const addon = loadedAddon();
    const [y, hT, cT, saved] = addon.forwardV(...lstmArgsV(a, true), training, recycled(training, a.T * a.B * 7 * a.H));
    return { y, hT, cT, saved };
  },
  backward(a: LstmSeqArgs, fwd: LstmSeqResult, dy: TypedArray, dhT: TypedArray, dcT: TypedArray, opts: { skipDx?: boolean } = {}): LstmSeqGrads {
    const addon = loadedAddon();
    if (!(fwd.saved instanceof Float32Array)) fail('native-cpu', 'backward needs the result of a training forward (forward(args, true))');
    const [dx, dh0, dc0, dKernel, dRecurrentKernel, dBias] = addon.backwardV(...lstmArgsV(a, false), fwd.saved,
      f32(dy, 'dy'), f32(dhT, 'dhT'), f32(dcT, 'dcT'), opts.skipDx === true);
    return { dx, dh0, dc0, dKernel, dRecurrentKernel, dBias };
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
  // The positional entry points of the loaded addon (`<entry>ForwardV`), looked up once per addon.
  type Fns = {
    fwd: (v: CpuCellArgsV, training: boolean, into: Float32Array | undefined) => SingleStateSeqResult;
    bwd: (v: CpuCellArgsV, saved: Float32Array, dy: Float32Array, dhT: Float32Array, skipDx: boolean) => SingleStateSeqGrads;
  };
  let cache: { addon: CpuAddon; fns: Fns | null } | null = null;
  const fns = (): Fns | null => {
    const addon = cpuAddon();
    if (addon === null) return null;
    if (cache === null || cache.addon !== addon) {
      const fwdV = addon[`${entry}ForwardV`], bwdV = addon[`${entry}BackwardV`];
      cache = {
        addon,
        fns: fwdV && bwdV ? {
          fwd: (v, training, into) => {
            const [y, hT, saved] = fwdV.call(addon, ...v, training, into);
            return { y, hT, saved };
          },
          bwd: (v, saved, dy, dhT, skipDx) => {
            const [dx, dh0, dKernel, dRecurrentKernel, dBias] = bwdV.call(addon, ...v, saved, dy, dhT, skipDx);
            return { dx, dh0, dKernel, dRecurrentKernel, dBias };
          },
        } : null,
      };
    }
    return cache.fns;
  };
  const loaded = (): Fns => {
    const f = fns();
    if (f === null) fail('native-cpu', `the addon's ${kind} kernel is not loaded: ${cpuUnavailableReason() ?? 'rebuild it (npm run build:native)'}`);
    return f;
  };
  const argsV = (a: A, forward: boolean): CpuCellArgsV => [
    a.T, a.B, a.I, a.H, f32(a.x, 'x'), forward ? f32(a.h0, 'h0') : undefined, f32(a.kernel, 'kernel'),
    f32(a.recurrentKernel, 'recurrentKernel'), forward ? f32(a.bias, 'bias') : undefined,
    a.seqLengths, a.goBackwards, a.zeroOutputForMask, activationOf(a),
  ];
  return {
    name: 'native-cpu',
    availability() {
      const why = cpuUnavailableReason();
      if (why !== null) return { ok: false, reason: why };
      if (fns() === null) return { ok: false, reason: `the loaded addon has no positional ${kind} kernel (rebuild it: npm run build:native)` };
      return { ok: true };
    },
    rejects(a: A): string | null {
      if (a.dtype !== 'float32') return `dtype ${a.dtype} (native-cpu computes in float32 only)`;
      if (a.T * a.B > INT_MAX || gatesH * a.H > INT_MAX || a.I > INT_MAX) return `sizes T·B=${a.T * a.B}, ${gatesH}H=${gatesH * a.H} exceed BLAS int dimensions`;
      if (a.T * a.B * savedPerH * a.H > 2 ** 32 - 1) return `T·B·${savedPerH}H=${a.T * a.B * savedPerH * a.H} floats of saved state exceed one typed array`;
      return null;
    },
    forward(a: A, training: boolean): SingleStateSeqResult {
      return loaded().fwd(argsV(a, true), training, recycled(training, a.T * a.B * savedPerH * a.H));
    },
    backward(a: A, fwd: SingleStateSeqResult, dy: TypedArray, dhT: TypedArray, opts: { skipDx?: boolean } = {}): SingleStateSeqGrads {
      if (!(fwd.saved instanceof Float32Array)) fail('native-cpu', 'backward needs the result of a training forward (forward(args, true))');
      return loaded().bwd(argsV(a, false), fwd.saved, f32(dy, 'dy'), f32(dhT, 'dhT'), opts.skipDx === true);
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
