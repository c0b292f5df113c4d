// Matmul micro-benchmark: the plain i-k-j loop vs lstm-ts's gemm (and gemmNT / gemmTN, used by matmul's
// backward) — both the scalar JS kernel and the default float32 dispatch (WebAssembly SIMD) — at float32
// 32×768·768×2048 (a batch of 32 rows through an LSTM-sized kernel) and a few other shapes, plus the
// element-wise ops an LSTM step composed from primitives runs.
//
//   npx tsx bench/matmul.ts            (single-threaded: JS runs on one core)
//
// Prints, per kernel: wall-clock ms per call (median) with its GFLOP/s, and CPU-time ms per call (minimum,
// process.cpuUsage) with its GFLOP/s (2·M·K·N flops per call). The load average is printed first: on a
// shared machine, compare kernels by the ratio within one run.

import os from 'node:os';
import { gemm, gemmNT, gemmTN } from '../src/ops/gemm.js';
import { withGemmBackend, wasmSimdStatus } from '../src/ops/wasm-simd/index.js';
import { Tensor } from '../src/tensor/tensor.js';
import { randomUniform } from '../src/tensor/create.js';
import * as ops from '../src/ops/index.js';

function plainIKJ(A: Float32Array, B: Float32Array, C: Float32Array, M: number, K: number, N: number): void {
  C.fill(0);
  for (let i = 0; i < M; i++) {
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k];
      for (let j = 0; j < N; j++) C[i * N + j] += a * B[k * N + j];
    }
  }
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Median wall-clock ms per call, and the minimum CPU-time ms per call of this process. On a shared machine
 * the wall clock includes time other processes held the core; CPU time counts only our own, so the
 * CPU-time figure is the stabler measure of single-threaded kernel speed. Both are printed.
 */
function timeMs(f: () => void, minMs = 300, minRuns = 5): { wall: number; cpu: number } {
  f(); // warm-up (JIT)
  const wall: number[] = [];
  let cpu = Infinity;
  const start = performance.now();
  while (wall.length < minRuns || performance.now() - start < minMs) {
    const c0 = cpuMs();
    const t0 = performance.now();
    f();
    wall.push(performance.now() - t0);
    cpu = Math.min(cpu, cpuMs() - c0);
  }
  wall.sort((a, b) => a - b);
  return { wall: wall[Math.floor(wall.length / 2)], cpu };
}

function fill(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) a[i] = ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  return a;
}

const row = (name: string, t: { wall: number; cpu: number }, flops: number): void =>
  console.log(`${name.padEnd(42)} ${t.wall.toFixed(2).padStart(9)} ms ${(flops / t.wall / 1e6).toFixed(2).padStart(6)} GFLOP/s (wall)` +
    `   ${t.cpu.toFixed(2).padStart(8)} ms ${(flops / t.cpu / 1e6).toFixed(2).padStart(6)} GFLOP/s (cpu time)`);

console.log(`node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'})`);
const shapes: [number, number, number][] = [[32, 768, 2048], [64, 256, 2048], [32, 128, 512], [3200, 64, 512]];
const only = process.argv[2] === '--quick' ? shapes.slice(0, 1) : shapes;
for (const [M, K, N] of only) {
  const A = fill(M * K, 1);
  const B = fill(K * N, 2);
  const C = new Float32Array(M * N);
  const flops = 2 * M * K * N;
  console.log(`\nfloat32 ${M}×${K} · ${K}×${N}`);
  row('plain i-k-j loop', timeMs(() => plainIKJ(A, B, C, M, K, N)), flops);
  const Bt = fill(N * K, 3);
  const At = fill(K * M, 4);
  // The scalar JS kernel (the issue #2 target: ≥ 2 GFLOP/s single-threaded), then the default dispatch, which
  // sends float32 products of this size to the WebAssembly SIMD kernel (src/ops/wasm-simd) when available.
  for (const backend of ['js', 'auto'] as const) {
    const tag = backend === 'js' ? 'JS kernel' : `default (${wasmSimdStatus().ok ? 'wasm SIMD' : 'JS'})`;
    withGemmBackend(backend, () => {
      row(`gemm   A·B   ${tag}`, timeMs(() => gemm(A, 0, B, 0, C, 0, M, K, N, false)), flops);
      row(`gemmNT A·Bᵀ  ${tag}`, timeMs(() => gemmNT(A, 0, Bt, 0, C, 0, M, K, N, false)), flops);
      row(`gemmTN Aᵀ·B  ${tag}`, timeMs(() => gemmTN(At, 0, B, 0, C, 0, M, K, N, false)), flops);
    });
  }
}

console.log('\nelement-wise, float32 [32, 2048] (65536 elements)');
const x = randomUniform([32, 2048], -2, 2, { seed: 1 });
const y = randomUniform([32, 2048], -2, 2, { seed: 2 });
const bias = randomUniform([2048], -1, 1, { seed: 3 });
const el = (name: string, f: () => Tensor): void => {
  const t = timeMs(() => void f(), 200);
  console.log(`${name.padEnd(42)} ${t.wall.toFixed(3).padStart(9)} ms ${(x.size / t.wall / 1e3).toFixed(0).padStart(6)} Melem/s (wall)` +
    `   ${(x.size / t.cpu / 1e3).toFixed(0).padStart(6)} Melem/s (cpu time)`);
};
el('add (same shape)', () => ops.add(x, y));
el('add (bias broadcast [2048])', () => ops.add(x, bias));
el('mul (same shape)', () => ops.mul(x, y));
const mask = randomUniform([32, 1], 0, 1, { seed: 4 });
el('mul by a [32, 1] mask', () => ops.mul(x, mask));
el('where with a [32, 1] mask', () => ops.where(mask, x, y));
el('sigmoid', () => ops.sigmoid(x));
el('tanh', () => ops.tanh(x));
el('sum over axis 0', () => ops.sum(x, 0));
el('split into 4 along axis 1', () => ops.split(x, 4, 1)[0]);
el('transpose', () => ops.transpose(x));
