// The public-API fuzz cases (test/fuzz/api-fuzz.test.ts runs them in a child process, api-fuzz-child.ts).
//
// Every entry point has a generator of VALID arguments (plain JSON, so a failing case prints as a
// reproducer), a call that builds tensors from them and runs the entry point, a check of the result a valid
// call must give (shapes, values derivable from the arguments), and MUTATIONS: ways to break one argument,
// each with the pattern the error must match — the entry point and the argument's name. A case is judged:
//   valid    → must return, and pass its check           (else: "wrong result" or "unexpected error")
//   mutated  → must throw an LstmTsError matching        (else: "silent acceptance" or "vague error")
// A crash of the child or a case running past its time limit fails the whole suite with the case printed.
import * as lt from '../../src/index.js';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Args = { [k: string]: Json };

/** The dice of one case (xoshiro128** through lt.Random, so a case is a pure function of its seed). */
export class Dice {
  constructor(readonly r: lt.Random) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r.uniform() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r.uniform() * xs.length)];
  }
  coin(p = 0.5): boolean {
    return this.r.uniform() < p;
  }
  floats(n: number, scale = 1): number[] {
    return Array.from({ length: n }, () => Math.round((this.r.uniform() * 2 - 1) * scale * 1000) / 1000);
  }
}

export interface Mutation {
  name: string;
  /** Returns the broken arguments (a modified copy). */
  apply(a: Args, d: Dice): Args;
  /** What the error must say: the entry point and the argument. */
  expect: RegExp;
}

export interface Entry {
  name: string;
  valid(d: Dice): Args;
  call(a: Args): unknown;
  /** For a valid call: null when the result is right, else what is wrong. */
  check?(result: unknown, a: Args): string | null;
  bad: Mutation[];
}

const clone = (a: Args): Args => JSON.parse(JSON.stringify(a)) as Args;
const with_ = (patch: (a: Args, d: Dice) => void) => (a: Args, d: Dice): Args => {
  const c = clone(a);
  patch(c, d);
  return c;
};
const prod = (s: number[]): number => s.reduce((x, y) => x * y, 1);
const shapeIs = (t: unknown, s: number[]): string | null =>
  t instanceof lt.Tensor && t.shape.length === s.length && t.shape.every((v, i) => v === s[i]) ? null
    : `expected shape [${s.join(', ')}], got ${t instanceof lt.Tensor ? `[${t.shape.join(', ')}]` : typeof t}`;
const finite = (t: unknown): string | null =>
  t instanceof lt.Tensor && t.toFlatArray().every(Number.isFinite) ? null : 'non-finite values in a valid result';
const both = (...xs: (string | null)[]): string | null => xs.find((x) => x !== null) ?? null;
const randT = (shape: number[], seed: number, dtype: lt.DType = 'float32'): lt.Tensor => lt.randomUniform(shape, -1, 1, { seed, dtype });

/**
 * Mutations every options object gets: the snake_case twin of a real camelCase key (what a Keras user types),
 * a misspelling, an unknown key. `realKey` says which key of the generated args to twist.
 */
function optionMutations(where: RegExp, label: string, realKey: (a: Args) => string, path: string[] = ['opts']): Mutation[] {
  const at = (a: Args): Args => path.reduce((o, k) => (o as Args)[k] as Args, a);
  const snake = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return [
    { name: `${label}: snake_case key`, apply: with_((a) => { at(a)[snake(realKey(a))] = true; }), expect: new RegExp(`${where.source}: unknown \\w+ '[a-z]+(_[a-z]+)+'; did you mean '[a-z]+([A-Z][a-z]+)+'`) },
    { name: `${label}: misspelt key`, apply: with_((a) => { at(a)[realKey(a).slice(0, -1)] = 1; }), expect: new RegExp(`${where.source}: unknown \\w+ '\\w+'; did you mean '\\w+'`) },
    { name: `${label}: unknown key`, apply: with_((a) => { at(a).frobnicate = 1; }), expect: new RegExp(`${where.source}: unknown \\w+ 'frobnicate' \\(known`) },
  ];
}

/** JSON has no NaN or undefined: 'NaN' and '__undefined__' strings stand for them in generated args. */
export function revive<T>(v: T): T {
  if (v === 'NaN') return NaN as unknown as T;
  if (v === '__undefined__') return undefined as unknown as T;
  if (Array.isArray(v)) return v.map(revive) as unknown as T;
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const r = revive(x);
      if (r !== undefined) o[k] = r;
    }
    return o as T;
  }
  return v;
}

// ------------------------------------------------------------------------------------------ tensors, ops

const tensorEntry: Entry = {
  name: 'tensor',
  valid: (d) => {
    const shape = [d.int(1, 3), d.int(1, 4)];
    const form = d.pick(['nested', 'flat-opts', 'positional', 'typed']);
    return { shape, form, values: d.floats(prod(shape)), dtype: d.pick(['float32', 'float64']) };
  },
  call: (a) => {
    const shape = a.shape as number[];
    const v = a.values as number[];
    const dtype = a.dtype as lt.DType;
    const nested = (): lt.NestedArray => Array.from({ length: shape[0] }, (_, i) => v.slice(i * shape[1], (i + 1) * shape[1]));
    switch (a.form) {
      case 'nested': return lt.tensor(nested(), { dtype });
      case 'flat-opts': return lt.tensor(v, { shape, dtype });
      case 'positional': return lt.tensor(v, shape, dtype);
      case 'typed': return lt.tensor(Float64Array.from(v), { shape, dtype });
      case 'second-number': return lt.tensor(v, 3 as never);
      case 'bad-dtype': return lt.tensor(v, shape, a.badDtype as lt.DType);
      case 'string-value': return lt.tensor([...v.slice(1), 'a' as never]);
      case 'null': return lt.tensor(null as never);
      case 'opts-typo': return lt.tensor(v, { shape, dtyp: dtype } as never);
      case 'mismatch': return lt.tensor(v, [shape[0] + 1, shape[1]]);
      default: throw new Error(`unknown form ${String(a.form)}`);
    }
  },
  check: (t, a) => both(shapeIs(t, a.shape as number[]), (t as lt.Tensor).dtype === a.dtype ? null : 'wrong dtype',
    (t as lt.Tensor).toFlatArray().every((x, i) => x === ((a.dtype === 'float32') ? Math.fround((a.values as number[])[i]) : (a.values as number[])[i])) ? null : 'values changed'),
  bad: [
    { name: 'a number as second argument', apply: with_((a) => { a.form = 'second-number'; }), expect: /tensor: the second argument must be a shape/ },
    { name: "dtype 'int32'", apply: with_((a) => { a.form = 'bad-dtype'; a.badDtype = 'int32'; }), expect: /tensor: dtype must be 'float32' or 'float64'.*int32/ },
    { name: 'a string among the values', apply: with_((a) => { a.form = 'string-value'; }), expect: /tensor: values\[\d+\] must be a number, got 'a'/ },
    { name: 'null values', apply: with_((a) => { a.form = 'null'; }), expect: /tensor: values must be/ },
    { name: 'misspelt option', apply: with_((a) => { a.form = 'opts-typo'; }), expect: /tensor: unknown option 'dtyp'; did you mean 'dtype'/ },
    { name: 'shape that does not fit', apply: with_((a) => { a.form = 'mismatch'; }), expect: /tensor: .*do not fill shape/ },
  ],
};

const creationEntry: Entry = {
  name: 'full/scalar/random',
  valid: (d) => ({ fn: d.pick(['full', 'scalar', 'randomUniform', 'randomNormal']), shape: [d.int(0, 3), d.int(1, 3)], value: d.floats(1)[0], seed: d.int(0, 99) }),
  call: (a) => {
    const s = a.shape as number[];
    switch (a.fn) {
      case 'full': return lt.full(s, a.value as number);
      case 'scalar': return lt.scalar(a.value as number);
      case 'randomUniform': return lt.randomUniform(s, a.value as number, (a.value as number) + 1, { seed: a.seed as number });
      case 'randomNormal': return lt.randomNormal(s, a.value as number, 1, { seed: a.seed as number });
      default: throw new Error('?');
    }
  },
  check: (t, a) => (a.fn === 'scalar' ? shapeIs(t, []) : shapeIs(t, a.shape as number[])),
  bad: [
    { name: 'value a string', apply: with_((a) => { a.value = 'x'; }), expect: /(full|scalar|randomUniform|randomNormal): (value|lo|mean) must be a number/ },
    { name: 'shape a string', apply: with_((a) => { a.shape = 'abc'; a.fn = a.fn === 'scalar' ? 'full' : a.fn; }), expect: /(full|randomUniform|randomNormal): shape must be an array/ },
    { name: 'negative dimension', apply: with_((a) => { (a.shape as number[])[0] = -2; a.fn = a.fn === 'scalar' ? 'full' : a.fn; }), expect: /shape must be a shape of non-negative integers/ },
    { name: 'absurd size', apply: with_((a) => { a.shape = [100000, 100000]; a.fn = 'full'; }), expect: /full: a tensor of shape \[100000, 100000\] would hold 1.000e\+10 elements/ },
  ],
};

const binaryOps = ['add', 'sub', 'mul', 'div', 'matmul'] as const;
const opsEntry: Entry = {
  name: 'ops',
  valid: (d) => {
    const op = d.pick([...binaryOps, 'reshape', 'transpose', 'concat', 'softmax', 'sum', 'split']);
    const m = d.int(1, 3);
    const n = d.int(1, 3);
    return { op, a: [m, n], b: op === 'matmul' ? [n, d.int(1, 3)] : [m, n], seed: d.int(0, 999) };
  },
  call: (a) => {
    const A = a.a === null ? (null as never) : randT(a.a as number[], a.seed as number);
    const B = a.b === null ? (null as never) : randT(a.b as number[], (a.seed as number) + 1, (a.bDtype as lt.DType) ?? 'float32');
    const ax = (a.axis as number) ?? 0;
    switch (a.op) {
      case 'add': return lt.ops.add(A, B);
      case 'sub': return lt.ops.sub(A, B);
      case 'mul': return lt.ops.mul(A, B);
      case 'div': return lt.ops.div(A, B);
      case 'matmul': return lt.ops.matmul(A, B);
      case 'reshape': return lt.ops.reshape(A, (a.target as number[]) ?? [-1]);
      case 'transpose': return lt.ops.transpose(A, (a.perm as number[]) ?? [1, 0]);
      case 'concat': return lt.ops.concat([A, B], ax);
      case 'softmax': return lt.ops.softmax(A, (a.axis as number) ?? -1);
      case 'sum': return lt.ops.sum(A, ax);
      case 'split': return lt.ops.split(A, A === null ? [1] : [1, A.shape[0] - 1].filter((x) => x > 0), 0);
      default: throw new Error('?');
    }
  },
  check: (r, a) => {
    const [m, n] = a.a as number[];
    const want: Record<string, number[]> = { matmul: [m, (a.b as number[])[1]], reshape: [m * n], transpose: [n, m], concat: [2 * m, n], sum: [n], softmax: [m, n] };
    if (a.op === 'split') return Array.isArray(r) && r.length >= 1 ? null : 'split returned no pieces';
    return both(shapeIs(r, want[a.op as string] ?? [m, n]), finite(r));
  },
  bad: [
    { name: 'null first operand', apply: with_((a) => { a.a = null; }), expect: /(add|sub|mul|div|matmul|reshape|transpose|concat|softmax|sum|split): .*(Tensor|tensor)/ },
    { name: 'shapes that do not broadcast / multiply', apply: with_((a) => {
      // no size-1 dimension, so nothing broadcasts; matmul's inner dimensions 3 vs 4
      a.a = [2, 3];
      if (a.op === 'matmul') a.b = [4, 2];
      else { a.op = 'add'; a.b = [2, 4]; }
    }), expect: /(add|matmul): .*(broadcast|inner dimensions|shape)/ },
    { name: 'dtypes differ', apply: with_((a) => { a.op = 'mul'; a.bDtype = 'float64'; }), expect: /mul: .*dtype/ },
    { name: 'axis out of range', apply: with_((a) => { a.op = 'concat'; a.axis = 5; }), expect: /concat: axis/ },
    { name: 'reshape to a wrong size', apply: with_((a) => { a.op = 'reshape'; a.target = [prod(a.a as number[]) + 1]; }), expect: /reshape: cannot reshape/ },
    { name: 'bad permutation', apply: with_((a) => { a.op = 'transpose'; a.perm = [0, 0]; }), expect: /transpose: .*perm/ },
  ],
};

// ------------------------------------------------------------------------------------------------ layers

interface LayerSpec { cls: string; opts: Args; input: number[]; kwargs?: Args; wantShape: (a: Args) => number[] }
const B = 2;
const T = 3;
const layerSpecs = (d: Dice): LayerSpec => {
  const units = d.int(1, 4);
  const F = d.int(1, 3);
  const rs = d.coin();
  const rnnOut = (a: Args): number[] => ((a.opts as Args).returnSequences ? [B, T, (a.opts as Args).units as number] : [B, (a.opts as Args).units as number]);
  return d.pick<LayerSpec>([
    { cls: 'Dense', opts: { units, activation: d.pick(['tanh', 'relu', 'linear']) }, input: [B, T, F], wantShape: (a) => [B, T, (a.opts as Args).units as number] },
    { cls: 'Embedding', opts: { inputDim: 10, outputDim: units, maskZero: d.coin() }, input: [B, T], wantShape: (a) => [B, T, (a.opts as Args).outputDim as number] },
    { cls: 'Masking', opts: { maskValue: 0 }, input: [B, T, F], wantShape: (a) => a.input as number[] },
    { cls: 'Dropout', opts: { rate: 0.5, seed: 1 }, input: [B, T, F], wantShape: (a) => a.input as number[] },
    { cls: 'LSTM', opts: { units, returnSequences: rs, dropout: d.pick([0, 0.2]), unroll: d.coin(0.3), goBackwards: d.coin(0.3) }, input: [B, T, F], wantShape: rnnOut },
    { cls: 'SimpleRNN', opts: { units, returnSequences: rs, activation: d.pick(['tanh', 'relu']) }, input: [B, T, F], wantShape: rnnOut },
    { cls: 'LSTMCell', opts: { units, recurrentDropout: 0 }, input: [B, F], wantShape: (a) => [B, (a.opts as Args).units as number] },
    { cls: 'SimpleRNNCell', opts: { units }, input: [B, F], wantShape: (a) => [B, (a.opts as Args).units as number] },
  ]);
};

/** A camelCase option of each layer class, for the snake_case / misspelling mutations. */
const CAMEL_KEY: Record<string, string> = {
  Dense: 'useBias', Embedding: 'maskZero', Masking: 'maskValue', Dropout: 'noiseShape', LSTM: 'returnSequences',
  SimpleRNN: 'returnSequences', LSTMCell: 'recurrentDropout', SimpleRNNCell: 'recurrentDropout',
};

function makeLayer(a: Args): lt.keras.Layer {
  const L = lt.keras.layers as unknown as Record<string, new (o: unknown) => lt.keras.Layer>;
  return new L[a.cls as string](revive(a.opts));
}

const layerEntry: Entry = {
  name: 'layer constructor + call',
  valid: (d) => {
    const s = layerSpecs(d);
    return { cls: s.cls, opts: s.opts, input: s.input, kwargs: { training: d.coin() }, seed: d.int(0, 999) };
  },
  call: (a) => {
    lt.keras.clearSession();
    const layer = makeLayer(a);
    if (a.noCall) return layer;
    const shape = a.input as number[];
    const x = a.inputNull ? (null as never) : a.cls === 'Embedding'
      ? lt.tensor(Array.from({ length: prod(shape) }, (_, i) => i % 10), { shape })
      : randT(shape, a.seed as number, (a.inputDtype as lt.DType) ?? 'float32');
    const out = layer.apply(x, revive(a.kwargs) as lt.keras.CallArgs);
    return Array.isArray(out) ? out[0] : out;
  },
  check: (r, a) => {
    const spec = layerSpecsByClass[a.cls as string];
    return both(shapeIs(r, spec(a)), finite(r));
  },
  bad: [
    ...optionMutations(/(Dense|Embedding|Masking|Dropout|LSTM|SimpleRNN|LSTMCell|SimpleRNNCell)/, 'layer', (a) => CAMEL_KEY[a.cls as string]),
    { name: 'units = 0 / fractional / string', apply: with_((a, d) => { a.cls = d.pick(['LSTM', 'SimpleRNN', 'Dense', 'LSTMCell']); (a.opts as Args).units = d.pick<Json>([0, 2.5, '3', -1]); a.input = a.cls === 'LSTMCell' ? [B, 2] : [B, T, 2]; delete (a.opts as Args).inputDim; delete (a.opts as Args).outputDim; }), expect: /(LSTM|SimpleRNN|Dense|LSTMCell|SimpleRNNCell).*units/ },
    { name: 'boolean option as string', apply: with_((a) => { a.cls = 'LSTM'; a.opts = { units: 2, returnSequences: 'yes' }; a.input = [B, T, 2]; }), expect: /LSTM: returnSequences must be true or false/ },
    { name: 'dropout an array', apply: with_((a) => { a.cls = 'SimpleRNN'; a.opts = { units: 2, dropout: [0.1] }; a.input = [B, T, 2]; }), expect: /SimpleRNNCell: dropout must be a number/ },
    { name: 'batchInputShape a string', apply: with_((a) => { (a.opts as Args).batchInputShape = 'abc'; a.noCall = true; }), expect: /\w+: batchInputShape must be an array/ },
    { name: 'batchInputShape fractional', apply: with_((a) => { (a.opts as Args).batchInputShape = [2.5, 4, 3]; a.noCall = true; }), expect: /\w+: batchInputShape must be an array of non-negative integers/ },
    { name: 'activation in capitals', apply: with_((a) => { a.cls = 'Dense'; a.opts = { units: 2, activation: 'TANH' }; a.input = [B, 3]; }), expect: /activations.get: Unknown activation function 'TANH'/ },
    { name: 'regularizer config with a string', apply: with_((a) => { a.cls = 'Dense'; a.opts = { units: 2, kernelRegularizer: { class_name: 'L2', config: { l2: 'x' } } }; a.input = [B, 3]; }), expect: /regularizer: config key l2 must be a non-negative number/ },
    { name: 'unknown call argument', apply: with_((a) => { (a.kwargs as Args).initial_state = []; }), expect: /\w+\.apply: unknown call argument 'initial_state'; did you mean 'initialState'/ },
    { name: 'training a string', apply: with_((a) => { (a.kwargs as Args).training = 'yes'; }), expect: /\w+\.apply: training must be true or false/ },
    { name: 'null input', apply: with_((a) => { a.inputNull = true; }), expect: /\w+\.apply: inputs must be a Tensor/ },
    { name: 'input of another dtype', apply: with_((a) => { if (a.cls === 'Embedding' || a.cls === 'Masking' || a.cls === 'Dropout') { a.cls = 'SimpleRNN'; a.opts = { units: 2 }; a.input = [B, T, 2]; } a.inputDtype = 'float64'; }), expect: /\w+: (the )?input (dtype )?(is )?float64/ },
    { name: 'rank-1 input to Dense', apply: with_((a) => { a.cls = 'Dense'; a.opts = { units: 2 }; a.input = [3]; }), expect: /dense\w*: Input of layer 'dense\w*' is incompatible with the layer: expected min_ndim=2, found ndim=1/ },
    { name: 'absurd sizes', apply: with_((a, d) => { const c = d.pick(['Embedding', 'Dense', 'LSTM']); a.cls = c; a.opts = c === 'Embedding' ? { inputDim: 1e9, outputDim: 16 } : { units: 1e9 }; a.input = c === 'Embedding' ? [B, T] : [B, T, 4]; }), expect: /\w+: weight '(embeddings|kernel|recurrent_kernel)' of shape .* would hold .* elements .*GiB/ },
  ],
};
const layerSpecsByClass: Record<string, (a: Args) => number[]> = {
  Dense: (a) => [...(a.input as number[]).slice(0, -1), (a.opts as Args).units as number],
  Embedding: (a) => [...(a.input as number[]), (a.opts as Args).outputDim as number],
  Masking: (a) => a.input as number[],
  Dropout: (a) => a.input as number[],
  LSTM: (a) => ((a.opts as Args).returnSequences ? [B, T, (a.opts as Args).units as number] : [B, (a.opts as Args).units as number]),
  SimpleRNN: (a) => ((a.opts as Args).returnSequences ? [B, T, (a.opts as Args).units as number] : [B, (a.opts as Args).units as number]),
  LSTMCell: (a) => [B, (a.opts as Args).units as number],
  SimpleRNNCell: (a) => [B, (a.opts as Args).units as number],
};

const wrapperEntry: Entry = {
  name: 'RNN / Bidirectional / TimeDistributed',
  valid: (d) => ({ kind: d.pick(['RNN', 'Bidirectional', 'TimeDistributed']), units: d.int(1, 3), mergeMode: d.pick(['concat', 'sum', 'ave', 'mul']), opts: {} }),
  call: (a) => {
    lt.keras.clearSession();
    const L = lt.keras.layers;
    const u = a.units as number;
    const extra = revive(a.opts) as Record<string, unknown>;
    const layer = a.kind === 'RNN' ? new L.RNN({ cell: [new L.LSTMCell({ units: u }), new L.SimpleRNNCell({ units: u })], ...extra })
      : a.kind === 'Bidirectional' ? new L.Bidirectional({ layer: new L.LSTM({ units: u }), mergeMode: a.mergeMode as 'sum', ...extra })
        : new L.TimeDistributed({ layer: new L.Dense({ units: u }), ...extra });
    return layer.apply(randT([B, T, 2], 3), revive(a.kwargs ?? {}) as lt.keras.CallArgs);
  },
  check: (r, a) => shapeIs(r, a.kind === 'RNN' ? [B, a.units as number] : a.kind === 'TimeDistributed' ? [B, T, a.units as number]
    : [B, (a.mergeMode === 'concat' ? 2 : 1) * (a.units as number)]),
  bad: [
    ...optionMutations(/(RNN|Bidirectional|TimeDistributed)/, 'wrapper', (a) => ({ RNN: 'returnSequences', Bidirectional: 'mergeMode', TimeDistributed: 'batchSize' })[a.kind as string]!),
    { name: 'mergeMode unknown', apply: with_((a) => { a.kind = 'Bidirectional'; (a.opts as Args).mergeMode = 'max'; }), expect: /Bidirectional: .*merge/i },
    { name: 'returnState a string', apply: with_((a) => { a.kind = 'RNN'; (a.opts as Args).returnState = 'no'; }), expect: /RNN: returnState must be true or false/ },
  ],
};

// ------------------------------------------------------------------------------------------- lstmSequence

const seqEntry = (backend: 'ts' | 'native-cpu'): Entry => ({
  name: `lstmSequence (${backend})`,
  valid: (d) => ({ T: d.int(1, 4), B: d.int(1, 3), I: d.int(1, 3), H: d.int(1, 3), backend, goBackwards: d.coin(), lens: d.coin(), opts: {} }),
  call: (a) => {
    const [Tn, Bn, In, Hn] = [a.T, a.B, a.I, a.H] as number[];
    const o = revive(a.opts) as Record<string, unknown>;
    const seqLengths = a.lens ? Array.from({ length: Bn }, (_, b) => (b % Tn) + 1) : undefined;
    const r = lt.lstmSequence(randT([Tn, Bn, In], 1), randT([Bn, Hn], 2), randT([Bn, Hn], 3), randT([In, 4 * Hn], 4),
      a.badRecurrent ? randT([Hn + 1, 4 * Hn], 5) : randT([Hn, 4 * Hn], 5), randT([4 * Hn], 6),
      { backend: a.backend as 'ts', goBackwards: a.goBackwards as boolean, seqLengths, ...o });
    return r[0];
  },
  check: (r, a) => both(shapeIs(r, [a.T, a.B, a.H] as number[]), finite(r)),
  bad: [
    ...optionMutations(/lstmSequence/, 'lstmSequence', () => 'goBackwards'),
    { name: 'backend unknown name', apply: with_((a) => { a.backend = 'gpu'; }), expect: /lstmSequence: backend must be one of/ },
    { name: 'goBackwards a string', apply: with_((a) => { (a.opts as Args).goBackwards = 'yes'; }), expect: /lstmSequence: goBackwards must be true or false/ },
    { name: 'seqLengths too long', apply: with_((a) => { (a.opts as Args).seqLengths = [99]; }), expect: /lstmSequence: seqLengths/ },
    { name: 'recurrentKernel of the wrong shape', apply: with_((a) => { a.badRecurrent = true; }), expect: /lstmSequence: recurrentKernel must have shape/ },
  ],
});

// --------------------------------------------------------------------------------------------- training

function smallModel(a: Args): lt.keras.Sequential {
  lt.keras.clearSession();
  const L = lt.keras.layers;
  return new lt.keras.Sequential([new L.LSTM({ units: 2, kernelInitializer: lt.keras.initializers.glorotUniform({ seed: 1 }) }), new L.Dense({ units: 1 })]);
}
const trainEntry: Entry = {
  name: 'Sequential compile/fit/evaluate/predict/trainOnBatch',
  valid: (d) => ({ n: d.int(2, 6), method: d.pick(['fit', 'evaluate', 'predict', 'trainOnBatch']), compile: { optimizer: d.pick(['sgd', 'adam', 'rmsprop']), loss: d.pick(['mse', 'mae']) }, opts: { batchSize: d.int(1, 4) } }),
  call: (a) => {
    const m = smallModel(a);
    m.compile(revive(a.compile) as never);
    const n = a.n as number;
    const x = randT([n, 3, 2], 7);
    const y = randT([n, 1], 8);
    const o = revive(a.opts) as Record<string, unknown>;
    switch (a.method) {
      case 'fit': return m.fit(x, y, { epochs: 1, verbose: 0, ...o });
      case 'evaluate': return m.evaluate(x, y, o);
      case 'predict': return m.predict(x, o);
      case 'trainOnBatch': return m.trainOnBatch(x, y);
      default: throw new Error('?');
    }
  },
  check: (r, a) => {
    if (a.method === 'predict') return shapeIs(r, [a.n as number, 1]);
    if (a.method === 'trainOnBatch') return Number.isFinite(r) ? null : 'loss not finite';
    if (a.method === 'evaluate') return Number.isFinite((r as { loss: number }).loss) ? null : 'loss not finite';
    const h = (r as lt.keras.History).history.loss;
    return h && h.length === 1 && Number.isFinite(h[0]) ? null : 'history.loss wrong';
  },
  bad: [
    { name: 'batchSize 0', apply: with_((a, d) => { a.method = d.pick(['fit', 'evaluate', 'predict']); (a.opts as Args).batchSize = 0; }), expect: /(fit|evaluate|predict): batchSize must be an integer ≥ 1, got 0/ },
    { name: 'batchSize a string', apply: with_((a, d) => { a.method = d.pick(['fit', 'evaluate', 'predict']); (a.opts as Args).batchSize = '4'; }), expect: /(fit|evaluate|predict): batchSize must be an integer/ },
    { name: 'snake_case batch_size', apply: with_((a, d) => { a.method = d.pick(['fit', 'evaluate', 'predict']); delete (a.opts as Args).batchSize; (a.opts as Args).batch_size = 2; }), expect: /(fit|evaluate|predict): unknown option 'batch_size'; did you mean 'batchSize'/ },
    { name: 'compile weighted_metrics', apply: with_((a) => { (a.compile as Args).weighted_metrics = ['mae']; }), expect: /Sequential.compile: unknown option 'weighted_metrics'; did you mean 'weightedMetrics'/ },
    { name: 'compile weightedMetrics a typo', apply: with_((a) => { a.method = 'fit'; (a.compile as Args).weightedMetrics = ['maee']; }), expect: /unknown metric 'maee'; did you mean 'mae'/ },
    { name: 'compile metrics a number', apply: with_((a) => { (a.compile as Args).metrics = 3; }), expect: /Sequential.compile: metrics must be an array of metrics/ },
    { name: 'optimizer unknown', apply: with_((a) => { (a.compile as Args).optimizer = 'adamm'; }), expect: /optimizer.*adamm/ },
    { name: 'validationSplit a string', apply: with_((a) => { a.method = 'fit'; (a.opts as Args).validationSplit = '0.2'; }), expect: /fit: validationSplit must be a number/ },
    { name: "classWeight {0: 'a'}", apply: with_((a) => { a.method = 'fit'; (a.opts as Args).classWeight = { 0: 'a' }; }), expect: /fit: classWeight\[0\] must be a finite number/ },
    { name: "callbacks ['nope']", apply: with_((a) => { a.method = 'fit'; (a.opts as Args).callbacks = ['nope']; }), expect: /fit: callbacks\[0\] must be a Callback/ },
    { name: 'epochs -1', apply: with_((a) => { a.method = 'fit'; (a.opts as Args).epochs = -1; }), expect: /fit: epochs must be an integer ≥ 0/ },
  ],
};

// The layers around recurrent models (issue #15): each valid call checks the output shape Keras gives.
const aroundSpecs: Record<string, { opts: (d: Dice) => Args; input: number[]; out: (a: Args) => number[] }> = {
  SeparableConv1D: { opts: (d) => ({ filters: d.int(1, 4), kernelSize: d.int(1, 3), padding: 'same', depthMultiplier: d.int(1, 3) }), input: [B, T, 2], out: (a) => [B, T, (a.opts as Args).filters as number] },
  DepthwiseConv1D: { opts: (d) => ({ kernelSize: d.int(1, 3), padding: 'same', depthMultiplier: d.int(1, 3) }), input: [B, T, 2], out: (a) => [B, T, 2 * ((a.opts as Args).depthMultiplier as number)] },
  Conv1DTranspose: { opts: (d) => ({ filters: d.int(1, 4), kernelSize: d.int(1, 3), strides: 2, padding: 'same' }), input: [B, T, 2], out: (a) => [B, 2 * T, (a.opts as Args).filters as number] },
  ConvLSTM1D: { opts: (d) => ({ filters: d.int(1, 3), kernelSize: d.int(1, 3), padding: 'same', returnSequences: d.coin() }), input: [B, T, 4, 2],
    out: (a) => ((a.opts as Args).returnSequences ? [B, T, 4, (a.opts as Args).filters as number] : [B, 4, (a.opts as Args).filters as number]) },
  BatchNormalization: { opts: (d) => ({ momentum: d.pick([0.5, 0.9, 0.99]), center: d.coin() }), input: [B, T, 3], out: () => [B, T, 3] },
};
const aroundEntry: Entry = {
  name: 'layers around RNNs (conv variants, ConvLSTM1D, BatchNormalization)',
  valid: (d) => {
    const cls = d.pick(Object.keys(aroundSpecs));
    return { cls, opts: aroundSpecs[cls].opts(d), training: d.coin(), seed: d.int(0, 999) };
  },
  call: (a) => {
    lt.keras.clearSession();
    const layer = makeLayer(a);
    const shape = a.rank3 ? [B, T, 2] : aroundSpecs[a.cls as string].input;
    return layer.apply(randT(shape, a.seed as number), { training: a.training as boolean });
  },
  check: (r, a) => both(shapeIs(r, aroundSpecs[a.cls as string].out(a)), finite(r)),
  bad: [
    ...optionMutations(/(SeparableConv1D|DepthwiseConv1D|Conv1DTranspose|ConvLSTM1D|BatchNormalization)/, 'layer',
      (a) => (a.cls === 'DepthwiseConv1D' ? 'depthMultiplier' : a.cls === 'BatchNormalization' ? 'betaInitializer' : 'kernelSize')),
    { name: 'padding causal where Keras refuses it', apply: with_((a, d) => { a.cls = d.pick(['SeparableConv1D', 'DepthwiseConv1D', 'Conv1DTranspose', 'ConvLSTM1D']); a.opts = { ...aroundSpecs[a.cls as string].opts(d), padding: 'causal' }; }), expect: /(SeparableConv1D|DepthwiseConv1D|Conv1DTranspose|ConvLSTM1D): padding must be one of/ },
    { name: 'kernelSize 0', apply: with_((a, d) => { a.cls = d.pick(['SeparableConv1D', 'DepthwiseConv1D', 'Conv1DTranspose', 'ConvLSTM1D']); a.opts = { ...aroundSpecs[a.cls as string].opts(d), kernelSize: 0 }; }), expect: /(SeparableConv1D|DepthwiseConv1D|Conv1DTranspose|ConvLSTM1D): kernelSize must be an integer ≥ 1/ },
    { name: 'outputPadding ≥ strides', apply: with_((a) => { a.cls = 'Conv1DTranspose'; a.opts = { filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 }; }), expect: /Conv1DTranspose: `output_padding` must be strictly less than `strides`/ },
    { name: 'ConvLSTM1D on a rank-3 input', apply: with_((a) => { a.cls = 'ConvLSTM1D'; a.opts = { filters: 2, kernelSize: 2 }; a.rank3 = true; }), expect: /conv_lstm1d\w*: Input of layer 'conv_lstm1d\w*' is incompatible with the layer: expected ndim=4/ },
  ],
};

const OPTIMIZERS = ['SGD', 'Adam', 'RMSprop', 'AdamW', 'Adagrad', 'Adadelta', 'Adamax', 'Nadam', 'Ftrl', 'Lion'];
const CALLBACKS = ['EarlyStopping', 'ReduceLROnPlateau', 'TerminateOnNaN'];
const METRICS = ['AUC', 'Precision', 'Recall', 'BinaryAccuracy', 'RootMeanSquaredError'];
const optimizerEntry: Entry = {
  name: 'optimizers / losses / callbacks',
  valid: (d) => ({ what: d.pick([...OPTIMIZERS, 'MeanSquaredError', 'BinaryCrossentropy', 'BinaryFocalCrossentropy', 'CategoricalFocalCrossentropy', ...CALLBACKS, ...METRICS]), opts: {} }),
  call: (a) => {
    const k = lt.keras as unknown as Record<string, Record<string, new (o: unknown) => unknown>>;
    const w = a.what as string;
    const group = OPTIMIZERS.includes(w) ? 'optimizers' : CALLBACKS.includes(w) ? 'callbacks' : METRICS.includes(w) ? 'metrics' : 'losses';
    return new k[group][w](revive(a.opts));
  },
  check: (r) => (r !== null && typeof r === 'object' ? null : 'no object'),
  bad: [
    { name: 'learningRate a string', apply: with_((a, d) => { a.what = d.pick(['SGD', 'Adam', 'RMSprop']); (a.opts as Args).learningRate = '0.1'; }), expect: /(SGD|Adam|RMSprop): learningRate must be a number/ },
    { name: 'snake_case learning_rate', apply: with_((a, d) => { a.what = d.pick(['SGD', 'Adam', 'RMSprop', 'AdamW']); (a.opts as Args).learning_rate = 0.1; }), expect: /(SGD|Adam|RMSprop|AdamW): unknown option 'learning_rate'; did you mean 'learningRate'/ },
    { name: 'momentum a string', apply: with_((a) => { a.what = 'SGD'; (a.opts as Args).momentum = 'x'; }), expect: /SGD: momentum must be a number/ },
    { name: 'loss fromLogits a string', apply: with_((a) => { a.what = 'BinaryCrossentropy'; (a.opts as Args).fromLogits = 'yes'; }), expect: /BinaryCrossentropy: fromLogits must be true or false/ },
    { name: 'EarlyStopping typo', apply: with_((a) => { a.what = 'EarlyStopping'; (a.opts as Args).patiance = 2; }), expect: /EarlyStopping: unknown option 'patiance'; did you mean 'patience'/ },
    { name: 'new optimizers: snake_case key', apply: with_((a, d) => { a.what = d.pick(['Adagrad', 'Adadelta', 'Adamax', 'Nadam', 'Ftrl', 'Lion']); (a.opts as Args).learning_rate = 0.1; }), expect: /(Adagrad|Adadelta|Adamax|Nadam|Ftrl|Lion): unknown option 'learning_rate'; did you mean 'learningRate'/ },
    { name: 'focal gamma a string', apply: with_((a, d) => { a.what = d.pick(['BinaryFocalCrossentropy', 'CategoricalFocalCrossentropy']); (a.opts as Args).gamma = 'two'; }), expect: /(BinaryFocalCrossentropy|CategoricalFocalCrossentropy): gamma must be a number/ },
    { name: 'ReduceLROnPlateau factor ≥ 1', apply: with_((a) => { a.what = 'ReduceLROnPlateau'; (a.opts as Args).factor = 2; }), expect: /ReduceLROnPlateau: does not support a factor ≥ 1.0/ },
    { name: 'TerminateOnNaN typo', apply: with_((a) => { a.what = 'TerminateOnNaN'; (a.opts as Args).raise_error = true; }), expect: /TerminateOnNaN: unknown option 'raise_error'; did you mean 'raiseError'/ },
    { name: 'AUC numThresholds 1', apply: with_((a) => { a.what = 'AUC'; (a.opts as Args).numThresholds = 1; }), expect: /AUC: numThresholds must be an integer > 1/ },
    { name: 'Precision threshold outside [0, 1]', apply: with_((a, d) => { a.what = d.pick(['Precision', 'Recall']); (a.opts as Args).thresholds = 1.5; }), expect: /(Precision|Recall): threshold values must be in \[0, 1\]/ },
  ],
};

const initializerEntry: Entry = {
  name: 'initializers / constraints / regularizers',
  valid: (d) => ({ fn: d.pick(['glorotUniform', 'randomNormal', 'orthogonal', 'maxNorm', 'l2']), opts: {} }),
  call: (a) => {
    const o = revive(a.opts) as Record<string, unknown>;
    switch (a.fn) {
      case 'glorotUniform': return lt.keras.initializers.glorotUniform(o as never).call([3, 2]);
      case 'randomNormal': return lt.keras.initializers.randomNormal(o as never).call([3, 2]);
      case 'orthogonal': return lt.keras.initializers.orthogonal(o as never).call([3, 2]);
      case 'maxNorm': return lt.keras.constraints.maxNorm(o as never).call(randT([3, 2], 1));
      case 'l2': return new lt.keras.regularizers.L2(o as never).call(randT([3, 2], 1));
      default: throw new Error('?');
    }
  },
  check: (r, a) => shapeIs(r, a.fn === 'l2' ? [] : [3, 2]),
  bad: [
    { name: 'seed fractional', apply: with_((a) => { a.fn = 'glorotUniform'; (a.opts as Args).seed = 1.5; }), expect: /GlorotUniform: seed must be an integer/ },
    { name: 'seed misspelt', apply: with_((a, d) => { a.fn = d.pick(['glorotUniform', 'randomNormal', 'orthogonal']); (a.opts as Args).sed = 1; }), expect: /(GlorotUniform|RandomNormal|Orthogonal): unknown option 'sed'; did you mean 'seed'/ },
    { name: 'maxNorm lowercase maxvalue', apply: with_((a) => { a.fn = 'maxNorm'; (a.opts as Args).maxvalue = 2; }), expect: /MaxNorm: unknown option 'maxvalue'; did you mean 'maxValue'/ },
    { name: 'l2 a string', apply: with_((a) => { a.fn = 'l2'; (a.opts as Args).l2 = 'x'; }), expect: /regularizer: .*l2/ },
  ],
};

// ------------------------------------------------------------------------------------------- save / load

const saveEntry: Entry = {
  name: 'saveModel / loadModel',
  valid: (d) => ({ corrupt: null, seed: d.int(0, 99) }),
  call: (a) => {
    const dir = mkdtempSync(join(tmpdir(), 'lstm-ts-fuzz-'));
    try {
      const m = smallModel(a);
      const x = randT([2, 3, 2], a.seed as number);
      const before = m.predict(x);
      lt.keras.saveModel(m, dir);
      const mp = join(dir, 'manifest.json');
      const man = JSON.parse(readFileSync(mp, 'utf8')) as { weights: { offset: number; byte_length: number }[] };
      if (a.corrupt === 'shift') { man.weights[1].offset += 4; writeFileSync(mp, JSON.stringify(man)); }
      if (a.corrupt === 'overlap') { man.weights[1].offset -= 4; writeFileSync(mp, JSON.stringify(man)); }
      if (a.corrupt === 'flip') { const p = join(dir, 'weights.bin'); const b = readFileSync(p); b[5] ^= 0xff; writeFileSync(p, b); }
      if (a.corrupt === 'missing') rmSync(join(dir, 'weights.bin'));
      const loaded = lt.keras.loadModel(a.corrupt === 'null-path' ? (null as never) : dir);
      const after = loaded.predict(x) as lt.Tensor;
      return before.toFlatArray().every((v, i) => v === after.data[i]) ? after : 'predictions differ';
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  check: (r) => (r instanceof lt.Tensor ? null : String(r)),
  bad: [
    { name: 'manifest range shifted', apply: with_((a) => { a.corrupt = 'shift'; }), expect: /loadModel: weight 1 .* starts at byte \d+ of weights.bin, but the previous weight ends at/ },
    { name: 'manifest ranges overlap', apply: with_((a) => { a.corrupt = 'overlap'; }), expect: /loadModel: weight 1 .* starts at byte/ },
    { name: 'a flipped byte in weights.bin', apply: with_((a) => { a.corrupt = 'flip'; }), expect: /loadModel: weight 0 .* CRC-32/ },
    { name: 'weights.bin missing', apply: with_((a) => { a.corrupt = 'missing'; }), expect: /loadModel: cannot read weights.bin/ },
    { name: 'null path', apply: with_((a) => { a.corrupt = 'null-path'; }), expect: /loadModel: dir must be the path/ },
  ],
};

// ------------------------------------------------------------------------------------------------- TF1

const tf1Entry: Entry = {
  name: 'tf1 cells + dynamicRnn / bidirectionalDynamicRnn',
  valid: (d) => ({ cell: d.pick(['BasicRNNCell', 'BasicLSTMCell', 'LSTMCell']), cellOpts: { numUnits: d.int(1, 3) }, bidi: d.coin(0.3), opts: { dtype: 'float32', timeMajor: false } }),
  call: (a) => {
    const C = lt.tf1.nn.rnn_cell as unknown as Record<string, new (o: unknown) => lt.tf1.nn.rnn_cell.RNNCell>;
    const mk = (): lt.tf1.nn.rnn_cell.RNNCell => new C[a.cell as string](revive(a.cellOpts));
    const x = randT([B, T, 2], 9);
    const o = revive(a.opts) as Record<string, unknown>;
    if (a.bidi) return lt.tf1.nn.bidirectionalDynamicRnn(mk(), mk(), x, o)[0][0];
    return lt.tf1.nn.dynamicRnn(mk(), x, o)[0];
  },
  check: (r, a) => both(shapeIs(r, [B, T, (a.cellOpts as Args).numUnits as number]), finite(r)),
  bad: [
    ...optionMutations(/(BasicRNNCell|BasicLSTMCell|LSTMCell)/, 'tf1 cell', () => 'numUnits', ['cellOpts']),
    ...optionMutations(/(dynamicRnn|bidirectionalDynamicRnn)/, 'dynamicRnn', () => 'timeMajor'),
    { name: 'numUnits a string', apply: with_((a) => { (a.cellOpts as Args).numUnits = '3'; }), expect: /(BasicRNNCell|BasicLSTMCell|LSTMCell): numUnits/ },
    { name: 'timeMajor a string', apply: with_((a) => { (a.opts as Args).timeMajor = 'no'; }), expect: /(dynamicRnn|bidirectionalDynamicRnn): timeMajor must be true or false/ },
    { name: 'cell options null', apply: with_((a) => { a.cellOpts = null; }), expect: /(BasicRNNCell|BasicLSTMCell|LSTMCell): expected an options object/ },
  ],
};

// --------------------------------------------------------------------------------------------- autodiff

const autodiffEntry: Entry = {
  name: 'backward',
  valid: (d) => ({ n: d.int(1, 4), seedDtype: 'float32', opts: {} }),
  call: (a) => {
    const w = lt.tensor(Array.from({ length: a.n as number }, (_, i) => i + 1), { requiresGrad: true });
    const y = lt.ops.mul(w, w);
    if (a.assignBetween) w.assign(Array.from({ length: a.n as number }, () => 5));
    y.backward(lt.ones([a.n as number], a.seedDtype as lt.DType), revive(a.opts) as lt.BackwardOptions);
    if (a.twice) y.backward(lt.ones([a.n as number]));
    return w.grad;
  },
  check: (g, a) => ((g as lt.Tensor).toFlatArray().every((v, i) => v === 2 * (i + 1)) ? null : `grad ${String((g as lt.Tensor).toFlatArray())} is not 2w`),
  bad: [
    { name: 'seed of another dtype', apply: with_((a) => { a.seedDtype = 'float64'; }), expect: /backward: seed dtype float64 does not match/ },
    { name: 'in-place write before backward', apply: with_((a) => { a.assignBetween = true; }), expect: /backward: input \d of op 'mul' .* was modified in place/ },
    { name: 'backward twice', apply: with_((a) => { a.twice = true; }), expect: /backward: trying to backward through op 'mul' a second time/ },
    { name: 'retain_graph typo', apply: with_((a) => { (a.opts as Args).retain_graph = true; }), expect: /backward: unknown option 'retain_graph'; did you mean 'retainGraph'/ },
  ],
};

// ------------------------------------------------------------------------------ merge / reshaping, Functional

const mergeEntry: Entry = {
  name: 'merge and reshaping layers',
  valid: (d) => ({ cls: d.pick(['Add', 'Multiply', 'Average', 'Maximum', 'Concatenate', 'Dot', 'RepeatVector', 'Flatten', 'Reshape', 'Permute', 'Activation']), D: d.int(1, 4), opts: {} }),
  call: (a) => {
    lt.keras.clearSession();
    const L = lt.keras.layers as unknown as Record<string, new (o: unknown) => lt.keras.Layer>;
    const D = a.D as number;
    const base: Record<string, Args> = { Dot: { axes: 1 }, RepeatVector: { n: 2 }, Reshape: { targetShape: [-1] }, Permute: { dims: [2, 1] }, Activation: { activation: 'tanh' } };
    const layer = new L[a.cls as string]({ ...(base[a.cls as string] ?? {}), ...(revive(a.opts) as Args) });
    const twoD = randT([B, D], 1);
    const threeD = randT([B, T, D], 2);
    switch (a.cls) {
      case 'RepeatVector': return layer.apply(twoD);
      case 'Flatten': case 'Reshape': case 'Permute': case 'Activation': return layer.apply(threeD);
      default: return layer.apply([twoD, a.mismatch ? randT([B, D + 1], 3) : randT([B, D], 3)]);
    }
  },
  check: (r, a) => {
    const D = a.D as number;
    const want: Record<string, number[]> = { Concatenate: [B, 2 * D], Dot: [B, 1], RepeatVector: [B, 2, D], Flatten: [B, T * D], Reshape: [B, T * D], Permute: [B, D, T], Activation: [B, T, D] };
    return both(shapeIs(r, want[a.cls as string] ?? [B, D]), finite(r));
  },
  bad: [
    ...optionMutations(/(Add|Multiply|Average|Maximum|Concatenate|Dot|RepeatVector|Flatten|Reshape|Permute|Activation)/, 'merge/reshape', () => 'batchSize'),
    { name: 'inputs that do not match', apply: with_((a, d) => { a.cls = d.pick(['Add', 'Dot']); a.mismatch = true; a.D = 2; }), expect: /(add|dot)\w*: .*(broadcast|Incompatible input shapes)/ },
    { name: 'Permute dims from 0', apply: with_((a) => { a.cls = 'Permute'; a.opts = { dims: [0, 1] }; }), expect: /Permute: Invalid permutation argument `dims`/ },
    { name: 'RepeatVector n a string', apply: with_((a) => { a.cls = 'RepeatVector'; a.opts = { n: '2' }; }), expect: /RepeatVector: n must be an integer/ },
    { name: 'Reshape to a wrong size', apply: with_((a) => { a.cls = 'Reshape'; a.opts = { targetShape: [7, 7, 7] }; }), expect: /reshape\w*: The total size of the tensor must be unchanged/ },
    { name: 'Dot axes null', apply: with_((a) => { a.cls = 'Dot'; a.opts = { axes: null }; }), expect: /Dot: axes must be an integer or a pair of integers \(required\)/ },
  ],
};

const functionalEntry: Entry = {
  name: 'Input / Model (Functional)',
  valid: (d) => ({ T: d.int(1, 4), units: d.int(1, 3), twoInputs: d.coin(), input: {}, model: {} }),
  call: (a) => {
    lt.keras.clearSession();
    const L = lt.keras.layers;
    const x = lt.keras.Input({ shape: [null, 2], ...(revive(a.input) as Args) } as lt.keras.InputArgs);
    const h = new L.LSTM({ units: a.units as number }).apply(x) as lt.keras.SymbolicTensor;
    const y = a.twoInputs ? (() => {
      const z = lt.keras.Input({ shape: [a.units as number] });
      return { inputs: [x, z], out: new L.Add().apply([h, z]) as lt.keras.SymbolicTensor };
    })() : { inputs: x, out: h };
    const m = new lt.keras.Model({ inputs: a.disconnected ? x : y.inputs, outputs: y.out, ...(revive(a.model) as Args) } as lt.keras.FunctionalArgs);
    const xs = [randT([B, a.T as number, a.badFeatures ? 3 : 2], 5), ...(a.twoInputs ? [randT([B, a.units as number], 6)] : [])];
    return m.apply(xs.length === 1 ? xs[0] : xs);
  },
  check: (r, a) => both(shapeIs(r, [B, a.units as number]), finite(r)),
  bad: [
    ...optionMutations(/Input/, 'Input', () => 'batchSize', ['input']),
    // Model's options have no camelCase key, so no snake_case twin to try
    ...optionMutations(/Model/, 'Model', () => 'outputs', ['model']).filter((m) => !m.name.includes('snake_case')),
    { name: 'a wrong feature size at run time', apply: with_((a) => { a.badFeatures = true; }), expect: /functional\w*: input 0 \('input_layer\w*'\) expects shape \[None, None, 2\], got/ },
    { name: 'graph disconnected', apply: with_((a) => { a.twoInputs = true; a.disconnected = true; }), expect: /Model: Graph disconnected: cannot obtain a value for the input/ },
    { name: 'Input shape a string', apply: with_((a) => { (a.input as Args).shape = 'abc'; }), expect: /Input: shape must be an array/ },
  ],
};

export function entries(opts: { nativeCpu: boolean }): Entry[] {
  return [tensorEntry, creationEntry, opsEntry, layerEntry, wrapperEntry, seqEntry('ts'), ...(opts.nativeCpu ? [seqEntry('native-cpu')] : []),
    trainEntry, optimizerEntry, aroundEntry, initializerEntry, saveEntry, tf1Entry, autodiffEntry, mergeEntry, functionalEntry];
}
