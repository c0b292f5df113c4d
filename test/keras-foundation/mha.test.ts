// MultiHeadAttention vs REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_mha.py):
//   1. each layer rebuilt from Keras's get_config() (after build: attention_axes [1]) gives it back, with
//      Keras's weight paths in Keras's order (query, key[, gate], value, attention_output);
//   2. both of Keras's routes: without returnAttentionScores (ops.dot_product_attention: masked logits set to
//      −0.7·3.4e38, a fully masked row attends uniformly) the output and the gradients of Σ seed·output w.r.t.
//      query, value, key and every weight; with it (the einsum route: the Softmax layer's −1e9 and zeroed masked
//      weights) the output and the scores (float32 1e-5 absolute + 1e-5 relative, float64 1e-12). Cases: a key
//      with its own width, value_dim, output_shape (int and a list), no bias, query/value/key masks with a fully
//      masked row, causal, an explicit attentionMask, use_gate, sliding_window, float64;
//   3. two Functional models Keras trained and saved: a causal self-attention encoder (Embedding mask → LSTM →
//      MHA(h, h, use_causal_mask=True) → Add → LayerNormalization → pooling → Dense) and a cross attention with
//      key=… and use_gate: loaded from .keras (weights under query_dense/…), they predict as TF;
//   4. a graph built here writes Keras's call form: args [query, value], kwargs {key, use_causal_mask}.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';

interface Route { output: unknown; grads: (unknown | null)[]; scores?: unknown }
interface LayerCase {
  name: string; dtype: 'float32' | 'float64'; config: Record<string, unknown>; weight_paths: string[]; weights: lt.NestedArray[];
  inputs: lt.NestedArray[]; masks: (number[][] | null)[]; attention_mask: number[][][] | null; causal: boolean; seed: lt.NestedArray;
  fused: Route; einsum: Route;
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/mha.json', import.meta.url), 'utf8')) as {
  layers: LayerCase[]; models: { ids: number[][]; runs: { name: string; predict: unknown }[] };
};
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function close(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  expect(got.length, `${what}: length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol + tol * Math.abs(want[i]))) expect.fail(`${what}[${i}]: ${got[i]} vs TF ${want[i]}`);
}

describe('keras layers: MultiHeadAttention vs TF 2.21', () => {
  for (const c of fx.layers) {
    it(`${c.name}${c.dtype === 'float64' ? ' (float64)' : ''}: config, weights, both routes (outputs, gradients, scores)`, () => {
      lt.keras.clearSession();
      const tol = c.dtype === 'float64' ? 1e-12 : 1e-5;
      const layer = lt.keras.deserializeLayer({ class_name: 'MultiHeadAttention', config: { ...c.config, attention_axes: null } });
      const shapes = c.inputs.map((x) => [...lt.tensor(x).shape]);
      layer.build(shapes as unknown as number[]);
      expect(layer.getConfig()).to.deep.equal(c.config);
      expect(layer.weights.map((w) => w.name)).to.deep.equal(c.weight_paths);
      layer.setWeights(c.weights.map((w) => lt.tensor(w, { dtype: c.dtype })));
      const attentionMask = c.attention_mask === null ? undefined : lt.tensor(c.attention_mask);
      const run = (returnAttentionScores: boolean, want: Route, what: string, grads: boolean) => {
        for (const w of layer.trainableWeights) w.zeroGrad();
        const xs = c.inputs.map((x) => lt.tensor(x, { dtype: c.dtype, requiresGrad: true }));
        xs.forEach((x, i) => { if (c.masks[i]) lt.keras.setKerasMask(x, lt.tensor(c.masks[i]!)); });
        const r = layer.apply(xs, { returnAttentionScores, useCausalMask: c.causal, attentionMask });
        const out = returnAttentionScores ? (r as lt.Tensor[])[0] : (r as lt.Tensor);
        close(out.data, flat(want.output), tol, `${what}: output`);
        if (returnAttentionScores) close((r as lt.Tensor[])[1].data, flat(want.scores), tol, `${what}: scores`);
        if (!grads) return;
        out.backward(lt.tensor(c.seed, { dtype: c.dtype }));
        const targets = [...xs, ...layer.trainableWeights];
        want.grads.forEach((g, i) => {
          if (g !== null) close(targets[i].grad!.data, flat(g), tol, `${what}: grad ${i < xs.length ? ['query', 'value', 'key'][i] : targets[i].name}`);
        });
        const qm = c.masks[0];
        const m = lt.keras.getKerasMask(out);
        if (qm === null) expect(m).to.equal(null);
        else expect(Array.from(m!.data)).to.deep.equal(flat(qm));
      };
      run(false, c.fused, 'dot_product_attention route', true);
      run(true, c.einsum, 'einsum route', true);
    });
  }

  for (const run of fx.models.runs) {
    it(`loads ${run.name}.keras (Keras-trained) and predicts as TF`, async () => {
      lt.keras.clearSession();
      const model = await lt.keras.loadKerasModel(fileURLToPath(new URL(`../fixtures/mha/${run.name}.keras`, import.meta.url)));
      close((model.predict(lt.tensor(fx.models.ids)) as lt.Tensor).data, flat(run.predict), 1e-5, 'predict');
    });
  }

  it("a graph built here writes Keras's call: args [query, value], kwargs {key, use_causal_mask}", () => {
    lt.keras.clearSession();
    const L = lt.keras.layers;
    const q = lt.keras.Input({ shape: [4, 3] }), v = lt.keras.Input({ shape: [5, 2] }), k = lt.keras.Input({ shape: [5, 6] });
    const y = new L.MultiHeadAttention({ numHeads: 2, keyDim: 2, name: 'mha' }).apply([q, v, k], { useCausalMask: true }) as lt.keras.SymbolicTensor;
    const model = new lt.keras.Model({ inputs: [q, v, k], outputs: y });
    expect(y.shape).to.deep.equal([null, 4, 3]);
    const cfg = model.getConfig() as { layers: { name: string; inbound_nodes: { args: unknown[]; kwargs: Record<string, unknown> }[] }[] };
    const node = cfg.layers.find((l) => l.name === 'mha')!.inbound_nodes[0];
    expect(node.args).to.have.length(2);
    expect(Object.keys(node.kwargs).sort()).to.deep.equal(['key', 'use_causal_mask']);
    expect(() => new L.MultiHeadAttention({ numHeads: 0, keyDim: 2 })).to.throw(lt.LstmTsError, /invalid value for argument `numHeads`/);
    expect(() => new L.MultiHeadAttention({ numHeads: 1, keyDim: 2, attentionAxes: [1, 2] })).to.throw(lt.LstmTsError, /only attention over the steps axis/);
  });
});
