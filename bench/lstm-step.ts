// The fused LSTM kernel's own benchmark: one training step (forward + backward of sum(y) over the
// returnSequences outputs, through the lstmSequence autograd op with the pure-TS backend) and one inference
// forward, float32, for the three configs of issue #3.
//
//   npx tsx bench/lstm-step.ts [tiny,small,medium] [--reps N]
//
// Prints the median ms per call and GFLOP/s, counting only the GEMMs as bench/peers/common.ts does:
// forward 2·T·B·(I+H)·4H, training step 3× forward. Targets (issue #3, this machine): small training step
// ≤ 380 ms (5× tfjs-cpu's ~1.9 s, and below tfjs-wasm's ~450 ms), small inference < 30 ms.
// Side-by-side ratios with tfjs live in bench/run.ts.

import os from 'node:os';
import { Tensor, Random, tensor, ops } from '../src/index.js';
import { lstmSequence } from '../src/kernels/lstm-sequence.js';

const CONFIGS = {
  tiny: { B: 1, T: 20, I: 8, H: 4 },
  small: { B: 32, T: 50, I: 64, H: 128 },
  medium: { B: 64, T: 100, I: 256, H: 512 },
} as const;
type Name = keyof typeof CONFIGS;

const args = process.argv.slice(2);
const repsArg = args.indexOf('--reps');
const reps = repsArg >= 0 ? Number(args[repsArg + 1]) : 5;
const names = ((args.find((a) => !a.startsWith('--') && a !== String(reps)) ?? 'tiny,small,medium').split(',')) as Name[];

function rand(rng: Random, shape: number[], s: number, requiresGrad: boolean): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.uniformRange(-s, s);
  return tensor(d, { shape, requiresGrad });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/**
 * Median wall ms and median CPU ms (user+system of this process) per call. On a shared machine the wall time
 * includes waiting for a core; the CPU time is what the call itself costs. Both are printed.
 */
function time(fn: () => void, minSampleMs: number): { wall: number; cpu: number } {
  fn(); // JIT warm-up
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    let n = 0;
    const t0 = performance.now();
    const u0 = process.cpuUsage();
    do {
      fn();
      n++;
    } while (performance.now() - t0 < minSampleMs);
    const u = process.cpuUsage(u0);
    wall.push((performance.now() - t0) / n);
    cpu.push((u.user + u.system) / 1000 / n);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

console.log(`lstm-ts fused kernel (pure TS, float32), node ${process.version}, median of ${reps}`);
console.log(`load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
console.log('config   B   T    I    H    train ms (cpu ms)  GFLOP/s   infer ms (cpu ms)  GFLOP/s   peak RSS MiB');
for (const name of names) {
  const c = CONFIGS[name];
  const rng = new Random(1);
  // x is data (no gradient), as for a first layer and as tfjs's variableGrads in bench/run.ts: the kernel then
  // skips the dx GEMM. Every weight and the initial states get gradients.
  const x = rand(rng, [c.T, c.B, c.I], 1, false);
  const h0 = rand(rng, [c.B, c.H], 0.1, true);
  const c0 = rand(rng, [c.B, c.H], 0.1, true);
  const K = rand(rng, [c.I, 4 * c.H], Math.sqrt(6 / (c.I + 4 * c.H)), true);
  const R = rand(rng, [c.H, 4 * c.H], Math.sqrt(6 / (5 * c.H)), true);
  const b = rand(rng, [4 * c.H], 0.1, true);
  const ins = [h0, c0, K, R, b];
  const train = (): void => {
    for (const t of ins) t.zeroGrad();
    const [y] = lstmSequence(x, h0, c0, K, R, b);
    ops.sum(y).backward();
  };
  const xi = x.detach();
  const infer = (): void => {
    lstmSequence(xi, h0.detach(), c0.detach(), K.detach(), R.detach(), b.detach());
  };
  const fwdFlops = 2 * c.T * c.B * (c.I + c.H) * 4 * c.H;
  const tt = time(train, 200);
  const ti = time(infer, 200);
  const rss = process.resourceUsage().maxRSS / 1024;
  const ms = (t: { wall: number; cpu: number }): string => `${t.wall.toFixed(2).padStart(9)} (${t.cpu.toFixed(2).padStart(8)})`;
  console.log(`${name.padEnd(7)} ${String(c.B).padStart(3)} ${String(c.T).padStart(4)} ${String(c.I).padStart(4)} ${String(c.H).padStart(4)}  ` +
    `${ms(tt)} ${(3 * fwdFlops / tt.wall / 1e6).toFixed(2).padStart(8)}  ${ms(ti)} ${(fwdFlops / ti.wall / 1e6).toFixed(2).padStart(8)}   ${rss.toFixed(0).padStart(8)}`);
}
