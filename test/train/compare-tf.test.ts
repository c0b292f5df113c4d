// Layer-by-layer parity with real Keras, through the files `lstm-ts compare` will exchange
// (test/fixtures/generate_compare_refs.py: TF 2.21 / Keras 3.15 saved each model as .keras, its inputs as .npz,
// and every layer output as .npz with python/lstm_ts_reference.py, the script the package ships):
//   1. each model loads here, and traceLayerOutputs on the same inputs gives exactly the reference's layer outputs
//      (the same names, in Keras's keras_history convention) within |Δ| ≤ 1e-5 + 1e-5·|ref|;
//   2. planted divergence against the TF reference: one middle layer's weights perturbed here, and the comparison
//      names exactly that layer as the first divergence, with every layer before it still within tolerance.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/compare');
const tol = { abs: 1e-5, rel: 1e-5 };

async function load(name: string) {
  const model = await lt.keras.loadKerasModel(path.join(dir, `${name}.keras`));
  const inputs = lt.readNpz(readFileSync(path.join(dir, `${name}_inputs.npz`)));
  const x = inputs.get('x')!;
  // Ids arrive as int32 (Keras's Embedding input); lstm-ts tensors carry them as float32 values.
  const t = lt.tensor(Float32Array.from(x.data as ArrayLike<number>), { shape: x.shape, dtype: 'float32' });
  const ref = lt.readNpz(readFileSync(path.join(dir, `${name}_ref.npz`)));
  return { model, x: t, ref };
}

describe('train: layer-by-layer parity with Keras (TF 2.21 reference files)', () => {
  for (const [name, keys] of [
    ['functional_states', ['d1/0/0', 'enc/0/0', 'enc/0/1', 'enc/0/2', 'shared/0/0', 'rep/0/0', 'shared/1/0', 'sum/0/0']],
    ['masked_bidirectional', ['emb/0/0', 'bi/0/0', 'lstm/0/0', 'out/0/0']],
  ] as const) {
    it(`${name}: every layer output equals Keras's (${keys.length} outputs, |Δ| ≤ 1e-5 + 1e-5·|ref|)`, async () => {
      const { model, x, ref } = await load(name);
      const ours = lt.traceLayerOutputs(model, x);
      expect(ours.map((o) => o.key)).to.deep.equal([...keys]);
      expect([...ref.keys()].sort()).to.deep.equal([...keys].sort());
      const res = lt.compareOutputs(ours, ref, tol);
      if (!res.ok) console.log(lt.formatCompareTable(res));
      expect(res.firstDivergence).to.equal(null);
      console.log(`      worst: ${Math.max(...res.rows.map((r) => r.maxAbs)).toExponential(2)} abs, ${Math.max(...res.rows.map((r) => r.maxUlps))} ulps`);
    });
  }

  it('planted divergence against the TF reference: perturbing the Bidirectional GRU names exactly it', async () => {
    const { model, x, ref } = await load('masked_bidirectional');
    const bi = model.layers.find((l) => l.name === 'bi')!;
    const w = bi.getWeights();
    const k = w[1].toFlatArray();
    k[0] += 0.05; // one element of the forward GRU's recurrent kernel
    bi.setWeights(w.map((t: lt.Tensor, i: number) => (i === 1 ? lt.tensor(k, { shape: t.shape, dtype: 'float32' }) : t)));
    const res = lt.compareOutputs(lt.traceLayerOutputs(model, x), ref, tol);
    expect(res.firstDivergence).to.equal('bi/0/0');
    expect(res.rows.find((r) => r.key === 'emb/0/0')!.ok).to.equal(true);
    expect(lt.formatCompareTable(res)).to.match(/first divergence: bi\/0\/0$/);
  });
});
