// fast-check properties of the recurrent layers over random shapes and options:
//   * fused path == generic path (values and gradients), including masks, go_backwards, initial states and
//     training-mode input dropout (the same seeded mask on both paths);
//   * go_backwards(x, mask) == forward(reverse(x), reverse(mask)) exactly;
//   * stateful: two calls == one call on the concatenated sequence;
//   * time_major == transposed batch-major.

import { expect } from 'chai';
import fc from 'fast-check';
import { keras, ops, tensor, Tensor, Random } from '../../src/index.js';
import { expectClose } from './helpers.js';

const { LSTM, SimpleRNN, RNN, LSTMCell } = keras.layers;

function randTensor(shape: number[], rng: Random, dtype: 'float32' | 'float64', requiresGrad = false, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.uniformRange(-scale, scale);
  return tensor(d, { shape, dtype, requiresGrad });
}

const dims = fc.record({
  B: fc.integer({ min: 1, max: 3 }),
  T: fc.integer({ min: 1, max: 5 }),
  I: fc.integer({ min: 1, max: 4 }),
  H: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 1, max: 1e6 }),
  goBackwards: fc.boolean(),
  returnSequences: fc.boolean(),
  zeroOutputForMask: fc.boolean(),
  withMask: fc.boolean(),
  withState: fc.boolean(),
  dtype: fc.constantFrom('float32' as const, 'float64' as const),
});

/** Right-padded mask with every row ≥ 1 valid step (the fused kernel's domain). */
function rightPadded(B: number, T: number, rng: Random): number[][] {
  return Array.from({ length: B }, () => {
    const len = 1 + rng.int(T);
    return Array.from({ length: T }, (_, t) => (t < len ? 1 : 0));
  });
}

describe('keras-recurrent: properties', () => {
  it('LSTM fused path == generic path: outputs, states and every gradient', () => {
    fc.assert(fc.property(dims, (p) => {
      const rng = new Random(p.seed);
      const x0 = randTensor([p.B, p.T, p.I], rng, p.dtype);
      const mask = p.withMask ? tensor(rightPadded(p.B, p.T, rng)) : undefined;
      const st0 = p.withState ? [randTensor([p.B, p.H], rng, p.dtype), randTensor([p.B, p.H], rng, p.dtype)] : null;
      const weights = [randTensor([p.I, 4 * p.H], rng, p.dtype, false, 0.7), randTensor([p.H, 4 * p.H], rng, p.dtype, false, 0.7), randTensor([4 * p.H], rng, p.dtype, false, 0.5)];
      const lossW = randTensor([p.B, p.returnSequences ? p.T * p.H : p.H], rng, p.dtype);
      // The generic loop through RNN(LSTMCell), which never takes a fused kernel. Not LSTM(unroll=True): Keras's
      // unrolled loop zeroes masked outputs differently under go_backwards + zero_output_for_mask (rnn-loop.ts).
      const run = (generic: boolean) => {
        const opts = { returnSequences: p.returnSequences, returnState: true, goBackwards: p.goBackwards, zeroOutputForMask: p.zeroOutputForMask, dtype: p.dtype };
        const l = generic
          ? new RNN({ cell: new LSTMCell({ units: p.H, dtype: p.dtype }), ...opts })
          : new LSTM({ units: p.H, ...opts, backend: 'ts' });
        const x = tensor(x0.data.slice(), { shape: x0.shape, dtype: p.dtype, requiresGrad: true });
        const st = st0 ? st0.map((s) => tensor(s.data.slice(), { shape: s.shape, dtype: p.dtype, requiresGrad: true })) : undefined;
        l.build([p.B, p.T, p.I]);
        l.setWeights(weights);
        const [y, h, c] = l.apply(x, { mask, initialState: st }) as Tensor[];
        const loss = ops.add(ops.add(ops.sum(ops.mul(ops.reshape(y, [p.B, -1]), lossW)), ops.sum(h)), ops.sum(ops.mul(c, c)));
        loss.backward();
        return { path: l.explain()!.path, y, h, c, gx: x.grad!, gs: st ? st.map((s) => s.grad!) : [], gw: l.trainableWeights.map((w) => w.grad!) };
      };
      const f = run(false);
      const g = run(true);
      expect(f.path).to.equal('ts');
      expect(g.path).to.equal('generic');
      const tol = p.dtype === 'float64' ? 1e-12 : 2e-6;
      expectClose('y', f.y, g.y, tol);
      expectClose('h', f.h, g.h, tol);
      expectClose('c', f.c, g.c, tol);
      expectClose('dx', f.gx, g.gx, 5 * tol);
      f.gs.forEach((t, k) => expectClose(`dstate${k}`, t, g.gs[k], 5 * tol));
      f.gw.forEach((t, k) => expectClose(`dW${k}`, t, g.gw[k], 10 * tol));
    }), { numRuns: 40, seed: 42 });
  });

  it('LSTM training-mode input dropout: the fused path applies the same per-batch mask as the generic cell', () => {
    fc.assert(fc.property(dims, fc.double({ min: 0.1, max: 0.8, noNaN: true }), (p, rate) => {
      const rng = new Random(p.seed);
      const x = randTensor([p.B, p.T, p.I], rng, p.dtype);
      const weights = [randTensor([p.I, 4 * p.H], rng, p.dtype), randTensor([p.H, 4 * p.H], rng, p.dtype), randTensor([4 * p.H], rng, p.dtype)];
      const run = (unroll: boolean) => {
        const l = new LSTM({ units: p.H, returnSequences: true, dropout: rate, seed: p.seed, unroll, dtype: p.dtype, backend: 'ts' });
        l.build([p.B, p.T, p.I]);
        l.setWeights(weights);
        return { y: l.apply(x, { training: true }) as Tensor, path: l.explain()!.path };
      };
      const f = run(false);
      const g = run(true);
      expect(f.path).to.equal('ts');
      expectClose('y', f.y, g.y, p.dtype === 'float64' ? 1e-12 : 2e-6);
    }), { numRuns: 20, seed: 7 });
  });

  it('go_backwards(x, mask) == forward(reverse(x), reverse(mask)), LSTM and SimpleRNN, exactly', () => {
    fc.assert(fc.property(dims, fc.boolean(), (p, simple) => {
      const rng = new Random(p.seed);
      const x = randTensor([p.B, p.T, p.I], rng, 'float32');
      const m = Array.from({ length: p.B }, () => Array.from({ length: p.T }, () => (rng.uniform() < 0.7 ? 1 : 0)));
      const make = (gb: boolean) => (simple
        ? new SimpleRNN({ units: p.H, returnSequences: true, returnState: true, goBackwards: gb, zeroOutputForMask: p.zeroOutputForMask })
        : new LSTM({ units: p.H, returnSequences: true, returnState: true, goBackwards: gb, zeroOutputForMask: p.zeroOutputForMask, backend: 'ts' }));
      const a = make(true);
      const b = make(false);
      a.build([...x.shape]);
      b.build([...x.shape]);
      b.setWeights(a.getWeights());
      const ya = a.apply(x, { mask: p.withMask ? tensor(m) : undefined }) as Tensor[];
      const yb = b.apply(ops.reverse(x, 1), { mask: p.withMask ? tensor(m.map((r) => [...r].reverse())) : undefined }) as Tensor[];
      ya.forEach((t, k) => expectClose(`output ${k}`, t, yb[k], 0));
    }), { numRuns: 30, seed: 3 });
  });

  it('stateful: two calls == one call on the concatenated sequence (LSTM and SimpleRNN)', () => {
    fc.assert(fc.property(dims, fc.integer({ min: 1, max: 4 }), fc.boolean(), (p, T2, simple) => {
      const rng = new Random(p.seed);
      const x1 = randTensor([p.B, p.T, p.I], rng, p.dtype);
      const x2 = randTensor([p.B, T2, p.I], rng, p.dtype);
      const make = (stateful: boolean) => (simple
        ? new SimpleRNN({ units: p.H, returnSequences: true, returnState: true, stateful, dtype: p.dtype })
        : new LSTM({ units: p.H, returnSequences: true, returnState: true, stateful, dtype: p.dtype }));
      const s = make(true);
      const whole = make(false);
      s.build([p.B, p.T, p.I]);
      whole.build([p.B, p.T + T2, p.I]);
      whole.setWeights(s.getWeights());
      s.apply(x1);
      const y2 = s.apply(x2) as Tensor[];
      const yw = whole.apply(ops.concat([x1, x2], 1)) as Tensor[];
      const tol = p.dtype === 'float64' ? 1e-13 : 1e-6;
      expectClose('tail of sequence', y2[0], ops.slice(yw[0], [0, p.T, 0], [p.B, T2, p.H]), tol);
      y2.slice(1).forEach((t, k) => expectClose(`state ${k}`, t, yw[k + 1], tol));
      expectClose('stored states', s.states![0], yw[1], tol);
    }), { numRuns: 25, seed: 5 });
  });

  it('time_major == transposed batch-major (outputs, states, mask, fused and generic)', () => {
    fc.assert(fc.property(dims, fc.boolean(), (p, unroll) => {
      const rng = new Random(p.seed);
      const x = randTensor([p.B, p.T, p.I], rng, p.dtype);
      const m = rightPadded(p.B, p.T, rng);
      const make = (timeMajor: boolean) => new LSTM({ units: p.H, returnSequences: p.returnSequences, returnState: true, timeMajor, unroll, goBackwards: p.goBackwards, dtype: p.dtype });
      const bm = make(false);
      const tm = make(true);
      bm.build([p.B, p.T, p.I]);
      tm.build([p.T, p.B, p.I]);
      tm.setWeights(bm.getWeights());
      const yb = bm.apply(x, { mask: p.withMask ? tensor(m) : undefined }) as Tensor[];
      const mT = m[0].map((_, t) => m.map((r) => r[t]));
      const yt = tm.apply(ops.transpose(x, [1, 0, 2]), { mask: p.withMask ? tensor(mT) : undefined }) as Tensor[];
      expectClose('output', p.returnSequences ? ops.transpose(yt[0], [1, 0, 2]) : yt[0], yb[0], 0);
      expectClose('h', yt[1], yb[1], 0);
      expectClose('c', yt[2], yb[2], 0);
    }), { numRuns: 25, seed: 11 });
  });
});
