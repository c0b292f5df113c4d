// Adagrad, Adadelta, Adamax, Nadam, Ftrl, Lion, Adam(amsgrad) and the base options weight_decay, clipnorm and
// use_ema (with ema_overwrite_frequency) vs REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_optimizers_more.py):
//   1. each optimizer is rebuilt from Keras's get_config() (fromConfig) and gives that config back (the name
//      aside: Keras numbers its instances, adam_2, ...);
//   2. six steps of given gradients (exact zeros, a whole zero gradient, a None gradient for one variable at
//      step 4, magnitudes from 0.05 to 4) on a [3, 4] and a [5] variable: after every step the variables, every
//      slot (in Keras's order for each optimizer), the EMA averages and Nadam's u_product match TF, in float32
//      (1e-6 relative + 1e-7 absolute: an ulp or two) and float64 (1e-13);
//   3. finalizeVariableValues (what fit does at its end) gives the variables TF's finalize_variable_values gives;
//   4. model.fit with each of them (LSTM → Dense, mse, 2 epochs of 2 steps, TF's compiled train function): the
//      loss history and the final weights, which with use_ema are the moving averages (fit's finalize);
//   5. the names keras.optimizers.get accepts resolve, and unknown names fail with a suggestion;
//   6. CosineDecayRestarts (t_mul 2, 1 and 1.5; m_mul; alpha) gives TF's float32 learning rate at steps 0..80
//      (within 2 ulp: TF's float32 log/cos/pow may differ from the correctly rounded value by an ulp) and its
//      config back.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';
import { tensor, LstmTsError } from '../../src/index.js';
import { Sequential } from '../../src/train/sequential.js';
import * as optimizers from '../../src/train/optimizers/index.js';

interface Step { vars: unknown[]; slots: unknown[][]; iterations: number; ema?: unknown[]; u_product?: number }
interface Case {
  name: string; class_name: string; dtype: 'float32' | 'float64'; config: Record<string, unknown>; steps: Step[]; finalized: unknown[];
}
interface FitRun { name: string; class_name: string; config: Record<string, unknown>; loss: number[]; final_weights: unknown[] }
const fx = JSON.parse(readFileSync(new URL('../fixtures/optimizers_more.json', import.meta.url), 'utf8')) as {
  w1: unknown; w2: unknown; grads: [unknown, unknown | null][]; cases: Case[];
  fits: { x: number[][][]; y: number[][]; initial_weights: unknown[]; runs: FitRun[] };
  schedules: { config: Record<string, unknown>; values: number[] }[];
};
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

// Ftrl in float32: TF's vectorised float32 pow (Eigen's generic_pow, used on whole packets of a tensor) is within
// 1 ulp but not correctly rounded (it differs from the correctly rounded power in ~26 % of random inputs; its
// scalar tail, std::pow, agrees), while ours is Math.pow rounded once. Ftrl's z update subtracts two such powers,
// (n')^(−p) − n^(−p), which cancel: a 1-ulp difference there becomes up to ~1e-5 relative in z and w.
const FTRL32: [number, number] = [5e-5, 1e-6];

function close(got: ArrayLike<number>, want: number[], dtype: string, what: string, tol?: [number, number]): void {
  const [rt, at] = tol ?? (dtype === 'float64' ? [1e-13, 1e-15] : [1e-6, 1e-7]);
  expect(got.length, `${what}: length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= at + rt * Math.abs(want[i]))) expect.fail(`${what}[${i}]: ${got[i]} vs TF ${want[i]}`);
  }
}

describe('train/optimizers: Adagrad … Lion, amsgrad, EMA vs TF 2.21', () => {
  for (const c of fx.cases) {
    it(`${c.name}: config round trip, 6 steps of variables and slots, finalize`, () => {
      const tol = c.class_name === 'Ftrl' && c.dtype === 'float32' ? FTRL32 : undefined;
      const opt = optimizers.get({ class_name: c.class_name, config: c.config });
      expect(opt.constructor.name).to.equal(c.class_name);
      expect(opt.getConfig()).to.deep.equal(c.config);
      const w1 = tensor(fx.w1 as number[][], { dtype: c.dtype });
      const w2 = tensor(fx.w2 as number[], { dtype: c.dtype });
      fx.grads.forEach(([g1, g2], s) => {
        opt.apply([tensor(g1 as number[][], { dtype: c.dtype }), g2 === null ? null : tensor(g2 as number[], { dtype: c.dtype })], [w1, w2]);
        const want = c.steps[s];
        expect(opt.iterations, `step ${s + 1}: iterations`).to.equal(want.iterations);
        close(w1.data, flat(want.vars[0]), c.dtype, `step ${s + 1}: w1`, tol);
        close(w2.data, flat(want.vars[1]), c.dtype, `step ${s + 1}: w2`, tol);
        [w1, w2].forEach((w, i) => {
          const slots = opt.slots(w);
          // a variable that never had a gradient has its slots created (as zeros) by slots() itself here
          expect(slots.length, `step ${s + 1}: slot count`).to.equal(want.slots[i].length);
          slots.forEach((a, k) => close(a, flat(want.slots[i][k]), c.dtype, `step ${s + 1}: w${i + 1} slot ${k}`, tol));
          if (want.ema) close(opt.emaAverage(w)!, flat(want.ema[i]), c.dtype, `step ${s + 1}: w${i + 1} EMA`);
        });
        if (want.u_product !== undefined) close([(opt as optimizers.Nadam).uProduct], [want.u_product], c.dtype, `step ${s + 1}: u_product`);
      });
      opt.finalizeVariableValues([w1, w2]);
      close(w1.data, flat(c.finalized[0]), c.dtype, 'finalized w1', tol);
      close(w2.data, flat(c.finalized[1]), c.dtype, 'finalized w2', tol);
    });
  }

  for (const run of fx.fits.runs) {
    it(`fit with ${run.name} (${run.class_name}): loss history and final weights`, () => {
      lt.keras.clearSession();
      const L = lt.keras.layers;
      const model = new Sequential([new L.LSTM({ units: 4 }), new L.Dense({ units: 1 })]);
      const x = tensor(fx.fits.x), y = tensor(fx.fits.y);
      model.predict(x);
      model.setWeights(fx.fits.initial_weights.map((w) => tensor(w as number[])));
      model.compile({ optimizer: optimizers.get({ class_name: run.class_name, config: run.config }), loss: 'mse' });
      const h = model.fit(x, y, { batchSize: 4, epochs: 2, shuffle: false, verbose: 0 });
      // float32 through 4 steps of an LSTM: the training-parity tolerances (test/train/parity.test.ts)
      close(h.history.loss, run.loss, 'float32', 'loss history', [1e-5, 1e-6]);
      model.weights.forEach((w, i) => close(w.data, flat(run.final_weights[i]), 'float32', `final ${w.name}`, [1e-5, 2e-6]));
    });
  }

  for (const sc of fx.schedules) {
    it(`CosineDecayRestarts ${JSON.stringify(sc.config)}: steps 0..80`, () => {
      const opt = optimizers.get({ class_name: 'SGD', config: { learning_rate: { class_name: 'CosineDecayRestarts', config: sc.config } } });
      const sch = opt.learningRate as optimizers.schedules.CosineDecayRestarts;
      expect(sch).to.be.instanceOf(optimizers.schedules.CosineDecayRestarts);
      expect(sch.getConfig()).to.deep.equal(sc.config);
      close(sc.values.map((_, s) => sch.at(s)), sc.values, 'float32', 'learning rate', [2.5e-7, 0]);
    });
  }

  it('keras.optimizers.get names and errors', () => {
    for (const [name, cls] of [['adagrad', optimizers.Adagrad], ['Adadelta', optimizers.Adadelta], ['adamax', optimizers.Adamax],
      ['nadam', optimizers.Nadam], ['ftrl', optimizers.Ftrl], ['lion', optimizers.Lion]] as const) {
      expect(optimizers.get(name)).to.be.instanceOf(cls);
    }
    expect(() => optimizers.get('nadamm')).to.throw(LstmTsError, /did you mean 'nadam'/);
    expect(() => optimizers.get({ class_name: 'Adagard', config: {} })).to.throw(LstmTsError, /did you mean 'Adagrad'/);
    expect(() => new optimizers.Lion({ beta1: 0 })).to.throw(LstmTsError, /beta1 must be in \(0, 1\]/);
    expect(() => new optimizers.Ftrl({ learningRatePower: 0.5 })).to.throw(LstmTsError, /learningRatePower must be a number ≤ 0/);
    expect(() => new optimizers.Adagrad({ initialAccumulatorValue: -1 })).to.throw(LstmTsError, /initialAccumulatorValue/);
    expect(() => new optimizers.Adam({ emaMomentum: 1.5 } as never)).to.throw(LstmTsError, /emaMomentum must be a number in \[0, 1\]/);
    expect(() => new optimizers.SGD({ useEma: true, emaOverwriteFrequency: 0 })).to.throw(LstmTsError, /emaOverwriteFrequency/);
    expect(() => new optimizers.Nadam({ beta_1: 0.9 } as never)).to.throw(LstmTsError, /beta_1.*did you mean 'beta1'/);
  });
});
