// Benchmark runner: lstm-ts beside @tensorflow/tfjs (CPU and WASM backends) in one command run.
//
//   npx tsx bench/run.ts [--configs tiny,small,medium] [--peers tfjs-cpu,tfjs-wasm|none]
//                        [--impls layer-ts,layer-native-cpu,kernel-ts,generic] [--what train,infer] [--reps N]
//                        [--budget-s S] [--in-process] [--md] [--out FILE | --no-save] [--slow-peers]
//   npx tsx bench/run.ts --report bench/results/FILE.json [--summary]   (markdown tables / targets of a saved run)
//
// Per config it prints ms per op (median of --reps samples after warm-up) and GFLOP/s (bench/peers/common.ts
// lstmFlops: forward 2·T·B·(I+H)·4H, training step 3× forward), the speed-up of each lstm-ts variant over each
// peer (peer ms / our ms: > 1 means lstm-ts is faster), and peak memory.
//
// Isolation: by default every (implementation, config) runs in its own child process, started one after the
// other from this command, so "peak RSS" (getrusage maxrss) belongs to that implementation alone — tfjs-wasm's
// linear memory only grows and would otherwise inflate every later number. --in-process runs everything inside
// this one process instead (timings are the same; memory is then only the growth of a shared process).
// Children run with OPENBLAS_NUM_THREADS=1 (--threads N to change) so native numbers are single-threaded like
// everything else here.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONFIGS, type BenchConfig, type Timing, type What, type Workload, lstmFlops, measure, peakRssMiB, rssMiB, loadAvg, machineInfo,
} from './peers/common.js';

const PEERS = ['tfjs-cpu', 'tfjs-wasm'] as const;
type Peer = (typeof PEERS)[number];
const DEFAULT_IMPLS = ['layer-auto', 'layer-ts', 'layer-ts@js', 'layer-native-cpu', 'layer-generic', 'kernel-ts', 'kernel-native-cpu', 'generic'];

interface ChildJob {
  impl: string; // an lstm-ts impl id or a peer name
  config: string;
  whats: What[];
  reps: number;
  budgetMs: number;
  minSampleMs: number;
}

export interface BenchResult {
  impl: string;
  label: string;
  config: string;
  what: What;
  status: 'ok' | 'skipped' | 'error';
  reason?: string;
  msPerOp?: number;
  gflops?: number;
  timing?: Timing;
  /** MiB. baselineRss: after setup, before the first call; peakRss: process peak after this phase. */
  memory?: Record<string, number>;
  info?: unknown;
  loadAvgBefore?: number[];
}

const RESULT_TAG = '@@BENCH_RESULT ';

/** Row label before a workload could tell its own (skipped / failed rows). */
const labelOf = (impl: string): string => (impl.startsWith('tfjs-') ? impl : `lstm-ts ${impl}`);

// ---------------------------------------------------------------------------------------------------------------
// The measuring side (runs in a child, or in-process).

async function makeWorkload(impl: string, c: BenchConfig): Promise<{ work: Workload; info?: unknown }> {
  if (impl === 'tfjs-cpu' || impl === 'tfjs-wasm') {
    const { makeTfjsWorkload } = await import('./peers/tfjs.js');
    return makeTfjsWorkload(impl === 'tfjs-cpu' ? 'cpu' : 'wasm', c);
  }
  const { makeLstmTsWorkload, nativeInfo } = await import('./peers/lstm-ts.js');
  const work = await makeLstmTsWorkload(impl, c);
  return { work, info: impl.includes('native') ? await nativeInfo() : undefined };
}

async function runJob(job: ChildJob): Promise<BenchResult[]> {
  const c = CONFIGS[job.config];
  if (!c) throw new Error(`unknown config ${job.config}`);
  const out: BenchResult[] = [];
  const base = { impl: job.impl, config: job.config };
  let made: { work: Workload; info?: unknown };
  try {
    made = await makeWorkload(job.impl, c);
  } catch (e) {
    const err = e as Error;
    const unavailable = err.constructor?.name === 'Unavailable';
    for (const what of job.whats) {
      out.push({ ...base, label: labelOf(job.impl), what, status: unavailable ? 'skipped' : 'error', reason: err.message });
    }
    return out;
  }
  const { work, info } = made;
  (globalThis as { gc?: () => void }).gc?.();
  const baselineRss = rssMiB();
  // Inference first: its peak is then not hidden by the (larger) training peak.
  const order = (['infer', 'train'] as What[]).filter((w) => job.whats.includes(w));
  for (const what of order) {
    const loadAvgBefore = loadAvg();
    try {
      const timing = measure(what === 'train' ? () => work.train() : () => work.infer(), {
        reps: job.reps,
        budgetMs: job.budgetMs,
        minSampleMs: job.minSampleMs,
      });
      const memory: Record<string, number> = { baselineRssMiB: baselineRss, peakRssMiB: peakRssMiB(), ...(work.extraMemory?.() ?? {}) };
      out.push({
        ...base, label: work.label(), what, status: 'ok', msPerOp: timing.msPerOp,
        gflops: lstmFlops(c, what) / (timing.msPerOp * 1e6), timing, memory, info, loadAvgBefore,
      });
    } catch (e) {
      const err = e as Error;
      out.push({ ...base, label: work.label(), what, status: 'error', reason: `${err.message}\n${err.stack ?? ''}`.slice(0, 2000), loadAvgBefore });
    }
  }
  work.dispose?.();
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The orchestrating side.

interface Options {
  configs: string[];
  peers: Peer[];
  impls: string[];
  whats: What[];
  reps: number;
  budgetMs: number;
  inProcess: boolean;
  md: boolean;
  out: string | null;
  slowPeers: boolean;
  threads: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    configs: ['tiny', 'small', 'medium'], peers: [...PEERS], impls: [...DEFAULT_IMPLS], whats: ['train', 'infer'], reps: 5,
    budgetMs: 45000, inProcess: false, md: false, out: '', slowPeers: false, threads: 1,
  };
  const list = (v: string | undefined, flag: string): string[] => {
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v.split(',').map((s) => s.trim()).filter(Boolean);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--configs': o.configs = list(val(), flag); break;
      case '--peers': o.peers = list(val(), flag).filter((p) => p !== 'none') as Peer[]; break;
      case '--impls': o.impls = list(val(), flag).filter((p) => p !== 'none'); break;
      case '--what': o.whats = list(val(), flag) as What[]; break;
      case '--reps': o.reps = Number(val()); break;
      case '--budget-s': o.budgetMs = Number(val()) * 1000; break;
      case '--threads': o.threads = Number(val()); break;
      case '--in-process': o.inProcess = true; break;
      case '--md': o.md = true; break;
      case '--out': o.out = val() ?? ''; break;
      case '--no-save': o.out = null; break;
      case '--slow-peers': o.slowPeers = true; break;
      case '--help': case '-h':
        console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(0, 16).join('\n'));
        process.exit(0);
        break;
      default: throw new Error(`bench/run.ts: unknown argument ${a} (see --help)`);
    }
  }
  for (const c of o.configs) if (!CONFIGS[c]) throw new Error(`--configs: unknown config ${c} (known: ${Object.keys(CONFIGS).join(', ')})`);
  for (const p of o.peers) if (!(PEERS as readonly string[]).includes(p)) throw new Error(`--peers: unknown peer ${p} (known: ${PEERS.join(', ')}, none)`);
  for (const w of o.whats) if (w !== 'train' && w !== 'infer') throw new Error(`--what: expected train and/or infer, got ${w}`);
  if (!(o.reps >= 1)) throw new Error(`--reps: expected a positive integer`);
  return o;
}

function runChild(job: ChildJob, threads: number): BenchResult[] {
  const self = fileURLToPath(import.meta.url);
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', JSON.stringify(job)], {
    encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024, timeout: job.budgetMs * 2 * job.whats.length + 120_000, killSignal: 'SIGKILL', cwd: path.resolve(path.dirname(self), '..'),
  });
  const lines = (r.stdout ?? '').split('\n');
  const results = lines.filter((l) => l.startsWith(RESULT_TAG)).map((l) => JSON.parse(l.slice(RESULT_TAG.length)) as BenchResult);
  if (results.length === 0) {
    const why = `child exited with ${r.status ?? r.signal}: ${(r.stderr ?? '').split('\n').slice(-15).join('\n')}`;
    return job.whats.map((what) => ({ impl: job.impl, label: labelOf(job.impl), config: job.config, what, status: 'error' as const, reason: why }));
  }
  return results;
}

const fmt = (v: number | undefined, d = 1): string =>
  v === undefined || !Number.isFinite(v) ? '—' : v >= 100 ? v.toFixed(0) : v > 0 && v < 0.1 ? v.toPrecision(2) : v.toFixed(d);
const fmtMs = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? '—' : v < 1 ? v.toFixed(3) : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0));

/** Speed-up of r over the peer (peer time / r's time; > 1: r is faster), by wall time and by CPU time. */
function ratio(peer: BenchResult | undefined, r: BenchResult): string {
  if (!peer || peer.status !== 'ok' || r.status !== 'ok' || !peer.msPerOp || !r.msPerOp) return '—';
  if (peer.impl === r.impl) return '1';
  const wall = (peer.msPerOp / r.msPerOp).toFixed(2);
  const pc = peer.timing?.cpuMsPerOp;
  const rc = r.timing?.cpuMsPerOp;
  const cpu = pc !== undefined && rc !== undefined && Number.isFinite(pc) && Number.isFinite(rc) && rc > 0 ? (pc / rc).toFixed(2) : '—';
  return `${wall}× / ${cpu}×`;
}

function table(results: BenchResult[], config: string, what: What, md: boolean): string {
  const rows = results.filter((r) => r.config === config && r.what === what);
  const cpu = rows.find((r) => r.impl === 'tfjs-cpu');
  const wasm = rows.find((r) => r.impl === 'tfjs-wasm');
  const head = ['implementation', 'ms/op', 'CPU ms/op', 'GFLOP/s', 'vs tfjs-cpu (wall / CPU)', 'vs tfjs-wasm (wall / CPU)', 'peak RSS MiB (after setup)', 'wasm heap MiB', 'samples', 'load avg (1m)', 'note'];
  const body = rows.map((r) => {
    if (r.status !== 'ok') return [r.label, r.status, '', '', '', '', '', '', '', '', (r.reason ?? '').split('\n')[0]!.slice(0, 90)];
    const t = r.timing!;
    return [
      r.label, fmtMs(r.msPerOp), fmtMs(t.cpuMsPerOp), fmt(r.gflops, 2), ratio(cpu, r), ratio(wasm, r),
      `${fmt(r.memory?.peakRssMiB, 0)} (${fmt(r.memory?.baselineRssMiB, 0)})`,
      r.memory?.wasmHeapMiB !== undefined ? fmt(r.memory.wasmHeapMiB, 0) : '', `${t.samples.length}×${t.opsPerSample}`,
      String(r.loadAvgBefore?.[0] ?? ''), t.note ?? '',
    ];
  });
  if (md) {
    return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((b) => `| ${b.join(' | ')} |`)].join('\n');
  }
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((s, i) => s.padEnd(w[i]!)).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...body.map(line)].join('\n');
}

interface Target {
  issue: string;
  text: string;
  config: string;
  what: What;
  peer: string;
  /** lstm-ts impls to report (one row each when measured; the public layer first). */
  impls: string[];
  kind: 'speed' | 'memory';
  /** Required speed-up (peer ms / ours) or memory ratio (peer peak RSS / ours). */
  factor: number;
}

// The speed and memory targets of issues #2, #3, #5 that this runner measures (the matmul, onnxruntime and
// torch targets are measured by bench/matmul.ts and bench/native.ts).
const TARGETS: Target[] = [
  { issue: '#3', text: 'small training step ≥ 5× faster than tfjs-cpu', config: 'small', what: 'train', peer: 'tfjs-cpu', impls: ['layer-ts', 'layer-ts@js', 'seq-ts'], kind: 'speed', factor: 5 },
  { issue: '#2', text: 'small training step composed from primitive ops faster than tfjs-cpu', config: 'small', what: 'train', peer: 'tfjs-cpu', impls: ['generic', 'layer-generic'], kind: 'speed', factor: 1 },
  { issue: '#3', text: 'small training step faster than tfjs-wasm', config: 'small', what: 'train', peer: 'tfjs-wasm', impls: ['layer-ts', 'layer-ts@js', 'seq-ts'], kind: 'speed', factor: 1 },
  { issue: '#3', text: 'small inference faster than tfjs-wasm', config: 'small', what: 'infer', peer: 'tfjs-wasm', impls: ['layer-ts', 'layer-ts@js', 'seq-ts'], kind: 'speed', factor: 1 },
  { issue: '#3', text: 'medium training step memory far below tfjs-wasm (≥ 4× less peak RSS)', config: 'medium', what: 'train', peer: 'tfjs-wasm', impls: ['layer-ts', 'layer-ts@js', 'layer-native-cpu', 'seq-ts'], kind: 'memory', factor: 4 },
  { issue: '#5', text: 'native CPU training step ≥ 10× faster than tfjs-wasm (small)', config: 'small', what: 'train', peer: 'tfjs-wasm', impls: ['layer-native-cpu'], kind: 'speed', factor: 10 },
  { issue: '#5', text: 'native CPU training step ≥ 10× faster than tfjs-wasm (medium)', config: 'medium', what: 'train', peer: 'tfjs-wasm', impls: ['layer-native-cpu'], kind: 'speed', factor: 10 },
];

/** Markdown rows: target, peer figure, lstm-ts figure, ratio (wall / CPU), verdict. */
function summary(results: BenchResult[]): string {
  const rows: string[] = [
    '| issue | target | peer | lstm-ts | ratio (wall / CPU time) | met? |',
    '|---|---|---|---|---|---|',
  ];
  const find = (impl: string, t: Target): BenchResult | undefined =>
    results.find((r) => r.impl === impl && r.config === t.config && r.what === t.what && r.status === 'ok');
  for (const t of TARGETS) {
    const peer = find(t.peer, t);
    const impls = t.impls.map((i) => find(i, t)).filter((r): r is BenchResult => r !== undefined);
    if (!peer || impls.length === 0) {
      rows.push(`| ${t.issue} | ${t.text} | ${peer ? t.peer : `${t.peer}: not measured`} | ${impls[0] ? impls[0].label : 'not measured'} | — | not measured |`);
      continue;
    }
    for (const impl of impls) {
      if (t.kind === 'memory') {
        const p = peer.memory?.peakRssMiB ?? NaN;
        const o = impl.memory?.peakRssMiB ?? NaN;
        const f = p / o;
        const heap = peer.memory?.wasmHeapMiB !== undefined ? `, wasm heap ${peer.memory.wasmHeapMiB.toFixed(0)}` : '';
        rows.push(`| ${t.issue} | ${t.text} | ${t.peer}: peak RSS ${p.toFixed(0)} MiB${heap} | ${impl.label}: peak RSS ${o.toFixed(0)} MiB | ${f.toFixed(1)}× less | ${f >= t.factor ? 'yes' : 'no'} |`);
        continue;
      }
      const wall = peer.msPerOp! / impl.msPerOp!;
      const pc = peer.timing?.cpuMsPerOp ?? NaN;
      const ic = impl.timing?.cpuMsPerOp ?? NaN;
      const cpu = pc / ic;
      const okWall = wall >= t.factor;
      const okCpu = Number.isFinite(cpu) ? cpu >= t.factor : okWall;
      const verdict = okWall && okCpu ? 'yes' : !okWall && !okCpu ? 'no' : okCpu ? 'yes by CPU time, no by wall time' : 'yes by wall time, no by CPU time';
      const fig = (r: BenchResult): string => `${fmtMs(r.msPerOp)} ms (CPU ${fmtMs(r.timing?.cpuMsPerOp)} ms)`;
      rows.push(`| ${t.issue} | ${t.text} | ${t.peer}: ${fig(peer)} | ${impl.label}: ${fig(impl)} | ${wall.toFixed(2)}× / ${Number.isFinite(cpu) ? cpu.toFixed(2) : '—'}× | ${verdict} |`);
    }
  }
  return rows.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') {
    const job = JSON.parse(argv[1]!) as ChildJob;
    for (const r of await runJob(job)) process.stdout.write(RESULT_TAG + JSON.stringify(r) + '\n');
    return;
  }
  if (argv[0] === '--report') {
    // Re-render the tables of a saved results file (markdown), e.g. for docs/benchmarks.md.
    const doc = JSON.parse(fs.readFileSync(argv[1]!, 'utf8')) as { command: string; started: string; machine: unknown; results: BenchResult[] };
    console.log(`Command: \`${doc.command}\` — started ${doc.started}`);
    if (argv.includes('--summary')) {
      console.log(summary(doc.results));
      return;
    }
    const configs = [...new Set(doc.results.map((r) => r.config))];
    for (const config of configs) {
      for (const what of ['train', 'infer'] as What[]) {
        if (!doc.results.some((r) => r.config === config && r.what === what)) continue;
        const c = CONFIGS[config]!;
        console.log(`\n**${config}** (B${c.B} T${c.T} I${c.I} H${c.H}), ${what === 'train' ? 'training step' : 'inference'}, ${(lstmFlops(c, what) / 1e9).toPrecision(3)} GFLOP/op\n`);
        console.log(table(doc.results, config, what, true));
      }
    }
    return;
  }
  const o = parseArgs(argv);
  const started = new Date();
  const machine = machineInfo();
  const command = `npx tsx bench/run.ts ${argv.join(' ')}`.trim();
  console.log(`# lstm-ts benchmark  ${started.toISOString()}`);
  console.log(`# ${command}`);
  console.log(`# ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}, ${machine.platform}; load avg ${loadAvg().join(' ')}`);
  console.log(`# isolation: ${o.inProcess ? 'in-process' : 'one child process per (implementation, config)'}; BLAS threads ${o.threads}; reps ${o.reps}; budget ${o.budgetMs / 1000}s per measurement`);

  const results: BenchResult[] = [];
  for (const config of o.configs) {
    const c = CONFIGS[config]!;
    console.log(`\n## ${config}  B${c.B} T${c.T} I${c.I} H${c.H}   forward ${(lstmFlops(c, 'infer') / 1e9).toPrecision(3)} GFLOP, training step ${(lstmFlops(c, 'train') / 1e9).toPrecision(3)} GFLOP`);
    const impls = [...o.impls];
    const jobs: string[] = [...o.peers, ...impls];
    for (let j = 0; j < jobs.length; j++) {
      const impl = jobs[j]!;
      if (impl === 'tfjs-cpu' && config === 'medium' && !o.slowPeers) {
        // tfjs-cpu needs minutes per medium training step (pure-JS kernels); opt in with --slow-peers.
        for (const what of o.whats) results.push({ impl, label: labelOf(impl), config, what, status: 'skipped', reason: 'tfjs-cpu on medium takes minutes per step; pass --slow-peers to run it' });
        continue;
      }
      const job: ChildJob = { impl, config, whats: o.whats, reps: o.reps, budgetMs: o.budgetMs, minSampleMs: 50 };
      process.stdout.write(`  running ${impl} ... `);
      const t0 = performance.now();
      const rs = o.inProcess ? await runJob(job) : runChild(job, o.threads);
      console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s  ${rs.map((r) => `${r.what}: ${r.status === 'ok' ? fmtMs(r.msPerOp) + ' ms' : r.status + ' (' + (r.reason ?? '').split('\n')[0] + ')'}`).join(', ')}`);
      results.push(...rs);
      // The layer is the number users get; while it does not exist yet, fall back to the fused autograd op.
      if (impl === 'layer-ts' && rs.every((r) => r.status === 'skipped') && !jobs.includes('seq-ts')) jobs.splice(j + 1, 0, 'seq-ts');
    }
    for (const what of o.whats) {
      console.log(`\n### ${config} ${what === 'train' ? 'training step (forward + backward of mean(y²))' : 'inference (forward)'}`);
      console.log(table(results, config, what, o.md));
    }
  }

  console.log('\n### targets\n' + summary(results));
  const finished = new Date();
  const doc = { started: started.toISOString(), finished: finished.toISOString(), command, machine, options: o, loadAvgEnd: loadAvg(), results };
  if (o.out !== null) {
    const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
    const file = o.out || path.join(dir, `run-${started.toISOString().replace(/[:]/g, '').replace(/\..*/, '')}Z.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(doc, null, 1) + '\n');
    console.log(`\nresults written to ${path.relative(process.cwd(), file)}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
