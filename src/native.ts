// lt.native: the native addons (docs/native.md) — lstmts_cpu.node (fused LSTM / GRU / SimpleRNN on our own GEMM) and lstmts_cudnn.node
// (cuDNN 9) — as seen from JS. Nothing here throws when they are missing: `info()` says what was built, what
// loaded, which devices exist, and why anything is missing; kernel selection then uses the TypeScript backend.
// The 'native-cpu' and 'cudnn' backends are registered with the kernel registry (src/kernels/select.ts) at
// import (LSTM_TS_NATIVE=0 opts out; disable()/enable() switch at run time); the addons load lazily, when
// selection first asks a backend for availability().
//
// Environment: LSTM_TS_DISABLE_NATIVE=1 (never load), LSTM_TS_NATIVE_DIR=<dir with the .node files>,
// LSTM_TS_CUDNN_TF32=1 (allow TF32 tensor-core math on the cuDNN path; default is strict FP32 FMA math).

import { fail } from './tensor/shape.js';
import { describeValue } from './util/options.js';
import { envVar } from './util/host.js';
import { registerNativeGemm, type NativeGemm } from './ops/wasm-simd/backend.js';
import {
  registerLstmBackend, unregisterLstmBackend, registerGruBackend, unregisterGruBackend, registerSimpleRnnBackend, unregisterSimpleRnnBackend,
} from './kernels/select.js';
import { nativeCpuLstmBackend, nativeCpuGruBackend, nativeCpuSimpleRnnBackend } from './kernels/native-cpu.js';
import { cudnnLstmBackend, cudnnGruBackend } from './kernels/cudnn.js';
import {
  buildReport, buildReportPath, cpuAddon, cpuUnavailableReason, cudnnAddon, cudnnLoadReason, cudnnProbe, releaseDir,
} from './kernels/native-addon.js';

export { cudnnOptions, cudnnUnavailableReason, cpuUnavailableReason } from './kernels/native-addon.js';
export type { CpuAddon, CudnnAddon, CudnnProbeResult, CpuAddonArgs, NativeGrads, CudnnLstmHandle, CudnnSavedHandle } from './kernels/native-addon.js';
export type { CpuLstmArgsV, CpuCellArgsV, CpuCellGradsV } from './kernels/native-addon.js';

// ---------------------------------------------------------------------------------------------------------
// Public API (lt.native)

export interface NativeInfo {
  /** The CPU addon loaded (the cuDNN addon is reported under built.cudnn / devices / reasons). */
  loaded: boolean;
  reason?: string;
  built: { cpu: boolean; cuda: boolean; cudnn: boolean };
  /**
   * The CPU addon's GEMM (native/core/gemm.h): the micro-kernel in use ('avx512' | 'avx2' | 'generic', chosen at
   * run time from the CPU, or by $LSTM_TS_CPU_ISA), the ones this CPU can run, and the thread count (default: the
   * machine's cores, or $LSTM_TS_NUM_THREADS). null when the CPU addon is not loaded.
   */
  cpu: { gemm: string; isa: string; isasSupported: string[]; threads: number; defaultThreads: number } | null;
  loadedAddons: { cpu: boolean; cudnn: boolean };
  versions: Record<string, string | number>;
  devices: { name: string; computeCapability: string; memoryGiB: number }[];
  /** Why each missing piece is missing (keys: cpu, cpuIsa, cuda, cudnn, device, ...). */
  reasons: Record<string, string>;
  /** Where the addons were looked for, and the build report. */
  paths: { release: string | null; report: string | null };
}

/** What the addon was built with (cpu/cuda/cudnn), what loaded, the GEMM, devices, versions, and why anything is missing. */
export function info(): NativeInfo {
  const report = buildReport();
  const rb = (report?.built ?? {}) as Record<string, boolean>;
  const reasons: Record<string, string> = { ...((report?.reasons ?? {}) as Record<string, string>) };
  const versions: Record<string, string | number> = { ...((report?.versions ?? {}) as Record<string, string>) };
  const cpu = cpuAddon();
  const cudnn = cudnnAddon();
  const cpuReason = cpuUnavailableReason();
  if (cpuReason) reasons.cpu = cpuReason;
  let cpuInfo: NativeInfo['cpu'] = null;
  if (cpu) {
    const bi = cpu.buildInfo();
    versions.napiBuilt = bi.napiVersion;
    cpuInfo = { gemm: bi.gemm, isa: bi.isa, isasSupported: bi.isasSupported, threads: cpu.getNumThreads(), defaultThreads: bi.defaultThreads };
    if (bi.isaEnvProblem) reasons.cpuIsa = bi.isaEnvProblem;
  }
  let devices: NativeInfo['devices'] = [];
  if (cudnn) {
    const p = cudnnProbe()!;
    devices = p.devices;
    versions.cudnnCompiled = p.cudnnCompiledVersion;
    if (p.cudnnVersion) versions.cudnnRuntime = p.cudnnVersion;
    versions.cudartCompiled = p.cudartCompiledVersion;
    versions.cudartRuntime = p.cudartVersion;
    versions.cudaDriver = p.driverVersion;
    if (p.deviceCount === 0) reasons.device = p.error ?? 'no CUDA device';
    if (p.libraryError) reasons.cudnnRuntime = p.libraryError;
  } else if (!reasons.cudnn) {
    reasons.cudnn = cudnnLoadReason() ?? 'not loaded';
  }
  const out: NativeInfo = {
    loaded: cpu !== null,
    built: { cpu: cpu !== null || rb.cpu === true, cuda: rb.cuda === true || cudnn !== null, cudnn: cudnn !== null || rb.cudnn === true },
    loadedAddons: { cpu: cpu !== null, cudnn: cudnn !== null },
    cpu: cpuInfo,
    versions,
    devices,
    reasons,
    paths: { release: releaseDir(), report: buildReportPath() },
  };
  if (cpuReason) out.reason = cpuReason;
  return out;
}

/**
 * Threads of the CPU kernels (an integer 1–1024; 0 restores the default: $LSTM_TS_NUM_THREADS, else the machine's
 * cores). Results are bit-identical for every thread count. Throws if the addon is not loaded.
 */
export function setNumThreads(n: number): void {
  const a = cpuAddon();
  if (!a) fail('native.setNumThreads', `the CPU addon is not loaded: ${cpuUnavailableReason()}`);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 1024) {
    fail('native.setNumThreads', `n must be an integer in [1, 1024] or 0 for the default, got ${describeValue(n)}`);
  }
  a.setNumThreads(n);
}

/**
 * The GEMM micro-kernel of the CPU kernels: 'avx512' | 'avx2' | 'generic' (info().cpu.isasSupported lists what this
 * CPU runs). For tests and comparisons; the default is the fastest the CPU supports.
 */
export function setCpuIsa(isa: 'avx512' | 'avx2' | 'generic'): void {
  const a = cpuAddon();
  if (!a) fail('native.setCpuIsa', `the CPU addon is not loaded: ${cpuUnavailableReason()}`);
  const supported = a.buildInfo().isasSupported;
  if (!supported.includes(isa)) fail('native.setCpuIsa', `isa must be one of ${supported.map((s) => `'${s}'`).join(', ')} on this CPU, got ${describeValue(isa)}`);
  a.setIsa(isa);
}
export function getNumThreads(): number | null {
  return cpuAddon()?.getNumThreads() ?? null;
}


let enabled = false;

/**
 * The matmul ops' native GEMM (src/ops/wasm-simd/backend.ts): large float32 products of Dense, matmul and the
 * TS kernels run on native/core/gemm.h. The operands are passed as subarray views, so nothing is copied.
 */
const nativeGemm: NativeGemm = (A, aOff, transA, B, bOff, transB, C, cOff, M, K, N, accumulate) => {
  const a = cpuAddon();
  if (!a || !a.sgemm) return false;
  a.sgemm({
    A: A.subarray(aOff, aOff + M * K), B: B.subarray(bOff, bOff + K * N), C: C.subarray(cOff, cOff + M * N),
    M, K, N, transA, transB, accumulate,
  });
  return true;
};
const nativeGemmUnavailable = (): string | null => {
  const a = cpuAddon();
  if (!a) return `not available: ${cpuUnavailableReason() ?? 'the CPU addon did not load'}`;
  return a.sgemm ? null : 'not available: the CPU addon was built before it had sgemm (npm run build:native)';
};

function registerAll(): void {
  registerLstmBackend(nativeCpuLstmBackend);
  registerLstmBackend(cudnnLstmBackend);
  registerGruBackend(nativeCpuGruBackend);
  registerGruBackend(cudnnGruBackend);
  registerSimpleRnnBackend(nativeCpuSimpleRnnBackend);
  registerNativeGemm(nativeGemm, nativeGemmUnavailable);
  enabled = true;
}

/**
 * Registers the 'native-cpu' and 'cudnn' backends with the kernel selector, so that backend 'auto' prefers
 * cudnn > native-cpu > ts and layers may force them, and the native GEMM with the matmul ops. Nothing loads yet: the addons load when selection first
 * asks a backend for availability(). Returns info(). Idempotent.
 *
 * Done at import unless LSTM_TS_NATIVE=0; call it again after disable().
 */
export function enable(): NativeInfo {
  if (!enabled) registerAll();
  return info();
}

/** Removes the native backends from the selector again ('auto' then uses the TS kernels). */
export function disable(): void {
  if (enabled) {
    unregisterLstmBackend('native-cpu');
    unregisterLstmBackend('cudnn');
    unregisterGruBackend('native-cpu');
    unregisterGruBackend('cudnn');
    unregisterSimpleRnnBackend('native-cpu');
    registerNativeGemm(null);
    enabled = false;
  }
}

export function isEnabled(): boolean {
  return enabled;
}

// Registered by default, so backend 'auto' uses cuDNN or the CPU addon whenever they are built and usable
// (issue: "selected automatically"); registering loads nothing. LSTM_TS_NATIVE=0 (or
// LSTM_TS_DISABLE_NATIVE=1) keeps 'auto' on the TypeScript kernels.
if (envVar('LSTM_TS_NATIVE') !== '0' && envVar('LSTM_TS_DISABLE_NATIVE') !== '1') registerAll();
