// Native CPU kernel benchmark, side by side in one run, all at ONE thread:
//   native-cpu   the addon's fused kernel (OpenBLAS with openblas_set_num_threads(1)), raw typed arrays
//   onnxruntime  onnxruntime-node's ONNX LSTM op (intra/inter-op threads 1) on the same weights (model bytes
//                built by bench/onnx-lstm.ts); inference only (ORT has no LSTM training); its output is also
//                compared with ours (an independent oracle)
//   torch        PyTorch CPU nn.LSTM, torch.set_num_threads(1), via a python subprocess (bench/torch_lstm.py;
//                python from $TORCH_PYTHON, default /opt/torchenv/bin/python)
//   tfjs-wasm    @tensorflow/tfjs-backend-wasm tf.layers.lstm (bench/peers/tfjs.ts)
// Inference = forward of the whole sequence; training step = forward + backward of mean(y²) (all weight and
// input gradients; no optimizer update), the same work for every implementation.
//
//   npx tsx bench/native.ts [--configs small,medium] [--peers ort,torch,wasm] [--budget-ms 20000] [--json out.json]
//   npx tsx bench/native.ts --gpu [--configs medium,large]      cuDNN backend vs torch.nn.LSTM on cuda (GPU machine)
// For ratios under a drifting machine load, bench/paired.ts times the same work in interleaved A/B blocks.
// GPU mode: forward+backward through the 'cudnn' backend (host arrays in and out, as the library uses it) and
// torch.nn.LSTM on cuda, both FP32 without TF32; reports TFLOP/s. torch runs twice: with its data resident on the
// device (torch-cuda, the peer) and with lstm-ts's host data flow (torch-hostio: the same PCIe copies).

import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { CONFIGS, type BenchConfig, lstmFlops, lstmWeights, measure, machineInfo, loadAvg, type Timing } from './peers/common.js';
import { createOrtLstm } from './onnx-lstm.js';
import { cpuAddon, cpuUnavailableReason } from '../src/kernels/native-addon.js';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const configs = opt('configs', process.argv.includes('--gpu') ? 'medium,large' : 'small,medium').split(',').map((n) => {
  const c = ({ ...CONFIGS, large: { name: 'large', B: 128, T: 200, I: 1024, H: 1024 } } as Record<string, BenchConfig>)[n];
  if (!c) throw new Error(`unknown config ${n}`);
  return c;
});
const peers = new Set(opt('peers', 'ort,torch,wasm').split(','));
const budgetMs = Number(opt('budget-ms', '20000'));
const jsonOut = opt('json', '');
const gpu = argv.includes('--gpu');

interface Row { impl: string; config: string; what: 'infer' | 'train'; ms: number; cpuMs: number; gflops: number; samples: number; note?: string }
const rows: Row[] = [];
const notes: string[] = [];

function record(impl: string, c: BenchConfig, what: 'infer' | 'train', t: Timing | { msPerOp: number; cpuMsPerOp: number; samples: number[]; note?: string }): void {
  const gflops = lstmFlops(c, what) / (t.msPerOp / 1000) / 1e9;
  rows.push({ impl, config: c.name, what, ms: t.msPerOp, cpuMs: t.cpuMsPerOp, gflops, samples: t.samples.length, ...(t.note ? { note: t.note } : {}) });
  console.log(`${impl.padEnd(12)} ${c.name.padEnd(7)} ${what.padEnd(6)} ${t.msPerOp.toFixed(2).padStart(9)} ms  (cpu ${Number.isFinite(t.cpuMsPerOp) ? t.cpuMsPerOp.toFixed(2) : '-'} ms, ${gflops.toFixed(1)} GFLOP/s, ${t.samples.length} samples)${t.note ? ' ' + t.note : ''}`);
}

async function gpuMain(): Promise<void> {
  const { cudnnLstmBackend } = await import('../src/kernels/cudnn.js');
  const { cudnnUnavailableReason, cudnnProbe } = await import('../src/kernels/native-addon.js');
  const why = cudnnUnavailableReason();
  if (why !== null) {
    console.log(`cuDNN backend not available: ${why}`);
    return;
  }
  console.log(`cuDNN probe: ${JSON.stringify(cudnnProbe())}`);
  const mopts = { reps: 9, budgetMs, minSampleMs: 200 };
  for (const c of configs) {
    const { B, T, I, H } = c;
    const w = lstmWeights(c);
    const args = { T, B, I, H, dtype: 'float32' as const, ...w, seqLengths: null, goBackwards: false, zeroOutputForMask: false };
    const n = T * B * H;
    record('cudnn', c, 'infer', measure(() => { cudnnLstmBackend.forward(args, false); }, mopts));
    record('cudnn', c, 'train', measure(() => {
      const f = cudnnLstmBackend.forward(args, true);
      const dy = new Float32Array(n);
      for (let i = 0; i < n; i++) dy[i] = (2 / n) * f.y[i];
      cudnnLstmBackend.backward(args, f, dy, new Float32Array(B * H), new Float32Array(B * H));
    }, mopts));
    const py = process.env.TORCH_PYTHON ?? 'python3';
    const r = spawnSync(py, [join(here, 'torch_lstm.py'), String(B), String(T), String(I), String(H), String(Math.round(budgetMs / 1000)), 'cuda'], { encoding: 'utf8', timeout: 10 * 60_000 });
    if (r.status === 0) {
      type Ms = number[];
      const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { version: string; infer: Ms; train: Ms; inferCpu: Ms; trainCpu: Ms; inferHost?: Ms; trainHost?: Ms; inferHostCpu?: Ms; trainHostCpu?: Ms };
      const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
      record('torch-cuda', c, 'infer', { msPerOp: med(j.infer), cpuMsPerOp: med(j.inferCpu), samples: j.infer });
      record('torch-cuda', c, 'train', { msPerOp: med(j.train), cpuMsPerOp: med(j.trainCpu), samples: j.train });
      // torch with lstm-ts's host data flow: the like-for-like peer for a library whose tensors live on the host.
      if (j.inferHost && j.inferHostCpu) record('torch-hostio', c, 'infer', { msPerOp: med(j.inferHost), cpuMsPerOp: med(j.inferHostCpu), samples: j.inferHost });
      if (j.trainHost && j.trainHostCpu) record('torch-hostio', c, 'train', { msPerOp: med(j.trainHost), cpuMsPerOp: med(j.trainHostCpu), samples: j.trainHost });
    } else {
      console.log(`torch cuda: not run: ${(r.error?.message ?? r.stderr).slice(-300)}`);
    }
  }
  for (const r of rows) console.log(`${r.impl} ${r.config} ${r.what}: ${r.ms.toFixed(2)} ms = ${(r.gflops / 1000).toFixed(2)} TFLOP/s`);
  for (const c of configs) {
    // Bytes each cudnn call moves over PCIe (weights are uploaded only when they change, so not per step).
    const f = 4, x = c.T * c.B * c.I * f, y = c.T * c.B * c.H * f, st = c.B * c.H * f, w = 4 * c.H * (c.I + c.H + 1) * f;
    const inferB = x + 2 * st + y + 2 * st; // x, h0, c0 up; y, hT, cT down
    const trainB = inferB + y + 2 * st + x + 2 * st + w; // + dy, dhT, dcT up; dx, dh0, dc0, dK|dR|db down
    console.log(`${c.name}: host<->device per op: infer ${(inferB / 2 ** 20).toFixed(1)} MiB, train ${(trainB / 2 ** 20).toFixed(1)} MiB`);
    for (const what of ['infer', 'train'] as const) {
      const ours = rows.find((r) => r.impl === 'cudnn' && r.config === c.name && r.what === what);
      for (const peer of ['torch-cuda', 'torch-hostio']) {
        const p = rows.find((r) => r.impl === peer && r.config === c.name && r.what === what);
        if (ours && p) console.log(`${c.name} ${what}: ${peer}/cudnn = ${(p.ms / ours.ms).toFixed(2)}x (>= 1/1.1 = 0.91 meets the target)`);
      }
    }
  }
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine: machineInfo(), rows }, null, 2));
}

async function main(): Promise<void> {
  if (gpu) return gpuMain();
  console.log(`machine: ${JSON.stringify(machineInfo())}`);
  console.log(`load average at start: ${loadAvg().join(' ')}`);
  const addon = cpuAddon();
  if (!addon) {
    console.log(`native CPU addon not available: ${cpuUnavailableReason()}`);
    process.exit(0);
  }
  addon.setNumThreads(1);
  console.log(`native: ${JSON.stringify(addon.buildInfo())}, BLAS threads ${addon.getNumThreads()}`);
  const mopts = { reps: 9, budgetMs, minSampleMs: 200 };

  for (const c of configs) {
    const { B, T, I, H } = c;
    const w = lstmWeights(c);
    const args = { T, B, I, H, ...w, seqLengths: null, goBackwards: false, zeroOutputForMask: false };
    // ---- native-cpu
    let yNative: Float32Array | null = null;
    record('native-cpu', c, 'infer', measure(() => { yNative = addon.forward(args, false).y; }, mopts));
    const n = T * B * H;
    record('native-cpu', c, 'train', measure(() => {
      const f = addon.forward(args, true);
      const dy = new Float32Array(n);
      for (let i = 0; i < n; i++) dy[i] = (2 / n) * f.y[i]; // d mean(y²) / dy
      addon.backward(args, { saved: f.saved!, dy, dhT: new Float32Array(B * H), dcT: new Float32Array(B * H) });
    }, mopts));

    // ---- onnxruntime
    if (peers.has('ort')) {
      try {
        const { sess, feeds } = await createOrtLstm({ I, H, ...w }, T, B);
        let y: Float32Array | null = null;
        // ORT's run() is async; time it with the same measure() by awaiting inside a synchronous-looking
        // loop is impossible, so measure sequential awaited runs directly with the same warm-up/median rule.
        const samples: number[] = [];
        const cpuS: number[] = [];
        const first = performance.now();
        await sess.run(feeds);
        const firstMs = performance.now() - first;
        const reps = Math.max(3, Math.min(9, Math.floor(budgetMs / Math.max(firstMs, 1))));
        for (let r = 0; r < reps; r++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          const out = await sess.run(feeds);
          samples.push(performance.now() - t0);
          const cu = process.cpuUsage(c0);
          cpuS.push((cu.user + cu.system) / 1000);
          y = out.Y.data as Float32Array;
        }
        const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
        record('onnxruntime', c, 'infer', { msPerOp: med(samples), cpuMsPerOp: med(cpuS), samples });
        if (y && yNative) {
          let d = 0;
          for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(y[i] - (yNative as Float32Array)[i]));
          notes.push(`${c.name}: max |y_native − y_onnxruntime| = ${d.toExponential(2)}`);
          console.log(`  max |y_native − y_onnxruntime| = ${d.toExponential(2)}`);
        }
        await sess.release();
      } catch (e) {
        notes.push(`onnxruntime ${c.name}: ${(e as Error).message}`);
        console.log(`onnxruntime: ${(e as Error).message}`);
      }
    }

    // ---- torch (subprocess)
    if (peers.has('torch')) {
      const py = process.env.TORCH_PYTHON ?? '/opt/torchenv/bin/python';
      const r = spawnSync(py, [join(here, 'torch_lstm.py'), String(B), String(T), String(I), String(H), String(Math.round(budgetMs / 1000))], { encoding: 'utf8', timeout: 10 * 60_000 });
      if (r.status === 0) {
        const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as { version: string; threads: number; infer: number[]; train: number[]; inferCpu: number[]; trainCpu: number[] };
        const med = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
        console.log(`  torch ${j.version}, threads ${j.threads}`);
        record('torch', c, 'infer', { msPerOp: med(j.infer), cpuMsPerOp: med(j.inferCpu), samples: j.infer });
        record('torch', c, 'train', { msPerOp: med(j.train), cpuMsPerOp: med(j.trainCpu), samples: j.train });
        notes.push(`torch ${j.version} (${py}), ${j.threads} thread`);
      } else {
        notes.push(`torch ${c.name}: not run (${(r.error?.message ?? r.stderr).slice(-300)})`);
        console.log(`torch: not run: ${(r.error?.message ?? r.stderr).slice(-300)}`);
      }
    }

    // ---- tfjs wasm
    if (peers.has('wasm')) {
      try {
        const { makeTfjsWorkload } = await import('./peers/tfjs.js');
        const { work, info } = await makeTfjsWorkload('wasm', c);
        console.log(`  tfjs ${JSON.stringify(info)}`);
        record('tfjs-wasm', c, 'infer', measure(() => work.infer(), { ...mopts, reps: 3 }));
        record('tfjs-wasm', c, 'train', measure(() => work.train(), { ...mopts, reps: 3 }));
        work.dispose?.();
      } catch (e) {
        notes.push(`tfjs-wasm ${c.name}: ${(e as Error).message}`);
        console.log(`tfjs-wasm: ${(e as Error).message}`);
      }
    }
  }

  // ---- ratios
  console.log('\nratios (peer / native-cpu, wall ms and process-CPU ms; > 1 means native is faster):');
  const lines: string[] = [];
  for (const c of configs) {
    for (const what of ['infer', 'train'] as const) {
      const me = rows.find((r) => r.impl === 'native-cpu' && r.config === c.name && r.what === what);
      if (!me) continue;
      for (const peer of ['onnxruntime', 'torch', 'tfjs-wasm']) {
        const p = rows.find((r) => r.impl === peer && r.config === c.name && r.what === what);
        if (p) {
          const l = `${c.name} ${what}: ${peer} ${p.ms.toFixed(1)} ms / native ${me.ms.toFixed(1)} ms = ${(p.ms / me.ms).toFixed(2)}× wall; CPU ${p.cpuMs.toFixed(1)} / ${me.cpuMs.toFixed(1)} ms = ${(p.cpuMs / me.cpuMs).toFixed(2)}×`;
          lines.push(l);
          console.log('  ' + l);
        }
      }
    }
  }
  console.log(`load average at end: ${loadAvg().join(' ')}`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine: machineInfo(), rows, ratios: lines, notes, loadAvg: loadAvg() }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
