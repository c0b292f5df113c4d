// keras.Sequential: a linear stack of layers, trained by the shared engine (model.ts). Masks flow between layers
// through the Layer base: each layer's apply() attaches computeMask's result to its output and the next layer
// picks it up.

import { Tensor } from '../tensor/tensor.js';
import { fail, LstmTsError } from '../tensor/shape.js';
import { zeros } from '../tensor/create.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type CallArgs, type LayerArgs } from '../keras/engine/layer.js';
import { optionKeys, describeValue } from '../util/options.js';
import { serializeDtype } from '../keras/engine/serialization.js';
import { saveModel } from './save-model.js';
import { Model, type PredictArgs } from './model.js';
import type { Data } from './data.js';
export { History, classWeightsToSampleWeights, type CompileArgs, type FitArgs, type EvaluateArgs, type PredictArgs } from './model.js';

export interface SequentialArgs extends LayerArgs {
  layers?: Layer[];
}

export class Sequential extends Model {
  static readonly kerasName: string = 'Sequential';
  private readonly stack: Layer[] = [];
  /** [null, ...input shape] seen by each layer on its first call (Keras build_config). */
  private readonly layerInputShapes: ((number | null)[] | null)[] = [];
  /** [null, ...output shape] of each layer's last call (for summary()). */
  private readonly layerOutputShapes: ((number | null)[] | null)[] = [];

  static readonly optionKeys = optionKeys<SequentialArgs>({ ...LAYER_OPTIONS, layers: true });

  constructor(layersOrArgs: Layer[] | SequentialArgs = {}, args: LayerArgs = {}) {
    const a: SequentialArgs = Array.isArray(layersOrArgs) ? { ...args, layers: layersOrArgs } : layersOrArgs;
    super(a);
    if (a.layers !== undefined && !Array.isArray(a.layers)) fail('Sequential', `layers must be an array of Layers, got ${describeValue(a.layers)}`);
    for (const l of a.layers ?? []) this.add(l, false);
    this.buildIfShapeKnown();
  }

  /**
   * Keras builds a Sequential as soon as its input shape is known (an Input, or inputShape / batchInputShape on
   * the first layer), so summary() and the weights exist before the first call. Runs zeros through the stack;
   * a layer that cannot build from the shape alone leaves the model unbuilt until its first call (no error).
   */
  private buildIfShapeKnown(): void {
    const s = this.inputShape;
    if (!s || this.stack.length === 0) return;
    try {
      this.buildFresh(s);
    } catch (e) {
      // Keras would raise here too for a genuinely wrong stack; the first real call reports it with the batch.
      if (!(e instanceof LstmTsError)) throw e;
    }
  }

  /**
   * Builds every layer from `shape` (buildFromShape), then zeroes the states of stateful layers, which that run
   * advanced: the model starts from zero states, as one freshly built by Keras does.
   */
  buildFresh(shape: (number | null)[]): void {
    this.buildFromShape(shape);
    for (const layer of this.stack) {
      const l = layer as unknown as { stateful?: boolean; resetStates?: () => void };
      if (l.stateful === true && typeof l.resetStates === 'function') l.resetStates();
    }
  }

  override get className(): string {
    return 'Sequential';
  }

  /** Appends a layer (Keras `add`); the model is (re)built when its input shape is known, as in Keras. */
  add(layer: Layer, rebuild = true): void {
    if (!(layer instanceof Layer)) fail('Sequential.add', `expected a Layer, got ${String(layer)}`);
    if (this.stack.includes(layer)) fail('Sequential.add', `layer '${layer.name}' is already in the model`);
    if (this.stack.some((l) => l.name === layer.name)) {
      fail('Sequential.add', `all layers added to a Sequential model should have unique names; '${layer.name}' is already used`);
    }
    this.trackLayer(layer);
    this.stack.push(layer);
    this.layerInputShapes.push(null);
    this.layerOutputShapes.push(null);
    if (rebuild) this.buildIfShapeKnown();
  }

  /** A Sequential model has one output, so predict gives one Tensor. */
  override predict(x: Data, args: PredictArgs = {}): Tensor {
    return super.predict(x, args) as Tensor;
  }

  override predictOnBatch(x: Data): Tensor {
    return super.predictOnBatch(x) as Tensor;
  }

  /** The model's layers in order. */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  call(inputs: Tensor | Tensor[], kwargs: CallArgs): Tensor {
    if (this.stack.length === 0) fail(this.name, 'the model has no layers; add() some first');
    let x = inputs;
    this.stack.forEach((layer, i) => {
      const first = Array.isArray(x) ? x[0] : x;
      if (this.layerInputShapes[i] === null && first) this.layerInputShapes[i] = [null, ...first.shape.slice(1)];
      // The first layer gets the caller's mask; later ones pick up the mask attached to their input.
      const out = layer.apply(x, i === 0 && kwargs.mask ? { training: kwargs.training, mask: kwargs.mask } : { training: kwargs.training });
      if (Array.isArray(out) && i < this.stack.length - 1) {
        fail(this.name, `layer '${layer.name}' returned ${out.length} tensors; only single-output layers can be stacked in a Sequential model`);
      }
      const firstOut = Array.isArray(out) ? out[0] : out;
      if (firstOut) this.layerOutputShapes[i] = [null, ...firstOut.shape.slice(1)];
      if (this.layerCallObserver) this.layerCallObserver(layer, 0, Array.isArray(out) ? out : [out]);
      x = out;
    });
    if (Array.isArray(x)) fail(this.name, `the last layer returned ${x.length} tensors; Sequential models have one output`);
    return x as Tensor;
  }

  // ---- config ----------------------------------------------------------------------------------------

  /** Keras 3 Sequential config: an InputLayer entry (when the input shape is known), then each layer. */
  override getConfig(): Record<string, unknown> {
    const inputShape = this.buildInputShape();
    const layers: Record<string, unknown>[] = [];
    if (inputShape) {
      layers.push({
        module: 'keras.layers',
        class_name: 'InputLayer',
        config: { batch_shape: inputShape, dtype: this.dtype, sparse: false, ragged: false, name: 'input_layer', optional: false },
        registered_name: null,
      });
    }
    // A declared batch size (stateful models) is static for every layer: Keras builds a stateful RNN only with it.
    const batch = inputShape && typeof inputShape[0] === 'number' ? inputShape[0] : null;
    this.stack.forEach((l, i) => {
      const entry: Record<string, unknown> = { module: 'keras.layers', class_name: l.className, config: l.getConfig(), registered_name: null };
      const s = this.layerInputShapes[i];
      if (s) entry.build_config = { input_shape: s[0] === null && batch !== null ? [batch, ...s.slice(1)] : s };
      layers.push(entry);
    });
    const cfg: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: serializeDtype(this.dtype), layers };
    if (inputShape) cfg.build_input_shape = inputShape;
    return cfg;
  }

  /** The full `model.to_json()` object (module/class_name/config + build and compile configs). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { module: 'keras', class_name: 'Sequential', config: this.getConfig(), registered_name: null };
    const inputShape = this.buildInputShape();
    if (inputShape) out.build_config = { input_shape: inputShape };
    const cc = this.compileConfig();
    if (cc) out.compile_config = cc;
    return out;
  }

  private buildInputShape(): (number | null)[] | null {
    const declared = this.stack[0]?.batchInputShape ?? this.batchInputShape ?? null;
    const seen = this.layerInputShapes[0] ?? null;
    // A declared batch size (a stateful model's) stays in the shape, as in Keras's InputLayer batch_shape, so
    // that a loaded model is built with it.
    if (seen && seen[0] === null && declared && typeof declared[0] === 'number') return [declared[0], ...seen.slice(1)];
    return seen ?? declared;
  }

  /** Rebuilds a Sequential from its config, given a resolver from class_name+config to a layer. */
  static fromConfigWith(cfg: Record<string, unknown>, makeLayer: (className: string, config: Record<string, unknown>) => Layer): Sequential {
    const model = new Sequential({ ...baseArgsFromConfig(cfg), batchInputShape: undefined });
    const entries = (cfg.layers ?? []) as { class_name: string; config: Record<string, unknown> }[];
    let inputShape: (number | null)[] | null = (cfg.build_input_shape as (number | null)[] | undefined) ?? null;
    for (const e of entries) {
      if (e.class_name === 'InputLayer') {
        inputShape = (e.config.batch_shape ?? e.config.batch_input_shape) as (number | null)[];
        continue;
      }
      model.add(makeLayer(e.class_name, e.config), false);  // built once by the loader (buildFromInputShape)
    }
    if (inputShape) model.layerInputShapes[0] = inputShape;
    return model;
  }

  /**
   * Keras-style summary table (layer name and class, output shape, parameter count), returned as a string and
   * printed unless `print` is false. Shapes are known once the model has been called.
   */
  summary(print = true): string {
    const rows = this.stack.map((l, i) => {
      const shape = this.layerOutputShapes[i];
      const params = l.weights.reduce((s, w) => s + w.size, 0);
      return [`${l.name} (${l.className})`, shape ? `(${shape.map((d) => (d === null ? 'None' : d)).join(', ')})` : '?', String(params)];
    });
    const head = ['Layer (type)', 'Output Shape', 'Param #'];
    const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)) + 2);
    const line = (r: string[]): string => r.map((v, c) => (c === 2 ? v.padStart(w[c]) : v.padEnd(w[c]))).join('');
    const total = this.weights.reduce((s, x) => s + x.size, 0);
    const trainable = this.trainableWeights.reduce((s, x) => s + x.size, 0);
    const rule = '─'.repeat(w.reduce((a, b) => a + b, 0));
    const text = [`Model: "${this.name}"`, rule, line(head), rule, ...rows.map(line), rule,
      `Total params: ${total}`, `Trainable params: ${trainable}`, `Non-trainable params: ${total - trainable}`].join('\n');
    if (print) console.log(text);
    return text;
  }

  /**
   * Builds every layer by running the model on zeros of `shape` (a missing batch size as 1). Unknown
   * dimensions (a variable sequence length, Input((None, 3))) are run at two sizes, 1 and 2: the weights depend
   * only on the feature sizes, and every recorded layer input shape keeps null where the two runs differ, so
   * the config still says "any length", as Keras's does.
   */
  buildFromShape(shape: (number | null)[]): void {
    const recorded = this.layerInputShapes.map((x) => (x ? [...x] : null));
    const run = (unknown: number): ((number | null)[] | null)[] => {
      this.layerInputShapes.splice(0, this.layerInputShapes.length, ...recorded.map((x) => (x ? [...x] : null)));
      this.predict(zeros([shape[0] ?? 1, ...shape.slice(1).map((d) => d ?? unknown)], this.dtype));
      return this.layerInputShapes.map((x) => (x ? [...x] : null));
    };
    const a = run(1);
    const b = shape.slice(1).some((d) => d === null) ? run(2) : a;
    a.forEach((sa, i) => {
      const sb = b[i];
      this.layerInputShapes[i] = sa && sb ? sa.map((d, k) => (d === sb[k] ? d : null)) : sa;
    });
  }

  /** Writes config.json + weights.bin + manifest.json into `dir` (see saving.ts; load with loadModel). */
  save(dir: string): void {
    saveModel(this, dir);
  }

  /** The input shape recorded for the first layer ([null, ...], or [batch, ...] when a batch size is declared) or null. */
  get inputShape(): (number | null)[] | null {
    return this.buildInputShape();
  }
}
