// Base class of every weight initializer, the fan computation Keras uses for variance scaling, and the
// seeding rule. Keras 3 (keras/src/initializers/random_initializers.py, RandomInitializer) turns an
// integer seed into a *stateless* draw, and an unseeded instance picks one default seed at construction
// (`random.make_default_seed()`), so calling the same instance twice gives the same values. We mirror
// that: a seeded instance always draws from `new Random(seed)`, an unseeded one from a seed taken once
// from the library-wide generator (`setRandomSeed`) when it is created. TF's own Philox streams cannot be
// reproduced outside TF (semantics notes §6.4), so parity tests set weights explicitly.

import { Tensor, allocate, type DType } from '../../tensor/tensor.js';
import { type Shape, checkShape, sizeOf, fail } from '../../tensor/shape.js';
import { Random, getGlobalRandom } from '../../tensor/random.js';
import type { KerasSerializable } from '../engine/serialization.js';

export abstract class Initializer implements KerasSerializable {
  /** Keras class name ('GlorotUniform', 'Orthogonal', ...) used by serialisation. */
  abstract readonly className: string;

  /** Fills a new tensor of `shape` (a leaf without gradient). */
  call(shape: Shape, dtype: DType = 'float32'): Tensor {
    checkShape(this.className, 'shape', shape);
    const values = this.generate([...shape]);
    if (values.length !== sizeOf(shape)) fail(this.className, `internal: generated ${values.length} values for shape [${shape.join(', ')}]`);
    const data = allocate(dtype, values.length);
    data.set(values);
    return new Tensor(data, shape, false);
  }

  /** The values in float64, row-major; rounded to the requested dtype by `call`. */
  protected abstract generate(shape: number[]): Float64Array;

  /** Keras 3 config (snake_case keys, exactly as `get_config()` in Python). */
  abstract getConfig(): Record<string, unknown>;
}

/** Initializers that draw random numbers: the Keras 3 seed rule described at the top of this file. */
export abstract class RandomInitializer extends Initializer {
  /** The seed the user gave (serialised as is; null when none). */
  readonly seed: number | null;
  private readonly effectiveSeed: number;

  constructor(seed?: number | null) {
    super();
    if (seed !== undefined && seed !== null && !Number.isInteger(seed)) {
      fail(new.target.name, `seed must be an integer or null, got ${typeof seed === 'string' ? `'${seed}' (a string)` : String(seed)}`);
    }
    this.seed = seed ?? null;
    this.effectiveSeed = this.seed ?? getGlobalRandom().nextUint32();
  }

  /** A fresh generator for one call: same seed → same values, as a Keras 3 stateless draw. */
  protected rng(): Random {
    return new Random(this.effectiveSeed);
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed };
  }
}

/**
 * Keras `compute_fans`: scalars → (1,1); vectors → (n,n); matrices → (rows, cols); ≥3-D (conv kernels
 * `(..., in, out)`) multiply by the receptive field size prod(shape[:-2]). With explicit axes (Keras 3.15
 * `input_axes`/`output_axes`) the fans are the products over those axes.
 */
export function computeFans(shape: readonly number[], inputAxes?: number[] | null, outputAxes?: number[] | null): [number, number] {
  if (inputAxes && outputAxes) {
    const at = (a: number): number => shape[a < 0 ? a + shape.length : a];
    return [inputAxes.reduce((p, a) => p * at(a), 1), outputAxes.reduce((p, a) => p * at(a), 1)];
  }
  if (shape.length < 1) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  let receptive = 1;
  for (const d of shape.slice(0, -2)) receptive *= d;
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

/** Standard normal truncated at ±2 by resampling, as TF's `truncated_normal` (values beyond 2σ re-drawn). */
export function truncatedStandardNormal(rng: Random): number {
  for (;;) {
    const z = rng.normal();
    if (z >= -2 && z <= 2) return z;
  }
}
