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
    expect(i).to.have.keys(['loaded', 'reason', 'built', 'loadedAddons', 'versions', 'devices', 'reasons', 'paths'].filter((k) => k !== 'reason' || !i.loaded));
    expect(i.loaded).to.equal(cpuAddon() !== null);
    if (!i.loaded) expect(i.reason).to.be.a('string').and.not.empty;
    for (const k of ['cpu', 'blas', 'cudnn'] as const) {
      if (!i.built[k]) expect(Object.keys(i.reasons).join(' '), `reason for missing ${k}`).to.match(new RegExp(k));
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
      const LSTM = (lt.keras.layers as unknown as Record<string, new (a: object) => { apply: (x: lt.Tensor, k?: object) => unknown; explain: () => { path: string } | null }>).LSTM;
      if (!LSTM) skipWithReason(this, 'keras LSTM layer', 'not exported yet');
      const layer = new LSTM({ units: 3, returnSequences: true });
      const x = lt.randomUniform([2, 4, 5], -1, 1);
      layer.apply(x);
      const path = layer.explain()!.path;
      if (lt.native.cudnnUnavailableReason() !== null) expect(path).to.equal('native-cpu');
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
});
