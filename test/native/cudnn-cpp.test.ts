// The C++ test program of the cuDNN core (native/core/test_lstm_cudnn.cpp: CudnnLstm vs the CPU kernel,
// weight re-upload, error paths, leaks). It is built whenever cuDNN is found, GPU or not. Where no CUDA device
// is usable (this CI machine) it must exit 77 after "SKIP: no CUDA device: <reason>"; with a GPU it must pass.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport, cudnnProbe } from '../../src/kernels/native-addon.js';
import { skipWithReason } from './helpers.js';

describe('native: C++ test of the cuDNN core (test_lstm_cudnn)', function () {
  it('exits 0 (all passed) with a CUDA device, or 77 with "SKIP: no CUDA device: ..." without one', function () {
    this.timeout(600000);
    const report = buildReport() as { built?: { cudnn?: boolean }; files?: { cudnnCppTest?: string } } | null;
    // LSTMTS_CUDNN_CPP_TEST: a binary built elsewhere (scripts/gpu-check.sh builds with plain CMake in build/gpu).
    const bin = process.env.LSTMTS_CUDNN_CPP_TEST ?? report?.files?.cudnnCppTest ?? join(process.cwd(), 'build', 'test_lstm_cudnn');
    if (!existsSync(bin)) {
      const why = report?.built?.cudnn ? `${bin} missing although the cuDNN addon was built` : 'cuDNN was not found at build time';
      if (report?.built?.cudnn) expect.fail(why);
      skipWithReason(this, 'test_lstm_cudnn', why);
    }
    const r = spawnSync(bin, [], { encoding: 'utf8', timeout: 590000 });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    // What the addon's probe says about devices, when the addon loads; the program must agree with it.
    const devices = cudnnProbe()?.deviceCount ?? null;
    if (r.status === 77) {
      expect(out, out).to.match(/^SKIP: no CUDA device: \S.*$/m);
      if (devices !== null) expect(devices, 'the addon sees a device but the C++ test skipped').to.equal(0);
      console.log(`      ${out.trim().split('\n')[0]}`);
    } else {
      expect(r.status, out).to.equal(0);
      expect(out).to.match(/^ALL PASSED$/m);
      if (devices !== null) expect(devices).to.be.greaterThan(0);
      console.log(out.replace(/^/gm, '      '));
    }
  });
});
