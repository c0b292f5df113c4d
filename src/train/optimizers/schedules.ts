// Keras 3 learning-rate schedules (keras/src/optimizers/schedules/learning_rate_schedule.py): the learning rate
// of step `s` (the optimizer's iteration count before the update, base_optimizer._get_current_learning_rate).
// Keras evaluates them with float32 tensor ops; each formula below rounds (`f`) exactly after the ops Keras
// runs, in the same order, so that a schedule gives TF's float32 learning rate (transcendental functions aside:
// TF's float32 pow/cos may differ from the correctly rounded value by an ulp).
//   ExponentialDecay:    lr0 · rate^(s/steps)             (exponent floored with staircase)
//   InverseTimeDecay:    lr0 / (1 + rate · s/steps)       (s/steps floored with staircase)
//   PiecewiseConstantDecay: values[i] for boundaries[i−1] < s ≤ boundaries[i]
//   PolynomialDecay:     (lr0 − end) · (1 − s'/steps')^power + end,  s' = min(s, steps), or with cycle
//                        steps' = steps · ceil(s/steps)
//   CosineDecay:         lr0 · ((1 − α) · ½(1 + cos(π · min(s, steps)/steps)) + α), after an optional
//                        linear warmup from lr0 to warmup_target over warmup_steps
//   CosineDecayRestarts: SGDR (Loshchilov & Hutter 2017): with c = s/first_decay_steps, restart i and the
//                        fraction p of period i (periods grow by t_mul: i = ⌊log(1 − c(1 − t_mul))/log t_mul⌋,
//                        p = (c − (1 − t_mulⁱ)/(1 − t_mul))/t_mulⁱ; with t_mul = 1, i = ⌊c⌋, p = c − i),
//                        lr0 · ((1 − α) · ½·m_mulⁱ(1 + cos(πp)) + α)

import { fail } from '../../tensor/shape.js';
import { kerasClassName } from '../../util/class-name.js';

const f = Math.fround;

export type JsonConfig = { [k: string]: unknown };

export abstract class LearningRateSchedule {
  /** The learning rate of optimizer step `step` (0 for the first update). */
  abstract at(step: number): number;
  /** Keras `get_config()` (the constructor arguments, snake_case). */
  abstract getConfig(): JsonConfig;
  /** Keras `keras.optimizers.schedules.serialize`. */
  serialize(): JsonConfig {
    return { module: 'keras.optimizers.schedules', class_name: kerasClassName(this), config: this.getConfig(), registered_name: null };
  }
}

function positiveSteps(cls: string, decaySteps: number): number {
  if (!(decaySteps > 0)) fail(cls, `Argument \`decay_steps\` must be > 0. Received: decay_steps=${decaySteps}`);
  return decaySteps;
}

/** ExponentialDecay and InverseTimeDecay: the same arguments, and the same progress s/steps (floored when staircase). */
abstract class RateDecay extends LearningRateSchedule {
  constructor(readonly initialLearningRate: number, readonly decaySteps: number, readonly decayRate: number,
    readonly staircase: boolean, readonly name: string) {
    super();
    positiveSteps(name, decaySteps);
  }

  protected progress(step: number): number {
    const p = f(f(step) / f(this.decaySteps));
    return this.staircase ? Math.floor(p) : p;
  }

  getConfig(): JsonConfig {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, decay_rate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

export class ExponentialDecay extends RateDecay {
  static readonly kerasName: string = 'ExponentialDecay';
  constructor(initialLearningRate: number, decaySteps: number, decayRate: number, staircase = false, name = 'ExponentialDecay') {
    super(initialLearningRate, decaySteps, decayRate, staircase, name);
  }

  at(step: number): number {
    return f(f(this.initialLearningRate) * f(Math.pow(f(this.decayRate), this.progress(step))));
  }
}

export class InverseTimeDecay extends RateDecay {
  static readonly kerasName: string = 'InverseTimeDecay';
  constructor(initialLearningRate: number, decaySteps: number, decayRate: number, staircase = false, name = 'InverseTimeDecay') {
    super(initialLearningRate, decaySteps, decayRate, staircase, name);
  }

  at(step: number): number {
    return f(f(this.initialLearningRate) / f(1 + f(f(this.decayRate) * this.progress(step))));
  }
}

export class PiecewiseConstantDecay extends LearningRateSchedule {
  static readonly kerasName: string = 'PiecewiseConstantDecay';
  constructor(readonly boundaries: number[], readonly values: number[], readonly name = 'PiecewiseConstant') {
    super();
    if (boundaries.length !== values.length - 1) {
      fail('PiecewiseConstantDecay', `The length of boundaries should be 1 less than the length of values. Received: boundaries=[${boundaries.join(', ')}] of length ${boundaries.length}, and values=[${values.join(', ')}] of length ${values.length}.`);
    }
  }

  at(step: number): number {
    // Keras casts the boundaries to the step's dtype (the integer iteration count), truncating fractions.
    const b = this.boundaries.map((x) => Math.trunc(x));
    if (step <= b[0]) return f(this.values[0]);
    for (let i = 1; i < b.length; i++) if (step > b[i - 1] && step <= b[i]) return f(this.values[i]);
    return f(this.values[this.values.length - 1]);
  }

  getConfig(): JsonConfig {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

export class PolynomialDecay extends LearningRateSchedule {
  static readonly kerasName: string = 'PolynomialDecay';
  constructor(readonly initialLearningRate: number, readonly decaySteps: number, readonly endLearningRate = 0.0001,
    readonly power = 1.0, readonly cycle = false, readonly name = 'PolynomialDecay') {
    super();
    positiveSteps('PolynomialDecay', decaySteps);
  }

  at(step: number): number {
    let s = f(step);
    let steps = f(this.decaySteps);
    if (this.cycle) {
      // the first multiple of decay_steps above the step (1 at step 0)
      const multiplier = s === 0 ? 1 : Math.ceil(f(s / f(this.decaySteps)));
      steps = f(steps * multiplier);
    } else {
      s = Math.min(s, steps);
    }
    const p = f(s / steps);
    const span = f(f(this.initialLearningRate) - f(this.endLearningRate));
    return f(f(span * f(Math.pow(f(1 - p), f(this.power)))) + f(this.endLearningRate));
  }

  getConfig(): JsonConfig {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, end_learning_rate: this.endLearningRate, power: this.power, cycle: this.cycle, name: this.name };
  }
}

export class CosineDecay extends LearningRateSchedule {
  static readonly kerasName: string = 'CosineDecay';
  constructor(readonly initialLearningRate: number, readonly decaySteps: number, readonly alpha = 0.0,
    readonly name = 'CosineDecay', readonly warmupTarget: number | null = null, readonly warmupSteps = 0) {
    super();
    positiveSteps('CosineDecay', decaySteps);
  }

  private decay(step: number, decaySteps: number, from: number): number {
    const completed = f(step / decaySteps);
    const cosine = f(0.5 * f(1 + f(Math.cos(f(f(Math.PI) * completed)))));
    const decayed = f(f(f(1 - this.alpha) * cosine) + f(this.alpha));
    return f(from * decayed);
  }

  at(step: number): number {
    const lr0 = f(this.initialLearningRate);
    const steps = f(this.decaySteps);
    if (this.warmupTarget === null) return this.decay(Math.min(f(step), steps), steps, lr0);
    const target = f(this.warmupTarget);
    const warm = f(this.warmupSteps);
    const s = Math.min(f(step), f(steps + warm));
    if (s < warm) return f(f(f(target - lr0) * f(s / warm)) + lr0);
    return this.decay(f(s - warm), steps, target);
  }

  getConfig(): JsonConfig {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, alpha: this.alpha, name: this.name, warmup_target: this.warmupTarget, warmup_steps: this.warmupSteps };
  }
}

export class CosineDecayRestarts extends LearningRateSchedule {
  static readonly kerasName: string = 'CosineDecayRestarts';
  constructor(readonly initialLearningRate: number, readonly firstDecaySteps: number, readonly tMul = 2.0, readonly mMul = 1.0,
    readonly alpha = 0.0, readonly name = 'SGDRDecay') {
    super();
    if (!(firstDecaySteps > 0)) fail('CosineDecayRestarts', `Argument \`first_decay_steps\` must be > 0. Received: first_decay_steps=${firstDecaySteps}`);
  }

  at(step: number): number {
    const lr0 = f(this.initialLearningRate);
    const tMul = f(this.tMul), mMul = f(this.mMul), alpha = f(this.alpha);
    let completed = f(f(step) / f(this.firstDecaySteps));
    let i: number;
    if (tMul === 1) {
      i = Math.floor(completed);
      completed = f(completed - i);
    } else {
      // ops.floor(ops.log(1.0 - completed * (1.0 - t_mul)) / ops.log(t_mul)), then the geometric sum of the
      // periods before restart i
      const oneMinusT = f(1 - tMul);
      i = Math.floor(f(f(Math.log(f(1 - f(completed * oneMinusT)))) / f(Math.log(tMul))));
      const ti = f(Math.pow(tMul, i));
      const sumR = f(f(1 - ti) / oneMinusT);
      completed = f(f(completed - sumR) / ti);
    }
    const mFac = f(Math.pow(mMul, i));
    const cosine = f(f(0.5 * mFac) * f(1 + f(Math.cos(f(f(Math.PI) * completed)))));
    const decayed = f(f(f(1 - alpha) * cosine) + alpha);
    return f(lr0 * decayed);
  }

  getConfig(): JsonConfig {
    return { initial_learning_rate: this.initialLearningRate, first_decay_steps: this.firstDecaySteps, t_mul: this.tMul, m_mul: this.mMul, alpha: this.alpha, name: this.name };
  }
}

const num = (cfg: JsonConfig, k: string, dflt?: number): number => {
  const v = cfg[k] ?? dflt;
  if (typeof v !== 'number') fail('schedules.deserialize', `${k} must be a number, got ${JSON.stringify(cfg[k])}`);
  return v;
};

/** Keras `keras.optimizers.schedules.deserialize` for the schedules above; any other class is an error. */
export function deserializeSchedule(obj: JsonConfig): LearningRateSchedule {
  const c = (obj.config ?? {}) as JsonConfig;
  const name = c.name as string | undefined;
  switch (obj.class_name) {
    case 'ExponentialDecay': return new ExponentialDecay(num(c, 'initial_learning_rate'), num(c, 'decay_steps'), num(c, 'decay_rate'), Boolean(c.staircase), name);
    case 'InverseTimeDecay': return new InverseTimeDecay(num(c, 'initial_learning_rate'), num(c, 'decay_steps'), num(c, 'decay_rate'), Boolean(c.staircase), name);
    case 'PiecewiseConstantDecay': return new PiecewiseConstantDecay(c.boundaries as number[], c.values as number[], name);
    case 'PolynomialDecay': return new PolynomialDecay(num(c, 'initial_learning_rate'), num(c, 'decay_steps'), num(c, 'end_learning_rate', 0.0001), num(c, 'power', 1), Boolean(c.cycle), name);
    case 'CosineDecay': return new CosineDecay(num(c, 'initial_learning_rate'), num(c, 'decay_steps'), num(c, 'alpha', 0), name,
      (c.warmup_target ?? null) as number | null, num(c, 'warmup_steps', 0));
    case 'CosineDecayRestarts': return new CosineDecayRestarts(num(c, 'initial_learning_rate'), num(c, 'first_decay_steps'), num(c, 't_mul', 2),
      num(c, 'm_mul', 1), num(c, 'alpha', 0), name);
    default: return fail('schedules.deserialize', `unknown learning-rate schedule class '${String(obj.class_name)}'; supported: ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay, CosineDecay, CosineDecayRestarts`);
  }
}
