// The CPU addon's kernel entry points exist in two forms (native/binding/cpu_addon.cpp): with an options object,
// f({T, B, ...}, training), and positional, fV(T, B, ..., training), which returns an array instead of an object
// and is what the backends call (reading and setting named properties was ~40 % of a tiny call). Both go through
// the same checks (validate.h ArgSource). Here: the two forms give the same bits for every cell, mode, mask and
// direction, and reject the same bad arguments with the same message.
import { expect } from 'chai';
import fc from 'fast-check';
import { arbLstmCase } from '../kernels/lstm-cases.js';
import { bitIdentical, gruArgs, makeArgs, requireCpu, seeds, srnnArgs, type Case } from './helpers.js';

type Rec = Record<string, unknown>;
type Fn = (...a: unknown[]) => unknown;

// The keys of each form's argument object in positional order (cpu_addon.cpp ArgPos / CellArgPos), its
// gradient keys (backward), and its result keys in array order.
const LSTM_KEYS = ['T', 'B', 'I', 'H', 'x', 'h0', 'c0', 'kernel', 'recurrentKernel', 'bias', 'seqLengths', 'goBackwards', 'zeroOutputForMask'];
const CELL_KEYS = ['T', 'B', 'I', 'H', 'x', 'h0', 'kernel', 'recurrentKernel', 'bias', 'seqLengths', 'goBackwards', 'zeroOutputForMask', 'activation'];

interface Kind {
  name: string; fwd: string; bwd: string; keys: string[]; grads: string[]; outs: string[];
  args: (p: Case) => Rec;
}
const kinds: Kind[] = [
  { name: 'LSTM', fwd: 'forward', bwd: 'backward', keys: LSTM_KEYS, grads: ['saved', 'dy', 'dhT', 'dcT', 'skipDx'],
    outs: ['dx', 'dh0', 'dc0', 'dKernel', 'dRecurrentKernel', 'dBias'], args: (p) => makeArgs(p) as unknown as Rec },
  { name: 'GRU', fwd: 'gruForward', bwd: 'gruBackward', keys: CELL_KEYS, grads: ['saved', 'dy', 'dhT', 'skipDx'],
    outs: ['dx', 'dh0', 'dKernel', 'dRecurrentKernel', 'dBias'], args: (p) => gruArgs(p) as unknown as Rec },
  { name: 'SimpleRNN relu', fwd: 'srnnForward', bwd: 'srnnBackward', keys: CELL_KEYS, grads: ['saved', 'dy', 'dhT', 'skipDx'],
    outs: ['dx', 'dh0', 'dKernel', 'dRecurrentKernel', 'dBias'], args: (p) => srnnArgs(p, true) as unknown as Rec },
  { name: 'SimpleRNN tanh', fwd: 'srnnForward', bwd: 'srnnBackward', keys: CELL_KEYS, grads: ['saved', 'dy', 'dhT', 'skipDx'],
    outs: ['dx', 'dh0', 'dKernel', 'dRecurrentKernel', 'dBias'], args: (p) => srnnArgs(p, false) as unknown as Rec },
];
const FWD_OUTS = (k: Kind) => (k.name === 'LSTM' ? ['y', 'hT', 'cT', 'saved'] : ['y', 'hT', 'saved']);

/** The argument object of the object form (its keys only). */
function objectArgs(k: Kind, a: Rec): Rec {
  return Object.fromEntries(k.keys.map((key) => [key, a[key]]));
}

describe('native: positional and object forms of the CPU addon agree', function () {
  this.timeout(120000);
  let addon: Record<string, Fn>;
  beforeEach(function () {
    addon = requireCpu(this) as unknown as Record<string, Fn>;
    if (typeof addon.forwardV !== 'function') this.skip();  // an addon built before the positional forms
  });

  function call(k: Kind, fwd: boolean, positional: boolean, o: Rec, extra: unknown[]): unknown {
    const f = addon[(fwd ? k.fwd : k.bwd) + (positional ? 'V' : '')];
    if (!positional) return f.call(addon, o, ...extra);
    return f.call(addon, ...k.keys.map((key) => o[key]), ...extra);
  }

  for (const k of kinds) {
    it(`${k.name}: the same bits from both forms (inference, training forward, backward with and without dx)`, function () {
      fc.assert(fc.property(arbLstmCase({ T: 8, B: 5, I: 6, H: 9 }), (p) => {
        const o = objectArgs(k, k.args(p));
        const s = seeds(p);
        for (const training of [false, true]) {
          const rObj = call(k, true, false, o, [training]) as Rec;
          const rPos = call(k, true, true, o, [training]) as unknown[];
          expect(rPos).to.be.an('array').with.length(FWD_OUTS(k).length);
          FWD_OUTS(k).forEach((key, i) => {
            if (key === 'saved' && !training) {
              expect(rObj.saved, 'saved of an inference').to.equal(null);
              expect(rPos[i], 'saved of an inference (positional)').to.equal(null);
              return;
            }
            bitIdentical(rPos[i] as Float32Array, rObj[key] as Float32Array, `${k.name} ${key} training=${training}`, ['positional', 'object']);
          });
          if (!training) continue;
          for (const skipDx of [false, true]) {
            const g: Rec = { saved: rObj.saved, dy: s.dy, dhT: s.dhT, dcT: s.dcT, skipDx };
            const gObj = call(k, false, false, o, [Object.fromEntries(k.grads.map((key) => [key, g[key]]))]) as Rec;
            const gPos = call(k, false, true, o, k.grads.map((key) => g[key])) as unknown[];
            expect(gPos).to.be.an('array').with.length(k.outs.length);
            k.outs.forEach((key, i) => bitIdentical(gPos[i] as Float32Array, gObj[key] as Float32Array, `${k.name} ${key} skipDx=${skipDx}`, ['positional', 'object']));
          }
        }
      }), { numRuns: 30, seed: 4242 });
    });
  }

  // Bad arguments: each form must throw, with the same message after the call name.
  const p: Case = { T: 3, B: 2, I: 4, H: 5, lens: [3, 1], goBackwards: false, zeroOutputForMask: false, seed: 9 };
  const bad: { what: string; kinds: string[]; change: (o: Rec) => void; expect: RegExp }[] = [
    { what: 'a non-integer T', kinds: ['LSTM', 'GRU', 'SimpleRNN tanh'], change: (o) => { o.T = 2.5; }, expect: /T must be an integer in \[0, 2\^31-1\], got 2\.5/ },
    { what: 'a missing dimension', kinds: ['LSTM', 'GRU'], change: (o) => { o.H = undefined; }, expect: /H must be a number, got undefined/ },
    { what: 'x of the wrong length', kinds: ['LSTM', 'GRU', 'SimpleRNN tanh'], change: (o) => { o.x = new Float32Array(5); }, expect: /x has 5 elements, expected 24/ },
    { what: 'a Float64Array kernel', kinds: ['LSTM', 'GRU'], change: (o) => { o.kernel = new Float64Array(4); }, expect: /kernel must be a Float32Array, got Float64Array/ },
    { what: 'a length past T', kinds: ['LSTM', 'SimpleRNN tanh'], change: (o) => { o.seqLengths = Int32Array.from([4, 1]); }, expect: /seqLengths\[0\] = 4 is outside \[0, T=3\]/ },
    { what: 'a non-boolean goBackwards', kinds: ['LSTM', 'GRU'], change: (o) => { o.goBackwards = 1; }, expect: /goBackwards must be a boolean/ },
    { what: 'an unknown activation', kinds: ['SimpleRNN tanh'], change: (o) => { o.activation = 'sigmoid'; }, expect: /activation must be 'tanh' or 'relu', got 'sigmoid'/ },
  ];
  for (const b of bad) {
    it(`rejects ${b.what} with the same message in both forms (forward)`, () => {
      for (const k of kinds.filter((kk) => b.kinds.includes(kk.name))) {
        const o = objectArgs(k, k.args(p));
        b.change(o);
        const messages = [false, true].map((positional) => {
          try {
            call(k, true, positional, o, [false]);
          } catch (e) {
            return (e as Error).message;
          }
          throw new Error(`${k.name} ${positional ? 'positional' : 'object'} form accepted ${b.what}`);
        });
        expect(messages[0], `${k.name} object form`).to.match(b.expect);
        expect(messages[1].replace(/^([\w.]+)V: /, '$1: '), `${k.name} positional form`).to.equal(messages[0]);
      }
    });
  }

  it('rejects a saved state of the wrong length, and a non-boolean skipDx, in both forms (backward)', () => {
    for (const k of kinds) {
      const o = objectArgs(k, k.args(p));
      const s = seeds(p);
      const saved = (call(k, true, false, o, [true]) as Rec).saved as Float32Array;
      for (const [g, re] of [
        [{ saved: saved.subarray(1), dy: s.dy, dhT: s.dhT, dcT: s.dcT, skipDx: false }, /saved has \d+ elements, expected \d+/],
        [{ saved, dy: s.dy, dhT: s.dhT, dcT: s.dcT, skipDx: 'yes' }, /skipDx must be a boolean/],
      ] as [Rec, RegExp][]) {
        const messages = [false, true].map((positional) => {
          try {
            call(k, false, positional, o, positional ? k.grads.map((key) => g[key]) : [Object.fromEntries(k.grads.map((key) => [key, g[key]]))]);
          } catch (e) {
            return (e as Error).message;
          }
          throw new Error(`${k.name} ${positional ? 'positional' : 'object'} backward accepted ${re}`);
        });
        expect(messages[0], `${k.name} object form`).to.match(re);
        expect(messages[1].replace(/^([\w.]+)V: /, '$1: '), `${k.name} positional form`).to.equal(messages[0]);
      }
    }
  });
});
