// cuDNN backend: (1) where no GPU is usable (this machine), it reports why — "no CUDA device" — and kernel
// selection falls back to native-cpu / ts; forcing it throws naming that reason. (2) Where a GPU is present,
// the same fast-check property as cpu-vs-ts.test.ts against the TS reference (outputs ≤ 1e-5 abs, gradients
// ≤ 1e-4 rel; FMA math, no TF32), and device-state management (weights uploaded once, reserve freed after
// backward, no leak). The GRU mode (CUDNN_GRU) the same way against the TS GRU kernel. Skipped with a printed
// reason otherwise.
import { expect } from 'chai';
import fc from 'fast-check';
import * as lt from '../../src/index.js';
import { selectLstmBackend, getLstmBackend } from '../../src/kernels/select.js';
import { tsLstmBackend } from '../../src/kernels/ts.js';
import { cudnnLstmBackend, cudnnGruBackend } from '../../src/kernels/cudnn.js';
import { tsGruBackend } from '../../src/kernels/gru-ts.js';
import { selectGruBackend } from '../../src/kernels/select.js';
import { Random } from '../../src/index.js';
import type { GruSeqArgs } from '../../src/kernels/types.js';
import { cudnnAddon, cudnnProbe, cudnnUnavailableReason } from '../../src/kernels/native-addon.js';
import { arbCase, compare, makeArgs, requireCudnn, seeds, skipWithReason, type Case } from './helpers.js';

const eligible = { activation: 'tanh', recurrentActivation: 'sigmoid', recurrentDropout: 0, unroll: false, useBias: true, dtype: 'float32' as const };

describe('native: cuDNN backend', function () {
  let wasEnabled = false;
  before(() => {
    wasEnabled = lt.native.isEnabled();
    lt.native.enable();
  });
  after(() => {
    if (!wasEnabled) lt.native.disable();
  });

  it('without a usable GPU: availability says why, auto falls back, forcing cudnn throws with the reason', function () {
    const why = cudnnUnavailableReason();
    if (why === null) skipWithReason(this, 'fallback test', 'a GPU is usable here; the property tests below cover cuDNN');
    expect(getLstmBackend('cudnn')).to.equal(cudnnLstmBackend);
    const av = cudnnLstmBackend.availability();
    expect(av.ok).to.equal(false);
    if (cudnnAddon()) {
      // The addon is built (CI compiles and links it against the cuDNN wheel) but finds no device.
      expect(why).to.match(/no CUDA device/);
      const p = cudnnProbe()!;
      expect(p.deviceCount).to.equal(0);
      expect(p.cudnnCompiledVersion).to.be.at.least(90000);
      expect(lt.native.info().reasons.device).to.match(/no CUDA device/);
    } else {
      console.log(`      (cuDNN addon not built: ${why})`);
    }
    const sel = selectLstmBackend({ ...eligible });
    expect(sel.name).to.not.equal('cudnn');
    expect(sel.reasons.find((r) => r.startsWith('cudnn:'))).to.include(why!.slice(0, 40));
    expect(() => selectLstmBackend({ ...eligible, backend: 'cudnn' })).to.throw(/backend 'cudnn' was requested but cannot run/);
    // Forcing it directly also fails cleanly (an Error, not a crash).
    const a = makeArgs({ T: 2, B: 1, I: 2, H: 2, lens: null, goBackwards: false, zeroOutputForMask: false, seed: 1 });
    expect(() => cudnnLstmBackend.forward(a, true)).to.throw(/cudnn: not available/);
    if (cudnnAddon()) {
      expect(() => new (cudnnAddon()!.CudnnLstm)({ I: 2, H: 2 })).to.throw(/lstmts\.cudnn\.CudnnLstm: CudnnLstm\.init: no CUDA device/);
    }
  });

  it('rejects what cuDNN cannot take: float64, zero-length rows, empty sizes', () => {
    const a = makeArgs({ T: 3, B: 2, I: 2, H: 2, lens: [3, 0], goBackwards: false, zeroOutputForMask: false, seed: 2 });
    expect(cudnnLstmBackend.rejects(a)).to.match(/zero-length/);
    expect(cudnnLstmBackend.rejects({ ...a, seqLengths: null, dtype: 'float64' })).to.match(/float64/);
    expect(cudnnLstmBackend.rejects({ ...a, seqLengths: null, I: 0 })).to.match(/empty sizes/);
    expect(cudnnLstmBackend.rejects({ ...a, seqLengths: Int32Array.from([3, 1]) })).to.equal(null);
  });

  it('cudnn == ts fused (fast-check): y, hT, cT ≤ 1e-5 abs; gradients ≤ 1e-4 rel', function () {
    requireCudnn(this);
    const nonEmpty = arbCase.map((p) => ({ ...p, lens: p.lens ? p.lens.map((l) => Math.max(1, l)) : null }));
    let worst = { val: 0, grad: 0 };
    fc.assert(fc.property(nonEmpty, (p) => {
      const a = makeArgs(p);
      const s = seeds(p);
      const fr = tsLstmBackend.forward(a, true);
      const ref = { f: fr, g: tsLstmBackend.backward(a, fr, s.dy, s.dhT, s.dcT) };
      const fg = cudnnLstmBackend.forward(a, true);
      const got = { f: fg, g: cudnnLstmBackend.backward(a, fg, s.dy, s.dhT, s.dcT) };
      const r = compare(p, ref, got, 'cudnn vs ts');
      worst = { val: Math.max(worst.val, r.val), grad: Math.max(worst.grad, r.grad) };
    }), { numRuns: 60, seed: 5150 }); // each case makes a cuDNN handle (new kernel array): keep it modest
    console.log(`      worst |Δy,h,c| ${worst.val.toExponential(2)}, worst grad rel ${worst.grad.toExponential(2)}`);
  });

  it('GRU without a usable GPU: the cudnn GRU backend is registered, says why it cannot run, auto falls back', function () {
    const why = cudnnUnavailableReason();
    if (why === null) skipWithReason(this, 'GRU fallback test', 'a GPU is usable here; the GRU property test below covers cuDNN');
    const av = cudnnGruBackend.availability();
    expect(av.ok).to.equal(false);
    const sel = selectGruBackend({ ...eligible, resetAfter: true });
    expect(sel.name).to.not.equal('cudnn');
    expect(sel.reasons.find((r) => r.startsWith('cudnn:'))).to.include(why!.slice(0, 40));
  });

  it('GRU: cudnn == ts fused (fast-check, CUDNN_GRU = Keras reset_after=True): y, hT ≤ 1e-5 abs; gradients ≤ 1e-4 rel', function () {
    requireCudnn(this);
    const nonEmpty = arbCase.map((p) => ({ ...p, lens: p.lens ? p.lens.map((l) => Math.max(1, l)) : null }));
    fc.assert(fc.property(nonEmpty, (p) => {
      const rng = new Random(p.seed);
      const arr = (n: number, sc: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniformRange(-sc, sc));
      const a: GruSeqArgs = {
        T: p.T, B: p.B, I: p.I, H: p.H, dtype: 'float32', x: arr(p.T * p.B * p.I, 1), h0: arr(p.B * p.H, 0.5),
        kernel: arr(p.I * 3 * p.H, 0.8), recurrentKernel: arr(p.H * 3 * p.H, 0.8), bias: arr(6 * p.H, 0.5),
        seqLengths: p.lens ? Int32Array.from(p.lens) : null, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask,
      };
      const dy = arr(p.T * p.B * p.H, 1);
      const dhT = arr(p.B * p.H, 1);
      const fr = tsGruBackend.forward(a, true);
      const gr = tsGruBackend.backward(a, fr, dy, dhT);
      const fg = cudnnGruBackend.forward(a, true);
      const gg = cudnnGruBackend.backward(a, fg, dy, dhT);
      const maxAbs = (u: ArrayLike<number>, v: ArrayLike<number>): number => {
        let m = 0;
        for (let i = 0; i < u.length; i++) m = Math.max(m, Math.abs(u[i] - v[i]));
        return m;
      };
      for (const k of ['y', 'hT'] as const) expect(maxAbs(fg[k], fr[k]), `${k} ${JSON.stringify(p)}`).to.be.at.most(1e-5);
      for (const k of ['dx', 'dh0', 'dKernel', 'dRecurrentKernel', 'dBias'] as const) {
        let scale = 1;
        for (const v of gr[k]) scale = Math.max(scale, Math.abs(v));
        expect(maxAbs(gg[k], gr[k]) / scale, `${k} ${JSON.stringify(p)}`).to.be.at.most(1e-4);
      }
    }), { numRuns: 40, seed: 6260 });
  });

  it('device state: weights uploaded once while unchanged, reserve freed by backward and release, no leak', function () {
    requireCudnn(this);
    const p: Case = { T: 20, B: 8, I: 16, H: 32, lens: null, goBackwards: false, zeroOutputForMask: false, seed: 11 };
    const a = makeArgs(p);
    const s = seeds(p);
    const Ctor = cudnnAddon()!.CudnnLstm;
    const layer = new Ctor({ I: p.I, H: p.H });
    const w = { kernel: a.kernel as Float32Array, recurrentKernel: a.recurrentKernel as Float32Array, bias: a.bias as Float32Array };
    for (let i = 0; i < 50; i++) {
      layer.setWeights(w);
      const f = layer.forward({ T: p.T, B: p.B, x: a.x as Float32Array, h0: a.h0 as Float32Array, c0: a.c0 as Float32Array }, true);
      expect(layer.stats().liveSaved).to.equal(1);
      if (i % 2 === 0) layer.backward(f.saved!, { T: p.T, B: p.B, dy: s.dy, dhT: s.dhT, dcT: s.dcT });
      else layer.release(f.saved!);
      expect(() => layer.release(f.saved!)).to.throw(/already used/);
    }
    const st = layer.stats();
    expect(st.weightUploads).to.equal(1);
    expect(st.liveSaved).to.equal(0);
    expect(st.liveReserveBytes).to.equal(0);
    (w.kernel as Float32Array)[0] += 1;
    layer.setWeights(w);
    expect(layer.stats().weightUploads).to.equal(2);
    console.log(`      stats ${JSON.stringify(layer.stats())}`);
  });
});
