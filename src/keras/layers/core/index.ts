// Core Keras layers: Dense, Embedding, Dropout, Masking, TimeDistributed; the noise and regularization layers.
export { Dense, type DenseArgs } from './dense.js';
export { Embedding, type EmbeddingArgs, type EmbeddingInput, type IdArray } from './embedding.js';
export { Dropout, type DropoutArgs } from './dropout.js';
export { Masking, type MaskingArgs } from './masking.js';
export { TimeDistributed, type TimeDistributedArgs } from './time-distributed.js';
export { SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization, SELU_ALPHA, SELU_SCALE, type SpatialDropout1DArgs, type GaussianNoiseArgs, type RateSeedArgs, type AlphaDropoutArgs, type ActivityRegularizationArgs } from './noise.js';
