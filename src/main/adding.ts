// `npm start`: the adding problem (Hochreiter & Schmidhuber 1997) — an LSTM learns what a plain RNN of the
// same size cannot. Both models see the same seeded stream of freshly generated batches for the same time
// budget; the program prints progress, the final test MSE of each against the trivial baseline (always
// predicting 1.0, MSE ≈ 0.167), and writes a loss-curve SVG (both models on one chart) and results.json to
// an output folder whose path it prints.
//
//   node dist/src/main/adding.js [--seq-len 100] [--units 16] [--batch-size 32] [--budget-seconds 170]
//                                [--epochs N] [--steps-per-epoch 25] [--lr 0.01] [--clipnorm 1]
//                                [--backend auto|ts|native-cpu] [--seed 1] [--out DIR] [--quiet]

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import cliProgress from 'cli-progress';
import * as lt from '../index.js';
import { Sequential } from '../train/sequential.js';
import { Adam } from '../train/optimizers/index.js';
import { addingBatch, ADDING_BASELINE_MSE } from '../train/datasets/adding.js';
import { lineChartSvg } from '../train/plot/svg-chart.js';
import { formatSeconds } from '../train/progress.js';
import type { Tensor } from '../tensor/tensor.js';

export interface AddingOptions {
  seqLen: number;
  units: number;
  batchSize: number;
  /** Total wall-clock training budget for both models (split evenly); ignored when `epochs` is set. */
  budgetSeconds: number;
  /** Train a fixed number of epochs of `stepsPerEpoch` batches instead of a time budget. */
  epochs: number | null;
  stepsPerEpoch: number;
  lr: number;
  clipnorm: number;
  backend: 'auto' | 'ts' | 'native-cpu' | 'cudnn';
  seed: number;
  out: string | null;
  /** Validation sequences evaluated after every epoch, and test sequences for the final numbers. */
  valSize: number;
  testSize: number;
  quiet: boolean;
}

export const DEFAULTS: AddingOptions = {
  seqLen: 100,
  units: 16,
  batchSize: 32,
  budgetSeconds: 170,
  epochs: null,
  stepsPerEpoch: 25,
  lr: 0.01,
  clipnorm: 1,
  backend: 'auto',
  seed: 1,
  out: null,
  valSize: 256,
  testSize: 1024,
  quiet: false,
};

const HELP = `The adding problem: an LSTM vs a SimpleRNN of the same size (lstm-ts).

Options:
  --seq-len N          sequence length T (default ${DEFAULTS.seqLen})
  --units N            hidden units of both models (default ${DEFAULTS.units})
  --batch-size N       sequences per training batch (default ${DEFAULTS.batchSize})
  --budget-seconds S   total training time for both models, split evenly (default ${DEFAULTS.budgetSeconds})
  --epochs N           train N epochs of --steps-per-epoch batches instead of a time budget
  --steps-per-epoch N  batches between validation points (default ${DEFAULTS.stepsPerEpoch})
  --lr X               Adam learning rate (default ${DEFAULTS.lr})
  --clipnorm X         per-gradient norm clipping (default ${DEFAULTS.clipnorm}; 0 = off)
  --backend B          LSTM kernel: auto | ts | native-cpu | cudnn (default auto = fastest available)
  --seed N             seed of weights and data (default ${DEFAULTS.seed})
  --out DIR            output folder (default ./out/adding-<timestamp>)
  --quiet              no progress output (final summary only)
  --help               this text
`;

export function parseArgs(argv: string[]): AddingOptions | 'help' {
  const o: AddingOptions = { ...DEFAULTS };
  const num = (flag: string, v: string | undefined, integer: boolean, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
      throw new lt.LstmTsError(`adding: ${flag} needs ${integer ? 'an integer' : 'a number'} ≥ ${min}, got ${v === undefined ? 'nothing' : `'${v}'`}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const [flag, inline] = raw.includes('=') ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)] : [raw, undefined];
    const next = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--help': case '-h': return 'help';
      case '--seq-len': o.seqLen = num(flag, next(), true, 2); break;
      case '--units': o.units = num(flag, next(), true, 1); break;
      case '--batch-size': o.batchSize = num(flag, next(), true, 1); break;
      case '--budget-seconds': o.budgetSeconds = num(flag, next(), false, 0); break;
      case '--epochs': o.epochs = num(flag, next(), true, 1); break;
      case '--steps-per-epoch': o.stepsPerEpoch = num(flag, next(), true, 1); break;
      case '--lr': o.lr = num(flag, next(), false, 0); break;
      case '--clipnorm': o.clipnorm = num(flag, next(), false, 0); break;
      case '--seed': o.seed = num(flag, next(), true, 0); break;
      case '--val-size': o.valSize = num(flag, next(), true, 1); break;
      case '--test-size': o.testSize = num(flag, next(), true, 1); break;
      case '--out': {
        const v = next();
        if (!v) throw new lt.LstmTsError('adding: --out needs a folder');
        o.out = v;
        break;
      }
      case '--backend': {
        const v = next();
        if (v !== 'auto' && v !== 'ts' && v !== 'native-cpu' && v !== 'cudnn') {
          throw new lt.LstmTsError(`adding: --backend must be auto, ts, native-cpu or cudnn, got '${v ?? ''}'`);
        }
        o.backend = v;
        break;
      }
      case '--quiet': o.quiet = true; break;
      default: throw new lt.LstmTsError(`adding: unknown option '${raw}' (see --help)`);
    }
  }
  return o;
}

export interface CurvePoint { step: number; seconds: number; trainLoss: number; valMse: number }

export interface ModelResult {
  name: string;
  params: number;
  steps: number;
  seconds: number;
  /** ms per training step (forward + backward + update of one batch). */
  msPerStep: number;
  testMse: number;
  curve: CurvePoint[];
  kernel?: string;
}

export interface AddingResult {
  options: AddingOptions;
  baselineMse: number;
  lstm: ModelResult;
  rnn: ModelResult;
  outDir: string;
  svgPath: string;
}

function mse(pred: Tensor, y: Tensor): number {
  let s = 0;
  for (let i = 0; i < y.size; i++) s += (pred.data[i] - y.data[i]) ** 2;
  return s / y.size;
}

function buildModel(kind: 'LSTM' | 'SimpleRNN', o: AddingOptions): Sequential {
  const seed = o.seed * 1000 + (kind === 'LSTM' ? 1 : 2);
  const init = (cls: string, k: number) => lt.keras.initializers.get({ class_name: cls, config: { seed: seed + k } });
  const L = lt.keras.layers;
  const rnn = kind === 'LSTM'
    ? new L.LSTM({ units: o.units, backend: o.backend, kernelInitializer: init('GlorotUniform', 0), recurrentInitializer: init('Orthogonal', 1) })
    : new L.SimpleRNN({ units: o.units, kernelInitializer: init('GlorotUniform', 0), recurrentInitializer: init('Orthogonal', 1) });
  const model = new Sequential([rnn, new L.Dense({ units: 1, kernelInitializer: init('GlorotUniform', 2) })]);
  model.compile({ optimizer: new Adam({ learningRate: o.lr, clipnorm: o.clipnorm > 0 ? o.clipnorm : null }), loss: 'mse' });
  return model;
}

type Log = (s: string) => void;

function train(kind: 'LSTM' | 'SimpleRNN', o: AddingOptions, budget: number, val: { x: Tensor; y: Tensor }, test: { x: Tensor; y: Tensor }, log: Log): ModelResult {
  lt.keras.clearSession();
  const model = buildModel(kind, o);
  model.predict(addingBatch(new lt.Random(0), 1, o.seqLen).x); // builds the weights (to count them)
  const params = model.weights.reduce((s, w) => s + w.size, 0);
  const data = new lt.Random(o.seed); // same batch stream for both models
  const curve: CurvePoint[] = [];
  const tty = !o.quiet && process.stdout.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar({
      format: `${kind.padEnd(9)} [{bar}] {elapsed} / ${o.epochs !== null ? `${o.epochs} epochs` : formatSeconds(budget)} | step {step} | loss {loss} | val MSE {val}`,
      hideCursor: true, barsize: 24,
    }, cliProgress.Presets.legacy)
    : null;
  const total = o.epochs !== null ? o.epochs * o.stepsPerEpoch : Math.max(1, Math.round(budget * 10));
  bar?.start(total, 0, { step: 0, loss: '-', val: '-', elapsed: '0s' });
  const t0 = performance.now();
  const elapsed = (): number => (performance.now() - t0) / 1000;
  let step = 0;
  let kernel: string | undefined;
  // Piped output (no TTY bar): one line per ~5 s of training and a last one, not one per 25 steps (a CI log of
  // thousands of lines otherwise).
  const PRINT_EVERY_S = 5;
  let lastPrinted = -Infinity;
  let lastLine = '';
  for (let epoch = 0; ; epoch++) {
    if (o.epochs !== null ? epoch >= o.epochs : elapsed() >= budget) break;
    let lossSum = 0;
    let n = 0;
    for (let k = 0; k < o.stepsPerEpoch; k++) {
      const { x, y } = addingBatch(data, o.batchSize, o.seqLen);
      lossSum += model.trainOnBatch(x, y);
      n++;
      step++;
      if (o.epochs === null && elapsed() >= budget) break;
    }
    if (kernel === undefined && kind === 'LSTM') {
      const ex = (model.layers[0] as InstanceType<typeof lt.keras.layers.LSTM>).explain();
      kernel = ex?.path;
    }
    const valMse = mse(model.predict(val.x, { batchSize: 256 }), val.y);
    curve.push({ step, seconds: elapsed(), trainLoss: lossSum / n, valMse });
    const progress = o.epochs !== null ? step : Math.min(total, Math.round(elapsed() * 10));
    bar?.update(progress, { step, loss: (lossSum / n).toFixed(4), val: valMse.toFixed(4), elapsed: formatSeconds(elapsed()) });
    if (!tty && !o.quiet) {
      lastLine = `${kind.padEnd(9)} ${formatSeconds(elapsed()).padStart(6)}  step ${String(step).padStart(5)}  train loss ${(lossSum / n).toFixed(4)}  val MSE ${valMse.toFixed(4)}`;
      if (elapsed() - lastPrinted >= PRINT_EVERY_S) {
        log(lastLine);
        lastPrinted = elapsed();
        lastLine = '';
      }
    }
  }
  if (lastLine) log(lastLine);
  bar?.update(total);
  bar?.stop();
  const seconds = elapsed();
  const testMse = mse(model.predict(test.x, { batchSize: 256 }), test.y);
  return { name: kind, params, steps: step, seconds, msPerStep: (seconds * 1000) / Math.max(1, step), testMse, curve, kernel };
}

export function runAdding(o: AddingOptions, log: Log = (s) => console.log(s)): AddingResult {
  // 'auto' means the fastest available kernel: register the native backends (they load lazily and are skipped
  // with a reason when missing), and put the registry back as it was afterwards.
  const wasEnabled = lt.native.isEnabled();
  if (o.backend !== 'ts') lt.native.enable();
  try {
    return runAddingWith(o, log);
  } finally {
    if (!wasEnabled) lt.native.disable();
  }
}

function runAddingWith(o: AddingOptions, log: Log): AddingResult {
  const val = addingBatch(new lt.Random(o.seed + 7919), o.valSize, o.seqLen);
  const test = addingBatch(new lt.Random(o.seed + 104729), o.testSize, o.seqLen);
  // The baseline on the same test set: always predicting 1.0 (the target's mean). Expected 1/6.
  let baselineMse = 0;
  for (let i = 0; i < test.y.size; i++) baselineMse += (test.y.data[i] - 1) ** 2;
  baselineMse /= test.y.size;
  const perModel = o.budgetSeconds / 2;
  if (!o.quiet) {
    log(`Adding problem: T=${o.seqLen}, ${o.units} units, batch ${o.batchSize}, Adam lr ${o.lr}` +
      `${o.clipnorm > 0 ? `, clipnorm ${o.clipnorm}` : ''}, seed ${o.seed}; ` +
      (o.epochs !== null ? `${o.epochs} epochs × ${o.stepsPerEpoch} steps per model` : `${formatSeconds(perModel)} per model`));
    log(`Baseline (always predict 1.0): test MSE ${baselineMse.toFixed(4)} (theory 1/6 = ${ADDING_BASELINE_MSE.toFixed(4)})`);
  }
  const lstm = train('LSTM', o, perModel, val, test, log);
  if (!o.quiet) log(`LSTM kernel: ${lstm.kernel ?? '?'} (backend '${o.backend}')`);
  const rnn = train('SimpleRNN', o, perModel, val, test, log);

  const outDir = resolve(o.out ?? join('out', `adding-${new Date().toISOString().replace(/[:.]/g, '-')}`));
  mkdirSync(outDir, { recursive: true });
  const svg = lineChartSvg(
    [
      { name: `LSTM (${o.units} units)`, points: lstm.curve.map((p) => [p.step, p.valMse]) },
      { name: `SimpleRNN (${o.units} units)`, points: rnn.curve.map((p) => [p.step, p.valMse]) },
    ],
    {
      title: `Adding problem, T = ${o.seqLen}: validation MSE`,
      xLabel: 'training step (batches of ' + o.batchSize + ')',
      yLabel: 'validation MSE (log scale)',
      logY: true,
      hlines: [{ y: baselineMse, label: `baseline: predict 1.0 (MSE ${baselineMse.toFixed(3)})` }],
    },
  );
  const svgPath = join(outDir, 'loss-curve.svg');
  writeFileSync(svgPath, svg);
  const result: AddingResult = { options: o, baselineMse, lstm, rnn, outDir, svgPath };
  writeFileSync(join(outDir, 'results.json'), JSON.stringify(result, null, 1));

  const row = (r: ModelResult): string =>
    `${r.name.padEnd(10)} ${r.testMse.toFixed(5).padStart(10)} ${(r.testMse / baselineMse).toPrecision(3).padStart(12)} ` +
    `${String(r.steps).padStart(7)} ${r.msPerStep.toFixed(1).padStart(8)} ${String(r.params).padStart(7)}`;
  log('');
  log(`Final test MSE on ${o.testSize} fresh sequences (T=${o.seqLen}):`);
  log(`${'model'.padEnd(10)} ${'test MSE'.padStart(10)} ${'vs baseline'.padStart(12)} ${'steps'.padStart(7)} ${'ms/step'.padStart(8)} ${'params'.padStart(7)}`);
  log(row(lstm));
  log(row(rnn));
  log(`${'baseline'.padEnd(10)} ${baselineMse.toFixed(5).padStart(10)} ${'1.000'.padStart(12)}`);
  const verdict = lstm.testMse < 0.1 * baselineMse
    ? `The LSTM beats the baseline by ${(baselineMse / lstm.testMse).toFixed(0)}x` +
      (rnn.testMse > 0.5 * baselineMse ? '; the SimpleRNN does not learn the task.' : '.')
    : 'The LSTM has not (yet) clearly beaten the baseline: try a larger --budget-seconds.';
  log(verdict);
  log(`Loss curves: ${svgPath}`);
  return result;
}

export function main(argv: string[] = process.argv.slice(2)): AddingResult | null {
  const o = parseArgs(argv);
  if (o === 'help') {
    console.log(HELP);
    return null;
  }
  return runAdding(o);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (e) {
    console.error(e instanceof lt.LstmTsError ? e.message : e);
    process.exit(1);
  }
}
