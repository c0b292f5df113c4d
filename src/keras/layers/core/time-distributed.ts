// Keras TimeDistributed (keras/src/layers/rnn/time_distributed.py): applies `layer` to every time step of a
// [B, T, ...] input. Keras loops over the T slices and stacks; for a per-step-independent layer that equals
// one call on the [B·T, ...] reshaped input, which is what we do (one GEMM instead of T). The inner layer
// is built with the per-step shape [B, ...] and tracked, so its weights and losses belong to this layer.
// Masks, as Keras 3 does them:
//   - call: a mask must have rank ≥ 2 and start with [B, T]; time slice t's mask[:, t] goes to the inner
//     layer's call (here: the mask reshaped to [B·T, ...] with the input, the same rows), so an inner RNN
//     on [B, T, T2, F] sees its [B, T2] masks. Inner layers whose call takes no mask (Dense) ignore it.
//   - compute_mask: Keras 3 keeps Layer's default, so the output carries the input mask unchanged (also a
//     [B, T, T2] mask after an inner RNN that returned [B, H] per step). Embedding(mask_zero) →
//     TimeDistributed(Dense) → LSTM thus masks the LSTM.
// Keras 2 (tf.keras) differs: in eager calls it runs the slices through backend.rnn with the mask, so masked
// steps output the previous step's output (zeros before the first); see docs/parity.md.
// Keras's config: base keys + {layer: serialised inner layer}.

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { reshape } from '../../../ops/layout.js';
import { Layer, baseArgsFromConfig, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { registerLayerClass, serializeLayer, deserializeLayer } from '../../engine/registry.js';
import { optionKeys } from '../../../util/options.js';
import { LAYER_OPTIONS } from '../../engine/layer.js';

export interface TimeDistributedArgs extends LayerArgs {
  layer: Layer;
}

export class TimeDistributed extends Layer {
  static readonly kerasName: string = 'TimeDistributed';
  static readonly optionKeys = optionKeys<TimeDistributedArgs>({ ...LAYER_OPTIONS, layer: true });
  readonly layer: Layer;

  constructor(args: TimeDistributedArgs) {
    super(args);
    if (!args || !(args.layer instanceof Layer)) {
      fail('TimeDistributed', 'Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance.');
    }
    this.layer = this.trackLayer(args.layer);
    this.supportsMasking = true;
  }

  override build(inputShape: number[]): void {
    if (inputShape.length < 3) {
      fail(this.name, `\`TimeDistributed\` Layer should be passed an input with at least 3 dimensions, received shape ${shapeStr(inputShape)}`);
    }
    if (!this.layer.built) {
      this.layer.build([inputShape[0], ...inputShape.slice(2)]);
      this.layer.built = true;
    }
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank < 3) fail(this.name, `TimeDistributed needs inputs of rank >= 3, got shape ${shapeStr(x.shape)}`);
    const [B, T] = x.shape;
    const flat = reshape(x, [B * T, ...x.shape.slice(2)]);
    const inner: CallArgs = { training: kwargs.training };
    const mask = kwargs.mask ?? null;
    if (mask !== null) {
      if (!(mask instanceof Tensor)) fail(this.name, `TimeDistributed mask must be a Tensor or null, got ${typeof mask}`);
      if (mask.rank < 2) {
        fail(this.name, `TimeDistributed needs a mask of rank >= 2 shaped [batch, timesteps, ...], got shape ${shapeStr(mask.shape)}`);
      }
      if (mask.shape[0] !== B || mask.shape[1] !== T) {
        fail(this.name, `TimeDistributed mask shape ${shapeStr(mask.shape)} does not start with the input's [batch, timesteps] = [${B}, ${T}] (input shape ${shapeStr(x.shape)})`);
      }
      inner.mask = reshape(mask, [B * T, ...mask.shape.slice(2)]);
    }
    const y = this.layer.call(flat, inner);
    if (Array.isArray(y)) fail(this.name, 'TimeDistributed supports inner layers with a single output');
    return reshape(y, [B, T, ...y.shape.slice(1)]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: serializeLayer(this.layer) };
  }

  static fromConfig(cfg: Record<string, unknown>): TimeDistributed {
    return new TimeDistributed({ ...baseArgsFromConfig(cfg), layer: deserializeLayer(cfg.layer) });
  }
}

registerLayerClass('TimeDistributed', TimeDistributed.fromConfig);
