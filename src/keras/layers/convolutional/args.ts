// Argument helpers shared by the 1-D convolution, pooling and padding layers (not part of the public API).

import { fail } from '../../../tensor/shape.js';
import { checkChoice } from '../../../util/options.js';

export type DataFormat = 'channels_last' | 'channels_first';

/** A Keras 1-tuple argument (`3` or `[3]`) as its integer, checked. */
export function oneTuple(layer: string, name: string, v: unknown, dflt: number, min = 1): number {
  if (v === undefined || v === null) return dflt;
  const x = Array.isArray(v) ? (v.length === 1 ? v[0] : fail(layer, `${name} must be an integer or a list of 1 integer, got ${JSON.stringify(v)}`)) : v;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min) fail(layer, `${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return x;
}

/** The data_format argument (null / undefined → 'channels_last', Keras's image_data_format default). */
export function dataFormatArg(layer: string, v: unknown): DataFormat {
  if (v === undefined || v === null) return 'channels_last';
  return checkChoice(layer, 'dataFormat', v as string, ['channels_last', 'channels_first'] as const) as DataFormat;
}

/**
 * TF's padding for a window op over L steps (keras-layers.md §4.1): [before, after]. 'same' splits
 * P = max((⌈L/s⌉ − 1)·s + L_eff − L, 0) as ⌊P/2⌋ before, the rest after; 'causal' puts d·(k−1) before.
 */
export function windowPadding(padding: 'valid' | 'same' | 'causal', L: number, k: number, s: number, d: number): [number, number] {
  const eff = d * (k - 1) + 1;
  if (padding === 'valid') return [0, 0];
  if (padding === 'causal') return [eff - 1, 0];
  const out = Math.ceil(L / s);
  const P = Math.max((out - 1) * s + eff - L, 0);
  return [Math.floor(P / 2), P - Math.floor(P / 2)];
}

