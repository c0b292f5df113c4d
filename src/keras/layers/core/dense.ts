// Keras Dense (keras/src/layers/core/dense.py): y = activation(x · kernel + bias) with kernel
// [input_dim, units] and bias [units]. Inputs of rank > 2 ([B, T, F], ...) are multiplied on their last axis
// as Keras's ops.matmul does, so Dense over a sequence equals TimeDistributed(Dense). Keras 3 Dense
// supports masking: the input's mask passes through unchanged.

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { matmul } from '../../../ops/matmul.js';
import { add } from '../../../ops/arithmetic.js';
import { Layer, baseArgsFromConfig, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { registerLayerClass } from '../../engine/registry.js';
import { getActivation, type Activation, type ActivationIdentifier } from '../../activations.js';
import { get as getInit, serialize as serInit, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import { get as getReg, serialize as serReg, type Regularizer, type RegularizerIdentifier } from '../../regularizers.js';
import { get as getCon, serialize as serCon, type Constraint, type ConstraintIdentifier } from '../../constraints.js';
import { optionKeys } from '../../../util/options.js';
import { LAYER_OPTIONS } from '../../engine/layer.js';

export interface DenseArgs extends LayerArgs {
  units: number;
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
  kernelConstraint?: ConstraintIdentifier | null;
  biasConstraint?: ConstraintIdentifier | null;
}

export class Dense extends Layer<Tensor> {
  static readonly kerasName: string = 'Dense';
  static readonly optionKeys = optionKeys<DenseArgs>({
    ...LAYER_OPTIONS, units: true, activation: true, useBias: true, kernelInitializer: true, biasInitializer: true,
    kernelRegularizer: true, biasRegularizer: true, kernelConstraint: true, biasConstraint: true,
  });
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  kernel: Tensor | null = null;
  bias: Tensor | null = null;

  constructor(args: DenseArgs) {
    super(args);
    if (!args || !Number.isInteger(args.units) || args.units <= 0) {
      fail('Dense', `units must be a positive integer, got ${args ? String(args.units) : 'no arguments'}`);
    }
    this.units = args.units;
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInit(args.kernelInitializer ?? 'glorot_uniform');
    this.biasInitializer = getInit(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getReg(args.kernelRegularizer);
    this.biasRegularizer = getReg(args.biasRegularizer);
    this.kernelConstraint = getCon(args.kernelConstraint);
    this.biasConstraint = getCon(args.biasConstraint);
    this.supportsMasking = true;
  }

  override build(inputShape: number[]): void {
    // Keras 3 Dense: InputSpec(min_ndim=2) ("expected min_ndim=2, found ndim=1").
    if (inputShape.length < 2) fail(this.name, `Input of layer '${this.name}' is incompatible with the layer: expected min_ndim=2, found ndim=${inputShape.length}. Full shape received: ${shapeStr(inputShape)}`);
    const inputDim = inputShape[inputShape.length - 1];
    this.kernel = this.addWeight('kernel', [inputDim, this.units], {
      initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.units], {
        initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint,
      });
    }
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const kernel = this.kernel!;
    if (x.rank < 2) fail(this.name, `Input of layer '${this.name}' is incompatible with the layer: expected min_ndim=2, found ndim=${x.rank}. Full shape received: ${shapeStr(x.shape)}`);
    if (x.shape[x.rank - 1] !== kernel.shape[0]) {
      fail(this.name, `Dense expects inputs with last dimension ${kernel.shape[0]}, got shape ${shapeStr(x.shape)}`);
    }
    if (x.dtype !== kernel.dtype) fail(this.name, `input dtype ${x.dtype} differs from the layer dtype ${kernel.dtype}`);
    let y = matmul(x, kernel);
    if (this.bias) y = add(y, this.bias);
    return this.activation.fn(y);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation.name,
      use_bias: this.useBias,
      kernel_initializer: serInit(this.kernelInitializer),
      bias_initializer: serInit(this.biasInitializer),
      kernel_regularizer: serReg(this.kernelRegularizer),
      bias_regularizer: serReg(this.biasRegularizer),
      kernel_constraint: serCon(this.kernelConstraint),
      bias_constraint: serCon(this.biasConstraint),
      quantization_config: null,
    };
  }

  static fromConfig(cfg: Record<string, unknown>): Dense {
    return new Dense({
      ...baseArgsFromConfig(cfg),
      units: cfg.units as number,
      activation: (cfg.activation as ActivationIdentifier | undefined) ?? null,  // a config's name, checked by getActivation
      useBias: (cfg.use_bias as boolean | undefined) ?? true,
      kernelInitializer: (cfg.kernel_initializer as InitializerIdentifier | undefined) ?? 'glorot_uniform',
      biasInitializer: (cfg.bias_initializer as InitializerIdentifier | undefined) ?? 'zeros',
      kernelRegularizer: cfg.kernel_regularizer as RegularizerIdentifier | null,
      biasRegularizer: cfg.bias_regularizer as RegularizerIdentifier | null,
      kernelConstraint: cfg.kernel_constraint as ConstraintIdentifier | null,
      biasConstraint: cfg.bias_constraint as ConstraintIdentifier | null,
    });
  }
}

registerLayerClass('Dense', Dense.fromConfig);
