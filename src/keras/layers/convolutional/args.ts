// Argument helpers shared by the 1-D convolution, pooling and padding layers (not part of the public API).

import { fail, shapeStr } from '../../../tensor/shape.js';
import type { Tensor } from '../../../tensor/tensor.js';
import { checkChoice } from '../../../util/options.js';

export type DataFormat = 'channels_last' | 'channels_first';

/** A Keras 1-tuple argument (`3` or `[3]`) as its integer, checked. */
export function oneTuple(layer: string, name: string, v: unknown, dflt: number, min = 1): number {
  if (v === undefined || v === null) return dflt;
  const x = Array.isArray(v) ? (v.length === 1 ? v[0] : fail(layer, `${name} must be an integer or a list of 1 integer, got ${JSON.stringify(v)}`)) : v;
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min) fail(layer, `${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return x;
}

/** The data_format argument (null / undefined → 'channels_last', Keras's image_data_format default). */
export function dataFormatArg(layer: string, v: unknown): DataFormat {
  if (v === undefined || v === null) return 'channels_last';
  return checkChoice(layer, 'dataFormat', v as string, ['channels_last', 'channels_first'] as const) as DataFormat;
}

/** Keras's InputSpec(ndim=3) for a 1-D convolution's build shape or input (its message); returns the channels. */
export function conv1dChannels(layer: string, shape: readonly number[], dataFormat: DataFormat): number {
  if (shape.length !== 3) fail(layer, `Input of layer '${layer}' is incompatible with the layer: expected ndim=3, found ndim=${shape.length}. Full shape received: ${shapeStr(shape)}`);
  return dataFormat === 'channels_last' ? shape[2] : shape[1];
}

/** A 1-D convolution's call-time checks: rank 3, `channels` on the channel axis (Keras's messages), the kernel's dtype. */
export function checkConv1dInput(layer: string, x: Tensor, channels: number, dataFormat: DataFormat, kernel: Tensor): void {
  if (conv1dChannels(layer, x.shape, dataFormat) !== channels) {
    fail(layer, `Input of layer '${layer}' is incompatible with the layer: expected axis ${dataFormat === 'channels_last' ? -1 : 1} of input shape to have value ${channels}, but received input with shape ${shapeStr(x.shape)}`);
  }
  if (x.dtype !== kernel.dtype) fail(layer, `input dtype ${x.dtype} differs from the layer dtype ${kernel.dtype}`);
}

/**
 * TF's padding for a window op over L steps (keras-layers.md §4.1): [before, after]. 'same' splits
 * P = max((⌈L/s⌉ − 1)·s + L_eff − L, 0) as ⌊P/2⌋ before, the rest after; 'causal' puts d·(k−1) before.
 */
export function windowPadding(padding: 'valid' | 'same' | 'causal', L: number, k: number, s: number, d: number): [number, number] {
  const eff = d * (k - 1) + 1;
  if (padding === 'valid') return [0, 0];
  if (padding === 'causal') return [eff - 1, 0];
  const out = Math.ceil(L / s);
  const P = Math.max((out - 1) * s + eff - L, 0);
  return [Math.floor(P / 2), P - Math.floor(P / 2)];
}


// ---- the kernel / bias arguments every Keras convolution takes (base_conv.py, base_conv_transpose.py) ----------

import { getActivation, type Activation, type ActivationIdentifier } from '../../activations.js';
import { get as getInit, serialize as serInit, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import { get as getReg, serialize as serReg, type Regularizer, type RegularizerIdentifier } from '../../regularizers.js';
import { get as getCon, serialize as serCon, type Constraint, type ConstraintIdentifier } from '../../constraints.js';

export interface KernelBiasArgs {
  activation?: ActivationIdentifier;
  useBias?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
  kernelConstraint?: ConstraintIdentifier | null;
  biasConstraint?: ConstraintIdentifier | null;
}

export const KERNEL_BIAS_OPTIONS = {
  activation: true, useBias: true, kernelInitializer: true, biasInitializer: true, kernelRegularizer: true, biasRegularizer: true,
  kernelConstraint: true, biasConstraint: true,
} as const satisfies { [K in keyof Required<KernelBiasArgs>]: true };

/** The resolved kernel / bias arguments (Keras's defaults: no activation, a bias, glorot_uniform and zeros). */
export interface KernelBias {
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
}

export function kernelBias(args: KernelBiasArgs): KernelBias {
  return {
    activation: getActivation(args.activation),
    useBias: args.useBias ?? true,
    kernelInitializer: getInit(args.kernelInitializer ?? 'glorot_uniform'),
    biasInitializer: getInit(args.biasInitializer ?? 'zeros'),
    kernelRegularizer: getReg(args.kernelRegularizer),
    biasRegularizer: getReg(args.biasRegularizer),
    kernelConstraint: getCon(args.kernelConstraint),
    biasConstraint: getCon(args.biasConstraint),
  };
}

/** Keras get_config's entries for them (activity_regularizer included, which the layer holds). */
export function kernelBiasConfig(k: KernelBias, activityRegularizer: Regularizer | null): Record<string, unknown> {
  return {
    activation: k.activation.name,
    use_bias: k.useBias,
    kernel_initializer: serInit(k.kernelInitializer),
    bias_initializer: serInit(k.biasInitializer),
    kernel_regularizer: serReg(k.kernelRegularizer),
    bias_regularizer: serReg(k.biasRegularizer),
    activity_regularizer: serReg(activityRegularizer),
    kernel_constraint: serCon(k.kernelConstraint),
    bias_constraint: serCon(k.biasConstraint),
  };
}

/** The same keys read back from a Keras config. */
export function kernelBiasFromConfig(cfg: Record<string, unknown>): KernelBiasArgs {
  return {
    activation: (cfg.activation as ActivationIdentifier | undefined) ?? null,  // a config's name, checked by getActivation
    useBias: (cfg.use_bias as boolean | undefined) ?? true,
    kernelInitializer: (cfg.kernel_initializer as InitializerIdentifier | undefined) ?? 'glorot_uniform',
    biasInitializer: (cfg.bias_initializer as InitializerIdentifier | undefined) ?? 'zeros',
    kernelRegularizer: cfg.kernel_regularizer as RegularizerIdentifier | null,
    biasRegularizer: cfg.bias_regularizer as RegularizerIdentifier | null,
    kernelConstraint: cfg.kernel_constraint as ConstraintIdentifier | null,
    biasConstraint: cfg.bias_constraint as ConstraintIdentifier | null,
  };
}
