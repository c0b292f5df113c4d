// Paired, interleaved ratio measurement: native-cpu against onnxruntime (inference) and PyTorch CPU (inference
// and training step), every side at the same thread count (--threads, default 1), one op of each side
// alternating (A B, then B A, ...).
//
// Why: this machine is a shared 2-core VM whose speed drifts by ±10–20 % within a minute (bench/native.ts
// times all native samples, then all peer samples, so a drift between the two blocks goes straight into the
// ratio). Here every native op has a peer op timed right next to it; the ratio of each pair sees the same
// machine state, and the spread of the per-pair ratios says how sure the median ratio is.
//
//   npx tsx bench/paired.ts [--configs small,medium] [--pairs 25] [--warm 1] [--block 2] [--peers ort,torch]
//                           [--threads 1] [--ort-spin 1] [--torch-spincount <n>] [--json out.json]
//
// --peers takes ort, torch and fresh: 'fresh' pairs the native training step against itself without the
// recycling of saved state (a new saved array per step, src/kernels/saved-pool.ts), to measure that change.
//
// --ort-spin 0 turns off onnxruntime's spinning pool threads (session.intra_op.allow_spinning = 0). With several
// threads, ORT's threads spin after each of its runs on the cores our next op needs, since both run in this
// process; neither setting is neutral, so docs/benchmarks.md reports both.
//
// --torch-spincount <n> sets GOMP_SPINCOUNT in torch's child process: how many times torch's OpenMP threads (libgomp)
// poll for work after a parallel region before they sleep. libgomp's default, 300 000 polls, keeps them busy for
// milliseconds after each torch op, on the two cores that our op, timed next, needs: at 2 threads the native samples
// taken right after a torch op were the slow ones (bench/results/2026-12-03f-session-2threads-ortnospin.json:
// 1.3 ms, up to 3.2 ms after torch; 3 warm ops per block did not absorb it). Sleeping at once (0, as
// OMP_WAIT_POLICY=PASSIVE) is no fair setting for torch: its LSTM opens a parallel region per step and then wakes
// sleeping threads each time, 5–7× slower at 2 threads (2026-12-03f-small-2threads-nospin.json). Nor is a pause
// between the sides: after 20 ms asleep both sides ran up to 2× slower (the VM's idle cores clock down;
// 2026-12-03f-small-2threads-settle20.json). docs/benchmarks.md says which count a run used and shows that torch's
// own times do not change with it.
//
// A pair is a block per side: `warm` untimed ops (so that each side runs with its own data in cache, as in a
// training loop, instead of right after the other process evicted it), then `block` timed ops whose median is
// the side's sample. With --warm 0 --block 1 every op runs cold, straight after the other side's.
//
// Work per op is exactly bench/native.ts's: inference = forward of the whole sequence; training step = forward
// + backward of mean(y²) with all weight and input gradients, no optimizer update. torch runs in a child
// process (bench/torch_lstm.py ... serve) that times each op itself (perf_counter / process_time); the Node
// side times its own ops with performance.now / process.cpuUsage. Neither side runs while the other is timed.

import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { CONFIGS, type BenchConfig, lstmWeights, machineInfo, loadAvg, quantile, bootstrapMedian } from './peers/common.js';
import { createOrtLstm } from './onnx-lstm.js';
import { cpuAddon, cpuUnavailableReason } from '../src/kernels/native-addon.js';
import { nativeCpuLstmBackend } from '../src/kernels/native-cpu.js';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const configs = opt('configs', 'small,medium').split(',').map((n) => {
  const c = CONFIGS[n];
  if (!c) throw new Error(`unknown config ${n}`);
  return c;
});
const pairs = Number(opt('pairs', '25'));
const warm = Number(opt('warm', '1'));
const block = Math.max(1, Number(opt('block', '2')));
const peers = new Set(opt('peers', 'ort,torch').split(','));
const jsonOut = opt('json', '');
const threads = Number(opt('threads', '1'));
const ortSpin = opt('ort-spin', '1') !== '0';
const torchSpincount = opt('torch-spincount', '');
if (torchSpincount !== '' && !/^\d+$/.test(torchSpincount)) throw new Error(`--torch-spincount must be a whole number of polls, got ${torchSpincount}`);

if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a positive integer, got ${opt('threads', '1')}`);

interface Sample { ms: number; cpuMs: number }
interface PairResult {
  config: string; what: 'infer' | 'train'; peer: string;
  native: Sample[]; other: Sample[];
}

async function timeAsync(fn: () => Promise<void> | void): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const cu = process.cpuUsage(c0);
  return { ms, cpuMs: (cu.user + cu.system) / 1000 };
}

/** A long-lived torch process answering "infer" / "train" with its own timing of one op. */
class TorchServer {
  private lines: AsyncIterableIterator<string>;
  private proc;
  version = '';
  constructor(c: BenchConfig) {
    const py = process.env.TORCH_PYTHON ?? '/opt/torchenv/bin/python';
    this.proc = spawn(py, [join(here, 'torch_lstm.py'), String(c.B), String(c.T), String(c.I), String(c.H), '1', 'cpu', 'serve'], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, LSTM_TS_BENCH_THREADS: String(threads), ...(torchSpincount !== '' ? { GOMP_SPINCOUNT: torchSpincount } : {}) } });
    this.lines = createInterface({ input: this.proc.stdout! })[Symbol.asyncIterator]();
  }
  private async next(): Promise<Record<string, unknown>> {
    const r = await this.lines.next();
    if (r.done) throw new Error('torch server ended');
    return JSON.parse(r.value) as Record<string, unknown>;
  }
  async ready(): Promise<void> {
    const j = (await this.next()).ready as { version: string; threads: number };
    this.version = `torch ${j.version}, ${j.threads} thread(s), GOMP_SPINCOUNT ${torchSpincount !== '' ? torchSpincount : (process.env.GOMP_SPINCOUNT ?? 'unset (libgomp default 300000)')}`;
  }
  async op(what: 'infer' | 'train'): Promise<Sample> {
    this.proc.stdin!.write(what + '\n');
    const j = await this.next();
    return { ms: j.ms as number, cpuMs: j.cpuMs as number };
  }
  close(): void {
    this.proc.stdin!.end('quit\n');
  }
}

// ---- statistics over the per-pair ratios (peer / native: > 1 means native is faster)
/** Per-field median of a block's samples (the mean of the middle two for an even count). */
const medianSample = (ss: Sample[]): Sample => ({ ms: quantile(ss.map((x) => x.ms), 0.5), cpuMs: quantile(ss.map((x) => x.cpuMs), 0.5) });

function summarize(p: PairResult) {
  const out: Record<string, unknown> = { config: p.config, what: p.what, peer: p.peer, pairs: p.native.length };
  for (const k of ['ms', 'cpuMs'] as const) {
    const ratios = p.native.map((n, i) => p.other[i][k] / n[k]);
    const [lo, hi] = bootstrapMedian(ratios);
    out[k] = {
      nativeMedian: quantile(p.native.map((s) => s[k]), 0.5),
      peerMedian: quantile(p.other.map((s) => s[k]), 0.5),
      ratioMedian: quantile(ratios, 0.5),
      ratioIqr: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
      ratioMedianCi95: [lo, hi],
      shareNativeFaster: ratios.filter((r) => r > 1).length / ratios.length,
      shareWithin1_1: ratios.filter((r) => r >= 1 / 1.1).length / ratios.length,
    };
  }
  return out;
}

async function main(): Promise<void> {
  const addon = cpuAddon();
  if (!addon) {
    console.log(`native CPU addon not available: ${cpuUnavailableReason()}`);
    process.exit(0);
  }
  addon.setNumThreads(threads);
  console.log(`threads per side: ${threads}; native micro-kernel: ${addon.buildInfo().isa}`);
  console.log(`machine: ${JSON.stringify(machineInfo())}`);
  console.log(`load average at start: ${loadAvg().join(' ')}`);
  const results: PairResult[] = [];
  const notes = new Set<string>(); // versions and anything that did not run

  for (const c of configs) {
    const { B, T, I, H } = c;
    const w = lstmWeights(c);
    const args = { T, B, I, H, ...w, seqLengths: null, goBackwards: false, zeroOutputForMask: false };
    const n = T * B * H;
    const nativeInfer = () => { addon.forward(args, false); };
    // The training step as lstmSequence runs it: the native-cpu backend's forward, backward, then release() (the
    // autograd node is done), which recycles the saved state for the next step (src/kernels/saved-pool.ts).
    // nativeTrainFresh leaves that out: a new saved array every step, as before that change (peer 'fresh').
    const seqArgs = { ...args, dtype: 'float32' as const };
    const trainStep = (recycle: boolean) => {
      const f = nativeCpuLstmBackend.forward(seqArgs, true);
      const dy = new Float32Array(n);
      for (let i = 0; i < n; i++) dy[i] = (2 / n) * f.y[i]; // d mean(y²) / dy
      nativeCpuLstmBackend.backward(seqArgs, f, dy, new Float32Array(B * H), new Float32Array(B * H));
      if (recycle) nativeCpuLstmBackend.release!(f);
    };
    const nativeTrain = () => trainStep(true);
    nativeInfer(); nativeInfer(); nativeTrain(); nativeTrain();

    const contenders: { peer: string; what: 'infer' | 'train'; mine: () => void; theirs: () => Promise<Sample> }[] = [];
    let ortRelease: (() => Promise<void>) | null = null;
    if (peers.has('ort')) {
      const { sess, feeds } = await createOrtLstm({ I, H, ...w }, T, B, threads, ortSpin);
      await sess.run(feeds);
      await sess.run(feeds);
      contenders.push({ peer: 'onnxruntime', what: 'infer', mine: nativeInfer, theirs: () => timeAsync(async () => { await sess.run(feeds); }) });
      ortRelease = () => sess.release();
      notes.add(`onnxruntime-node ${(await import('onnxruntime-node/package.json', { with: { type: 'json' } })).default.version}, intra-op threads ${threads}, inter-op 1, allow_spinning ${ortSpin ? 1 : 0}`);
    }
    if (peers.has('fresh')) {
      contenders.push({ peer: 'native, fresh saved array', what: 'train', mine: nativeTrain, theirs: () => timeAsync(() => trainStep(false)) });
    }
    let torch: TorchServer | null = null;
    if (peers.has('torch')) {
      try {
        torch = new TorchServer(c);
        await torch.ready();
        notes.add(torch.version);
        const t = torch;
        contenders.push({ peer: 'torch', what: 'infer', mine: nativeInfer, theirs: () => t.op('infer') });
        contenders.push({ peer: 'torch', what: 'train', mine: nativeTrain, theirs: () => t.op('train') });
      } catch (e) {
        notes.add(`torch ${c.name}: not run (${(e as Error).message})`);
        torch = null;
      }
    }

    for (const k of contenders) {
      const r: PairResult = { config: c.name, what: k.what, peer: k.peer, native: [], other: [] };
      // One side's sample: `warm` untimed ops (their timings are discarded), then the median of `block` timed ops.
      const runBlock = async (timedOp: () => Promise<Sample>): Promise<Sample> => {
        for (let j = 0; j < warm; j++) await timedOp();
        const ss: Sample[] = [];
        for (let j = 0; j < block; j++) ss.push(await timedOp());
        return medianSample(ss);
      };
      const mineBlock = () => runBlock(() => timeAsync(k.mine));
      const theirBlock = () => runBlock(k.theirs);
      for (let i = 0; i < pairs; i++) {
        // ABBA order so that neither side is always the one that runs right after the other.
        if (i % 2 === 0) {
          r.native.push(await mineBlock());
          r.other.push(await theirBlock());
        } else {
          r.other.push(await theirBlock());
          r.native.push(await mineBlock());
        }
      }
      results.push(r);
      const s = summarize(r) as { ms: Record<string, number | number[]>; cpuMs: Record<string, number | number[]> };
      const f = (v: number) => v.toFixed(2);
      const fm = (m: Record<string, number | number[]>) =>
        `native ${f(m.nativeMedian as number)} ms, ${k.peer} ${f(m.peerMedian as number)} ms; ratio ${k.peer}/native median ${f(m.ratioMedian as number)}× ` +
        `(95% CI ${(m.ratioMedianCi95 as number[]).map(f).join('–')}, IQR ${(m.ratioIqr as number[]).map(f).join('–')}), native faster in ${Math.round(100 * (m.shareNativeFaster as number))}% of pairs`;
      console.log(`${c.name} ${k.what} vs ${k.peer} (${pairs} pairs of ${warm} warm + ${block} timed ops per side):\n  wall: ${fm(s.ms)}\n  CPU:  ${fm(s.cpuMs)}`);
    }
    torch?.close();
    if (ortRelease) await ortRelease();
  }
  console.log(`load average at end: ${loadAvg().join(' ')}`);
  for (const nt of notes) console.log(`note: ${nt}`);
  if (jsonOut) {
    writeFileSync(jsonOut, JSON.stringify({ machine: machineInfo(), command: `npx tsx bench/paired.ts ${argv.join(' ')}`, threads, isa: addon.buildInfo().isa, date: new Date().toISOString(), summaries: results.map(summarize), samples: results, notes: [...notes], loadAvg: loadAvg() }, null, 2));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
