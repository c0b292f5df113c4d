// Writes LSTM cases (weights, inputs, output seeds) and the results of every available backend (ts, native-cpu,
// cudnn) to a JSON file, for bench/torch_compare.py to check against PyTorch's nn.LSTM on the same weights — an
// independent oracle; on a GPU machine PyTorch runs the same cuDNN. See docs/native.md "GPU checks".
//
//   npx tsx bench/torch_compare_dump.ts [out.json]        (default /tmp/lstm-ts-torch-compare.json)
//
// Cases avoid what PyTorch cannot express: no go_backwards, and for masked cases the output seed dy is zero at
// padded steps (PyTorch's packed sequences output zeros there, Keras the previous output; with dy = 0 there
// both define the same loss and gradients).
import { writeFileSync } from 'node:fs';
import * as lt from '../src/index.js';
import { tsLstmBackend } from '../src/kernels/ts.js';
import { nativeCpuLstmBackend } from '../src/kernels/native-cpu.js';
import { cudnnLstmBackend } from '../src/kernels/cudnn.js';
import type { LstmBackend, LstmSeqArgs } from '../src/kernels/types.js';

const out = process.argv[2] ?? '/tmp/lstm-ts-torch-compare.json';
const cases = [
  { T: 7, B: 3, I: 5, H: 4, lens: null as number[] | null },
  { T: 12, B: 5, I: 8, H: 16, lens: [12, 3, 7, 1, 12] },
  { T: 50, B: 32, I: 64, H: 128, lens: null },
  { T: 30, B: 16, I: 40, H: 96, lens: Array.from({ length: 16 }, (_, i) => 1 + ((i * 7) % 30)) },
];

const rng = new lt.Random(2024);
const arr = (n: number, s: number) => Float32Array.from({ length: n }, () => rng.uniformRange(-s, s));
const info = lt.native.enable();
console.log(`native: ${JSON.stringify(info.built)} devices ${JSON.stringify(info.devices)} reasons ${JSON.stringify(info.reasons)}`);

const dump = cases.map((c) => {
  const { T, B, I, H, lens } = c;
  const args: LstmSeqArgs = {
    T, B, I, H, dtype: 'float32',
    x: arr(T * B * I, 1), h0: arr(B * H, 0.5), c0: arr(B * H, 0.5),
    kernel: arr(I * 4 * H, 1 / Math.sqrt(H)), recurrentKernel: arr(H * 4 * H, 1 / Math.sqrt(H)), bias: arr(4 * H, 0.3),
    seqLengths: lens ? Int32Array.from(lens) : null, goBackwards: false, zeroOutputForMask: false,
  };
  const dy = arr(T * B * H, 1);
  if (lens) for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) if (t >= lens[b]) dy.fill(0, (t * B + b) * H, (t * B + b + 1) * H);
  const dhT = arr(B * H, 1);
  const dcT = arr(B * H, 1);
  const results: Record<string, unknown> = {};
  const backends: [string, LstmBackend][] = [['ts', tsLstmBackend], ['native-cpu', nativeCpuLstmBackend], ['cudnn', cudnnLstmBackend]];
  for (const [name, be] of backends) {
    const av = be.availability();
    if (!av.ok) {
      results[name] = { skipped: av.reason };
      continue;
    }
    const f = be.forward(args, true);
    const g = be.backward(args, f, dy, dhT, dcT);
    results[name] = Object.fromEntries(Object.entries({ y: f.y, hT: f.hT, cT: f.cT, ...g }).map(([k, v]) => [k, Array.from(v as Float32Array)]));
  }
  const plain = (a: ArrayLike<number> | null) => (a ? Array.from(a) : null);
  return {
    ...c, x: plain(args.x), h0: plain(args.h0), c0: plain(args.c0), kernel: plain(args.kernel),
    recurrentKernel: plain(args.recurrentKernel), bias: plain(args.bias), dy: plain(dy), dhT: plain(dhT), dcT: plain(dcT), results,
  };
});
writeFileSync(out, JSON.stringify({ cases: dump }));
console.log(`wrote ${dump.length} cases to ${out}`);
