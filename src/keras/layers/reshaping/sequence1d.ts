// Keras's 1-D sequence reshaping layers (K3 keras/src/layers/reshaping/up_sampling1d.py, zero_padding1d.py,
// cropping1d.py; keras-layers.md §4.4), on [B, L, C]. None of them supports masks (Keras drops one with its
// warning).
//   UpSampling1D(size=2)             each step repeated `size` times: [x0, x0, x1, x1, …]
//   ZeroPadding1D(padding=1)         zeros before and after along the steps (an int pads both sides);
//                                    data_format 'channels_first' pads axis 2 of [B, C, L]
//   Cropping1D(cropping=(1, 1))      drops steps at the start and the end (no data_format in Keras 3)

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { reshape, stack, concat, slice } from '../../../ops/layout.js';
import { full } from '../../../tensor/create.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { singleInput } from '../../engine/single-input.js';
import { registerLayerClass } from '../../engine/registry.js';
import { optionKeys, checkNumber } from '../../../util/options.js';
import { dataFormatArg, type DataFormat } from '../convolutional/args.js';

/** An int (both sides) or a pair [before, after] of integers ≥ 0. */
function pair(layer: string, name: string, v: unknown, dflt: [number, number]): [number, number] {
  if (v === undefined || v === null) return dflt;
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? v : fail(layer, `${name} must be an integer or a pair of integers, got ${JSON.stringify(v)}`);
  if (!p.every((x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0)) fail(layer, `${name} must hold integers ≥ 0, got ${JSON.stringify(v)}`);
  return [p[0] as number, p[1] as number];
}

export interface UpSampling1DArgs extends LayerArgs {
  size?: number;
}

/** Keras UpSampling1D: [B, L, C] → [B, L·size, C], each step repeated. */
export class UpSampling1D extends Layer<Tensor> {
  static readonly kerasName: string = 'UpSampling1D';
  static readonly optionKeys = optionKeys<UpSampling1DArgs>({ ...LAYER_OPTIONS, size: true });
  readonly size: number;
  constructor(args: UpSampling1DArgs = {}) {
    super(args);
    this.size = checkNumber('UpSampling1D', 'size', args.size, { integer: true, min: 1 }) ?? 2;
  }
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const x = singleInput(this, inputs, 3);
    const [B, L, C] = x.shape;
    // [B, L, size, C] with the step repeated on axis 2, then steps and repeats merged
    return reshape(stack(Array.from({ length: this.size }, () => x), 2), [B, L * this.size, C]);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: this.size };
  }
  static fromConfig(cfg: Record<string, unknown>): UpSampling1D {
    return new UpSampling1D({ ...baseArgsFromConfig(cfg), size: cfg.size as number | undefined });
  }
}

export interface ZeroPadding1DArgs extends LayerArgs {
  padding?: number | [number, number];
  dataFormat?: DataFormat | null;
}

/** Keras ZeroPadding1D: zeros before and after along the steps. */
export class ZeroPadding1D extends Layer<Tensor> {
  static readonly kerasName: string = 'ZeroPadding1D';
  static readonly optionKeys = optionKeys<ZeroPadding1DArgs>({ ...LAYER_OPTIONS, padding: true, dataFormat: true });
  readonly padding: [number, number];
  readonly dataFormat: DataFormat;
  constructor(args: ZeroPadding1DArgs = {}) {
    super(args);
    this.padding = pair('ZeroPadding1D', 'padding', args.padding, [1, 1]);
    this.dataFormat = dataFormatArg('ZeroPadding1D', args.dataFormat);
  }
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const x = singleInput(this, inputs, 3);
    const ax = this.dataFormat === 'channels_last' ? 1 : 2;
    const zeros = (n: number) => full(x.shape.map((d, i) => (i === ax ? n : d)), 0, x.dtype);
    const parts = [...(this.padding[0] > 0 ? [zeros(this.padding[0])] : []), x, ...(this.padding[1] > 0 ? [zeros(this.padding[1])] : [])];
    return parts.length === 1 ? x : concat(parts, ax);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: [...this.padding], data_format: this.dataFormat };
  }
  static fromConfig(cfg: Record<string, unknown>): ZeroPadding1D {
    return new ZeroPadding1D({ ...baseArgsFromConfig(cfg), padding: cfg.padding as [number, number] | undefined, dataFormat: cfg.data_format as DataFormat | null | undefined });
  }
}

export interface Cropping1DArgs extends LayerArgs {
  cropping?: number | [number, number];
}

/** Keras Cropping1D: drops `cropping[0]` steps at the start and `cropping[1]` at the end. */
export class Cropping1D extends Layer<Tensor> {
  static readonly kerasName: string = 'Cropping1D';
  static readonly optionKeys = optionKeys<Cropping1DArgs>({ ...LAYER_OPTIONS, cropping: true });
  readonly cropping: [number, number];
  constructor(args: Cropping1DArgs = {}) {
    super(args);
    this.cropping = pair('Cropping1D', 'cropping', args.cropping, [1, 1]);
  }
  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const x = singleInput(this, inputs, 3);
    const [B, L, C] = x.shape;
    const keep = L - this.cropping[0] - this.cropping[1];
    if (keep <= 0) {
      // cropping1d.py compute_output_shape
      fail(this.name, `\`cropping\` parameter of \`Cropping1D\` layer must be smaller than the input length. Received: inputs.shape=${shapeStr(x.shape)}, and cropping=(${this.cropping.join(', ')})`);
    }
    return slice(x, [0, this.cropping[0], 0], [B, keep, C]);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: [...this.cropping] };
  }
  static fromConfig(cfg: Record<string, unknown>): Cropping1D {
    return new Cropping1D({ ...baseArgsFromConfig(cfg), cropping: cfg.cropping as [number, number] | undefined });
  }
}

registerLayerClass('UpSampling1D', UpSampling1D.fromConfig);
registerLayerClass('ZeroPadding1D', ZeroPadding1D.fromConfig);
registerLayerClass('Cropping1D', Cropping1D.fromConfig);
