// lstm-ts TF1 API vs real TensorFlow 2.21 (test/fixtures/tf1.json from generate_tf1.py): outputs, final
// states and the gradients of L = Σ wo·outputs + Σ ws·finalState w.r.t. inputs, every variable and the
// initial state — through TF's own dynamic_rnn / bidirectional_dynamic_rnn loop, sequence_length masking,
// time_major and reverse_sequence.
//
// Tolerances: float64 fixtures 1e-10 absolute (same maths, only summation order may differ); float32
// fixtures 2e-5 (TF CPU uses Eigen's fast tanh, ~2 ulp, keras-tf-semantics.md §5.5e, plus float32 rounding).

import { expect } from 'chai';
import { Tensor, ops } from '../../src/index.js';
import type { DynamicRnnBackend } from '../../src/tf1/rnn.js';
import { loadTf1Fixtures, fromEnc, expectClose, runTf1Case, type Tf1Case, type CellSpec } from './helpers.js';

const fixtures = loadTf1Fixtures();

function tol(c: Tf1Case): number {
  return c.dtype === 'float64' ? 1e-10 : 2e-5;
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
      const { outs, states, x, vars, init, paths } = runTf1Case(c, backend);
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
