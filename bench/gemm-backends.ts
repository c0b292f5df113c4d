// The float32 GEMM backends of the matmul ops side by side: the JS kernel, the generated wasm SIMD kernel and the
// native addon's GEMM (native/core/gemm.h), on shapes from tiny to the LSTM's, interleaved blocks per shape.
// It sets NATIVE_GEMM_MIN_MACS (src/ops/wasm-simd/backend.ts): 'auto' uses the native GEMM from there on.
//
//   npx tsx bench/gemm-backends.ts [--threads 1]
import { gemm } from '../src/ops/gemm.js';
import { withGemmBackend, NATIVE_GEMM_MIN_MACS } from '../src/ops/wasm-simd/backend.js';
import * as lt from '../src/index.js';
import { machineInfo, loadAvg } from './peers/common.js';

const argv = process.argv.slice(2);
const threads = Number(argv[argv.indexOf('--threads') + 1] ?? 1) || 1;
const SHAPES: [number, number, number][] = [
  [8, 8, 8], [16, 16, 16], [4, 64, 64], [24, 24, 24], [32, 32, 32], [1, 512, 512], [64, 64, 64], [32, 128, 512],
  [64, 256, 1024], [64, 512, 2048], [1, 512, 2048],
];

function block(fn: () => void): number {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 10) {
    fn();
    n++;
  }
  return ((performance.now() - t0) / n) * 1000;
}

function main(): void {
  if (lt.native.info().cpu === null) {
    console.log(`native CPU addon not available: ${lt.native.info().reason}`);
    return;
  }
  lt.native.setNumThreads(threads);
  console.log(`machine: ${JSON.stringify(machineInfo())}`);
  console.log(`load average at start: ${loadAvg().join(' ')}; threads ${threads}; NATIVE_GEMM_MIN_MACS ${NATIVE_GEMM_MIN_MACS}`);
  console.log('   M     K     N        MACs    js µs  wasm µs  native µs  wasm/native  auto');
  for (const [M, K, N] of SHAPES) {
    const A = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i));
    const B = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i));
    const C = new Float32Array(M * N);
    const run = (b: 'js' | 'wasm-simd' | 'native') => () => withGemmBackend(b, () => gemm(A, 0, B, 0, C, 0, M, K, N, false));
    const fs = { js: run('js'), wasm: run('wasm-simd'), native: run('native') };
    for (let i = 0; i < 5; i++) Object.values(fs).forEach((f) => f());
    const t: Record<string, number[]> = { js: [], wasm: [], native: [] };
    const order = ['js', 'wasm', 'native'] as const;
    for (let r = 0; r < 7; r++) {
      const seq = r % 2 === 0 ? order : [...order].reverse();
      for (const k of seq) t[k].push(block(fs[k]));
    }
    const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
    const macs = M * K * N;
    console.log(`${String(M).padStart(4)} ${String(K).padStart(5)} ${String(N).padStart(5)} ${String(macs).padStart(11)} ${med(t.js).toFixed(1).padStart(8)} ${med(t.wasm).toFixed(1).padStart(8)} ${med(t.native).toFixed(1).padStart(10)} ${(med(t.wasm) / med(t.native)).toFixed(2).padStart(12)}  ${macs >= NATIVE_GEMM_MIN_MACS ? 'native' : 'wasm/js'}`);
  }
  console.log(`load average at end: ${loadAvg().join(' ')}`);
}

main();
