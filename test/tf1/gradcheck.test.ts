// float64 central finite differences (src/autograd/gradcheck.ts) for every TF1 cell's step and for
// dynamicRnn / bidirectionalDynamicRnn on both paths (generic cell loop and fused kernel), w.r.t. inputs,
// initial states and every variable. Tolerances: gradcheck defaults (atol 1e-6, rtol 1e-4, eps 1e-6).

import { Tensor, assertGradcheck } from '../../src/index.js';
import * as lt from '../../src/index.js';
import { LSTMStateTuple, flattenState, type RnnState } from '../../src/tf1/state.js';
import type { RNNCell } from '../../src/tf1/rnn_cell/index.js';
import type { DynamicRnnBackend } from '../../src/tf1/rnn.js';
import { randTensor } from './helpers.js';

const { BasicRNNCell, BasicLSTMCell, LSTMCell, MultiRNNCell } = lt.tf1.nn.rnn_cell;
type Fields = Record<string, Tensor | null>;

/** The variable fields of a cell (and of MultiRNNCell's children), in `variables` order. */
function fieldSlots(cell: RNNCell): { owner: Fields; key: string }[] {
  if (cell instanceof MultiRNNCell) return cell.cells.flatMap(fieldSlots);
  const keys = ['kernel', 'bias', 'wFDiag', 'wIDiag', 'wODiag', 'projKernel'];
  const owner = cell as unknown as Fields;
  return keys.filter((k) => owner[k] instanceof Tensor).map((key) => ({ owner, key }));
}

/** Builds `cell` in float64 with random weights and returns their values (the gradcheck inputs). */
function prepare(cell: RNNCell, depth: number, seed: number, scale = 0.6): Tensor[] {
  cell.build(depth, { dtype: 'float64' });
  return fieldSlots(cell).map(({ owner, key }, i) => randTensor([...owner[key]!.shape], seed + i, 'float64', scale));
}

/** Runs `f` with the cell's variables replaced by `ws` (gradcheck's own leaves). */
function withWeights<T>(cell: RNNCell, ws: Tensor[], f: () => T): T {
  const slots = fieldSlots(cell);
  const saved = slots.map(({ owner, key }) => owner[key]);
  slots.forEach(({ owner, key }, i) => (owner[key] = ws[i]));
  try {
    return f();
  } finally {
    slots.forEach(({ owner, key }, i) => (owner[key] = saved[i]));
  }
}

/**
 * Guards against a vacuous check: if the swap did not reach the cell's maths, unused weight inputs would
 * get analytic = numeric = 0 and pass. So the outputs must change when the swapped-in weights change.
 */
function expectSwapMatters(cell: RNNCell, ws: Tensor[], run: () => Tensor[]): void {
  const flat = (ts: Tensor[]): number[] => ts.flatMap((t) => Array.from(t.data));
  const a = flat(withWeights(cell, ws, run));
  const b = flat(withWeights(cell, ws.map((w) => lt.scale(w, 1.5)), run));
  if (a.every((v, i) => v === b[i])) throw new Error('the weight swap did not change the outputs');
}

function stateLeaves(cell: RNNCell, batch: number, seed: number): Tensor[] {
  return flattenState(cell.zeroState(batch, 'float64')).map((z, i) => randTensor([...z.shape], seed + 100 + i, 'float64', 0.8));
}

function pack(cell: RNNCell, flat: Tensor[]): RnnState {
  let k = 0;
  const rebuild = (z: RnnState): RnnState => {
    if (z instanceof Tensor) return flat[k++];
    if (z instanceof LSTMStateTuple) {
      const c = flat[k++];
      return new LSTMStateTuple(c, flat[k++]);
    }
    return (z as RnnState[]).map(rebuild);
  };
  return rebuild(cell.zeroState(1, 'float64'));
}

function checkStep(name: string, cell: RNNCell, depth: number, seed: number, scale?: number): void {
  const ws = prepare(cell, depth, seed, scale);
  const st = stateLeaves(cell, 2, seed);
  const x = randTensor([2, depth], seed + 50, 'float64', 1.2);
  const nS = st.length;
  expectSwapMatters(cell, ws, () => {
    const [out, ns] = cell.call(x, pack(cell, st));
    return [out, ...flattenState(ns)];
  });
  assertGradcheck(name, (...a: Tensor[]) => withWeights(cell, a.slice(1 + nS), () => {
    const [out, ns] = cell.call(a[0], pack(cell, a.slice(1, 1 + nS)));
    return [out, ...flattenState(ns)];
  }), [x, ...st, ...ws]);
}

function checkRnn(name: string, cell: RNNCell, opts: { lengths?: number[]; timeMajor?: boolean; backend?: DynamicRnnBackend; init?: boolean }, seed: number): void {
  const B = 3;
  const T = 4;
  const D = 2;
  const ws = prepare(cell, D, seed);
  const st = opts.init ? stateLeaves(cell, B, seed) : [];
  const x = randTensor(opts.timeMajor ? [T, B, D] : [B, T, D], seed + 50, 'float64');
  expectSwapMatters(cell, ws, () => {
    const [out, fin] = lt.tf1.nn.dynamicRnn(cell, x, { sequenceLength: opts.lengths, timeMajor: opts.timeMajor, backend: opts.backend, dtype: 'float64' });
    return [out, ...flattenState(fin)];
  });
  assertGradcheck(name, (...a: Tensor[]) => withWeights(cell, a.slice(1 + st.length), () => {
    const [out, fin] = lt.tf1.nn.dynamicRnn(cell, a[0], {
      sequenceLength: opts.lengths, timeMajor: opts.timeMajor, backend: opts.backend,
      ...(opts.init ? { initialState: pack(cell, a.slice(1, 1 + st.length)) } : { dtype: 'float64' as const }),
    });
    return [out, ...flattenState(fin)];
  }), [x, ...st, ...ws]);
}

describe('tf1 float64 gradient checks: one cell step', () => {
  it('BasicRNNCell (tanh and relu)', () => {
    checkStep('BasicRNNCell tanh', new BasicRNNCell({ numUnits: 3 }), 2, 1);
    checkStep('BasicRNNCell relu', new BasicRNNCell({ numUnits: 3, activation: 'relu' }), 2, 2);
  });

  it('BasicLSTMCell (tuple state, concatenated state, forget_bias 0 and 1)', () => {
    checkStep('BasicLSTMCell fb1', new BasicLSTMCell({ numUnits: 3, forgetBias: 1 }), 2, 3);
    checkStep('BasicLSTMCell fb0 concat', new BasicLSTMCell({ numUnits: 2, forgetBias: 0, stateIsTuple: false }), 3, 4);
  });

  it('LSTMCell (peepholes, cell_clip, num_proj, proj_clip; concatenated state)', () => {
    checkStep('LSTMCell peep+clip+proj', new LSTMCell({ numUnits: 3, usePeepholes: true, cellClip: 0.5, numProj: 2, projClip: 0.3 }), 2, 5, 1.5);
    checkStep('LSTMCell proj concat', new LSTMCell({ numUnits: 3, numProj: 2, stateIsTuple: false }), 2, 6);
  });

  it('MultiRNNCell (tuple of LSTM + RNN states; concatenated RNN states)', () => {
    checkStep('MultiRNNCell tuple', new MultiRNNCell([new BasicLSTMCell({ numUnits: 2 }), new BasicRNNCell({ numUnits: 2 })]), 2, 7);
    checkStep('MultiRNNCell concat', new MultiRNNCell([new BasicRNNCell({ numUnits: 2 }), new BasicRNNCell({ numUnits: 3 })], false), 2, 8);
  });
});

describe('tf1 float64 gradient checks: dynamicRnn and bidirectionalDynamicRnn', () => {
  it('generic loop with lengths [4, 2, 0] (length-0 row, copied-through state), initial state', () => {
    checkRnn('dynamicRnn LSTMCell', new LSTMCell({ numUnits: 2, usePeepholes: true }), { lengths: [4, 2, 0], init: true }, 10);
    checkRnn('dynamicRnn BasicRNNCell time-major', new BasicRNNCell({ numUnits: 2 }), { lengths: [1, 4, 3], timeMajor: true }, 11);
  });

  it('fused kernel path (backend ts) with lengths and an initial state', () => {
    const cell = new BasicLSTMCell({ numUnits: 2, forgetBias: 1 });
    checkRnn('dynamicRnn BasicLSTMCell fused', cell, { lengths: [4, 2, 1], init: true, backend: 'ts' }, 12);
    if (cell.lastRnnPath!.kernel !== 'ts') throw new Error(`expected the fused ts path, got ${JSON.stringify(cell.lastRnnPath)}`);
  });

  it('bidirectional with lengths (reverse_sequence both ways)', () => {
    const fw = new BasicLSTMCell({ numUnits: 2 });
    const bw = new BasicRNNCell({ numUnits: 2 });
    const wf = prepare(fw, 2, 20);
    const wb = prepare(bw, 2, 30);
    const x = randTensor([3, 4, 2], 40, 'float64');
    assertGradcheck('bidirectionalDynamicRnn', (xx: Tensor, ...w: Tensor[]) => withWeights(fw, w.slice(0, wf.length), () => withWeights(bw, w.slice(wf.length), () => {
      const [[of, ob], [sf, sb]] = lt.tf1.nn.bidirectionalDynamicRnn(fw, bw, xx, { sequenceLength: [4, 1, 3], dtype: 'float64' });
      return [of, ob, ...flattenState(sf), ...flattenState(sb)];
    })), [x, ...wf, ...wb]);
  });
});
