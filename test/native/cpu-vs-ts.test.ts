// Property tests: the native CPU kernel (native/core/lstm_cpu.cpp via the addon) equals the pure-TS fused
// reference (src/kernels/ts.ts) and the LSTM composed from primitive ops with generic autograd
// (test/kernels/composed.ts) over random B, T, I, H, go_backwards, right-padded lengths (including fully
// masked rows), zero_output_for_mask and random initial states.
// Tolerances (helpers.compare): outputs ≤ 1e-5 abs; gradients ≤ 1e-4 relative to max(1, max|ref|).
import { expect } from 'chai';
import fc from 'fast-check';
import { tensor, Tensor, backward } from '../../src/index.js';
import { lstmSequence } from '../../src/kernels/lstm-sequence.js';
import { tsLstmBackend } from '../../src/kernels/ts.js';
import { nativeCpuLstmBackend } from '../../src/kernels/native-cpu.js';
import { composedLstm } from '../kernels/composed.js';
import { arbCase, compare, makeArgs, maxAbs, requireCpu, seeds, type Case } from './helpers.js';

function runBackend(be: typeof tsLstmBackend, p: Case) {
  const a = makeArgs(p);
  const s = seeds(p);
  const f = be.forward(a, true);
  const g = be.backward(a, f, s.dy, s.dhT, s.dcT);
  return { f, g };
}

describe('native: CPU kernel vs TypeScript (fast-check)', function () {
  it('native-cpu == ts fused: y, hT, cT ≤ 1e-5 abs; all six gradients ≤ 1e-4 rel', function () {
    requireCpu(this);
    let worst = { val: 0, grad: 0 };
    fc.assert(fc.property(arbCase, (p) => {
      const r = compare(p, runBackend(tsLstmBackend, p), runBackend(nativeCpuLstmBackend, p), 'native-cpu vs ts');
      worst = { val: Math.max(worst.val, r.val), grad: Math.max(worst.grad, r.grad) };
    }), { numRuns: 200, seed: 5150 });
    console.log(`      worst |Δy,h,c| ${worst.val.toExponential(2)}, worst grad rel ${worst.grad.toExponential(2)}`);
  });

  it('inference forward (training=false) equals the training forward and keeps nothing', function () {
    requireCpu(this);
    fc.assert(fc.property(arbCase, (p) => {
      const a = makeArgs(p);
      const inf = nativeCpuLstmBackend.forward(a, false);
      const tr = nativeCpuLstmBackend.forward(a, true);
      expect(inf.saved).to.equal(null);
      expect(maxAbs(inf.y, tr.y)).to.equal(0);
      expect(maxAbs(inf.hT, tr.hT)).to.equal(0);
    }), { numRuns: 30, seed: 7 });
    // A large batch (64 rows: split between the threads, 8 GEMM tiles), forwards and backwards, with masks:
    // inference (per-thread scratch for the gate rows) equals the training forward, which was checked vs TS.
    for (const goBackwards of [false, true]) {
      const p: Case = { T: 70, B: 64, I: 3, H: 256, lens: Array.from({ length: 64 }, (_, i) => 1 + ((i * 13) % 70)), goBackwards, zeroOutputForMask: false, seed: 5 };
      const a = makeArgs(p);
      const inf = nativeCpuLstmBackend.forward(a, false);
      const tr = nativeCpuLstmBackend.forward(a, true);
      expect(maxAbs(inf.y, tr.y), `blocked inference y, goBackwards=${goBackwards}`).to.equal(0);
      expect(maxAbs(inf.cT, tr.cT)).to.equal(0);
    }
  });

  it('backward with skipDx returns an empty dx and bit-identical other gradients (the dZ·Kᵀ GEMM is skipped)', function () {
    requireCpu(this);
    fc.assert(fc.property(arbCase, (p) => {
      const a = makeArgs(p);
      const s = seeds(p);
      const f = nativeCpuLstmBackend.forward(a, true);
      const full = nativeCpuLstmBackend.backward(a, f, s.dy, s.dhT, s.dcT);
      const skip = nativeCpuLstmBackend.backward(a, f, s.dy, s.dhT, s.dcT, { skipDx: true });
      expect(full.dx.length).to.equal(p.T * p.B * p.I);
      expect(skip.dx.length).to.equal(0);
      for (const k of ['dh0', 'dc0', 'dKernel', 'dRecurrentKernel', 'dBias'] as const) {
        expect(maxAbs(skip[k], full[k]), k).to.equal(0);
      }
    }), { numRuns: 30, seed: 11 });
  });

  it('through lstmSequence (autograd op) native-cpu == composed primitive ops with generic autograd', function () {
    requireCpu(this);
    fc.assert(fc.property(arbCase, (p) => {
      const a = makeArgs(p);
      const s = seeds(p);
      const mk = () => [
        tensor(a.x, { shape: [p.T, p.B, p.I], requiresGrad: true }), tensor(a.h0, { shape: [p.B, p.H], requiresGrad: true }),
        tensor(a.c0, { shape: [p.B, p.H], requiresGrad: true }), tensor(a.kernel, { shape: [p.I, 4 * p.H], requiresGrad: true }),
        tensor(a.recurrentKernel, { shape: [p.H, 4 * p.H], requiresGrad: true }), tensor(a.bias, { shape: [4 * p.H], requiresGrad: true }),
      ];
      const opts = { seqLengths: p.lens, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask };
      const A = mk();
      const B = mk();
      const outN = lstmSequence(A[0], A[1], A[2], A[3], A[4], A[5], { ...opts, backend: nativeCpuLstmBackend });
      const outC = composedLstm(B[0], B[1], B[2], B[3], B[4], B[5], opts);
      const seedT = [s.dy, s.dhT, s.dcT];
      backward(outN, outN.map((o, k) => tensor(seedT[k], { shape: [...o.shape] })));
      backward(outC, outC.map((o, k) => tensor(seedT[k], { shape: [...o.shape] })));
      outN.forEach((o, k) => expect(maxAbs(o.data, outC[k].data), `output ${k}`).to.be.at.most(1e-5));
      A.forEach((t: Tensor, k) => {
        const ref = B[k].grad!.data;
        let scale = 1;
        for (const v of ref) scale = Math.max(scale, Math.abs(v));
        expect(maxAbs(t.grad!.data, ref) / scale, `grad ${k}`).to.be.at.most(1e-4);
      });
    }), { numRuns: 60, seed: 99 });
  });

  it('a larger case (T=40 B=16 I=33 H=64, masked, go_backwards) matches the TS kernel', function () {
    requireCpu(this);
    const p: Case = { T: 40, B: 16, I: 33, H: 64, lens: Array.from({ length: 16 }, (_, i) => (i * 7) % 41), goBackwards: true, zeroOutputForMask: false, seed: 3 };
    const r = compare(p, runBackend(tsLstmBackend, p), runBackend(nativeCpuLstmBackend, p), 'large');
    expect(r.val).to.be.below(1e-5);
  });
});
