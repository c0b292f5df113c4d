// Property tests: the native CPU GRU kernel (native/core/gru_cpu.cpp via the addon) equals the pure-TS fused
// reference (src/kernels/gru-ts.ts) over random B, T, I, H, go_backwards, right-padded lengths (fully masked rows
// included), zero_output_for_mask and random initial states: outputs ≤ 1e-5 abs; gradients ≤ 1e-4 relative to
// max(1, max|ref|) (the native exp is a ≈2-ulp polynomial, the TS one Math.exp). Also: inference == training
// forward, skipDx, and the GRU layer choosing native-cpu under 'auto'. The same for the fused SimpleRNN
// (native/core/srnn_cpu.cpp vs src/kernels/simple-rnn-ts.ts, tanh and relu).
import { expect } from 'chai';
import fc from 'fast-check';
import * as lt from '../../src/index.js';
import { Random } from '../../src/index.js';
import { tsGruBackend } from '../../src/kernels/gru-ts.js';
import { nativeCpuGruBackend } from '../../src/kernels/native-cpu.js';
import type { GruBackend, SimpleRnnBackend } from '../../src/kernels/types.js';
import { tsSimpleRnnBackend } from '../../src/kernels/simple-rnn-ts.js';
import { nativeCpuSimpleRnnBackend } from '../../src/kernels/native-cpu.js';
import { arbCase, gruArgs, maxAbs, maxMag, requireCpu, srnnArgs, type Case } from './helpers.js';

function run(be: GruBackend, p: Case) {
  const a = gruArgs(p);
  const rng = new Random(p.seed + 7);
  const dy = Float32Array.from({ length: p.T * p.B * p.H }, () => rng.uniformRange(-1, 1));
  const dhT = Float32Array.from({ length: p.B * p.H }, () => rng.uniformRange(-1, 1));
  const f = be.forward(a, true);
  return { f, g: be.backward(a, f, dy, dhT) };
}

describe('native: CPU GRU kernel vs TypeScript (fast-check)', function () {
  it('native-cpu == ts fused: y, hT ≤ 1e-5 abs; all five gradients ≤ 1e-4 rel', function () {
    requireCpu(this);
    let worst = { val: 0, grad: 0 };
    fc.assert(fc.property(arbCase, (p) => {
      const ref = run(tsGruBackend, p);
      const got = run(nativeCpuGruBackend, p);
      for (const k of ['y', 'hT'] as const) {
        const d = maxAbs(got.f[k], ref.f[k]);
        worst.val = Math.max(worst.val, d);
        if (!(d <= 1e-5)) throw new Error(`${k} differs by ${d} for ${JSON.stringify(p)}`);
      }
      for (const k of ['dx', 'dh0', 'dKernel', 'dRecurrentKernel', 'dBias'] as const) {
        const d = maxAbs(got.g[k], ref.g[k]) / Math.max(1, maxMag(ref.g[k]));
        worst.grad = Math.max(worst.grad, d);
        if (!(d <= 1e-4)) throw new Error(`${k} differs by ${d} (relative) for ${JSON.stringify(p)}`);
      }
    }), { numRuns: 200, seed: 6160 });
    console.log(`      worst |Δy,h| ${worst.val.toExponential(2)}, worst grad rel ${worst.grad.toExponential(2)}`);
  });

  it('inference forward equals the training forward and keeps nothing; skipDx leaves the other gradients bit-identical', function () {
    requireCpu(this);
    fc.assert(fc.property(arbCase, (p) => {
      const a = gruArgs(p);
      const inf = nativeCpuGruBackend.forward(a, false);
      const tr = nativeCpuGruBackend.forward(a, true);
      expect(inf.saved).to.equal(null);
      expect(maxAbs(inf.y, tr.y)).to.equal(0);
      const dy = new Float32Array(p.T * p.B * p.H).fill(0.5);
      const dhT = new Float32Array(p.B * p.H).fill(-0.25);
      const full = nativeCpuGruBackend.backward(a, tr, dy, dhT);
      const skip = nativeCpuGruBackend.backward(a, tr, dy, dhT, { skipDx: true });
      expect(skip.dx.length).to.equal(0);
      for (const k of ['dh0', 'dKernel', 'dRecurrentKernel', 'dBias'] as const) expect(maxAbs(skip[k], full[k]), k).to.equal(0);
    }), { numRuns: 30, seed: 12 });
  });

  it('large batches (split between threads, many GEMM tiles), forwards and backwards, with lengths', function () {
    requireCpu(this);
    for (const goBackwards of [false, true]) {
      const p: Case = { T: 50, B: 512, I: 3, H: 32, lens: Array.from({ length: 512 }, (_, i) => 1 + ((i * 13) % 50)), goBackwards, zeroOutputForMask: false, seed: 5 };
      const ref = run(tsGruBackend, p);
      const got = run(nativeCpuGruBackend, p);
      expect(maxAbs(got.f.y, ref.f.y), `y, goBackwards=${goBackwards}`).to.be.below(1e-5);
      expect(maxAbs(got.g.dKernel, ref.g.dKernel) / Math.max(1, maxMag(ref.g.dKernel))).to.be.below(1e-4);
      expect(maxAbs(nativeCpuGruBackend.forward(gruArgs(p), false).y, got.f.y), 'inference == training forward').to.equal(0);
    }
  });

  it('a GRU layer picks native-cpu under auto (float32, Keras rules hold) and gives the TS kernel\'s numbers', function () {
    requireCpu(this);
    const was = lt.native.isEnabled();
    lt.native.enable();  // another suite may have disabled the native backends
    try {
      const x = lt.randomUniform([3, 5, 4], -1, 1, { seed: 2 });
      const mk = (backend: 'auto' | 'ts'): lt.keras.layers.GRU => {
        lt.setRandomSeed(3);
        return new lt.keras.layers.GRU({ units: 6, returnSequences: true, backend });
      };
      const a = mk('auto');
      const b = mk('ts');
      const ya = a.apply(x) as lt.Tensor;
      const yb = b.apply(x) as lt.Tensor;
      expect(a.explain()!.path).to.equal('native-cpu');
      expect(b.explain()!.path).to.equal('ts');
      expect(maxAbs(ya.data, yb.data)).to.be.below(1e-5);
    } finally {
      if (!was) lt.native.disable();
    }
  });
});


describe('native: CPU SimpleRNN kernel vs TypeScript (fast-check)', function () {
  it('native-cpu == ts fused (tanh and relu): y, hT ≤ 1e-5 abs; all five gradients ≤ 1e-4 rel; skipDx', function () {
    requireCpu(this);
    let worst = { val: 0, grad: 0 };
    fc.assert(fc.property(arbCase, fc.boolean(), (p, relu) => {
      const a = srnnArgs(p, relu);
      const rng = new Random(p.seed + 7);
      const dy = Float32Array.from({ length: p.T * p.B * p.H }, () => rng.uniformRange(-1, 1));
      const dhT = Float32Array.from({ length: p.B * p.H }, () => rng.uniformRange(-1, 1));
      const run = (be: SimpleRnnBackend) => {
        const f = be.forward(a, true);
        return { f, g: be.backward(a, f, dy, dhT) };
      };
      const ref = run(tsSimpleRnnBackend);
      const got = run(nativeCpuSimpleRnnBackend);
      for (const k of ['y', 'hT'] as const) {
        const d = maxAbs(got.f[k], ref.f[k]);
        worst.val = Math.max(worst.val, d);
        if (!(d <= 1e-5)) throw new Error(`${k} differs by ${d} for ${JSON.stringify(p)} relu=${relu}`);
      }
      for (const k of ['dx', 'dh0', 'dKernel', 'dRecurrentKernel', 'dBias'] as const) {
        const d = maxAbs(got.g[k], ref.g[k]) / Math.max(1, maxMag(ref.g[k]));
        worst.grad = Math.max(worst.grad, d);
        if (!(d <= 1e-4)) throw new Error(`${k} differs by ${d} (relative) for ${JSON.stringify(p)} relu=${relu}`);
      }
      const inf = nativeCpuSimpleRnnBackend.forward(a, false);
      expect(inf.saved).to.equal(null);
      expect(maxAbs(inf.y, got.f.y)).to.equal(0);
      const skip = nativeCpuSimpleRnnBackend.backward(a, got.f, dy, dhT, { skipDx: true });
      expect(skip.dx.length).to.equal(0);
      expect(maxAbs(skip.dKernel, got.g.dKernel)).to.equal(0);
    }), { numRuns: 200, seed: 7170 });
    console.log(`      worst |Δy,h| ${worst.val.toExponential(2)}, worst grad rel ${worst.grad.toExponential(2)}`);
  });

  it('large batches (split between threads, many GEMM tiles)', function () {
    requireCpu(this);
    for (const goBackwards of [false, true]) {
      const p: Case = { T: 150, B: 1024, I: 3, H: 32, lens: Array.from({ length: 1024 }, (_, i) => 1 + ((i * 7) % 150)), goBackwards, zeroOutputForMask: false, seed: 6 };
      const a = srnnArgs(p, false);
      // a contractive recurrence (|R| small): with the ±0.8 weights of the property test a 32-unit tanh RNN is
      // chaotic over 150 steps, and one-ulp differences of tanh grow to ±1 by step ~60 in either implementation
      a.recurrentKernel = a.recurrentKernel.map((v) => v / 8);
      const ref = tsSimpleRnnBackend.forward(a, false);
      const got = nativeCpuSimpleRnnBackend.forward(a, false);
      expect(maxAbs(got.y, ref.y), `y, goBackwards=${goBackwards}`).to.be.below(1e-5);
      expect(maxAbs(nativeCpuSimpleRnnBackend.forward(a, true).y, got.y)).to.equal(0);
    }
  });
});
