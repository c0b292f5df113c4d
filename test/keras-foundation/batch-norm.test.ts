// BatchNormalization vs REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_batch_norm.py):
//   1. each layer rebuilt from Keras's get_config() gives it back, with Keras's weights in Keras's order
//      (gamma, beta, moving_mean, moving_variance[, moving_stddev, renorm_mean, renorm_stddev]);
//   2. inference (training=false): the output with the moving statistics, the gradients of Σ seed·y w.r.t. the
//      input and γ, β, and no weight changes;
//   3. two training calls in turn: each output (batch statistics), its gradients (through the batch mean and
//      variance), and every weight after it, i.e. the moving statistics updated as Keras updates them;
//   cases: axis −1 and 1, a 2-D input, center/scale off, momentum/epsilon/initializers, a mask [B, T] (masked
//   moments), batch renormalization with and without clipping, trainable=false (inference statistics and no
//   update under training=true), float64. Tolerances: float32 2e-5 absolute + 2e-5 relative (the gradients of
//   a normalization divide by σ, which amplifies float32 rounding), float64 1e-12;
//   4. fit: LSTM → BN → LSTM, Conv1D → BN → GRU → BN, LSTM → frozen BN (SGD + momentum, 2 epochs): the loss
//      history, every weight after fit (moving statistics included), then predict and evaluate, which use the
//      moving statistics (training-parity tolerances, 1e-5 relative + 2e-6 absolute);
//   5. the trained models as Keras saved them (.keras and legacy .h5) load with their moving statistics and
//      predict as TF does;
//   6. argument errors.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';
import { sequentialFromConfig, buildFromInputShape } from '../../src/train/saving.js';

interface Run { y: unknown; dx: unknown; dweights: unknown[]; weights_after: unknown[] }
interface LayerCase {
  name: string; dtype: 'float32' | 'float64'; config: Record<string, unknown>; x: lt.NestedArray; x2: lt.NestedArray; seed: lt.NestedArray;
  mask: number[][] | null; weight_names: string[]; trainable_names: string[]; start: lt.NestedArray[]; inference: Run; training: Run[];
}
interface FitRun {
  name: string; describe: string; config: Record<string, unknown>; weight_names: string[]; initial_weights: lt.NestedArray[]; loss: number[];
  final_weights: unknown[]; predict: unknown; evaluate: number;
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/batch_norm.json', import.meta.url), 'utf8')) as {
  layers: LayerCase[]; fits: { x: lt.NestedArray; y: lt.NestedArray; runs: FitRun[] };
};
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function close(got: ArrayLike<number>, want: number[], [rt, at]: [number, number], what: string): void {
  expect(got.length, `${what}: length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= at + rt * Math.abs(want[i]))) expect.fail(`${what}[${i}]: ${got[i]} vs TF ${want[i]}`);
}

describe('keras layers: BatchNormalization vs TF 2.21', () => {
  for (const c of fx.layers) {
    it(`${c.name}${c.dtype === 'float64' ? ' (float64)' : ''}: config, inference, two training calls (outputs, gradients, moving statistics)`, () => {
      lt.keras.clearSession();
      const tol: [number, number] = c.dtype === 'float64' ? [1e-12, 1e-12] : [2e-5, 2e-5];
      const layer = lt.keras.deserializeLayer({ class_name: 'BatchNormalization', config: c.config }) as lt.keras.layers.BatchNormalization;
      const shape = flat(c.x).length && [...lt.tensor(c.x).shape];
      layer.build(shape as number[]);
      expect(layer.getConfig()).to.deep.equal(c.config);
      expect(layer.weights.map((w) => w.name!.split('/').pop())).to.deep.equal(c.weight_names);
      expect(layer.trainableWeights.map((w) => w.name!.split('/').pop())).to.deep.equal(c.trainable_names);
      layer.setWeights(c.start.map((w) => lt.tensor(w, { dtype: c.dtype })));
      const mask = c.mask === null ? null : lt.tensor(c.mask.map((r) => r.map(Number)));
      const check = (input: lt.NestedArray, training: boolean, want: Run, what: string) => {
        for (const w of layer.trainableWeights) w.zeroGrad();
        const x = lt.tensor(input, { dtype: c.dtype, requiresGrad: true });
        const y = layer.apply(x, { training, mask }) as lt.Tensor;
        close(y.data, flat(want.y), tol, `${what}: output`);
        y.backward(lt.tensor(c.seed, { dtype: c.dtype }));
        close(x.grad!.data, flat(want.dx), tol, `${what}: dx`);
        layer.trainableWeights.forEach((w, i) => close(w.grad!.data, flat(want.dweights[i]), tol, `${what}: d${c.trainable_names[i]}`));
        layer.weights.forEach((w, i) => close(w.data, flat(want.weights_after[i]), tol, `${what}: ${c.weight_names[i]} after`));
      };
      check(c.x, false, c.inference, 'inference');
      check(c.x, true, c.training[0], 'training call 1');
      check(c.x2, true, c.training[1], 'training call 2');
    });
  }

  for (const run of fx.fits.runs) {
    it(`fit ${run.name} (${run.describe}): loss history, weights with moving statistics, predict, evaluate`, () => {
      lt.keras.clearSession();
      const model = sequentialFromConfig(run.config.config as Record<string, unknown>);
      buildFromInputShape(model);
      expect(model.weights.map((w) => w.name)).to.deep.equal(run.weight_names);
      model.setWeights(run.initial_weights.map((w) => lt.tensor(w)));
      model.compile({ optimizer: new lt.keras.optimizers.SGD({ learningRate: 0.1, momentum: 0.5 }), loss: 'mse' });
      const x = lt.tensor(fx.fits.x), y = lt.tensor(fx.fits.y);
      const h = model.fit(x, y, { batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
      const tol: [number, number] = [1e-5, 2e-6];
      close(h.history.loss, run.loss, tol, 'loss history');
      model.weights.forEach((w, i) => close(w.data, flat(run.final_weights[i]), tol, `final ${w.name}`));
      close((model.predict(x) as lt.Tensor).data, flat(run.predict), tol, 'predict');
      close([model.evaluate(x, y, { verbose: 0 }).loss], [run.evaluate], tol, 'evaluate');
    });
  }

  for (const run of fx.fits.runs) {
    for (const ext of ['keras', 'h5']) {
      it(`loads ${run.name}.${ext} (saved by Keras after fit) and predicts with its moving statistics`, async () => {
        lt.keras.clearSession();
        const model = await lt.keras.loadKerasModel(fileURLToPath(new URL(`../fixtures/batch_norm/${run.name}.${ext}`, import.meta.url)));
        // bit for bit: the fixture's 9 significant digits round-trip float32
        model.weights.forEach((w, i) => expect(Array.from(w.data), `loaded ${w.name}`).to.deep.equal(flat(run.final_weights[i]).map(Math.fround)));
        close((model.predict(lt.tensor(fx.fits.x)) as lt.Tensor).data, flat(run.predict), [1e-5, 2e-6], 'predict');
      });
    }
  }

  it('errors: axis, mask rank, renorm_clipping, undefined feature size', () => {
    const BN = lt.keras.layers.BatchNormalization;
    expect(() => new BN({ axis: [1, 2] as unknown as number })).to.throw(lt.LstmTsError, /axis must be an integer/);
    expect(() => new BN({ renorm: true, renormClipping: { rmax: 0.5, rmin: 1 } })).to.throw(lt.LstmTsError, /rmax should be greater than rmin/);
    expect(() => new BN({ renorm: true, renormClipping: { rmx: 1 } as never })).to.throw(lt.LstmTsError, /unknown renormClipping key 'rmx'; did you mean 'rmax'/);
    expect(() => new BN({ momentun: 0.9 } as never)).to.throw(lt.LstmTsError, /did you mean 'momentum'/);
    const bn = new BN({ axis: 3 });
    expect(() => bn.apply(lt.zeros([2, 3, 4]))).to.throw(lt.LstmTsError, /Axis 3 is out of bounds for input shape of rank 3/);
    const b2 = new BN();
    expect(() => b2.apply(lt.zeros([2, 3, 4]), { training: true, mask: lt.ones([2]) })).to.throw(lt.LstmTsError, /mask provided should be one dimension less/);
  });

  it('by hand: training normalizes with the biased batch variance; the moving mean moves by (1 − momentum)', () => {
    lt.keras.clearSession();
    const bn = new lt.keras.layers.BatchNormalization({ epsilon: 0, momentum: 0.75, dtype: 'float64' });
    const y = bn.apply(lt.tensor([[1], [3]], { dtype: 'float64' }), { training: true }) as lt.Tensor;
    // μ = 2, σ² = 1 (÷N): (x − 2)/1
    expect(Array.from(y.data)).to.deep.equal([-1, 1]);
    expect(Array.from(bn.movingMean!.data)).to.deep.equal([0.5]); // 0·0.75 + 2·0.25
    expect(Array.from(bn.movingVariance!.data)).to.deep.equal([1]); // 1·0.75 + 1·0.25
    const inf = bn.apply(lt.tensor([[1], [3]], { dtype: 'float64' })) as lt.Tensor; // training undefined: inference
    expect(Array.from(inf.data)).to.deep.equal([0.5, 2.5]);
  });
});
