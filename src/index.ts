// lstm-ts public entry point.
export { Tensor, type DType, type NestedArray, type TypedArray } from './tensor/tensor.js';
import './tensor/methods.js'; // tfjs-style chaining methods on Tensor (t.add(u), t.arraySync(), t.print())
export type { Operand } from './tensor/methods.js';
export type { Shape } from './tensor/shape.js';
export type { TensorOptions, TensorValues, IntTypedArray, DTypeArg, RandomOptions } from './tensor/create.js';
export type { GraphNode, BackwardContext } from './autograd/node.js';
export type { GradcheckOptions, GradcheckResult } from './autograd/gradcheck.js';
export { tensor, fromNdarray, toNdarray, zeros, ones, full, zerosLike, onesLike, scalar, randomUniform, randomNormal } from './tensor/create.js';
export { Random, setRandomSeed } from './tensor/random.js';
export { LstmTsError } from './tensor/shape.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/mode.js';
export { gradcheck, assertGradcheck } from './autograd/gradcheck.js';
export { backwardMany as backward, type BackwardOptions } from './autograd/engine.js';
export * as ops from './ops/index.js';
export * from './ops/index.js';
export * as keras from './keras/index.js';
export * as tf1 from './tf1/index.js';
// Fused LSTM kernel seam (src/kernels): the autograd op, backend registry and Keras-rule selection.
export { lstmSequence, type LstmSequenceOptions } from './kernels/lstm-sequence.js';
export {
  selectLstmBackend, registerLstmBackend, getLstmBackend, unregisterLstmBackend, maskToSeqLengths, kerasFusedRuleFailures,
  type LstmSelectRequest, type LstmSelection, type LstmBackendPreference, type LstmKernelName, type MaskSummary,
} from './kernels/select.js';
export type { LstmBackend, LstmBackendName, LstmSeqArgs, LstmSeqResult, LstmSeqGrads } from './kernels/types.js';
export * as native from './native.js';
// float32 GEMM backend: generated WebAssembly SIMD kernel or the scalar JS one (src/ops/wasm-simd/).
export { setGemmBackend, getGemmBackend, withGemmBackend, wasmSimdAvailable, wasmSimdStatus, type GemmBackend } from './ops/wasm-simd/index.js';
// NumPy .npy / .npz files (parity references exchanged with Python; docs/parity.md).
export { readNpy, writeNpy, readNpz, writeNpz, arraysFromJson, type NpyArray, type NpyDtype, type NpyData } from './train/npy.js';
// Layer-by-layer comparison with a reference (the core of `lstm-ts compare`, issue #19; docs/parity.md).
export {
  traceLayerOutputs, compareOutputs, formatCompareTable, ulpDistance, seededInputs, traceGradients, gradSeed, traceTrainStep, seededTargets,
  compiledLossNames, outputShapes, referenceSections, type LayerOutput, type CompareRow, type CompareResult, type Tolerance, type TracedValue,
  type SeededInputs,
} from './train/compare.js';
export { readReferenceMeta, explainDifferences, formatCompareHtml, errorChartSvg, type ReferenceMeta, type CompareSection } from './train/compare-report.js';
export * as reference from './reference/recurrent.js';
export * as datasets from './train/datasets/adding.js';
