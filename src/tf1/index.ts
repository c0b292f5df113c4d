// lt.tf1: TensorFlow 1 `tf.nn` recurrent API (rnn_cell, dynamicRnn, bidirectionalDynamicRnn).
export * as nn from './nn.js';
export { LSTMStateTuple, type RnnState, type StateSize } from './state.js';
export {
  tf1LstmToKeras, kerasLstmToTf1, cellToKerasWeights, setCellFromKerasWeights, kerasIncompatibility,
  tf1GruToKeras, kerasGruToTf1, gruCellToKerasWeights, setGruCellFromKerasWeights,
} from './convert.js';
export type { ConvertibleCell } from './convert.js';
