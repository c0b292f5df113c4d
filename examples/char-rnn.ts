// Character-level language model with lstm-ts: Embedding → LSTM (return sequences) → Dense (logits over the
// characters), trained with sparse categorical cross-entropy to predict the next character at every
// position, then sampled with a temperature.
//
//   npx tsx examples/char-rnn.ts [text-file] [--epochs 40] [--seq-len 40] [--units 96] [--batch-size 32]
//                                [--temperatures 0.2,0.6,1.0] [--sample-length 240] [--seed 1] [--backend auto]
// Without a file it trains on a small built-in sample text (examples/sample-text.ts).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as lt from '../src/index.js';
import { SAMPLE_TEXT } from './sample-text.js';

export interface CharRnnOptions {
  file: string | null;
  epochs: number;
  seqLen: number;
  units: number;
  batchSize: number;
  temperatures: number[];
  sampleLength: number;
  seed: number;
  lr: number;
  backend: 'auto' | 'ts' | 'native-cpu' | 'cudnn';
  verbose: 0 | 1;
}

export function parseArgs(argv: string[]): CharRnnOptions {
  const o: CharRnnOptions = {
    file: null, epochs: 40, seqLen: 40, units: 96, batchSize: 32, temperatures: [0.2, 0.6, 1.0], sampleLength: 240,
    seed: 1, lr: 0.01, backend: 'auto', verbose: 1,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = (): string => {
      const s = argv[++i];
      if (s === undefined) throw new lt.LstmTsError(`char-rnn: ${a} needs a value`);
      return s;
    };
    const int = (): number => {
      const s = v();
      const n = Number(s);
      if (!Number.isInteger(n) || n < 1) throw new lt.LstmTsError(`char-rnn: ${a} needs a positive integer, got '${s}'`);
      return n;
    };
    switch (a) {
      case '--epochs': o.epochs = int(); break;
      case '--seq-len': o.seqLen = int(); break;
      case '--units': o.units = int(); break;
      case '--batch-size': o.batchSize = int(); break;
      case '--sample-length': o.sampleLength = int(); break;
      case '--seed': o.seed = int(); break;
      case '--lr': o.lr = Number(v()); break;
      case '--temperatures': o.temperatures = v().split(',').map(Number); break;
      case '--backend': o.backend = v() as CharRnnOptions['backend']; break;
      case '--quiet': o.verbose = 0; break;
      default:
        if (a.startsWith('--')) throw new lt.LstmTsError(`char-rnn: unknown option '${a}'`);
        o.file = a;
    }
  }
  if (o.temperatures.some((t) => !(t > 0))) throw new lt.LstmTsError(`char-rnn: temperatures must be > 0, got ${o.temperatures.join(',')}`);
  return o;
}

/** Sorted character vocabulary and the text as ids. */
export function encode(text: string): { chars: string[]; ids: Int32Array } {
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  return { chars, ids: Int32Array.from([...text], (c) => index.get(c)!) };
}

/** Windows of seqLen ids (x) and the same windows shifted by one (y), every `stride` characters. */
export function windows(ids: Int32Array, seqLen: number, stride: number): { x: lt.Tensor; y: lt.Tensor } {
  const starts: number[] = [];
  for (let s = 0; s + seqLen + 1 <= ids.length; s += stride) starts.push(s);
  if (starts.length === 0) throw new lt.LstmTsError(`char-rnn: the text (${ids.length} chars) is shorter than --seq-len + 1 (${seqLen + 1})`);
  const x = new Float32Array(starts.length * seqLen);
  const y = new Float32Array(starts.length * seqLen);
  starts.forEach((s, r) => {
    for (let t = 0; t < seqLen; t++) {
      x[r * seqLen + t] = ids[s + t];
      y[r * seqLen + t] = ids[s + t + 1];
    }
  });
  return { x: new lt.Tensor(x, [starts.length, seqLen]), y: new lt.Tensor(y, [starts.length, seqLen]) };
}

/** Samples an index from logits / temperature (softmax with the maximum subtracted). */
export function sampleLogits(logits: ArrayLike<number>, temperature: number, rng: lt.Random): number {
  let m = -Infinity;
  for (let i = 0; i < logits.length; i++) m = Math.max(m, logits[i] / temperature);
  const p = Array.from(logits, (l) => Math.exp(l / temperature - m));
  const total = p.reduce((a, b) => a + b, 0);
  let u = rng.uniform() * total;
  for (let i = 0; i < p.length; i++) {
    u -= p[i];
    if (u <= 0) return i;
  }
  return p.length - 1;
}

export function buildModel(vocab: number, o: CharRnnOptions): lt.keras.Sequential {
  const L = lt.keras.layers;
  const init = (cls: string, k: number) => lt.keras.initializers.get({ class_name: cls, config: { seed: o.seed * 100 + k } });
  const model = new lt.keras.Sequential([
    new L.Embedding({ inputDim: vocab, outputDim: 16, embeddingsInitializer: init('RandomUniform', 0) }),
    new L.LSTM({ units: o.units, returnSequences: true, backend: o.backend, kernelInitializer: init('GlorotUniform', 1), recurrentInitializer: init('Orthogonal', 2) }),
    new L.Dense({ units: vocab, kernelInitializer: init('GlorotUniform', 3) }),
  ]);
  model.compile({
    optimizer: new lt.keras.optimizers.Adam({ learningRate: o.lr, clipnorm: 5 }),
    loss: new lt.keras.losses.SparseCategoricalCrossentropy({ fromLogits: true }),
    metrics: ['accuracy'],
  });
  return model;
}

/** Generates `length` characters after `prime`, feeding the last seqLen characters back each step. */
export function generate(model: lt.keras.Sequential, chars: string[], prime: string, length: number, seqLen: number, temperature: number, rng: lt.Random): string {
  const index = new Map(chars.map((c, i) => [c, i]));
  const ids = [...prime].map((c) => index.get(c) ?? 0);
  let out = '';
  for (let k = 0; k < length; k++) {
    const ctx = ids.slice(-seqLen);
    const logits = lt.noGrad(() => model.apply(lt.tensor([ctx])) as lt.Tensor);
    const V = chars.length;
    const last = logits.data.subarray((ctx.length - 1) * V, ctx.length * V);
    const next = sampleLogits(last, temperature, rng);
    ids.push(next);
    out += chars[next];
  }
  return out;
}

export function run(o: CharRnnOptions, log: (s: string) => void = console.log): { history: lt.keras.History; samples: Record<string, string> } {
  const wasEnabled = lt.native.isEnabled();
  if (o.backend !== 'ts') lt.native.enable();
  try {
    return train(o, log);
  } finally {
    if (!wasEnabled) lt.native.disable();
  }
}

function train(o: CharRnnOptions, log: (s: string) => void): { history: lt.keras.History; samples: Record<string, string> } {
  const text = o.file ? readFileSync(o.file, 'utf8') : SAMPLE_TEXT;
  const { chars, ids } = encode(text);
  const { x, y } = windows(ids, o.seqLen, Math.max(1, Math.floor(o.seqLen / 4)));
  log(`${o.file ?? 'built-in sample text'}: ${text.length} characters, ${chars.length} distinct; ${x.shape[0]} windows of ${o.seqLen}`);
  const model = buildModel(chars.length, o);
  const history = model.fit(x, y, { epochs: o.epochs, batchSize: o.batchSize, seed: o.seed, validationSplit: 0.1, verbose: o.verbose });
  const rng = new lt.Random(o.seed);
  const prime = text.slice(0, Math.min(o.seqLen, 20));
  const samples: Record<string, string> = {};
  for (const t of o.temperatures) {
    samples[String(t)] = generate(model, chars, prime, o.sampleLength, o.seqLen, t, rng);
    log(`\n--- temperature ${t} ---\n${prime}${samples[String(t)]}`);
  }
  return { history, samples };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    run(parseArgs(process.argv.slice(2)));
  } catch (e) {
    console.error(e instanceof lt.LstmTsError ? e.message : e);
    process.exit(1);
  }
}
