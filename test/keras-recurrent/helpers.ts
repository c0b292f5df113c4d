// Shared helpers for the recurrent-layer tests: fixture loading and explicit-tolerance comparisons.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { Tensor, tensor, type NestedArray } from '../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface RnnCase {
  name: string;
  x: NestedArray;
  x2?: NestedArray;
  mask?: number[][];
  initial_state?: NestedArray[];
  weights: NestedArray[];
  weight_names?: string[];
  outputs: NestedArray[];
  outputs2?: NestedArray[];
  outputs_after_reset?: NestedArray[];
  loss_weights?: NestedArray[];
  loss?: number;
  grad_x?: NestedArray;
  grad_initial_state?: (NestedArray | null)[];
  grad_weights?: NestedArray[];
  config: Record<string, unknown>;
}

export interface RnnFixtures {
  tensorflow: string;
  keras: string;
  cases: RnnCase[];
  cases64: RnnCase[];
  const_cases: { name: string; x: NestedArray; mask: number[][] | null; weights: NestedArray[]; outputs: NestedArray[]; config: Record<string, unknown> }[];
  configs: Record<string, Record<string, unknown>>;
  activation_probe: { x: number[]; tanh: number[]; sigmoid: number[]; hard_sigmoid: number[] };
}

let cached: RnnFixtures | null = null;
export function loadFixtures(): RnnFixtures {
  if (!cached) cached = JSON.parse(readFileSync(join(here, '../fixtures/keras_rnn.json'), 'utf8')) as RnnFixtures;
  return cached;
}

function flat(v: NestedArray | Tensor | ArrayLike<number>): number[] {
  if (v instanceof Tensor) return Array.from(v.data);
  if (typeof v === 'number') return [v];
  if (Array.isArray(v)) return (v as NestedArray[]).flatMap((e) => flat(e));
  return Array.from(v as ArrayLike<number>);
}

export function shapeOf(v: NestedArray): number[] {
  const s: number[] = [];
  let c: NestedArray = v;
  while (Array.isArray(c)) {
    s.push(c.length);
    c = c[0];
  }
  return s;
}

/** max |a − b| over all elements; throws on a size mismatch. */
export function maxAbsDiff(a: NestedArray | Tensor | ArrayLike<number>, b: NestedArray | Tensor | ArrayLike<number>): number {
  const fa = flat(a);
  const fb = flat(b);
  if (fa.length !== fb.length) throw new Error(`size mismatch: ${fa.length} vs ${fb.length}`);
  let m = 0;
  for (let i = 0; i < fa.length; i++) {
    const d = Math.abs(fa[i] - fb[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Asserts closeness with an explicit absolute tolerance, naming what is compared. */
export function expectClose(what: string, actual: Tensor | NestedArray | ArrayLike<number>, expected: NestedArray | Tensor | ArrayLike<number>, atol: number): void {
  if (actual instanceof Tensor && !(expected instanceof Tensor) && Array.isArray(expected)) {
    const es = shapeOf(expected);
    if (es.join(',') !== actual.shape.join(',')) throw new Error(`${what}: shape [${actual.shape}] vs expected [${es}]`);
  }
  const d = maxAbsDiff(actual, expected);
  if (!(d <= atol)) throw new Error(`${what}: max abs diff ${d.toExponential(3)} > tolerance ${atol}`);
}

export function t32(v: NestedArray, requiresGrad = false): Tensor {
  return tensor(v, { dtype: 'float32', requiresGrad });
}
