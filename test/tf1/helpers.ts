// Shared by the TF1 tests: reading test/fixtures/tf1.json (written by generate_tf1.py from real TF 2.21),
// building lstm-ts cells from a fixture's cell spec, and comparing arrays with explicit tolerances.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Tensor, tensor, type DType } from '../../src/index.js';
import * as lt from '../../src/index.js';
import { flattenState, type RnnState } from '../../src/tf1/state.js';
import type { DynamicRnnBackend } from '../../src/tf1/rnn.js';
import { BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell, type RNNCell } from '../../src/tf1/rnn_cell/index.js';

export interface Enc { shape: number[]; data: number[] }
export interface CellSpec {
  type: 'BasicRNNCell' | 'BasicLSTMCell' | 'LSTMCell' | 'GRUCell' | 'MultiRNNCell';
  numUnits?: number;
  forgetBias?: number;
  stateIsTuple?: boolean;
  activation?: 'tanh' | 'relu' | 'sigmoid';
  usePeepholes?: boolean;
  cellClip?: number;
  numProj?: number;
  projClip?: number;
  cells?: CellSpec[];
}
export interface Tf1Case {
  name: string;
  note: string;
  cell: CellSpec;
  cellBw: CellSpec | null;
  bidirectional: boolean;
  dtype: DType;
  timeMajor: boolean;
  sequenceLength: number[] | null;
  x: Enc;
  weights: (Enc & { name: string })[];
  initialState: Enc[] | null;
  outputs: Enc[];
  finalState: Enc[];
  lossWeights: { outputs: Enc[]; finalState: Enc[] };
  grads: { x: Enc; weights: Enc[]; initialState: Enc[] | null };
}

export function loadTf1Fixtures(): { tensorflow: string; cases: Tf1Case[] } {
  const path = fileURLToPath(new URL('../fixtures/tf1.json', import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function fromEnc(e: Enc, dtype: DType, requiresGrad = false): Tensor {
  return tensor(dtype === 'float64' ? Float64Array.from(e.data) : Float32Array.from(e.data), { shape: e.shape, requiresGrad });
}

export function makeCell(spec: CellSpec, seed = 1): RNNCell {
  switch (spec.type) {
    case 'BasicRNNCell':
      return new BasicRNNCell({ numUnits: spec.numUnits!, activation: spec.activation, seed });
    case 'BasicLSTMCell':
      return new BasicLSTMCell({ numUnits: spec.numUnits!, forgetBias: spec.forgetBias, stateIsTuple: spec.stateIsTuple, activation: spec.activation, seed });
    case 'LSTMCell':
      return new LSTMCell({
        numUnits: spec.numUnits!, forgetBias: spec.forgetBias, stateIsTuple: spec.stateIsTuple, activation: spec.activation,
        usePeepholes: spec.usePeepholes, cellClip: spec.cellClip, numProj: spec.numProj, projClip: spec.projClip, seed,
      });
    case 'GRUCell':
      return new GRUCell({ numUnits: spec.numUnits!, activation: spec.activation, seed });
    case 'MultiRNNCell':
      return new MultiRNNCell(spec.cells!.map((c, i) => makeCell(c, seed + i + 1)), spec.stateIsTuple ?? true);
  }
}

/** Max |a − b| after checking the shapes agree. */
export function maxAbsDiff(a: Tensor | { shape: readonly number[]; data: ArrayLike<number> }, b: Enc | Tensor): number {
  expect([...a.shape]).to.deep.equal([...b.shape]);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

export function expectClose(a: Tensor, b: Enc | Tensor, atol: number, what: string): void {
  const d = maxAbsDiff(a, b);
  expect(d, `${what}: max |diff| ${d.toExponential(3)} > ${atol}`).to.be.at.most(atol);
}

/** Deterministic pseudo-random values in [-s, s) (LCG), so tests need no seed plumbing. */
export function lcg(n: number, seed: number, s = 1): number[] {
  let k = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    k = (Math.imul(k, 1664525) + 1013904223) >>> 0;
    out.push((k / 4294967296) * 2 * s - s);
  }
  return out;
}

export function randTensor(shape: number[], seed: number, dtype: DType = 'float64', s = 1, requiresGrad = false): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(dtype === 'float64' ? Float64Array.from(lcg(n, seed, s)) : Float32Array.from(lcg(n, seed, s)), { shape, requiresGrad });
}

/** Gives the cells TF's weights, checking the TF1 variable names and their order first. */
function setWeights(c: Tf1Case, cells: RNNCell[]): Tensor[] {
  const vars = cells.flatMap((cell) => cell.variables);
  expect(vars.map((v) => v.name)).to.deep.equal(c.weights.map((w) => w.name));
  vars.forEach((v, i) => v.assign(fromEnc(c.weights[i], c.dtype)));
  return vars;
}

/** Packs flat tensors (tf.nest order) into the cell's state structure: LSTMStateTuple(c, h), tuples per cell. */
export function packLike(cell: RNNCell, flat: Tensor[]): RnnState {
  let k = 0;
  const rebuild = (z: RnnState): RnnState => {
    if (z instanceof Tensor) return flat[k++];
    if (z instanceof lt.tf1.LSTMStateTuple) {
      const c = flat[k++];
      return new lt.tf1.LSTMStateTuple(c, flat[k++]);
    }
    return (z as RnnState[]).map(rebuild);
  };
  const s = rebuild(cell.zeroState(1, flat[0].dtype));
  expect(k).to.equal(flat.length);
  return s;
}

/**
 * Rebuilds one TF1 fixture case with the public lt.tf1 API, gives it TF's weights and runs it on `backend`:
 * outputs, flattened final states, and the tensors the gradients are taken w.r.t. (x, variables, initial state).
 */
export function runTf1Case(c: Tf1Case, backend: DynamicRnnBackend): { outs: Tensor[]; states: Tensor[]; x: Tensor; vars: Tensor[]; init: Tensor[] | null; paths: string[] } {
  const x = fromEnc(c.x, c.dtype, true);
  const init = c.initialState ? c.initialState.map((e) => fromEnc(e, c.dtype, true)) : null;
  const depth = x.shape[2];
  if (!c.bidirectional) {
    const cell = makeCell(c.cell);
    cell.build(depth, { dtype: c.dtype, scope: 'rnn' });
    const vars = setWeights(c, [cell]);
    const initialState = init ? packLike(cell, init) : undefined;
    const [out, st] = lt.tf1.nn.dynamicRnn(cell, x, {
      sequenceLength: c.sequenceLength, initialState, dtype: init ? undefined : c.dtype, timeMajor: c.timeMajor, backend,
    });
    return { outs: [out], states: flattenState(st), x, vars, init, paths: [cell.lastRnnPath!.kernel] };
  }
  const fw = makeCell(c.cell, 1);
  const bw = makeCell(c.cellBw!, 50);
  fw.build(depth, { dtype: c.dtype, scope: 'bidirectional_rnn/fw' });
  bw.build(depth, { dtype: c.dtype, scope: 'bidirectional_rnn/bw' });
  const vars = setWeights(c, [fw, bw]);
  let initialStateFw: RnnState | undefined;
  let initialStateBw: RnnState | undefined;
  if (init) {
    const nFw = flattenState(fw.zeroState(1, c.dtype)).length;
    initialStateFw = packLike(fw, init.slice(0, nFw));
    initialStateBw = packLike(bw, init.slice(nFw));
  }
  const [[of, ob], [sf, sb]] = lt.tf1.nn.bidirectionalDynamicRnn(fw, bw, x, {
    sequenceLength: c.sequenceLength, initialStateFw, initialStateBw, dtype: init ? undefined : c.dtype, timeMajor: c.timeMajor, backend,
  });
  return { outs: [of, ob], states: [...flattenState(sf), ...flattenState(sb)], x, vars, init, paths: [fw.lastRnnPath!.kernel, bw.lastRnnPath!.kernel] };
}
