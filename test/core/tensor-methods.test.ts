// tfjs-style Tensor methods (src/tensor/methods.ts): each equals the op of the same name (values and gradients),
// numbers become scalars of the tensor's dtype, and console.log / util.inspect show dtype, shape and values.
import { expect } from 'chai';
import { inspect } from 'node:util';
import * as lt from '../../src/index.js';

describe('tensor: tfjs-style methods', () => {
  it("chained methods give the ops' values and gradients", () => {
    const a = lt.tensor([[1, -2], [3, 4]], { requiresGrad: true });
    const b = lt.tensor([[0.5, 1], [2, -1]]);
    const y = a.add(b).mul(2).sub(1).relu().sum();
    const ref = lt.ops.sum(lt.ops.relu(lt.ops.sub(lt.ops.mul(lt.ops.add(a.detach(), b), lt.scalar(2)), lt.scalar(1))));
    expect(y.item()).to.equal(ref.item());
    y.backward();
    // d/da of Σ relu(2(a+b) − 1), a+b = [1.5, −1, 5, 3]: 2 where 2(a+b) − 1 > 0, else 0
    expect(Array.from(a.grad!.data)).to.deep.equal([2, 0, 2, 2]);
    expect(a.matMul(b).arraySync()).to.deep.equal(lt.ops.matmul(a, b).toArray());
    expect(a.transpose().arraySync()).to.deep.equal([[1, 3], [-2, 4]]);
    expect(a.reshape([4]).arraySync()).to.deep.equal([1, -2, 3, 4]);
    expect(a.mean(1).arraySync()).to.deep.equal([-0.5, 3.5]);
    expect(Array.from(lt.tensor([1, 4, 9]).sqrt().dataSync())).to.deep.equal([1, 2, 3]);
    const d = a.dataSync();
    d[0] = 99;
    expect(a.data[0], 'dataSync is a copy').to.equal(1);
    expect(lt.tensor([1, 2], { dtype: 'float64' }).add(0.1).dtype).to.equal('float64');
  });

  it('console.log / util.inspect / print show dtype, shape and values', () => {
    const t = lt.tensor([[1, 2], [3, 4]]);
    expect(inspect(t)).to.equal('Tensor(float32, [2, 2]) [[1,2],[3,4]]');
    const lines: string[] = [];
    const orig = console.log;
    console.log = (...s: unknown[]) => { lines.push(s.map(String).join(' ')); };
    try {
      t.print();
    } finally {
      console.log = orig;
    }
    expect(lines).to.deep.equal(['Tensor(float32, [2, 2]) [[1,2],[3,4]]']);
    expect(inspect(lt.zeros([2000]))).to.match(/^Tensor\(float32, \[2000\]\) \[0, 0, .* 1990 more\]$/);
    // tfjs's positional form lt.tensor(values, shape, dtype)
    expect(lt.tensor([1, 2, 3, 4], [2, 2], 'float64').shape).to.deep.equal([2, 2]);
  });
});

describe('typing: single-output layers type apply() as Tensor', () => {
  it('dense.apply(x).shape and conv.apply(x).shape need no cast (npm test type-checks this file)', () => {
    lt.keras.clearSession();
    const L = lt.keras.layers;
    const s1: readonly number[] = new L.Dense({ units: 2 }).apply(lt.zeros([1, 3])).shape;
    const s2: readonly number[] = new L.Conv1D({ filters: 2, kernelSize: 2 }).apply(lt.zeros([1, 4, 3])).shape;
    const s3: readonly number[] = new L.LayerNormalization({}).apply(lt.zeros([1, 3])).relu().shape;
    expect([s1, s2, s3]).to.deep.equal([[1, 2], [1, 3, 2], [1, 3]]);
    // Recurrent layers: one Tensor without returnState (lstm.apply(x).shape needs no cast), a list with it.
    const s4: readonly number[] = new L.LSTM({ units: 2 }).apply(lt.zeros([1, 2, 3])).shape;
    const s5: readonly number[] = new L.GRU({ units: 2, returnSequences: true }).apply(lt.zeros([1, 2, 3])).shape;
    const [o, h, c]: lt.Tensor[] = new L.LSTM({ units: 2, returnState: true }).apply(lt.zeros([1, 2, 3]));
    expect([s4, s5, o.shape, h.shape, c.shape]).to.deep.equal([[1, 2], [1, 2, 2], [1, 2], [1, 2], [1, 2]]);
    // @ts-expect-error with returnState the result is a list, not one Tensor
    void new L.SimpleRNN({ units: 2, returnState: true }).apply(lt.zeros([1, 2, 3])).shape;
  });
});

describe('typing: activation names are a string-literal union', () => {
  it('a misspelt activation fails to compile (and, from JavaScript or a config, at run time with the names)', () => {
    lt.keras.clearSession();
    // @ts-expect-error 'tanhh' is not an activation name: the type-check of npm test fails if this compiles
    expect(() => new lt.keras.layers.Dense({ units: 1, activation: 'tanhh' })).to.throw(/Unknown activation function 'tanhh'; known: tanh, sigmoid/);
    const ok: lt.keras.ActivationName[] = ['relu', 'hard_sigmoid', 'hardSigmoid', 'leaky_relu', 'gelu', 'None'];
    for (const a of ok) expect(new lt.keras.layers.Dense({ units: 1, activation: a }).activation.fn).to.be.a('function');
  });
});

describe('typing: initializer names are a string-literal union', () => {
  it("a misspelt initializer fails to compile; Keras's spellings compile and resolve", () => {
    lt.keras.clearSession();
    // @ts-expect-error 'glorot_unifrom' is not an initializer name
    expect(() => new lt.keras.layers.Dense({ units: 1, kernelInitializer: 'glorot_unifrom' })).to.throw(/glorot_unifrom/);
    const ok: lt.keras.InitializerName[] = ['glorot_uniform', 'GlorotUniform', 'glorotUniform', 'he_normal', 'orthogonal', 'zeros', 'uniform'];
    for (const k of ok) expect(lt.keras.initializers.get(k).getConfig()).to.be.an('object');
  });
});
