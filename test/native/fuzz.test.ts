// Fuzz of the N-API boundary: wrong lengths, wrong types, NaN/Inf/negative/fractional/absurd sizes, size
// overflow, detached ArrayBuffers, zero sizes, bad options, misuse of cuDNN saved state. Each call must either
// succeed (where the input is legal: zero sizes, NaN data, subarray views) or throw a JS Error whose message
// names the call ("lstmts.cpu.forward: ..."). The calls run in a child process so that a crash is caught:
// the child must exit with status 0 and no signal.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { cpuAddon, cudnnAddon, releaseDir } from '../../src/kernels/native-addon.js';
import { requireCpu } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

describe('native: N-API boundary fuzz (child process)', function () {
  it('bad input gives Errors naming the call, legal edge cases work, and nothing crashes', function () {
    requireCpu(this);
    const dir = releaseDir()!;
    const cpu = cpuAddon() ? join(dir, 'lstmts_cpu.node') : '';
    const gpu = cudnnAddon() ? join(dir, 'lstmts_cudnn.node') : '';
    const r = spawnSync(process.execPath, [join(here, 'fuzz-child.cjs'), cpu, gpu], { encoding: 'utf8', timeout: 60000 });
    expect(r.signal, `child crashed: ${r.stderr}`).to.equal(null);
    expect(r.status, r.stderr).to.equal(0);
    const results = JSON.parse(r.stdout.trim().split('\n').pop()!) as { name: string; expect: string; threw: boolean; isError?: boolean; message?: string }[];
    expect(results.length).to.be.greaterThan(80);
    const bad: string[] = [];
    for (const c of results) {
      if (c.expect === 'ok' && c.threw) bad.push(`${c.name}: unexpected error ${c.message}`);
      if (c.expect === 'error') {
        if (!c.threw) bad.push(`${c.name}: no error`);
        else if (!c.isError) bad.push(`${c.name}: threw a non-Error`);
        else if (!/^lstmts\.(cpu|cudnn)(\.\w+)*: /.test(c.message!) && !/Class constructors|cannot be invoked without 'new'/.test(c.message!)) {
          bad.push(`${c.name}: message does not name the call: ${c.message}`);
        }
      }
    }
    expect(bad, bad.join('\n')).to.deep.equal([]);
    const sample = results.filter((c) => c.threw).slice(0, 3).map((c) => c.message);
    console.log(`      ${results.length} calls, ${results.filter((c) => c.threw).length} errors, e.g. ${JSON.stringify(sample)}`);
  });
});
