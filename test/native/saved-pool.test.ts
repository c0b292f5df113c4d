// The recycling of native-cpu training forwards' saved state (src/kernels/saved-pool.ts). What must hold:
//  * a recycled array holds the previous call's numbers; the kernels must write every element their backward
//    reads. Every recycled array is filled with NaN before reuse here: outputs and gradients must be
//    bit-identical to a run on a fresh array, for the LSTM, GRU and SimpleRNN, over random sizes, masks (fully
//    masked rows included), directions and zero_output_for_mask;
//  * an array comes back only when its autograd node is released: never while a retained graph can still
//    backward through it, and a released result cannot be backwarded again;
//  * the pool's bounds (arrays, bytes), no duplicate entries, no views.
import { expect } from 'chai';
import fc from 'fast-check';
import { backward, tensor, type Tensor } from '../../src/index.js';
import { lstmSequence } from '../../src/kernels/lstm-sequence.js';
import { nativeCpuLstmBackend } from '../../src/kernels/native-cpu.js';
import { SavedPool, nativeSavedPool } from '../../src/kernels/saved-pool.js';
import { arbCase, bitIdentical, makeArgs, NATIVE_CELLS, requireCpu, seeds, type Case } from './helpers.js';

describe('native: recycled saved state (saved-pool.ts)', function () {
  let reused = 0;
  beforeEach(() => {
    nativeSavedPool.clear();
    reused = 0;
    nativeSavedPool.onReuse = (a) => { reused++; a.fill(NaN); };
  });
  afterEach(() => {
    nativeSavedPool.onReuse = null;
    nativeSavedPool.clear();
  });

  const cells = NATIVE_CELLS;
  for (const c of cells) {
    it(`${c.name}: a NaN-filled recycled array gives bit-identical outputs and gradients`, function () {
      requireCpu(this);
      fc.assert(fc.property(arbCase, (p) => {
        nativeSavedPool.clear();
        const a = c.args(p) as never;
        const s = seeds(p);
        const grads = (f: never) => (c.states === 2 ? c.be.backward(a, f, s.dy as never, s.dhT as never, s.dcT as never)
          : c.be.backward(a, f, s.dy as never, s.dhT as never));
        const fresh = c.be.forward(a, true);
        const gFresh = grads(fresh as never);
        const kept = fresh.saved as Float32Array;
        c.be.release!(fresh as never);
        expect(fresh.saved, 'release detaches the array').to.equal(null);
        const before = reused;
        const again = c.be.forward(a, true);
        expect(reused, 'the released array was handed out again').to.equal(before + 1);
        expect(again.saved, 'the same array').to.equal(kept);
        const gAgain = grads(again as never);
        for (const k of c.outs) bitIdentical(again[k] as Float32Array, fresh[k] as Float32Array, `${c.name} ${k}`, ['recycled', 'fresh']);
        for (const k of c.grads) bitIdentical(gAgain[k] as Float32Array, gFresh[k] as Float32Array, `${c.name} ${k}`, ['recycled', 'fresh']);
      }), { numRuns: 60, seed: 4242 });
    });
  }

  it('through lstmSequence: a training loop reuses the array; retainGraph keeps it until the node is released', function () {
    requireCpu(this);
    const p: Case = { T: 7, B: 5, I: 4, H: 6, lens: [7, 3, 0, 7, 1], goBackwards: false, zeroOutputForMask: true, seed: 9 };
    const a = makeArgs(p);
    const mk = () => [
      tensor(a.x, { shape: [p.T, p.B, p.I] }), tensor(a.h0, { shape: [p.B, p.H] }), tensor(a.c0, { shape: [p.B, p.H] }),
      tensor(a.kernel, { shape: [p.I, 4 * p.H], requiresGrad: true }),
      tensor(a.recurrentKernel, { shape: [p.H, 4 * p.H], requiresGrad: true }), tensor(a.bias, { shape: [4 * p.H], requiresGrad: true }),
    ];
    const step = (retain: boolean): { grads: Float32Array[]; out: Tensor[] } => {
      const A = mk();
      const out = lstmSequence(A[0], A[1], A[2], A[3], A[4], A[5], { seqLengths: p.lens, zeroOutputForMask: true, backend: nativeCpuLstmBackend });
      backward([out[0]], [tensor(seeds(p).dy, { shape: [p.T, p.B, p.H] })], { retainGraph: retain });
      return { grads: [A[3], A[4], A[5]].map((t) => t.grad!.data as Float32Array), out };
    };
    const first = step(false);
    expect(nativeSavedPool.size.arrays, 'released after backward').to.equal(1);
    const second = step(false);
    expect(reused, 'the second step took the first step\'s array').to.equal(1);
    second.grads.forEach((g, k) => bitIdentical(g, first.grads[k], `grad ${k}`, ['recycled', 'fresh']));

    // With retainGraph the node stays alive: nothing goes back to the pool, and a second backward still works.
    nativeSavedPool.clear();
    const kept = step(true);
    expect(nativeSavedPool.size.arrays, 'a retained graph keeps its array').to.equal(0);
    backward([kept.out[0]], [tensor(seeds(p).dy, { shape: [p.T, p.B, p.H] })]);  // releases it now
    expect(nativeSavedPool.size.arrays, 'released by the last backward').to.equal(1);
    expect(() => backward([kept.out[0]], [tensor(seeds(p).dy, { shape: [p.T, p.B, p.H] })])).to.throw(/a second time/);
  });

  it('a backward over a released result fails with a clear error instead of reading reused memory', function () {
    requireCpu(this);
    const p: Case = { T: 3, B: 2, I: 2, H: 3, lens: null, goBackwards: false, zeroOutputForMask: false, seed: 1 };
    const a = makeArgs(p);
    const s = seeds(p);
    const f = nativeCpuLstmBackend.forward(a, true);
    nativeCpuLstmBackend.release!(f);
    expect(() => nativeCpuLstmBackend.backward(a, f, s.dy, s.dhT, s.dcT)).to.throw(/needs the result of a training forward/);
  });

  it('the addon checks a recycled array (length, type) like any other argument', function () {
    const addon = requireCpu(this);
    const p: Case = { T: 2, B: 1, I: 1, H: 2, lens: null, goBackwards: false, zeroOutputForMask: false, seed: 1 };
    const a = makeArgs(p) as unknown as Parameters<typeof addon.forward>[0];
    expect(() => addon.forward(a, true, new Float32Array(5))).to.throw(/savedInto has 5 elements, expected 28/);
    expect(() => addon.forward(a, true, new Float64Array(28) as unknown as Float32Array)).to.throw(/savedInto must be a Float32Array, got Float64Array/);
  });

  it('SavedPool: matches by length, newest first; bounded in arrays and bytes; no duplicates; no views', function () {
    const pool = new SavedPool(2, 1000);
    const a = new Float32Array(10);
    const b = new Float32Array(10);
    const c = new Float32Array(20);
    pool.give(a);
    pool.give(a);
    expect(pool.size).to.deep.equal({ arrays: 1, bytes: 40 });
    pool.give(b);
    expect(pool.take(10)).to.equal(b);
    expect(pool.take(20)).to.equal(undefined);
    pool.give(b);
    pool.give(c);  // three arrays > 2: the oldest (a) goes
    expect(pool.size.arrays).to.equal(2);
    expect(pool.take(10)).to.equal(b);
    expect(pool.take(10)).to.equal(undefined);
    pool.give(new Float32Array(300));  // 1200 bytes > 1000: never kept
    expect(pool.take(300)).to.equal(undefined);
    pool.give(new Float32Array(new ArrayBuffer(80), 0, 10));  // a view of a larger buffer
    expect(pool.take(10)).to.equal(undefined);
    pool.clear();
    expect(pool.size).to.deep.equal({ arrays: 0, bytes: 0 });
  });
});
