// Keras Dropout (keras/src/layers/regularization/dropout.py): only when `training` is true and rate > 0,
// each element is kept with probability 1 − rate and scaled by 1/(1 − rate) (inverted dropout, so inference
// is the identity). `noiseShape` (null entries = the input's size) shares one mask value along axes of
// size 1, e.g. [B, 1, F] drops the same features at every time step. The seeded generator advances per
// call (Keras's SeedGenerator), so two training calls draw different masks. rate = 1 drops everything.

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { full } from '../../../tensor/create.js';
import { Random, getGlobalRandom } from '../../../tensor/random.js';
import { dropout as dropoutOp, dropoutMask } from '../../../ops/dropout.js';
import { mul } from '../../../ops/arithmetic.js';
import { Layer, baseArgsFromConfig, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { registerLayerClass } from '../../engine/registry.js';
import { optionKeys } from '../../../util/options.js';
import { LAYER_OPTIONS } from '../../engine/layer.js';

export interface DropoutArgs extends LayerArgs {
  rate: number;
  noiseShape?: (number | null)[] | null;
  seed?: number | null;
}

export class Dropout extends Layer<Tensor> {
  static readonly kerasName: string = 'Dropout';
  static readonly optionKeys = optionKeys<DropoutArgs>({ ...LAYER_OPTIONS, rate: true, noiseShape: true, seed: true });
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  private readonly rng: Random;

  constructor(args: DropoutArgs) {
    super(args);
    if (!args || typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate <= 1)) {
      fail('Dropout', `Invalid value received for argument \`rate\`. Expected a float value between 0 and 1. Received: rate=${args?.rate}`);
    }
    this.rate = args.rate;
    this.noiseShape = args.noiseShape ?? null;
    this.seed = args.seed ?? null;
    this.rng = new Random(this.seed ?? getGlobalRandom().nextUint32());
    this.supportsMasking = true;
  }

  /** The mask shape: noiseShape with nulls filled from the input (Keras `_get_noise_shape`). */
  private maskShape(x: Tensor): number[] {
    if (!this.noiseShape) return [...x.shape];
    if (this.noiseShape.length !== x.rank) {
      fail(this.name, `noiseShape [${this.noiseShape.join(', ')}] must have the input's rank ${x.rank} (input shape ${shapeStr(x.shape)})`);
    }
    return this.noiseShape.map((d, i) => {
      const v = d ?? x.shape[i];
      if (v !== 1 && v !== x.shape[i]) fail(this.name, `noiseShape entry ${i} must be 1, null or ${x.shape[i]}, got ${d}`);
      return v;
    });
  }

  call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    const shape = this.maskShape(x);
    if (this.rate === 1) return mul(x, full(shape, 0, x.dtype));
    return dropoutOp(x, dropoutMask(shape, this.rate, this.rng, x.dtype));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, noise_shape: this.noiseShape };
  }

  static fromConfig(cfg: Record<string, unknown>): Dropout {
    return new Dropout({
      ...baseArgsFromConfig(cfg),
      rate: cfg.rate as number,
      noiseShape: (cfg.noise_shape as (number | null)[] | null | undefined) ?? null,
      seed: (cfg.seed as number | null | undefined) ?? null,
    });
  }
}

registerLayerClass('Dropout', Dropout.fromConfig);
