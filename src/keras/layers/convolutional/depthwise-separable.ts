// Keras DepthwiseConv1D and SeparableConv1D (keras/src/layers/convolutional/base_depthwise_conv.py,
// base_separable_conv.py; TF's depthwise_conv2d / separable_conv2d on a height-1 image):
//   depthwise:  z[b, o, c·m + j] = Σ_k x[b, o·s + k·d − padLeft, c] · kernel[k, c, j]     kernel [K, C, depth_multiplier]
//   separable:  y = activation(pointwise(depthwise(x)) + bias), pointwise_kernel [1, C·m, filters] (a 1×1 conv
//               at stride 1: the strides and dilation act in the depthwise step, as in TF).
// A depthwise convolution is the grouped convolution with groups = C and C·m filters: output channel c·m + j
// belongs to group c, and the kernel [K, C, m] read as [K, 1, C·m] is exactly conv1d's grouped layout, so both
// run through ops/conv.ts (GEMMs on im2col) with a reshape, forward and backward. Padding 'valid' or 'same'
// (Keras's standardize_padding without causal); data_format as Conv1D.

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { conv1d, windowOutputLength } from '../../../ops/conv.js';
import { transpose, reshape } from '../../../ops/layout.js';
import { add } from '../../../ops/arithmetic.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { registerLayerClass } from '../../engine/registry.js';
import { getActivation, type Activation, type ActivationIdentifier } from '../../activations.js';
import { get as getInit, serialize as serInit, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import { get as getReg, serialize as serReg, type Regularizer, type RegularizerIdentifier } from '../../regularizers.js';
import { get as getCon, serialize as serCon, type Constraint, type ConstraintIdentifier } from '../../constraints.js';
import { optionKeys, checkChoice } from '../../../util/options.js';
import { oneTuple, dataFormatArg, windowPadding, conv1dChannels, checkConv1dInput, type DataFormat } from './args.js';

interface WindowArgs extends LayerArgs {
  kernelSize: number | [number];
  strides?: number | [number];
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat | null;
  dilationRate?: number | [number];
  depthMultiplier?: number;
  activation?: ActivationIdentifier;
  useBias?: boolean;
}

export interface DepthwiseConv1DArgs extends WindowArgs {
  depthwiseInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
  depthwiseConstraint?: ConstraintIdentifier | null;
  biasConstraint?: ConstraintIdentifier | null;
}

export interface SeparableConv1DArgs extends DepthwiseConv1DArgs {
  filters: number;
  pointwiseInitializer?: InitializerIdentifier;
  pointwiseRegularizer?: RegularizerIdentifier | null;
  pointwiseConstraint?: ConstraintIdentifier | null;
}

/** The window arguments both layers share, checked as Keras's base classes check them. */
abstract class DepthwiseBase extends Layer<Tensor> {
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same';
  readonly dataFormat: DataFormat;
  readonly dilationRate: number;
  readonly depthMultiplier: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly depthwiseInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly depthwiseRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly depthwiseConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  bias: Tensor | null = null;

  constructor(n: string, args: DepthwiseConv1DArgs) {
    super(args);
    if (!args || args.kernelSize === undefined) fail(n, 'kernelSize is required');
    this.kernelSize = oneTuple(n, 'kernelSize', args.kernelSize, 1);
    this.strides = oneTuple(n, 'strides', args.strides, 1);
    this.dilationRate = oneTuple(n, 'dilationRate', args.dilationRate, 1);
    this.padding = (checkChoice(n, 'padding', args.padding, ['valid', 'same'] as const) ?? 'valid') as 'valid' | 'same';
    this.dataFormat = dataFormatArg(n, args.dataFormat);
    this.depthMultiplier = oneTuple(n, 'depthMultiplier', args.depthMultiplier, 1);
    // TF's depthwise_conv2d: "strides > 1 not supported in conjunction with dilation_rate > 1".
    if (this.strides > 1 && this.dilationRate > 1) {
      fail(n, `\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=(${this.strides},) and dilation_rate=(${this.dilationRate},)`);
    }
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.depthwiseInitializer = getInit(args.depthwiseInitializer ?? 'glorot_uniform');
    this.biasInitializer = getInit(args.biasInitializer ?? 'zeros');
    this.depthwiseRegularizer = getReg(args.depthwiseRegularizer);
    this.biasRegularizer = getReg(args.biasRegularizer);
    this.depthwiseConstraint = getCon(args.depthwiseConstraint);
    this.biasConstraint = getCon(args.biasConstraint);
  }

  /** The depthwise step on channels-last x [B, L, C] with kernel [K, C, m] → [B, L', C·m]. */
  protected depthwise(x: Tensor, kernel: Tensor): Tensor {
    const [K, C, m] = kernel.shape;
    const L = x.shape[1];
    const [pl, pr] = windowPadding(this.padding, L, this.kernelSize, this.strides, this.dilationRate);
    if (windowOutputLength(L, this.kernelSize, this.strides, this.dilationRate, pl, pr) <= 0) {
      fail(this.name, `Computed output size would be zero or negative. Received \`inputs shape=${shapeStr(x.shape)}\`, \`kernel shape=${shapeStr(kernel.shape)}\`, \`dilation_rate=[${this.dilationRate}]\`.`);
    }
    return conv1d(x, reshape(kernel, [K, 1, C * m]), { stride: this.strides, dilation: this.dilationRate, padLeft: pl, padRight: pr, groups: C });
  }

  protected windowConfig(): Record<string, unknown> {
    return {
      depth_multiplier: this.depthMultiplier,
      kernel_size: [this.kernelSize],
      strides: [this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [this.dilationRate],
      activation: this.activation.name,
      use_bias: this.useBias,
    };
  }
}

function windowArgsFromConfig(cfg: Record<string, unknown>): DepthwiseConv1DArgs {
  return {
    ...baseArgsFromConfig(cfg),
    kernelSize: cfg.kernel_size as [number],
    strides: cfg.strides as [number] | undefined,
    padding: cfg.padding as 'valid' | 'same',
    dataFormat: cfg.data_format as DataFormat | null | undefined,
    dilationRate: cfg.dilation_rate as [number] | undefined,
    depthMultiplier: cfg.depth_multiplier as number | undefined,
    activation: (cfg.activation as ActivationIdentifier | undefined) ?? null,  // a config's name, checked by getActivation
    useBias: (cfg.use_bias as boolean | undefined) ?? true,
    depthwiseInitializer: (cfg.depthwise_initializer as InitializerIdentifier | undefined) ?? 'glorot_uniform',
    biasInitializer: (cfg.bias_initializer as InitializerIdentifier | undefined) ?? 'zeros',
    depthwiseRegularizer: cfg.depthwise_regularizer as RegularizerIdentifier | null,
    biasRegularizer: cfg.bias_regularizer as RegularizerIdentifier | null,
    depthwiseConstraint: cfg.depthwise_constraint as ConstraintIdentifier | null,
    biasConstraint: cfg.bias_constraint as ConstraintIdentifier | null,
  };
}

const DEPTHWISE_KEYS = {
  ...LAYER_OPTIONS, kernelSize: true, strides: true, padding: true, dataFormat: true, dilationRate: true, depthMultiplier: true,
  activation: true, useBias: true, depthwiseInitializer: true, biasInitializer: true, depthwiseRegularizer: true, biasRegularizer: true,
  depthwiseConstraint: true, biasConstraint: true,
} as const;

/** keras.layers.DepthwiseConv1D: one filter bank of depthMultiplier filters per input channel. */
export class DepthwiseConv1D extends DepthwiseBase {
  static readonly kerasName: string = 'DepthwiseConv1D';
  static readonly optionKeys = optionKeys<DepthwiseConv1DArgs>(DEPTHWISE_KEYS);
  /** Keras names this weight `kernel` ([K, C, depth_multiplier]). */
  kernel: Tensor | null = null;

  constructor(args: DepthwiseConv1DArgs) {
    super('DepthwiseConv1D', args);
  }

  override build(inputShape: number[]): void {
    const C = conv1dChannels(this.name, inputShape, this.dataFormat);
    this.kernel = this.addWeight('kernel', [this.kernelSize, C, this.depthMultiplier], {
      initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [C * this.depthMultiplier], { initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    let x = Array.isArray(inputs) ? inputs[0] : inputs;
    checkConv1dInput(this.name, x, this.kernel!.shape[1], this.dataFormat, this.kernel!);
    if (this.dataFormat === 'channels_first') x = transpose(x, [0, 2, 1]);
    let y = this.depthwise(x, this.kernel!);
    if (this.bias) y = add(y, this.bias);
    y = this.activation.fn(y);
    return this.dataFormat === 'channels_first' ? transpose(y, [0, 2, 1]) : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      ...this.windowConfig(),
      depthwise_initializer: serInit(this.depthwiseInitializer),
      bias_initializer: serInit(this.biasInitializer),
      depthwise_regularizer: serReg(this.depthwiseRegularizer),
      bias_regularizer: serReg(this.biasRegularizer),
      activity_regularizer: serReg(this.activityRegularizer),
      depthwise_constraint: serCon(this.depthwiseConstraint),
      bias_constraint: serCon(this.biasConstraint),
    };
  }

  static fromConfig(cfg: Record<string, unknown>): DepthwiseConv1D {
    return new DepthwiseConv1D(windowArgsFromConfig(cfg));
  }
}

/** keras.layers.SeparableConv1D: DepthwiseConv1D, then a 1×1 convolution to `filters` channels, then bias and activation. */
export class SeparableConv1D extends DepthwiseBase {
  static readonly kerasName: string = 'SeparableConv1D';
  static readonly optionKeys = optionKeys<SeparableConv1DArgs>({
    ...DEPTHWISE_KEYS, filters: true, pointwiseInitializer: true, pointwiseRegularizer: true, pointwiseConstraint: true,
  });
  readonly filters: number;
  readonly pointwiseInitializer: Initializer;
  readonly pointwiseRegularizer: Regularizer | null;
  readonly pointwiseConstraint: Constraint | null;
  depthwiseKernel: Tensor | null = null;
  pointwiseKernel: Tensor | null = null;

  constructor(args: SeparableConv1DArgs) {
    super('SeparableConv1D', args);
    if (!Number.isInteger(args.filters) || args.filters <= 0) {
      fail('SeparableConv1D', `Invalid value for argument \`filters\`. Expected a strictly positive value. Received filters=${String(args.filters)}.`);
    }
    this.filters = args.filters;
    this.pointwiseInitializer = getInit(args.pointwiseInitializer ?? 'glorot_uniform');
    this.pointwiseRegularizer = getReg(args.pointwiseRegularizer);
    this.pointwiseConstraint = getCon(args.pointwiseConstraint);
  }

  override build(inputShape: number[]): void {
    const C = conv1dChannels(this.name, inputShape, this.dataFormat);
    this.depthwiseKernel = this.addWeight('depthwise_kernel', [this.kernelSize, C, this.depthMultiplier], {
      initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint,
    });
    this.pointwiseKernel = this.addWeight('pointwise_kernel', [1, C * this.depthMultiplier, this.filters], {
      initializer: this.pointwiseInitializer, regularizer: this.pointwiseRegularizer, constraint: this.pointwiseConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters], { initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    let x = Array.isArray(inputs) ? inputs[0] : inputs;
    checkConv1dInput(this.name, x, this.depthwiseKernel!.shape[1], this.dataFormat, this.depthwiseKernel!);
    if (this.dataFormat === 'channels_first') x = transpose(x, [0, 2, 1]);
    let y = conv1d(this.depthwise(x, this.depthwiseKernel!), this.pointwiseKernel!);
    if (this.bias) y = add(y, this.bias);
    y = this.activation.fn(y);
    return this.dataFormat === 'channels_first' ? transpose(y, [0, 2, 1]) : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      ...this.windowConfig(),
      filters: this.filters,
      depthwise_initializer: serInit(this.depthwiseInitializer),
      pointwise_initializer: serInit(this.pointwiseInitializer),
      bias_initializer: serInit(this.biasInitializer),
      depthwise_regularizer: serReg(this.depthwiseRegularizer),
      pointwise_regularizer: serReg(this.pointwiseRegularizer),
      bias_regularizer: serReg(this.biasRegularizer),
      activity_regularizer: serReg(this.activityRegularizer),
      depthwise_constraint: serCon(this.depthwiseConstraint),
      pointwise_constraint: serCon(this.pointwiseConstraint),
      bias_constraint: serCon(this.biasConstraint),
    };
  }

  static fromConfig(cfg: Record<string, unknown>): SeparableConv1D {
    return new SeparableConv1D({
      ...windowArgsFromConfig(cfg),
      filters: cfg.filters as number,
      pointwiseInitializer: (cfg.pointwise_initializer as InitializerIdentifier | undefined) ?? 'glorot_uniform',
      pointwiseRegularizer: cfg.pointwise_regularizer as RegularizerIdentifier | null,
      pointwiseConstraint: cfg.pointwise_constraint as ConstraintIdentifier | null,
    });
  }
}

registerLayerClass('DepthwiseConv1D', DepthwiseConv1D.fromConfig);
registerLayerClass('SeparableConv1D', SeparableConv1D.fromConfig);
registerLayerClass('SeparableConvolution1D', SeparableConv1D.fromConfig); // Keras 3's alias
