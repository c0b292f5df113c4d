// Keras 1-D pooling (K3 keras/src/layers/pooling/*; keras-layers.md §4.2, §4.3):
//   MaxPooling1D / AveragePooling1D(pool_size=2, strides=None → pool_size, padding 'valid' | 'same', data_format)
//     windows as Conv1D's (same: ⌈L/s⌉ steps, TF's padding split); padding never wins a max, and an average
//     divides by the real steps of its window only;
//   GlobalAveragePooling1D(data_format, keepdims): the mean over steps; with a mask
//     y = Σ_t where(m_t, x_t, 0) / Σ_t m_t (a fully masked row gives 0/0 = NaN, as Keras); output mask None;
//   GlobalMaxPooling1D(data_format, keepdims): the max over every step. It does not support masks in Keras 3:
//     an incoming mask is dropped with Keras's warning and masked steps count.
// The windowed ops are src/ops/conv.ts pool1d; none of these layers has weights.

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { pool1d } from '../../../ops/conv.js';
import { transpose, reshape } from '../../../ops/layout.js';
import { where, toMask01 } from '../../../ops/select.js';
import { sum, mean } from '../../../ops/reduce.js';
import { div } from '../../../ops/arithmetic.js';
import { full } from '../../../tensor/create.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { singleInput } from '../../engine/single-input.js';
import { registerLayerClass } from '../../engine/registry.js';
import { optionKeys, checkChoice, checkBoolean } from '../../../util/options.js';
import { oneTuple, dataFormatArg, windowPadding, type DataFormat } from '../convolutional/args.js';

export interface Pooling1DArgs extends LayerArgs {
  poolSize?: number | [number];
  /** null / undefined: the pool size (Keras). */
  strides?: number | [number] | null;
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat | null;
}

abstract class Pooling1D extends Layer<Tensor> {
  static readonly optionKeys = optionKeys<Pooling1DArgs>({ ...LAYER_OPTIONS, poolSize: true, strides: true, padding: true, dataFormat: true });
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same';
  readonly dataFormat: DataFormat;
  protected abstract readonly kind: 'max' | 'avg';

  constructor(args: Pooling1DArgs = {}) {
    super(args);
    const n = new.target.name;
    this.poolSize = oneTuple(n, 'poolSize', args.poolSize, 2);
    this.strides = oneTuple(n, 'strides', args.strides, this.poolSize);
    this.padding = (checkChoice(n, 'padding', args.padding, ['valid', 'same'] as const) ?? 'valid') as 'valid' | 'same';
    this.dataFormat = dataFormatArg(n, args.dataFormat);
  }

  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    let x = singleInput(this, inputs, 3);
    if (this.dataFormat === 'channels_first') x = transpose(x, [0, 2, 1]);
    const [pl, pr] = windowPadding(this.padding, x.shape[1], this.poolSize, this.strides, 1);
    const y = pool1d(x, { kind: this.kind, pool: this.poolSize, stride: this.strides, padLeft: pl, padRight: pr });
    return this.dataFormat === 'channels_first' ? transpose(y, [0, 2, 1]) : y;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), pool_size: [this.poolSize], padding: this.padding, strides: [this.strides], data_format: this.dataFormat };
  }

  protected static argsFromConfig(cfg: Record<string, unknown>): Pooling1DArgs {
    return {
      ...baseArgsFromConfig(cfg), poolSize: cfg.pool_size as [number] | undefined, strides: cfg.strides as [number] | null | undefined,
      padding: cfg.padding as 'valid' | 'same' | undefined, dataFormat: cfg.data_format as DataFormat | null | undefined,
    };
  }
}

/** Keras MaxPooling1D. */
export class MaxPooling1D extends Pooling1D {
  static readonly kerasName: string = 'MaxPooling1D';
  protected readonly kind = 'max' as const;
  static fromConfig(cfg: Record<string, unknown>): MaxPooling1D {
    return new MaxPooling1D(Pooling1D.argsFromConfig(cfg));
  }
}

/** Keras AveragePooling1D ('same': the mean of the real steps in each window). */
export class AveragePooling1D extends Pooling1D {
  static readonly kerasName: string = 'AveragePooling1D';
  protected readonly kind = 'avg' as const;
  static fromConfig(cfg: Record<string, unknown>): AveragePooling1D {
    return new AveragePooling1D(Pooling1D.argsFromConfig(cfg));
  }
}

export interface GlobalPooling1DArgs extends LayerArgs {
  dataFormat?: DataFormat | null;
  keepdims?: boolean;
}

abstract class GlobalPooling1D extends Layer<Tensor> {
  static readonly optionKeys = optionKeys<GlobalPooling1DArgs>({ ...LAYER_OPTIONS, dataFormat: true, keepdims: true });
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;
  constructor(args: GlobalPooling1DArgs = {}) {
    super(args);
    const n = new.target.name;
    this.dataFormat = dataFormatArg(n, args.dataFormat);
    this.keepdims = checkBoolean(n, 'keepdims', args.keepdims) ?? false;
  }
  /** The steps axis: 1 for channels_last, 2 for channels_first. */
  protected get stepsAxis(): number {
    return this.dataFormat === 'channels_last' ? 1 : 2;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }
  protected static argsFromConfig(cfg: Record<string, unknown>): GlobalPooling1DArgs {
    return { ...baseArgsFromConfig(cfg), dataFormat: cfg.data_format as DataFormat | null | undefined, keepdims: cfg.keepdims as boolean | undefined };
  }
}

/** Keras GlobalAveragePooling1D: mask-aware mean over the steps (masked steps excluded). */
export class GlobalAveragePooling1D extends GlobalPooling1D {
  static readonly kerasName: string = 'GlobalAveragePooling1D';
  constructor(args: GlobalPooling1DArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }
  call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor {
    const x = singleInput(this, inputs, 3);
    const ax = this.stepsAxis;
    const mask = kwargs.mask ?? null;
    if (mask === null) return mean(x, ax, this.keepdims);
    const [B, T] = [x.shape[0], x.shape[ax]];
    if (mask.rank !== 2 || mask.shape[0] !== B || mask.shape[1] !== T) {
      fail(this.name, `mask must be [batch, steps] = [${B}, ${T}], got ${shapeStr(mask.shape)}`);
    }
    // the mask as 0/1 of x's dtype, [B, T, 1] (channels_last) or [B, 1, T]
    const m01 = toMask01(mask, ax === 1 ? [B, T, 1] : [B, 1, T], x.dtype);
    const picked = where(m01, x, full([], 0, x.dtype));
    return div(sum(picked, ax, this.keepdims), sum(m01, ax, this.keepdims));
  }
  /** Keras: the output has no mask. */
  override computeMask(): Tensor | null {
    return null;
  }
  static fromConfig(cfg: Record<string, unknown>): GlobalAveragePooling1D {
    return new GlobalAveragePooling1D(GlobalPooling1D.argsFromConfig(cfg));
  }
}

/** Keras GlobalMaxPooling1D: the max over every step (no mask support, as in Keras 3). */
export class GlobalMaxPooling1D extends GlobalPooling1D {
  static readonly kerasName: string = 'GlobalMaxPooling1D';
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    let x = singleInput(this, inputs, 3);
    if (this.dataFormat === 'channels_first') x = transpose(x, [0, 2, 1]);
    const [B, T, C] = x.shape;
    if (T === 0) fail(this.name, `cannot take the max over 0 steps (input ${shapeStr(x.shape)})`);
    const y = pool1d(x, { kind: 'max', pool: T, stride: 1 }); // [B, 1, C]
    if (!this.keepdims) return reshape(y, [B, C]);
    return this.dataFormat === 'channels_first' ? reshape(y, [B, C, 1]) : y;
  }
  static fromConfig(cfg: Record<string, unknown>): GlobalMaxPooling1D {
    return new GlobalMaxPooling1D(GlobalPooling1D.argsFromConfig(cfg));
  }
}

registerLayerClass('MaxPooling1D', MaxPooling1D.fromConfig);
registerLayerClass('AveragePooling1D', AveragePooling1D.fromConfig);
registerLayerClass('GlobalAveragePooling1D', GlobalAveragePooling1D.fromConfig);
registerLayerClass('GlobalMaxPooling1D', GlobalMaxPooling1D.fromConfig);
// Keras 3's aliases (keras/src/layers/__init__.py): configs carry the class name, but code may use either
registerLayerClass('MaxPool1D', MaxPooling1D.fromConfig);
registerLayerClass('AvgPool1D', AveragePooling1D.fromConfig);
registerLayerClass('GlobalAvgPool1D', GlobalAveragePooling1D.fromConfig);
registerLayerClass('GlobalMaxPool1D', GlobalMaxPooling1D.fromConfig);
