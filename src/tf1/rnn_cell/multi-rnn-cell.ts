// TF1 MultiRNNCell (legacy_cells.py, keras-tf-semantics.md §9.4): cells applied in sequence at each step;
// the output is the last cell's output; the state is the tuple of per-cell states, or (stateIsTuple false)
// their column-wise concatenation. Variables live under `<scope>/multi_rnn_cell/cell_<i>/<cell name>/…`.

import { Tensor, type DType } from '../../tensor/tensor.js';
import { concat, slice } from '../../ops/layout.js';
import { fail, LstmTsError } from '../../tensor/shape.js';
import { RNNCell } from './rnn-cell.js';
import { type StateSize, type RnnState, isNested, describe, describeSize, checkState } from '../state.js';
import { checkOptions, describeValue } from '../../util/options.js';

export interface MultiRNNCellOptions {
  name?: string;
}

export class MultiRNNCell extends RNNCell {
  protected readonly className = 'MultiRNNCell';
  readonly cells: readonly RNNCell[];
  readonly stateIsTuple: boolean;

  constructor(cells: readonly RNNCell[], stateIsTuple = true, opts: MultiRNNCellOptions = {}) {
    super('multi_rnn_cell', { name: opts?.name, seed: 0 });
    checkOptions('MultiRNNCell', opts, ['name']);
    if (typeof stateIsTuple !== 'boolean') fail('MultiRNNCell', `stateIsTuple must be true or false, got ${describeValue(stateIsTuple)}`);
    // TF: `if not cells: raise ValueError(...)` comes before the list check, so an empty list (and null) says this.
    if (cells === null || cells === undefined || (Array.isArray(cells) && cells.length === 0)) {
      throw new LstmTsError('MultiRNNCell: Must specify at least one cell for MultiRNNCell.');
    }
    if (!Array.isArray(cells)) throw new LstmTsError(`MultiRNNCell: cells must be a list or tuple, but received: ${describe(cells)}.`);
    cells.forEach((c, i) => {
      if (!(c instanceof RNNCell)) fail('MultiRNNCell', `cells[${i}] must be an RNN cell (BasicRNNCell, BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell), got ${describe(c)}`);
    });
    if (new Set(cells).size < cells.length) {
      // TF only warns ("will share weights"); sharing one object in two layers needs equal input depths.
      console.warn('MultiRNNCell: At least two cells provided to MultiRNNCell are the same object and will share weights.');
    }
    this.cells = [...cells];
    this.stateIsTuple = stateIsTuple;
    if (!stateIsTuple && this.cells.some((c) => isNested(c.stateSize))) {
      throw new LstmTsError(
        'MultiRNNCell: Some cells return tuples of states, but the flag state_is_tuple is not set. ' +
          `State sizes are: [${this.cells.map((c) => describeSize(c.stateSize)).join(', ')}]`,
      );
    }
  }

  get stateSize(): StateSize {
    if (this.stateIsTuple) return this.cells.map((c) => c.stateSize);
    return this.cells.reduce((s, c) => s + (c.stateSize as number), 0);
  }

  get outputSize(): number {
    return this.cells[this.cells.length - 1].outputSize;
  }

  override zeroState(batchSize: number, dtype: DType = 'float32'): RnnState {
    if (this.stateIsTuple) return this.cells.map((c) => c.zeroState(batchSize, dtype));
    return super.zeroState(batchSize, dtype);
  }

  protected buildVariables(inputDepth: number, dtype: DType): void {
    let depth = inputDepth;
    this.cells.forEach((cell, i) => {
      cell.build(depth, { dtype, scope: `${this.scopeName}/cell_${i}` });
      depth = cell.outputSize;
    });
    const seen = new Set<Tensor>();
    const vs: Tensor[] = [];
    for (const cell of this.cells) for (const v of cell.variables) if (!seen.has(v)) (seen.add(v), vs.push(v));
    this.adoptVariables(vs);
  }

  protected override checkCallState(state: RnnState, batch: number): void {
    if (this.stateIsTuple && !isNested(state)) {
      fail('MultiRNNCell', `Expected state to be a tuple of length ${this.cells.length}, but received: ${describe(state)}`);
    }
    checkState(this.className, 'state', state, this.stateSize, batch, this.dtype!);
  }

  protected step(inputs: Tensor, state: RnnState): [Tensor, RnnState] {
    let cur = inputs;
    let pos = 0;
    const newStates: RnnState[] = [];
    this.cells.forEach((cell, i) => {
      let cs: RnnState;
      if (this.stateIsTuple) cs = (state as readonly RnnState[])[i];
      else {
        const n = cell.stateSize as number;
        cs = slice(state as Tensor, [0, pos], [-1, n]);
        pos += n;
      }
      const [out, ns] = cell.call(cur, cs);
      cur = out;
      newStates.push(ns);
    });
    return [cur, this.stateIsTuple ? newStates : concat(newStates as Tensor[], 1)];
  }
}
