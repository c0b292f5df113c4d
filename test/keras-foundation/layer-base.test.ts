import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { Layer, type CallArgs } from '../../src/keras/engine/layer.js';
import { fx, expectClose } from './helpers.js';

const L = lt.keras.layers;

/** A layer with two outputs of different batch sizes, to see the activity loss on every output. */
class TwoOut extends Layer {
  call(inputs: lt.Tensor | lt.Tensor[], _k: CallArgs): lt.Tensor[] {
    const x = inputs as lt.Tensor;
    return [x, lt.ops.reshape(x, [1, -1])];
  }
}

class Holder extends Layer {
  a!: lt.Tensor;
  b!: lt.Tensor;
  c!: lt.Tensor;
  override build(): void {
    this.a = this.addWeight('a', [2], { initializer: 'ones' });
    this.b = this.addWeight('b', [3], { initializer: 'zeros', trainable: false });
    this.c = this.addWeight('c', [1, 2], { initializer: 'ones' });
  }
  call(inputs: lt.Tensor | lt.Tensor[], _k: CallArgs): lt.Tensor {
    return inputs as lt.Tensor;
  }
}

describe('keras-foundation: Layer base', () => {
  beforeEach(() => lt.keras.clearSession());

  it('names layers like Keras (dense, dense_1, embedding, time_distributed) and keeps explicit names', () => {
    const names = [
      new L.Dense({ units: 1 }).name,
      new L.Dense({ units: 1 }).name,
      new L.Embedding({ inputDim: 2, outputDim: 1 }).name,
      new L.TimeDistributed({ layer: new L.Dense({ units: 1, name: 'x' }) }).name,
    ];
    const ref = fx.auto_names as string[];
    expect(names).to.deep.equal([ref[0], ref[1], ref[5], ref[6]]);
    expect(new L.Dense({ units: 1, name: 'dense' }).name).to.equal('dense');
    expect(new L.Dense({ units: 1 }).name).to.equal('dense_2');
    expect(() => new L.Dense({ units: 1, name: 'a/b' })).to.throw(/name/);
  });

  it('weights: trainable first, then non-trainable (Keras order); names <layer>/<weight>; requiresGrad follows trainable', () => {
    const h = new Holder({ name: 'h' });
    h.apply(lt.zeros([1, 2]));
    expect(h.weights.map((w) => w.name)).to.deep.equal(['h/a', 'h/c', 'h/b']);
    expect(h.trainableWeights.map((w) => w.name)).to.deep.equal(['h/a', 'h/c']);
    expect(h.nonTrainableWeights.map((w) => w.name)).to.deep.equal(['h/b']);
    expect(h.weights.map((w) => w.requiresGrad)).to.deep.equal([true, true, false]);
    h.trainable = false;
    expect(h.trainableWeights).to.deep.equal([]);
    expect(h.nonTrainableWeights.length).to.equal(3);
    expect(h.weights.some((w) => w.requiresGrad)).to.equal(false);
    h.trainable = true;
    expect(h.weights.map((w) => w.requiresGrad)).to.deep.equal([true, true, false]);
  });

  it('tracked sublayers contribute weights with nested paths and follow the parent trainable flag', () => {
    const td = new L.TimeDistributed({ layer: new L.Dense({ units: 2, name: 'inner' }), name: 'td' });
    td.apply(lt.zeros([2, 3, 4]));
    expect(td.weights.map((w) => w.name)).to.deep.equal(['td/inner/kernel', 'td/inner/bias']);
    td.trainable = false;
    expect(td.layer.trainable).to.equal(false);
    expect(td.trainableWeights).to.deep.equal([]);
  });

  it('getWeights returns copies; setWeights checks count and shapes with clear errors', () => {
    const d = new L.Dense({ units: 2, name: 'dd' });
    d.apply(lt.zeros([1, 3]));
    const ws = d.getWeights();
    ws[0].data[0] = 123;
    expect(d.kernel!.data[0]).to.not.equal(123);
    expect(() => d.setWeights([ws[0]])).to.throw(/layer 'dd' with a weight list of length 1, but the layer was expecting 2 weights/);
    expect(() => d.setWeights([lt.zeros([2, 3]), ws[1]])).to.throw(/Layer dd weight 'dd\/kernel' has shape \[3, 2\].*provided weight shape \[2, 3\]/);
    // nothing was written by the failing call
    expect(d.kernel!.data[0]).to.not.equal(0);
    d.setWeights([[[1, 2], [3, 4], [5, 6]], [7, 8]]);
    expect(d.countParams()).to.equal(8);
    expect(() => new L.Dense({ units: 2, name: 'nb' }).countParams()).to.throw(/nb: .*not built/);
    expect(d.kernel!.toArray()).to.deep.equal([[1, 2], [3, 4], [5, 6]]);
    expect(d.bias!.toArray()).to.deep.equal([7, 8]);
  });

  it('losses: activity loss / batch size then weight penalties, as real Keras (Dense with L2 activity, L1/L2 weights)', () => {
    const d = new L.Dense({
      units: 2, activityRegularizer: lt.keras.regularizers.l2(0.1),
      kernelRegularizer: lt.keras.regularizers.l1(0.05), biasRegularizer: lt.keras.regularizers.l2(0.2),
    });
    d.apply(lt.zeros([4, 3]));
    d.setWeights(fx.activity.weights.map((w: number[]) => lt.tensor(w)));
    const y = d.apply(lt.tensor(fx.activity.x)) as lt.Tensor;
    expectClose(y, fx.activity.y, 1e-6, 1e-6, 'y');
    expectClose(d.losses.map((l) => l.item()), fx.activity.losses, 1e-6, 1e-6, 'losses');
    // a second call replaces (does not append) the activity loss
    d.apply(lt.tensor(fx.activity.x));
    expect(d.losses.length).to.equal(3);
    // weight penalties are recomputed on read
    d.setWeights([lt.zeros([3, 2]), lt.zeros([2])]);
    expect(d.losses[1].item()).to.equal(0);
    expect(d.losses[2].item()).to.equal(0);
    // losses are differentiable w.r.t. the weights
    d.setWeights(fx.activity.weights.map((w: number[]) => lt.tensor(w)));
    d.losses[2].backward();
    expectClose(d.bias!.grad!, (fx.activity.weights[1] as number[]).map((b) => 2 * 0.2 * b), 1e-6, 1e-6, 'd(l2 bias)/db');
  });

  it('the activity regularizer applies to every output, each divided by its own batch size', () => {
    const l = new TwoOut({ activityRegularizer: lt.keras.regularizers.l1(1) });
    const x = lt.tensor([[1, -2], [3, 4]], { dtype: 'float32' });
    l.apply(x);
    const v = l.losses.map((t) => t.item());
    expect(v.length).to.equal(2);
    expect(v[0]).to.be.closeTo(10 / 2, 1e-6);
    expect(v[1]).to.be.closeTo(10 / 1, 1e-6);
  });

  it('applyConstraints projects constrained weights in place (what optimizers call after an update)', () => {
    const d = new L.Dense({ units: 4, kernelConstraint: lt.keras.constraints.maxNorm({ maxValue: 1.0 }), biasConstraint: 'non_neg' });
    d.apply(lt.zeros([1, 3]));
    d.setWeights([lt.tensor(fx.constraints.x), lt.tensor([-1, 2, -3, 4])]);
    d.applyConstraints();
    expectClose(d.kernel!, fx.constraints.values.max_norm_axis0, 1e-6, 1e-6, 'max_norm');
    expect(d.bias!.toArray()).to.deep.equal([0, 2, 0, 4]);
    expect(d.constraints.size).to.equal(2);
  });

  it('getConfig base keys and fromConfig base args (name, trainable, dtype policy, batch_input_shape)', () => {
    const d = new L.Dense({ units: 2, name: 'q', trainable: false, dtype: 'float64', inputShape: [3] });
    const cfg = d.getConfig();
    expect(cfg.name).to.equal('q');
    expect(cfg.trainable).to.equal(false);
    expect(cfg.dtype).to.deep.equal({ module: 'keras', class_name: 'DTypePolicy', config: { name: 'float64' }, registered_name: null });
    // Keras 3 rejects batch_input_shape in a layer config (the model's InputLayer holds the shape); Keras 2 wrote it
    expect(cfg).to.not.have.property('batch_input_shape');
    const k2 = lt.keras.withKerasCompat('keras2', () => d.getConfig());
    expect(k2.batch_input_shape).to.deep.equal([null, 3]);
    expect(L.Dense.fromConfig(k2).batchInputShape).to.deep.equal([null, 3]);
    const back = L.Dense.fromConfig(cfg);
    expect(back.getConfig()).to.deep.equal(cfg);
    expect(back.dtype).to.equal('float64');
    expect(() => new L.Dense({ units: 2, dtype: 'int32' as 'float32' })).to.throw(/unsupported dtype/);
  });

  it('Keras masks flow: Embedding(mask_zero) → Dense (pass-through) → Dropout; computeMask default is the previous mask', () => {
    const e = new L.Embedding({ inputDim: 5, outputDim: 3, maskZero: true });
    const d = new L.Dense({ units: 2 });
    const dr = new L.Dropout({ rate: 0.5 });
    const y = dr.apply(d.apply(e.apply([[1, 0, 2], [0, 0, 4]]))) as lt.Tensor;
    expect(lt.keras.getKerasMask(y)!.toArray()).to.deep.equal([[1, 0, 1], [0, 0, 1]]);
    const h = new Holder();
    expect(h.computeMask(lt.zeros([1]), null)).to.equal(null);
    // an explicit mask wins over the attached one
    const m = lt.tensor([[1, 1, 1], [1, 1, 1]]);
    const z = d.apply(e.apply([[1, 0, 2], [0, 0, 4]]), { mask: m }) as lt.Tensor;
    expect(lt.keras.getKerasMask(z)).to.equal(m);
  });
});

describe("default layer names follow Keras's to_snake_case", () => {
  it("'Conv1D' → conv1d, 'ConvLSTM1D' → conv_lstm1d (no break after a digit), as keras.src.utils.naming", () => {
    lt.keras.clearSession();
    const L = lt.keras.layers;
    // Expected names printed by Keras 3.15's to_snake_case for these class names.
    expect(new L.Conv1D({ filters: 1, kernelSize: 1 }).name).to.equal('conv1d');
    expect(new L.ConvLSTM1D({ filters: 1, kernelSize: 1 }).name).to.equal('conv_lstm1d');
    expect(new L.MaxPooling1D({}).name).to.equal('max_pooling1d');
    expect(new L.GlobalAveragePooling1D({}).name).to.equal('global_average_pooling1d');
    expect(new L.Conv1DTranspose({ filters: 1, kernelSize: 1 }).name).to.equal('conv1d_transpose');
    expect(new L.SimpleRNN({ units: 1 }).name).to.equal('simple_rnn');
    expect(new L.MultiHeadAttention({ numHeads: 1, keyDim: 1 }).name).to.equal('multi_head_attention');
  });
});
