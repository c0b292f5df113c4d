// Learning-rate schedules: hand-derived values from the Keras 3 formulas (keras/src/optimizers/schedules/
// learning_rate_schedule.py), config round trips through an optimizer's Keras config, and errors. The values
// against real TF 2.21, step by step, are checked in training-zoo.test.ts.

import { expect } from 'chai';
import * as lt from '../../src/index.js';

const S = lt.keras.optimizers.schedules;
const f = Math.fround;

describe('train: learning-rate schedules (Keras 3)', () => {
  it('hand-derived values at chosen steps', () => {
    // 0.1 · 0.5^(s/2): s = 2 → 0.05; staircase floors s/2, so s = 3 → 0.05 too
    expect(new S.ExponentialDecay(0.1, 2, 0.5).at(2)).to.equal(f(0.05));
    expect(new S.ExponentialDecay(0.1, 2, 0.5, true).at(3)).to.equal(f(0.05));
    expect(new S.ExponentialDecay(0.1, 2, 0.5, false).at(3)).to.not.equal(f(0.05));
    // 0.1 / (1 + 1 · s/1): s = 3 → 0.025
    expect(new S.InverseTimeDecay(0.1, 1, 1).at(3)).to.equal(f(0.025));
    // values[0] for s ≤ 1, values[1] for 1 < s ≤ 2, values[2] after; boundaries cast to int (2.7 → 2)
    const pw = new S.PiecewiseConstantDecay([1, 2.7], [0.3, 0.2, 0.1]);
    expect([0, 1, 2, 3].map((s) => pw.at(s))).to.deep.equal([f(0.3), f(0.3), f(0.2), f(0.1)]);
    // (1 − 0) · (1 − s/4) + 0 with power 1: linear; past decay_steps it stays at the end rate
    const poly = new S.PolynomialDecay(1, 4, 0, 1);
    expect([0, 1, 2, 4, 9].map((s) => poly.at(s))).to.deep.equal([1, 0.75, 0.5, 0, 0]);
    // cycle: step 6 with decay_steps 4 decays over 8 steps (ceil(6/4) = 2), step 0 uses a multiplier of 1
    const cyc = new S.PolynomialDecay(1, 4, 0, 1, true);
    expect(cyc.at(6)).to.equal(0.25);
    expect(cyc.at(0)).to.equal(1);
    // cosine: ½(1 + cos(π·s/4)) → 1, ½, 0 at s = 0, 2, 4; α = 0.5 lifts the floor to 0.5
    const cos = new S.CosineDecay(1, 4);
    expect(cos.at(0)).to.equal(1);
    expect(cos.at(2)).to.be.closeTo(0.5, 1e-7);
    expect(cos.at(4)).to.be.closeTo(0, 1e-7);
    expect(new S.CosineDecay(1, 4, 0.5).at(4)).to.be.closeTo(0.5, 1e-7);
    // warmup: linear from 1 to 3 over 2 steps, then cosine from 3
    const warm = new S.CosineDecay(1, 4, 0, 'CosineDecay', 3, 2);
    expect([0, 1, 2].map((s) => warm.at(s))).to.deep.equal([1, 2, 3]);
  });

  it('an optimizer serializes its schedule in Keras form and fromConfig rebuilds it', () => {
    const sched = new S.ExponentialDecay(0.05, 3, 0.9, true);
    const adam = new lt.keras.optimizers.Adam({ learningRate: sched });
    const cfg = adam.serialize();
    const lr = (cfg.config as Record<string, unknown>).learning_rate;
    expect(lr).to.deep.equal({ module: 'keras.optimizers.schedules', class_name: 'ExponentialDecay',
      config: { initial_learning_rate: 0.05, decay_steps: 3, decay_rate: 0.9, staircase: true, name: 'ExponentialDecay' }, registered_name: null });
    const back = lt.keras.optimizers.get(cfg);
    expect(back.learningRate).to.be.instanceOf(S.ExponentialDecay);
    expect([0, 1, 2, 3, 4].map((s) => (back.learningRate as InstanceType<typeof S.ExponentialDecay>).at(s))).to.deep.equal([0, 1, 2, 3, 4].map((s) => sched.at(s)));
    // the optimizer's current rate follows its iteration count
    back.iterations = 3;
    expect(back.currentLearningRate()).to.equal(sched.at(3));
  });

  it('errors name the schedule and the argument; an unknown schedule or a malformed learning_rate is not silently replaced', () => {
    expect(() => new S.ExponentialDecay(0.1, 0, 0.5)).to.throw(/ExponentialDecay: Argument `decay_steps` must be > 0. Received: decay_steps=0/);
    expect(() => new S.PiecewiseConstantDecay([1, 2], [0.1, 0.2])).to.throw(/length of boundaries should be 1 less than the length of values/);
    expect(() => lt.keras.optimizers.get({ class_name: 'SGD', config: { learning_rate: { class_name: 'LinearDecay', config: {} } } }))
      .to.throw(/unknown learning-rate schedule class 'LinearDecay'; supported: /);
    expect(() => lt.keras.optimizers.get({ class_name: 'SGD', config: { learning_rate: '0.1' } }))
      .to.throw(/learning_rate must be a number or a serialized schedule, got "0.1"/);
  });
});
