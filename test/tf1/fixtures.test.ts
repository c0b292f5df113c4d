// lstm-ts TF1 API vs real TensorFlow 2.21 (test/fixtures/tf1.json from generate_tf1.py): outputs, final
// states and the gradients of L = Σ wo·outputs + Σ ws·finalState w.r.t. inputs, every variable and the
// initial state — through TF's own dynamic_rnn / bidirectional_dynamic_rnn loop, sequence_length masking,
// time_major and reverse_sequence.
//
// Tolerances: float64 fixtures 1e-10 absolute (same maths, only summation order may differ); float32
// fixtures 2e-5 (TF CPU uses Eigen's fast tanh, ~2 ulp, keras-tf-semantics.md §5.5e, plus float32 rounding).

import { expect } from 'chai';
import { Tensor, ops } from '../../src/index.js';
import * as lt from '../../src/index.js';
import { flattenState, type RnnState } from '../../src/tf1/state.js';
import { type RNNCell } from '../../src/tf1/rnn_cell/index.js';
import type { DynamicRnnBackend } from '../../src/tf1/rnn.js';
import { loadTf1Fixtures, fromEnc, makeCell, expectClose, type Tf1Case, type CellSpec } from './helpers.js';

const fixtures = loadTf1Fixtures();

function tol(c: Tf1Case): number {
  return c.dtype === 'float64' ? 1e-10 : 2e-5;
}

function setWeights(c: Tf1Case, cells: RNNCell[]): Tensor[] {
  const vars = cells.flatMap((cell) => cell.variables);
  expect(vars.map((v) => v.name)).to.deep.equal(c.weights.map((w) => w.name));
  vars.forEach((v, i) => v.assign(fromEnc(c.weights[i], c.dtype)));
  return vars;
}

function run(c: Tf1Case, backend: DynamicRnnBackend): { outs: Tensor[]; states: Tensor[]; x: Tensor; vars: Tensor[]; init: Tensor[] | null; paths: string[] } {
  const x = fromEnc(c.x, c.dtype, true);
  const init = c.initialState ? c.initialState.map((e) => fromEnc(e, c.dtype, true)) : null;
  const depth = x.shape[2];
  if (!c.bidirectional) {
    const cell = makeCell(c.cell);
    cell.build(depth, { dtype: c.dtype, scope: 'rnn' });
    const vars = setWeights(c, [cell]);
    const initialState = init ? packLike(cell, init) : undefined;
    const [out, st] = lt.tf1.nn.dynamicRnn(cell, x, {
      sequenceLength: c.sequenceLength, initialState, dtype: init ? undefined : c.dtype, timeMajor: c.timeMajor, backend,
    });
    return { outs: [out], states: flattenState(st), x, vars, init, paths: [cell.lastRnnPath!.kernel] };
  }
  const fw = makeCell(c.cell, 1);
  const bw = makeCell(c.cellBw!, 50);
  fw.build(depth, { dtype: c.dtype, scope: 'bidirectional_rnn/fw' });
  bw.build(depth, { dtype: c.dtype, scope: 'bidirectional_rnn/bw' });
  const vars = setWeights(c, [fw, bw]);
  let initialStateFw: RnnState | undefined;
  let initialStateBw: RnnState | undefined;
  if (init) {
    const nFw = flattenState(fw.zeroState(1, c.dtype)).length;
    initialStateFw = packLike(fw, init.slice(0, nFw));
    initialStateBw = packLike(bw, init.slice(nFw));
  }
  const [[of, ob], [sf, sb]] = lt.tf1.nn.bidirectionalDynamicRnn(fw, bw, x, {
    sequenceLength: c.sequenceLength, initialStateFw, initialStateBw, dtype: init ? undefined : c.dtype, timeMajor: c.timeMajor, backend,
  });
  return { outs: [of, ob], states: [...flattenState(sf), ...flattenState(sb)], x, vars, init, paths: [fw.lastRnnPath!.kernel, bw.lastRnnPath!.kernel] };
}

/** Packs flat tensors into the cell's state structure (LSTMStateTuple c,h / tuples). */
function packLike(cell: RNNCell, flat: Tensor[]): RnnState {
  let k = 0;
  const rebuild = (z: RnnState): RnnState => {
    if (z instanceof Tensor) return flat[k++];
    if (z instanceof lt.tf1.LSTMStateTuple) {
      const cc = flat[k++];
      return new lt.tf1.LSTMStateTuple(cc, flat[k++]);
    }
    return (z as RnnState[]).map(rebuild);
  };
  const s = rebuild(cell.zeroState(1, flat[0].dtype));
  expect(k).to.equal(flat.length);
  return s;
}

/** Whether a spec is an LSTM cell (or a MultiRNNCell of them) the fused kernel can run, with no length-0 row (Keras's rule 6). */
function fusable(spec: CellSpec | null, c: Tf1Case): boolean {
  if (spec === null) return false;
  if (spec.type === 'MultiRNNCell') return (spec.stateIsTuple ?? true) && spec.cells!.every((s) => fusable(s, c));
  const lstm = spec.type === 'BasicLSTMCell' || (spec.type === 'LSTMCell' && !spec.usePeepholes && spec.cellClip === undefined && spec.numProj === undefined);
  return lstm && (spec.activation ?? 'tanh') === 'tanh' && !(c.sequenceLength ?? []).includes(0);
}

describe(`tf1 fixtures from real TensorFlow ${fixtures.tensorflow}`, () => {
  it('has the expected set of cases', () => {
    expect(fixtures.cases.length).to.be.at.least(18);
  });

  // 'generic' runs every cell's own step (the TF1 maths op by op); 'ts' forces the fused TS LSTM kernel
  // on converted weights wherever the cell allows it, so both paths face the same TF numbers.
  for (const backend of ['generic', 'ts'] as const)
  for (const c of fixtures.cases) {
    it(`[${backend}] ${c.name}: outputs, final state and gradients match TF (${c.dtype}${c.note ? `; ${c.note}` : ''})`, () => {
      const { outs, states, x, vars, init, paths } = run(c, backend);
      const expected = (backend === 'ts' ? [c.cell, ...(c.bidirectional ? [c.cellBw] : [])] : [])
        .map((spec) => (fusable(spec, c) ? 'ts' : 'generic'));
      if (backend === 'ts') expect(paths).to.deep.equal(expected);
      else expect(paths.every((p) => p === 'generic')).to.equal(true);
      const t = tol(c);
      expect(outs.length).to.equal(c.outputs.length);
      outs.forEach((o, k) => expectClose(o, c.outputs[k], t, `outputs[${k}]`));
      expect(states.length).to.equal(c.finalState.length);
      states.forEach((s, k) => expectClose(s, c.finalState[k], t, `finalState[${k}]`));

      // L = Σ wo·outputs + Σ ws·finalState, then backward.
      let loss: Tensor | null = null;
      const addTerm = (v: Tensor, w: Tensor): void => {
        const term = ops.sum(ops.mul(v, w));
        loss = loss === null ? term : ops.add(loss, term);
      };
      outs.forEach((o, k) => addTerm(o, fromEnc(c.lossWeights.outputs[k], c.dtype)));
      states.forEach((s, k) => addTerm(s, fromEnc(c.lossWeights.finalState[k], c.dtype)));
      (loss as unknown as Tensor).backward();
      const gt = c.dtype === 'float64' ? 1e-10 : 1e-4;
      expectClose(x.grad!, c.grads.x, gt, 'd/dx');
      vars.forEach((v, k) => {
        expect(v.grad, `grad of ${v.name}`).to.not.equal(null);
        expectClose(v.grad!, c.grads.weights[k], gt, `d/d ${v.name}`);
      });
      if (init) init.forEach((s, k) => expectClose(s.grad!, c.grads.initialState![k], gt, `d/d initialState[${k}]`));
    });
  }
});
