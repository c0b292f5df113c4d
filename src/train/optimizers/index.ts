// lt.keras.optimizers: SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Ftrl and Lion with Keras 3's
// update formulas, defaults, clipping, weight decay and EMA.
import { fail } from '../../tensor/shape.js';
import { didYouMean } from '../../util/options.js';
import { Optimizer, type JsonConfig } from './optimizer.js';
import { SGD } from './sgd.js';
import { Adam, AdamW } from './adam.js';
import { RMSprop } from './rmsprop.js';
import { Adagrad } from './adagrad.js';
import { Adadelta } from './adadelta.js';
import { Adamax } from './adamax.js';
import { Nadam } from './nadam.js';
import { Ftrl } from './ftrl.js';
import { Lion } from './lion.js';

export { Optimizer, applyConstraint, type OptimizerArgs, type ConstraintLike, type LearningRate } from './optimizer.js';
export { SGD, type SGDArgs } from './sgd.js';
export { Adam, AdamW, type AdamArgs } from './adam.js';
export { RMSprop, type RMSpropArgs } from './rmsprop.js';
export { Adagrad, type AdagradArgs } from './adagrad.js';
export { Adadelta, type AdadeltaArgs } from './adadelta.js';
export { Adamax, type AdamaxArgs } from './adamax.js';
export { Nadam, type NadamArgs } from './nadam.js';
export { Ftrl, type FtrlArgs } from './ftrl.js';
export { Lion, type LionArgs } from './lion.js';
export * as schedules from './schedules.js';

const FROM_CONFIG: Record<string, (cfg: JsonConfig) => Optimizer> = {
  SGD: SGD.fromConfig,
  Adam: Adam.fromConfig,
  AdamW: AdamW.fromConfig,
  RMSprop: RMSprop.fromConfig,
  Adagrad: Adagrad.fromConfig,
  Adadelta: Adadelta.fromConfig,
  Adamax: Adamax.fromConfig,
  Nadam: Nadam.fromConfig,
  Ftrl: Ftrl.fromConfig,
  Lion: Lion.fromConfig,
};

/** keras.optimizers.get's names (lower-cased class names), with each default-built optimizer. */
const BY_NAME: Record<string, () => Optimizer> = {
  sgd: () => new SGD(), adam: () => new Adam(), adamw: () => new AdamW(), rmsprop: () => new RMSprop(), adagrad: () => new Adagrad(),
  adadelta: () => new Adadelta(), adamax: () => new Adamax(), nadam: () => new Nadam(), ftrl: () => new Ftrl(), lion: () => new Lion(),
};

/** keras.optimizers.get: an Optimizer, a name ('sgd', 'adam', 'nadam', ...: defaults) or a serialized config. */
export function get(id: Optimizer | string | JsonConfig): Optimizer {
  if (id instanceof Optimizer) return id;
  if (typeof id === 'string') {
    const make = BY_NAME[id.toLowerCase()];
    if (!make) {
      const hint = didYouMean(id.toLowerCase(), Object.keys(BY_NAME));
      fail('optimizers.get', `unknown optimizer '${id}'${hint ? `; did you mean '${hint}'?` : ` (known: ${Object.keys(BY_NAME).join(', ')})`}`);
    }
    return make();
  }
  if (typeof id === 'object' && id !== null && typeof id.class_name === 'string') {
    const make = FROM_CONFIG[id.class_name];
    if (!make) {
      const hint = didYouMean(id.class_name, Object.keys(FROM_CONFIG));
      fail('optimizers.get', `unknown optimizer class '${id.class_name}'${hint ? `; did you mean '${hint}'?` : ` (known: ${Object.keys(FROM_CONFIG).join(', ')})`}`);
    }
    return make((id.config ?? {}) as JsonConfig);
  }
  return fail('optimizers.get', `expected an Optimizer, a name or a serialized config, got ${String(id)}`);
}
export type { JsonConfig } from './optimizer.js';
