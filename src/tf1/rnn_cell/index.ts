// lt.tf1.nn.rnn_cell: the TF1 cell classes and the LSTMStateTuple.
export { RNNCell, type CellOptions, type CellBuildOptions } from './rnn-cell.js';
export { BasicRNNCell, type BasicRNNCellArgs } from './basic-rnn-cell.js';
export { BasicLSTMCell, type BasicLSTMCellArgs } from './basic-lstm-cell.js';
export { LSTMCell, type LSTMCellArgs } from './lstm-cell.js';
export { GRUCell, type GRUCellArgs } from './gru-cell.js';
export { MultiRNNCell, type MultiRNNCellOptions } from './multi-rnn-cell.js';
export { LSTMStateTuple } from '../state.js';
export type { Activation, ActivationFn, InitializerLike } from './support.js';
