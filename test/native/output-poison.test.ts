// The CPU addon hands out its outputs (y, hT, cT and every gradient) in memory that is not zero-filled
// (native/binding/validate.h outF32: a Node Buffer's memory, as Buffer.allocUnsafe), so each kernel must write
// every element of each output on every path: masked rows, fully masked batches, go_backwards, skipDx, empty
// dimensions, several GEMM blocks. Here the addon's test hook fills every such output with NaN before the kernel
// runs; the results must be bit-identical to a run without the hook (an unwritten element would show as NaN
// where the other run has a number; the comparison is by value, so NaN never equals NaN). Outputs that total under
// 16 KB are views of one shared ArrayBuffer; a test checks that they never overlap.
import fc from 'fast-check';
import { arbLstmCase } from '../kernels/lstm-cases.js';
import { bitIdentical, NATIVE_CELLS, requireCpu, seeds, type Case } from './helpers.js';

const cells = NATIVE_CELLS;

// Shapes the random cases do not reach: empty dimensions, and sizes past one micro-tile and one K block of the
// GEMM (8×32 tiles, K blocks of 256) with ragged edges.
const fixed: Case[] = [
  { T: 0, B: 3, I: 2, H: 4, lens: null, goBackwards: false, zeroOutputForMask: false, seed: 1 },
  { T: 4, B: 0, I: 2, H: 4, lens: null, goBackwards: false, zeroOutputForMask: false, seed: 2 },
  { T: 3, B: 2, I: 0, H: 5, lens: null, goBackwards: true, zeroOutputForMask: false, seed: 3 },
  { T: 5, B: 4, I: 3, H: 6, lens: [0, 0, 0, 0], goBackwards: false, zeroOutputForMask: true, seed: 4 },
  { T: 5, B: 4, I: 3, H: 6, lens: [0, 0, 0, 0], goBackwards: false, zeroOutputForMask: false, seed: 5 },
  { T: 6, B: 37, I: 300, H: 70, lens: null, goBackwards: false, zeroOutputForMask: false, seed: 6 },
  { T: 6, B: 19, I: 33, H: 45, lens: [6, 0, 3, 6, 1, 2, 6, 5, 4, 0, 6, 6, 2, 3, 1, 6, 6, 0, 5], goBackwards: true, zeroOutputForMask: true, seed: 7 },
];

describe('native: outputs are fully written (allocated without zero-fill)', function () {
  this.timeout(120000);
  let addon: ReturnType<typeof requireCpu> | null = null;
  beforeEach(function () {
    addon = requireCpu(this);
    if (typeof addon.setOutputPoison !== 'function') this.skip();  // an addon built before the hook
  });
  afterEach(() => addon?.setOutputPoison?.(false));

  /** forward (inference and training) and backward (with and without dx) of one case, with or without poison. */
  function run(c: (typeof cells)[number], p: Case, poison: boolean): Record<string, Float32Array> {
    addon!.setOutputPoison!(poison);
    try {
      const a = c.args(p) as never;
      const s = seeds(p);
      const out: Record<string, Float32Array> = {};
      const inf = c.be.forward(a, false);
      for (const k of c.outs) out[`infer ${k}`] = inf[k] as Float32Array;
      const f = c.be.forward(a, true);
      for (const k of c.outs) out[`train ${k}`] = f[k] as Float32Array;
      for (const skipDx of [false, true]) {
        const g = c.states === 2
          ? c.be.backward(a, f as never, s.dy as never, s.dhT as never, s.dcT as never, { skipDx } as never)
          : c.be.backward(a, f as never, s.dy as never, s.dhT as never, { skipDx } as never);
        for (const k of c.grads) if (!(skipDx && k === 'dx')) out[`${skipDx ? 'skipDx ' : ''}${k}`] = g[k] as Float32Array;
      }
      return out;
    } finally {
      addon!.setOutputPoison!(false);
    }
  }

  function check(c: (typeof cells)[number], p: Case): void {
    const poisoned = run(c, p, true);
    const plain = run(c, p, false);
    for (const k of Object.keys(plain)) bitIdentical(poisoned[k], plain[k], `${c.name} ${JSON.stringify({ ...p, seed: undefined })} ${k}`, ['NaN-filled output', 'other run']);
  }

  it('the hook is live: with it on, a new output is NaN until a kernel writes it', function () {
    const on = addon!.setOutputPoison!(true);
    const off = addon!.setOutputPoison!(false);
    if (!(on.length === 4 && on.every((v) => Number.isNaN(v)))) throw new Error(`poisoned output ${Array.from(on)}`);
    if (off.length !== 4) throw new Error(`unpoisoned output of length ${off.length}`);
  });

  // Small outputs of one call are views of one ArrayBuffer (validate.h outF32s); each must own its bytes.
  function checkDisjoint(c: (typeof cells)[number], p: Case): void {
    const a = c.args(p) as never;
    const s = seeds(p);
    const f = c.be.forward(a, true) as Record<string, unknown>;
    const g = (c.states === 2
      ? c.be.backward(a, f as never, s.dy as never, s.dhT as never, s.dcT as never)
      : c.be.backward(a, f as never, s.dy as never, s.dhT as never)) as Record<string, unknown>;
    const groups = [{ what: 'forward', arrs: [...c.outs, 'saved'].map((k) => [k, f[k]] as const) },
      { what: 'backward', arrs: c.grads.map((k) => [k, g[k]] as const) }];
    for (const { what, arrs } of groups) {
      for (const [k, v] of arrs) {
        if (!(v instanceof Float32Array)) throw new Error(`${c.name} ${what} ${k}: not a Float32Array`);
        if (v.byteOffset % 64 !== 0) throw new Error(`${c.name} ${what} ${k}: byteOffset ${v.byteOffset} is not a multiple of 64`);
      }
      for (let i = 0; i < arrs.length; i++) {
        for (let j = i + 1; j < arrs.length; j++) {
          const [ki, u] = arrs[i] as [string, Float32Array], [kj, v] = arrs[j] as [string, Float32Array];
          if (u.buffer !== v.buffer || u.length === 0 || v.length === 0) continue;
          const overlap = u.byteOffset < v.byteOffset + v.byteLength && v.byteOffset < u.byteOffset + u.byteLength;
          if (overlap) throw new Error(`${c.name} ${JSON.stringify(p)} ${what}: ${ki} [${u.byteOffset}, +${u.byteLength}) overlaps ${kj} [${v.byteOffset}, +${v.byteLength})`);
        }
      }
    }
  }

  for (const c of cells) {
    it(`${c.name}: the outputs of one call never share bytes (small ones share one buffer), each 64-byte aligned`, function () {
      fc.assert(fc.property(arbLstmCase({ T: 9, B: 6, I: 7, H: 9 }), (p) => { checkDisjoint(c, p); }), { numRuns: 40, seed: 778 });
      for (const p of fixed) checkDisjoint(c, p);
    });
    it(`${c.name}: random sizes, masks and directions give the same bits with NaN-filled outputs`, function () {
      fc.assert(fc.property(arbLstmCase({ T: 9, B: 6, I: 7, H: 9 }), (p) => { check(c, p); }), { numRuns: 40, seed: 777 });
    });
    it(`${c.name}: empty dimensions, fully masked batches and multi-block sizes`, function () {
      for (const p of fixed) check(c, p);
    });
  }
});
