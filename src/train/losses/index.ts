// lt.keras.losses: Keras losses (functions give per-sample values; classes add the reduction).
export { meanSquaredError, meanAbsoluteError, binaryCrossentropy, categoricalCrossentropy, sparseCategoricalCrossentropy } from './functions.js';
export type { BinaryCrossentropyOptions, CategoricalCrossentropyOptions, SparseCategoricalCrossentropyOptions } from './functions.js';
export { Loss, MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, get } from './classes.js';
export {
  Huber, LogCosh, Poisson, MeanSquaredLogarithmicError, MeanAbsolutePercentageError, KLDivergence, CosineSimilarity, Hinge, SquaredHinge, CategoricalHinge,
  BinaryFocalCrossentropy, CategoricalFocalCrossentropy,
  type HuberArgs, type CosineSimilarityArgs, type BinaryFocalArgs, type CategoricalFocalArgs,
} from './classes.js';
export { huber, logCosh, poisson, meanSquaredLogarithmicError, meanAbsolutePercentageError, klDivergence, cosineSimilarity, hinge, squaredHinge, categoricalHinge,
  binaryFocalCrossentropy, categoricalFocalCrossentropy, type BinaryFocalOptions, type CategoricalFocalOptions } from './more.js';
export type { LossArgs, CrossentropyArgs, SparseCrossentropyArgs, LossApplyOptions } from './classes.js';
export { reduceLoss, type Reduction } from './reduction.js';
export type { JsonConfig, SimpleLossClass } from './classes.js';
