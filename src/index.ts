// lstm-ts public entry point.
export { Tensor, type DType, type NestedArray, type TypedArray } from './tensor/tensor.js';
export { tensor, fromNdarray, toNdarray, zeros, ones, full, zerosLike, onesLike, scalar, randomUniform, randomNormal } from './tensor/create.js';
export { Random, setRandomSeed } from './tensor/random.js';
export { LstmTsError } from './tensor/shape.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/mode.js';
export { gradcheck, assertGradcheck } from './autograd/gradcheck.js';
export * as ops from './ops/index.js';
export * from './ops/index.js';
export * as keras from './keras/index.js';
export * as tf1 from './tf1/index.js';
