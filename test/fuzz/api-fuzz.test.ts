// A seeded fuzz of the whole public API (test/fuzz/cases.ts): tensor creation and ops, every layer and cell
// constructor and call, the recurrent wrappers, lstmSequence on every available backend, Sequential
// compile/fit/evaluate/predict/trainOnBatch, optimizers/losses/callbacks, initializers/constraints/
// regularizers, saveModel/loadModel with corrupted files, the TF1 cells and dynamicRnn, and backward. Each
// case carries its verdict: a valid call must succeed with the right result; a mutated one must throw an
// LstmTsError that names the entry point and the argument. The cases run in a child process (a crash or a
// hang is caught, and the case is named); a failure prints its reproducer:
//   node --import tsx test/fuzz/api-fuzz-child.ts <seed> <cases> [--native-cpu] --only <k>
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { cpuAddon } from '../../src/kernels/native-addon.js';

const child = fileURLToPath(new URL('./api-fuzz-child.ts', import.meta.url));
const SEED = Number(process.env.LSTM_TS_FUZZ_SEED ?? 20261201);
const CASES = Number(process.env.LSTM_TS_FUZZ_CASES ?? 3000);

describe('fuzz: the public API under seeded random valid and invalid calls (child process)', function () {
  this.timeout(120000);
  it(`${CASES} cases: valid calls give right results, invalid ones an LstmTsError naming the argument; no crash, no hang`, () => {
    const native = cpuAddon() !== null;
    const args = ['--import', 'tsx', child, String(SEED), String(CASES), ...(native ? ['--native-cpu'] : [])];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 100000, maxBuffer: 64 * 1024 * 1024 });
    const last = r.stderr.trim().split('\n').filter((l) => l.startsWith('case ')).pop() ?? '(none)';
    const repro = (k: string): string => `node ${args.slice(0, 2).join(' ')} test/fuzz/api-fuzz-child.ts ${SEED} ${CASES}${native ? ' --native-cpu' : ''} --only ${k}`;
    if (r.error || r.signal || r.status !== 0) {
      const k = last.replace('case ', '');
      expect.fail(`the fuzz child ${r.signal ? `died (${r.signal})` : r.error ? `failed (${r.error.message})` : `exited ${r.status}`} during ${last}; reproduce: ${repro(k)}\n${r.stderr.split('\n').filter((l) => !l.startsWith('case ')).slice(-20).join('\n')}`);
    }
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      counts: { cases: number; valid: number; mutated: number; errors: number }; perEntry: Record<string, number>;
      failures: { k: number; entry: string; mutation: string | null; args: unknown; problem: string }[] };
    console.log(`      ${out.counts.cases} cases (${out.counts.valid} valid, ${out.counts.mutated} invalid), ${Object.keys(out.perEntry).length} entry points, ${out.failures.length} failed verdicts`);
    const shown = out.failures.slice(0, 25).map((f) => `#${f.k} ${f.entry}${f.mutation ? ` [${f.mutation}]` : ' [valid]'}: ${f.problem}\n    args ${JSON.stringify(f.args)}\n    reproduce: ${repro(String(f.k))}`);
    expect(out.failures.length, `${out.failures.length} failed verdicts:\n${shown.join('\n')}`).to.equal(0);
    expect(out.counts.cases).to.equal(CASES);
    expect(out.counts.valid).to.be.greaterThan(CASES / 5);
    expect(out.counts.mutated).to.be.greaterThan(CASES / 3);
  });
});
