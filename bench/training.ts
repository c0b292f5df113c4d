// Training throughput on the adding problem (T=100, H=128, batch 64 by default): sequences per second of full
// training steps (forward + backward + Adam update of LSTM(H) → Dense(1) with MSE) for
//   lstm-ts TS path (backend 'ts'), lstm-ts native CPU (backend 'native-cpu', when the addon is built),
//   TF 2.21 CPU (bench/tf_training.py, /opt/tfenv) and PyTorch CPU (bench/torch_training.py, /opt/torchenv),
// all on this machine in the same run, one after another. Batches are pre-generated for every framework.
//
//   npx tsx bench/training.ts [--seconds 15] [--T 100] [--H 128] [--B 64] [--skip-tf] [--skip-torch] [--json out.json]
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as lt from '../src/index.js';
import { Sequential } from '../src/train/sequential.js';
import { Adam } from '../src/train/optimizers/index.js';
import { addingBatch } from '../src/train/datasets/adding.js';

interface Row { name: string; version?: string; threads: string; steps: number; seconds: number; seqPerS: number; msPerStep: number; note?: string }

const args = process.argv.slice(2);
const opt = (name: string, def: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const T = opt('T', 100);
const H = opt('H', 128);
const B = opt('B', 64);
const seconds = opt('seconds', 15);

function benchLstmTs(backend: 'ts' | 'native-cpu', label = ''): Row {
  lt.keras.clearSession();
  const model = new Sequential([new lt.keras.layers.LSTM({ units: H, backend }), new lt.keras.layers.Dense({ units: 1 })]);
  model.compile({ optimizer: new Adam({ learningRate: 1e-3 }), loss: 'mse' });
  const rng = new lt.Random(0);
  const batches = Array.from({ length: 8 }, () => addingBatch(rng, B, T));
  for (let i = 0; i < 2; i++) model.trainOnBatch(batches[i].x, batches[i].y); // warm-up
  const path = (model.layers[0] as InstanceType<typeof lt.keras.layers.LSTM>).explain()?.path;
  let n = 0;
  const t0 = performance.now();
  while ((performance.now() - t0) / 1000 < seconds || n < 3) {
    const b = batches[n % batches.length];
    model.trainOnBatch(b.x, b.y);
    n++;
  }
  const dt = (performance.now() - t0) / 1000;
  const info = lt.native.info();
  const threads = backend === 'ts' ? '1 (JS)' : `native ${String(info.cpu?.threads ?? '?')} (${info.cpu?.isa ?? '?'})`;
  return { name: `lstm-ts ${backend} (kernel: ${path})${label}`, threads, steps: n, seconds: dt, seqPerS: (n * B) / dt, msPerStep: (1000 * dt) / n };
}

function peer(python: string, script: string, name: string, env: Record<string, string> = {}): Row {
  if (!existsSync(python)) return { name, threads: '-', steps: 0, seconds: 0, seqPerS: NaN, msPerStep: NaN, note: `${python} not found` };
  const r = spawnSync(python, [script, String(T), String(H), String(B), String(seconds)], {
    encoding: 'utf8', timeout: (seconds + 120) * 1000, env: { ...process.env, ...env },
  });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(line);
    return { name, version: j.version, threads: JSON.stringify(j.threads), steps: j.steps, seconds: j.seconds, seqPerS: j.seq_per_s, msPerStep: j.ms_per_step };
  } catch {
    return { name, threads: '-', steps: 0, seconds: 0, seqPerS: NaN, msPerStep: NaN, note: `failed: ${(r.stderr ?? '').slice(-300)}` };
  }
}

const rows: Row[] = [];
const log = (r: Row): void => {
  rows.push(r);
  console.log(`${r.name.padEnd(44)} ${r.seqPerS.toFixed(1).padStart(9)} seq/s ${r.msPerStep.toFixed(1).padStart(9)} ms/step  steps ${r.steps}  threads ${r.threads}${r.version ? `  v${r.version}` : ''}${r.note ? `  (${r.note})` : ''}`);
};
console.log(`Adding-problem training throughput: T=${T}, H=${H}, batch ${B}, ~${seconds}s per framework; ${os.cpus().length} CPUs (${os.cpus()[0]?.model}); load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
log(benchLstmTs('ts'));
const info = lt.native.enable();
// Each multi-threaded implementation also runs on one thread: on a shared 2-core machine, spinning worker
// threads (OpenMP in PyTorch, OpenBLAS) can lose badly to busy cores, and one thread is the fair peer of the
// single-threaded TS path.
if (info.loadedAddons.cpu) {
  log(benchLstmTs('native-cpu'));
  const before = lt.native.getNumThreads();
  lt.native.setNumThreads(1);
  log(benchLstmTs('native-cpu', ', 1 thread'));
  if (before !== null) lt.native.setNumThreads(before);
} else {
  console.log(`lstm-ts native-cpu: skipped (${info.reason ?? 'addon not loaded'})`);
}
if (!args.includes('--skip-tf')) {
  log(peer('/opt/tfenv/bin/python', 'bench/tf_training.py', 'TensorFlow 2.21 CPU (Keras 3, tf.function)'));
  log(peer('/opt/tfenv/bin/python', 'bench/tf_training.py', 'TensorFlow 2.21 CPU, 1 thread', { BENCH_THREADS: '1' }));
}
if (!args.includes('--skip-torch')) {
  log(peer('/opt/torchenv/bin/python', 'bench/torch_training.py', 'PyTorch CPU'));
  log(peer('/opt/torchenv/bin/python', 'bench/torch_training.py', 'PyTorch CPU, 1 thread', { BENCH_THREADS: '1', OMP_NUM_THREADS: '1' }));
}
console.log(`load average after: ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
const ji = args.indexOf('--json');
if (ji >= 0) writeFileSync(args[ji + 1], JSON.stringify({ T, H, B, seconds, cpus: os.cpus().length, rows }, null, 1));
