// Where the native CPU kernels stop paying for their fixed cost per call: the fused TS kernel and native-cpu,
// side by side on tiny calls (LSTM, GRU, SimpleRNN; inference = forward, training step = forward + backward),
// interleaved (ts block, native block, native block, ts block, ...) so that both see the same machine state.
// It sets select.ts's NATIVE_MIN_MACS (per cell): 'auto' keeps calls below it in TypeScript.
//
//   npx tsx bench/small-calls.ts [--rounds 9]
import { Random } from '../src/index.js';
import { tsLstmBackend } from '../src/kernels/ts.js';
import { tsGruBackend } from '../src/kernels/gru-ts.js';
import { tsSimpleRnnBackend } from '../src/kernels/simple-rnn-ts.js';
import { nativeCpuLstmBackend, nativeCpuGruBackend, nativeCpuSimpleRnnBackend } from '../src/kernels/native-cpu.js';
import { cpuAddon, cpuUnavailableReason } from '../src/kernels/native-addon.js';
import { callMacs, NATIVE_MIN_MACS } from '../src/kernels/select.js';
import { machineInfo, loadAvg } from './peers/common.js';

const argv = process.argv.slice(2);
const rounds = Number(argv[argv.indexOf('--rounds') + 1] ?? 9) || 9;

type Kind = 'lstm' | 'gru' | 'srnn';
const GATES: Record<Kind, number> = { lstm: 4, gru: 3, srnn: 1 };
const MIN: Record<Kind, { inference: number; training: number }> = { lstm: NATIVE_MIN_MACS.lstm, gru: NATIVE_MIN_MACS.gru, srnn: NATIVE_MIN_MACS.simpleRnn };
const SIZES: [number, number, number, number][] = [
  [1, 1, 1, 1], [1, 2, 2, 2], [1, 4, 4, 4], [1, 1, 8, 8], [1, 3, 8, 8], [2, 5, 4, 4], [1, 10, 4, 4], [1, 4, 8, 8],
  [1, 1, 32, 32], [4, 10, 8, 8], [1, 20, 8, 4],
];

function args(kind: Kind, B: number, T: number, I: number, H: number) {
  const rng = new Random(1);
  const arr = (n: number, s: number) => Float32Array.from({ length: n }, () => rng.uniformRange(-s, s));
  const G = GATES[kind] * H;
  return {
    T, B, I, H, dtype: 'float32' as const, x: arr(T * B * I, 1), h0: arr(B * H, 0.5), c0: arr(B * H, 0.5),
    kernel: arr(I * G, 0.8), recurrentKernel: arr(H * G, 0.8), bias: arr(kind === 'gru' ? 2 * G : G, 0.5),
    activation: 'tanh' as const, seqLengths: null, goBackwards: false, zeroOutputForMask: false,
    dy: arr(T * B * H, 1), dhT: arr(B * H, 1), dcT: arr(B * H, 1),
  };
}

/** Median µs per op of `fn`, each sample a ≥ 5 ms block. */
function block(fn: () => void): number {
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 5) {
    fn();
    n++;
  }
  return ((performance.now() - t0) / n) * 1000;
}

function main(): void {
  if (!cpuAddon()) {
    console.log(`native CPU addon not available: ${cpuUnavailableReason()}`);
    return;
  }
  console.log(`machine: ${JSON.stringify(machineInfo())}`);
  console.log(`load average at start: ${loadAvg().join(' ')}; NATIVE_MIN_MACS = ${JSON.stringify(NATIVE_MIN_MACS)}`);
  console.log('kind  B  T  I  H   MACs  what   ts µs  native µs  ts/native  auto picks');
  for (const kind of ['lstm', 'gru', 'srnn'] as Kind[]) {
    const [ts, nat] = kind === 'lstm' ? [tsLstmBackend, nativeCpuLstmBackend] : kind === 'gru' ? [tsGruBackend, nativeCpuGruBackend] : [tsSimpleRnnBackend, nativeCpuSimpleRnnBackend];
    for (const [B, T, I, H] of SIZES) {
      const a = args(kind, B, T, I, H);
      for (const train of [false, true]) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const op = (be: any) => () => {
          const f = be.forward(a, train);
          if (train) be.backward(a, f, a.dy, a.dhT, ...(kind === 'lstm' ? [a.dcT] : []));
        };
        const fts = op(ts), fnat = op(nat);
        for (let i = 0; i < 20; i++) { fts(); fnat(); }
        const r: number[] = [], tsT: number[] = [], natT: number[] = [];
        for (let i = 0; i < rounds; i++) {
          let t: number, n: number;
          if (i % 2 === 0) { t = block(fts); n = block(fnat); } else { n = block(fnat); t = block(fts); }
          tsT.push(t); natT.push(n); r.push(t / n);
        }
        const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
        const macs = callMacs({ T, B, I, H }, GATES[kind]);
        console.log(`${kind.padEnd(5)} ${B} ${String(T).padStart(2)} ${String(I).padStart(2)} ${String(H).padStart(2)} ${String(macs).padStart(6)}  ${train ? 'train' : 'infer'}  ${med(tsT).toFixed(1).padStart(6)}  ${med(natT).toFixed(1).padStart(9)}  ${med(r).toFixed(2).padStart(9)}  ${macs < MIN[kind][train ? 'training' : 'inference'] ? 'ts' : 'native-cpu'}`);
      }
    }
  }
  console.log(`load average at end: ${loadAvg().join(' ')}`);
}

main();
