// `lstm-ts compare` (src/cli/lstm-ts.ts), run as a child process the way a user or a CI job runs it:
//   1. offline against the TF 2.21 reference files: exit 0 and a table with every layer output "ok";
//   2. a copy of the model with one middle layer perturbed (saved as .keras here): exit 1, the divergence named,
//      and --json with the same verdict;
//   3. usage errors exit 2 with the reason (unknown option with a "did you mean", --reference without --inputs, bad --tol / --seed,
//      missing file); --write-reference-script prints the shipped Keras-side script;
//   4. live with seeded inputs: with a Python that has TensorFlow (/opt/tfenv), the command makes inputs from the
//      model's spec (padded ids for the masked Embedding), runs Keras itself and agrees (skipped with the reason
//      otherwise).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fx = path.join(root, 'test/fixtures/compare');
const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/lstm-ts.ts'), ...args], { encoding: 'utf8', cwd: root, timeout: 120000 });

describe('train: the lstm-ts compare command', function () {
  this.timeout(180000);

  it('offline against the TF reference: exit 0, every layer output ok', () => {
    const r = cli('compare', path.join(fx, 'functional_states.keras'), '--inputs', path.join(fx, 'functional_states_inputs.npz'), '--reference', path.join(fx, 'functional_states_ref.npz'));
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^enc\/0\/1 +\[2, 6\] .* ok$/m);
    expect(r.stdout).to.match(/all 8 outputs within \|Δ\| ≤ 0\.00001 \+ 0\.00001·\|ref\|/);
  });

  it('a perturbed middle layer: exit 1 and the divergence named, also in --json', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lstm-ts-cli-'));
    const model = await lt.keras.loadKerasModel(path.join(fx, 'masked_bidirectional.keras'));
    const lstm = model.layers.find((l) => l.name === 'lstm')!;
    const w = lstm.getWeights();
    const b = w[2].toFlatArray();
    b[1] += 0.1;
    lstm.setWeights([w[0], w[1], lt.tensor(b, { shape: w[2].shape, dtype: 'float32' })]);
    const file = path.join(dir, 'perturbed.keras');
    await lt.keras.saveKerasModel(model, file);
    const json = path.join(dir, 'out.json');
    const r = cli('compare', file, '--inputs', path.join(fx, 'masked_bidirectional_inputs.npz'), '--reference', path.join(fx, 'masked_bidirectional_ref.npz'), '--json', json);
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/^lstm\/0\/0 .*FAIL {2}<- first divergence$/m);
    expect(r.stdout).to.match(/^bi\/0\/0 .* ok$/m);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { ok: boolean; firstDivergence: string; rows: { key: string; ok: boolean }[] };
    expect(j.ok).to.equal(false);
    expect(j.firstDivergence).to.equal('lstm/0/0');
  });

  it('usage errors exit 2 with the reason; --write-reference-script prints the Keras-side script', () => {
    const m = path.join(fx, 'functional_states.keras');
    const cases: [string[], RegExp][] = [
      [['compare', m, '--input', 'x.npz'], /unknown option --input \(did you mean --inputs\?\)/],
      [['compare', m, '--inputs', path.join(fx, 'functional_states_inputs.npz'), '--tol', '1e-5'], /--tol must be ABS,REL/],
      [['compare', path.join(fx, 'nope.keras'), '--inputs', path.join(fx, 'functional_states_inputs.npz'), '--reference', path.join(fx, 'functional_states_ref.npz')], /cannot load .*nope\.keras/],
      [['diff'], /unknown command "diff" \(the command is compare\)/],
      [['compare', m, '--reference', path.join(fx, 'functional_states_ref.npz')], /--reference needs the --inputs it was computed on/],
      [['compare', m, '--seed', 'x'], /--seed must be a non-negative integer/],
    ];
    for (const [args, re] of cases) {
      const r = cli(...args);
      expect(r.status, args.join(' ')).to.equal(2);
      expect(r.stdout, args.join(' ')).to.match(re);
      expect(r.stdout).to.match(/usage: lstm-ts compare/);
    }
    const s = cli('compare', '--write-reference-script');
    expect(s.status).to.equal(0);
    expect(s.stdout).to.equal(readFileSync(path.join(root, 'python/lstm_ts_reference.py'), 'utf8') + '\n');
  });

  it('live with seeded inputs: runs Keras through a Python with TensorFlow and agrees (exit 0); --save-inputs keeps them', function () {
    const py = '/opt/tfenv/bin/python';
    if (!existsSync(py) || spawnSync(py, ['-c', 'import tensorflow'], { encoding: 'utf8' }).status !== 0) {
      console.log(`      [skipped] no Python with TensorFlow at ${py}`);
      this.skip();
    }
    const saved = path.join(mkdtempSync(path.join(tmpdir(), 'lstm-ts-cli-')), 'seeded.npz');
    const r = cli('compare', path.join(fx, 'masked_bidirectional.keras'), '--python', py, '--seed', '3', '--save-inputs', saved);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^inputs \(seed 3\): x \[3, 6\]: ids in 1\.\.11, padded with 0 to lengths 6, 4, 1$/m);
    expect(r.stdout).to.match(/all 4 outputs within/);
    const x = lt.readNpz(new Uint8Array(readFileSync(saved))).get('x')!;
    expect(x.dtype).to.equal('int32');
    expect(Array.from(x.data as Int32Array).slice(6 + 4, 12)).to.deep.equal([0, 0]); // row 1: length 4 of 6
  });
});
