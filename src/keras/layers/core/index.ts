// Core Keras layers: Dense, Embedding, Dropout, Masking, TimeDistributed.
export { Dense, type DenseArgs } from './dense.js';
export { Embedding, type EmbeddingArgs, type EmbeddingInput, type IdArray } from './embedding.js';
export { Dropout, type DropoutArgs } from './dropout.js';
export { Masking, type MaskingArgs } from './masking.js';
export { TimeDistributed, type TimeDistributedArgs } from './time-distributed.js';
