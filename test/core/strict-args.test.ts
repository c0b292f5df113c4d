// Nothing the user passes is silently ignored: the calls the reliability report listed, one by one, each with
// the error it must give (the entry point, the argument, expected vs actual). The seeded fuzz
// (test/fuzz/api-fuzz.test.ts) covers the same ground at random; these are the readable spec.
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { didYouMean, camelCase, optionKeys, checkOptions, checkNumber } from '../../src/util/options.js';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const L = lt.keras.layers;
const err = (f: () => unknown, re: RegExp): void => {
  expect(f).to.throw(lt.LstmTsError, re);
};

describe('strict arguments: unknown keys and wrong types are errors that name them', () => {
  it('didYouMean: snake_case → camelCase first, then case-insensitive, then at most 2 edits', () => {
    const keys = ['returnSequences', 'returnState', 'units', 'batchSize'];
    expect(camelCase('return_sequences')).to.equal('returnSequences');
    expect(didYouMean('return_sequences', keys)).to.equal('returnSequences');
    expect(didYouMean('batchsize', keys)).to.equal('batchSize');
    expect(didYouMean('returnSequence', keys)).to.equal('returnSequences');
    expect(didYouMean('unit', keys)).to.equal('units');
    expect(didYouMean('frobnicate', keys)).to.equal(null);
    expect(didYouMean('xy', keys)).to.equal(null);  // 2-letter keys get no guess
  });
  it('optionKeys lists exactly the keys given; checkOptions refuses others and non-objects', () => {
    interface A { a?: number; bB?: string }
    const keys = optionKeys<A>({ a: true, bB: true });
    expect([...keys]).to.deep.equal(['a', 'bB']);
    checkOptions('f', { a: 1 }, keys);
    checkOptions('f', undefined, keys);
    err(() => checkOptions('f', { b_b: 1 }, keys), /^f: unknown option 'b_b'; did you mean 'bB'\?$/);
    err(() => checkOptions('f', { zz: 1 }, keys), /^f: unknown option 'zz' \(known options: a, bB\)$/);
    err(() => checkOptions('f', [1], keys), /f: options must be an object of named options, got an array of length 1/);
    err(() => checkNumber('f', 'n', '3', { integer: true, min: 1 }), /^f: n must be an integer ≥ 1, got '3' \(a string\)$/);
    err(() => checkNumber('f', 'r', 2, { min: 0, max: 1, exclusive: true }), /^f: r must be a number in \(0, 1\), got 2$/);
  });
  it('layers: LSTM({ return_sequences }) and friends', () => {
    err(() => new L.LSTM({ units: 3, return_sequences: true } as never), /^LSTM: unknown option 'return_sequences'; did you mean 'returnSequences'\?$/);
    err(() => new L.Dense({ units: 3, kernel_initializer: 'ones' } as never), /^Dense: unknown option 'kernel_initializer'; did you mean 'kernelInitializer'\?$/);
    err(() => new L.LSTMCell({ units: 3, recurrent_dropout: 0.1 } as never), /^LSTMCell: unknown option 'recurrent_dropout'/);
    err(() => new L.Bidirectional({ layer: new L.LSTM({ units: 2 }), merge_mode: 'sum' } as never), /^Bidirectional: unknown option 'merge_mode'; did you mean 'mergeMode'/);
    err(() => new L.LSTM({ units: 2, dropout: [0.1] } as never), /LSTMCell: dropout must be a number, got an array of length 1/);
    err(() => new L.LSTM({ units: 2, batchInputShape: 'abc' } as never), /^LSTM: batchInputShape must be an array of non-negative integers \(null for an unknown dimension\), got 'abc' \(a string\)$/);
    err(() => new L.LSTM({ units: 2, batchInputShape: [2.5, 4, 3] }), /batchInputShape must be an array of non-negative integers.*\[2.5,4,3\]/);
    err(() => new L.Dense({ units: 2, activation: 'TANH' as never }), /Unknown activation function 'TANH'/);
    err(() => new L.Dense({ units: 2, kernelRegularizer: { class_name: 'L2', config: { l2: 'x' } } }), /regularizer: config key l2 must be a non-negative number, got "x"/);
    // Keras's spellings still work
    expect(new L.Dense({ units: 2, activation: 'hardSigmoid' }).activation.name).to.equal('hard_sigmoid');
  });
  it('layer calls: unknown call arguments, null inputs, a rank-1 Dense input, a float64 input to a float32 cell', () => {
    const lstm = new L.LSTM({ units: 2, name: 'enc' });
    err(() => lstm.apply(lt.zeros([1, 2, 2]), { initial_state: [] } as never), /^enc\.apply: unknown call argument 'initial_state'; did you mean 'initialState'\?$/);
    err(() => lstm.apply(null as never), /^enc\.apply: inputs must be a Tensor, an array of Tensors or nested number arrays, got null$/);
    err(() => new L.Dense({ units: 2, name: 'd' }).apply(lt.tensor([1, 2, 3])), /^d: Input of layer 'd' is incompatible with the layer: expected min_ndim=2, found ndim=1/);
    err(() => new L.SimpleRNNCell({ units: 2, name: 'c' }).apply(lt.zeros([1, 2], 'float64')), /^c: the input is float64 but the cell computes in float32/);
    err(() => new L.Dense({ units: 2, name: 'e' }).setWeights([lt.zeros([2, 2])]), /^e: setWeights on layer 'e' before it has weights: build it first/);
  });
  it("tensors: tfjs's positional form works; other second arguments, bad values and bad ndarrays are refused", () => {
    const t = lt.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect([...t.shape]).to.deep.equal([2, 3]);
    expect(lt.tensor([1, 2], 'float64').dtype).to.equal('float64');
    const u = lt.tensor([1, 2, 3, 4], [2, 2], 'float64');
    expect([u.dtype, ...u.shape]).to.deep.equal(['float64', 2, 2]);
    expect(lt.tensor([1, 2], null, 'float64').dtype).to.equal('float64');
    err(() => lt.tensor([1, 2], 2 as never), /tensor: the second argument must be a shape \(array\), a dtype/);
    err(() => lt.tensor([1, 2], [2], 'int32' as never), /tensor: dtype must be 'float32' or 'float64'.*'int32'/);
    err(() => lt.tensor([1, 2], { shape: [2] }, 'float64' as never), /tensor: with an options object no third argument is taken/);
    err(() => lt.tensor([[1, 'a']] as never), /^tensor: values\[0\]\[1\] must be a number, got 'a' \(a string\)$/);
    err(() => lt.scalar('5' as never), /^scalar: value must be a number, got '5' \(a string\)$/);
    err(() => lt.full([2], 'x' as never), /^full: value must be a number, got 'x'/);
    err(() => lt.randomUniform([2, 3], 'a' as never, 1), /^randomUniform: lo must be a number, got 'a'/);
    err(() => lt.randomUniform([2], 0, 1, { seed: 1.5 }), /^randomUniform: seed must be an integer, got 1.5 \(number\)$/);
    err(() => new lt.Tensor(new Int32Array(6) as never, [2, 3]), /^Tensor: data must be a Float32Array or Float64Array, got Int32Array/);
    err(() => new lt.Tensor('abcdef' as never, [2, 3]), /^Tensor: data must be a Float32Array or Float64Array, got string/);
    err(() => lt.tensor({ data: [1, 2], shape: [3], stride: [1], offset: 0 } as never), /tensor: ndarray: .* read indices 0\.\.2, but data has 2 elements/);
    err(() => lt.tensor({ data: [1, 2, 3], shape: [2], stride: [1.5], offset: 0 } as never), /tensor: ndarray: stride\[0\] must be an integer/);
    err(() => lt.tensor({ data: [1, 2, 3], shape: [2], stride: [1], offset: -1 } as never), /tensor: ndarray: offset must be a non-negative integer/);
    err(() => lt.tensor([1, 2], { requiresGrad: true }).assign(['a', 'b'] as never), /^assign: values\[0\] must be a number, got string/);
  });
  it('sizes no tensor can have are refused before allocating, naming the weight, the shape and the bytes', () => {
    err(() => new L.Embedding({ inputDim: 1e9, outputDim: 16, name: 'emb' }).apply(lt.tensor([[1, 2]])),
      /^emb: weight 'embeddings' of shape \[1000000000, 16\] would hold 1\.600e\+10 elements \(59\.6 GiB as float32\)/);
    err(() => new L.LSTM({ units: 1e9, name: 'big' }).apply(lt.zeros([1, 2, 3])), /^big\/lstm_cell: weight 'kernel' of shape \[3, 4000000000\]/);
    err(() => lt.zeros([1e5, 1e5]), /^full: a tensor of shape \[100000, 100000\] would hold/);
  });
  it('training: batch sizes, epochs, option keys, classWeight values, callbacks, validationSplit', () => {
    const m = new lt.keras.Sequential([new L.Dense({ units: 1 })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = lt.zeros([4, 2]);
    const y = lt.zeros([4, 1]);
    err(() => m.predict(x, { batchSize: 0 }), /^predict: batchSize must be an integer ≥ 1, got 0$/);
    err(() => m.evaluate(x, y, { batchSize: 0 }), /^evaluate: batchSize must be an integer ≥ 1, got 0$/);
    err(() => m.fit(x, y, { batch_size: 2 } as never), /^fit: unknown option 'batch_size'; did you mean 'batchSize'\?$/);
    err(() => m.fit(x, y, { epochs: 1.5 }), /^fit: epochs must be an integer ≥ 0, got 1.5 \(number\)$/);
    err(() => m.fit(x, y, { validationSplit: '0.2' } as never), /^fit: validationSplit must be a number, got '0.2'/);
    err(() => m.fit(x, y, { classWeight: { 0: 'a' } } as never), /^fit: classWeight\[0\] must be a finite number, got 'a'/);
    err(() => m.fit(x, y, { callbacks: ['nope'] } as never), /^fit: callbacks\[0\] must be a Callback/);
    err(() => m.compile({ loss: 'mse', loss_weights: [1] } as never), /^Sequential.compile: unknown option 'loss_weights'; did you mean 'lossWeights'/);
    err(() => new lt.keras.optimizers.SGD({ learningRate: '0.1' } as never), /^SGD: learningRate must be a number ≥ 0, got '0.1'/);
    err(() => new lt.keras.optimizers.Adam({ learning_rate: 0.1 } as never), /^Adam: unknown option 'learning_rate'; did you mean 'learningRate'/);
    err(() => new lt.keras.callbacks.EarlyStopping({ patiance: 3 } as never), /^EarlyStopping: unknown option 'patiance'; did you mean 'patience'/);
  });
  it('kernels and TF1: lstmSequence backend by name (or a clear error), unknown options', () => {
    const z = (s: number[]): lt.Tensor => lt.zeros(s);
    const [y] = lt.lstmSequence(z([2, 1, 1]), z([1, 1]), z([1, 1]), z([1, 4]), z([1, 4]), z([4]), { backend: 'ts' });
    expect([...y.shape]).to.deep.equal([2, 1, 1]);
    err(() => lt.lstmSequence(z([2, 1, 1]), z([1, 1]), z([1, 1]), z([1, 4]), z([1, 4]), z([4]), { backend: 'gpu' as never }), /^lstmSequence: backend must be one of 'ts', 'native-cpu', 'cudnn'/);
    err(() => lt.lstmSequence(z([2, 1, 1]), z([1, 1]), z([1, 1]), z([1, 4]), z([1, 4]), z([4]), { go_backwards: true } as never), /^lstmSequence: unknown option 'go_backwards'; did you mean 'goBackwards'/);
    err(() => new lt.tf1.nn.rnn_cell.BasicLSTMCell({ numUnits: 2, forget_bias: 1 } as never), /^BasicLSTMCell: unknown option 'forget_bias'; did you mean 'forgetBias'/);
    err(() => lt.tf1.nn.dynamicRnn(new lt.tf1.nn.rnn_cell.BasicRNNCell({ numUnits: 2 }), z([1, 2, 2]), { time_major: false } as never), /^dynamicRnn: unknown option 'time_major'; did you mean 'timeMajor'/);
  });
  it('loaders: a non-HDF5 file, a missing file and a null path are named errors (and h5wasm never sees them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-strict-'));
    try {
      const bogus = join(dir, 'not.weights.h5');
      writeFileSync(bogus, 'hello, not hdf5');
      const m = new lt.keras.Sequential([new L.Dense({ units: 1 })]);
      m.predict(lt.zeros([1, 2]));
      const rejects = async (p: Promise<unknown>, re: RegExp): Promise<void> => {
        let e: unknown = null;
        try { await p; } catch (x) { e = x; }
        expect(e).to.be.instanceOf(lt.LstmTsError);
        expect((e as Error).message).to.match(re);
      };
      await rejects(lt.keras.loadKerasWeightsH5(m, bogus), /^loadKerasWeightsH5: .*not.weights.h5 is not an HDF5 file \(no HDF5 signature; 15 bytes\)$/);
      await rejects(lt.keras.loadKerasWeightsH5(m, join(dir, 'missing.h5')), /^loadKerasWeightsH5: cannot read .*missing.h5: ENOENT/);
      await rejects(lt.keras.loadKerasWeightsH5(m, null as never), /^loadKerasWeightsH5: source must be the path of a .weights.h5 file or its bytes \(Uint8Array \/ ArrayBuffer\), got null$/);
      await rejects(lt.keras.loadKerasWeightsH5(m, new TextEncoder().encode("hello")), /^loadKerasWeightsH5: <bytes> is not an HDF5 file \(no HDF5 signature; 5 bytes\)$/);
      await rejects(lt.keras.loadKerasModel(null as never), /^loadKerasModel: source must be the path of a .keras file or its bytes \(Uint8Array \/ ArrayBuffer\), got null$/);
      await rejects(lt.keras.loadKerasModel(bogus, { compiled: false } as never), /^loadKerasModel: unknown option 'compiled'; did you mean 'compile'/);
      err(() => lt.keras.loadModel(null as never), /^loadModel: dir must be the path of a folder written by model.save\(\), got null$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
