// A random zoo of TF1 `tf.nn` models vs real TensorFlow 2.21 (test/fixtures/tf1_zoo.json, written by
// test/fixtures/generate_tf1_zoo.py): 40 models drawn with a fixed seed — BasicRNNCell, BasicLSTMCell,
// LSTMCell with random peepholes / cell_clip / num_proj / proj_clip, MultiRNNCell of 2–3 mixed cells (tuple
// or concatenated states, sometimes nested) — under random batch, time, depth, sequence_length (rows of 0
// and T, every row 0), time_major, initial state and dtype, a third of them through
// bidirectional_dynamic_rnn. Each case is
// rebuilt with the public lt.tf1 API, given TF's weights, and compared on outputs, flattened final states
// and the gradients of L = Σ wo·outputs + Σ ws·finalState w.r.t. inputs, every variable and the initial state.
//
// Every case runs three ways: 'generic' (each cell's own step, TF1 maths op by op), 'auto' (the default:
// the fused LSTM kernel, native where built, for float32 LSTM cells the Keras rules allow) and 'ts' (the
// fused TS kernel forced wherever the cell allows it, also in float64).
//
// Tolerances are those of the enumerated TF1 fixture test (fixtures.test.ts): float64 1e-10 absolute for
// values and gradients (same maths, only summation order may differ); float32 2e-5 for values (TF CPU uses
// Eigen's fast tanh, ~2 ulp, plus float32 rounding) and 1e-4 for gradients.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Tensor, ops } from '../../src/index.js';
import * as lt from '../../src/index.js';
import type { DynamicRnnBackend } from '../../src/tf1/rnn.js';
import { fromEnc, maxAbsDiff, runTf1Case, type Tf1Case, type CellSpec } from './helpers.js';

interface ZooFile { tensorflow: string; generator: string; cases: Tf1Case[] }

// LSTM_TS_TF1_ZOO=<file> replays another zoo instead (a wider local search written with the generator's
// TF1_ZOO_SEED / TF1_ZOO_N / TF1_ZOO_OUT); the committed fixture is the default.
const ZOO_PATH = process.env.LSTM_TS_TF1_ZOO || fileURLToPath(new URL('../fixtures/tf1_zoo.json', import.meta.url));
const zoo: ZooFile = JSON.parse(readFileSync(ZOO_PATH, 'utf8'));

const VALUE_TOL = { float64: 1e-10, float32: 2e-5 } as const;
const GRAD_TOL = { float64: 1e-10, float32: 1e-4 } as const;

/** Worst |diff| / tolerance seen over the suite, per dtype and kind (printed at the end). */
const worst: Record<string, { ratio: number; diff: number; where: string }> = {};

function check(a: Tensor, b: Tf1Case['x'], atol: number, what: string, key: string): void {
  const d = maxAbsDiff(a, b);
  const w = worst[key];
  if (!w || d / atol > w.ratio) worst[key] = { ratio: d / atol, diff: d, where: what };
  expect(d, `${what}: max |diff| ${d.toExponential(3)} > ${atol}`).to.be.at.most(atol);
}

/**
 * Whether dynamicRnn can run this cell on the fused kernel: a tanh BasicLSTMCell / plain LSTMCell, or a
 * tuple-state MultiRNNCell whose children all are (a nested MultiRNNCell is not), and no length-0 row.
 */
function fusable(spec: CellSpec, c: Tf1Case): boolean {
  const lstm = (s: CellSpec): boolean =>
    (s.type === 'BasicLSTMCell' || (s.type === 'LSTMCell' && !s.usePeepholes && s.cellClip === undefined && s.numProj === undefined)) &&
    (s.activation ?? 'tanh') === 'tanh';
  const ok = spec.type === 'MultiRNNCell' ? (spec.stateIsTuple ?? true) && spec.cells!.every(lstm) : lstm(spec);
  return ok && !(c.sequenceLength ?? []).includes(0);
}

describe(`tf1 random zoo vs real TensorFlow ${zoo.tensorflow} (${zoo.generator})`, () => {
  after(() => {
    if (process.env.LSTM_TS_ZOO_REPORT) console.log('tf1 zoo worst |diff| / tolerance:', JSON.stringify(worst, null, 1));
  });

  if (!process.env.LSTM_TS_TF1_ZOO) {
    it('has 40 cases covering every option and edge case it claims to', () => {
      const cs = zoo.cases;
      expect(cs.length).to.equal(40);
      expect(cs.filter((c) => c.bidirectional).length).to.be.at.least(10);
      const specs = (c: Tf1Case): CellSpec[] => {
        const walk = (s: CellSpec): CellSpec[] => [s, ...(s.cells ?? []).flatMap(walk)];
        return [c.cell, ...(c.cellBw ? [c.cellBw] : [])].flatMap(walk);
      };
      const all = cs.flatMap(specs);
      const has = (pred: (s: CellSpec) => boolean): boolean => all.some(pred);
      for (const t of ['BasicRNNCell', 'BasicLSTMCell', 'LSTMCell', 'MultiRNNCell']) expect(has((s) => s.type === t), t).to.equal(true);
      for (const a of ['tanh', 'relu', 'sigmoid', 'linear']) expect(has((s) => (s.activation ?? 'tanh') === a), a).to.equal(true);
      expect(has((s) => s.usePeepholes === true)).to.equal(true);
      expect(has((s) => s.cellClip !== undefined)).to.equal(true);
      expect(has((s) => s.numProj !== undefined)).to.equal(true);
      expect(has((s) => s.projClip !== undefined)).to.equal(true);
      expect(has((s) => s.type !== 'MultiRNNCell' && s.type !== 'BasicRNNCell' && s.stateIsTuple === false), 'LSTM concat state').to.equal(true);
      expect(has((s) => s.type === 'MultiRNNCell' && s.stateIsTuple === false), 'MultiRNNCell concat state').to.equal(true);
      expect(has((s) => s.type === 'MultiRNNCell' && s.cells!.some((k) => k.type === 'MultiRNNCell')), 'nested MultiRNNCell').to.equal(true);
      const T = (c: Tf1Case): number => c.x.shape[c.timeMajor ? 0 : 1];
      const lens = cs.filter((c) => c.sequenceLength !== null);
      expect(cs.some((c) => c.sequenceLength === null)).to.equal(true);
      expect(lens.some((c) => c.sequenceLength!.every((l) => l === 0)), 'every row length 0').to.equal(true);
      expect(lens.some((c) => c.sequenceLength!.includes(0) && c.sequenceLength!.some((l) => l > 0)), 'a length-0 row among others').to.equal(true);
      expect(lens.some((c) => c.sequenceLength!.includes(T(c))), 'a full-length row').to.equal(true);
      expect(lens.some((c) => Math.max(...c.sequenceLength!) < T(c) && Math.max(...c.sequenceLength!) > 0), 'max(len) < T').to.equal(true);
      for (const d of ['float32', 'float64']) expect(cs.some((c) => c.dtype === d), d).to.equal(true);
      for (const tm of [true, false]) expect(cs.some((c) => c.timeMajor === tm)).to.equal(true);
      for (const init of [true, false]) expect(cs.some((c) => (c.initialState !== null) === init)).to.equal(true);
      // The default backend meets the fused kernel somewhere (float32 tanh LSTM, no length-0 row).
      expect(cs.some((c) => c.dtype === 'float32' && [c.cell, ...(c.cellBw ? [c.cellBw] : [])].some((s) => fusable(s, c)))).to.equal(true);
    });
  }

  for (const backend of ['generic', 'auto', 'ts'] as const)
  for (const c of zoo.cases) {
    it(`[${backend}] ${c.name}: ${c.note}`, () => {
      const { outs, states, x, vars, init, paths } = runTf1Case(c, backend);
      const specs = [c.cell, ...(c.bidirectional ? [c.cellBw!] : [])];
      if (backend === 'generic') expect(paths.every((p) => p === 'generic')).to.equal(true);
      if (backend === 'ts') expect(paths).to.deep.equal(specs.map((s) => (fusable(s, c) ? 'ts' : 'generic')));
      if (backend === 'auto') {
        // float64 always steps through the cell; float32 takes a fused kernel exactly where 'ts' does.
        paths.forEach((p, k) => expect(p === 'generic', `path ${p}`).to.equal(c.dtype === 'float64' || !fusable(specs[k], c)));
      }
      const vt = VALUE_TOL[c.dtype as 'float32' | 'float64'];
      const gt = GRAD_TOL[c.dtype as 'float32' | 'float64'];
      const vk = `${c.dtype} values`;
      const gk = `${c.dtype} grads`;
      expect(outs.length).to.equal(c.outputs.length);
      outs.forEach((o, k) => check(o, c.outputs[k], vt, `${c.name} [${backend}] outputs[${k}]`, vk));
      expect(states.length).to.equal(c.finalState.length);
      states.forEach((s, k) => check(s, c.finalState[k], vt, `${c.name} [${backend}] finalState[${k}]`, vk));

      // L = Σ wo·outputs + Σ ws·finalState, then backward.
      const terms = [
        ...outs.map((o, k) => ops.sum(ops.mul(o, fromEnc(c.lossWeights.outputs[k], c.dtype)))),
        ...states.map((s, k) => ops.sum(ops.mul(s, fromEnc(c.lossWeights.finalState[k], c.dtype)))),
      ];
      terms.reduce((a, b) => ops.add(a, b)).backward();
      // TF's tf.gradients gives zeros where nothing flows; lstm-ts must give zeros too, not null.
      expect(x.grad, 'd/dx').to.not.equal(null);
      check(x.grad!, c.grads.x, gt, `${c.name} [${backend}] d/dx`, gk);
      vars.forEach((v, k) => {
        expect(v.grad, `grad of ${v.name}`).to.not.equal(null);
        check(v.grad!, c.grads.weights[k], gt, `${c.name} [${backend}] d/d ${v.name}`, gk);
      });
      expect(init === null).to.equal(c.grads.initialState === null);
      if (init) init.forEach((s, k) => expect(s.grad, `d/d initialState[${k}]`).to.not.equal(null));
      if (init) init.forEach((s, k) => check(s.grad!, c.grads.initialState![k], gt, `${c.name} [${backend}] d/d initialState[${k}]`, gk));
    });
  }
});
