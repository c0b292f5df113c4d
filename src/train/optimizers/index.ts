// lt.keras.optimizers: SGD, Adam, RMSprop with Keras 3's update formulas, defaults and clipping.
import { fail } from '../../tensor/shape.js';
import { Optimizer, type JsonConfig } from './optimizer.js';
import { SGD } from './sgd.js';
import { Adam, AdamW } from './adam.js';
import { RMSprop } from './rmsprop.js';

export { Optimizer, applyConstraint, type OptimizerArgs, type ConstraintLike, type LearningRate } from './optimizer.js';
export { SGD, type SGDArgs } from './sgd.js';
export { Adam, AdamW, type AdamArgs } from './adam.js';
export { RMSprop, type RMSpropArgs } from './rmsprop.js';
export * as schedules from './schedules.js';

const FROM_CONFIG: Record<string, (cfg: JsonConfig) => Optimizer> = {
  SGD: SGD.fromConfig,
  Adam: Adam.fromConfig,
  AdamW: AdamW.fromConfig,
  RMSprop: RMSprop.fromConfig,
};

/** keras.optimizers.get: an Optimizer, a name ('sgd', 'adam', 'rmsprop', defaults) or a serialized config. */
export function get(id: Optimizer | string | JsonConfig): Optimizer {
  if (id instanceof Optimizer) return id;
  if (typeof id === 'string') {
    switch (id.toLowerCase()) {
      case 'sgd': return new SGD();
      case 'adam': return new Adam();
      case 'adamw': return new AdamW();
      case 'rmsprop': return new RMSprop();
      default: return fail('optimizers.get', `unknown optimizer '${id}'; known: sgd, adam, adamw, rmsprop`);
    }
  }
  if (typeof id === 'object' && id !== null && typeof id.class_name === 'string') {
    const make = FROM_CONFIG[id.class_name];
    if (!make) fail('optimizers.get', `unknown optimizer class '${id.class_name}'`);
    return make((id.config ?? {}) as JsonConfig);
  }
  return fail('optimizers.get', `expected an Optimizer, a name or a serialized config, got ${String(id)}`);
}
