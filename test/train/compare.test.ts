// The layer-by-layer comparison behind `lstm-ts compare` (src/train/compare.ts):
//   1. ulp distances by hand: 1 and the next float32 / float64, −0 and +0, the smallest denormals either side of 0;
//   2. traceLayerOutputs names every call of every layer keras_history-style (`layer/node/index`), shared layers
//      once per call and LSTM states as outputs 1 and 2, in call order, for Functional and Sequential models;
//   3. planted divergence: the same model traced again after one middle layer's kernel is perturbed must name
//      exactly that layer as the first divergence (layers before it stay bit-identical, 0 ulps);
//   4. a reference read back from .npz (writeNpz → readNpz) compares equal; missing keys, extra keys and shape
//      mismatches fail their rows with the reason; the tolerance is numpy.allclose's |Δ| ≤ abs + rel·|ref|.
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { traceLayerOutputs, compareOutputs, formatCompareTable, ulpDistance, seededInputs } from '../../src/train/compare.js';
import type { NpyArray } from '../../src/train/npy.js';

const L = lt.keras.layers;

function refFrom(trace: { key: string; value: lt.Tensor }[]): Map<string, NpyArray> {
  // Through the .npz format, as a Keras-side reference file would arrive (names with '/', as np.savez writes them).
  const arrays = Object.fromEntries(trace.map((t) => [t.key, { dtype: 'float32' as const, shape: [...t.value.shape], data: Float32Array.from(t.value.data) }]));
  return lt.readNpz(lt.writeNpz(arrays));
}

function model() {
  lt.keras.clearSession();
  const x = lt.keras.Input({ shape: [5, 3], name: 'x' });
  const d1 = new L.Dense({ units: 4, activation: 'tanh', name: 'd1' });
  const h = d1.apply(x) as lt.keras.SymbolicTensor;
  const [seq, hT, cT] = new L.LSTM({ units: 6, returnSequences: true, returnState: true, name: 'enc' }).apply(h) as lt.keras.SymbolicTensor[];
  const shared = new L.Dense({ units: 2, name: 'shared' });
  const a = shared.apply(seq) as lt.keras.SymbolicTensor;
  const b = shared.apply(new L.RepeatVector({ n: 5, name: 'rep' }).apply(hT) as lt.keras.SymbolicTensor) as lt.keras.SymbolicTensor;
  const out = new L.Add({ name: 'sum' }).apply([a, b]) as lt.keras.SymbolicTensor;
  void cT;
  return new lt.keras.Model({ inputs: x, outputs: out });
}

describe('train: layer-by-layer comparison (compare.ts)', () => {
  it('ulp distances by hand', () => {
    const next32 = new Float32Array([1 + 2 ** -23])[0];
    expect(ulpDistance(1, next32, true)).to.equal(1);
    expect(ulpDistance(1, 1 + 2 ** -52, false)).to.equal(1);
    expect(ulpDistance(-0, 0, true)).to.equal(0);
    expect(ulpDistance(2 ** -149, -(2 ** -149), true)).to.equal(2); // smallest float32 denormals: −d, −0/+0, +d
    expect(ulpDistance(NaN, 1, true)).to.equal(Infinity);
    expect(ulpDistance(NaN, NaN, true)).to.equal(0);
  });

  it('traces every call of every layer, keras_history-style, in call order (Functional with a shared layer and LSTM states)', () => {
    const m = model();
    const xs = lt.randomUniform([2, 5, 3], -1, 1, { seed: 5 });
    const t = traceLayerOutputs(m, xs);
    expect(t.map((r) => r.key)).to.deep.equal(['d1/0/0', 'enc/0/0', 'enc/0/1', 'enc/0/2', 'shared/0/0', 'rep/0/0', 'shared/1/0', 'sum/0/0']);
    expect(t.find((r) => r.key === 'enc/0/1')!.value.shape).to.deep.equal([2, 6]);
    // The traced last output is the model's output; tracing leaves no observer behind.
    const y = m.apply(xs) as lt.Tensor;
    expect(Array.from(t.at(-1)!.value.data)).to.deep.equal(Array.from(y.data));
    expect(m.layerCallObserver).to.equal(null);
  });

  it('Sequential: one call per layer, node 0', () => {
    lt.keras.clearSession();
    const s = new lt.keras.Sequential([new L.SimpleRNN({ units: 3, name: 'rnn' }), new L.Dense({ units: 1, name: 'out' })]);
    const t = traceLayerOutputs(s, lt.randomUniform([3, 4, 2], -1, 1, { seed: 1 }));
    expect(t.map((r) => r.key)).to.deep.equal(['rnn/0/0', 'out/0/0']);
  });

  it('planted divergence: perturbing the middle LSTM names exactly it as the first divergence; earlier layers stay at 0 ulps', () => {
    const m = model();
    const xs = lt.randomUniform([2, 5, 3], -1, 1, { seed: 7 });
    const ref = refFrom(traceLayerOutputs(m, xs));
    const tol = { abs: 1e-6, rel: 1e-6 };
    const same = compareOutputs(traceLayerOutputs(m, xs), ref, tol);
    expect(same.ok).to.equal(true);
    expect(same.firstDivergence).to.equal(null);
    expect(same.rows.every((r) => r.maxUlps === 0)).to.equal(true);

    const enc = m.getLayer('enc');
    const w = enc.getWeights();
    const k = w[0].toFlatArray();
    k[3] += 0.05;
    enc.setWeights([lt.tensor(k, { shape: w[0].shape, dtype: 'float32' }), w[1], w[2]]);
    const res = compareOutputs(traceLayerOutputs(m, xs), ref, tol);
    expect(res.ok).to.equal(false);
    expect(res.firstDivergence).to.equal('enc/0/0');
    const byKey = new Map(res.rows.map((r) => [r.key, r]));
    expect(byKey.get('d1/0/0')!.ok).to.equal(true);
    expect(byKey.get('d1/0/0')!.maxUlps).to.equal(0);
    for (const key of ['enc/0/0', 'enc/0/1', 'enc/0/2', 'shared/0/0', 'sum/0/0']) expect(byKey.get(key)!.ok, key).to.equal(false);
    const table = formatCompareTable(res);
    expect(table).to.match(/^enc\/0\/0 .* FAIL {2}<- first divergence$/m);
    expect(table).to.match(/first divergence: enc\/0\/0$/);
  });

  it('missing, extra and mis-shaped outputs fail with the reason; the tolerance is abs + rel·|ref|', () => {
    const v = (data: number[], shape = [data.length]) => lt.tensor(data, { shape, dtype: 'float32' });
    const ref = new Map<string, lt.Tensor>([['a/0/0', v([1, 100])], ['b/0/0', v([1, 2])], ['only/0/0', v([0])]]);
    const res = compareOutputs([
      { key: 'a/0/0', value: v([1 + 1e-6, 100 + 1e-4]) }, // |Δ| ≤ 1e-6 + 1e-6·|ref|: 1e-6 ≤ 2e-6 and 1e-4 ≤ 1.01e-4
      { key: 'b/0/0', value: v([1, 2], [1, 2]) },
      { key: 'c/0/0', value: v([3]) },
    ], ref, { abs: 1e-6, rel: 1e-6 });
    const byKey = new Map(res.rows.map((r) => [r.key, r]));
    expect(byKey.get('a/0/0')!.ok).to.equal(true);
    expect(byKey.get('b/0/0')!.note).to.equal('shape [1, 2] here, [2] in the reference');
    expect(byKey.get('c/0/0')!.note).to.equal('missing in the reference');
    expect(byKey.get('only/0/0')!.note).to.equal('in the reference only (no such layer output here)');
    expect(res.firstDivergence).to.equal('b/0/0');
    const tight = compareOutputs([{ key: 'a/0/0', value: v([1 + 1e-6, 100 + 1e-4]) }], new Map([['a/0/0', v([1, 100])]]), { abs: 0, rel: 1e-7 });
    expect(tight.rows[0].ok).to.equal(false);
    // In float32, 1 + 1e-6 is 1 + 8 ulps = 1 + 9.54e-7 (excess 9.54e-7 / 1e-7 = 9.5) and 100 + 1e-4 is 100 + 13 ulps
    // = 100 + 9.92e-5 (excess 9.92e-5 / 1e-5 = 9.9): the second is the worst.
    expect(tight.rows[0].worstIndex).to.equal(1);
    expect(() => compareOutputs([], new Map(), { abs: -1, rel: 0 })).to.throw(/tolerance abs and rel must be ≥ 0/);
  });

  it('seededInputs: open dims become batch 3 / 6 steps; Embedding(mask_zero) gets ids padded to lengths T, T−2, 1; Masking gets mask_value rows', () => {
    lt.keras.clearSession();
    const x = lt.keras.Input({ shape: [null], name: 'ids' });
    const e = new L.Embedding({ inputDim: 7, outputDim: 2, maskZero: true, name: 'emb' }).apply(x) as lt.keras.SymbolicTensor;
    const m = new lt.keras.Model({ inputs: x, outputs: new L.LSTM({ units: 2, name: 'l' }).apply(e) as lt.keras.SymbolicTensor });
    const s1 = seededInputs(m, 5);
    const ids = Array.from(s1.arrays.get('ids')!.data as Int32Array);
    expect(s1.arrays.get('ids')!.shape).to.deep.equal([3, 6]);
    expect(ids.slice(6, 12).slice(4)).to.deep.equal([0, 0]); // row 1: length 4
    expect(ids.slice(12, 18).slice(1)).to.deep.equal([0, 0, 0, 0, 0]); // row 2: length 1
    expect(ids.filter((v, i) => i < 6 || (i >= 6 && i < 10) || i === 12).every((v) => v >= 1 && v <= 6)).to.equal(true);
    expect(s1.description).to.deep.equal(['ids [3, 6]: ids in 1..6, padded with 0 to lengths 6, 4, 1']);
    expect(Array.from(seededInputs(m, 5).tensors[0].data)).to.deep.equal(Array.from(s1.tensors[0].data)); // reproducible
    lt.keras.clearSession();
    const s = new lt.keras.Sequential([new L.Masking({ maskValue: -1, name: 'mk' }), new L.SimpleRNN({ units: 2 })]);
    s.apply(lt.zeros([1, 4, 2])); // records the input shape [None, 4, 2]
    const s2 = seededInputs(s, 1);
    const v = Array.from(s2.arrays.get('x')!.data as Float32Array);
    expect(s2.arrays.get('x')!.shape).to.deep.equal([3, 4, 2]);
    expect(v.slice(12, 16)).to.deep.equal([-1, -1, -1, -1]); // row 1 has length T − 2 = 2: steps 2 and 3 padded
    expect(v.slice(0, 8).every((q) => q > -1 && q < 1)).to.equal(true);
  });
});
