// Keras Masking (keras/src/layers/core/masking.py, Keras 3.15): a position along the second-to-last axis (a time
// step of a [B, T, F] input) is masked when ALL its features equal `maskValue`:
//   mask[..., t] = any(x[..., t, :] != maskValue)          (compute_mask: ops.any(ops.not_equal(...), axis=-1))
//   y = where(mask[..., None], x, 0)                        (call: masked steps become 0, the rest pass through)
// and the mask is attached to the output, so the next layer (an LSTM) skips those steps. The comparison is in the
// input's dtype, as TF converts the Python float `mask_value` to a float32 tensor: mask_value 0.1 matches the
// float32 0.1 of the data. NaN never equals anything, so a NaN feature keeps its step. Because the output goes
// through `where` (not a multiplication), an infinite feature at a masked step gives 0, not NaN, as in Keras 3.
// Keras 2 (tf_keras/layers/core/masking.py) and tfjs multiply by the 0/1 mask instead (∞·0 = NaN there); the
// 'keras2' compat switch does that. Both have the gradient dy ⊙ mask.
// Unlike Embedding(mask_zero), such a mask can have holes in the middle of a sequence; an LSTM then cannot use
// its fused right-padded paths (docs/selection.md) and runs the masked step loop.

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { full } from '../../../tensor/create.js';
import { where } from '../../../ops/select.js';
import { mul } from '../../../ops/arithmetic.js';
import { getKerasCompat } from '../../compat.js';
import { Layer, baseArgsFromConfig, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { registerLayerClass } from '../../engine/registry.js';
import { optionKeys } from '../../../util/options.js';
import { LAYER_OPTIONS } from '../../engine/layer.js';

export interface MaskingArgs extends LayerArgs {
  /** The value that marks padding (default 0). A step is masked when every feature equals it. */
  maskValue?: number;
}

export class Masking extends Layer<Tensor> {
  static readonly kerasName: string = 'Masking';
  static readonly optionKeys = optionKeys<MaskingArgs>({ ...LAYER_OPTIONS, maskValue: true });
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    super(args);
    const v = args.maskValue ?? 0;
    if (typeof v !== 'number') fail('Masking', `maskValue must be a number, got ${typeof v} ${String(v)}`);
    this.maskValue = v;
    this.supportsMasking = true;
  }

  /**
   * 0/1 of shape x.shape[:-1] (or, with keepDims, x.shape[:-1] + [1]): 1 where some feature differs from
   * maskValue, compared in x's dtype.
   */
  private keep(x: Tensor, keepDims = false, dtype = this.dtype): Tensor {
    if (x.rank < 1) fail(this.name, `Masking needs an input of rank >= 1 (features on the last axis), got shape ${shapeStr(x.shape)}`);
    const F = x.shape[x.rank - 1];
    const mv = x.dtype === 'float32' ? Math.fround(this.maskValue) : this.maskValue;
    const m = full(keepDims ? [...x.shape.slice(0, -1), 1] : x.shape.slice(0, -1), 0, dtype);
    const d = x.data;
    for (let r = 0; r < m.size; r++) {
      let any = 0;
      for (let j = r * F, e = j + F; j < e; j++) {
        if (!(d[j] === mv)) { any = 1; break; } // written as !(==) so that NaN counts as "differs"
      }
      m.data[r] = any;
    }
    return m;
  }

  call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor {
    void kwargs;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const keep = this.keep(x, true, x.dtype);
    return getKerasCompat() === 'keras2' ? mul(x, keep) : where(keep, x, full([], 0, x.dtype));
  }

  /** Keras: the input's own mask is replaced by the one computed from the values. */
  override computeMask(inputs: Tensor | Tensor[], _mask: Tensor | null = null): Tensor | null {
    void _mask;
    return this.keep(Array.isArray(inputs) ? inputs[0] : inputs);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mask_value: this.maskValue };
  }

  static fromConfig(cfg: Record<string, unknown>): Masking {
    const mv = cfg.mask_value ?? 0;
    if (typeof mv !== 'number') fail('Masking.fromConfig', `mask_value must be a number (a serialized tensor is not supported), got ${JSON.stringify(mv)}`);
    return new Masking({ ...baseArgsFromConfig(cfg), maskValue: mv });
  }
}

registerLayerClass('Masking', Masking.fromConfig);
