// The one place the recurrent layers import the rest of the library from, so the cells and layers read as
// Keras code and a change of a foundation API touches one file.

export { Tensor, type DType, type TypedArray } from '../../../tensor/tensor.js';
export { zeros, full, tensor } from '../../../tensor/create.js';
export { fail, shapeStr, sameShape } from '../../../tensor/shape.js';
export { Random, getGlobalRandom } from '../../../tensor/random.js';
export { noGrad } from '../../../autograd/mode.js';
export { add, sub, mul, div } from '../../../ops/arithmetic.js';
export { matmul } from '../../../ops/matmul.js';
export { split, concat, stack, unstack, transpose, reshape, slice } from '../../../ops/layout.js';
export { reverse } from '../../../ops/sequence.js';
export { dropout, dropoutMask } from '../../../ops/dropout.js';
export { Layer, baseArgsFromConfig, LAYER_OPTIONS, checkedArgs, type LayerArgs, type CallArgs, type LayerInput } from '../../engine/layer.js';
export { optionKeys, checkOptions, checkNumber, checkBoolean, checkChoice } from '../../../util/options.js';
export {
  get as getInitializer, serialize as serializeInitializer, Initializer, Ones, type InitializerIdentifier as InitializerId,
} from '../../initializers/index.js';
export { get as getRegularizer, serialize as serializeRegularizer, type RegularizerIdentifier as RegularizerId } from '../../regularizers.js';
export { get as getConstraint, serialize as serializeConstraint, type ConstraintIdentifier as ConstraintId } from '../../constraints.js';
export { getActivation, serializeActivation, type Activation, type ActivationIdentifier as ActivationId } from '../../activations.js';
export { getKerasCompat as kerasCompat } from '../../compat.js';
export { registerLayerClass } from '../../engine/registry.js';
