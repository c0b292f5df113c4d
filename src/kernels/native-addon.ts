// Loads the native addons lazily from build/Release (see src/native.ts for the public view, docs/native.md).
// Never throws for a missing or broken addon: each getter returns null and a *UnavailableReason() says why.
// Shared by the backends (native-cpu.ts, cudnn.ts) and by src/native.ts; it imports neither, so there is no
// import cycle.

import { envVar, isNode, nodeModule, nodeProcess, nodeRequire } from '../util/host.js';

// ---------------------------------------------------------------------------------------------------------
// Addon shapes (what native/binding/*.cpp export)

export interface CpuAddonArgs {
  T: number; B: number; I: number; H: number;
  x: Float32Array; h0?: Float32Array; c0?: Float32Array;
  kernel: Float32Array; recurrentKernel: Float32Array; bias?: Float32Array;
  seqLengths?: Int32Array | null; goBackwards?: boolean; zeroOutputForMask?: boolean;
}
export interface NativeGrads {
  dx: Float32Array; dh0: Float32Array; dc0: Float32Array;
  dKernel: Float32Array; dRecurrentKernel: Float32Array; dBias: Float32Array;
}
/** The positional forms' leading arguments (native/binding/cpu_addon.cpp ArgPos): an LSTM argument object's keys
 * in order; a backward passes undefined for h0, c0 and bias. */
export type CpuLstmArgsV = [
  T: number, B: number, I: number, H: number, x: Float32Array, h0: Float32Array | undefined, c0: Float32Array | undefined,
  kernel: Float32Array, recurrentKernel: Float32Array, bias: Float32Array | undefined, seqLengths: Int32Array | null,
  goBackwards: boolean, zeroOutputForMask: boolean,
];
/** The same for the GRU and SimpleRNN (CellArgPos): no c0; activation last (the GRU ignores it). */
export type CpuCellArgsV = [
  T: number, B: number, I: number, H: number, x: Float32Array, h0: Float32Array | undefined, kernel: Float32Array,
  recurrentKernel: Float32Array, bias: Float32Array | undefined, seqLengths: Int32Array | null, goBackwards: boolean,
  zeroOutputForMask: boolean, activation: 'tanh' | 'relu' | undefined,
];
/** A single-state cell's gradients from its positional backward (the object form's keys, in order). */
export type CpuCellGradsV = [dx: Float32Array, dh0: Float32Array, dKernel: Float32Array, dRecurrentKernel: Float32Array, dBias: Float32Array];

export interface CpuAddon {
  buildInfo(): { gemm: string; isa: string; isasSupported: string[]; isaEnvProblem: string; defaultThreads: number; napiVersion: number; compiler: string };
  /** 1–1024, or 0 for the default. */
  setNumThreads(n: number): void;
  setIsa(isa: string): void;
  /** Test hook: outputs start as NaN instead of uninitialised memory (test/native/output-poison.test.ts); returns a
   * 4-element output allocated under the new setting. */
  setOutputPoison?(on: boolean): Float32Array;
  /** C (+)= op(A)·op(B) in place (native/core/gemm.h); exact lengths. Absent in addons built before issue #14. */
  sgemm?(a: { A: Float32Array; B: Float32Array; C: Float32Array; M: number; K: number; N: number; transA?: boolean; transB?: boolean; accumulate?: boolean }): void;
  getNumThreads(): number;
  savedFloats(d: { T: number; B: number; H: number }): number;
  forward(args: CpuAddonArgs, training: boolean, savedInto?: Float32Array): { y: Float32Array; hT: Float32Array; cT: Float32Array; saved: Float32Array | null };
  backward(args: CpuAddonArgs, g: { saved: Float32Array; dy: Float32Array; dhT: Float32Array; dcT: Float32Array; skipDx?: boolean }): NativeGrads;
  /** The positional forms of forward / backward (and of the cells' below): the same checks and results, as arrays
   * in the object form's key order; reading named properties was ~40 % of a tiny call (docs/benchmarks.md "Tiny
   * calls"). What the backends call; absent in addons built before them. */
  forwardV?(...a: [...CpuLstmArgsV, training: boolean, savedInto?: Float32Array]): [y: Float32Array, hT: Float32Array, cT: Float32Array, saved: Float32Array | null];
  backwardV?(...a: [...CpuLstmArgsV, saved: Float32Array, dy: Float32Array, dhT: Float32Array, dcT: Float32Array, skipDx: boolean]): [dx: Float32Array, dh0: Float32Array, dc0: Float32Array, dKernel: Float32Array, dRecurrentKernel: Float32Array, dBias: Float32Array];
  gruForwardV?(...a: [...CpuCellArgsV, training: boolean, savedInto?: Float32Array]): [y: Float32Array, hT: Float32Array, saved: Float32Array | null];
  gruBackwardV?(...a: [...CpuCellArgsV, saved: Float32Array, dy: Float32Array, dhT: Float32Array, skipDx: boolean]): CpuCellGradsV;
  srnnForwardV?(...a: [...CpuCellArgsV, training: boolean, savedInto?: Float32Array]): [y: Float32Array, hT: Float32Array, saved: Float32Array | null];
  srnnBackwardV?(...a: [...CpuCellArgsV, saved: Float32Array, dy: Float32Array, dhT: Float32Array, skipDx: boolean]): CpuCellGradsV;
  /** GRU (native/core/gru_cpu): bias [6H], no c0. Absent in addons built before the GRU kernel existed. */
  gruForward?(args: CpuAddonArgs, training: boolean, savedInto?: Float32Array): { y: Float32Array; hT: Float32Array; saved: Float32Array | null };
  gruBackward?(args: CpuAddonArgs, g: { saved: Float32Array; dy: Float32Array; dhT: Float32Array; skipDx?: boolean }):
    { dx: Float32Array; dh0: Float32Array; dKernel: Float32Array; dRecurrentKernel: Float32Array; dBias: Float32Array };
  /** SimpleRNN (native/core/srnn_cpu): kernel [I,H], bias [H], activation 'tanh' | 'relu'. */
  srnnForward?(args: CpuAddonArgs & { activation: 'tanh' | 'relu' }, training: boolean, savedInto?: Float32Array): { y: Float32Array; hT: Float32Array; saved: Float32Array | null };
  srnnBackward?(args: CpuAddonArgs & { activation: 'tanh' | 'relu' }, g: { saved: Float32Array; dy: Float32Array; dhT: Float32Array; skipDx?: boolean }):
    { dx: Float32Array; dh0: Float32Array; dKernel: Float32Array; dRecurrentKernel: Float32Array; dBias: Float32Array };
}
export interface CudnnProbeResult {
  cudnnVersion: number; cudnnCompiledVersion: number; cudartVersion: number; cudartCompiledVersion: number;
  driverVersion: number; deviceCount: number;
  devices: { name: string; computeCapability: string; memoryGiB: number }[];
  error?: string; libraryError?: string;
}
/** Opaque handle to a training forward's device state (reserve space etc.). */
export type CudnnSavedHandle = { readonly __cudnnSaved: unique symbol };
export interface CudnnLstmHandle {
  setWeights(w: { kernel: Float32Array; recurrentKernel: Float32Array; bias: Float32Array; version?: number }): void;
  forward(args: { T: number; B: number; x: Float32Array; h0: Float32Array; c0: Float32Array; seqLengths?: Int32Array | null;
    goBackwards?: boolean; zeroOutputForMask?: boolean }, training: boolean):
    { y: Float32Array; hT: Float32Array; cT: Float32Array; saved: CudnnSavedHandle | null };
  backward(saved: CudnnSavedHandle, g: { T: number; B: number; dy: Float32Array; dhT: Float32Array; dcT: Float32Array; keep?: boolean }): NativeGrads;
  release(saved: CudnnSavedHandle): void;
  stats(): { weightUploads: number; forwardCalls: number; backwardCalls: number; workspaceBytes: number;
    weightSpaceBytes: number; liveReserveBytes: number; liveSaved: number };
}
export interface CudnnAddon {
  /** `cells`: the cell kinds CudnnLstm accepts ("lstm,gru"; absent in addons built before the GRU mode). */
  buildInfo(): { cudnnCompiledVersion: number; cudartCompiledVersion: number; cells?: string };
  probe(): CudnnProbeResult;
  CudnnLstm: new (o: { I: number; H: number; device?: number; tf32?: boolean; cell?: 'lstm' | 'gru' }) => CudnnLstmHandle;
}

// ---------------------------------------------------------------------------------------------------------
// Loading

type Loaded<T> = { addon: T; path: string } | { addon: null; reason: string };

// Node's modules, fetched when an addon is first looked for (src/util/host.ts: no static node: imports, so the
// package bundles for a browser, where every getter below reports "not on Node" and the TS kernels run).
interface NodeBits {
  fs: typeof import('node:fs'); dirname: (p: string) => string; join: (...p: string[]) => string; resolve: (...p: string[]) => string;
  here: string; require: NodeJS.Require; platform: string; arch: string;
}
let nodeBits: NodeBits | null | undefined;
function node(): NodeBits | null {
  if (nodeBits === undefined) {
    if (!isNode()) {
      nodeBits = null;
    } else {
      const op = 'native addon loader';
      const path = nodeModule('node:path', op);
      const p = nodeProcess()!;
      nodeBits = {
        fs: nodeModule('node:fs', op), dirname: path.dirname, join: path.join, resolve: path.resolve,
        here: path.dirname(nodeModule('node:url', op).fileURLToPath(import.meta.url)), require: nodeRequire(import.meta.url, op),
        platform: p.platform, arch: p.arch,
      };
    }
  }
  return nodeBits;
}
const NOT_NODE = 'not running on Node.js (the native addons are Node-only; the TypeScript kernels run here)';

/**
 * Where the addons are loaded from, in order: LSTM_TS_NATIVE_DIR; the package's build/Release (built here: a
 * checkout, or a consumer's from-source build); the package's prebuilds/<platform>-<arch> (shipped in the npm
 * package by scripts/prebuild.mjs, CPU addon only). src/ (tsx) and dist/src/ (compiled) both live below the
 * package root.
 */
export function releaseDir(file = 'lstmts_cpu.node'): string | null {
  const n = node();
  if (n === null) return null;
  const { join, dirname } = n;
  const { existsSync } = n.fs;
  const dirEnv = envVar('LSTM_TS_NATIVE_DIR');
  if (dirEnv) return n.resolve(dirEnv);
  let d = n.here;
  let firstRelease: string | null = null;
  for (let i = 0; i < 4; i++) {
    const release = join(d, 'build', 'Release');
    const pre = join(d, 'prebuilds', `${n.platform}-${n.arch}`);
    if (existsSync(join(release, file))) return release;
    if (existsSync(join(pre, file))) return pre;
    if (firstRelease === null && existsSync(release)) firstRelease = release;
    d = dirname(d);
  }
  return firstRelease;
}

function packageRoot(): string | null {
  const n = node();
  if (n === null) return null;
  let d = n.here;
  for (let i = 0; i < 4; i++) {
    if (n.fs.existsSync(n.join(d, 'package.json')) && n.fs.existsSync(n.join(d, 'CMakeLists.txt'))) return d;
    d = n.dirname(d);
  }
  return null;
}

function load<T>(file: string): Loaded<T> {
  const n = node();
  if (n === null) return { addon: null, reason: NOT_NODE };
  if (envVar('LSTM_TS_DISABLE_NATIVE') === '1') return { addon: null, reason: 'disabled by LSTM_TS_DISABLE_NATIVE=1' };
  const dir = releaseDir(file);
  if (dir === null) {
    return { addon: null, reason: `no build/Release folder and no prebuilds/${n.platform}-${n.arch}: the addon was not built (npm run build:native; see build/native-report.json)` };
  }
  const path = n.join(dir, file);
  if (!n.fs.existsSync(path)) {
    const why = reportReasons();
    return { addon: null, reason: `${file} was not built${why ? ` (${why})` : ''}` };
  }
  try {
    return { addon: n.require(path) as T, path };
  } catch (e) {
    return { addon: null, reason: `${file} failed to load: ${(e as Error).message}` };
  }
}

let cpuLoaded: Loaded<CpuAddon> | undefined;
let cudnnLoaded: Loaded<CudnnAddon> | undefined;
let cudnnProbeCache: CudnnProbeResult | undefined;

/** The CPU addon, or null (see cpuUnavailableReason()). */
export function cpuAddon(): CpuAddon | null {
  cpuLoaded ??= load<CpuAddon>('lstmts_cpu.node');
  return cpuLoaded.addon;
}
export function cpuUnavailableReason(): string | null {
  cpuAddon();
  return cpuLoaded!.addon ? null : (cpuLoaded as { reason: string }).reason;
}

/** The cuDNN addon, or null (see cudnnUnavailableReason()). Loaded ≠ usable: see cudnnProbe(). */
export function cudnnAddon(): CudnnAddon | null {
  cudnnLoaded ??= load<CudnnAddon>('lstmts_cudnn.node');
  return cudnnLoaded.addon;
}

/** Why the cuDNN addon did not load, or null when it did. */
export function cudnnLoadReason(): string | null {
  cudnnAddon();
  return cudnnLoaded!.addon ? null : (cudnnLoaded as { reason: string }).reason;
}

/** Device / library probe of the cuDNN addon (cached), or null when the addon is not loaded. */
export function cudnnProbe(): CudnnProbeResult | null {
  const a = cudnnAddon();
  if (!a) return null;
  cudnnProbeCache ??= a.probe();
  return cudnnProbeCache;
}

/** Why the cuDNN backend cannot run here (addon missing, no CUDA device, cuDNN libraries missing), or null. */
export function cudnnUnavailableReason(): string | null {
  const a = cudnnAddon();
  if (!a) return (cudnnLoaded as { reason: string }).reason;
  const p = cudnnProbe()!;
  if (p.deviceCount === 0) return p.error ?? 'no CUDA device';
  if (p.libraryError) return p.libraryError;
  return null;
}

export function buildReportPath(): string | null {
  const root = packageRoot();
  return root ? node()!.join(root, 'build', 'native-report.json') : null;
}

let reportCache: Record<string, unknown> | null | undefined;
export function buildReport(): Record<string, unknown> | null {
  if (reportCache !== undefined) return reportCache;
  reportCache = null;
  const p = buildReportPath();
  if (p && node()!.fs.existsSync(p)) {
    try {
      reportCache = JSON.parse(node()!.fs.readFileSync(p, 'utf8')) as Record<string, unknown>;
    } catch {
      reportCache = null;
    }
  }
  return reportCache;
}
function reportReasons(): string {
  const r = buildReport();
  const reasons = (r?.reasons ?? {}) as Record<string, string>;
  return Object.entries(reasons).map(([k, v]) => `${k}: ${v}`).join('; ');
}

/** cuDNN math: strict FP32 (FMA, default) or TF32 tensor cores. Applies to cuDNN layers created afterwards. */
/** tf32: TF32 tensor-core math (LSTM_TS_CUDNN_TF32=1); device: the CUDA device index (LSTM_TS_CUDNN_DEVICE, default 0). */
export const cudnnOptions = { tf32: envVar('LSTM_TS_CUDNN_TF32') === '1', device: Number(envVar('LSTM_TS_CUDNN_DEVICE') ?? 0) };
