// The native CPU kernels on every GEMM micro-kernel this CPU runs (AVX-512, AVX2, portable: native/core/gemm.h),
// and their determinism across thread counts:
//   1. for each micro-kernel in info().cpu.isasSupported, the fused LSTM, GRU and SimpleRNN equal the pure-TS
//      references (src/kernels/ts.ts, gru-ts.ts, simple-rnn-ts.ts) over random cases, including batches large
//      enough to be split between threads (B up to 40 rows: 1–5 tiles of 8);
//      tolerances as in cpu-vs-ts.test.ts: outputs ≤ 1e-5 abs (GRU, SimpleRNN: relative to max(1, max|ref|), as
//      relu outputs grow), gradients ≤ 1e-4 relative to max(1, max|ref|);
//   2. outputs and gradients are bit-identical for 1, 2, 3 and 4 threads (the batch is split differently each
//      time, rows land in different GEMM tiles);
//   3. $LSTM_TS_CPU_ISA and $LSTM_TS_NUM_THREADS are honoured at load, and a bad value is reported, not ignored.
import { expect } from 'chai';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import * as lt from '../../src/index.js';
import { Random } from '../../src/index.js';
import { tsLstmBackend } from '../../src/kernels/ts.js';
import { tsGruBackend } from '../../src/kernels/gru-ts.js';
import { tsSimpleRnnBackend } from '../../src/kernels/simple-rnn-ts.js';
import { nativeCpuLstmBackend, nativeCpuGruBackend, nativeCpuSimpleRnnBackend } from '../../src/kernels/native-cpu.js';
import { arbLstmCase } from '../kernels/lstm-cases.js';
import { compare, gruArgs, makeArgs, maxAbs, maxMag, requireCpu, seeds, srnnArgs, type Case } from './helpers.js';

type Isa = 'avx512' | 'avx2' | 'generic';

/** Cases big enough that 2–4 threads get slices of whole 8-row tiles (and edge tiles). */
const arbWide: fc.Arbitrary<Case> = arbLstmCase({ T: 6, B: 40, I: 9, H: 21 });

function grads(be: 'gru' | 'srnn', p: Case, relu = false) {
  const rng = new Random(p.seed + 7);
  const dy = Float32Array.from({ length: p.T * p.B * p.H }, () => rng.uniformRange(-1, 1));
  const dhT = Float32Array.from({ length: p.B * p.H }, () => rng.uniformRange(-1, 1));
  if (be === 'gru') {
    const a = gruArgs(p);
    const run = (b: typeof tsGruBackend) => {
      const f = b.forward(a, true);
      return { f, g: b.backward(a, f, dy, dhT) };
    };
    return { ref: run(tsGruBackend), got: run(nativeCpuGruBackend) };
  }
  const a = srnnArgs(p, relu);
  const run = (b: typeof tsSimpleRnnBackend) => {
    const f = b.forward(a, true);
    return { f, g: b.backward(a, f, dy, dhT) };
  };
  return { ref: run(tsSimpleRnnBackend), got: run(nativeCpuSimpleRnnBackend) };
}

function checkClose(label: string, p: Case, r: ReturnType<typeof grads>): void {
  for (const k of ['y', 'hT'] as const) {
    // Relative to max(1, max|ref|): a relu SimpleRNN of H = 21 is unbounded and its outputs reach the hundreds.
    const d = maxAbs(r.got.f[k], r.ref.f[k]) / Math.max(1, maxMag(r.ref.f[k]));
    if (!(d <= 1e-5)) throw new Error(`${label}: ${k} differs by ${d} (relative) for ${JSON.stringify(p)}`);
  }
  for (const k of ['dx', 'dh0', 'dKernel', 'dRecurrentKernel', 'dBias'] as const) {
    const d = maxAbs(r.got.g[k], r.ref.g[k]) / Math.max(1, maxMag(r.ref.g[k]));
    if (!(d <= 1e-4)) throw new Error(`${label}: ${k} differs by ${d} (relative) for ${JSON.stringify(p)}`);
  }
}

function withIsa<T>(isa: Isa, fn: () => T): T {
  const before = lt.native.info().cpu!.isa as Isa;
  lt.native.setCpuIsa(isa);
  try {
    return fn();
  } finally {
    lt.native.setCpuIsa(before);
  }
}

function withThreads<T>(n: number, fn: () => T): T {
  const before = lt.native.getNumThreads()!;
  lt.native.setNumThreads(n);
  try {
    return fn();
  } finally {
    lt.native.setNumThreads(before);
  }
}

describe('native: every GEMM micro-kernel, and determinism across thread counts', function () {
  this.timeout(120000);

  it('LSTM, GRU and SimpleRNN on each micro-kernel this CPU runs == the TS references (1e-5 abs / 1e-4 rel)', function () {
    requireCpu(this);
    const isas = lt.native.info().cpu!.isasSupported as Isa[];
    expect(isas).to.include('generic');
    for (const isa of isas) {
      withIsa(isa, () => withThreads(2, () => {
        expect(lt.native.info().cpu!.isa).to.equal(isa);
        fc.assert(fc.property(arbWide, (p) => {
          const lstm = (be: typeof tsLstmBackend) => {
            const a = makeArgs(p);
            const s = seeds(p);
            const f = be.forward(a, true);
            return { f, g: be.backward(a, f, s.dy, s.dhT, s.dcT) };
          };
          compare(p, lstm(tsLstmBackend), lstm(nativeCpuLstmBackend), `LSTM on ${isa}`);
          checkClose(`GRU on ${isa}`, p, grads('gru', p));
          checkClose(`SimpleRNN (relu) on ${isa}`, p, grads('srnn', p, true));
        }), { numRuns: 40, seed: 1414 });
      }));
    }
    console.log(`      micro-kernels checked: ${isas.join(', ')}`);
  });

  it('outputs and all gradients are bit-identical for 1, 2, 3 and 4 threads (LSTM, GRU, SimpleRNN)', function () {
    requireCpu(this);
    // 37 rows: slices of 37, 19+18, 13+12+12, 10+9+9+9 rows; lengths make some rows masked, one fully.
    const p: Case = { T: 7, B: 37, I: 11, H: 24, lens: Array.from({ length: 37 }, (_, i) => (i * 5) % 8), goBackwards: true, zeroOutputForMask: false, seed: 99 };
    const runAll = () => {
      const a = makeArgs(p);
      const s = seeds(p);
      const f = nativeCpuLstmBackend.forward(a, true);
      const g = nativeCpuLstmBackend.backward(a, f, s.dy, s.dhT, s.dcT);
      const gru = grads('gru', p).got;
      const srnn = grads('srnn', p).got;
      return [f.y, f.hT, f.cT, g.dx, g.dh0, g.dc0, g.dKernel, g.dRecurrentKernel, g.dBias,
        gru.f.y, gru.f.hT, gru.g.dx, gru.g.dh0, gru.g.dKernel, gru.g.dRecurrentKernel, gru.g.dBias,
        srnn.f.y, srnn.f.hT, srnn.g.dx, srnn.g.dh0, srnn.g.dKernel, srnn.g.dRecurrentKernel, srnn.g.dBias];
    };
    const bits = (arrs: ArrayLike<number>[]) => arrs.map((a) => { const v = a as Float32Array; return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64"); });
    const one = withThreads(1, () => bits(runAll()));
    for (const n of [2, 3, 4]) {
      const other = withThreads(n, () => bits(runAll()));
      other.forEach((b, i) => expect(b === one[i], `output/gradient #${i} with ${n} threads differs from 1 thread`).to.equal(true));
    }
    // And across separate calls with the same thread count (no state kept between calls changes a result).
    expect(withThreads(2, () => bits(runAll()))).to.deep.equal(withThreads(2, () => bits(runAll())));
  });

  it('LSTM_TS_CPU_ISA and LSTM_TS_NUM_THREADS are honoured when the addon loads; a bad value is reported', function () {
    requireCpu(this);
    const script = "import('./src/index.ts').then((lt) => { const i = lt.native.info(); console.log(JSON.stringify({ cpu: i.cpu, why: i.reasons.cpuIsa ?? null })); })";
    const child = (env: Record<string, string>) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60000 });
      expect(r.status, r.stderr).to.equal(0);
      return JSON.parse(r.stdout.trim().split('\n').pop()!) as { cpu: { isa: string; threads: number; defaultThreads: number }; why: string | null };
    };
    const g = child({ LSTM_TS_CPU_ISA: 'generic', LSTM_TS_NUM_THREADS: '3' });
    expect(g.cpu.isa).to.equal('generic');
    expect(g.cpu.threads).to.equal(3);
    expect(g.cpu.defaultThreads).to.equal(3);
    expect(g.why).to.equal(null);
    const bad = child({ LSTM_TS_CPU_ISA: 'avx9000' });
    expect(bad.why).to.match(/LSTM_TS_CPU_ISA='avx9000' is not one of generic, avx2, avx512/);
    expect(bad.cpu.isa, 'falls back to the best micro-kernel').to.equal(lt.native.info().cpu!.isasSupported.at(-1));
  });

  it('setNumThreads / setCpuIsa check their arguments', function () {
    requireCpu(this);
    expect(() => lt.native.setNumThreads(-1)).to.throw(/native.setNumThreads: n must be an integer in \[1, 1024\] or 0 for the default, got -1/);
    expect(() => lt.native.setNumThreads(2.5)).to.throw(/got 2.5/);
    expect(() => lt.native.setCpuIsa('sse' as Isa)).to.throw(/native.setCpuIsa: isa must be one of .*'generic'.*, got 'sse'/);
  });
});
