// `lstm-ts compare` (src/cli/lstm-ts.ts), run as a child process the way a user or a CI job runs it:
//   1. offline against the TF 2.21 reference files: exit 0 and a table with every layer output "ok" (inputs as
//      .npz and as JSON; the model also as model.to_json() + --weights); with
//      --grads --train-step three tables, --json with all three sections and --report an HTML page with a chart each;
//      --save-ours writes our values, which a second run of the same model reproduces bit for bit (tolerance 0);
//   2. a copy of the model with one middle layer perturbed (saved as .keras here): exit 1, the divergence named,
//      --json with the same verdict, and the notes say it is more than rounding and that the gradients follow;
//   3. usage errors exit 2 with the reason (unknown option with a "did you mean", --reference without --inputs, bad
//      --tol / --grad-tol / --seed, missing file, --train-step on a model saved without compile(), --train-step
//      --reference without the targets); --write-reference-script prints the shipped Keras-side script;
//   4. live with seeded inputs and targets: with a Python that has TensorFlow (/opt/tfenv), the command makes
//      inputs from the model's spec (padded ids for the masked Embedding) and class-id targets for its loss, runs
//      Keras itself with --grads --train-step and agrees (skipped with the reason otherwise).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
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
    // the same inputs as a JSON nested array
    const x = lt.readNpz(readFileSync(path.join(fx, 'functional_states_inputs.npz'))).get('x')!;
    const rows = Array.from({ length: 2 }, (_, b) => Array.from({ length: 5 }, (_, t) => Array.from((x.data as Float32Array).subarray((b * 5 + t) * 3, (b * 5 + t + 1) * 3))));
    const json = path.join(mkdtempSync(path.join(tmpdir(), 'lstm-ts-cli-')), 'x.json');
    writeFileSync(json, JSON.stringify(rows));
    const j = cli('compare', path.join(fx, 'functional_states.keras'), '--inputs', json, '--reference', path.join(fx, 'functional_states_ref.npz'));
    expect(j.status, j.stdout + j.stderr).to.equal(0);
    expect(j.stdout).to.match(/all 8 outputs within/);
  });

  it('offline with --grads --train-step: three sections, --json and an HTML --report', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lstm-ts-cli-'));
    const [json, report] = [path.join(dir, 'out.json'), path.join(dir, 'report.html')];
    const r = cli('compare', path.join(fx, 'masked_stack.keras'), '--inputs', path.join(fx, 'masked_stack_inputs.npz'), '--reference', path.join(fx, 'masked_stack_ref.npz'),
      '--grads', '--train-step', '--json', json, '--report', report);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/== gradients ==/).and.match(/all 9 gradients within \|Δ\| ≤ 0\.0001 \+ 0\.0001·\|ref\|/);
    expect(r.stdout).to.match(/^grad\/lstm\/1 \(masked_stack\/lstm\/lstm_cell\/recurrent_kernel\) +\[8, 32\] .* ok$/m);
    expect(r.stdout).to.match(/^step\/loss +\[\] .* ok$/m).and.match(/all 9 values within/);
    expect(r.stdout).to.match(/notes:\n- reference: TensorFlow 2\.21\.0, Keras 3\.15\.\d+ on CPU, oneDNN on/);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { ok: boolean; gradients: { ok: boolean; rows: unknown[] }; trainStep: { ok: boolean; rows: unknown[] }; reference: { tensorflow: string } };
    expect([j.ok, j.gradients.ok, j.trainStep.ok, j.gradients.rows.length, j.trainStep.rows.length, j.reference.tensorflow]).to.deep.equal([true, true, true, 9, 9, '2.21.0']);
    const html = readFileSync(report, 'utf8');
    expect(html.match(/<svg /g)?.length).to.equal(3);
    expect(html).to.include('Everything within tolerance.');
    // what we computed, saved as a reference: a second run (here the model.to_json() form) compares equal to it
    const ours = path.join(dir, 'ours.npz');
    const again = cli('compare', path.join(fx, 'masked_stack.keras'), '--inputs', path.join(fx, 'masked_stack_inputs.npz'), '--reference', path.join(fx, 'masked_stack_ref.npz'),
      '--grads', '--train-step', '--save-ours', ours);
    expect(again.status, again.stdout + again.stderr).to.equal(0);
    const saved = lt.readNpz(readFileSync(ours));
    expect(saved.size).to.equal(4 + 9 + 9);
    expect(saved.get('grad/lstm/1')!.shape).to.deep.equal([8, 32]);
    const self = cli('compare', path.join(fx, 'masked_stack.json'), '--weights', path.join(fx, 'masked_stack.weights.h5'), '--inputs', path.join(fx, 'masked_stack_inputs.npz'),
      '--reference', ours, '--grads', '--train-step', '--tol', '0,0', '--grad-tol', '0,0');
    expect(self.status, self.stdout + self.stderr).to.equal(0);
    // the same model as model.to_json() + model.save_weights()
    const js = cli('compare', path.join(fx, 'masked_stack.json'), '--weights', path.join(fx, 'masked_stack.weights.h5'), '--inputs', path.join(fx, 'masked_stack_inputs.npz'),
      '--reference', path.join(fx, 'masked_stack_ref.npz'), '--grads', '--train-step');
    expect(js.status, js.stdout + js.stderr).to.equal(0);
    expect(js.stdout).to.match(/all 4 outputs within/).and.match(/all 9 gradients within/).and.match(/all 9 values within/);
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
    const r = cli('compare', file, '--inputs', path.join(fx, 'masked_bidirectional_inputs.npz'), '--reference', path.join(fx, 'masked_bidirectional_ref.npz'), '--json', json, '--grads');
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    expect(r.stdout).to.match(/^lstm\/0\/0 .*FAIL {2}<- first divergence$/m);
    expect(r.stdout).to.match(/^bi\/0\/0 .* ok$/m);
    expect(r.stdout).to.match(/differ by more than rounding \(first: outputs lstm\/0\/0/).and.match(/the layer outputs already differ/);
    const j = JSON.parse(readFileSync(json, 'utf8')) as { ok: boolean; firstDivergence: string; rows: { key: string; ok: boolean }[] };
    expect(j.ok).to.equal(false);
    expect(j.firstDivergence).to.equal('lstm/0/0');
  });

  it('usage errors exit 2 with the reason; --write-reference-script prints the Keras-side script', async () => {
    const m = path.join(fx, 'functional_states.keras');
    const dir = mkdtempSync(path.join(tmpdir(), 'lstm-ts-cli-'));
    const uncompiled = path.join(dir, 'uncompiled.keras');
    await lt.keras.saveKerasModel(await lt.keras.loadKerasModel(m, { compile: false }), uncompiled);
    const xOnly = path.join(dir, 'x.npz');
    writeFileSync(xOnly, lt.writeNpz(new Map([['x', lt.readNpz(readFileSync(path.join(fx, 'functional_states_inputs.npz'))).get('x')!]])));
    const cases: [string[], RegExp][] = [
      [['compare', m, '--input', 'x.npz'], /unknown option --input \(did you mean --inputs\?\)/],
      [['compare', m, '--inputs', path.join(fx, 'functional_states_inputs.npz'), '--tol', '1e-5'], /--tol must be ABS,REL/],
      [['compare', path.join(fx, 'nope.keras'), '--inputs', path.join(fx, 'functional_states_inputs.npz'), '--reference', path.join(fx, 'functional_states_ref.npz')], /cannot load .*nope\.keras/],
      [['diff'], /unknown command "diff" \(the command is compare\)/],
      [['compare', m, '--reference', path.join(fx, 'functional_states_ref.npz')], /--reference needs the --inputs it was computed on/],
      [['compare', m, '--seed', 'x'], /--seed must be a non-negative integer/],
      [['compare', m, '--grad-tol', '1'], /--grad-tol must be ABS,REL/],
      [['compare', path.join(fx, 'masked_stack.json'), '--seed', '1'], /masked_stack\.json \(model\.to_json\(\)\) holds no weights: pass the model\.save_weights\(\) file with --weights/],
      [['compare', m, '--weights', 'w.weights.h5'], /--weights goes with a MODEL\.json/],
      [['compare', m, '--grads', '--train-stp'], /unknown option --train-stp \(did you mean --train-step\?\)/],
      [['compare', uncompiled, '--train-step', '--seed', '1'], /--train-step needs a compiled model: .*saved without compile\(\)/],
      [['compare', m, '--train-step', '--inputs', xOnly, '--reference', path.join(fx, 'functional_states_ref.npz')], /--train-step with --reference needs the targets the reference used, as target\/0/],
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

  it('live with seeded inputs and targets: runs Keras through a Python with TensorFlow with --grads --train-step and agrees (exit 0); --save-inputs keeps them', function () {
    const py = '/opt/tfenv/bin/python';
    if (!existsSync(py) || spawnSync(py, ['-c', 'import tensorflow'], { encoding: 'utf8' }).status !== 0) {
      console.log(`      [skipped] no Python with TensorFlow at ${py}`);
      this.skip();
    }
    const saved = path.join(mkdtempSync(path.join(tmpdir(), 'lstm-ts-cli-')), 'seeded.npz');
    const r = cli('compare', path.join(fx, 'masked_bidirectional.keras'), '--python', py, '--seed', '3', '--save-inputs', saved, '--grads', '--train-step');
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^inputs \(seed 3\): x \[3, 6\]: ids in 1\.\.11, padded with 0 to lengths 6, 4, 1; target 0 \[3\]: class ids in 0\.\.1 \(sparse_categorical_crossentropy\)$/m);
    expect(r.stdout).to.match(/all 4 outputs within/).and.match(/all 12 gradients within/).and.match(/all 13 values within/);
    const saved_ = lt.readNpz(new Uint8Array(readFileSync(saved)));
    expect([...saved_.keys()]).to.deep.equal(['x', 'target/0']);
    // a model.to_json() + save_weights() pair, live: Keras rebuilds it with model_from_json + load_weights
    const js = cli('compare', path.join(fx, 'masked_stack.json'), '--weights', path.join(fx, 'masked_stack.weights.h5'), '--python', py, '--grads', '--train-step');
    expect(js.status, js.stdout + js.stderr).to.equal(0);
    expect(js.stdout).to.match(/target 0 \[3, 3\]: one-hot rows \(categorical_crossentropy\)/).and.match(/all 9 gradients within/).and.match(/all 9 values within/);
    const x = saved_.get('x')!;
    expect(x.dtype).to.equal('int32');
    expect(Array.from(x.data as Int32Array).slice(6 + 4, 12)).to.deep.equal([0, 0]); // row 1: length 4 of 6
  });
});
