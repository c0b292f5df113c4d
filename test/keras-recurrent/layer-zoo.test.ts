// A randomized differential test of recurrent layer CALLS against real TF 2.21 / Keras 3.15
// (test/fixtures/generate_keras_layer_zoo.py → keras_layer_zoo.json). The model zoo (test/train/keras-zoo.test.ts)
// loads whole Sequential models; this one reaches what Sequential cannot: call arguments (an explicit bool mask,
// initial_state — flat, per-cell nested for stacked cells, forward-then-backward for Bidirectional) and multiple
// outputs (return_state, merge_mode=None).
//
// Each case builds ONE layer with the public constructors (LSTM, SimpleRNN, RNN(cell | [cells]),
// Bidirectional(LSTM | SimpleRNN)) from the case's random options, sets TF's weights (Keras order), calls it with
// TF's x / mask / initial state and training=false, and compares every output, then the gradients of
// L = Σ_k Σ w_k ⊙ out_k w.r.t. x, every initial state and every trainable weight (same order as Keras's
// layer.trainable_weights) with TF's GradientTape gradients.
//
// Tolerance: |ours − TF| ≤ 1e-5 + 1e-5·|TF| per element, outputs and gradients alike. Not zero because TF's CPU
// float32 tanh/sigmoid/exp are Eigen approximations a few ulps off the correctly rounded values (docs/parity.md,
// "float32 tanh on TF CPU") and TF's GEMMs sum in another order; ≤ 6 steps of ≤ 3 stacked cells keep the
// difference around 1e-7–1e-6. The relative part covers relu/linear cells whose values grow over the steps.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import * as lt from '../../src/index.js';

const { LSTM, SimpleRNN, RNN, Bidirectional, LSTMCell, SimpleRNNCell } = lt.keras.layers;
type Nested = number | Nested[];
type RnnLayer = InstanceType<typeof RNN>;
type AnyLayer = RnnLayer | InstanceType<typeof Bidirectional>;

interface CellSpec {
  class: 'LSTMCell' | 'SimpleRNNCell';
  units: number;
  activation: 'tanh' | 'relu' | 'sigmoid' | 'linear';
  use_bias: boolean;
  recurrent_activation?: 'sigmoid' | 'hard_sigmoid' | 'tanh';
  unit_forget_bias?: boolean;
  implementation?: 1 | 2;
  // Only in --wide draws (LAYER_ZOO_JSON): inert at training=false; recurrent_dropout forces implementation 1.
  dropout?: number;
  recurrent_dropout?: number;
}
interface RnnFlags { return_sequences: boolean; return_state: boolean; go_backwards: boolean; zero_output_for_mask: boolean; unroll?: boolean }
interface LayerSpec {
  class: 'LSTM' | 'SimpleRNN' | 'RNN' | 'Bidirectional';
  cell?: CellSpec;
  cells?: CellSpec[];
  rnn?: RnnFlags;
  merge_mode?: 'concat' | 'sum' | 'mul' | 'ave' | null;
  layer?: LayerSpec;
}
interface ZooCase {
  name: string;
  description: string;
  spec: LayerSpec;
  x: Nested;
  mask_kind: 'none' | 'right' | 'holes' | 'leading' | 'fully_masked_row';
  mask: number[][] | null;
  initial_state: Nested[] | null;
  initial_state_sizes: number[][];
  weights: Nested[];
  outputs: Nested[];
  loss_weights: Nested[];
  loss: number;
  grad_x: Nested;
  grad_initial_state?: (Nested | null)[];
  grad_weights: Nested[];
  weight_paths: string[];
}

// LAYER_ZOO_JSON=<file> runs a bigger draw of the same generator (--n N --seed S --out <file>) through this test.
const fixtureFile = process.env.LAYER_ZOO_JSON ?? fileURLToPath(new URL('../fixtures/keras_layer_zoo.json', import.meta.url));
const fx = JSON.parse(readFileSync(fixtureFile, 'utf8')) as {
  tensorflow: string; keras: string; cases: ZooCase[]; regression_cases?: ZooCase[];
};

const ATOL = 1e-5;
const RTOL = 1e-5;
/** Worst |ours − TF| / (ATOL + RTOL·|TF|) seen over the whole zoo, and where (printed after the suite). */
const worst = { ratio: 0, absDiff: 0, where: '' };

const flat = (v: Nested | null | undefined): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function shapeOf(v: Nested): number[] {
  const s: number[] = [];
  for (let c: Nested = v; Array.isArray(c); c = c[0]) s.push(c.length);
  return s;
}

/** |ours − TF| ≤ ATOL + RTOL·|TF| element-wise, shapes equal; names the worst element on failure. */
function expectClose(what: string, actual: lt.Tensor, expected: Nested): void {
  expect(actual.shape, `${what}: shape`).to.deep.equal(shapeOf(expected));
  const a = actual.data;
  const e = flat(expected);
  let bad = -1;
  let badExcess = 0;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    const allowed = ATOL + RTOL * Math.abs(e[i]);
    const ratio = Number.isNaN(d) ? Infinity : d / allowed;
    if (ratio > worst.ratio) Object.assign(worst, { ratio, absDiff: d, where: what });
    if (!(d <= allowed) && (bad < 0 || d - allowed > badExcess)) [bad, badExcess] = [i, d - allowed];
  }
  if (bad >= 0) expect.fail(`${what}[${bad}]: got ${a[bad]}, TF ${e[bad]} (|diff| ${Math.abs(a[bad] - e[bad]).toExponential(3)} > ${ATOL} + ${RTOL}·|TF|)`);
}

function makeCell(s: CellSpec): InstanceType<typeof LSTMCell> | InstanceType<typeof SimpleRNNCell> {
  if (s.class === 'LSTMCell') {
    return new LSTMCell({
      units: s.units, activation: s.activation, recurrentActivation: s.recurrent_activation, useBias: s.use_bias,
      unitForgetBias: s.unit_forget_bias, implementation: s.implementation, dropout: s.dropout, recurrentDropout: s.recurrent_dropout,
    });
  }
  return new SimpleRNNCell({ units: s.units, activation: s.activation, useBias: s.use_bias, dropout: s.dropout, recurrentDropout: s.recurrent_dropout });
}

function rnnOptions(r: RnnFlags) {
  return {
    returnSequences: r.return_sequences, returnState: r.return_state, goBackwards: r.go_backwards, zeroOutputForMask: r.zero_output_for_mask,
    unroll: r.unroll,
  };
}

/**
 * The same layer as the generator's make_layer, through the public constructors and camelCase options.
 * `backend` is the LSTM layer's kernel choice ('auto' by default; 'native-cpu' forces the native CPU kernel).
 */
function makeLayer(spec: LayerSpec, backend: 'auto' | 'native-cpu' = 'auto'): AnyLayer {
  if (spec.class === 'Bidirectional') {
    return new Bidirectional({ layer: makeLayer(spec.layer!, backend) as RnnLayer, mergeMode: spec.merge_mode });
  }
  const r = rnnOptions(spec.rnn!);
  if (spec.class === 'LSTM') {
    const c = spec.cell!;
    return new LSTM({
      units: c.units, activation: c.activation, recurrentActivation: c.recurrent_activation, useBias: c.use_bias,
      unitForgetBias: c.unit_forget_bias, implementation: c.implementation, dropout: c.dropout, recurrentDropout: c.recurrent_dropout,
      ...r, backend,
    });
  }
  if (spec.class === 'SimpleRNN') {
    const c = spec.cell!;
    return new SimpleRNN({ units: c.units, activation: c.activation, useBias: c.use_bias, dropout: c.dropout, recurrentDropout: c.recurrent_dropout, ...r });
  }
  return new RNN({ cell: spec.cells ? spec.cells.map(makeCell) : makeCell(spec.cell!), ...r });
}

/**
 * Keras's fused-kernel rules (docs/selection.md): tanh, sigmoid, a bias, no recurrent dropout, no unroll, and no
 * mask or a strictly right-padded one without a fully masked row.
 */
function fusedEligible(spec: LayerSpec, mask: number[][] | null): boolean {
  const cell = spec.cell!;
  const rightPadded = !mask || mask.every((row) => {
    const n = row.filter(Boolean).length;
    return n > 0 && row.every((v, t) => Boolean(v) === t < n);
  });
  return cell.activation === 'tanh' && cell.recurrent_activation === 'sigmoid' && cell.use_bias && rightPadded &&
    !cell.recurrent_dropout && !spec.rnn!.unroll;
}

/** The fused SimpleRNN kernel's rules (selectSimpleRnnBackend): tanh or relu, a bias, no recurrent dropout or unroll, the mask rule. */
function simpleRnnFusedEligible(spec: LayerSpec, mask: number[][] | null): boolean {
  const cell = spec.cell!;
  const rightPadded = !mask || mask.every((row) => {
    const n = row.filter(Boolean).length;
    return n > 0 && row.every((v, t) => Boolean(v) === t < n);
  });
  return (cell.activation === 'tanh' || cell.activation === 'relu') && cell.use_bias && rightPadded && !cell.recurrent_dropout && !spec.rnn!.unroll;
}

function expectPlausiblePath(c: ZooCase, layer: AnyLayer, backend: 'auto' | 'native-cpu'): void {
  const spec = c.spec.class === 'Bidirectional' ? c.spec.layer! : c.spec;
  const paths = layer instanceof Bidirectional
    ? [layer.explain().forward!.path, layer.explain().backward!.path]
    : [layer.explain()!.path];
  // The LSTM and SimpleRNN layer classes have fused kernels; RNN(LSTMCell) and stacked cells run the generic loop.
  const fused = (spec.class === 'LSTM' && fusedEligible(spec, c.mask)) || (spec.class === 'SimpleRNN' && simpleRnnFusedEligible(spec, c.mask));
  for (const p of paths) {
    if (backend === 'native-cpu') expect(p, 'explain().path').to.equal('native-cpu');
    else if (fused) expect(p, 'explain().path').to.not.equal('generic');
    else expect(p, 'explain().path').to.equal('generic');
  }
}

function runCase(c: ZooCase, backend: 'auto' | 'native-cpu' = 'auto'): void {
  const layer = makeLayer(c.spec, backend);
  const x = lt.tensor(c.x as number[][][], { dtype: 'float32', requiresGrad: true });
  const mask = c.mask ? lt.tensor(c.mask, { dtype: 'float32' }) : undefined;
  const init = c.initial_state ? c.initial_state.map((s) => lt.tensor(s as number[][], { dtype: 'float32', requiresGrad: true })) : undefined;
  // The form Keras was called with: per-cell nested for RNN([cells]) ([[h1, c1], [h2], ...]; inside Bidirectional
  // the forward cells' entries then the backward cells'), else flat ([h, c] / [h]; Bidirectional: forward states
  // then backward states).
  let initialState: (lt.Tensor | lt.Tensor[])[] | undefined = init;
  if (init && (c.spec.cells || c.spec.layer?.cells)) {
    let k = 0;
    const nested = c.initial_state_sizes.map((sizes) => sizes.map(() => init[k++]));
    initialState = nested; // nested per cell (CallArgs.initialState takes both forms)
  }
  layer.build([...x.shape]);
  layer.setWeights(c.weights.map((w) => lt.tensor(w as number[], { dtype: 'float32' })));

  const y = layer.apply(x, { mask, initialState, training: false });
  const ys = Array.isArray(y) ? y : [y];
  expect(ys.length, 'number of outputs').to.equal(c.outputs.length);
  c.outputs.forEach((o, k) => expectClose(`${c.name} output ${k}`, ys[k], o));
  expectPlausiblePath(c, layer, backend);

  let loss: lt.Tensor | null = null;
  ys.forEach((o, k) => {
    const term = lt.ops.sum(lt.ops.mul(o, lt.tensor(c.loss_weights[k] as number[], { dtype: 'float32' })));
    loss = loss === null ? term : lt.ops.add(loss, term);
  });
  expectClose(`${c.name} loss`, lt.tensor([loss!.item()]), [c.loss]);
  loss!.backward();
  expectClose(`${c.name} dL/dx`, x.grad!, c.grad_x);
  if (init) {
    c.grad_initial_state!.forEach((g, k) => {
      const got = init[k].grad ?? lt.zeros(init[k].shape);
      // TF gives None for a state the loss does not reach; that is a zero gradient.
      expectClose(`${c.name} dL/dinitial_state[${k}]`, got, g ?? (c.initial_state![k] as Nested[]).map((row) => (row as number[]).map(() => 0)));
    });
  }
  const ws = layer.trainableWeights;
  expect(ws.length, 'number of trainable weights').to.equal(c.grad_weights.length);
  c.grad_weights.forEach((g, k) => {
    // Same order as Keras's trainable_weights: the last path component (kernel / recurrent_kernel / bias) agrees.
    const leaf = c.weight_paths[k].split('/').pop()!;
    expect(ws[k].name!.split('/').pop(), `weight ${k} (${ws[k].name}) vs Keras ${c.weight_paths[k]}`).to.equal(leaf);
    expectClose(`${c.name} dL/d${c.weight_paths[k]}`, ws[k].grad ?? lt.zeros(ws[k].shape), g);
  });
}

describe('keras-recurrent: a randomized zoo of layer calls (mask, initial_state, return_state) vs TF 2.21', () => {
  it('fixtures come from TF 2.21 / Keras 3.15 and cover every layer kind, merge mode and mask kind', () => {
    expect(fx.tensorflow).to.match(/^2\.21/);
    expect(fx.keras).to.match(/^3\.15/);
    if (!process.env.LAYER_ZOO_JSON) expect(fx.cases.length).to.equal(40);
    const all = fx.cases.map((c) => c.description).join(' ');
    for (const k of ['LSTM(', 'SimpleRNN(', 'RNN(LSTMCell', 'RNN(SimpleRNNCell', 'RNN([', 'Bidirectional(LSTM', 'Bidirectional(SimpleRNN']) {
      expect(all, k).to.include(k);
    }
    for (const m of ['concat', 'sum', 'mul', 'ave', 'None']) expect(all, m).to.include(`merge_mode=${m}`);
    expect(new Set(fx.cases.map((c) => c.mask_kind)).size).to.equal(5);
  });

  for (const c of fx.cases) {
    const call = `mask=${c.mask_kind}${c.initial_state ? ', initial_state' : ''}, x[${shapeOf(c.x)}]`;
    it(`${c.name}: ${c.description}; ${call}`, () => runCase(c));
  }

  // Fixed cases for Keras's unrolled masking (generator's REGRESSIONS; rnn-loop.ts): with unroll=True,
  // zero_output_for_mask and go_backwards (every Bidirectional backward layer with return_sequences), Keras zeroes
  // the returned sequence with the mask in input order although it is in processing order. Two controls where
  // the unrolled and symbolic loops agree.
  for (const c of fx.regression_cases ?? []) {
    it(`${c.name}: ${c.description}; mask=${c.mask_kind}${c.initial_state ? ', initial_state' : ''}, x[${shapeOf(c.x)}]`, () => runCase(c));
  }

  it('unroll + go_backwards + zero_output_for_mask, by hand: TF zeroes the processing-order outputs with the input-order mask', () => {
    // SimpleRNN(1, linear, no bias), kernel 1, recurrent 0: each step outputs its own input x_t.
    // x = [1, 2, 3, 4]; go_backwards processes t = 3, 2, 1, 0.
    const run = (unroll: boolean, mask: number[]): number[] => {
      const l = new SimpleRNN({ units: 1, activation: 'linear', useBias: false, returnSequences: true, goBackwards: true, zeroOutputForMask: true, unroll });
      l.build([1, 4, 1]);
      l.setWeights([lt.tensor([[1]]), lt.tensor([[0]])]);
      return Array.from((l.apply(lt.tensor([[[1], [2], [3], [4]]]), { mask: lt.tensor([mask]) }) as lt.Tensor).data);
    };
    // mask [1, 1, 0, 0]: the symbolic loop gives [0, 0, 2, 1] (t = 3, 2 masked → 0; then x_1, x_0). Unrolled,
    // Keras keeps [0, 0, 2, 1] during the loop, then zeroes positions 2, 3 (mask false at t = 2, 3): all zeros.
    expect(run(false, [1, 1, 0, 0])).to.deep.equal([0, 0, 2, 1]);
    expect(run(true, [1, 1, 0, 0])).to.deep.equal([0, 0, 0, 0]);
    // mask [0, 0, 1, 1]: the loop gives [4, 3, 0, 0]. Unrolled, masked steps repeat the previous output
    // ([4, 3, 3, 3]) and positions 0, 1 are zeroed afterwards: [0, 0, 3, 3] (TF 2.21 prints the same).
    expect(run(false, [0, 0, 1, 1])).to.deep.equal([4, 3, 0, 0]);
    expect(run(true, [0, 0, 1, 1])).to.deep.equal([0, 0, 3, 3]);
  });

  // The cases whose LSTM may take a fused kernel, once more forced onto the native CPU kernel (OpenBLAS) when
  // the addon is built here (same tolerance; the native kernel matches the TS one to ~1e-7 on these sizes).
  describe('fused-eligible LSTM cases through the native CPU kernel (when built)', () => {
    let ok = false;
    before(function () {
      ok = lt.native.enable().loaded;
      if (!ok) {
        lt.native.disable();
        this.skip();
      }
    });
    after(() => lt.native.disable());
    for (const c of fx.cases) {
      const spec = c.spec.class === 'Bidirectional' ? c.spec.layer! : c.spec;
      if (spec.class !== 'LSTM' || !fusedEligible(spec, c.mask)) continue;
      it(`${c.name} [native-cpu]: ${c.description}`, () => {
        if (ok) runCase(c, 'native-cpu');
      });
    }
  });

  after(() => {
    if (process.env.LAYER_ZOO_REPORT) {
      console.log(`layer zoo: worst |diff| / (atol + rtol·|TF|) = ${worst.ratio.toFixed(3)} (|diff| ${worst.absDiff.toExponential(2)}) at ${worst.where}`);
    }
  });
});
