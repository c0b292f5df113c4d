// The adding-problem data and the `npm start` program (run with a tiny budget).
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random, LstmTsError } from '../../src/index.js';
import { addingBatch, ADDING_BASELINE_MSE } from '../../src/train/datasets/adding.js';
import { parseArgs, runAdding, main, DEFAULTS, type AddingOptions } from '../../src/main/adding.js';

describe('train/adding problem: data', () => {
  it('each sequence has exactly two markers, one per half, and the target is the sum of the marked numbers', () => {
    const T = 11;
    const { x, y } = addingBatch(new Random(4), 50, T);
    expect(x.shape).to.deep.equal([50, T, 2]);
    expect(y.shape).to.deep.equal([50, 1]);
    for (let b = 0; b < 50; b++) {
      const marked: number[] = [];
      let sum = 0;
      for (let t = 0; t < T; t++) {
        const v = x.data[(b * T + t) * 2];
        const m = x.data[(b * T + t) * 2 + 1];
        expect(v).to.be.within(0, 1);
        expect([0, 1]).to.include(m);
        if (m === 1) {
          marked.push(t);
          sum += v;
        }
      }
      expect(marked).to.have.length(2);
      expect(marked[0]).to.be.lessThan(Math.floor(T / 2));
      expect(marked[1]).to.be.at.least(Math.floor(T / 2));
      expect(y.data[b]).to.be.closeTo(sum, 1e-6);
    }
  });

  it('is reproducible from the seed, and predicting 1.0 gives MSE ≈ 1/6 (Var of a sum of two U(0,1))', () => {
    expect(addingBatch(new Random(9), 4, 20).x.toFlatArray()).to.deep.equal(addingBatch(new Random(9), 4, 20).x.toFlatArray());
    const { y } = addingBatch(new Random(1), 20000, 4);
    let s = 0;
    for (let i = 0; i < y.size; i++) s += (y.data[i] - 1) ** 2;
    // standard error of the mean of (U1+U2−1)² over 20000 samples is ≈ 0.0011; allow 5 s.e.
    expect(s / y.size).to.be.closeTo(ADDING_BASELINE_MSE, 0.006);
    expect(() => addingBatch(new Random(1), 2, 1)).to.throw(LstmTsError, /sequence length/);
  });
});

describe('train/adding problem: the npm start program', () => {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'lstm-ts-adding-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses its flags and rejects bad ones with a clear message', () => {
    const o = parseArgs(['--seq-len', '50', '--units=8', '--epochs', '3', '--backend', 'ts', '--seed', '5', '--out', 'x', '--budget-seconds', '2.5']) as AddingOptions;
    expect(o).to.deep.include({ seqLen: 50, units: 8, epochs: 3, backend: 'ts', seed: 5, out: 'x', budgetSeconds: 2.5 });
    expect(parseArgs([])).to.deep.equal(DEFAULTS);
    expect(parseArgs(['--help'])).to.equal('help');
    expect(() => parseArgs(['--seq-len', '1'])).to.throw(LstmTsError, /--seq-len needs an integer ≥ 2, got '1'/);
    expect(() => parseArgs(['--backend', 'gpu'])).to.throw(LstmTsError, /--backend must be/);
    expect(() => parseArgs(['--frobnicate'])).to.throw(LstmTsError, /unknown option '--frobnicate'/);
  });

  it('trains both models for a tiny epoch budget, prints the summary and writes the SVG + results.json', () => {
    const lines: string[] = [];
    const o: AddingOptions = { ...DEFAULTS, seqLen: 8, units: 4, batchSize: 8, epochs: 2, stepsPerEpoch: 3, valSize: 16, testSize: 32, out: dir, quiet: false };
    const r = runAdding(o, (s) => lines.push(s));
    expect(r.lstm.steps).to.equal(6);
    expect(r.rnn.steps).to.equal(6);
    expect(r.lstm.curve).to.have.length(2);
    for (const m of [r.lstm, r.rnn]) expect(Number.isFinite(m.testMse)).to.equal(true);
    expect(r.lstm.params).to.equal(4 * 4 * (2 + 4 + 1) + 4 + 1);
    expect(r.rnn.params).to.equal(4 * (2 + 4 + 1) + 4 + 1);
    expect(existsSync(join(dir, 'loss-curve.svg'))).to.equal(true);
    const svg = readFileSync(join(dir, 'loss-curve.svg'), 'utf8');
    expect(svg).to.include('LSTM (4 units)');
    expect(svg).to.include('SimpleRNN (4 units)');
    const saved = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(saved.lstm.testMse).to.equal(r.lstm.testMse);
    const text = lines.join('\n');
    // piped output: the first epoch's line, then at most one per 5 s, then the last: 2 lines per model here
    expect(lines.filter((l) => /step +\d+ +train loss/.test(l)).length).to.equal(4);
    expect(text).to.match(/Baseline \(always predict 1\.0\): test MSE 0\.\d{4}/);
    expect(text).to.match(/\nLSTM +\d\.\d{5}/);
    expect(text).to.match(/\nSimpleRNN +\d\.\d{5}/);
    expect(text).to.include(`Loss curves: ${join(dir, 'loss-curve.svg')}`);
  });

  it('stops on the time budget (--budget-seconds) and main() handles --help', () => {
    const o: AddingOptions = { ...DEFAULTS, seqLen: 6, units: 3, batchSize: 4, budgetSeconds: 0.4, stepsPerEpoch: 2, valSize: 8, testSize: 8, out: dir, quiet: true };
    const t0 = performance.now();
    const r = runAdding(o, () => undefined);
    expect(r.lstm.seconds).to.be.lessThan(2);
    expect(r.lstm.steps).to.be.greaterThan(0);
    expect((performance.now() - t0) / 1000).to.be.lessThan(10);
    const log = console.log;
    const out: string[] = [];
    console.log = (s: string) => out.push(s);
    try {
      expect(main(['--help'])).to.equal(null);
    } finally {
      console.log = log;
    }
    expect(out.join('')).to.include('--seq-len');
  });
});
