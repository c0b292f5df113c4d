// Layer-by-layer parity with real Keras, through the files `lstm-ts compare` exchanges
// (test/fixtures/generate_compare_refs.py: TF 2.21 / Keras 3.15 saved each compiled model as .keras, its inputs
// and targets as .npz, and every layer output, the gradients of the seeded loss and one train_on_batch as .npz
// with python/lstm_ts_reference.py --grads --train-step, the script the package ships):
//   1. each model loads here, and traceLayerOutputs on the same inputs gives exactly the reference's layer outputs
//      (the same names, in Keras's keras_history convention) within |Δ| ≤ 1e-5 + 1e-5·|ref|;
//   2. traceGradients gives the reference's gradients for every trainable weight (Keras's trainable_weights
//      order per layer, in backward order) and float input, and traceTrainStep (SGD with momentum, RMSprop, Adam
//      on MSE, sparse and dense categorical cross-entropy; the fourth model is a CNN-LSTM with Conv1D, pooling,
//      padding, up-sampling and cropping) the loss and every weight after the step, within
//      1e-4 + 1e-4·|ref| (the CLI's --grad-tol default) — and the worst difference is printed, in fact ≤ 3e-7;
//   3. planted divergence against the TF reference: one middle layer's weights perturbed here, and the comparison
//      names exactly that layer as the first divergence, with every layer before it still within tolerance.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/compare');
const tol = { abs: 1e-5, rel: 1e-5 };

// Ids arrive as int32 (Keras's Embedding input); lstm-ts tensors carry them as float32 values.
const asTensor = (a: lt.NpyArray) => lt.tensor(Float32Array.from(a.data as ArrayLike<number>), { shape: a.shape, dtype: 'float32' });

async function load(name: string) {
  const model = await lt.keras.loadKerasModel(path.join(dir, `${name}.keras`));
  const inputs = lt.readNpz(readFileSync(path.join(dir, `${name}_inputs.npz`)));
  const x = inputs.get('x')!;
  const all = lt.readNpz(readFileSync(path.join(dir, `${name}_ref.npz`)));
  return { model, x: asTensor(x), xFloat: x.dtype === 'float32', y: asTensor(inputs.get('target/0')!), ...lt.referenceSections(all) };
}

const worst = (res: lt.CompareResult) => `${Math.max(...res.rows.map((r) => r.maxAbs)).toExponential(2)} abs, ${Math.max(...res.rows.map((r) => r.maxUlps))} ulps`;
const gradTol = { abs: 1e-4, rel: 1e-4 };

describe('train: layer-by-layer parity with Keras (TF 2.21 reference files)', () => {
  for (const [name, keys, weights] of [
    ['functional_states', ['d1/0/0', 'enc/0/0', 'enc/0/1', 'enc/0/2', 'shared/0/0', 'rep/0/0', 'shared/1/0', 'sum/0/0'], [['shared', 2], ['enc', 3], ['d1', 2]]],
    ['masked_bidirectional', ['emb/0/0', 'bi/0/0', 'lstm/0/0', 'out/0/0'], [['out', 2], ['lstm', 3], ['bi', 6], ['emb', 1]]],
    ['masked_stack', ['mask/0/0', 'lstm/0/0', 'srnn/0/0', 'out/0/0'], [['out', 2], ['srnn', 3], ['lstm', 3]]],
    ['conv_lstm', ['pad/0/0', 'conv/0/0', 'pool/0/0', 'up/0/0', 'crop/0/0', 'lstm/0/0', 'gap/0/0', 'out/0/0'], [['out', 2], ['lstm', 3], ['conv', 2]]],
  ] as const) {
    it(`${name}: every layer output equals Keras's (${keys.length} outputs, |Δ| ≤ 1e-5 + 1e-5·|ref|)`, async () => {
      const { model, x, outputs: ref } = await load(name);
      const ours = lt.traceLayerOutputs(model, x);
      expect(ours.map((o) => o.key)).to.deep.equal([...keys]);
      expect([...ref.keys()].sort()).to.deep.equal([...keys].sort());
      const res = lt.compareOutputs(ours, ref, tol);
      if (!res.ok) console.log(lt.formatCompareTable(res));
      expect(res.firstDivergence).to.equal(null);
      console.log(`      worst: ${worst(res)}`);
    });

    it(`${name}: the gradients of the seeded loss and one train step equal Keras's (1e-4 + 1e-4·|ref|)`, async () => {
      const { model, x, xFloat, y, gradients, trainStep } = await load(name);
      const g = lt.traceGradients(model, [x], ['x'], [xFloat]);
      // backward order: the last layer's weights first, then the input's gradient where the input is float
      const expected = weights.flatMap(([l, n]) => Array.from({ length: n }, (_, i) => `grad/${l}/${i}`)).concat(xFloat ? ['grad_input/x'] : []);
      expect(g.map((o) => o.key)).to.deep.equal(expected);
      const gr = lt.compareOutputs(g, gradients, gradTol);
      if (!gr.ok) console.log(lt.formatCompareTable(gr));
      expect(gr.firstDivergence).to.equal(null);
      const st = lt.compareOutputs(lt.traceTrainStep(model, x, y), trainStep, gradTol);
      if (!st.ok) console.log(lt.formatCompareTable(st));
      expect(st.firstDivergence).to.equal(null);
      expect(st.rows.length).to.equal(trainStep.size);
      console.log(`      gradients worst: ${worst(gr)}; after the step: ${worst(st)}`);
    });
  }

  // Conv1D → LSTM → Dense compiled with each loss issue #15 added: the training step with that loss (Adam)
  for (const loss of ['huber', 'kld', 'categorical_hinge', 'cosine_similarity', 'poisson']) {
    it(`loss_${loss}: outputs, gradients and one Adam step on ${loss} equal Keras's`, async () => {
      const { model, x, y, outputs, gradients, trainStep } = await load(`loss_${loss}`);
      for (const [ours, ref, t] of [[lt.traceLayerOutputs(model, x), outputs, tol], [lt.traceGradients(model, [x], ['x'], [true]), gradients, gradTol],
        [lt.traceTrainStep(model, x, y), trainStep, gradTol]] as const) {
        const res = lt.compareOutputs(ours, ref, t);
        if (!res.ok) console.log(lt.formatCompareTable(res));
        expect(res.firstDivergence).to.equal(null);
        expect(res.rows.length).to.equal(ref.size);
      }
    });
  }

  it('planted divergence against the TF reference: perturbing the Bidirectional GRU names exactly it', async () => {
    const { model, x, outputs: ref } = await load('masked_bidirectional');
    const bi = model.layers.find((l) => l.name === 'bi')!;
    const w = bi.getWeights();
    const k = w[0].toFlatArray();
    k[0] += 0.5; // one element of the forward GRU's input kernel (the embeddings are ~0.05, so the change is ~1e-4)
    bi.setWeights(w.map((t: lt.Tensor, i: number) => (i === 0 ? lt.tensor(k, { shape: t.shape, dtype: 'float32' }) : t)));
    const res = lt.compareOutputs(lt.traceLayerOutputs(model, x), ref, tol);
    expect(res.firstDivergence).to.equal('bi/0/0');
    expect(res.rows.find((r) => r.key === 'emb/0/0')!.ok).to.equal(true);
    expect(lt.formatCompareTable(res)).to.match(/first divergence: bi\/0\/0$/);
  });
});
