// Matmul micro-benchmark: the plain i-k-j loop vs lstm-ts's gemm (and gemmNT / gemmTN, used by matmul's
// backward) at float32 32×768·768×2048 (a batch of 32 rows through an LSTM-sized kernel) and a few other
// shapes, plus the element-wise ops an LSTM step composed from primitives runs.
//
//   npx tsx bench/matmul.ts            (single-threaded: JS runs on one core)
//
// Prints ms per call (median of several runs) and GFLOP/s (2·M·K·N flops per call).

import { gemm, gemmNT, gemmTN } from '../src/ops/gemm.js';
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

function timeMs(f: () => void, minMs = 300, minRuns = 3): number {
  f(); // warm-up (JIT)
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function fill(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) a[i] = ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  return a;
}

const row = (name: string, ms: number, flops: number): void =>
  console.log(`${name.padEnd(44)} ${ms.toFixed(2).padStart(9)} ms  ${(flops / ms / 1e6).toFixed(2).padStart(6)} GFLOP/s`);

const shapes: [number, number, number][] = [[32, 768, 2048], [64, 256, 2048], [32, 128, 512], [3200, 64, 512]];
const only = process.argv[2] === '--quick' ? shapes.slice(0, 1) : shapes;
for (const [M, K, N] of only) {
  const A = fill(M * K, 1);
  const B = fill(K * N, 2);
  const C = new Float32Array(M * N);
  const flops = 2 * M * K * N;
  console.log(`\nfloat32 ${M}×${K} · ${K}×${N}`);
  row('plain i-k-j loop', timeMs(() => plainIKJ(A, B, C, M, K, N)), flops);
  row('gemm        A·B', timeMs(() => gemm(A, 0, B, 0, C, 0, M, K, N, false)), flops);
  const Bt = fill(N * K, 3);
  row('gemmNT      A·Bᵀ (matmul backward dA)', timeMs(() => gemmNT(A, 0, Bt, 0, C, 0, M, K, N, false)), flops);
  const At = fill(K * M, 4);
  row('gemmTN      Aᵀ·B (matmul backward dB)', timeMs(() => gemmTN(At, 0, B, 0, C, 0, M, K, N, false)), flops);
}

console.log('\nelement-wise, float32 [32, 2048] (65536 elements)');
const x = randomUniform([32, 2048], -2, 2, { seed: 1 });
const y = randomUniform([32, 2048], -2, 2, { seed: 2 });
const bias = randomUniform([2048], -1, 1, { seed: 3 });
const el = (name: string, f: () => Tensor): void => {
  const ms = timeMs(() => void f(), 200);
  console.log(`${name.padEnd(44)} ${ms.toFixed(3).padStart(9)} ms  ${(x.size / ms / 1e3).toFixed(0).padStart(6)} Melem/s`);
};
el('add (same shape)', () => ops.add(x, y));
el('add (bias broadcast [2048])', () => ops.add(x, bias));
el('mul (same shape)', () => ops.mul(x, y));
el('sigmoid', () => ops.sigmoid(x));
el('tanh', () => ops.tanh(x));
el('sum over axis 0', () => ops.sum(x, 0));
el('split into 4 along axis 1', () => ops.split(x, 4, 1)[0]);
el('transpose', () => ops.transpose(x));
