// Values derived by hand from the Keras equations (keras-tf-semantics.md §1.2, §3, §4, §12.6) with constant
// initializers kernel 0.01, recurrent 0.02, bias 0.03 — written out with plain JS Math in each test, never
// produced by the code under test. With constant weights every unit of a layer is identical, so
//   z_g = 0.01·Σx + 0.02·Σh + b_g   (Σ over the input features / the H units of h)
// and unit_forget_bias makes b_f exactly 1 (§6.3).

import { expect } from 'chai';
import { tensor, keras, Tensor } from '../../src/index.js';
import { expectClose, loadFixtures, t32 } from './helpers.js';

const { LSTM, SimpleRNN, Bidirectional, initializers } = { ...keras.layers, initializers: keras.initializers };

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const TOL = 2e-6; // float32 layer vs float64 hand computation over ≤ 4 steps

function constLstm(units: number, extra: Record<string, unknown> = {}): InstanceType<typeof LSTM> {
  return new LSTM({
    units, kernelInitializer: initializers.constant(0.01), recurrentInitializer: initializers.constant(0.02),
    biasInitializer: initializers.constant(0.03), ...extra,
  });
}

/** One LSTM step for a constant-weight layer: every unit shares h, c (scalars here). */
function lstmStep(sx: number, h: number, c: number, H: number, bf = 1): [number, number] {
  const zr = 0.01 * sx + 0.02 * H * h;
  const i = sig(zr + 0.03);
  const f = sig(zr + bf);
  const g = Math.tanh(zr + 0.03);
  const o = sig(zr + 0.03);
  const c2 = f * c + i * g;
  return [o * Math.tanh(c2), c2];
}

const X = [[[0.5, -1, 2], [1.5, 0.25, -0.75], [-2, 1, 0.5], [0.3, 0.3, 0.3]]]; // [1, 4, 3]
const sums = X[0].map((r) => r[0] + r[1] + r[2]);

describe('keras-recurrent: hand-derived values (constant initializers)', () => {
  it('LSTM H=2: weights are kernel 0.01, recurrent 0.02, bias [0.03, 1 (forget, unit_forget_bias), 0.03, 0.03]', () => {
    const l = constLstm(2);
    l.apply(t32(X));
    const [k, r, b] = l.getWeights();
    expect(k.shape).to.deep.equal([3, 8]);
    expect(r.shape).to.deep.equal([2, 8]);
    expect(Array.from(k.data).every((v) => v === Math.fround(0.01))).to.equal(true);
    expect(Array.from(r.data).every((v) => v === Math.fround(0.02))).to.equal(true);
    const c3 = Math.fround(0.03);
    expect(Array.from(b.data)).to.deep.equal([c3, c3, 1, 1, c3, c3, c3, c3]);
    const noUfb = constLstm(2, { unitForgetBias: false });
    noUfb.apply(t32(X));
    expect(Array.from(noUfb.getWeights()[2].data).every((v) => v === c3)).to.equal(true);
  });

  it('LSTM H=2 return_sequences + return_state: 4 steps of the gate equations', () => {
    const [seq, h, c] = constLstm(2, { returnSequences: true, returnState: true }).apply(t32(X)) as Tensor[];
    let hh = 0;
    let cc = 0;
    const want: number[][] = [];
    for (const s of sums) {
      [hh, cc] = lstmStep(s, hh, cc, 2);
      want.push([hh, hh]);
    }
    expectClose('sequence', seq, [want], TOL);
    expectClose('h', h, [[hh, hh]], TOL);
    expectClose('c', c, [[cc, cc]], TOL);
  });

  it('LSTM H=1 without unit_forget_bias (b_f = 0.03)', () => {
    const y = constLstm(1, { unitForgetBias: false }).apply(t32(X)) as Tensor;
    let hh = 0;
    let cc = 0;
    for (const s of sums) [hh, cc] = lstmStep(s, hh, cc, 1, 0.03);
    expectClose('last output', y, [[hh]], TOL);
  });

  it('LSTM hard_sigmoid gates: Keras 3 relu6(x+3)/6 by default, Keras 2 clip(0.2x+0.5, 0, 1) under the compat switch', () => {
    const hs3 = (v: number): number => Math.min(Math.max(v + 3, 0), 6) / 6;
    const hs2 = (v: number): number => Math.min(Math.max(0.2 * v + 0.5, 0), 1);
    // Large inputs so that the two formulas clearly differ (slope 1/6 vs 0.2, saturation at ±3 vs ±2.5).
    const Xb = [[[20, -30, 45], [5, 5, 5], [-60, 10, 0]]];
    const sx = Xb[0].map((r) => r[0] + r[1] + r[2]);
    for (const [mode, hs] of [['keras3', hs3], ['keras2', hs2]] as const) {
      const y = keras.withKerasCompat(mode, () => constLstm(1, { recurrentActivation: 'hard_sigmoid' }).apply(t32(Xb)) as Tensor);
      let hh = 0;
      let cc = 0;
      for (const v of sx) {
        const zr = 0.01 * v + 0.02 * hh;
        const i = hs(zr + 0.03);
        const f = hs(zr + 1);
        const g = Math.tanh(zr + 0.03);
        const o = hs(zr + 0.03);
        cc = f * cc + i * g;
        hh = o * Math.tanh(cc);
      }
      expectClose(`${mode} last output`, y, [[hh]], TOL);
    }
  });

  it('LSTM implementation 1 gives the same values (different rounding order only)', () => {
    const y = constLstm(2, { implementation: 1 }).apply(t32(X)) as Tensor;
    let hh = 0;
    let cc = 0;
    for (const s of sums) [hh, cc] = lstmStep(s, hh, cc, 2);
    expectClose('last output', y, [[hh, hh]], TOL);
  });

  it('LSTM initial_state: starts from the given h0, c0', () => {
    const h0 = [[0.5, 0.5]];
    const c0 = [[-0.25, -0.25]];
    const y = constLstm(2).apply(t32(X), { initialState: [t32(h0), t32(c0)] }) as Tensor;
    let hh = 0.5;
    let cc = -0.25;
    for (const s of sums) [hh, cc] = lstmStep(s, hh, cc, 2);
    expectClose('last output', y, [[hh, hh]], TOL);
  });

  it('LSTM go_backwards: processes t = 3, 2, 1, 0 and returns outputs in that order', () => {
    const seq = constLstm(2, { returnSequences: true, goBackwards: true }).apply(t32(X)) as Tensor;
    let hh = 0;
    let cc = 0;
    const want: number[][] = [];
    for (const s of [...sums].reverse()) {
      [hh, cc] = lstmStep(s, hh, cc, 2);
      want.push([hh, hh]);
    }
    expectClose('sequence (processing order)', seq, [want], TOL);
  });

  it('LSTM masking: masked steps carry the state; output repeats the previous output, zeros before the first valid step', () => {
    const mask = tensor([[0, 1, 0, 1]]);
    const h0 = [[0.5, 0.5]];
    const c0 = [[0.1, 0.1]];
    const [seq, h, c] = constLstm(2, { returnSequences: true, returnState: true })
      .apply(t32(X), { mask, initialState: [t32(h0), t32(c0)] }) as Tensor[];
    // t0 masked: state stays (0.5, 0.1), output 0 (TF: prev_output starts at zeros, §3.1/§3.3 — not h0).
    let [hh, cc] = [0.5, 0.1];
    const out: number[] = [0];
    [hh, cc] = lstmStep(sums[1], hh, cc, 2);
    out.push(hh);
    out.push(hh); // t2 masked: previous output
    [hh, cc] = lstmStep(sums[3], hh, cc, 2);
    out.push(hh);
    expectClose('sequence', seq, [out.map((v) => [v, v])], TOL);
    expectClose('h', h, [[hh, hh]], TOL);
    expectClose('c', c, [[cc, cc]], TOL);
    // zero_output_for_mask: zeros at masked steps, same states.
    const seqZ = constLstm(2, { returnSequences: true, zeroOutputForMask: true })
      .apply(t32(X), { mask, initialState: [t32(h0), t32(c0)] }) as Tensor;
    expectClose('sequence zero_output_for_mask', seqZ, [[0, out[1], 0, out[3]].map((v) => [v, v])], TOL);
  });

  it('LSTM go_backwards + right-padded mask: [1,2,pad,pad] → outputs [0, 0, o2, o1] (§3.4)', () => {
    const mask = tensor([[1, 1, 0, 0]]);
    const seq = constLstm(2, { returnSequences: true, goBackwards: true }).apply(t32(X), { mask }) as Tensor;
    const [h1, c1] = lstmStep(sums[1], 0, 0, 2);
    const [h2] = lstmStep(sums[0], h1, c1, 2);
    expectClose('sequence', seq, [[[0, 0], [0, 0], [h1, h1], [h2, h2]]], TOL);
  });

  it('LSTM stateful: the second call starts from the first call\'s final state; resetStates zeroes it', () => {
    const l = constLstm(2, { stateful: true });
    const x1 = t32([X[0].slice(0, 2)]);
    const x2 = t32([X[0].slice(2)]);
    l.apply(x1);
    const y2 = l.apply(x2) as Tensor;
    let hh = 0;
    let cc = 0;
    for (const s of sums) [hh, cc] = lstmStep(s, hh, cc, 2);
    expectClose('second call', y2, [[hh, hh]], TOL);
    l.resetStates();
    const y3 = l.apply(x2) as Tensor;
    let [h3, c3] = lstmStep(sums[2], 0, 0, 2);
    [h3, c3] = lstmStep(sums[3], h3, c3, 2);
    expectClose('after reset', y3, [[h3, h3]], TOL);
    void c3;
  });

  it('SimpleRNN H=2: h_t = tanh((0.01·Σx + 0.03) + 0.02·Σh)', () => {
    const l = new SimpleRNN({
      units: 2, returnSequences: true, kernelInitializer: initializers.constant(0.01),
      recurrentInitializer: initializers.constant(0.02), biasInitializer: initializers.constant(0.03),
    });
    const seq = l.apply(t32(X)) as Tensor;
    let hh = 0;
    const want: number[][] = [];
    for (const s of sums) {
      hh = Math.tanh(0.01 * s + 0.03 + 0.02 * 2 * hh);
      want.push([hh, hh]);
    }
    expectClose('sequence', seq, [want], TOL);
  });

  it('Bidirectional concat: [forward h_t, backward output flipped back to time t]', () => {
    const b = new Bidirectional({ layer: constLstm(1, { returnSequences: true }) });
    const y = b.apply(t32(X)) as Tensor;
    const fw: number[] = [];
    let [hh, cc] = [0, 0];
    for (const s of sums) {
      [hh, cc] = lstmStep(s, hh, cc, 1);
      fw.push(hh);
    }
    const bwProc: number[] = [];
    [hh, cc] = [0, 0];
    for (const s of [...sums].reverse()) {
      [hh, cc] = lstmStep(s, hh, cc, 1);
      bwProc.push(hh);
    }
    const bw = [...bwProc].reverse();
    expectClose('concat', y, [fw.map((v, t) => [v, bw[t]])], TOL);
    // sum / mul / ave of the same two sequences.
    for (const [mode, f] of [['sum', (a: number, c: number) => a + c], ['mul', (a: number, c: number) => a * c], ['ave', (a: number, c: number) => (a + c) / 2]] as const) {
      const ym = new Bidirectional({ layer: constLstm(1, { returnSequences: true }), mergeMode: mode }).apply(t32(X)) as Tensor;
      expectClose(mode, ym, [fw.map((v, t) => [f(v, bw[t])])], TOL);
    }
  });

  it('Bidirectional with a right-padded mask: both directions output 0 at padding (forced zero_output_for_mask)', () => {
    const mask = tensor([[1, 1, 1, 0]]);
    const y = new Bidirectional({ layer: constLstm(1, { returnSequences: true }) }).apply(t32(X), { mask }) as Tensor;
    const fw: number[] = [];
    let [hh, cc] = [0, 0];
    for (const s of sums.slice(0, 3)) {
      [hh, cc] = lstmStep(s, hh, cc, 1);
      fw.push(hh);
    }
    // backward: processes t=3 (masked → 0), 2, 1, 0; flipped back: outputs at t=0..2 then 0 at t=3.
    const bw: number[] = [];
    [hh, cc] = [0, 0];
    for (const s of [sums[2], sums[1], sums[0]]) {
      [hh, cc] = lstmStep(s, hh, cc, 1);
      bw.unshift(hh);
    }
    expectClose('concat', y, [[[fw[0], bw[0]], [fw[1], bw[1]], [fw[2], bw[2]], [0, 0]]], TOL);
  });

  it('the same constant-initialised layers in real TF 2.21 give these values (const_cases)', () => {
    for (const c of loadFixtures().const_cases) {
      const cfg = structuredClone(c.config);
      const l = c.name.startsWith('const_srnn') ? SimpleRNN.fromConfig(cfg) : LSTM.fromConfig(cfg);
      const ys = l.apply(t32(c.x), { mask: c.mask ? tensor(c.mask) : undefined });
      // Our constant/ones initializers + unit_forget_bias reproduce TF's initial weights exactly.
      l.getWeights().forEach((w, k) => expectClose(`${c.name} initial weight ${k}`, w, t32(c.weights[k]), 0));
      (Array.isArray(ys) ? ys : [ys]).forEach((y, k) => expectClose(`${c.name} output ${k}`, y, c.outputs[k], 1e-5));
    }
  });
});

describe('keras-recurrent: Keras mask propagation', () => {
  it('Embedding(maskZero) → LSTM picks the mask up by itself; return_sequences passes it on, the last output does not', () => {
    const emb = new keras.layers.Embedding({ inputDim: 5, outputDim: 3 , maskZero: true });
    const ids = [[1, 2, 0, 0], [3, 0, 4, 1]];
    const e = emb.apply(tensor(ids)) as Tensor;
    const seqLayer = constLstm(2, { returnSequences: true });
    const auto = seqLayer.apply(e) as Tensor;
    const explicit = seqLayer.apply(e, { mask: tensor(ids.map((r) => r.map((v) => (v !== 0 ? 1 : 0)))) }) as Tensor;
    expectClose('implicit mask == explicit mask', auto, explicit, 0);
    expect(keras.getKerasMask(auto)?.toArray()).to.deep.equal([[1, 1, 0, 0], [1, 0, 1, 1]]);
    const last = constLstm(2).apply(e) as Tensor;
    expect(keras.getKerasMask(last)).to.equal(null);
  });

  it('a NaN produced at a masked step does not leak into the outputs or states (row select, like tf.where)', () => {
    const x = t32([[[1, 1, 1], [NaN, 0, 0], [1, 1, 1]]]);
    const [seq, h] = constLstm(2, { returnSequences: true, returnState: true }).apply(x, { mask: tensor([[1, 0, 1]]) }) as Tensor[];
    expect(Array.from(seq.data).every(Number.isFinite)).to.equal(true);
    expect(Array.from(h.data).every(Number.isFinite)).to.equal(true);
  });
});
