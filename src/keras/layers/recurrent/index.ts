// The Keras recurrent layers: cells, the generic RNN, LSTM (with the fused fast path), SimpleRNN, GRU, Bidirectional.
export { RNNCellBase, DropoutRNNCell, type DropoutCellArgs } from './cell-base.js';
export { LSTMCell, type LSTMCellArgs } from './lstm-cell.js';
export { SimpleRNNCell, type SimpleRNNCellArgs } from './simple-rnn-cell.js';
export { GRUCell, type GRUCellArgs } from './gru-cell.js';
export { StackedRNNCells, type StackedRNNCellsArgs } from './stacked-cells.js';
export { RNN, registerCell, type RNNArgs, type RNNOptions } from './rnn.js';
export { LSTM, type LSTMArgs, type LstmExplanation } from './lstm.js';
export { SimpleRNN, type SimpleRNNArgs } from './simple-rnn.js';
export { GRU, type GRUArgs } from './gru.js';
export { Bidirectional, type BidirectionalArgs, type MergeMode } from './bidirectional.js';
export { rnnLoop, selectRows, type StepFn } from './rnn-loop.js';

// Keras-format deserialisation (deserializeLayer, Bidirectional, model loading) finds these classes by name.
import { registerLayerClass } from './deps.js';
import { LSTMCell as LSTMCell_ } from './lstm-cell.js';
import { SimpleRNNCell as SimpleRNNCell_ } from './simple-rnn-cell.js';
import { RNN as RNN_, cellFromConfig } from './rnn.js';
import { LSTM as LSTM_ } from './lstm.js';
import { SimpleRNN as SimpleRNN_ } from './simple-rnn.js';
import { GRU as GRU_ } from './gru.js';
import { GRUCell as GRUCell_ } from './gru-cell.js';
import { Bidirectional as Bidirectional_ } from './bidirectional.js';
registerLayerClass('LSTM', (c) => LSTM_.fromConfig(c));
registerLayerClass('SimpleRNN', (c) => SimpleRNN_.fromConfig(c));
registerLayerClass('GRU', (c) => GRU_.fromConfig(c));
registerLayerClass('GRUCell', (c) => GRUCell_.fromConfig(c));
registerLayerClass('RNN', (c) => RNN_.fromConfig(c));
registerLayerClass('Bidirectional', (c) => Bidirectional_.fromConfig(c));
registerLayerClass('LSTMCell', (c) => LSTMCell_.fromConfig(c));
registerLayerClass('SimpleRNNCell', (c) => SimpleRNNCell_.fromConfig(c));
registerLayerClass('StackedRNNCells', (c) => cellFromConfig({ class_name: 'StackedRNNCells', config: c }));
export { ConvLSTM1D, type ConvLSTM1DArgs } from './conv-lstm.js';
