// Keras TimeDistributed (keras/src/layers/rnn/time_distributed.py): applies `layer` to every time step of a
// [B, T, ...] input. Keras loops over the T slices and stacks; for a per-step-independent layer that equals
// one call on the [B·T, ...] reshaped input, which is what we do (one GEMM instead of T). The inner layer
// is built with the per-step shape [B, ...] and tracked, so its weights and losses belong to this layer.
// Keras's config: base keys + {layer: serialised inner layer}.

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { reshape } from '../../../ops/layout.js';
import { Layer, baseArgsFromConfig, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { registerLayerClass, serializeLayer, deserializeLayer } from '../../engine/registry.js';

export interface TimeDistributedArgs extends LayerArgs {
  layer: Layer;
}

export class TimeDistributed extends Layer {
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
    const y = this.layer.call(flat, { training: kwargs.training });
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
