// Keras Embedding (keras/src/layers/core/embedding.py): out[..., :] = embeddings[ids[...], :] with
// embeddings [input_dim, output_dim] (default initializer RandomUniform(-0.05, 0.05)).
// Ids may be a Tensor, nested arrays, an integer TypedArray (Int32Array, Uint16Array, ...: a 1-D list of ids),
// or an ndarray / `{data, shape}` object whose data is any typed array; all are read exactly (through float64,
// never float32, so ids ≥ 2²⁴ survive). Every id must be an integer in [0, input_dim): anything else is an
// error naming the argument, the range, the value and its index. Keras 3 on TF differs (docs/parity.md):
// it truncates fractional ids (cast to int32), wraps ids in [−input_dim, 0) like NumPy's take, and only
// raises (tf.gather on CPU) for the rest.
// With mask_zero=True, computeMask returns ids != 0 as a 0/1 tensor of the ids' shape, which `apply` attaches
// to the output so the next layer (an LSTM) receives it as its mask, as in Keras.

import { Tensor, type NestedArray, type TypedArray } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { full, tensor, isNumericTypedArray, type IntTypedArray } from '../../../tensor/create.js';
import { gather } from '../../../ops/gather.js';
import { reshape } from '../../../ops/layout.js';
import type { SymbolicTensor } from '../../engine/functional.js';
import type { SymbolicCallArgs } from '../../engine/layer.js';
import { Layer, baseArgsFromConfig, type LayerArgs, type CallArgs, type LayerInput } from '../../engine/layer.js';
import { registerLayerClass } from '../../engine/registry.js';
import { get as getInit, serialize as serInit, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import { get as getReg, serialize as serReg, type Regularizer, type RegularizerIdentifier } from '../../regularizers.js';
import { get as getCon, serialize as serCon, type Constraint, type ConstraintIdentifier } from '../../constraints.js';
import { optionKeys } from '../../../util/options.js';
import { LAYER_OPTIONS } from '../../engine/layer.js';

/** A typed array of ids with its shape (an `ndarray` object also fits: its strides and offset are honoured). */
export interface IdArray {
  data: IntTypedArray | Float32Array | Float64Array;
  shape: readonly number[];
}

/** What `Embedding.apply` accepts as ids: the usual layer inputs, a TypedArray (1-D ids), or an IdArray. */
export type EmbeddingInput = LayerInput | IntTypedArray | TypedArray | IdArray;

export interface EmbeddingArgs extends LayerArgs {
  inputDim: number;
  outputDim: number;
  embeddingsInitializer?: InitializerIdentifier;
  embeddingsRegularizer?: RegularizerIdentifier | null;
  embeddingsConstraint?: ConstraintIdentifier | null;
  maskZero?: boolean;
}

export class Embedding extends Layer<Tensor> {
  static readonly kerasName: string = 'Embedding';
  static readonly optionKeys = optionKeys<EmbeddingArgs>({
    ...LAYER_OPTIONS, inputDim: true, outputDim: true, embeddingsInitializer: true, embeddingsRegularizer: true,
    embeddingsConstraint: true, maskZero: true,
  });
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

  /** Looks up `inputs` (ids in any form of EmbeddingInput); see Layer.apply. */
  override apply(inputs: EmbeddingInput, kwargs?: CallArgs): Tensor;
  override apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: SymbolicCallArgs): SymbolicTensor;
  override apply(inputs: EmbeddingInput | SymbolicTensor | SymbolicTensor[], kwargs: CallArgs | SymbolicCallArgs = {}): Tensor | SymbolicTensor {
    return super.apply(inputs as LayerInput, kwargs as CallArgs);
  }

  /**
   * Ids as a tensor holding their exact values: Tensors as given; nested arrays, typed arrays and
   * ndarray / {data, shape} objects as float64 (exact for every integer up to 2⁵³; the layer dtype is
   * irrelevant to ids).
   */
  protected override toInputs(inputs: LayerInput): Tensor | Tensor[] {
    const v = inputs as EmbeddingInput;
    if (v instanceof Tensor) return v;
    if (Array.isArray(v) && v.length > 0 && v.every((x) => x instanceof Tensor)) return v as Tensor[];
    if (isNumericTypedArray(v)) return tensor(v, { dtype: 'float64' });
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const o = v as Partial<IdArray> & { stride?: unknown };
      if (!isNumericTypedArray(o.data) || !Array.isArray(o.shape)) {
        fail(this.name, `Embedding argument 'inputs' must be a Tensor, nested arrays, a typed array or {data: TypedArray, shape}, got an object with keys ${Object.keys(o).join(', ') || '(none)'}`);
      }
      if (o.stride !== undefined) return tensor(o as never, { dtype: 'float64' }); // an ndarray: strides/offset honoured
      return tensor(o.data, { dtype: 'float64', shape: [...o.shape] });
    }
    return tensor(v as NestedArray, { dtype: 'float64' });
  }

  /** The ids as int32, each checked: an integer in [0, inputDim). */
  private ids(x: Tensor): Int32Array {
    const ids = new Int32Array(x.size);
    const d = x.data;
    for (let i = 0; i < ids.length; i++) {
      const v = d[i];
      if (!(Number.isInteger(v) && v >= 0 && v < this.inputDim)) this.badId(x, i, v);
      ids[i] = v;
    }
    return ids;
  }

  private badId(x: Tensor, flat: number, v: number): never {
    const idx: number[] = new Array<number>(x.rank);
    for (let k = x.rank - 1, r = flat; k >= 0; k--) {
      idx[k] = r % x.shape[k];
      r = Math.floor(r / x.shape[k]);
    }
    const why = Number.isInteger(v) ? 'out of range' : 'not an integer';
    return fail(
      this.name,
      `Embedding argument 'inputs' must hold integer ids in [0, ${this.inputDim}) (input_dim = ${this.inputDim}); ` +
        `got ${v} (${why}) at index [${idx.join(', ')}] of input shape ${shapeStr(x.shape)}`,
    );
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
