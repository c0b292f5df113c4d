// Parity with REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_keras_rnn.py → keras_rnn.json).
// Each case: the layer is rebuilt from Keras's own get_config() (so fromConfig is exercised on real configs),
// given TF's weights, run on TF's inputs/masks/initial states in inference mode, and compared with TF's outputs,
// and with TF's GradientTape gradients of L = Σ_k Σ w_k ⊙ out_k w.r.t. x, the initial states and every weight.
//
// Tolerances: outputs 1e-5 abs, gradients 1e-4 abs. They are not zero because TF's CPU float32 tanh is Eigen's
// rational approximation (≈2 ULP, keras-tf-semantics.md §5.5e; measured below) and TF's matmul sums in
// another order; both differences stay ~1e-7 per op and ~1e-6 after 5 steps.

import { expect } from 'chai';
import { Tensor, tensor, keras, ops, native, type NestedArray } from '../../src/index.js';
import { loadFixtures, expectClose, maxAbsDiff, type RnnCase } from './helpers.js';

const { LSTM, SimpleRNN, GRU, RNN, Bidirectional } = keras.layers;
type AnyLayer = InstanceType<typeof LSTM> | InstanceType<typeof SimpleRNN> | InstanceType<typeof GRU> | InstanceType<typeof RNN> | InstanceType<typeof Bidirectional>;

const OUT_TOL32 = 1e-5;
const GRAD_TOL32 = 1e-4;

/**
 * `generic`: rebuild an LSTM as RNN(LSTMCell) from the same config: the same numbers, never a fused kernel.
 * (Not unroll=True: Keras's unrolled loop zeroes masked outputs differently under go_backwards +
 * zero_output_for_mask, see rnn-loop.ts.)
 * `native`: force the native CPU kernel (only where Keras's fused rules hold).
 */
function layerFromCase(c: RnnCase, generic = false, native = false): AnyLayer {
  const cfg = structuredClone(c.config) as Record<string, unknown>;
  if (native) {
    const l = LSTM.fromConfig(cfg);
    (l as { backend: string }).backend = 'native-cpu';
    return l;
  }
  // Keras 3 configs drop `implementation`; the generator asked for implementation 1 in these cases.
  if (c.name.includes('_i1_') || c.name.endsWith('_i1')) cfg.implementation = 1;
  if (c.name === 'rnn_stacked_lstm_cells_mask_init') {
    ((cfg.cell as { config: { cells: { config: Record<string, unknown> }[] } }).config.cells[1].config).implementation = 1;
  }
  if (c.name.startsWith('lstm_') && generic) return RNN.fromConfig({ ...cfg, cell: { class_name: 'LSTMCell', config: { ...cfg, name: 'lstm_cell' } } });
  if (c.name.startsWith('lstm_')) return LSTM.fromConfig(cfg);
  if (c.name.startsWith('srnn_')) return SimpleRNN.fromConfig(cfg);
  if (c.name.startsWith('gru_') && generic) return RNN.fromConfig({ ...cfg, cell: { class_name: 'GRUCell', config: { ...cfg, name: 'gru_cell' } } });
  if (c.name.startsWith('gru_')) return GRU.fromConfig(cfg);
  if (c.name.startsWith('rnn_')) return RNN.fromConfig(cfg);
  if (c.name.startsWith('bidi_')) return Bidirectional.fromConfig(cfg);
  throw new Error(`unknown case kind ${c.name}`);
}

function flatOutputs(y: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(y) ? y : [y];
}

describe('keras-recurrent: real TensorFlow 2.21 fixtures', function () {
  const fx = loadFixtures();

  it('fixtures come from TF 2.21 / Keras 3.15', () => {
    expect(fx.tensorflow).to.match(/^2\.21/);
    expect(fx.keras).to.match(/^3\.15/);
    expect(fx.cases.length).to.be.greaterThan(70);
  });

  it('TF CPU float32 tanh differs from Math.tanh by a few ULP only (§5.5e), sigmoid likewise', () => {
    const p = fx.activation_probe;
    const tanhDiff = maxAbsDiff(p.x.map((v) => Math.fround(Math.tanh(v))), p.tanh);
    expect(tanhDiff).to.be.lessThan(5e-7);
    const sigDiff = maxAbsDiff(p.x.map((v) => Math.fround(1 / (1 + Math.exp(-v)))), p.sigmoid);
    expect(sigDiff).to.be.lessThan(5e-7);
    // Keras 3 hard_sigmoid = relu6(x+3)/6, computed in float32 and exactly representable here.
    const hs = ops.hardSigmoid(tensor(p.x)).toFlatArray();
    expect(maxAbsDiff(hs, p.hard_sigmoid)).to.be.lessThan(1e-7);
  });

  // Every LSTM case runs twice: as configured ('auto': the fused TS kernel wherever Keras's rules allow it)
  // and forced onto the generic cell loop (implementation 1/2 rounding orders of the cell).
  const runs: { c: RnnCase; generic: boolean }[] = [];
  for (const c of fx.cases) {
    runs.push({ c, generic: false });
    if ((c.name.startsWith('lstm_') || c.name.startsWith('gru_')) && !c.x2 && !(c.config.unroll as boolean)) runs.push({ c, generic: true });
  }
  for (const { c, generic } of runs) {
    it(`${c.name}${generic ? ' [generic loop]' : ''}`, () => runCase(c, generic, 'float32'));
  }

  // float64: TF's float64 tanh/sigmoid are the standard library's, so formulas, rounding-free structure and
  // masking logic agree to ~1e-15; tolerance 1e-12 (outputs) / 1e-11 (gradients).
  // The native CPU kernel (when the addon is built here) through the same layer, on every case Keras's rules allow.
  describe('through the native CPU kernel (when built)', () => {
    let ok = false;
    before(function () {
      const info = native.enable();
      ok = info.loaded;
      if (!ok) {
        native.disable();
        this.skip();
      }
    });
    after(() => native.disable());
    const fusedOk = (c: RnnCase): boolean => c.name.startsWith('lstm_') && !c.x2 && c.config.unroll !== true &&
      c.config.activation === 'tanh' && c.config.recurrent_activation === 'sigmoid' && c.config.use_bias === true &&
      (!c.mask || c.mask.every((r) => r.some(Boolean) && r.every((v, t) => v === (t < r.filter(Boolean).length ? 1 : 0))));
    for (const c of fx.cases.filter(fusedOk)) {
      it(`${c.name} [native-cpu]`, () => {
        if (ok) runCase(c, false, 'float32', true);
      });
    }
  });

  for (const c of fx.cases64) {
    for (const generic of c.name.startsWith('lstm_') ? [false, true] : [false]) {
      it(`float64 ${c.name}${generic ? ' [generic loop]' : ''}`, () => runCase(c, generic, 'float64'));
    }
  }

  function runCase(c: RnnCase, generic: boolean, dtype: 'float32' | 'float64', useNative = false): void {
      const OUT_TOL = dtype === 'float64' ? 1e-12 : OUT_TOL32;
      const GRAD_TOL = dtype === 'float64' ? 1e-11 : GRAD_TOL32;
      const t32 = (v: NestedArray, requiresGrad = false): Tensor => tensor(v, { dtype, requiresGrad });
      const layer = layerFromCase(c, generic, useNative);
      const x = t32(c.x, !c.x2);
      const mask = c.mask ? tensor(c.mask) : undefined;
      const init = c.initial_state ? c.initial_state.map((s) => t32(s, true)) : undefined;
      layer.build([...x.shape]);
      layer.setWeights(c.weights.map((w) => t32(w)));

      if (c.x2) {
        // stateful: two calls continue the state, reset zeroes it.
        const y1 = flatOutputs(layer.apply(x, { training: false }));
        c.outputs.forEach((o, k) => expectClose(`${c.name} call1 output ${k}`, y1[k], o, OUT_TOL));
        const y2 = flatOutputs(layer.apply(t32(c.x2), { training: false }));
        c.outputs2!.forEach((o, k) => expectClose(`${c.name} call2 output ${k}`, y2[k], o, OUT_TOL));
        (layer as InstanceType<typeof RNN>).resetStates();
        const y3 = flatOutputs(layer.apply(t32(c.x2), { training: false }));
        c.outputs_after_reset!.forEach((o, k) => expectClose(`${c.name} after reset output ${k}`, y3[k], o, OUT_TOL));
        return;
      }

      const ys = flatOutputs(layer.apply(x, { training: false, mask, initialState: init }));
      expect(ys.length, 'number of outputs').to.equal(c.outputs.length);
      c.outputs.forEach((o, k) => expectClose(`${c.name} output ${k}`, ys[k], o, OUT_TOL));
      if (generic) expect((layer as InstanceType<typeof RNN>).explain()!.path, 'path').to.equal('generic');
      if (layer instanceof LSTM || layer instanceof GRU) {
        // Which path ran: the fused kernel exactly when Keras's rules hold (§5, §3.6; GRU: also reset_after).
        const cfg = c.config;
        const m = c.mask;
        const rightPadded = !m || m.every((r) => r.every((v, t) => v === (t < r.filter(Boolean).length ? 1 : 0)) && r.some(Boolean));
        const eligible = !generic && cfg.unroll !== true && cfg.activation === 'tanh' && cfg.recurrent_activation === 'sigmoid' && cfg.use_bias === true && rightPadded &&
          (!(layer instanceof GRU) || cfg.reset_after === true) && cfg.recurrent_dropout === 0;
        const path = layer.explain()!.path;
        if (useNative) expect(path, 'path').to.equal('native-cpu');
        else if (eligible) expect(path, 'path').to.not.equal('generic');
        else expect(path, 'path').to.equal('generic');
      }

      // L = Σ_k Σ w_k ⊙ out_k, the same scalar the generator differentiated.
      let loss: Tensor | null = null;
      ys.forEach((y, k) => {
        const term = ops.sum(ops.mul(y, t32(c.loss_weights![k])));
        loss = loss === null ? term : ops.add(loss, term);
      });
      expectClose(`${c.name} loss`, [loss!.item()], [c.loss!], dtype === 'float64' ? 1e-11 : 1e-4);
      loss!.backward();
      expectClose(`${c.name} dL/dx`, x.grad!, c.grad_x!, GRAD_TOL);
      if (c.grad_initial_state && init) {
        c.grad_initial_state.forEach((g, k) => {
          if (g !== null) expectClose(`${c.name} dL/dinitial_state[${k}]`, init[k].grad ?? tensor(new Float32Array(init[k].size), { shape: init[k].shape }), g, GRAD_TOL);
        });
      }
      const ws = layer.trainableWeights;
      expect(ws.length, 'number of trainable weights').to.equal(c.grad_weights!.length);
      c.grad_weights!.forEach((g, k) => expectClose(`${c.name} dL/d${c.weight_names?.[k] ?? k}`, ws[k].grad!, g, GRAD_TOL));
      // Weight names end like Keras's: '<layer>/lstm_cell/kernel' ...
      if (c.weight_names && !c.name.startsWith('rnn_')) {
        c.weight_names.forEach((n, k) => {
          const tail = n.split('/').slice(-2).join('/');
          expect(ws[k].name!.endsWith(tail), `weight ${k} name ${ws[k].name} ends with ${tail}`).to.equal(true);
        });
      }
  }
});
