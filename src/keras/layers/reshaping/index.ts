// Keras reshaping layers (K3 keras/src/layers/reshaping/*; shared/reference/keras-layers.md §7.2) and
// Activation (keras/src/layers/activations/activation.py). Shapes exclude the batch axis, as in Keras.
//   RepeatVector(n)            [B, D] → [B, n, D]
//   Flatten(dataFormat)        [B, …] → [B, Π…]; 'channels_first' moves axis 1 to the end first
//   Reshape(targetShape)       [B, …] → [B, …targetShape] (one −1 inferred)
//   Permute(dims)              1-based permutation of the non-batch axes
//   Activation(activation)     f(x); passes the mask through (supports_masking)
// Masks: the reshaping layers do not support masking (Keras drops the mask with a warning); Activation keeps it.

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { reshape, transpose, stack } from '../../../ops/layout.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { singleInput } from '../../engine/single-input.js';
import { registerLayerClass } from '../../engine/registry.js';
import { getActivation, type Activation as ActivationFn, type ActivationIdentifier } from '../../activations.js';
import { optionKeys, checkNumber, checkChoice } from '../../../util/options.js';

export interface RepeatVectorArgs extends LayerArgs {
  /** How many times to repeat the input. */
  n: number;
}

/** Keras RepeatVector(n): [B, D] → [B, n, D] (the decoder input of a seq2seq autoencoder). */
export class RepeatVector extends Layer<Tensor> {
  static readonly kerasName: string = 'RepeatVector';
  static readonly optionKeys = optionKeys<RepeatVectorArgs>({ ...LAYER_OPTIONS, n: true });
  readonly n: number;
  constructor(args: RepeatVectorArgs) {
    super(args);
    this.n = checkNumber('RepeatVector', 'n', args.n, { integer: true, min: 1 }) ?? fail('RepeatVector', 'n is required');
  }
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const x = singleInput(this, inputs);
    if (x.rank !== 2) {
      fail(this.name, `Input of layer '${this.name}' is incompatible with the layer: expected ndim=2, found ndim=${x.rank}. Full shape received: ${shapeStr(x.shape)}`);
    }
    return stack(Array.from({ length: this.n }, () => x), 1);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), n: this.n };
  }
  static fromConfig(cfg: Record<string, unknown>): RepeatVector {
    return new RepeatVector({ ...baseArgsFromConfig(cfg), n: cfg.n as number });
  }
}

export interface FlattenArgs extends LayerArgs {
  /** 'channels_last' (default) or 'channels_first' (axis 1 is moved to the end before flattening). */
  dataFormat?: 'channels_last' | 'channels_first' | null;
}

/** Keras Flatten: [B, …] → [B, Π…]. */
export class Flatten extends Layer<Tensor> {
  static readonly kerasName: string = 'Flatten';
  static readonly optionKeys = optionKeys<FlattenArgs>({ ...LAYER_OPTIONS, dataFormat: true });
  readonly dataFormat: 'channels_last' | 'channels_first';
  constructor(args: FlattenArgs = {}) {
    super(args);
    const f = args.dataFormat === null ? undefined : checkChoice('Flatten', 'dataFormat', args.dataFormat, ['channels_last', 'channels_first'] as const);
    this.dataFormat = f ?? 'channels_last';
  }
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    let x = singleInput(this, inputs);
    if (x.rank < 1) fail(this.name, `Flatten needs a batch axis, got shape ${shapeStr(x.shape)}`);
    if (this.dataFormat === 'channels_first' && x.rank > 2) {
      x = transpose(x, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]);
    }
    const rest = x.shape.slice(1).reduce((a, b) => a * b, 1);
    return reshape(x, [x.shape[0], rest]);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }
  static fromConfig(cfg: Record<string, unknown>): Flatten {
    return new Flatten({ ...baseArgsFromConfig(cfg), dataFormat: (cfg.data_format as FlattenArgs['dataFormat']) ?? undefined });
  }
}

export interface ReshapeArgs extends LayerArgs {
  /** The output shape without the batch axis; one entry may be −1. */
  targetShape: number[];
}

/** Keras Reshape(target_shape). */
export class Reshape extends Layer<Tensor> {
  static readonly kerasName: string = 'Reshape';
  static readonly optionKeys = optionKeys<ReshapeArgs>({ ...LAYER_OPTIONS, targetShape: true });
  readonly targetShape: number[];
  constructor(args: ReshapeArgs) {
    super(args);
    const t = args.targetShape;
    if (!Array.isArray(t) || t.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1))) {
      fail('Reshape', `targetShape must be an array of positive integers (one may be -1), got ${JSON.stringify(t)}`);
    }
    if (t.filter((d) => d === -1).length > 1) {
      fail('Reshape', `There must be at most one unknown dimension (-1) in targetShape. Received: targetShape=${JSON.stringify(t)}`);
    }
    this.targetShape = [...t];
  }
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const x = singleInput(this, inputs);
    const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const shape = this.targetShape.map((d) => (d === -1 ? per / known : d));
    if (!shape.every(Number.isInteger) || shape.reduce((a, b) => a * b, 1) !== per) {
      fail(this.name, `The total size of the tensor must be unchanged. Received: input_shape=${shapeStr(x.shape.slice(1))}, target_shape=${JSON.stringify(this.targetShape)}`);
    }
    return reshape(x, [x.shape[0], ...shape]);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), target_shape: [...this.targetShape] };
  }
  static fromConfig(cfg: Record<string, unknown>): Reshape {
    return new Reshape({ ...baseArgsFromConfig(cfg), targetShape: cfg.target_shape as number[] });
  }
}

export interface PermuteArgs extends LayerArgs {
  /** A 1-based permutation of the non-batch axes, e.g. [2, 1] swaps time and features. */
  dims: number[];
}

/** Keras Permute(dims): 1-based over the non-batch axes. */
export class Permute extends Layer<Tensor> {
  static readonly kerasName: string = 'Permute';
  static readonly optionKeys = optionKeys<PermuteArgs>({ ...LAYER_OPTIONS, dims: true });
  readonly dims: number[];
  constructor(args: PermuteArgs) {
    super(args);
    const d = args.dims;
    const sorted = Array.isArray(d) ? [...d].sort((a, b) => a - b) : [];
    if (!Array.isArray(d) || d.length === 0 || !sorted.every((v, i) => v === i + 1)) {
      fail('Permute', 'Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be consecutive ' +
        `and start from 1. Received dims=${JSON.stringify(d)}`);
    }
    this.dims = [...d];
  }
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const x = singleInput(this, inputs);
    if (x.rank !== this.dims.length + 1) {
      fail(this.name, `dims ${JSON.stringify(this.dims)} permute ${this.dims.length} axes but the input ${shapeStr(x.shape)} has ${x.rank - 1} besides the batch axis`);
    }
    return transpose(x, [0, ...this.dims]);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
  static fromConfig(cfg: Record<string, unknown>): Permute {
    return new Permute({ ...baseArgsFromConfig(cfg), dims: cfg.dims as number[] });
  }
}

export interface ActivationArgs extends LayerArgs {
  activation: ActivationIdentifier;
}

/** Keras Activation(activation): applies the function; the mask passes through. */
export class Activation extends Layer<Tensor> {
  static readonly kerasName: string = 'Activation';
  static readonly optionKeys = optionKeys<ActivationArgs>({ ...LAYER_OPTIONS, activation: true });
  readonly activation: ActivationFn;
  constructor(args: ActivationArgs) {
    super(args);
    if (args.activation === undefined) fail('Activation', 'activation is required');
    this.activation = getActivation(args.activation);
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    return this.activation.fn(singleInput(this, inputs));
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation.name };
  }
  static fromConfig(cfg: Record<string, unknown>): Activation {
    return new Activation({ ...baseArgsFromConfig(cfg), activation: cfg.activation as ActivationIdentifier });
  }
}

registerLayerClass('RepeatVector', RepeatVector.fromConfig);
registerLayerClass('Flatten', Flatten.fromConfig);
registerLayerClass('Reshape', Reshape.fromConfig);
registerLayerClass('Permute', Permute.fromConfig);
registerLayerClass('Activation', Activation.fromConfig);
