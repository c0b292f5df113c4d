// lt.tf1.nn: the TF1 `tf.nn` recurrent API — rnn_cell.*, dynamicRnn, bidirectionalDynamicRnn.
export * as rnn_cell from './rnn_cell/index.js';
export {
  dynamicRnn, bidirectionalDynamicRnn, lastDynamicRnnPath,
  type DynamicRnnOptions, type BidirectionalDynamicRnnOptions, type DynamicRnnBackend, type DynamicRnnPath,
} from './rnn.js';
