// LSTM LAYER training step, side by side in ONE run: lt.keras.layers.LSTM (its 'auto' choice, the pure-TS fused
// kernel, the generic cell loop, and the native CPU kernel when built) beside tf.layers.lstm on tfjs's CPU and WASM backends.
//
//   npx tsx bench/layers.ts [--config small|tiny|medium] [--reps N] [--skip tfjs-cpu,...]
//
// Workload (the same on every side): returnSequences LSTM on [B, T, I] float32, loss = mean(y²), gradients for
// every trainable weight (no optimizer update). Default config small: B32 T50 I64 H128.
// Memory: process.memoryUsage() sampled after every step (rss, heapUsed, arrayBuffers), reported as the peak
// growth over the value before the implementation's first step; for tfjs-wasm the wasm linear memory too.
// Everything runs in this one process, in the order printed, so later rows may inherit earlier heap growth
// (rss only grows): bench/run.ts isolates each implementation in its own process for the official table.

import os from 'node:os';
import { keras, ops, Tensor, tensor, native, noGrad } from '../src/index.js';
import { CONFIGS, fillRandom, MiB, type BenchConfig, type Workload } from './peers/common.js';
import { makeTfjsWorkload } from './peers/tfjs.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const cfg: BenchConfig = CONFIGS[opt('config', 'small')];
const reps = Number(opt('reps', '5'));
const skip = new Set(opt('skip', '').split(',').filter(Boolean));

function ourWorkload(c: BenchConfig, backend: 'auto' | 'ts' | 'generic' | 'native-cpu'): Workload {
  const layer = new keras.layers.LSTM({ units: c.H, returnSequences: true, backend: backend === 'generic' ? 'ts' : backend, unroll: backend === 'generic' });
  const x = tensor(fillRandom(new Float32Array(c.B * c.T * c.I), 7), { shape: [c.B, c.T, c.I] });
  layer.build([c.B, c.T, c.I]);
  let path = '?';
  return {
    label: () => `lstm-ts LSTM layer (${backend}${path !== '?' ? ` → ${path}` : ''})`,
    infer() {
      noGrad(() => layer.apply(x));
    },
    train() {
      for (const w of layer.trainableWeights) w.zeroGrad();
      const y = layer.apply(x, { training: true }) as Tensor;
      ops.mean(ops.square(y)).backward();
      path = layer.explain()!.path;
    },
    dispose() {},
  };
}

interface Row { label: string; trainMs: number; cpuMs: number; inferMs: number; firstMs: number; rssMiB: number; heapMiB: number; abMiB: number; extra: string }

function median(a: number[]): number {
  const s = [...a].sort((p, q) => p - q);
  return s[s.length >> 1];
}

function measure(w: Workload): Row {
  const m0 = process.memoryUsage();
  const peak = { rss: 0, heap: 0, ab: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss - m0.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed - m0.heapUsed);
    peak.ab = Math.max(peak.ab, m.arrayBuffers - m0.arrayBuffers);
  };
  const t0 = performance.now();
  w.train();
  const firstMs = performance.now() - t0;
  sample();
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const u0 = process.cpuUsage();
    w.train();
    const u = process.cpuUsage(u0);
    times.push(performance.now() - t);
    cpu.push((u.user + u.system) / 1000);
    sample();
  }
  // Inference forward: ours under noGrad (no graph), tfjs model.predict (no tape).
  w.infer();
  const inf: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    w.infer();
    inf.push(performance.now() - t);
    sample();
  }
  const extra = w.extraMemory ? Object.entries(w.extraMemory()).map(([k, v]) => `${k}=${v.toFixed(0)}`).join(' ') : '';
  return { label: w.label(), trainMs: median(times), cpuMs: median(cpu), inferMs: median(inf), firstMs, rssMiB: peak.rss / MiB, heapMiB: peak.heap / MiB, abMiB: peak.ab / MiB, extra };
}

async function main(): Promise<void> {
  console.log(`LSTM layer training step (forward + backward of mean(y²), returnSequences), config ${cfg.name}: B${cfg.B} T${cfg.T} I${cfg.I} H${cfg.H}, float32`);
  console.log(`node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}, median of ${reps} after 1 warm-up`);
  const rows: Row[] = [];
  for (const b of ['auto', 'ts', 'generic'] as const) {
    if (skip.has(`lstm-ts-${b}`)) continue;
    rows.push(measure(ourWorkload(cfg, b)));
  }
  // The native CPU kernel (OpenBLAS) through the same layer, when the addon is built here.
  if (!skip.has('lstm-ts-native-cpu')) {
    const info = native.enable();
    if (info.loaded) rows.push(measure(ourWorkload(cfg, 'native-cpu')));
    else console.log(`(native CPU addon not loaded: ${info.reason ?? 'unknown reason'})`);
    native.disable();
  }
  for (const be of ['cpu', 'wasm'] as const) {
    if (skip.has(`tfjs-${be}`)) continue;
    const { work } = await makeTfjsWorkload(be, cfg);
    rows.push(measure(work));
    work.dispose?.();
  }
  const ref = rows.find((r) => r.label.includes('(auto'));
  // Wall time includes waiting for a core on a shared machine; CPU time (user+system of this process) does not.
  console.log('\nimplementation                                  train ms   cpu ms  first ms  cpu vs ours(auto)  infer ms  Δrss MiB  ΔheapUsed  ΔarrayBuffers  extra');
  for (const r of rows) {
    const ratio = ref ? (r.cpuMs / ref.cpuMs).toFixed(2) + '×' : '';
    console.log(`${r.label.padEnd(46)} ${r.trainMs.toFixed(1).padStart(9)} ${r.cpuMs.toFixed(1).padStart(8)} ${r.firstMs.toFixed(0).padStart(9)} ${ratio.padStart(18)} ${r.inferMs.toFixed(1).padStart(9)} ${r.rssMiB.toFixed(0).padStart(9)} ${r.heapMiB.toFixed(0).padStart(10)} ${r.abMiB.toFixed(0).padStart(14)}  ${r.extra}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
