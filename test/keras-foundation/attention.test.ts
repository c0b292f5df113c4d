// Attention and AdditiveAttention vs REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_attention.py):
//   1. each layer rebuilt from Keras's get_config() gives it back; with Keras's weights (scale, concat_score_weight)
//      the output, the attention scores (returnAttentionScores) and the gradients of Σ seed·output w.r.t. query,
//      value, key and the weights match TF (float32 1e-5 absolute + 1e-5 relative, float64 1e-12): dot with and
//      without scale, concat with and without scale, a key different from the value (also of another value
//      width), query and value masks, a fully masked value row (uniform weights: Keras subtracts 1e9), the
//      causal mask, float64;
//   2. two Functional models Keras trained and saved (.keras): Embedding(mask_zero) → LSTM → Attention(use_scale)
//      called with use_causal_mask=True → Concatenate → pooling → Dense, and GRU / LSTM → AdditiveAttention →
//      LSTM → Dense: loaded (the call's use_causal_mask read from the graph, the masks flowing into the attention),
//      they predict and evaluate as TF;
//   3. a Functional graph built here records useCausalMask and writes it back as Keras's use_causal_mask;
//   4. errors: a single tensor, a wrong list length, an unknown call option on another layer.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';

interface LayerCase {
  name: string; class_name: string; dtype: 'float32' | 'float64'; config: Record<string, unknown>; weights: lt.NestedArray[];
  inputs: lt.NestedArray[]; masks: (number[][] | null)[] | null; causal: boolean; seed: lt.NestedArray; output: unknown; scores: unknown;
  grads: (unknown | null)[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/attention.json', import.meta.url), 'utf8')) as {
  layers: LayerCase[]; models: { ids: number[][]; y: number[][]; runs: { name: string; predict: unknown; evaluate: number }[] };
};
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function close(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  expect(got.length, `${what}: length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol + tol * Math.abs(want[i]))) expect.fail(`${what}[${i}]: ${got[i]} vs TF ${want[i]}`);
}

describe('keras layers: Attention, AdditiveAttention vs TF 2.21', () => {
  for (const c of fx.layers) {
    it(`${c.name} (${c.class_name}${c.dtype === 'float64' ? ', float64' : ''}): config, output, scores, gradients`, () => {
      lt.keras.clearSession();
      const tol = c.dtype === 'float64' ? 1e-12 : 1e-5;
      const layer = lt.keras.deserializeLayer({ class_name: c.class_name, config: c.config });
      expect(layer.getConfig()).to.deep.equal(c.config);
      const xs = c.inputs.map((x) => lt.tensor(x, { dtype: c.dtype, requiresGrad: true }));
      const mask = c.masks === null ? undefined : c.masks.map((m) => (m === null ? null : lt.tensor(m)));
      layer.build(xs.map((x) => [...x.shape]) as unknown as number[]);
      if (c.weights.length) layer.setWeights(c.weights.map((w) => lt.tensor(w, { dtype: c.dtype })));
      const [out, scores] = layer.apply(xs, { mask: mask as unknown as lt.Tensor, returnAttentionScores: true, useCausalMask: c.causal }) as lt.Tensor[];
      close(out.data, flat(c.output), tol, 'output');
      close(scores.data, flat(c.scores), tol, 'scores');
      out.backward(lt.tensor(c.seed, { dtype: c.dtype }));
      const targets = [...xs, ...layer.trainableWeights];
      c.grads.forEach((g, i) => {
        if (g === null) expect(targets[i].grad, `grad ${i}`).to.equal(null);
        else close(targets[i].grad!.data, flat(g), tol, `grad ${i < xs.length ? ['query', 'value', 'key'][i] : targets[i].name}`);
      });
      // without returnAttentionScores: one tensor, the same output; its mask is the query mask
      const single = layer.apply(xs, { mask: mask as unknown as lt.Tensor, useCausalMask: c.causal }) as lt.Tensor;
      expect(single).to.be.instanceOf(lt.Tensor);
      close(single.data, flat(c.output), tol, 'output (single)');
      const qm = mask?.[0] ?? null;
      const got = lt.keras.getKerasMask(single);
      if (qm === null) expect(got).to.equal(null);
      else expect(Array.from(got!.data)).to.deep.equal(Array.from(qm.data));
    });
  }

  for (const run of fx.models.runs) {
    it(`loads ${run.name}.keras (Keras-trained, masks and call options in the graph) and predicts / evaluates as TF`, async () => {
      lt.keras.clearSession();
      const model = await lt.keras.loadKerasModel(fileURLToPath(new URL(`../fixtures/attention/${run.name}.keras`, import.meta.url)));
      const ids = lt.tensor(fx.models.ids);
      close((model.predict(ids) as lt.Tensor).data, flat(run.predict), 1e-5, 'predict');
      close([model.evaluate(ids, lt.tensor(fx.models.y), { verbose: 0 }).loss], [run.evaluate], 1e-5, 'evaluate');
    });
  }

  it('a Functional graph records useCausalMask and writes it as use_causal_mask', () => {
    lt.keras.clearSession();
    const L = lt.keras.layers;
    const x = lt.keras.Input({ shape: [4, 3] });
    const h = new L.LSTM({ units: 2, returnSequences: true }).apply(x) as lt.keras.SymbolicTensor;
    const a = new L.Attention({ name: 'att' }).apply([h, h], { useCausalMask: true }) as lt.keras.SymbolicTensor;
    const model = new lt.keras.Model({ inputs: x, outputs: a });
    const cfg = model.getConfig() as { layers: { name: string; inbound_nodes: { kwargs: Record<string, unknown> }[] }[] };
    expect(cfg.layers.find((l) => l.name === 'att')!.inbound_nodes[0].kwargs).to.deep.equal({ use_causal_mask: true });
    // the model computes with the causal mask: the first step attends to itself only
    const xv = lt.randomUniform([1, 4, 3], -1, 1, { seed: 3 });
    const hv = model.layers.find((l) => l instanceof L.LSTM)!.apply(xv) as lt.Tensor;
    const y = model.apply(xv) as lt.Tensor;
    close(Array.from(y.data).slice(0, 2), Array.from(hv.data).slice(0, 2), 1e-6, 'step 0 = h_0');
  });

  it('errors: single tensor, list length, unknown call options, bad masks', () => {
    const att = new lt.keras.layers.Attention();
    const q = lt.zeros([1, 2, 3]);
    expect(() => att.apply(q)).to.throw(lt.LstmTsError, /must be called on a list of inputs, namely \[query, value\]/);
    expect(() => att.apply([q])).to.throw(lt.LstmTsError, /accepts inputs list of length 2 or 3/);
    expect(() => att.apply([q, q], { useCausalMsk: true } as never)).to.throw(lt.LstmTsError, /did you mean 'useCausalMask'/);
    expect(() => new lt.keras.layers.Dense({ units: 1 }).apply(q, { useCausalMask: true })).to.throw(lt.LstmTsError, /unknown call argument 'useCausalMask'/);
    expect(() => att.apply([q, q], { mask: [q] as never })).to.throw(lt.LstmTsError, /mask list of length 2 or 3/);
    expect(() => new lt.keras.layers.Attention({ scoreMode: 'add' as never })).to.throw(lt.LstmTsError, /scoreMode must be one of 'dot', 'concat'/);
  });
});
