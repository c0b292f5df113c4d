// lt.tf1: TensorFlow 1 `tf.nn` recurrent API (rnn_cell, dynamicRnn, bidirectionalDynamicRnn).
export {};
