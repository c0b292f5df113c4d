// Where the native CPU kernels stop paying for their fixed cost per call: the fused TS kernel and native-cpu,
// side by side on tiny calls (LSTM, GRU, SimpleRNN; inference = forward, training step = forward + backward),
// interleaved (ts block, native block, native block, ts block, ...) so that both see the same machine state.
// 'auto' keeps a call in TypeScript when its multiply-adds are under select.ts's NATIVE_MIN_MACS (per cell and
// mode); the last columns say what that picks and whether it is the path this run measured faster. Each ratio comes
// with its 95 % bootstrap interval over the rounds: a call counts as surely misplaced only when the whole interval
// is past 10 % on the wrong side (a median past 10 % alone is often one noisy run: docs/benchmarks.md). The run ends
// with the thresholds that would have misplaced the fewest calls (--fit: over the pooled rows of several runs; it
// also takes each call shape's median ratio over the runs and fits the thresholds whose worst shape is least slow,
// the rule select.ts's counts follow).
//
//   npx tsx bench/small-calls.ts [--rounds 9] [--json bench/results/<name>.json]
//   npx tsx bench/small-calls.ts --fit a.json,b.json,...   (no measuring: the best thresholds over the pooled rows of
//                                                          earlier runs, and how each run fares under them and under select.ts's)
import { Random } from '../src/index.js';
import { tsLstmBackend } from '../src/kernels/ts.js';
import { tsGruBackend } from '../src/kernels/gru-ts.js';
import { tsSimpleRnnBackend } from '../src/kernels/simple-rnn-ts.js';
import { nativeCpuLstmBackend, nativeCpuGruBackend, nativeCpuSimpleRnnBackend } from '../src/kernels/native-cpu.js';
import { cpuAddon, cpuUnavailableReason } from '../src/kernels/native-addon.js';
import { callMacs, NATIVE_MIN_MACS } from '../src/kernels/select.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { machineInfo, loadAvg, bootstrapMedian, median } from './peers/common.js';

const argv = process.argv.slice(2);
const rounds = Number(argv[argv.indexOf('--rounds') + 1] ?? 9) || 9;

type Kind = 'lstm' | 'gru' | 'srnn';
const GATES: Record<Kind, number> = { lstm: 4, gru: 3, srnn: 1 };
type Thresholds = Record<Kind, { inference: number; training: number }>;
const MIN: Thresholds = { lstm: NATIVE_MIN_MACS.lstm, gru: NATIVE_MIN_MACS.gru, srnn: NATIVE_MIN_MACS.simpleRnn };
const jsonOut = argv.includes('--json') ? argv[argv.indexOf('--json') + 1] : null;
const SIZES: [number, number, number, number][] = [
  [1, 1, 1, 1], [1, 2, 2, 2], [1, 4, 4, 4], [1, 1, 8, 8], [1, 3, 8, 8], [2, 5, 4, 4], [1, 10, 4, 4], [1, 4, 8, 8],
  [1, 1, 32, 32], [4, 10, 8, 8], [1, 20, 8, 4],
  // more steps at a tiny width, and one-step calls of growing width: separate the per-step from the per-MAC cost
  [1, 8, 2, 2], [1, 16, 4, 4], [1, 30, 2, 2], [2, 2, 8, 8], [8, 4, 4, 4], [1, 2, 16, 16], [2, 1, 16, 16], [1, 6, 16, 16],
  [1, 1, 24, 24], [1, 40, 4, 8],
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

/** ratio: the median over rounds of ts time / native time (> 1: native faster); ratioCi95: its 95 % bootstrap
 * interval over the rounds (rows of runs before it was recorded lack it). */
type Row = { kind: Kind; B: number; T: number; I: number; H: number; macs: number; mode: 'inference' | 'training'; ts: number; native: number; ratio: number; ratioCi95?: [number, number] };
/** Whether a row's pick under `th` was the slower path by more than 10 % (within 10 %: the noise of such calls). */
function misplaced(th: Thresholds, r: Row): boolean {
  if (r.ratio >= 0.9 && r.ratio <= 1.1) return false;
  return (r.ratio > 1) !== (r.macs >= th[r.kind][r.mode]);
}
/** Whether the pick was slower by more than 10 % even at the favourable end of the ratio's 95 % interval: then
 * the rounds of this run agree that the call is on the wrong side, which a median alone does not say. */
function surelyMisplaced(th: Thresholds, r: Row, margin = 0.1): boolean {
  if (!r.ratioCi95) return false;
  const [lo, hi] = r.ratioCi95;
  return r.macs >= th[r.kind][r.mode] ? hi < 1 - margin : lo > 1 + margin;
}

/** The chosen path's speed relative to the other's (< 1: slower). */
function chosenSpeed(th: Thresholds, r: Row): number {
  return r.macs >= th[r.kind][r.mode] ? r.ratio : 1 / r.ratio;
}

/** Per cell and mode, the threshold among the measured MAC counts of `rows` whose key is least, compared entry by
 * entry (ties: the lowest threshold). `key(th, sel)`: the rows of that cell and mode judged under `th`. */
function fitThresholds(rows: Row[], key: (th: Thresholds, sel: Row[]) => number[]): Thresholds {
  const less = (p: number[], q: number[]) => { const i = p.findIndex((v, j) => v !== q[j]); return i >= 0 && p[i] < q[i]; };
  const out = {} as Thresholds;
  for (const kind of ['lstm', 'gru', 'srnn'] as Kind[]) {
    out[kind] = { inference: 0, training: 0 };
    for (const mode of ['inference', 'training'] as const) {
      const sel = rows.filter((r) => r.kind === kind && r.mode === mode);
      let best: number[] | null = null;
      for (const th of [...new Set(sel.map((r) => r.macs))].sort((p, q) => p - q)) {
        const k = key({ ...MIN, [kind]: { ...MIN[kind], [mode]: th } } as Thresholds, sel);
        if (best === null || less(k, best)) { best = k; out[kind][mode] = th; }
      }
    }
  }
  return out;
}

/** The thresholds that misplace the fewest calls (then: whose worst misplaced call is least slow). */
function bestThresholds(rows: Row[]): Thresholds {
  const out = fitThresholds(rows, (t, sel) => {
    const bad = sel.filter((r) => misplaced(t, r));
    return [bad.length, -Math.min(1, ...bad.map((r) => chosenSpeed(t, r)))];
  });
  console.log(`thresholds that misplace the fewest of these calls: ${JSON.stringify({ lstm: out.lstm, gru: out.gru, simpleRnn: out.srnn })}`);
  return out;
}

/** The calls that `th` puts on the slower path by more than 10 %. */
function report(th: Thresholds, name: string, rows: Row[]): void {
  const bad = rows.filter((r) => misplaced(th, r));
  const worst = Math.min(...bad.map((r) => chosenSpeed(th, r)));
  const sure = rows.filter((r) => surelyMisplaced(th, r)).length;
  const slower = rows.filter((r) => surelyMisplaced(th, r, 0)).length;
  const withCi = rows.every((r) => r.ratioCi95)
    ? `; ${sure} of them with the whole 95 % interval of the ratio past 10 %; ${slower} calls with the whole interval on the slower side at all`
    : '';
  console.log(`${name}: ${bad.length} of ${rows.length} calls on the slower path by more than 10 %${bad.length ? ` (worst: the chosen path at ${worst.toFixed(2)}× the other's speed)` : ''}${withCi}`);
  const ci = (r: Row) => (r.ratioCi95 ? ` (95 % CI ${r.ratioCi95.map((v) => v.toFixed(2)).join('–')})` : '');
  for (const r of bad) console.log(`    ${r.kind} B${r.B} T${r.T} I${r.I} H${r.H} (${r.macs}) ${r.mode}: ts/native ${r.ratio.toFixed(2)}${ci(r)}`);
}

/** Per call shape (cell, mode, B, T, I, H), the median over runs of its ratio: what a call costs beyond one run's
 * noise. */
function shapeMedians(runs: { rows: Row[] }[]): Row[] {
  const byShape = new Map<string, Row[]>();
  for (const r of runs.flatMap((run) => run.rows)) {
    const k = `${r.kind} ${r.mode} ${r.B} ${r.T} ${r.I} ${r.H}`;
    byShape.set(k, [...(byShape.get(k) ?? []), r]);
  }
  return [...byShape.values()].map((rs) => ({ ...rs[0], ratio: median(rs.map((r) => r.ratio)), ratioCi95: undefined }));
}

/** The shapes whose median puts `th`'s pick on the slower path, past 10 % and by less. */
function reportShapeMedians(th: Thresholds, name: string, runs: { rows: Row[] }[]): void {
  const med = shapeMedians(runs);
  const past: string[] = [], within: string[] = [];
  for (const r of med) {
    const speed = chosenSpeed(th, r);
    const k = `${r.kind} ${r.mode} B${r.B} T${r.T} I${r.I} H${r.H} (${r.macs}): ${speed.toFixed(2)}×`;
    if (speed < 0.9) past.push(k);
    else if (speed < 1) within.push(k);
  }
  console.log(`${name}, per shape (median over ${runs.length} runs): ${past.length} of ${med.length} shapes on the slower path by more than 10 %${past.length ? ` (${past.join('; ')})` : ''}; ${within.length} by less${within.length ? ` (${within.join('; ')})` : ''}`);
}

/** The thresholds whose worst shape (by median over the runs) is least slow; then the ones with the fewest shapes
 * on the slower path at all. */
function bestShapeThresholds(runs: { rows: Row[] }[]): Thresholds {
  const out = fitThresholds(shapeMedians(runs), (t, sel) => {
    const speeds = sel.map((r) => chosenSpeed(t, r));
    return [-Math.min(...speeds), speeds.filter((v) => v < 1).length];
  });
  console.log(`thresholds whose worst shape (median over the runs) is least slow: ${JSON.stringify({ lstm: out.lstm, gru: out.gru, simpleRnn: out.srnn })}`);
  return out;
}

function fitFrom(files: string[]): void {
  const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as { rows: Row[] });
  const best = bestThresholds(runs.flatMap((r) => r.rows));
  console.log('under those:');
  runs.forEach((run, i) => report(best, files[i], run.rows));
  reportShapeMedians(best, 'under those', runs);
  reportShapeMedians(bestShapeThresholds(runs), 'under the ones whose worst shape is least slow', runs);
  console.log(`under select.ts's NATIVE_MIN_MACS ${JSON.stringify(NATIVE_MIN_MACS)}:`);
  runs.forEach((run, i) => report(MIN, files[i], run.rows));
  reportShapeMedians(MIN, "under select.ts's", runs);
}

function main(): void {
  if (argv.includes('--fit')) {
    fitFrom(argv[argv.indexOf('--fit') + 1].split(','));
    return;
  }
  if (!cpuAddon()) {
    console.log(`native CPU addon not available: ${cpuUnavailableReason()}`);
    return;
  }
  console.log(`machine: ${JSON.stringify(machineInfo())}`);
  const load0 = loadAvg();
  console.log(`load average at start: ${load0.join(' ')}; native threads: ${cpuAddon()!.getNumThreads()}`);
  console.log('kind  B  T  I  H   MACs  what   ts µs  native µs  ts/native  (95 % CI)    auto picks  faster?');
  const rows: Row[] = [];
  const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1];
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
        const macs = callMacs({ T, B, I, H }, GATES[kind]);
        const row: Row = { kind, B, T, I, H, macs, mode: train ? 'training' : 'inference', ts: med(tsT), native: med(natT), ratio: med(r), ratioCi95: bootstrapMedian(r) };
        rows.push(row);
        const pick = macs >= MIN[kind][row.mode] ? 'native-cpu' : 'ts';
        const right = row.ratio >= 0.9 && row.ratio <= 1.1 ? 'level' : misplaced(MIN, row) ? 'NO' : 'yes';
        console.log(`${kind.padEnd(5)} ${B} ${String(T).padStart(2)} ${String(I).padStart(2)} ${String(H).padStart(2)} ${String(macs).padStart(6)}  ${train ? 'train' : 'infer'}  ${row.ts.toFixed(1).padStart(6)}  ${row.native.toFixed(1).padStart(9)}  ${row.ratio.toFixed(2).padStart(9)}  (${row.ratioCi95!.map((v) => v.toFixed(2)).join('–')})  ${pick.padEnd(11)}  ${right}`);
      }
    }
  }
  report(MIN, `select.ts's NATIVE_MIN_MACS ${JSON.stringify(NATIVE_MIN_MACS)}`, rows);
  const best = bestThresholds(rows);
  const load1 = loadAvg();
  if (jsonOut) {
    writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), machine: machineInfo(), loadStart: load0, loadEnd: load1,
      command: `npx tsx bench/small-calls.ts ${argv.join(' ')}`, threads: cpuAddon()!.getNumThreads(), rows, thresholds: NATIVE_MIN_MACS, best }, null, 1));
  }
  console.log(`load average at end: ${load1.join(' ')}`);
}

main();
