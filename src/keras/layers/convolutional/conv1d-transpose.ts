// Keras Conv1DTranspose (keras/src/layers/convolutional/base_conv_transpose.py; TF's conv1d_transpose):
//   y = activation(conv1dTranspose(x, kernel) + bias), kernel [kernel_size, filters, C_in] (note: filters
//   before input channels, the layout of the convolution it transposes).
// Output length (keras backend_utils deconv_output_length), with K_eff = d·(k − 1) + 1:
//   no output_padding:  'valid' L·s + max(K_eff − s, 0);   'same' L·s
//   output_padding p:   (L − 1)·s + K_eff − 2·pad + p,     pad = ⌊K_eff/2⌋ for 'same', 0 for 'valid'
// TF then runs the input gradient of the convolution from that many steps to L, whose left padding is TF's
// own: 0 for VALID; for SAME ⌊max((L − 1)·s + K_eff − L_out, 0)/2⌋ (the forward conv's SAME split).

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { conv1dTranspose } from '../../../ops/conv.js';
import { transpose } from '../../../ops/layout.js';
import { add } from '../../../ops/arithmetic.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { registerLayerClass } from '../../engine/registry.js';
import type { Activation } from '../../activations.js';
import type { Initializer } from '../../initializers/index.js';
import type { Regularizer } from '../../regularizers.js';
import type { Constraint } from '../../constraints.js';
import { optionKeys, checkChoice } from '../../../util/options.js';
import { oneTuple, dataFormatArg, conv1dChannels, checkConv1dInput, kernelBias, kernelBiasConfig, kernelBiasFromConfig, KERNEL_BIAS_OPTIONS, type DataFormat, type KernelBiasArgs } from './args.js';

export interface Conv1DTransposeArgs extends LayerArgs, KernelBiasArgs {
  filters: number;
  kernelSize: number | [number];
  strides?: number | [number];
  padding?: 'valid' | 'same';
  outputPadding?: number | [number] | null;
  dataFormat?: DataFormat | null;
  dilationRate?: number | [number];
}

/** keras deconv_output_length. */
export function deconvOutputLength(L: number, k: number, padding: 'valid' | 'same', outputPadding: number | null, s: number, d: number): number {
  const eff = k + (k - 1) * (d - 1);
  if (outputPadding === null) return padding === 'valid' ? L * s + Math.max(eff - s, 0) : L * s;
  const pad = padding === 'same' ? Math.floor(eff / 2) : 0;
  return (L - 1) * s + eff - 2 * pad + outputPadding;
}

export class Conv1DTranspose extends Layer<Tensor> {
  static readonly kerasName: string = 'Conv1DTranspose';
  static readonly optionKeys = optionKeys<Conv1DTransposeArgs>({
    ...LAYER_OPTIONS, filters: true, kernelSize: true, strides: true, padding: true, outputPadding: true, dataFormat: true, dilationRate: true,
    ...KERNEL_BIAS_OPTIONS,
  });
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same';
  readonly outputPadding: number | null;
  readonly dataFormat: DataFormat;
  readonly dilationRate: number;
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

  constructor(args: Conv1DTransposeArgs) {
    super(args);
    const n = 'Conv1DTranspose';
    if (!args || !Number.isInteger(args.filters) || args.filters <= 0) {
      fail(n, `Invalid value for argument \`filters\`. Expected a strictly positive value. Received filters=${args ? String(args.filters) : 'no arguments'}.`);
    }
    this.filters = args.filters;
    if (args.kernelSize === undefined) fail(n, 'kernelSize is required');
    this.kernelSize = oneTuple(n, 'kernelSize', args.kernelSize, 1);
    this.strides = oneTuple(n, 'strides', args.strides, 1);
    this.dilationRate = oneTuple(n, 'dilationRate', args.dilationRate, 1);
    this.padding = (checkChoice(n, 'padding', args.padding, ['valid', 'same'] as const) ?? 'valid') as 'valid' | 'same';
    this.outputPadding = args.outputPadding === undefined || args.outputPadding === null ? null : oneTuple(n, 'outputPadding', args.outputPadding, 0, 0);
    if (this.outputPadding !== null && this.outputPadding >= this.strides) {
      fail(n, `\`output_padding\` must be strictly less than \`strides\`. Received: output_padding=(${this.outputPadding},), strides=(${this.strides},)`);
    }
    if (this.strides > 1 && this.dilationRate > 1) {
      fail(n, `\`strides > 1\` not supported in conjunction with \`dilation_rate > 1\`. Received: strides=(${this.strides},) and dilation_rate=(${this.dilationRate},)`);
    }
    this.dataFormat = dataFormatArg(n, args.dataFormat);
    ({ activation: this.activation, useBias: this.useBias, kernelInitializer: this.kernelInitializer, biasInitializer: this.biasInitializer,
      kernelRegularizer: this.kernelRegularizer, biasRegularizer: this.biasRegularizer, kernelConstraint: this.kernelConstraint,
      biasConstraint: this.biasConstraint } = kernelBias(args));
  }

  override build(inputShape: number[]): void {
    const C = conv1dChannels(this.name, inputShape, this.dataFormat);
    this.kernel = this.addWeight('kernel', [this.kernelSize, this.filters, C], {
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
    checkConv1dInput(this.name, x, kernel.shape[2], this.dataFormat, kernel);
    if (this.dataFormat === 'channels_first') x = transpose(x, [0, 2, 1]);
    const L = x.shape[1];
    const s = this.strides;
    const eff = this.dilationRate * (this.kernelSize - 1) + 1;
    const Lt = deconvOutputLength(L, this.kernelSize, this.padding, this.outputPadding, s, this.dilationRate);
    if (Lt <= 0) fail(this.name, `the output would have ${Lt} steps for input ${shapeStr(x.shape)}`);
    const pl = this.padding === 'valid' ? 0 : Math.floor(Math.max((L - 1) * s + eff - Lt, 0) / 2);
    let y = conv1dTranspose(x, kernel, { stride: s, dilation: this.dilationRate, outLength: Lt, padLeft: pl });
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
      output_padding: this.outputPadding === null ? null : [this.outputPadding],
      data_format: this.dataFormat,
      dilation_rate: [this.dilationRate],
      ...kernelBiasConfig(this, this.activityRegularizer),
    };
  }

  static fromConfig(cfg: Record<string, unknown>): Conv1DTranspose {
    return new Conv1DTranspose({
      ...baseArgsFromConfig(cfg),
      filters: cfg.filters as number,
      kernelSize: cfg.kernel_size as [number],
      strides: cfg.strides as [number] | undefined,
      padding: cfg.padding as 'valid' | 'same',
      outputPadding: cfg.output_padding as [number] | null | undefined,
      dataFormat: cfg.data_format as DataFormat | null | undefined,
      dilationRate: cfg.dilation_rate as [number] | undefined,
      ...kernelBiasFromConfig(cfg),
    });
  }
}

registerLayerClass('Conv1DTranspose', Conv1DTranspose.fromConfig);
registerLayerClass('Convolution1DTranspose', Conv1DTranspose.fromConfig); // Keras 3's alias
