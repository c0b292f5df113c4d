// lt.keras: Keras (TF 2.x / Keras 3) semantics. Each sub-namespace lives in its own folder.
// Shared registry file: add one export line per module, never rewrite.
export {};
export * as losses from '../train/losses/index.js';
export * as optimizers from '../train/optimizers/index.js';
export * as initializers from './initializers/index.js';
export * as activations from './activations.js';
export type { ActivationIdentifier, ActivationName } from './activations.js';
export type { InitializerIdentifier, InitializerName } from './initializers/index.js';
export * as regularizers from './regularizers.js';
export * as constraints from './constraints.js';
export { Layer, clearSession, getKerasMask, setKerasMask, type LayerArgs, type CallArgs } from './engine/layer.js';
export { serializeLayer, deserializeLayer, registerLayerClass } from './engine/registry.js';
export { setKerasCompat, getKerasCompat, withKerasCompat, type KerasCompat } from './compat.js';
export * as layers from './layers.js';
export * as metrics from '../train/metrics/index.js';
export * as callbacks from '../train/callbacks.js';
export { Sequential, History } from '../train/sequential.js';
export { loadModel, saveModel } from '../train/saving.js';
export { loadKerasWeightsH5, loadKerasModel, loadKerasModelJson } from '../train/keras-import.js';
export { loadTfjsModel, saveTfjsModel, toTfjsArtifacts, type TfjsModelArtifacts, type TfjsWeightSpec } from '../train/tfjs-import.js';
export { saveKerasModel, saveKerasWeights, KERAS_FORMAT_VERSION } from '../train/keras-export.js';
export { loadH5 } from '../train/h5.js';
export { Input, Functional as Model, Functional, SymbolicTensor, InputLayer, type InputArgs, type FunctionalArgs } from './engine/functional.js';
