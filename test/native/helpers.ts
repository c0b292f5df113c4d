// Shared helpers of the native tests: whether each addon is usable here, and a skip that PRINTS its reason
// (a skipped native test must say why, never pass silently).
import type { Context } from 'mocha';
import type fc from 'fast-check';
import { Random } from '../../src/index.js';
import { cpuAddon, cpuUnavailableReason, cudnnUnavailableReason } from '../../src/kernels/native-addon.js';
import { nativeCpuGruBackend, nativeCpuLstmBackend, nativeCpuSimpleRnnBackend } from '../../src/kernels/native-cpu.js';
import type { GruSeqArgs, LstmSeqArgs, LstmSeqGrads, LstmSeqResult, SimpleRnnSeqArgs } from '../../src/kernels/types.js';
import { arbLstmCase, type LstmCase } from '../kernels/lstm-cases.js';

export function skipWithReason(ctx: Context, what: string, reason: string): never {
  console.log(`      [skipped] ${what}: ${reason}`);
  ctx.skip();
  throw new Error('unreachable');
}

/** Skips the test unless the CPU addon is loaded. */
export function requireCpu(ctx: Context): NonNullable<ReturnType<typeof cpuAddon>> {
  const a = cpuAddon();
  if (!a) skipWithReason(ctx, 'native CPU addon not available', cpuUnavailableReason() ?? 'unknown');
  return a;
}

/** Skips unless the cuDNN backend can run (addon built, CUDA device, cuDNN libraries). */
export function requireCudnn(ctx: Context): void {
  const why = cudnnUnavailableReason();
  if (why !== null) skipWithReason(ctx, 'cuDNN backend not available', why);
}

export type Case = LstmCase;

export function makeArgs(p: Case): LstmSeqArgs {
  const rng = new Random(p.seed);
  const arr = (n: number, s: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.uniformRange(-s, s);
    return a;
  };
  return {
    T: p.T, B: p.B, I: p.I, H: p.H, dtype: 'float32',
    x: arr(p.T * p.B * p.I, 1), h0: arr(p.B * p.H, 0.5), c0: arr(p.B * p.H, 0.5),
    kernel: arr(p.I * 4 * p.H, 0.8), recurrentKernel: arr(p.H * 4 * p.H, 0.8), bias: arr(4 * p.H, 0.5),
    seqLengths: p.lens ? Int32Array.from(p.lens) : null, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask,
  };
}

/** GRU arguments of a case (kernel [I,3H], bias [6H]: reset_after). */
export function gruArgs(p: Case): GruSeqArgs {
  const rng = new Random(p.seed);
  const arr = (n: number, s: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniformRange(-s, s));
  return {
    T: p.T, B: p.B, I: p.I, H: p.H, dtype: 'float32', x: arr(p.T * p.B * p.I, 1), h0: arr(p.B * p.H, 0.5),
    kernel: arr(p.I * 3 * p.H, 0.8), recurrentKernel: arr(p.H * 3 * p.H, 0.8), bias: arr(6 * p.H, 0.5),
    seqLengths: p.lens ? Int32Array.from(p.lens) : null, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask,
  };
}

/** SimpleRNN arguments of a case (tanh or relu). */
export function srnnArgs(p: Case, relu: boolean): SimpleRnnSeqArgs {
  const rng = new Random(p.seed);
  const arr = (n: number, s: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniformRange(-s, s));
  return {
    T: p.T, B: p.B, I: p.I, H: p.H, dtype: 'float32', x: arr(p.T * p.B * p.I, 1), h0: arr(p.B * p.H, 0.5),
    kernel: arr(p.I * p.H, 0.8), recurrentKernel: arr(p.H * p.H, 0.8), bias: arr(p.H, 0.5), activation: relu ? 'relu' : 'tanh',
    seqLengths: p.lens ? Int32Array.from(p.lens) : null, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask,
  };
}

export function seeds(p: Case): { dy: Float32Array; dhT: Float32Array; dcT: Float32Array } {
  const rng = new Random(p.seed + 7);
  const arr = (n: number) => Float32Array.from({ length: n }, () => rng.uniformRange(-1, 1));
  return { dy: arr(p.T * p.B * p.H), dhT: arr(p.B * p.H), dcT: arr(p.B * p.H) };
}

export const OUT_KEYS = ['y', 'hT', 'cT'] as const;
export const GRAD_KEYS = ['dx', 'dh0', 'dc0', 'dKernel', 'dRecurrentKernel', 'dBias'] as const;

/** max |a − b| over the arrays. */
export function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}
export function maxMag(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/**
 * Compares two backends' outputs and gradients. Tolerances: outputs (y, hT, cT) max abs diff ≤ 1e-5;
 * gradients max abs diff ≤ 1e-4 · max(1, max|ref|) (relative to the tensor's largest entry, floored at 1).
 * Returns the worst value / gradient errors for reporting; throws with the case on failure.
 */
export function compare(
  p: Case, ref: { f: LstmSeqResult; g: LstmSeqGrads }, got: { f: LstmSeqResult; g: LstmSeqGrads }, label: string,
): { val: number; grad: number } {
  let val = 0;
  let grad = 0;
  for (const k of OUT_KEYS) {
    const d = maxAbs(got.f[k], ref.f[k]);
    val = Math.max(val, d);
    if (!(d <= 1e-5)) throw new Error(`${label}: ${k} differs by ${d} (> 1e-5) for ${JSON.stringify(p)}`);
  }
  for (const k of GRAD_KEYS) {
    const scale = Math.max(1, maxMag(ref.g[k]));
    const d = maxAbs(got.g[k], ref.g[k]) / scale;
    grad = Math.max(grad, d);
    if (!(d <= 1e-4)) throw new Error(`${label}: ${k} differs by ${d}·scale (> 1e-4 rel) for ${JSON.stringify(p)}`);
  }
  return { val, grad };
}

/** Random cases: sizes, optional right-padded lengths (0 allowed), direction, zero_output_for_mask, seed. */
export const arbCase: fc.Arbitrary<Case> = arbLstmCase({ T: 9, B: 6, I: 7, H: 9 });


/**
 * Bit equality of two float arrays, compared by value so that NaN never equals NaN: the NaN-fill tests
 * (saved-pool, output-poison) rely on a NaN left by an unwritten element failing here.
 */
export function bitIdentical(a: ArrayLike<number>, b: ArrayLike<number>, what: string, sides: [string, string]): void {
  if (a.length !== b.length) throw new Error(`${what}: length ${a.length} vs ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!(a[i] === b[i])) throw new Error(`${what}[${i}] of ${a.length}: ${a[i]} (${sides[0]}) vs ${b[i]} (${sides[1]})`);
  }
}

/** A native-cpu cell backend as the NaN-fill tests drive it, whatever its cell's argument and result types. */
export interface AnyNativeBackend {
  forward(a: never, training: boolean): { saved: unknown } & Record<string, unknown>;
  backward(a: never, f: never, ...rest: never[]): Record<string, unknown>;
  release?(f: never): void;
}

/** The four native-cpu cells with their arguments, number of states, output and gradient keys. */
export const NATIVE_CELLS: { name: string; be: AnyNativeBackend; args: (p: Case) => unknown; states: number; outs: string[]; grads: string[] }[] = [
  { name: 'LSTM', be: nativeCpuLstmBackend as unknown as AnyNativeBackend, args: makeArgs, states: 2, outs: ['y', 'hT', 'cT'], grads: ['dx', 'dh0', 'dc0', 'dKernel', 'dRecurrentKernel', 'dBias'] },
  { name: 'GRU', be: nativeCpuGruBackend as unknown as AnyNativeBackend, args: gruArgs, states: 1, outs: ['y', 'hT'], grads: ['dx', 'dh0', 'dKernel', 'dRecurrentKernel', 'dBias'] },
  { name: 'SimpleRNN tanh', be: nativeCpuSimpleRnnBackend as unknown as AnyNativeBackend, args: (p) => srnnArgs(p, false), states: 1, outs: ['y', 'hT'], grads: ['dx', 'dh0', 'dKernel', 'dRecurrentKernel', 'dBias'] },
  { name: 'SimpleRNN relu', be: nativeCpuSimpleRnnBackend as unknown as AnyNativeBackend, args: (p) => srnnArgs(p, true), states: 1, outs: ['y', 'hT'], grads: ['dx', 'dh0', 'dKernel', 'dRecurrentKernel', 'dBias'] },
];
