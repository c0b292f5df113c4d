// Deterministic initializers (keras/src/initializers/constant_initializers.py): Zeros, Ones,
// Constant(value) and Identity(gain) (gain · I, 2-D shapes only).

import { fail } from '../../tensor/shape.js';
import { Initializer } from './initializer.js';

export class Zeros extends Initializer {
  readonly className = 'Zeros';
  protected generate(shape: number[]): Float64Array {
    return new Float64Array(shape.reduce((a, b) => a * b, 1));
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

export class Ones extends Initializer {
  readonly className = 'Ones';
  protected generate(shape: number[]): Float64Array {
    return new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(1);
  }
  getConfig(): Record<string, unknown> {
    return {};
  }
}

export class Constant extends Initializer {
  readonly className = 'Constant';
  readonly value: number;
  constructor(value = 0) {
    super();
    if (typeof value !== 'number' || !Number.isFinite(value)) fail('Constant', `value must be a finite number (Keras allows scalars only), got ${value}`);
    this.value = value;
  }
  protected generate(shape: number[]): Float64Array {
    return new Float64Array(shape.reduce((a, b) => a * b, 1)).fill(this.value);
  }
  getConfig(): Record<string, unknown> {
    return { value: this.value };
  }
}

export class Identity extends Initializer {
  readonly className = 'Identity';
  readonly gain: number;
  constructor(gain = 1.0) {
    super();
    this.gain = gain;
  }
  protected generate(shape: number[]): Float64Array {
    if (shape.length !== 2) fail('Identity', `Identity matrix initializer can only be used for 2D matrices, got shape [${shape.join(', ')}]`);
    // Keras uses ops.eye(*shape): ones on the main diagonal also for non-square shapes.
    const [r, c] = shape;
    const out = new Float64Array(r * c);
    for (let i = 0; i < Math.min(r, c); i++) out[i * c + i] = this.gain;
    return out;
  }
  /** Keras 3 quirk kept for JSON parity: Identity has no get_config, so `gain` is not serialised ({}). */
  getConfig(): Record<string, unknown> {
    return {};
  }
}
