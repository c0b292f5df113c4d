// Shared pieces of the benchmark runner (bench/run.ts): the configs, the FLOP count, the timing loop and the
// memory probes. Every implementation (lstm-ts variants and the tfjs peers) is measured by the same `measure`
// so the ratios in docs/benchmarks.md compare like with like.

import os from 'node:os';
import { execSync } from 'node:child_process';

export interface BenchConfig {
  name: string;
  B: number; // batch
  T: number; // time steps
  I: number; // input features
  H: number; // units
}

// The three configs named by issues #2/#3/#5 (tiny B1 T20 I8 H4, small B32 T50 I64 H128, medium B64 T100 I256 H512).
export const CONFIGS: Record<string, BenchConfig> = {
  tiny: { name: 'tiny', B: 1, T: 20, I: 8, H: 4 },
  small: { name: 'small', B: 32, T: 50, I: 64, H: 128 },
  medium: { name: 'medium', B: 64, T: 100, I: 256, H: 512 },
};

export type What = 'train' | 'infer';

/**
 * FLOPs of one LSTM forward pass counting only the two GEMMs per step: x_t·K [B,I]·[I,4H] and h·R [B,H]·[H,4H],
 * i.e. 2·B·(I+H)·4H multiply-adds-as-2-FLOPs per step, times T. Gate non-linearities are O(B·H) per step and are
 * left out, as is customary (and as the targets in the issues are stated).
 * A training step (forward + backward) is counted as 3× forward: backward does two GEMMs per forward GEMM
 * (dX = dZ·Kᵀ and dK = Xᵀ·dZ).
 */
export function lstmFlops(c: BenchConfig, what: What): number {
  const fwd = 2 * c.T * c.B * (c.I + c.H) * 4 * c.H;
  return what === 'train' ? 3 * fwd : fwd;
}

export interface Timing {
  /** Median wall-clock milliseconds per op over the samples. */
  msPerOp: number;
  /**
   * Median process CPU time (user + system, process.cpuUsage) per op. On a loaded shared machine wall time
   * includes waiting for a core; CPU time of a single-threaded workload does not, so it is the steadier number
   * (it also counts V8's GC helper threads, which is part of the cost).
   */
  cpuMsPerOp: number;
  cpuSamples: number[];
  /** Per-op milliseconds of each sample (each sample averages `opsPerSample` back-to-back ops). */
  samples: number[];
  opsPerSample: number;
  /** The first (cold) call, which includes JIT warm-up and lazy allocations. */
  firstCallMs: number;
  warmupCalls: number;
  note?: string;
}

export interface MeasureOptions {
  /** Samples wanted after warm-up (fewer when the time budget does not allow). */
  reps: number;
  /** Rough wall-clock budget for the whole measurement of one (impl, config, what). */
  budgetMs: number;
  /** Tiny ops are repeated back-to-back until one sample lasts at least this long (timer resolution, noise). */
  minSampleMs: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Linear-interpolated quantile q ∈ [0, 1] of `a` (q = 0.5: the median, the mean of the middle two for an even count). */
export function quantile(a: readonly number[], q: number): number {
  const s = [...a].sort((x, y) => x - y);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
}

/** 95 % percentile-bootstrap interval of the median of `a` (fixed seed: the same data give the same interval). */
export function bootstrapMedian(a: readonly number[], resamples = 2000): [number, number] {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const meds: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const b = Array.from({ length: a.length }, () => a[Math.floor(rnd() * a.length)]!);
    meds.push(quantile(b, 0.5));
  }
  return [quantile(meds, 0.025), quantile(meds, 0.975)];
}

/**
 * Warm-up, then the median of `reps` samples. Warm-up is one call, plus a second one when the first was short
 * (< 1 s) so V8 / the wasm module has compiled the hot loops before anything is recorded. If even the first call
 * blows the budget, that single cold call is reported and flagged in `note` (it overstates the steady-state time).
 */
export function measure(fn: () => void, opts: MeasureOptions): Timing {
  const cpuFirst = process.cpuUsage();
  let t = performance.now();
  fn();
  const firstCallMs = performance.now() - t;
  if (firstCallMs > opts.budgetMs) {
    const cpu = process.cpuUsage(cpuFirst);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return { msPerOp: firstCallMs, samples: [firstCallMs], cpuMsPerOp: cpuMs, cpuSamples: [cpuMs], opsPerSample: 1, firstCallMs, warmupCalls: 0, note: 'single cold call (over the time budget)' };
  }
  let warmMs = firstCallMs;
  let warmupCalls = 1;
  if (firstCallMs < 1000) {
    t = performance.now();
    fn();
    warmMs = performance.now() - t;
    warmupCalls = 2;
  }
  const k = Math.min(10000, Math.max(1, Math.ceil(opts.minSampleMs / Math.max(warmMs, 1e-3))));
  const spent = firstCallMs + (warmupCalls > 1 ? warmMs : 0);
  const affordable = Math.floor((opts.budgetMs - spent) / Math.max(warmMs * k, 1e-3));
  const reps = Math.max(1, Math.min(opts.reps, affordable));
  const samples: number[] = [];
  const cpuSamples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const cpu0 = process.cpuUsage();
    t = performance.now();
    for (let j = 0; j < k; j++) fn();
    samples.push((performance.now() - t) / k);
    const cpu = process.cpuUsage(cpu0);
    cpuSamples.push((cpu.user + cpu.system) / 1000 / k);
  }
  const note = reps < opts.reps ? `reps cut to ${reps} by the time budget` : undefined;
  return { msPerOp: median(samples), samples, cpuMsPerOp: median(cpuSamples), cpuSamples, opsPerSample: k, firstCallMs, warmupCalls, ...(note ? { note } : {}) };
}

export const MiB = 1024 * 1024;

/** Peak resident set size of this process so far, in MiB (getrusage ru_maxrss; Linux reports KiB). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function rssMiB(): number {
  return process.memoryUsage().rss / MiB;
}

export function loadAvg(): number[] {
  return os.loadavg().map((v) => Math.round(v * 100) / 100);
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  platform: string;
  totalMemGiB: number;
  lscpu?: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  let lscpu: string | undefined;
  try {
    lscpu = execSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((l) => /^(Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|L2 cache|L3 cache|Hypervisor vendor|Flags)/.test(l))
      .map((l) => (l.startsWith('Flags') ? 'Flags (SIMD): ' + (l.match(/\b(avx512\w*|avx2|fma|avx)\b/g) ?? []).join(' ') : l.replace(/\s+/g, ' ')))
      .join('; ');
  } catch {
    lscpu = undefined;
  }
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    totalMemGiB: Math.round((os.totalmem() / MiB / 1024) * 10) / 10,
    ...(lscpu ? { lscpu } : {}),
  };
}

/** Deterministic pseudo-random floats in [-0.5, 0.5) (inputs need not be shared across impls: timing only). */
export function fillRandom(a: Float32Array, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    a[i] = s / 4294967296 - 0.5;
  }
  return a;
}

/** Keras-layout LSTM weights and inputs for timing runs (x [T,B,I] time-major, zero initial states; weights
 *  scaled like glorot so that gates neither saturate nor vanish). Shared by bench/native.ts and bench/paired.ts. */
export function lstmWeights(c: BenchConfig) {
  const { B, T, I, H } = c;
  const s = 1 / Math.sqrt(H);
  const scale = (a: Float32Array, k: number) => a.map((v) => v * k);
  return {
    x: fillRandom(new Float32Array(T * B * I), 1),
    h0: new Float32Array(B * H),
    c0: new Float32Array(B * H),
    kernel: scale(fillRandom(new Float32Array(I * 4 * H), 2), 2 * s),
    recurrentKernel: scale(fillRandom(new Float32Array(H * 4 * H), 3), 2 * s),
    bias: scale(fillRandom(new Float32Array(4 * H), 4), 0.2),
  };
}

/** What one implementation offers the runner for one config. */
export interface Workload {
  /** Human label, e.g. 'lstm-ts layer (ts)'. May be refined after the first call (e.g. which backend was chosen). */
  label(): string;
  /** Forward (inference, no gradient tape). */
  infer(): void;
  /** Forward + backward of mean(y²) over the returnSequences output, gradients for all weights (and x for tfjs: no). */
  train(): void;
  /** Extra memory figures (e.g. wasm heap) in MiB. */
  extraMemory?(): Record<string, number>;
  dispose?(): void;
}
