// Paired, interleaved ratios for the fused GRU and SimpleRNN kernels (issue #13), as bench/paired.ts does for the
// LSTM: lstm-ts native-cpu (native/core/gru_cpu.cpp, srnn_cpu.cpp) against onnxruntime's GRU / RNN op
// (inference) and PyTorch CPU nn.GRU / nn.RNN (inference and training step), all at ONE thread, one op of each
// side alternating in ABBA order, so each ratio sees the same machine state. Also the pure-TS fused kernel and
// the generic cell loop against native-cpu (training step), to show what fusing buys.
//
//   npx tsx bench/paired-cells.ts [--cells gru,simple_rnn] [--configs small,medium] [--pairs 15] [--json out.json]
//
// Work per op: inference = forward of the whole sequence; training step = forward + backward of mean(y²) with
// every weight and input gradient, no optimizer update. Before timing, onnxruntime's output is compared with
// native-cpu's on the same weights (an independent implementation of the same equations) and the max |diff| is
// printed. torch runs in a child process (bench/torch_cell.py) that times its own ops.

import { writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { CONFIGS, type BenchConfig, fillRandom, machineInfo, loadAvg, quantile } from './peers/common.js';
import { createOrtCell } from './onnx-lstm.js';
import { cpuAddon, cpuUnavailableReason } from '../src/kernels/native-addon.js';
import * as lt from '../src/index.js';
import { gruSequence } from '../src/kernels/gru-sequence.js';
import { simpleRnnSequence } from '../src/kernels/simple-rnn-sequence.js';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const cells = opt('cells', 'gru,simple_rnn').split(',') as ('gru' | 'simple_rnn')[];
const configs = opt('configs', 'small,medium').split(',').map((n) => {
  const c = CONFIGS[n];
  if (!c) throw new Error(`unknown config ${n}`);
  return c;
});
const pairs = Number(opt('pairs', '15'));
const jsonOut = opt('json', '');

interface Sample { ms: number; cpuMs: number }
async function timeAsync(fn: () => Promise<void> | void): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const cu = process.cpuUsage(c0);
  return { ms, cpuMs: (cu.user + cu.system) / 1000 };
}

class TorchServer {
  private lines: AsyncIterableIterator<string>;
  private proc;
  version = '';
  constructor(kind: 'gru' | 'rnn', c: BenchConfig) {
    const py = process.env.TORCH_PYTHON ?? '/opt/tfenv/bin/python';
    this.proc = spawn(py, [join(here, 'torch_cell.py'), kind, String(c.B), String(c.T), String(c.I), String(c.H)], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.proc.stdout! })[Symbol.asyncIterator]();
  }
  private async next(): Promise<Record<string, unknown>> {
    const r = await this.lines.next();
    if (r.done) throw new Error('torch server ended');
    return JSON.parse(r.value) as Record<string, unknown>;
  }
  async ready(): Promise<void> {
    const j = (await this.next()).ready as { version: string; threads: number };
    this.version = `torch ${j.version}, ${j.threads} thread`;
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

function weights(kind: 'gru' | 'simple_rnn', c: BenchConfig) {
  const { B, T, I, H } = c;
  const g = kind === 'gru' ? 3 : 1;
  const s = 1 / Math.sqrt(H);
  const scale = (a: Float32Array, k: number): Float32Array => a.map((v) => v * k);
  return {
    x: fillRandom(new Float32Array(T * B * I), 1), h0: new Float32Array(B * H),
    kernel: scale(fillRandom(new Float32Array(I * g * H), 2), 2 * s), recurrentKernel: scale(fillRandom(new Float32Array(H * g * H), 3), 2 * s),
    bias: scale(fillRandom(new Float32Array((kind === 'gru' ? 2 : 1) * g * H), 4), 0.2),
  };
}

async function main(): Promise<void> {
  const addon = cpuAddon();
  if (!addon?.gruForward || !addon.srnnForward) {
    console.log(`native CPU addon with GRU/SimpleRNN kernels not available: ${cpuUnavailableReason() ?? 'rebuild (npm run build:native)'}`);
    process.exit(0);
  }
  addon.setNumThreads(1);
  lt.setGemmBackend('auto');
  console.log(`machine: ${JSON.stringify(machineInfo())}`);
  console.log(`load average at start: ${loadAvg().join(' ')}`);
  const rows: Record<string, unknown>[] = [];
  for (const kind of cells) {
    for (const c of configs) {
      const { B, T, I, H } = c;
      const w = weights(kind, c);
      const args = { T, B, I, H, ...w, seqLengths: null, goBackwards: false, zeroOutputForMask: false, activation: 'tanh' as const };
      const n = T * B * H;
      const fwd = (training: boolean) => (kind === 'gru' ? addon.gruForward!(args, training) : addon.srnnForward!(args, training));
      const nativeInfer = (): void => { fwd(false); };
      const nativeTrain = (): void => {
        const f = fwd(true);
        const dy = new Float32Array(n);
        for (let i = 0; i < n; i++) dy[i] = (2 / n) * f.y[i];
        const g = { saved: f.saved!, dy, dhT: new Float32Array(B * H) };
        if (kind === 'gru') addon.gruBackward!(args, g);
        else addon.srnnBackward!(args, g);
      };
      // the pure-TS fused kernel and the generic cell loop (both through autograd), training step
      const g = kind === 'gru' ? 3 : 1;
      const xt = lt.tensor(w.x, { shape: [T, B, I] });
      const mkLeaf = (d: Float32Array, shape: number[]): lt.Tensor => lt.tensor(d, { shape, requiresGrad: true });
      const leaves = [mkLeaf(w.kernel, [I, g * H]), mkLeaf(w.recurrentKernel, [H, g * H]), mkLeaf(w.bias, kind === 'gru' ? [2, g * H] : [H])];
      const h0 = lt.zeros([B, H]);
      const tsTrain = (): void => {
        const [y] = kind === 'gru' ? gruSequence(xt, h0, leaves[0], leaves[1], leaves[2], { backend: 'ts' })
          : simpleRnnSequence(xt, h0, leaves[0], leaves[1], leaves[2], { backend: 'ts' });
        lt.ops.mean(lt.ops.mul(y, y)).backward();
        for (const l of leaves) l.zeroGrad();
      };
      const layer = kind === 'gru' ? new lt.keras.layers.RNN({ cell: new lt.keras.layers.GRUCell({ units: H }), returnSequences: true })
        : new lt.keras.layers.RNN({ cell: new lt.keras.layers.SimpleRNNCell({ units: H }), returnSequences: true });
      const xb = lt.ops.transpose(xt, [1, 0, 2]);
      const genericTrain = (): void => {
        const y = layer.apply(xb, { training: true }) as lt.Tensor;
        lt.ops.mean(lt.ops.mul(y, y)).backward();
        for (const v of layer.trainableWeights) v.zeroGrad();
      };
      nativeInfer(); nativeTrain(); tsTrain();
      const contenders: { peer: string; what: 'infer' | 'train'; mine: () => void; theirs: () => Promise<Sample> }[] = [];
      const { sess, feeds } = await createOrtCell(kind === 'gru' ? 'GRU' : 'RNN', { I, H, ...w }, T, B);
      const ortOut = await sess.run(feeds);
      const ours = fwd(false).y;
      let maxDiff = 0;
      const oy = ortOut.Y.data as Float32Array;
      for (let i = 0; i < ours.length; i++) maxDiff = Math.max(maxDiff, Math.abs(oy[i] - ours[i]));
      console.log(`${kind} ${c.name}: onnxruntime vs native-cpu outputs, max |diff| ${maxDiff.toExponential(2)}`);
      contenders.push({ peer: 'onnxruntime', what: 'infer', mine: nativeInfer, theirs: () => timeAsync(async () => { await sess.run(feeds); }) });
      const torch = new TorchServer(kind === 'gru' ? 'gru' : 'rnn', c);
      await torch.ready();
      contenders.push({ peer: torch.version, what: 'infer', mine: nativeInfer, theirs: () => torch.op('infer') });
      contenders.push({ peer: torch.version, what: 'train', mine: nativeTrain, theirs: () => torch.op('train') });
      contenders.push({ peer: 'lstm-ts fused ts kernel', what: 'train', mine: nativeTrain, theirs: () => timeAsync(tsTrain) });
      if (c.name !== 'medium') contenders.push({ peer: 'lstm-ts generic cell loop', what: 'train', mine: nativeTrain, theirs: () => timeAsync(genericTrain) });
      for (const k of contenders) {
        const mine: Sample[] = [];
        const theirs: Sample[] = [];
        for (let i = 0; i < pairs; i++) {
          if (i % 2 === 0) {
            mine.push(await timeAsync(k.mine));
            theirs.push(await k.theirs());
          } else {
            theirs.push(await k.theirs());
            mine.push(await timeAsync(k.mine));
          }
        }
        const ratios = mine.map((m, i) => theirs[i].ms / m.ms);
        const row = {
          cell: kind, config: c.name, what: k.what, peer: k.peer, pairs,
          nativeMedianMs: quantile(mine.map((s) => s.ms), 0.5), peerMedianMs: quantile(theirs.map((s) => s.ms), 0.5),
          ratioMedian: quantile(ratios, 0.5), ratioIqr: [quantile(ratios, 0.25), quantile(ratios, 0.75)],
        };
        rows.push(row);
        console.log(`${kind} ${c.name} ${k.what} vs ${k.peer}: native ${row.nativeMedianMs.toFixed(2)} ms, peer ${row.peerMedianMs.toFixed(2)} ms, ` +
          `peer/native ${row.ratioMedian.toFixed(2)} (IQR ${row.ratioIqr.map((v) => v.toFixed(2)).join('–')})`);
      }
      torch.close();
      await sess.release();
    }
  }
  console.log(`load average at end: ${loadAvg().join(' ')}`);
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine: machineInfo(), rows }, null, 1));
}

await main();
