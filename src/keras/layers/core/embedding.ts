// Keras Embedding (keras/src/layers/core/embedding.py): out[..., :] = embeddings[ids[...], :] with
// embeddings [input_dim, output_dim] (default initializer RandomUniform(-0.05, 0.05)). Ids are cast to int32
// as Keras does (float ids are truncated toward zero); out-of-range ids are an error (TF on CPU raises too).
// With mask_zero=True, computeMask returns ids != 0 as a [B, T] 0/1 tensor, which `apply` attaches to the
// output so the next layer (an LSTM) receives it as its mask, as in Keras.

import { Tensor, type NestedArray } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { full, tensor } from '../../../tensor/create.js';
import { gather } from '../../../ops/gather.js';
import { reshape } from '../../../ops/layout.js';
import { Layer, baseArgsFromConfig, type LayerArgs, type CallArgs, type LayerInput } from '../../engine/layer.js';
import { registerLayerClass } from '../../engine/registry.js';
import { get as getInit, serialize as serInit, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import { get as getReg, serialize as serReg, type Regularizer, type RegularizerIdentifier } from '../../regularizers.js';
import { get as getCon, serialize as serCon, type Constraint, type ConstraintIdentifier } from '../../constraints.js';

export interface EmbeddingArgs extends LayerArgs {
  inputDim: number;
  outputDim: number;
  embeddingsInitializer?: InitializerIdentifier;
  embeddingsRegularizer?: RegularizerIdentifier | null;
  embeddingsConstraint?: ConstraintIdentifier | null;
  maskZero?: boolean;
}

export class Embedding extends Layer {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsInitializer: Initializer;
  readonly embeddingsRegularizer: Regularizer | null;
  readonly embeddingsConstraint: Constraint | null;
  readonly maskZero: boolean;
  embeddings: Tensor | null = null;

  constructor(args: EmbeddingArgs) {
    super(args);
    if (!args || !Number.isInteger(args.inputDim) || args.inputDim <= 0) fail('Embedding', `inputDim must be a positive integer, got ${args?.inputDim}`);
    if (!Number.isInteger(args.outputDim) || args.outputDim <= 0) fail('Embedding', `outputDim must be a positive integer, got ${args.outputDim}`);
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.embeddingsInitializer = getInit(args.embeddingsInitializer ?? 'uniform');
    this.embeddingsRegularizer = getReg(args.embeddingsRegularizer);
    this.embeddingsConstraint = getCon(args.embeddingsConstraint);
    this.maskZero = args.maskZero ?? false;
    // Keras 3: supports_masking = mask_zero.
    this.supportsMasking = this.maskZero;
  }

  override build(_inputShape: number[]): void {
    void _inputShape;
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], {
      initializer: this.embeddingsInitializer, regularizer: this.embeddingsRegularizer, constraint: this.embeddingsConstraint,
    });
    this.built = true;
  }

  /** Ids as given (nested arrays become a float tensor of integer values; the layer dtype is irrelevant). */
  protected override toInputs(inputs: LayerInput): Tensor | Tensor[] {
    if (inputs instanceof Tensor) return inputs;
    if (Array.isArray(inputs) && inputs.length > 0 && inputs.every((x) => x instanceof Tensor)) return inputs as Tensor[];
    return tensor(inputs as NestedArray, { dtype: 'float64' });
  }

  private ids(x: Tensor): Int32Array {
    const ids = new Int32Array(x.size);
    for (let i = 0; i < ids.length; i++) {
      const v = Math.trunc(x.data[i]);
      if (!(v >= 0 && v < this.inputDim)) {
        fail(this.name, `Embedding id ${x.data[i]} at flat position ${i} of input shape ${shapeStr(x.shape)} is out of range [0, ${this.inputDim})`);
      }
      ids[i] = v;
    }
    return ids;
  }

  call(inputs: Tensor | Tensor[], _kwargs: CallArgs = {}): Tensor {
    void _kwargs;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const ids = this.ids(x);
    const flat = gather(this.embeddings!, ids, 0);
    // gather of a flat id list gives [N, D]; restore the id shape: [...ids.shape, D].
    return x.rank === 1 ? flat : reshape(flat, [...x.shape, this.outputDim]);
  }

  /** ids != 0 as a 0/1 tensor of the ids' shape (Keras `ops.not_equal(inputs, 0)`), or null without mask_zero. */
  override computeMask(inputs: Tensor | Tensor[], _mask: Tensor | null = null): Tensor | null {
    void _mask;
    if (!this.maskZero) return null;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const m = full(x.shape, 0, this.dtype);
    for (let i = 0; i < x.size; i++) m.data[i] = x.data[i] !== 0 ? 1 : 0;
    return m;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      input_dim: this.inputDim,
      output_dim: this.outputDim,
      embeddings_initializer: serInit(this.embeddingsInitializer),
      embeddings_regularizer: serReg(this.embeddingsRegularizer),
      activity_regularizer: serReg(this.activityRegularizer),
      embeddings_constraint: serCon(this.embeddingsConstraint),
      mask_zero: this.maskZero,
      quantization_config: null,
    };
  }

  static fromConfig(cfg: Record<string, unknown>): Embedding {
    return new Embedding({
      ...baseArgsFromConfig(cfg),
      inputDim: cfg.input_dim as number,
      outputDim: cfg.output_dim as number,
      embeddingsInitializer: (cfg.embeddings_initializer as InitializerIdentifier | undefined) ?? 'uniform',
      embeddingsRegularizer: cfg.embeddings_regularizer as RegularizerIdentifier | null,
      embeddingsConstraint: cfg.embeddings_constraint as ConstraintIdentifier | null,
      maskZero: (cfg.mask_zero as boolean | undefined) ?? false,
    });
  }
}

registerLayerClass('Embedding', Embedding.fromConfig);
