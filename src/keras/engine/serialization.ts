// Keras 3 object serialisation (keras/src/saving/serialization_lib.py): initializers, regularizers and
// constraints are written as `{module, class_name, config, registered_name}`; activations are plain
// strings ('tanh'). Deserialisation also accepts the shorthand forms Keras accepts: a string identifier
// ('glorot_uniform' or 'GlorotUniform'), the legacy TF2 `{class_name, config}` dict, or null/undefined.

import { fail } from '../../tensor/shape.js';
import type { DType } from '../../tensor/tensor.js';

/** The Keras 3 serialised form of a built-in object. */
export interface KerasObjectConfig {
  module: string;
  class_name: string;
  config: Record<string, unknown>;
  registered_name: string | null;
}

/** Something with a Keras class name and a snake_case config (initializers, regularizers, constraints). */
export interface KerasSerializable {
  readonly className: string;
  getConfig(): Record<string, unknown>;
}

export function serializeKerasObject(module: string, obj: KerasSerializable): KerasObjectConfig {
  if (obj === null || typeof obj !== 'object' || typeof obj.getConfig !== 'function') {
    fail(`${module.split('.').pop()}.serialize`, `expected an object with getConfig() (an initializer, regularizer or constraint), got ${obj === null ? 'null' : typeof obj}`);
  }
  return { module, class_name: obj.className, config: obj.getConfig(), registered_name: null };
}

export function isKerasObjectConfig(v: unknown): v is { class_name: string; config?: Record<string, unknown> } {
  return typeof v === 'object' && v !== null && typeof (v as { class_name?: unknown }).class_name === 'string';
}

/**
 * Keras's `to_snake_case` (keras/src/utils/naming.py), the default layer names: 'GlorotUniform' → 'glorot_uniform',
 * 'Conv1D' → 'conv1d', 'ConvLSTM1D' → 'conv_lstm1d', 'MaxPooling1D' → 'max_pooling1d' (no break after a digit).
 */
export function toSnakeCase(name: string): string {
  let s = name.replace(/\W+/g, '');
  s = s.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  s = s.replace(/([a-z])([A-Z])/g, '$1_$2');
  return s.toLowerCase();
}

/**
 * A registry of built-in classes for one kind of object. Keys are matched case-insensitively with
 * underscores removed, so 'glorot_uniform', 'GlorotUniform' and 'glorotUniform' all resolve.
 */
export class KerasRegistry<T> {
  private readonly byKey = new Map<string, (cfg: Record<string, unknown>) => T>();
  private readonly names: string[] = [];

  constructor(readonly kind: string) {}

  register(names: string[], factory: (cfg: Record<string, unknown>) => T): void {
    for (const n of names) {
      this.byKey.set(normKey(n), factory);
      this.names.push(n);
    }
  }

  has(name: string): boolean {
    return this.byKey.has(normKey(name));
  }

  create(name: string, cfg: Record<string, unknown> = {}): T {
    const f = this.byKey.get(normKey(name));
    if (!f) fail(this.kind, `unknown ${this.kind} '${name}'; known: ${[...new Set(this.names)].join(', ')}`);
    return f(cfg);
  }

  /** Deserialises a string, a `{class_name, config}` dict (Keras 3 or legacy TF2 form). */
  deserialize(v: string | { class_name: string; config?: Record<string, unknown> }): T {
    if (typeof v === 'string') return this.create(v, {});
    if (!isKerasObjectConfig(v)) fail(this.kind, `cannot deserialize ${JSON.stringify(v)}: expected a string or {class_name, config}`);
    return this.create(v.class_name, v.config ?? {});
  }
}

function normKey(n: string): string {
  return n.replace(/_/g, '').toLowerCase();
}

/** Keras 3 serialises a layer's dtype as a DTypePolicy object. */
export function serializeDtype(dtype: DType): KerasObjectConfig {
  return { module: 'keras', class_name: 'DTypePolicy', config: { name: dtype }, registered_name: null };
}

/** Accepts 'float32', a DTypePolicy dict, or undefined (float32). */
export function deserializeDtype(v: unknown): DType {
  if (v === undefined || v === null) return 'float32';
  let name: unknown = v;
  if (isKerasObjectConfig(v)) name = (v.config ?? {}).name;
  if (name === 'float32' || name === 'float64') return name;
  return fail('dtype', `unsupported dtype ${JSON.stringify(v)}; lstm-ts supports 'float32' and 'float64'`);
}

/** Reads a number option from a config, with a clear error naming the class and key. */
export function cfgNumber(cls: string, cfg: Record<string, unknown>, key: string, dflt: number): number {
  const v = cfg[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(cls, `${key} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

export function cfgSeed(cls: string, cfg: Record<string, unknown>): number | null {
  const v = cfg.seed;
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(cls, `seed must be an integer or null, got ${JSON.stringify(v)}`);
  return v;
}
