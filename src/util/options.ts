// Argument checking shared by every public entry point: nothing the user passes is silently ignored.
//
// - Options objects: every key must be one the entry point knows (Keras 3 raises "Unrecognized keyword
//   arguments" for the same mistake). A wrong key gets a suggestion: the camelCase form of a snake_case key
//   (`return_sequences` → `returnSequences`, what Python users type first), else the nearest known key by
//   edit distance.
// - Values: numbers, integers, booleans and string choices are checked where they are read, and the error
//   names the entry point, the argument, what was expected and what came (value and type).
//
// Key lists come from `optionKeys<Args>({...})`, whose parameter type requires exactly the keys of the Args
// interface: adding an option to an interface without listing it here is a compile error, so the run-time
// check cannot drift from the types.

import { fail } from '../tensor/shape.js';

/** The option names of `T`, listed once; the compiler checks that the list is complete and has no extras. */
export function optionKeys<T extends object>(keys: { [K in keyof Required<T>]: true }): readonly string[] {
  return Object.freeze(Object.keys(keys));
}

/** snake_case → camelCase (`return_sequences` → `returnSequences`). */
export function camelCase(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[n];
}

/** The known key a mistyped `key` most likely meant, or null. */
export function didYouMean(key: string, known: readonly string[]): string | null {
  const camel = camelCase(key);
  if (camel !== key && known.includes(camel)) return camel;
  const lower = key.toLowerCase().replace(/_/g, '');
  const exactish = known.find((k) => k.toLowerCase() === lower);
  if (exactish) return exactish;
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  // A near miss only: at most 2 edits, and fewer than a third of the word.
  return best !== null && bestD <= Math.min(2, Math.floor(key.length / 3)) ? best : null;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `'${v}' (a string)`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${String(v)} (${typeof v})`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${(v as object).constructor.name}`;
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/**
 * Refuses an options object with keys `known` does not list. `undefined` (no options) passes; anything that
 * is not a plain object is refused. `what` names the kind of key in messages ('option', 'call argument').
 */
export function checkOptions(where: string, opts: unknown, known: readonly string[], what = 'option'): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts) || ArrayBuffer.isView(opts)) {
    fail(where, `${what}s must be an object of named ${what}s, got ${describeValue(opts)}`);
  }
  for (const k of Object.keys(opts)) {
    if (known.includes(k)) continue;
    const hint = didYouMean(k, known);
    fail(where, `unknown ${what} '${k}'${hint ? `; did you mean '${hint}'?` : ` (known ${what}s: ${known.join(', ')})`}`);
  }
}

/**
 * The constructor check every options-taking class hierarchy shares (layers, optimizers, losses, TF1 cells):
 * `args` must be an object, and a class that lists its own options — a static `optionKeys` it defines itself,
 * not one inherited, since a user's subclass may take more — refuses every other key. `expected` words the
 * non-object error; `keys: false` skips the key check (options a class rewrote for its super call).
 */
export function checkClassOptions(cls: { name: string }, args: unknown, { expected = 'options must be an object', keys = true } = {}): void {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) fail(cls.name, `${expected}, got ${describeValue(args)}`);
  const own = cls as { optionKeys?: readonly string[] };
  if (keys && Object.prototype.hasOwnProperty.call(cls, 'optionKeys')) checkOptions(cls.name, args, own.optionKeys!);
}

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** min/max are exclusive. */
  exclusive?: boolean;
  /** null (and undefined) are accepted and mean "not set". */
  nullable?: boolean;
  /** ±Infinity is accepted (e.g. a bound that means "none"). */
  allowInfinity?: boolean;
}

/** Checks one number argument (undefined passes: the caller's default applies). Returns it. */
export function checkNumber(where: string, name: string, v: unknown, rule: NumberRule = {}): number | undefined {
  if (v === undefined || (rule.nullable && v === null)) return undefined;
  const kind = rule.integer ? 'an integer' : 'a number';
  const range = rule.min !== undefined && rule.max !== undefined
    ? ` in ${rule.exclusive ? '(' : '['}${rule.min}, ${rule.max}${rule.exclusive ? ')' : ']'}`
    : rule.min !== undefined ? ` ${rule.exclusive ? '>' : '≥'} ${rule.min}` : rule.max !== undefined ? ` ${rule.exclusive ? '<' : '≤'} ${rule.max}` : '';
  const expected = `${kind}${range}${rule.nullable ? ' or null' : ''}`;
  if (typeof v !== 'number' || Number.isNaN(v) || (!Number.isFinite(v) && !rule.allowInfinity) ||
      (rule.integer && Number.isFinite(v) && !Number.isInteger(v))) {
    fail(where, `${name} must be ${expected}, got ${describeValue(v)}`);
  }
  if (rule.min !== undefined && (rule.exclusive ? v <= rule.min : v < rule.min)) fail(where, `${name} must be ${expected}, got ${v}`);
  if (rule.max !== undefined && (rule.exclusive ? v >= rule.max : v > rule.max)) fail(where, `${name} must be ${expected}, got ${v}`);
  return v;
}

/** Checks a boolean argument (undefined passes). */
export function checkBoolean(where: string, name: string, v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') fail(where, `${name} must be true or false, got ${describeValue(v)}`);
  return v;
}

/** Checks a string choice (undefined passes). */
export function checkChoice<T extends string>(where: string, name: string, v: unknown, allowed: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    const hint = typeof v === 'string' ? didYouMean(v, allowed) : null;
    fail(where, `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describeValue(v)}${hint ? `; did you mean '${hint}'?` : ''}`);
  }
  return v as T;
}

/** Checks an optional string (undefined passes). */
export function checkString(where: string, name: string, v: unknown, { nullable = false } = {}): string | undefined {
  if (v === undefined || (nullable && v === null)) return undefined;
  if (typeof v !== 'string') fail(where, `${name} must be a string${nullable ? ' or null' : ''}, got ${describeValue(v)}`);
  return v;
}
