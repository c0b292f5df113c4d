import { expect } from 'chai';
import { checkFixtureCase, fusedFixtureCases } from './lstm-cases.js';

// The fused kernel called directly (no Keras layer in between) on the real TensorFlow 2.21 / Keras 3.15
// fixtures of test/fixtures/generate_keras_rnn.py: every LSTM case the kernel's semantics cover (tanh/sigmoid,
// a bias, no dropout, no mask or a right-padded one — including fully masked rows, which Keras sends to its
// generic loop and the TS kernel computes exactly). Outputs and the gradients of TF's loss
// L = Σ_k Σ w_k ⊙ out_k w.r.t. x, the initial state and the three weights.
// Tolerances (float32; TF's CPU tanh is a ~2-ulp approximation, §5.5e): outputs 1e-5 abs; gradients
// 1e-5 abs + 1e-4 rel.

describe('kernels/lstmSequence vs real TF 2.21 fixtures (kernel called directly)', () => {
  const cases = fusedFixtureCases();
  it('covers the fused-eligible LSTM fixtures', () => {
    expect(cases.length).to.be.greaterThan(15);
  });
  for (const c of cases) it(c.name, () => checkFixtureCase(c));
});
