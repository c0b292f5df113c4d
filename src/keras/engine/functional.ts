// The Functional API (Keras 3 keras/src/models/functional.py, keras/src/ops/node.py, keras/src/layers/core/
// input_layer.py): `Input()` makes a symbolic tensor; calling a layer on symbolic tensors records a Node (the
// layer, the symbolic inputs and initial states of that call, its symbolic outputs) instead of computing;
// `new Model({ inputs, outputs })` collects the nodes between them and runs them in topological order on
// concrete tensors. Keras calls the symbolic tensors KerasTensors and the model class Functional.
//
// Output shapes of a recorded call come from running the layer on placeholder zeros twice (inside noGrad, with
// stored RNN states put back afterwards), with every unknown dimension set to two different sizes: an output
// dimension that differs between the two runs is unknown (null). This also builds the layer, so its weights
// exist as soon as the graph is defined, as in Keras.
//
// A layer called at several places (a shared layer) has one node per call and one set of weights; a model is
// a layer too, so models nest. Masks are not symbolic here: they are computed from the concrete values when
// the model runs, and flow along the graph as in Sequential (each layer's apply attaches its output mask, a
// multi-input layer reads the masks attached to each input).

import { Tensor, type DType } from '../../tensor/tensor.js';
import { fail, shapeStr } from '../../tensor/shape.js';
import { zeros } from '../../tensor/create.js';
import { noGrad } from '../../autograd/mode.js';
import { Layer, setSymbolicHandler, LAYER_OPTIONS, type CallArgs, type LayerArgs, type LayerInput, type SymbolicCallArgs } from './layer.js';
import { Model } from '../../train/model.js';
import { optionKeys, checkOptions, checkNumber, checkString, describeValue } from '../../util/options.js';
import { uniquifyName } from './layer.js';
import { deserializeLayer, registerLayerClass } from './registry.js';
import { saveModel } from '../../train/save-model.js';

/** A placeholder in a graph: the shape (null = unknown) and dtype of a tensor a recorded call will produce. */
export class SymbolicTensor {
  constructor(
    readonly shape: readonly (number | null)[],
    readonly dtype: DType,
    /** The call that produces it (an InputLayer's node for model inputs). */
    readonly node: Node,
    /** Which output of that call it is. */
    readonly index: number,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor(${this.dtype}, [${this.shape.map((d) => (d === null ? 'None' : d)).join(', ')}], from '${this.node.layer.name}')`;
  }
}

/** One call of a layer on symbolic tensors (Keras ops/node.py Node). */
export class Node {
  constructor(
    readonly layer: Layer,
    /** The tensors passed as inputs (one, or the list of a list-taking layer such as Concatenate). */
    readonly inputs: readonly SymbolicTensor[],
    /** Whether the layer was given a list (Concatenate([a, b]), or a one-element list) rather than one tensor. */
    readonly inputIsList: boolean,
    /** Symbolic initial states of an RNN call (the seq2seq encoder → decoder wiring), or null. */
    readonly initialState: readonly SymbolicTensor[] | null,
    /** `training` passed explicitly at the call (null: the model's own training flag). */
    readonly training: boolean | null,
    public outputs: SymbolicTensor[] = [],
    /** The layer's own call arguments (its class's `extraCallArgs`, e.g. useCausalMask), camelCase. */
    readonly options: Readonly<Record<string, unknown>> = {},
  ) {}

  /** Every symbolic tensor the call reads. */
  get parents(): SymbolicTensor[] {
    return [...this.inputs, ...(this.initialState ?? [])];
  }
}

export interface InputArgs {
  /** The shape without the batch axis; null for an unknown dimension (e.g. [null, 3] for variable-length sequences). */
  shape: (number | null)[];
  /** A fixed batch size (stateful models need one). */
  batchSize?: number | null;
  dtype?: DType;
  name?: string;
}

/** Keras InputLayer: the source of a model input (no computation). */
export class InputLayer extends Layer {
  static readonly kerasName: string = 'InputLayer';
  static readonly optionKeys = optionKeys<LayerArgs>(LAYER_OPTIONS);
  readonly batchShape: (number | null)[];
  readonly output: SymbolicTensor;
  constructor(args: InputArgs) {
    const name = args.name ?? uniquifyName('input_layer');
    super({ name, dtype: args.dtype });
    this.batchShape = [args.batchSize ?? null, ...args.shape];
    const node = new Node(this, [], false, null, null);
    this.output = new SymbolicTensor(this.batchShape, this.dtype, node, 0);
    node.outputs = [this.output];
    this.built = true;
  }
  override get className(): string {
    return 'InputLayer';
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    return Array.isArray(inputs) ? inputs[0] : inputs;
  }
  override getConfig(): Record<string, unknown> {
    return { batch_shape: [...this.batchShape], dtype: this.dtype, sparse: false, ragged: false, name: this.name, optional: false };
  }
}

const INPUT_KEYS = optionKeys<InputArgs>({ shape: true, batchSize: true, dtype: true, name: true });

/** Keras `Input(shape, batch_size, dtype, name)`: a symbolic model input. */
export function Input(args: InputArgs): SymbolicTensor {
  if (args === null || typeof args !== 'object') fail('Input', `expected { shape, batchSize?, dtype?, name? }, got ${describeValue(args)}`);
  checkOptions('Input', args, INPUT_KEYS);
  if (!Array.isArray(args.shape) || args.shape.some((d) => d !== null && (!Number.isInteger(d) || d < 0))) {
    fail('Input', `shape must be an array of non-negative integers or null (unknown), without the batch axis; got ${describeValue(args.shape)}`);
  }
  checkNumber('Input', 'batchSize', args.batchSize, { integer: true, min: 1, nullable: true });
  checkString('Input', 'name', args.name);
  if (args.dtype !== undefined && args.dtype !== 'float32' && args.dtype !== 'float64') {
    fail('Input', `dtype must be 'float32' or 'float64', got ${describeValue(args.dtype)}`);
  }
  return new InputLayer(args).output;
}

// ------------------------------------------------------------------------------- recording a symbolic call

function isSymbolic(v: unknown): boolean {
  return v instanceof SymbolicTensor || (Array.isArray(v) && v.some(isSymbolic));
}

const flatSymbolic = (v: unknown, what: string, layer: Layer): SymbolicTensor[] => {
  const out: SymbolicTensor[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x instanceof SymbolicTensor) out.push(x);
    else fail(layer.name, `${what}: a layer called on symbolic tensors takes only symbolic tensors (from Input() or another layer's call), got ${describeValue(x)}`);
  };
  walk(v);
  return out;
};

/** Placeholder zeros for a symbolic tensor: unknown dimensions get `unknown` (batch: `batch`). */
function placeholder(t: SymbolicTensor, batch: number, unknown: number): Tensor {
  return zeros(t.shape.map((d, i) => (d !== null ? d : i === 0 ? batch : unknown)), t.dtype);
}

/** Runs `layer` on placeholders for the recorded inputs and returns its outputs; RNN states are put back. */
function traceRun(layer: Layer, node: Node, batch: number, unknown: number): Tensor[] {
  // Every layer inside (a nested model's Bidirectional's RNNs too), each once: the trace must not move any state.
  const inside = new Set<Layer>();
  const walk = (l: Layer): void => {
    if (inside.has(l)) return;
    inside.add(l);
    for (const sub of l.layers) walk(sub);
  };
  walk(layer);
  const holders = [...inside].filter((x) => 'states' in x) as unknown as { states: Tensor[] | null }[];
  const saved = holders.map((h) => (h.states === null ? null : h.states.map((s) => s.clone())));
  try {
    return noGrad(() => {
      const xs = node.inputs.map((t) => placeholder(t, batch, unknown));
      const kwargs: CallArgs = { ...node.options, training: false };
      if (node.initialState) kwargs.initialState = node.initialState.map((t) => placeholder(t, batch, unknown));
      const out = layer.apply(node.inputIsList ? xs : xs[0], kwargs);
      return Array.isArray(out) ? out : [out];
    });
  } finally {
    holders.forEach((h, i) => {
      const s = saved[i];
      if (s === null) h.states = null;
      else h.states!.forEach((t, k) => t.assign(s[k]));
    });
  }
}

/** The call arguments of `kwargs` that belong to the layer's class (`extraCallArgs`), to record on its node. */
function layerCallOptions(layer: Layer, kwargs: CallArgs): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of extraCallArgs(layer)) {
    const v = (kwargs as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if (v instanceof SymbolicTensor || v instanceof Tensor) {
      fail(`${layer.name}.apply`, `${k} as a tensor is not recorded in a Functional graph here (only plain options such as useCausalMask are)`);
    }
    out[k] = v;
  }
  return out;
}

/** The names of a layer's positional inputs when Keras calls it as layer(a, b, c=...) (MultiHeadAttention). */
function callInputNames(layer: Layer): readonly string[] | null {
  return (layer.constructor as { callInputNames?: readonly string[] }).callInputNames ?? null;
}

function extraCallArgs(layer: Layer): readonly string[] {
  return (layer.constructor as { extraCallArgs?: readonly string[] }).extraCallArgs ?? [];
}

/** camelCase → Keras's snake_case call-argument name (useCausalMask → use_causal_mask). */
const snakeCase = (k: string): string => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Layer.apply on symbolic inputs: records a node and returns its symbolic outputs. */
function symbolicCall(layer: Layer, inputs: unknown, kwargs: CallArgs): SymbolicTensor | SymbolicTensor[] {
  if (kwargs.mask !== undefined && kwargs.mask !== null) {
    fail(`${layer.name}.apply`, 'an explicit mask is not recorded in a Functional graph here; masks flow from Masking / Embedding(maskZero) along the graph');
  }
  const list = Array.isArray(inputs);
  const xs = flatSymbolic(inputs, 'inputs', layer);
  if (xs.length === 0) fail(layer.name, 'called with an empty list of inputs');
  const init = kwargs.initialState === undefined || kwargs.initialState === null ? null : flatSymbolic(kwargs.initialState, 'initialState', layer);
  const node = new Node(layer, xs, list, init, kwargs.training ?? null, [], layerCallOptions(layer, kwargs));
  // Two runs with different sizes for every unknown dimension: what changes between them is unknown.
  const a = traceRun(layer, node, 2, 4);
  const b = traceRun(layer, node, 3, 5);
  node.outputs = a.map((t, i) => {
    const u = b[i];
    const shape = t.shape.map((d, k) => (u.shape[k] === d ? d : null));
    return new SymbolicTensor(shape, t.dtype, node, i);
  });
  return node.outputs.length === 1 ? node.outputs[0] : node.outputs;
}

setSymbolicHandler((layer, inputs, kwargs) => (isSymbolic(inputs) || isSymbolic(kwargs.initialState) ? symbolicCall(layer, inputs, kwargs) : undefined));

// ----------------------------------------------------------------------------------------------- the model

export type SymbolicStructure = SymbolicTensor | SymbolicTensor[] | Record<string, SymbolicTensor>;

export interface FunctionalArgs {
  inputs: SymbolicStructure;
  outputs: SymbolicStructure;
  name?: string;
  trainable?: boolean;
}

function flattenStructure(s: SymbolicStructure, what: string): { list: SymbolicTensor[]; names: string[] | null; single: boolean } {
  if (s instanceof SymbolicTensor) return { list: [s], names: null, single: true };
  if (Array.isArray(s)) {
    s.forEach((t, i) => {
      if (!(t instanceof SymbolicTensor)) fail('Model', `${what}[${i}] must be a symbolic tensor (from Input() or a layer call), got ${describeValue(t)}`);
    });
    return { list: [...s], names: null, single: false };
  }
  if (s !== null && typeof s === 'object') {
    const names = Object.keys(s);
    names.forEach((k) => {
      if (!(s[k] instanceof SymbolicTensor)) fail('Model', `${what}.${k} must be a symbolic tensor, got ${describeValue(s[k])}`);
    });
    return { list: names.map((k) => s[k]), names, single: false };
  }
  return fail('Model', `${what} must be a symbolic tensor, an array or an object of them, got ${describeValue(s)}`);
}

/**
 * Keras's Functional model: `new lt.keras.Model({ inputs, outputs })`. A Layer (it nests) and a trainable Model
 * (the engine Sequential uses).
 */
export class Functional extends Model {
  static readonly kerasName: string = 'Functional';
  /** The recorded calls from the inputs to the outputs, in an order where every node follows its parents. */
  readonly nodes: readonly Node[];
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  private readonly inputNames: string[] | null;
  private readonly outputNames: string[] | null;
  private readonly singleInput: boolean;
  private readonly singleOutput: boolean;
  private readonly graphLayers: Layer[];

  constructor(args: FunctionalArgs) {
    if (args === null || typeof args !== 'object') fail('Model', `expected { inputs, outputs, name? }, got ${describeValue(args)}`);
    checkOptions('Model', args, optionKeys<FunctionalArgs>({ inputs: true, outputs: true, name: true, trainable: true }));
    super({ name: args.name ?? uniquifyName('functional'), trainable: args.trainable });
    const ins = flattenStructure(args.inputs, 'inputs');
    const outs = flattenStructure(args.outputs, 'outputs');
    ins.list.forEach((t, i) => {
      if (!(t.node.layer instanceof InputLayer)) fail('Model', `inputs[${i}] (${t}) is not a model input: pass the tensors Input() returned`);
    });
    this.inputs = ins.list;
    this.outputs = outs.list;
    this.inputNames = ins.names;
    this.outputNames = outs.names;
    this.singleInput = ins.single;
    this.singleOutput = outs.single;
    // Post-order walk from the outputs: parents before children. Every path must end at a model input.
    const order: Node[] = [];
    const seen = new Set<Node>();
    const onPath = new Set<Node>();
    const visit = (n: Node): void => {
      if (seen.has(n)) return;
      if (onPath.has(n)) fail('Model', `the graph has a cycle through layer '${n.layer.name}'`);
      onPath.add(n);
      if (n.layer instanceof InputLayer) {
        if (!this.inputs.some((t) => t.node === n)) {
          fail('Model', `Graph disconnected: cannot obtain a value for the input '${n.layer.name}' (${n.outputs[0]}); pass it in inputs`);
        }
      }
      for (const p of n.parents) visit(p.node);
      onPath.delete(n);
      seen.add(n);
      order.push(n);
    };
    for (const o of this.outputs) visit(o.node);
    this.nodes = order;
    this.graphLayers = [];
    for (const n of order) if (!this.graphLayers.includes(n.layer)) this.graphLayers.push(n.layer);
    for (const l of this.graphLayers) if (!(l instanceof InputLayer)) this.trackLayer(l);
    this.built = true;
  }

  override get className(): string {
    return 'Functional';
  }

  /**
   * Keeps `layers` in the given order (a loaded config's): Keras names the weight groups of a saved model by
   * class and position in this list (layers/lstm, layers/lstm_1), so a loaded model must list them as Keras did.
   */
  useLayerOrder(layers: Layer[]): void {
    const same = layers.length === this.graphLayers.length && layers.every((l) => this.graphLayers.includes(l));
    if (!same) fail(this.name, 'useLayerOrder: the list must hold exactly the layers of the graph');
    this.graphLayers.splice(0, this.graphLayers.length, ...layers);
  }

  /** Every layer of the graph, input layers included, in topological order (Keras `model.layers`). */
  override get layers(): Layer[] {
    return [...this.graphLayers];
  }

  /** The layer with this name (Keras `get_layer`). */
  getLayer(name: string): Layer {
    const l = this.graphLayers.find((x) => x.name === name);
    if (!l) fail(this.name, `No such layer: ${name}. Existing layers are: ${this.graphLayers.map((x) => x.name).join(', ')}`);
    return l;
  }

  /** Concrete inputs in model-input order, from a tensor, an array or an object keyed by input name. */
  private concreteInputs(inputs: Tensor | Tensor[] | Record<string, Tensor>): Tensor[] {
    let xs: unknown[];
    if (inputs instanceof Tensor) xs = [inputs];
    else if (Array.isArray(inputs)) xs = inputs;
    else if (inputs !== null && typeof inputs === 'object') {
      xs = this.inputs.map((t) => {
        const k = t.node.layer.name;
        if (!(k in inputs)) fail(this.name, `missing input '${k}' (inputs given: ${Object.keys(inputs).join(', ')})`);
        return (inputs as Record<string, Tensor>)[k];
      });
    } else return fail(this.name, `inputs must be a Tensor, an array of Tensors or an object keyed by input name, got ${describeValue(inputs)}`);
    if (xs.length !== this.inputs.length) fail(this.name, `the model has ${this.inputs.length} inputs but was given ${xs.length}`);
    return xs.map((x, i) => {
      const t = this.inputs[i];
      if (!(x instanceof Tensor)) fail(this.name, `input ${i} ('${t.node.layer.name}') must be a Tensor, got ${describeValue(x)}`);
      const ok = x.rank === t.rank && t.shape.every((d, k) => d === null || d === x.shape[k]);
      if (!ok) fail(this.name, `input ${i} ('${t.node.layer.name}') expects shape [${t.shape.map((d) => (d === null ? 'None' : d)).join(', ')}], got ${shapeStr(x.shape)}`);
      return x;
    });
  }

  call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    const xs = this.concreteInputs(inputs as Tensor | Tensor[]);
    const values = new Map<SymbolicTensor, Tensor>();
    this.inputs.forEach((t, i) => values.set(t, xs[i]));
    const get = (t: SymbolicTensor): Tensor => {
      const v = values.get(t);
      if (v === undefined) fail(this.name, `internal: no value for ${t}`);
      return v;
    };
    for (const n of this.nodes) {
      if (n.layer instanceof InputLayer) continue;
      const args = n.inputs.map(get);
      const kw: CallArgs = { ...n.options, training: n.training ?? kwargs.training ?? false };
      if (n.initialState) kw.initialState = n.initialState.map(get);
      const out = n.layer.apply(n.inputIsList ? args : args[0], kw);
      const outs = Array.isArray(out) ? out : [out];
      if (outs.length !== n.outputs.length) fail(this.name, `layer '${n.layer.name}' returned ${outs.length} tensors where the graph recorded ${n.outputs.length}`);
      n.outputs.forEach((t, i) => values.set(t, outs[i]));
      if (this.layerCallObserver) this.layerCallObserver(n.layer, this.callsOf(n.layer).indexOf(n), outs);
    }
    const ys = this.outputs.map(get);
    return this.singleOutput ? ys[0] : ys;
  }

  /** apply() also takes an object keyed by input name. */
  override apply(inputs: LayerInput | Record<string, Tensor>, kwargs?: CallArgs): Tensor | Tensor[];
  override apply(inputs: SymbolicTensor | SymbolicTensor[], kwargs?: SymbolicCallArgs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: LayerInput | Record<string, Tensor> | SymbolicTensor | SymbolicTensor[], kwargs: CallArgs | SymbolicCallArgs = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    if (inputs !== null && typeof inputs === 'object' && !Array.isArray(inputs) && !(inputs instanceof Tensor) && !(inputs instanceof SymbolicTensor)) {
      return super.apply(this.concreteInputs(inputs as Record<string, Tensor>), kwargs as CallArgs);
    }
    return super.apply(inputs as LayerInput, kwargs as CallArgs);
  }

  /** Several outputs: their names (object keys, else the producing layers' names), for per-output losses. */
  protected override multiOutputNames(): string[] | null {
    return this.outputs.length > 1 ? this.outputNamesList : null;
  }

  /** predict's outputs: an object by name when the model's outputs were given as one (Keras returns that structure). */
  protected override packOutputs(outs: Tensor[]): Tensor[] | Record<string, Tensor> {
    const names = this.outputNames;
    return names === null ? outs : Object.fromEntries(names.map((n, i) => [n, outs[i]]));
  }

  /** The calls of `layer` within this model, in call order (Keras's node index of each). */
  private callsOf(layer: Layer): Node[] {
    return this.nodes.filter((n) => n.layer === layer);
  }

  /** [layer name, node index, tensor index] of a tensor of this graph (Keras keras_history). */
  private history(t: SymbolicTensor): [string, number, number] {
    return [t.node.layer.name, this.callsOf(t.node.layer).indexOf(t.node), t.index];
  }

  /**
   * Keras 3 `Functional.get_config` (keras-layers.md §1.1–1.8): every layer in model order with its recorded
   * calls as `inbound_nodes` ({args, kwargs} with `__keras_tensor__` leaves), then `input_layers` and
   * `output_layers` (a triple for a single tensor, a list, or an object by name; a nested Functional's k-th
   * call is written k+1 there, as Keras does). No build_config: loading rebuilds each layer by replaying its calls.
   */
  override getConfig(): Record<string, unknown> {
    const ref = (t: SymbolicTensor): Record<string, unknown> => ({
      class_name: '__keras_tensor__',
      config: { shape: [...t.shape], dtype: t.dtype, keras_history: this.history(t) },
    });
    const layers = this.graphLayers.map((l) => {
      const entry: Record<string, unknown> = l instanceof Functional
        ? { module: 'keras.src.models.functional', class_name: 'Functional', config: l.getConfig(), registered_name: 'Functional' }
        : { module: l.className === 'Sequential' ? 'keras' : 'keras.layers', class_name: l.className, config: l.getConfig(), registered_name: null };
      entry.name = l.name;
      entry.inbound_nodes = l instanceof InputLayer ? [] : this.callsOf(l).map((n) => {
        const kwargs: Record<string, unknown> = {};
        if (n.initialState) kwargs.initial_state = n.initialState.map(ref);
        if (n.training !== null) kwargs.training = n.training;
        for (const [k, v] of Object.entries(n.options)) kwargs[snakeCase(k)] = v;
        const names = callInputNames(n.layer);
        if (names) {
          // layer(query, value, key=key): two positional tensors, the rest as keyword arguments
          n.inputs.slice(2).forEach((t, i) => { kwargs[names[i + 2]] = ref(t); });
          return { args: n.inputs.slice(0, 2).map(ref), kwargs };
        }
        return { args: [n.inputIsList ? n.inputs.map(ref) : ref(n.inputs[0])], kwargs };
      });
      return entry;
    });
    const leaf = (t: SymbolicTensor): [string, number, number] => {
      const h = this.history(t);
      return t.node.layer instanceof Functional ? [h[0], h[1] + 1, h[2]] : h;
    };
    const struct = (ts: readonly SymbolicTensor[], names: string[] | null, single: boolean): unknown =>
      single ? leaf(ts[0]) : names ? Object.fromEntries(names.map((k, i) => [k, leaf(ts[i])])) : ts.map(leaf);
    return {
      name: this.name,
      trainable: this.trainable,
      layers,
      input_layers: struct(this.inputs, this.inputNames, this.singleInput),
      output_layers: struct(this.outputs, this.outputNames, this.singleOutput),
    };
  }

  /**
   * Keras-style summary (K3 utils/summary_utils.py): a row per layer with its output shape (the last call's),
   * parameter count and, unless the graph is a plain chain, the "Connected to" column listing the inputs of
   * every call as `layer[node][tensor]`; returned, and printed unless `print` is false.
   */
  summary(print = true): string {
    const chain = this.inputs.length === 1 && this.outputs.length === 1 &&
      this.graphLayers.every((l) => this.callsOf(l).length <= 1) && this.nodes.every((n) => n.parents.length <= 1);
    const dim = (d: number | null): string => (d === null ? 'None' : String(d));
    const rows = this.graphLayers.map((l) => {
      const calls = this.callsOf(l);
      const last = calls[calls.length - 1];
      const shapes = last ? last.outputs.map((t) => `(${t.shape.map(dim).join(', ')})`) : ['?'];
      const params = l.weights.reduce((n, w) => n + w.size, 0);
      const connected = l instanceof InputLayer ? ['-'] : calls.flatMap((n) => n.parents.map((t) => {
        const [name, node, k] = this.history(t);
        return `${name}[${node}][${k}]`;
      }));
      return [`${l.name} (${l.className})`, shapes.length === 1 ? shapes[0] : `[${shapes.join(', ')}]`, params.toLocaleString('en-US'), connected.join(', ')];
    });
    const head = ['Layer (type)', 'Output Shape', 'Param #', ...(chain ? [] : ['Connected to'])];
    const cols = head.length;
    const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)) + 2);
    const line = (r: string[]): string => r.slice(0, cols).map((v, c) => (c === 2 ? v.padStart(w[c] - 2).padEnd(w[c]) : v.padEnd(w[c]))).join('');
    const total = this.weights.reduce((n, x) => n + x.size, 0);
    const trainable = this.trainableWeights.reduce((n, x) => n + x.size, 0);
    const kb = (n: number): string => `${((n * 4) / 1024).toFixed(2)} KB`;
    const rule = '─'.repeat(w.reduce((a, b) => a + b, 0));
    const text = [`Model: "${this.name}"`, rule, line(head), rule, ...rows.map(line), rule,
      `Total params: ${total.toLocaleString('en-US')} (${kb(total)})`, `Trainable params: ${trainable.toLocaleString('en-US')} (${kb(trainable)})`,
      `Non-trainable params: ${(total - trainable).toLocaleString('en-US')} (${kb(total - trainable)})`].join('\n');
    if (print) console.log(text);
    return text;
  }

  /** Writes config.json + weights.bin + manifest.json into `dir` (load with lt.keras.loadModel). */
  save(dir: string): void {
    saveModel(this, dir);
  }

  /** The full `model.to_json()` object: Keras 3's Functional form, with the compile config. */
  toJSON(): Record<string, unknown> {
    return {
      module: 'keras.src.models.functional', class_name: 'Functional', config: this.getConfig(), registered_name: 'Functional',
      build_config: { input_shape: null }, compile_config: this.compileConfig() ?? {},
    };
  }

  /** Names of the model inputs (their InputLayers). */
  get inputNamesList(): string[] {
    return this.inputNames ?? this.inputs.map((t) => t.node.layer.name);
  }

  /** Names of the outputs (the object keys they were given by, else the producing layers' names). */
  get outputNamesList(): string[] {
    return this.outputNames ?? this.outputs.map((t) => t.node.layer.name);
  }
}

// --------------------------------------------------------------------------------------- from a Keras config

type History = [string, number, number];

function isHistory(v: unknown): v is History {
  return Array.isArray(v) && v.length === 3 && typeof v[0] === 'string' && typeof v[1] === 'number' && typeof v[2] === 'number';
}

/**
 * Keras 3 `functional_from_config` (and the Keras 2 node form, keras-layers.md §1.3, §1.10): creates every layer
 * of `cfg.layers` in order, then replays each recorded call (`inbound_nodes`) on the symbolic outputs of the
 * calls it names (`keras_history = [layer, node index, tensor index]`), repeating passes until every call
 * ran (a shared layer's later call may need a layer listed after it). Mask arguments are not replayed: masks
 * are recomputed from the values at run time (Keras's loading does not depend on them either), and the
 * NotEqual / Any ops Keras serializes for Embedding / Masking masks (§1.5) are skipped with them.
 */
export function functionalFromConfig(cfg: Record<string, unknown>, makeLayer: (entry: { class_name: string; config: Record<string, unknown> }) => Layer): Functional {
  const where = 'Functional.fromConfig';
  const entries = cfg.layers as { module?: string; class_name: string; config: Record<string, unknown>; name?: string; inbound_nodes?: unknown[] }[];
  if (!Array.isArray(entries)) fail(where, 'config has no layers list');
  const calls = new Map<string, SymbolicTensor[][]>();  // layer name → outputs of each replayed call
  const layerOf = new Map<string, Layer>();
  const order: Layer[] = [];
  const pending: { entry: (typeof entries)[number]; node: unknown; index: number }[] = [];
  for (const e of entries) {
    const name = e.name ?? (e.config?.name as string);
    if (typeof e.module === 'string' && e.module.startsWith('keras.src.ops')) continue;  // mask ops (§1.5)
    if (e.class_name === 'InputLayer') {
      const c = e.config;
      const shape = (c.batch_shape ?? c.batch_input_shape) as (number | null)[];
      if (!Array.isArray(shape)) fail(where, `InputLayer '${name}' has no batch_shape`);
      const t = Input({ shape: shape.slice(1), batchSize: shape[0], dtype: (c.dtype === 'float64' ? 'float64' : 'float32'), name });
      calls.set(name, [[t]]);
      layerOf.set(name, t.node.layer);
      order.push(t.node.layer);
      continue;
    }
    const layer = makeLayer(e);
    layerOf.set(name, layer);
    order.push(layer);
    calls.set(name, []);
    (e.inbound_nodes ?? []).forEach((node, index) => pending.push({ entry: e, node, index }));
  }
  const tensorAt = (h: History, offset = 0): SymbolicTensor | null => {
    const outs = calls.get(h[0]);
    if (outs === undefined) fail(where, `a call refers to layer '${h[0]}', which the config does not define`);
    const call = outs[h[1] - offset];
    return call === undefined ? null : call[h[2]] ?? fail(where, `layer '${h[0]}' call ${h[1]} has no output ${h[2]}`);
  };
  // Keras 3: {args: [...], kwargs: {...}} with __keras_tensor__ leaves; Keras 2: [[layer, node, tensor, kwargs], ...].
  const resolve = (v: unknown): unknown => {
    if (v !== null && typeof v === 'object' && (v as { class_name?: unknown }).class_name === '__keras_tensor__') {
      const h = ((v as { config: { keras_history: unknown } }).config.keras_history);
      if (!isHistory(h)) fail(where, `bad keras_history ${JSON.stringify(h)}`);
      return tensorAt(h);
    }
    if (Array.isArray(v)) return v.map(resolve);
    return v;
  };
  const ready = (v: unknown): boolean => (Array.isArray(v) ? v.every(ready) : v !== null);
  let progress = true;
  while (pending.length > 0 && progress) {
    progress = false;
    for (let k = 0; k < pending.length; k++) {
      const { entry, node } = pending[k];
      const name = entry.name ?? (entry.config?.name as string);
      const layer = layerOf.get(name)!;
      let x: unknown;
      const kw: SymbolicCallArgs = {};
      if (Array.isArray(node)) {
        // Keras 2: one [layer, node, tensor, kwargs] per tensor of the first argument (§1.10)
        const ts = node.map((n) => (Array.isArray(n) && isHistory(n.slice(0, 3)) ? tensorAt(n.slice(0, 3) as History) : fail(where, `bad Keras 2 node ${JSON.stringify(n)} of '${name}'`)));
        if (!ready(ts)) continue;
        const last = node[node.length - 1] as unknown[];
        const k2 = (last[3] ?? {}) as Record<string, unknown>;
        for (const key of Object.keys(k2)) {
          if (key === 'training') kw.training = k2[key] as boolean;
          else if (key !== 'mask') fail(where, `the Keras 2 call of '${name}' passes '${key}', which is not supported`);
        }
        x = ts.length === 1 ? ts[0] : ts;
      } else {
        const n = node as { args?: unknown[]; kwargs?: Record<string, unknown> };
        const args = resolve(n.args ?? []) as unknown[];
        const kwargs = n.kwargs ?? {};
        const init = kwargs.initial_state === undefined || kwargs.initial_state === null ? null : resolve(kwargs.initial_state);
        const names = callInputNames(layer);
        // layer(query, value, key=...): the positional tensors and the named input tensors, as one input list
        const named = names ? names.slice(args.length).filter((nm) => kwargs[nm] !== undefined && kwargs[nm] !== null).map((nm) => resolve(kwargs[nm])) : [];
        if (!ready(args) || (init !== null && !ready(init)) || !ready(named)) continue;
        if (names) {
          if (args.length < 2) fail(where, `the call of '${name}' has ${args.length} positional arguments; ${names.slice(0, 2).join(' and ')} are needed`);
        } else if (args.length !== 1) fail(where, `the call of '${name}' has ${args.length} positional arguments; one (a tensor or a list) is supported`);
        for (const key of Object.keys(kwargs)) {
          if (names && names.includes(key)) continue;
          if (key === 'training') { if (kwargs.training !== null) kw.training = kwargs.training as boolean; }
          else if (key === 'initial_state') kw.initialState = init as SymbolicTensor[];
          else if (key === 'mask') continue;
          else {
            const own = extraCallArgs(layer).find((k) => snakeCase(k) === key);
            if (own === undefined) {
              fail(where, `the call of '${name}' passes '${key}', which is not supported (known: training, mask, initial_state${extraCallArgs(layer).map((k) => `, ${snakeCase(k)}`).join('')})`);
            }
            const v = kwargs[key];
            if (v !== null && typeof v === 'object' && (v as { class_name?: unknown }).class_name === '__keras_tensor__') {
              fail(where, `the call of '${name}' passes ${key} as a tensor of the graph, which is not supported here (only plain options)`);
            }
            (kw as Record<string, unknown>)[own] = v;
          }
        }
        x = names ? [...args, ...named] : args[0];
      }
      const out = layer.apply(x as SymbolicTensor | SymbolicTensor[], kw);
      calls.get(name)!.push(Array.isArray(out) ? out : [out]);
      pending.splice(k, 1);
      k--;
      progress = true;
    }
  }
  if (pending.length > 0) {
    fail(where, `could not replay the calls of ${[...new Set(pending.map((p) => p.entry.name ?? p.entry.config?.name))].join(', ')}: their inputs never became available`);
  }
  // input_layers / output_layers: a triple, a list (possibly nested) or an object of triples (§1.6). A nested
  // Functional's k-th call is referenced as k+1 there (Keras starts kept_nodes at 1 for Functionals, §1.8).
  const leaf = (h: History): SymbolicTensor => {
    const off = layerOf.get(h[0]) instanceof Functional ? 1 : 0;
    return tensorAt(h, off) ?? fail(where, `output/input ${JSON.stringify(h)} does not exist`);
  };
  const struct = (v: unknown, what: string): SymbolicStructure => {
    if (isHistory(v)) return leaf(v);
    if (Array.isArray(v)) return v.map((x) => (isHistory(x) ? leaf(x) : fail(where, `nested ${what} structures are not supported: ${JSON.stringify(x)}`)));
    if (v !== null && typeof v === 'object') {
      const o: Record<string, SymbolicTensor> = {};
      for (const [k, x] of Object.entries(v)) o[k] = isHistory(x) ? leaf(x) : fail(where, `bad ${what} entry ${k}: ${JSON.stringify(x)}`);
      return o;
    }
    return fail(where, `bad ${what}: ${JSON.stringify(v)}`);
  };
  const m = new Functional({
    inputs: struct(cfg.input_layers, 'input_layers'), outputs: struct(cfg.output_layers, 'output_layers'),
    name: typeof cfg.name === 'string' ? cfg.name : undefined, trainable: typeof cfg.trainable === 'boolean' ? cfg.trainable : undefined,
  });
  m.useLayerOrder(order);
  return m;
}

// A Functional nested in a config (and the top level of a Keras 2 / Keras 3 model config) deserializes like a layer.
const fromCfg = (c: Record<string, unknown>): Layer => functionalFromConfig(c, (e) => deserializeLayer({ class_name: e.class_name, config: e.config }));
registerLayerClass('Functional', fromCfg);
registerLayerClass('Model', fromCfg);

// Keras Lambda layers hold Python code (a marshalled function), which cannot run here: refuse them by name and
// say how to supply a JS replacement.
registerLayerClass('Lambda', (c) => fail('deserializeLayer', `layer '${String(c.name)}' is a Lambda: its function is Python bytecode, which ` +
  "cannot be deserialized in JavaScript. Register a JS layer under another class name with lt.keras.registerLayerClass(name, " +
  '(config) => layer), rename the class in the config, or rebuild that part of the model with built-in layers'));
