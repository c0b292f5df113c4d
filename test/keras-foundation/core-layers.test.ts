import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { fx, flat, expectClose, weightedSum } from './helpers.js';

const L = lt.keras.layers;

describe('keras-foundation: Dense', () => {
  for (const c of fx.dense) {
    it(`${c.name}: output and gradients (x, kernel, bias) equal real Keras (f32, atol 2e-6)`, () => {
      const d = new L.Dense({ units: c.units, activation: c.activation, useBias: c.use_bias });
      const x = lt.tensor(c.x, { requiresGrad: true });
      d.apply(x);
      d.setWeights(c.weights.map((w: number[]) => lt.tensor(w)));
      const y = d.apply(x) as lt.Tensor;
      expectClose(y, c.y, 2e-6, 2e-6, `${c.name} y`);
      weightedSum(y, c.w).backward();
      expectClose(x.grad!, c.grad_x, 2e-6, 2e-6, `${c.name} dx`);
      d.trainableWeights.forEach((w, i) => expectClose(w.grad!, c.grad_weights[i], 2e-6, 2e-6, `${c.name} d${w.name}`));
    });
  }

  it('hand values: constant kernel 0.1, bias 0 → y = 0.1·Σx per unit; a rank-1 input is refused as Keras 3 refuses it (min_ndim=2)', () => {
    const d = new L.Dense({ units: 2, kernelInitializer: lt.keras.initializers.constant(0.1) });
    expectClose(d.apply(lt.tensor([[1, 2, 3]], { dtype: 'float32' })) as lt.Tensor, [[0.6, 0.6]], 1e-6);
    // TF 2.21: "Input 0 ... of layer 'dense' is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (3,)"
    expect(() => d.apply(lt.tensor([1, 2, 3]))).to.throw(/expected min_ndim=2, found ndim=1. Full shape received: \[3\]/);
    expect(() => new L.Dense({ units: 2 }).apply(lt.tensor([1, 2, 3]))).to.throw(/expected min_ndim=2, found ndim=1/);
  });

  it('float64 gradcheck w.r.t. input, kernel and bias on a [B, T, F] input', () => {
    const d = new L.Dense({ units: 3, activation: 'tanh', dtype: 'float64' });
    const x = lt.randomUniform([2, 4, 5], -1, 1, { dtype: 'float64', seed: 1 });
    d.apply(x);
    lt.assertGradcheck('Dense', (xx, k, b) => {
      d.kernel = k;
      d.bias = b;
      return d.call(xx, {});
    }, [x, d.kernel!.clone(), d.bias!.clone()]);
  });

  it('rank-3 Dense equals TimeDistributed(Dense) with the same weights', () => {
    const x = lt.randomUniform([3, 4, 5], -1, 1, { seed: 3 });
    const d = new L.Dense({ units: 2, activation: 'relu' });
    const y = d.apply(x) as lt.Tensor;
    const inner = new L.Dense({ units: 2, activation: 'relu' });
    const td = new L.TimeDistributed({ layer: inner });
    td.apply(x);
    td.setWeights(d.getWeights());
    expect(Array.from((td.apply(x) as lt.Tensor).data)).to.deep.equal(Array.from(y.data));
  });

  it('errors name the layer and the shapes', () => {
    const d = new L.Dense({ units: 2, name: 'dz' });
    d.apply(lt.zeros([1, 3]));
    expect(() => d.apply(lt.zeros([1, 4]))).to.throw(/dz: Dense expects inputs with last dimension 3, got shape \[1, 4\]/);
    expect(() => new L.Dense({ units: 0 })).to.throw(/units must be a positive integer/);
  });

  it('getConfig equals Keras 3 JSON (default and fully specified) and fromConfig round-trips', () => {
    lt.keras.clearSession();
    const d0 = new L.Dense({ units: 4, name: 'dense' });
    expect(d0.getConfig()).to.deep.equal(fx.layer_configs.dense_default);
    const d1 = new L.Dense({
      units: 3, activation: 'tanh', useBias: false, kernelInitializer: lt.keras.initializers.constant(0.01),
      biasInitializer: 'ones', kernelRegularizer: lt.keras.regularizers.l2(0.001), biasRegularizer: 'l1',
      activityRegularizer: new lt.keras.regularizers.L1L2({ l1: 0.1, l2: 0.2 }), kernelConstraint: lt.keras.constraints.maxNorm({ maxValue: 3.0 }),
      biasConstraint: 'non_neg', name: 'd2', trainable: false,
    });
    expect(d1.getConfig()).to.deep.equal(fx.layer_configs.dense_full);
    expect(L.Dense.fromConfig(fx.layer_configs.dense_full).getConfig()).to.deep.equal(fx.layer_configs.dense_full);
    expect(lt.keras.deserializeLayer({ class_name: 'Dense', config: fx.layer_configs.dense_default }).getConfig()).to.deep.equal(fx.layer_configs.dense_default);
  });
});

describe('keras-foundation: Embedding', () => {
  it('lookup, mask_zero mask and table gradient (repeated ids accumulate) equal real Keras', () => {
    const e = new L.Embedding({ inputDim: 6, outputDim: 3, maskZero: true });
    e.apply(fx.embedding.ids);
    e.setWeights([lt.tensor(fx.embedding.table)]);
    const ids = lt.tensor(fx.embedding.ids);
    const y = e.apply(ids) as lt.Tensor;
    expect(y.shape).to.deep.equal([2, 4, 3]);
    expectClose(y, flat(fx.embedding.y).map(Math.fround), 0, 0, 'y (exact lookup: 9-digit JSON values round to the same float32)');
    expect(lt.keras.getKerasMask(y)!.toArray()).to.deep.equal(fx.embedding.mask);
    expect(e.computeMask(ids)!.toArray()).to.deep.equal(fx.embedding.mask);
    weightedSum(y, fx.embedding.w).backward();
    expectClose(e.embeddings!.grad!, fx.embedding.grad_table, 1e-6, 1e-6, 'd table');
  });

  it('float64 gradcheck w.r.t. the table; fractional and out-of-range ids are errors naming the value (Keras truncates: docs/parity.md)', () => {
    const e = new L.Embedding({ inputDim: 4, outputDim: 2, dtype: 'float64' });
    const ids = [[1, 3, 1], [0, 2, 2]];
    e.apply(ids);
    lt.assertGradcheck('Embedding', (t) => {
      e.embeddings = t;
      return e.call(lt.tensor(ids), {});
    }, [lt.randomUniform([4, 2], -1, 1, { dtype: 'float64', seed: 5 })]);
    const e2 = new L.Embedding({ inputDim: 4, outputDim: 2, name: 'emb', embeddingsInitializer: 'identity' });
    expect((e2.apply([[1]]) as lt.Tensor).toArray()).to.deep.equal([[[0, 1]]]);
    expect(() => e2.apply([[1.9]])).to.throw(/emb: .*got 1\.9 \(not an integer\)/);
    expect(() => e2.apply([[4]])).to.throw(/emb: Embedding argument 'inputs' must hold integer ids in \[0, 4\).*got 4 \(out of range\)/);
    expect(() => e2.apply([[-1]])).to.throw(/got -1 \(out of range\)/);
    expect(e2.computeMask(lt.tensor([[0, 1]]))).to.equal(null);
  });

  it('default initializer is uniform ±0.05; getConfig equals Keras 3 JSON; fromConfig round-trips', () => {
    const e = new L.Embedding({ inputDim: 50, outputDim: 40 });
    e.apply([[0]]);
    const d = Array.from(e.embeddings!.data);
    expect(Math.max(...d.map(Math.abs))).to.be.at.most(0.05);
    expect(Math.max(...d.map(Math.abs))).to.be.above(0.049);
    const c1 = new L.Embedding({ inputDim: 10, outputDim: 4, maskZero: true, name: 'embedding' }).getConfig();
    expect(c1).to.deep.equal(fx.layer_configs.embedding);
    const c2 = new L.Embedding({ inputDim: 7, outputDim: 3, embeddingsRegularizer: 'l2', embeddingsConstraint: 'unit_norm', name: 'emb2' }).getConfig();
    expect(c2).to.deep.equal(fx.layer_configs.embedding_reg);
    expect(L.Embedding.fromConfig(c2).getConfig()).to.deep.equal(c2);
  });
});

describe('keras-foundation: Dropout and TimeDistributed', () => {
  it('Dropout is the identity unless training; in training keeps ≈(1−rate) scaled by 1/(1−rate)', () => {
    const dr = new L.Dropout({ rate: 0.25, seed: 3 });
    const x = lt.ones([100, 100]);
    expect(dr.apply(x)).to.equal(x);
    expect(dr.apply(x, { training: false })).to.equal(x);
    const y = dr.apply(x, { training: true }) as lt.Tensor;
    const vals = new Set(Array.from(y.data));
    expect([...vals].sort()).to.deep.equal([0, Math.fround(1 / 0.75)]);
    const kept = Array.from(y.data).filter((v) => v !== 0).length / y.size;
    expect(Math.abs(kept - 0.75)).to.be.below(0.02);
    // the generator advances: a second training call draws another mask
    const y2 = dr.apply(x, { training: true }) as lt.Tensor;
    expect(Array.from(y2.data)).to.not.deep.equal(Array.from(y.data));
    // same seed → same first mask
    expect(Array.from((new L.Dropout({ rate: 0.25, seed: 3 }).apply(x, { training: true }) as lt.Tensor).data)).to.deep.equal(Array.from(y.data));
  });

  it('Dropout noiseShape shares the mask along size-1 axes; gradient is the mask; rate 1 gives zeros', () => {
    const dr = new L.Dropout({ rate: 0.5, noiseShape: [null, 1, 6], seed: 1 });
    const x = lt.ones([2, 5, 6], { requiresGrad: true } as never);
    const xx = lt.tensor(x, { requiresGrad: true });
    const y = dr.apply(xx, { training: true }) as lt.Tensor;
    const a = y.toArray() as number[][][];
    for (let b = 0; b < 2; b++) for (let t = 1; t < 5; t++) expect(a[b][t]).to.deep.equal(a[b][0]);
    lt.ops.sum(y).backward();
    expect(Array.from(xx.grad!.data)).to.deep.equal(Array.from(y.data));
    expect(Array.from((new L.Dropout({ rate: 1 }).apply(lt.ones([2, 2]), { training: true }) as lt.Tensor).data)).to.deep.equal([0, 0, 0, 0]);
    expect(() => new L.Dropout({ rate: 1.5 })).to.throw(/rate/);
    expect(() => new L.Dropout({ rate: 0.5, noiseShape: [1] }).apply(lt.ones([2, 2]), { training: true })).to.throw(/noiseShape/);
    expect(new L.Dropout({ rate: 0.3, noiseShape: [null, 1, 5], seed: 4, name: 'dropout' }).getConfig()).to.deep.equal(fx.layer_configs.dropout);
  });

  it('TimeDistributed(Dense) config equals Keras 3 JSON; fromConfig rebuilds the inner layer; rank < 3 is rejected', () => {
    const td = new L.TimeDistributed({ layer: new L.Dense({ units: 2, name: 'inner' }), name: 'td' });
    expect(td.getConfig()).to.deep.equal(fx.layer_configs.time_distributed);
    const back = L.TimeDistributed.fromConfig(fx.layer_configs.time_distributed);
    expect(back.getConfig()).to.deep.equal(fx.layer_configs.time_distributed);
    expect(() => td.apply(lt.zeros([2, 3]))).to.throw(/at least 3 dimensions/);
  });
});
