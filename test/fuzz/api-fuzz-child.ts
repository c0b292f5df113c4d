// Runs the seeded public-API fuzz cases (cases.ts) and prints one JSON line: the counts and every failed
// verdict with its reproducer. Run by api-fuzz.test.ts in a child process, so that a crash or a hang cannot
// take the test runner down with it; before each case it writes `case <k>` to stderr, so the parent can name
// the case that hung or crashed.
//   node --import tsx test/fuzz/api-fuzz-child.ts <seed> <cases> [--native-cpu] [--only k] [--from k]
import * as lt from '../../src/index.js';
import { entries, Dice, type Args } from './cases.js';

const [seedArg, countArg, ...rest] = process.argv.slice(2);
const seed = Number(seedArg ?? 1);
const count = Number(countArg ?? 100);
const only = rest.includes('--only') ? Number(rest[rest.indexOf('--only') + 1]) : null;
const from = rest.includes('--from') ? Number(rest[rest.indexOf('--from') + 1]) : 0;
const list = entries({ nativeCpu: rest.includes('--native-cpu') });
if (rest.includes('--native-cpu')) lt.native.enable();
const SLOW_MS = 5000;

interface Failure { k: number; entry: string; mutation: string | null; args: Args; problem: string }
const failures: Failure[] = [];
const counts = { cases: 0, valid: 0, mutated: 0, errors: 0 };
const perEntry: Record<string, number> = {};

/** The case k of this seed: its entry, its arguments, and the mutation applied (null: a valid case). */
export function caseOf(k: number): { entry: (typeof list)[number]; args: Args; mutation: (typeof list)[number]['bad'][number] | null } {
  const entry = list[k % list.length];
  const d = new Dice(new lt.Random((seed * 1000003 + k) >>> 0));
  let args = entry.valid(d);
  let mutation = null;
  if (entry.bad.length > 0 && d.coin(0.6)) {
    mutation = d.pick(entry.bad);
    args = mutation.apply(args, d);
  }
  return { entry, args, mutation };
}

for (let k = from; k < count; k++) {
  if (only !== null && k !== only) continue;
  const { entry, args, mutation } = caseOf(k);
  process.stderr.write(`case ${k}\n`);
  counts.cases++;
  perEntry[entry.name] = (perEntry[entry.name] ?? 0) + 1;
  if (mutation) counts.mutated++;
  else counts.valid++;
  const fail = (problem: string): void => {
    const f = { k, entry: entry.name, mutation: mutation?.name ?? null, args, problem };
    failures.push(f);
    process.stdout.write(`F ${JSON.stringify(f)}\n`);  // at once: a later hang must not lose it
  };
  const t0 = Date.now();
  let result: unknown;
  let error: unknown = null;
  try {
    result = entry.call(args);
  } catch (e) {
    error = e;
  }
  const ms = Date.now() - t0;
  if (ms > SLOW_MS) fail(`took ${ms} ms (a hang or runaway allocation)`);
  if (error !== null) counts.errors++;
  const msg = error instanceof Error ? error.message : String(error);
  if (mutation === null) {
    if (error !== null) fail(`unexpected error on a valid call: ${error instanceof Error ? error.name : typeof error}: ${msg}`);
    else {
      const wrong = entry.check?.(result, args) ?? null;
      if (wrong !== null) fail(`wrong result: ${wrong}`);
    }
  } else if (error === null) {
    fail(`silent acceptance: expected an error matching ${mutation.expect}`);
  } else if (!(error instanceof lt.LstmTsError)) {
    fail(`vague error: a ${error instanceof Error ? error.name : typeof error} (${msg}), not an LstmTsError naming the argument`);
  } else if (!mutation.expect.test(msg)) {
    fail(`error does not name the argument: expected ${mutation.expect}, got: ${msg}`);
  }
}
process.stdout.write(JSON.stringify({ seed, counts, perEntry, failures }) + '\n');
