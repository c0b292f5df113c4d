// Which kernel runs an LSTM layer call, and why (design.md "Selection"; keras-tf-semantics.md §3.6, §5).
//
// The fused kernels (cuDNN, native CPU, pure-TS) all compute exactly the maths of types.ts, so they may run
// only where Keras itself would take its fused cuDNN path — the six rules Keras checks:
//   1. activation is tanh            2. recurrent_activation is sigmoid     3. recurrent_dropout == 0
//   4. unroll is false               5. use_bias is true
//   6. the mask is absent, or strictly right-padded (True…True False…False per row) with no fully masked row
// (rules 1–5: K2 lstm.py `_could_use_gpu_kernel`, K3 `cudnn_ok`; rule 6: K2 gru_lstm_utils
// `is_cudnn_supported_inputs`). A fully masked row is excluded because cuDNN fails on it
// (tensorflow/tensorflow#33148); we keep the rule for every fused kernel so that the choice never depends on
// which backends happen to be installed. On top of the rules each backend must be available (addon built,
// GPU present) and accept the call (the native ones need float32).
//
// 'auto' tries cudnn > native-cpu > ts (fused) and falls back to the generic cell loop. Forcing a backend
// ('native-cpu', 'cudnn') that cannot run throws, naming every reason — as Keras 3's `use_cudnn=True` raises
// instead of silently falling back. 'ts' means pure TypeScript: the fused TS kernel when the rules allow,
// else the generic loop.

import type { DType } from '../tensor/tensor.js';
import { Tensor } from '../tensor/tensor.js';
import { fail, shapeStr } from '../tensor/shape.js';
import type { LstmBackend, LstmBackendName, LstmSeqArgs, GruBackend, GruSeqArgs, SimpleRnnBackend, SimpleRnnSeqArgs } from './types.js';
import { tsLstmBackend } from './ts.js';
import { tsGruBackend } from './gru-ts.js';
import { tsSimpleRnnBackend } from './simple-rnn-ts.js';
import { tfBool } from '../ops/select.js';
import { optionKeys, checkOptions, describeValue } from '../util/options.js';

export type LstmBackendPreference = 'auto' | LstmBackendName;
export type LstmKernelName = LstmBackendName | 'generic';

/** A mask reduced to what selection and the fused kernels need (see maskToSeqLengths). */
export interface MaskSummary {
  /** Number of valid (true) steps per batch row. */
  lengths: Int32Array;
  /** Every row is True…True False…False (a row may be all True or all False). */
  rightPadded: boolean;
  /** Some row has no valid step at all. */
  fullyMaskedRow: boolean;
}

/**
 * What the Keras LSTM layer knows at call time. Activation names are Keras's serialised names
 * ('tanh', 'sigmoid', 'hard_sigmoid', 'linear' ...); pass null for None (= linear) and any other string
 * (e.g. 'custom') for a user function — only 'tanh' and 'sigmoid' qualify.
 */
export interface LstmSelectRequest {
  activation: string | null;
  recurrentActivation: string | null;
  recurrentDropout: number;
  unroll: boolean;
  useBias: boolean;
  /** The call's mask summarised by maskToSeqLengths; null/undefined when there is no mask. */
  mask?: MaskSummary | null;
  dtype: DType;
  /** Sizes of the call, handed to each backend's `rejects` (absurd sizes, memory limits ...). */
  dims?: { T: number; B: number; I: number; H: number };
  goBackwards?: boolean;
  zeroOutputForMask?: boolean;
  /** A backward pass will follow (gradients are being recorded): the addon is then called twice per call. */
  withBackward?: boolean;
  /** The user's choice (layer argument `backend`); default 'auto'. */
  backend?: LstmBackendPreference;
  /** Backends the user ruled out (never chosen by 'auto'; forcing one of them throws). */
  forbid?: readonly LstmBackendName[];
}

export interface LstmSelection {
  /** The fused backend to hand to lstmSequence, or null for the generic cell loop. */
  backend: LstmBackend | null;
  name: LstmKernelName;
  /** One line per option not taken, saying why, e.g. "cudnn: recurrent_dropout=0.2 (cuDNN needs 0)". */
  reasons: string[];
}

// ---------------------------------------------------------------------------------------------------------
// Registry: one per cell kind, the same code for all

/** The methods every fused backend of any cell kind has (types.ts LstmBackend, GruBackend, SimpleRnnBackend). */
interface AnyBackend<A> {
  readonly name: LstmBackendName;
  availability(): { ok: true } | { ok: false; reason: string };
  rejects(args: A): string | null;
}

/** The backends of one fused op ('lstm', 'gru', 'simpleRnn'), by name; 'ts' is always there. */
class KernelRegistry<B extends AnyBackend<unknown>> {
  private readonly map = new Map<LstmBackendName, B>();
  constructor(readonly kind: string, ts: B) {
    this.map.set('ts', ts);
  }
  register(where: string, backend: B): void {
    const valid: LstmBackendName[] = ['ts', 'native-cpu', 'cudnn'];
    if (!backend || !valid.includes(backend.name)) fail(where, `backend.name must be one of ${valid.join(', ')}, got ${String(backend?.name)}`);
    for (const m of ['availability', 'rejects', 'forward', 'backward'] as const) {
      if (typeof (backend as unknown as Record<string, unknown>)[m] !== 'function') fail(where, `backend '${backend.name}' has no ${m}() method`);
    }
    this.map.set(backend.name, backend);
  }
  get(name: LstmBackendName): B | undefined {
    return this.map.get(name);
  }
  unregister(where: string, name: LstmBackendName): void {
    if (name === 'ts') fail(where, "the pure-TS backend 'ts' is always registered");
    this.map.delete(name);
  }
}

const lstmRegistry = new KernelRegistry<LstmBackend>('LSTM', tsLstmBackend);
const gruRegistry = new KernelRegistry<GruBackend>('GRU', tsGruBackend);
const simpleRnnRegistry = new KernelRegistry<SimpleRnnBackend>('SimpleRNN', tsSimpleRnnBackend);

/** Registers (or replaces) a backend under its name; the native addon registers 'native-cpu' and 'cudnn'. */
export function registerLstmBackend(backend: LstmBackend): void {
  lstmRegistry.register('registerLstmBackend', backend);
}

/** The registered backend of that name, or undefined. */
export function getLstmBackend(name: LstmBackendName): LstmBackend | undefined {
  return lstmRegistry.get(name);
}

/** Removes a registered backend (tests; a native backend that failed to load). 'ts' cannot be removed. */
export function unregisterLstmBackend(name: LstmBackendName): void {
  lstmRegistry.unregister('unregisterLstmBackend', name);
}

export function registerGruBackend(backend: GruBackend): void {
  gruRegistry.register('registerGruBackend', backend);
}

export function getGruBackend(name: LstmBackendName): GruBackend | undefined {
  return gruRegistry.get(name);
}

export function unregisterGruBackend(name: LstmBackendName): void {
  gruRegistry.unregister('unregisterGruBackend', name);
}

export function registerSimpleRnnBackend(backend: SimpleRnnBackend): void {
  simpleRnnRegistry.register('registerSimpleRnnBackend', backend);
}

export function getSimpleRnnBackend(name: LstmBackendName): SimpleRnnBackend | undefined {
  return simpleRnnRegistry.get(name);
}

export function unregisterSimpleRnnBackend(name: LstmBackendName): void {
  simpleRnnRegistry.unregister('unregisterSimpleRnnBackend', name);
}

// ---------------------------------------------------------------------------------------------------------
// Mask → sequence lengths

/**
 * Reduces a Keras mask (1/true = valid step) to per-row lengths plus the two facts rule 6 needs.
 * `mask` is [B, T] (Keras's batch-major mask) or, with `timeMajor`, [T, B]. A Tensor (values 0/1) or nested
 * arrays of booleans/numbers. Any non-zero value counts as true, as tf.cast(mask, bool) does.
 */
export function maskToSeqLengths(mask: Tensor | ArrayLike<ArrayLike<number | boolean>>, opts: { timeMajor?: boolean } = {}): MaskSummary {
  const op = 'maskToSeqLengths';
  let rows: number;
  let cols: number;
  let at: (r: number, c: number) => boolean;
  if (mask instanceof Tensor) {
    if (mask.rank !== 2) fail(op, `mask must be 2-D ([B, T], or [T, B] with timeMajor), got shape ${shapeStr(mask.shape)}`);
    [rows, cols] = mask.shape;
    const d = mask.data;
    at = (r, c) => d[r * cols + c] !== 0;
  } else {
    if (!mask || typeof mask.length !== 'number') fail(op, 'mask must be a Tensor or a 2-D array');
    rows = mask.length;
    cols = rows > 0 ? mask[0].length : 0;
    for (let r = 0; r < rows; r++) {
      if (mask[r].length !== cols) fail(op, `mask rows must all have length ${cols}, row ${r} has ${mask[r].length}`);
    }
    at = (r, c) => tfBool(mask[r][c]);  // TF's cast to bool (NaN is true)
  }
  const B = opts.timeMajor ? cols : rows;
  const T = opts.timeMajor ? rows : cols;
  const valid = opts.timeMajor ? (b: number, t: number) => at(t, b) : (b: number, t: number) => at(b, t);
  const lengths = new Int32Array(B);
  let rightPadded = true;
  let fullyMaskedRow = false;
  for (let b = 0; b < B; b++) {
    let n = 0;
    for (let t = 0; t < T; t++) if (valid(b, t)) n++;
    lengths[b] = n;
    // Right-padded iff mask == sequence_mask(count_true(mask), T) (K2 is_sequence_right_padded).
    for (let t = 0; t < T && rightPadded; t++) if (valid(b, t) !== t < n) rightPadded = false;
    if (n === 0) fullyMaskedRow = true;
  }
  return { lengths, rightPadded, fullyMaskedRow };
}

// ---------------------------------------------------------------------------------------------------------
// Selection

function fmt(v: string | null): string {
  return v === null ? 'None' : `'${v}'`;
}

/** Keras's six rules; each failure in words a user understands. Empty = eligible. */
export function kerasFusedRuleFailures(req: LstmSelectRequest): string[] {
  const out: string[] = [];
  if (req.activation !== 'tanh') out.push(`activation=${fmt(req.activation)} (the fused kernel needs 'tanh')`);
  if (req.recurrentActivation !== 'sigmoid') {
    out.push(`recurrent_activation=${fmt(req.recurrentActivation)} (the fused kernel needs 'sigmoid')`);
  }
  if (req.recurrentDropout !== 0) out.push(`recurrent_dropout=${req.recurrentDropout} (the fused kernel needs 0)`);
  if (req.unroll) out.push('unroll=True (the fused kernel needs unroll=False)');
  if (!req.useBias) out.push('use_bias=False (the fused kernel needs a bias)');
  const m = req.mask;
  if (m) {
    if (!m.rightPadded) out.push('the mask is not strictly right-padded (each row must be valid steps then padding)');
    if (m.fullyMaskedRow) out.push('the mask has a fully masked row (a sequence of length 0; cuDNN rejects it, Keras uses the generic loop)');
  }
  return out;
}

function probeArgs(req: LstmSelectRequest): LstmSeqArgs {
  // Placeholder arrays: `rejects` judges from sizes, dtype and flags (types.ts), never from the data.
  const empty = req.dtype === 'float64' ? new Float64Array(0) : new Float32Array(0);
  const d = req.dims ?? { T: 1, B: 1, I: 1, H: 1 };
  return {
    ...d, dtype: req.dtype, x: empty, h0: empty, c0: empty, kernel: empty, recurrentKernel: empty, bias: empty,
    seqLengths: req.mask ? req.mask.lengths : null,
    goBackwards: req.goBackwards === true, zeroOutputForMask: req.zeroOutputForMask === true,
  };
}

const ORDER: LstmBackendName[] = ['cudnn', 'native-cpu', 'ts'];

/**
 * Below this many multiply-adds per call, T·B·(I+H)·gates·H, 'auto' prefers the fused TS kernel to native-cpu: the
 * addon's fixed cost per call (argument checks, copies into typed arrays, packing the weights) is then more than
 * the whole computation in JS. A call that will be differentiated (`withBackward`: the forward keeps its saved
 * state, then a second addon call runs the backward) has its own threshold: it pays that cost twice, but the TS
 * backward is also dearer per multiply-add than the TS forward (the SimpleRNN's most of all).
 * bench/small-calls.ts measures the crossover side by side (docs/benchmarks.md "Small calls", "Tiny calls"); it
 * differs by cell because the TS kernels spend different pointwise work per multiply-add (the SimpleRNN's is one
 * tanh per unit, the GRU's TS loop the most per step). No single count separates the two paths exactly: an
 * inference costs the addon ~2.7 µs per call against ~1 µs for the TS kernel, but less per step (the GRU's TS
 * kernel ~0.9 µs per step, the addon 0.2: least-squares fits over the runs of docs/benchmarks.md "Tiny calls"), so
 * at one count a call of many short steps can be faster native while a one-step call is faster in TS. Measured:
 * 18 runs of 21 shapes × 2 modes × 3 cells (3 Dec 2026, 2-core AVX-512 Xeon dev VM, the addon called in its
 * positional form: ~2.7 µs per tiny inference). A single run puts 1–5 of its 126 calls on the path slower by more
 * than 10 %, different ones each run, so the counts are chosen on each call shape's median ratio over the runs
 * instead: these are the ones whose worst shape is least slow. With them no shape's median is on the slower path
 * by more than 10 %, and only three SimpleRNN shapes are on it at all, the worst at 0.91× (no single count per
 * cell orders those: their speed also depends on T). `npx tsx bench/small-calls.ts --fit <runs>` recomputes them; docs/benchmarks.md
 * "Tiny calls", "'auto' at the crossover, re-checked".
 */
export const NATIVE_MIN_MACS = {
  lstm: { inference: 960, training: 512 },
  gru: { inference: 192, training: 192 },
  simpleRnn: { inference: 240, training: 384 },
} as const;

/** Multiply-adds of one fused call: the input and recurrent products of every step. */
export function callMacs(d: { T: number; B: number; I: number; H: number }, gates: number): number {
  return d.T * d.B * (d.I + d.H) * gates * d.H;
}

/**
 * The one selection procedure every fused op shares. `rules`: the cell kind's Keras rules that failed (empty =
 * eligible). 'auto': the first of cudnn > native-cpu > ts that is registered, allowed, available and accepts
 * the call (its `rejects` on placeholder arguments), else 'generic'. 'ts': the fused TS kernel or 'generic'.
 * 'native-cpu' / 'cudnn': that backend, or an error naming every reason it cannot run (as Keras 3's
 * use_cudnn=True raises instead of silently falling back).
 */
function choose<A, B extends AnyBackend<A>>(
  registry: KernelRegistry<B>,
  req: { dtype: DType; backend?: LstmBackendPreference; forbid?: readonly LstmBackendName[]; dims?: { T: number; B: number; I: number; H: number }; withBackward?: boolean },
  rules: string[], probe: A, where: string, size: { gates: number; minMacs: { inference: number; training: number } },
): { backend: B | null; name: LstmKernelName; reasons: string[] } {
  const pref = req.backend ?? 'auto';
  const allowed: LstmBackendPreference[] = ['auto', 'ts', 'native-cpu', 'cudnn'];
  if (!allowed.includes(pref)) fail(where, `backend must be one of ${allowed.map((v) => `'${v}'`).join(', ')}, got '${String(pref)}'`);
  const forbid = req.forbid ?? [];
  const problemsOf = (name: LstmBackendName): string[] => {
    const be = registry.get(name);
    if (!be) {
      if (name === 'ts') return ['not registered'];
      return registry === (lstmRegistry as unknown) ? ['not registered (the native addon was not built or not loaded; see lt.native.info())']
        : [`no ${registry.kind} kernel for ${name} yet`];
    }
    const out: string[] = [];
    const av = be.availability();
    if (!av.ok) out.push(av.reason);
    if (name !== 'ts' && req.dtype !== 'float32') out.push(`dtype ${req.dtype} (${name} computes in float32 only)`);
    if (out.length === 0) {
      const r = be.rejects(probe);
      if (r !== null) out.push(r);
    }
    return out;
  };
  const reasons: string[] = [];
  if (pref === 'native-cpu' || pref === 'cudnn') {
    const problems = [...(forbid.includes(pref) ? ['it is also listed in forbid'] : []), ...rules, ...problemsOf(pref)];
    if (problems.length > 0) fail(registry.kind, `backend '${pref}' was requested but cannot run this call: ${problems.join('; ')}`);
    for (const other of ORDER) if (other !== pref) reasons.push(`${other}: not considered (backend '${pref}' was requested)`);
    reasons.push(`generic: not needed (backend '${pref}' was requested)`);
    return { backend: registry.get(pref)!, name: pref, reasons };
  }
  const candidates = pref === 'ts' ? (['ts'] as LstmBackendName[]) : ORDER;
  if (pref === 'ts') {
    reasons.push("cudnn: not considered (backend 'ts' = pure TypeScript was requested)");
    reasons.push("native-cpu: not considered (backend 'ts' = pure TypeScript was requested)");
  }
  // 'auto' never picks a slower path: a call too small for the addon's fixed cost stays in TypeScript.
  const macs = req.dims ? callMacs(req.dims, size.gates) : null;
  const minMacs = req.withBackward === true ? size.minMacs.training : size.minMacs.inference;
  const tooSmall = (name: LstmBackendName): string[] =>
    name === 'native-cpu' && macs !== null && macs < minMacs
      ? [`the call is too small for the addon (T·B·(I+H)·${size.gates === 1 ? '' : size.gates}H = ${macs} multiply-adds < ${minMacs}${req.withBackward === true ? ' for a call with a backward' : ''}: its fixed cost per call is more than the work, the fused TS kernel is faster)`]
      : [];
  let chosen: LstmBackendName | null = null;
  for (const name of candidates) {
    const problems = [...(forbid.includes(name) ? ['forbidden by the forbid option'] : []), ...rules, ...problemsOf(name)];
    if (problems.length === 0) problems.push(...tooSmall(name));
    if (chosen !== null) reasons.push(`${name}: not needed (${chosen} was chosen first)`);
    else if (problems.length > 0) reasons.push(`${name}: ${problems.join('; ')}`);
    else chosen = name;
  }
  if (chosen !== null) {
    reasons.push(`generic: not needed (${chosen} was chosen)`);
    return { backend: registry.get(chosen)!, name: chosen, reasons };
  }
  return { backend: null, name: 'generic', reasons };
}

const SELECT_REQUEST_KEYS = optionKeys<LstmSelectRequest>({
  activation: true, recurrentActivation: true, recurrentDropout: true, unroll: true, useBias: true, mask: true, dtype: true,
  dims: true, goBackwards: true, zeroOutputForMask: true, withBackward: true, backend: true, forbid: true,
});

/**
 * Picks the kernel for one LSTM call. 'auto': the first of cudnn > native-cpu > ts that is allowed, available
 * and satisfies Keras's rules, else 'generic'. 'ts': the fused TS kernel if the rules hold, else 'generic'.
 * 'native-cpu' / 'cudnn': that backend or an error listing why it cannot run.
 */
export function selectLstmBackend(req: LstmSelectRequest): LstmSelection {
  if (req === null || typeof req !== 'object') fail('selectLstmBackend', `expected a request object, got ${describeValue(req)}`);
  checkOptions('selectLstmBackend', req, SELECT_REQUEST_KEYS);
  return choose(lstmRegistry, req, kerasFusedRuleFailures(req), probeArgs(req), 'selectLstmBackend', { gates: 4, minMacs: NATIVE_MIN_MACS.lstm });
}

// ---------------------------------------------------------------------------------------------------------
// Shared by the fused ops: sequence lengths

/** Validates and converts `seqLengths` for a fused op: one integer in 0..T per batch row. */
export function toSeqLengths(op: string, arg: ArrayLike<number> | Tensor, B: number, T: number): Int32Array {
  if (arg instanceof Tensor && arg.rank !== 1) fail(op, `seqLengths must be 1-D [B], got shape ${shapeStr(arg.shape)}`);
  const v: ArrayLike<number> = arg instanceof Tensor ? arg.data : arg;
  if (typeof v !== 'object' || v === null || typeof v.length !== 'number') fail(op, `seqLengths must be an array of B integers, got ${describeValue(v)}`);
  if (v.length !== B) fail(op, `seqLengths must have one entry per batch row (B=${B}), got ${v.length}`);
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const n = v[b];
    if (!Number.isInteger(n) || n < 0 || n > T) fail(op, `seqLengths[${b}] must be an integer in 0..${T} (T, the number of time steps), got ${n}`);
    out[b] = n;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// GRU and SimpleRNN: the same registry code and selection procedure

/** What the Keras GRU layer knows at call time: the LSTM request plus reset_after. */
export interface GruSelectRequest extends LstmSelectRequest {
  resetAfter: boolean;
}

export interface GruSelection {
  backend: GruBackend | null;
  name: LstmKernelName;
  reasons: string[];
}

function emptyOf(dtype: DType): Float32Array | Float64Array {
  return dtype === 'float64' ? new Float64Array(0) : new Float32Array(0);
}

/** Picks the kernel for one GRU call: Keras's GRU rules (gru.py docstring) = LSTM's six plus reset_after=True. */
export function selectGruBackend(req: GruSelectRequest): GruSelection {
  if (req === null || typeof req !== 'object') fail('selectGruBackend', `expected a request object, got ${describeValue(req)}`);
  const rules = kerasFusedRuleFailures(req);
  if (!req.resetAfter) rules.push('reset_after=False (the fused kernel, like cuDNN, needs reset_after=True)');
  const e = emptyOf(req.dtype);
  const d = req.dims ?? { T: 1, B: 1, I: 1, H: 1 };
  const probe: GruSeqArgs = { ...d, dtype: req.dtype, x: e, h0: e, kernel: e, recurrentKernel: e, bias: e,
    seqLengths: req.mask ? req.mask.lengths : null, goBackwards: req.goBackwards === true, zeroOutputForMask: req.zeroOutputForMask === true };
  return choose(gruRegistry, req, rules, probe, 'selectGruBackend', { gates: 3, minMacs: NATIVE_MIN_MACS.gru });
}

/** What the Keras SimpleRNN layer knows at call time. */
export interface SimpleRnnSelectRequest extends Omit<LstmSelectRequest, 'recurrentActivation'> {
  recurrentActivation?: null;
}

export interface SimpleRnnSelection {
  backend: SimpleRnnBackend | null;
  name: LstmKernelName;
  reasons: string[];
}

/**
 * Picks the kernel for one SimpleRNN call. Keras has no fused SimpleRNN, so the rules are what the fused kernel
 * computes exactly as the generic loop: activation tanh or relu, no recurrent dropout, a bias, no unroll, and
 * the mask rule the other fused kernels share (right-padded, no fully masked row).
 */
export function selectSimpleRnnBackend(req: SimpleRnnSelectRequest): SimpleRnnSelection {
  if (req === null || typeof req !== 'object') fail('selectSimpleRnnBackend', `expected a request object, got ${describeValue(req)}`);
  const rules = kerasFusedRuleFailures({ ...req, activation: 'tanh', recurrentActivation: 'sigmoid' });
  if (req.activation !== 'tanh' && req.activation !== 'relu') rules.unshift(`activation=${fmt(req.activation)} (the fused SimpleRNN kernel computes 'tanh' and 'relu')`);
  const e = emptyOf(req.dtype);
  const d = req.dims ?? { T: 1, B: 1, I: 1, H: 1 };
  const probe: SimpleRnnSeqArgs = { ...d, dtype: req.dtype, x: e, h0: e, kernel: e, recurrentKernel: e, bias: e, activation: req.activation === 'relu' ? 'relu' : 'tanh',
    seqLengths: req.mask ? req.mask.lengths : null, goBackwards: req.goBackwards === true, zeroOutputForMask: req.zeroOutputForMask === true };
  return choose(simpleRnnRegistry, req, rules, probe, 'selectSimpleRnnBackend', { gates: 1, minMacs: NATIVE_MIN_MACS.simpleRnn });
}
