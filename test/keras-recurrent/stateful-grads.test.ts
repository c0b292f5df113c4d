// Gradients of stateful recurrent layers over several consecutive calls and after resetStates(), on every
// path a stateful layer can take (generic cell loop, unrolled loop, non-fused activation, stacked cells,
// Bidirectional, the fused 'ts' kernel, and native-cpu against 'ts'). Each call starts from the states the
// previous call stored; Keras treats them as constants of the call (no gradient reaches earlier calls), so
// the reference for call k is the float64 central difference of call k alone, restarted from the same stored
// states for every perturbed evaluation. A hand-derived case pins the numbers of the minimal report.
import { expect } from 'chai';
import { keras, tensor, Tensor, Random, noGrad, native } from '../../src/index.js';
import type { RNN } from '../../src/keras/layers/recurrent/rnn.js';
import type { Layer } from '../../src/keras/engine/layer.js';
import { requireCpu } from '../native/helpers.js';

const L = keras.layers;
const EPS = 1e-6;
// Central differences of smooth float64 functions: truncation ~ε²·f''' and rounding ~1e-16/ε ≈ 1e-10.
const ATOL = 1e-7;
const RTOL = 1e-5;

function rand(shape: number[], rng: Random, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, () => rng.uniformRange(-1, 1)), { shape, dtype });
}

/** The stateful RNN layers inside `layer` (itself, or a Bidirectional's two). */
function rnnsOf(layer: Layer): RNN[] {
  const l = layer as unknown as { forwardLayer?: RNN; backwardLayer?: RNN };
  return l.forwardLayer ? [l.forwardLayer, l.backwardLayer!] : [layer as unknown as RNN];
}

/** The stored states (null before the first call: the layer starts from zeros). */
function snapshot(rnns: RNN[]): (Tensor[] | null)[] {
  return rnns.map((r) => (r.states === null ? null : r.states.map((s) => s.clone())));
}

function restore(rnns: RNN[], snap: (Tensor[] | null)[]): void {
  rnns.forEach((r, i) => {
    const sn = snap[i];
    if (sn === null) r.resetStates();
    else r.states!.forEach((s, k) => s.assign(sn[k]));
  });
}

/** L = Σ seed ⊙ layer(x) for one call, from the stored states in `snap`. */
function lossOf(layer: Layer, rnns: RNN[], snap: (Tensor[] | null)[], x: Tensor, seed: Float64Array): number {
  restore(rnns, snap);
  const y = noGrad(() => layer.apply(x) as Tensor);
  let s = 0;
  for (let i = 0; i < y.size; i++) s += seed[i] * y.data[i];
  return s;
}

/** Checks d L / d (weights, x) of one stateful call against central differences; leaves the call's final states stored. */
function checkCall(layer: Layer, x: Tensor, rng: Random, what: string): void {
  const rnns = rnnsOf(layer);
  const snap = snapshot(rnns);
  const y = layer.apply(x) as Tensor;
  const after = snapshot(rnns);
  const seed = Float64Array.from({ length: y.size }, () => rng.uniformRange(-1, 1));
  for (const w of layer.trainableWeights) w.zeroGrad();
  x.zeroGrad();
  y.backward(tensor(seed, { shape: [...y.shape], dtype: 'float64' }));
  for (const p of [...layer.trainableWeights, x]) {
    for (let j = 0; j < p.size; j++) {
      const orig = p.data[j];
      p.data[j] = orig + EPS;
      const lp = lossOf(layer, rnns, snap, x, seed);
      p.data[j] = orig - EPS;
      const lm = lossOf(layer, rnns, snap, x, seed);
      p.data[j] = orig;
      const numeric = (lp - lm) / (2 * EPS);
      const analytic = p.grad === null ? 0 : p.grad.data[j];
      if (!(Math.abs(analytic - numeric) <= ATOL + RTOL * Math.abs(numeric))) {
        expect.fail(`${what}: d/d ${p.name ?? 'x'}[${j}] analytic ${analytic} vs numeric ${numeric}`);
      }
    }
  }
  restore(rnns, after);
}

interface Config { name: string; make: () => Layer; path?: string }
const B = 2, T = 3, I = 2;
const configs: Config[] = [
  { name: 'SimpleRNN (generic loop: sigmoid is not fusable)', make: () => new L.SimpleRNN({ units: 3, stateful: true, activation: 'sigmoid', dtype: 'float64' }), path: 'generic' },
  { name: 'SimpleRNN fused ts kernel', make: () => new L.SimpleRNN({ units: 3, stateful: true, backend: 'ts', dtype: 'float64' }), path: 'ts' },
  { name: 'GRU fused ts kernel, return_sequences + go_backwards', make: () => new L.GRU({ units: 2, stateful: true, returnSequences: true, goBackwards: true, backend: 'ts', dtype: 'float64' }), path: 'ts' },
  { name: 'GRU reset_after=False (generic loop)', make: () => new L.GRU({ units: 2, stateful: true, resetAfter: false, dtype: 'float64' }), path: 'generic' },
  { name: 'LSTM unroll (generic, unrolled)', make: () => new L.LSTM({ units: 2, stateful: true, unroll: true, dtype: 'float64' }), path: 'generic' },
  { name: 'LSTM activation softsign (generic: not fusable)', make: () => new L.LSTM({ units: 2, stateful: true, activation: 'softsign', dtype: 'float64' }), path: 'generic' },
  { name: 'LSTM fused ts kernel', make: () => new L.LSTM({ units: 2, stateful: true, backend: 'ts', dtype: 'float64' }), path: 'ts' },
  { name: 'LSTM fused ts kernel, return_sequences + go_backwards', make: () => new L.LSTM({ units: 2, stateful: true, returnSequences: true, goBackwards: true, backend: 'ts', dtype: 'float64' }), path: 'ts' },
  { name: 'RNN([SimpleRNNCell, LSTMCell]) stacked', make: () => new L.RNN({ cell: [new L.SimpleRNNCell({ units: 2, dtype: 'float64' }), new L.LSTMCell({ units: 2, dtype: 'float64' })], stateful: true, dtype: 'float64' }) },
  { name: 'Bidirectional(SimpleRNN)', make: () => new L.Bidirectional({ layer: new L.SimpleRNN({ units: 2, stateful: true, dtype: 'float64' }), dtype: 'float64' }) },
  { name: 'Bidirectional(LSTM) fused', make: () => new L.Bidirectional({ layer: new L.LSTM({ units: 2, stateful: true, backend: 'ts', dtype: 'float64' }), mergeMode: 'sum', dtype: 'float64' }) },
];

describe('keras-recurrent: stateful layers, float64 gradients over consecutive calls and after resetStates (every path)', () => {
  for (const c of configs) {
    it(`${c.name}: calls 1, 2, 3 (states carried), resetStates, call 4`, () => {
      const rng = new Random(91);
      const layer = c.make();
      for (let k = 0; k < 4; k++) {
        if (k === 3) rnnsOf(layer).forEach((r) => r.resetStates());
        const x = rand([B, T, I], rng);
        x.requireGrad();
        checkCall(layer, x, rng, `${c.name} call ${k + 1}`);
        if (c.path) expect((layer as unknown as RNN).explain()!.path).to.equal(c.path);
      }
      // The states really carried over: they are not zero before the reset.
      expect(rnnsOf(layer)[0].states![0].toFlatArray().some((v) => v !== 0)).to.equal(true);
    });
  }

  it('hand-derived: SimpleRNN(units 1, weights 1, bias 0), x = [[1],[2]], loss = output: dL/dU = (1 − h2²)(h1 + U·(1 − h1²)·h0) on two consecutive calls', () => {
    const rnn = new L.SimpleRNN({ units: 1, stateful: true, dtype: 'float64', kernelInitializer: 'ones', recurrentInitializer: 'ones' });
    let h0 = 0;
    for (let call = 0; call < 2; call++) {
      const y = rnn.apply(tensor([[[1], [2]]], { dtype: 'float64' })) as Tensor;
      const h1 = Math.tanh(1 + h0);
      const h2 = Math.tanh(2 + h1);
      y.backward();
      const dU = (1 - h2 * h2) * (h1 + (1 - h1 * h1) * h0);
      expect(y.item()).to.be.closeTo(h2, 1e-15);
      expect(rnn.trainableWeights[1].grad!.item()).to.be.closeTo(dU, 1e-15);
      if (call === 0) expect(dU).to.be.closeTo(0.012067906445665327, 1e-16);  // the value of the original report
      for (const w of rnn.trainableWeights) w.zeroGrad();
      h0 = h2;
    }
  });

  it('native-cpu: a stateful LSTM trained over consecutive calls gets the ts kernel\'s gradients (float32, 1e-5)', function () {
    requireCpu(this);
    const wasEnabled = native.isEnabled();
    native.enable();
    after(() => {
      if (!wasEnabled) native.disable();
    });
    const rng = new Random(5);
    const mk = (backend: 'ts' | 'native-cpu') => new L.LSTM({ units: 4, stateful: true, returnSequences: true, backend, kernelInitializer: keras.initializers.glorotUniform({ seed: 3 }), recurrentInitializer: keras.initializers.orthogonal({ seed: 4 }) });
    const a = mk('ts');
    const b = mk('native-cpu');
    for (let k = 0; k < 3; k++) {
      const x = rand([3, 5, 2], rng, 'float32');
      const seed = rand([3, 5, 4], rng, 'float32');
      const ya = a.apply(x) as Tensor;
      const yb = b.apply(x) as Tensor;
      expect(b.explain()!.path).to.equal('native-cpu');
      ya.backward(seed);
      yb.backward(seed);
      a.trainableWeights.forEach((w, i) => {
        const gb = b.trainableWeights[i].grad!.data;
        w.grad!.data.forEach((v, j) => expect(Math.abs(v - gb[j]), `call ${k} weight ${i}[${j}]`).to.be.lessThan(1e-5 + 1e-5 * Math.abs(v)));
        w.zeroGrad();
        b.trainableWeights[i].zeroGrad();
      });
    }
  });
});
