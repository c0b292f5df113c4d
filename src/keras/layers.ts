// lt.keras.layers: re-exports of every layer class (recurrent layers, Dense, Embedding, Dropout, ...).
// Shared registry file: add one export line per module, never rewrite.
export {};
export * from './layers/core/index.js';
export { Layer, type LayerArgs, type CallArgs } from './engine/layer.js';
export * from './layers/recurrent/index.js';
export * from './layers/merging/index.js';
export * from './layers/reshaping/index.js';
export * from './layers/convolutional/conv1d.js';
export * from './layers/convolutional/depthwise-separable.js';
export * from './layers/convolutional/conv1d-transpose.js';
export * from './layers/pooling/pooling1d.js';
export * from './layers/reshaping/sequence1d.js';
export * from './layers/normalization/index.js';
export * from './layers/attention/index.js';
export * from './layers/attention/multi-head-attention.js';
export type { DataFormat } from './layers/convolutional/args.js';
export type { RecurrentLayerArgs, RecurrentOutput, CellFactory } from './layers/recurrent/rnn.js';
export type { RnnLoopOptions, RnnLoopResult } from './layers/recurrent/rnn-loop.js';
export type { Proj } from './layers/attention/multi-head-attention.js';
