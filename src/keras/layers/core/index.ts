// Core Keras layers: Dense, Embedding, Dropout, TimeDistributed.
export { Dense, type DenseArgs } from './dense.js';
export { Embedding, type EmbeddingArgs, type EmbeddingInput, type IdArray } from './embedding.js';
export { Dropout, type DropoutArgs } from './dropout.js';
export { TimeDistributed, type TimeDistributedArgs } from './time-distributed.js';
