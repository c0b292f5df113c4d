// Keras Conv1D (K3 keras/src/layers/convolutional/conv1d.py, base_conv.py; keras-layers.md §4.1):
//   y = activation(conv1d(x, kernel) + bias), kernel [kernel_size, C_in/groups, filters], bias [filters].
// Padding, with L_eff = d·(k−1) + 1:
//   'valid'   no padding: ⌊(L − L_eff)/s⌋ + 1 steps (≤ 0 is an error);
//   'same'    ⌈L/s⌉ steps; TF pads P = max((out−1)·s + L_eff − L, 0) zeros, ⌊P/2⌋ before and the rest after;
//   'causal'  d·(k−1) zeros before, then 'valid' (conv1d.py `_compute_causal_padding`): step t sees only ≤ t.
// data_format 'channels_first' takes [B, C, L] and gives [B, filters, L'] (computed channels-last between
// transposes; TF's own CPU kernels cannot run NCHW at all). Conv1D does not support masks (Keras drops an
// incoming one with its warning). The op runs as GEMMs on an im2col matrix (src/ops/conv.ts).

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { conv1d, windowOutputLength } from '../../../ops/conv.js';
import { transpose } from '../../../ops/layout.js';
import { add } from '../../../ops/arithmetic.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { registerLayerClass } from '../../engine/registry.js';
import type { Activation } from '../../activations.js';
import type { Initializer } from '../../initializers/index.js';
import type { Regularizer } from '../../regularizers.js';
import type { Constraint } from '../../constraints.js';
import { optionKeys, checkChoice } from '../../../util/options.js';
import { oneTuple, dataFormatArg, windowPadding, conv1dChannels, checkConv1dInput, kernelBias, kernelBiasConfig, kernelBiasFromConfig, KERNEL_BIAS_OPTIONS, type DataFormat, type KernelBiasArgs } from './args.js';

export interface Conv1DArgs extends LayerArgs, KernelBiasArgs {
  filters: number;
  kernelSize: number | [number];
  strides?: number | [number];
  padding?: 'valid' | 'same' | 'causal';
  dataFormat?: DataFormat | null;
  dilationRate?: number | [number];
  groups?: number;
}

export class Conv1D extends Layer<Tensor> {
  static readonly kerasName: string = 'Conv1D';
  static readonly optionKeys = optionKeys<Conv1DArgs>({
    ...LAYER_OPTIONS, filters: true, kernelSize: true, strides: true, padding: true, dataFormat: true, dilationRate: true, groups: true,
    ...KERNEL_BIAS_OPTIONS,
  });
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same' | 'causal';
  readonly dataFormat: DataFormat;
  readonly dilationRate: number;
  readonly groups: number;
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

  constructor(args: Conv1DArgs) {
    super(args);
    const n = 'Conv1D';
    if (!args || !Number.isInteger(args.filters) || args.filters <= 0) fail(n, `filters must be a positive integer, got ${args ? String(args.filters) : 'no arguments'}`);
    this.filters = args.filters;
    if (args.kernelSize === undefined) fail(n, 'kernelSize is required');
    this.kernelSize = oneTuple(n, 'kernelSize', args.kernelSize, 1);
    this.strides = oneTuple(n, 'strides', args.strides, 1);
    this.dilationRate = oneTuple(n, 'dilationRate', args.dilationRate, 1);
    this.padding = (checkChoice(n, 'padding', args.padding, ['valid', 'same', 'causal'] as const) ?? 'valid') as Conv1D['padding'];
    this.dataFormat = dataFormatArg(n, args.dataFormat);
    this.groups = oneTuple(n, 'groups', args.groups, 1);
    // base_conv.py __init__: both checks, with Keras's messages
    if (this.filters % this.groups !== 0) {
      fail(n, `The number of filters must be evenly divisible by the number of groups. Received: groups=${this.groups}, filters=${this.filters}.`);
    }
    if (this.strides > 1 && this.dilationRate > 1) {
      fail(n, `\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=(${this.strides},) and dilation_rate=(${this.dilationRate},)`);
    }
    ({ activation: this.activation, useBias: this.useBias, kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer,
      kernelRegularizer: this.kernelRegularizer, biasRegularizer: this.biasRegularizer, kernelConstraint: this.kernelConstraint,
      biasConstraint: this.biasConstraint } = kernelBias(args));
  }

  override build(inputShape: number[]): void {
    const C = conv1dChannels(this.name, inputShape, this.dataFormat);
    if (C % this.groups !== 0) {
      fail(this.name, `The number of input channels must be evenly divisible by the number of groups. Received groups=${this.groups}, but the input has ${C} channels (full input shape is ${shapeStr(inputShape)}).`);
    }
    this.kernel = this.addWeight('kernel', [this.kernelSize, C / this.groups, this.filters], {
      initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [this.filters], { initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    let x = Array.isArray(inputs) ? inputs[0] : inputs;
    const kernel = this.kernel!;
    checkConv1dInput(this.name, x, kernel.shape[1] * this.groups, this.dataFormat, kernel);
    if (this.dataFormat === 'channels_first') x = transpose(x, [0, 2, 1]);
    const L = x.shape[1];
    const [pl, pr] = windowPadding(this.padding, L, this.kernelSize, this.strides, this.dilationRate);
    if (windowOutputLength(L, this.kernelSize, this.strides, this.dilationRate, pl, pr) <= 0) {
      // ops/operation_utils.py compute_conv_output_shape
      fail(this.name, `Computed output size would be zero or negative. Received \`inputs shape=${shapeStr(x.shape)}\`, \`kernel shape=${shapeStr(kernel.shape)}\`, \`dilation_rate=[${this.dilationRate}]\`.`);
    }
    let y = conv1d(x, kernel, { stride: this.strides, dilation: this.dilationRate, padLeft: pl, padRight: pr, groups: this.groups });
    if (this.bias) y = add(y, this.bias);
    y = this.activation.fn(y);
    return this.dataFormat === 'channels_first' ? transpose(y, [0, 2, 1]) : y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [this.kernelSize],
      strides: [this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [this.dilationRate],
      groups: this.groups,
      ...kernelBiasConfig(this, this.activityRegularizer),
    };
  }

  static fromConfig(cfg: Record<string, unknown>): Conv1D {
    return new Conv1D({
      ...baseArgsFromConfig(cfg),
      filters: cfg.filters as number,
      kernelSize: cfg.kernel_size as [number],
      strides: cfg.strides as [number] | undefined,
      padding: cfg.padding as Conv1DArgs['padding'],
      dataFormat: cfg.data_format as DataFormat | null | undefined,
      dilationRate: cfg.dilation_rate as [number] | undefined,
      groups: cfg.groups as number | undefined,
      ...kernelBiasFromConfig(cfg),
    });
  }
}

registerLayerClass('Conv1D', Conv1D.fromConfig);
registerLayerClass('Convolution1D', Conv1D.fromConfig); // Keras 3's alias
