// lt.native.info() and selection with and without the addon, and the C++ test program of the core.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as lt from '../../src/index.js';
import { selectLstmBackend } from '../../src/kernels/select.js';
import { cpuAddon, buildReport } from '../../src/kernels/native-addon.js';
import { requireCpu, skipWithReason } from './helpers.js';

const eligible = { activation: 'tanh', recurrentActivation: 'sigmoid', recurrentDropout: 0, unroll: false, useBias: true, dtype: 'float32' as const };

describe('native: info() and selection', function () {
  it('info() reports what was built and loaded, and a reason for everything missing', () => {
    const i = lt.native.info();
    expect(i).to.have.keys(['loaded', 'reason', 'built', 'loadedAddons', 'cpu', 'versions', 'devices', 'reasons', 'paths'].filter((k) => k !== 'reason' || !i.loaded));
    expect(i.loaded).to.equal(cpuAddon() !== null);
    if (!i.loaded) expect(i.reason).to.be.a('string').and.not.empty;
    for (const k of ['cpu', 'cudnn'] as const) {
      if (!i.built[k]) expect(Object.keys(i.reasons).join(' '), `reason for missing ${k}`).to.match(new RegExp(k));
    }
    if (i.loaded) {
      // Our own GEMM, never a system BLAS; the micro-kernel is one the CPU runs, the portable one always among them.
      expect(i.cpu!.gemm).to.equal('lstm-ts packed GEMM');
      expect(i.cpu!.isasSupported).to.include('generic');
      expect(i.cpu!.isasSupported).to.include(i.cpu!.isa);
      expect(i.cpu!.threads).to.be.at.least(1);
    } else {
      expect(i.cpu).to.equal(null);
    }
    if (i.loadedAddons.cudnn && i.devices.length === 0) expect(i.reasons.device).to.match(/no CUDA device/);
    console.log(`      built ${JSON.stringify(i.built)}; reasons ${JSON.stringify(i.reasons)}`);
  });

  it('enable(): auto picks native-cpu on a CPU machine; disable(): back to ts; float64 stays on ts', function () {
    requireCpu(this);
    const was = lt.native.isEnabled();
    try {
      lt.native.enable();
      const sel = selectLstmBackend({ ...eligible });
      if (lt.native.cudnnUnavailableReason() !== null) expect(sel.name).to.equal('native-cpu');
      expect(selectLstmBackend({ ...eligible, forbid: ['native-cpu', 'cudnn'] }).name).to.equal('ts');
      expect(selectLstmBackend({ ...eligible, dtype: 'float64' }).name).to.equal('ts');
      expect(selectLstmBackend({ ...eligible, activation: 'relu', backend: 'auto' }).name).to.equal('generic');
      expect(() => selectLstmBackend({ ...eligible, activation: 'relu', backend: 'native-cpu' })).to.throw(/activation='relu'/);
      lt.native.disable();
      const sel2 = selectLstmBackend({ ...eligible });
      expect(sel2.name).to.equal('ts');
      expect(sel2.reasons.join('\n')).to.match(/native-cpu: not registered/);
    } finally {
      if (was) lt.native.enable();
      else lt.native.disable();
    }
  });

  it('the Keras LSTM layer runs on native-cpu when enabled and says so in explain()', function () {
    requireCpu(this);
    const was = lt.native.isEnabled();
    try {
      lt.native.enable();
      const LSTM = (lt.keras.layers as unknown as Record<string, new (a: object) => { apply: (x: lt.Tensor, k?: object) => unknown; explain: () => { path: string; reasons: string[] } | null }>).LSTM;
      if (!LSTM) skipWithReason(this, 'keras LSTM layer', 'not exported yet');
      const layer = new LSTM({ units: 3, returnSequences: true });
      const x = lt.randomUniform([2, 40, 5], -1, 1);  // T·B·(I+H)·4H = 80·8·12 = 7680 multiply-adds ≥ 512 (recorded: a backward may follow)
      layer.apply(x);
      const path = layer.explain()!.path;
      if (lt.native.cudnnUnavailableReason() !== null) expect(path).to.equal('native-cpu');
      // A call too small for the addon's fixed cost stays on the fused TS kernel, and explain() says why.
      const tiny = new LSTM({ units: 3, returnSequences: true });
      tiny.apply(lt.randomUniform([1, 2, 5], -1, 1));  // 2·1·8·12 = 192 < NATIVE_MIN_MACS.lstm.training
      const ex = tiny.explain()!;
      if (lt.native.cudnnUnavailableReason() !== null) {
        expect(ex.path).to.equal('ts');
        expect(ex.reasons.join('\n')).to.match(/native-cpu: the call is too small for the addon \(T·B·\(I\+H\)·4H = 192 multiply-adds < 512 for a call with a backward/);
        // Under noGrad (inference: no saved state, one addon call) the inference threshold applies (the LSTM's is 960).
        lt.noGrad(() => tiny.apply(lt.randomUniform([1, 2, 5], -1, 1)));
        expect(tiny.explain()!.reasons.join('\n')).to.match(/= 192 multiply-adds < 960: its fixed cost/);
      }
    } finally {
      if (!was) lt.native.disable();
    }
  });

  it('the C++ test program of the Node-free core passes (forward vs naive loop, backward vs finite differences)', function () {
    const report = buildReport() as { files?: { cppTest?: string } } | null;
    const bin = report?.files?.cppTest ?? join(process.cwd(), 'build', 'test_lstm_cpu');
    if (!existsSync(bin)) skipWithReason(this, 'test_lstm_cpu', `not built (${bin} missing; npm run build:native)`);
    const r = spawnSync(bin, [], { encoding: 'utf8', timeout: 60000 });
    expect(r.stdout, r.stderr).to.match(/ALL PASSED/);
    expect(r.status).to.equal(0);
  });

  it('the C++ test of the GEMM passes for every micro-kernel this CPU runs (float64 reference, determinism)', function () {
    const report = buildReport() as { files?: { gemmCppTest?: string } } | null;
    const bin = report?.files?.gemmCppTest ?? join(process.cwd(), 'build', 'test_gemm');
    if (!existsSync(bin)) skipWithReason(this, 'test_gemm', `not built (${bin} missing; npm run build:native)`);
    const r = spawnSync(bin, [], { encoding: 'utf8', timeout: 120000 });
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    // Every micro-kernel the addon says this CPU supports was tested, not skipped.
    const supported = cpuAddon()?.buildInfo().isasSupported ?? ['generic'];
    for (const isa of supported) expect(r.stdout).to.match(new RegExp(`^ok +${isa} `, 'm'));
    console.log(`      ${r.stdout.trim().split('\n').filter((l) => /^(ok|skip)/.test(l)).join('; ')}`);
  });
});
