// Soak: many native-cpu forward+backward calls; the process RSS must stay bounded (no leak in the addon: all
// outputs and the saved state are JS-owned typed arrays, scratch is freed per call). Kept under ~10 s.
import { expect } from 'chai';
import { nativeCpuLstmBackend } from '../../src/kernels/native-cpu.js';
import { makeArgs, requireCpu, seeds, type Case } from './helpers.js';

describe('native: soak', function () {
  it('2000 forward+backward calls (T=20 B=8 I=16 H=32) keep RSS bounded', function () {
    requireCpu(this);
    const p: Case = { T: 20, B: 8, I: 16, H: 32, lens: [20, 3, 17, 1, 20, 9, 12, 5], goBackwards: true, zeroOutputForMask: false, seed: 4 };
    const a = makeArgs(p);
    const s = seeds(p);
    const step = () => {
      const f = nativeCpuLstmBackend.forward(a, true);
      nativeCpuLstmBackend.backward(a, f, s.dy, s.dhT, s.dcT);
    };
    for (let i = 0; i < 200; i++) step(); // warm-up: allocator and V8 heap reach steady state
    (globalThis as { gc?: () => void }).gc?.();
    const rss0 = process.memoryUsage().rss;
    const t0 = Date.now();
    const samples: number[] = [];
    for (let i = 0; i < 2000; i++) {
      step();
      if (i % 500 === 499) samples.push(process.memoryUsage().rss);
    }
    const rss1 = process.memoryUsage().rss;
    const grow = (rss1 - rss0) / 2 ** 20;
    console.log(`      ${((Date.now() - t0) / 2000).toFixed(2)} ms/step; RSS ${(rss0 / 2 ** 20).toFixed(1)} -> ${(rss1 / 2 ** 20).toFixed(1)} MiB (samples ${samples.map((v) => (v / 2 ** 20).toFixed(0)).join(', ')})`);
    // Each step allocates ~0.3 MB of typed arrays that the GC reclaims; a leak of one step's arrays would
    // grow RSS by > 600 MB over 2000 steps. 64 MiB allows for GC timing.
    expect(grow).to.be.below(64);
  });
});
