// Loading models saved by TensorFlow.js (tfjs-layers `model.save`): the "layers-model" format, a model.json holding
// `modelTopology` (the model as Keras-2-style JSON, `keras_version: "tfjs-layers x.y.z"`) and `weightsManifest`
// (groups of binary files with `weights: [{name, shape, dtype}]`, the values concatenated in that order), or the
// same artifacts in memory (tfjs `io.withSaveHandler`: modelTopology, weightSpecs, weightData).
// tfjs's configs differ from Keras's in a few places, handled here before the layers are built:
//   * `unit_forget_bias: null` and `implementation: null` (tfjs leaves them unset): false / the default;
//   * `hard_sigmoid` is tfjs's clip(0.2x + 0.5, 0, 1) (Keras 2's formula; tfjs's default recurrent_activation of
//     LSTM and GRU): it becomes the activation `hard_sigmoid_tfjs`, which computes exactly that;
// The weights are assigned layer by layer in the manifest's order (tfjs writes each layer's weights in its
// `weights` order: trainable then non-trainable, as Keras), checked by name prefix and shape.
import { tensor } from '../tensor/create.js';
import { fail, shapeStr, sameShape } from '../tensor/shape.js';
import type { Model } from './model.js';
import { functionalFromConfig } from '../keras/engine/functional.js';
import { deserializeLayer } from '../keras/engine/registry.js';
import { buildFromInputShape, sequentialFromConfig } from './saving.js';
import { describeValue } from '../util/options.js';
import { nodeFs, pathJoin, pathDirname } from '../util/host.js';

/** node:fs, fetched at call time (src/util/host.ts: no static node: imports, so the package bundles for a browser). */
const fs = (): typeof import('node:fs') => nodeFs('tfjs model files');

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

/** The in-memory artifacts tfjs hands a save handler (the subset lstm-ts reads). */
export interface TfjsModelArtifacts {
  modelTopology: Record<string, unknown>;
  weightSpecs: TfjsWeightSpec[];
  weightData: ArrayBuffer | ArrayBuffer[] | Uint8Array;
}

const RECURRENT_ACTIVATION_KEYS = ['activation', 'recurrent_activation'];

/** tfjs config quirks → what lstm-ts's Keras deserializers take (see the header). */
function fixConfig(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fixConfig);
  if (v === null || typeof v !== 'object') return v;
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === 'unit_forget_bias' && x === null) o[k] = false;
    else if (k === 'implementation' && x === null) continue;
    else if (RECURRENT_ACTIVATION_KEYS.includes(k) && (x === 'hard_sigmoid' || x === 'hardSigmoid')) o[k] = 'hard_sigmoid_tfjs';
    else o[k] = fixConfig(x);
  }
  return o;
}

function concatBuffers(data: TfjsModelArtifacts['weightData']): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  const parts = data.map((b) => new Uint8Array(b));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A model.json path (its weight files read from beside it), or tfjs's in-memory artifacts. */
function readArtifacts(source: string | TfjsModelArtifacts): TfjsModelArtifacts {
  if (typeof source !== 'string') {
    if (source === null || typeof source !== 'object' || typeof source.modelTopology !== 'object' || !Array.isArray(source.weightSpecs)) {
      fail('loadTfjsModel', `expected the path of a tfjs model.json or tfjs artifacts { modelTopology, weightSpecs, weightData }, got ${describeValue(source)}`);
    }
    return source;
  }
  let json: { modelTopology?: Record<string, unknown>; weightsManifest?: { paths: string[]; weights: TfjsWeightSpec[] }[]; format?: string };
  try {
    json = JSON.parse(fs().readFileSync(source, 'utf8')) as typeof json;
  } catch (e) {
    return fail('loadTfjsModel', `cannot read ${source} as JSON: ${(e as Error).message}`);
  }
  if (json.format !== undefined && json.format !== 'layers-model') {
    fail('loadTfjsModel', `${source} is a tfjs '${json.format}' model; only 'layers-model' (tf.LayersModel.save) is supported (a graph model has no Keras config)`);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) fail('loadTfjsModel', `${source} has no modelTopology / weightsManifest: not a tfjs layers model.json`);
  const specs: TfjsWeightSpec[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const b = fs().readFileSync(pathJoin(pathDirname(source), p));
      buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
    }
  }
  return { modelTopology: json.modelTopology, weightSpecs: specs, weightData: buffers };
}

/**
 * A model saved by TensorFlow.js (`await model.save('file://dir')` → dir/model.json + weights, or the artifacts of
 * `tf.io.withSaveHandler`), with tfjs's weights; predictions equal tfjs's. Sequential and Functional models.
 * The compile state is not restored (tfjs writes its own optimizer format): call compile().
 */
export function loadTfjsModel(source: string | TfjsModelArtifacts): Model {
  const where = 'loadTfjsModel';
  const art = readArtifacts(source);
  // tfjs puts the model JSON itself in modelTopology (a Keras-converted one nests it under model_config).
  const topo = (art.modelTopology.model_config ?? art.modelTopology) as { class_name?: string; config?: Record<string, unknown> };
  const cfg = fixConfig(topo.config) as Record<string, unknown>;
  let model: Model;
  if (topo.class_name === 'Sequential') {
    const seq = sequentialFromConfig(cfg);
    buildFromInputShape(seq);
    model = seq;
  } else if (topo.class_name === 'Model' || topo.class_name === 'Functional') {
    model = functionalFromConfig(cfg, (e) => deserializeLayer({ class_name: e.class_name, config: e.config }));
  } else {
    return fail(where, `the tfjs model is a '${String(topo.class_name)}'; Sequential and Functional models can be loaded`);
  }
  const bytes = concatBuffers(art.weightData);
  // Each spec's values, by top-level layer, in manifest order.
  const byLayer = new Map<string, { spec: TfjsWeightSpec; values: Float32Array }[]>();
  let at = 0;
  for (const spec of art.weightSpecs) {
    if (spec.quantization !== undefined) fail(where, `weight '${spec.name}' is quantized; load an unquantized tfjs model`);
    if (spec.dtype !== 'float32') fail(where, `weight '${spec.name}' has dtype ${spec.dtype}; float32 weights are supported`);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    if (at + 4 * n > bytes.length) fail(where, `the weight data ends before weight '${spec.name}' (${bytes.length} bytes)`);
    const values = new Float32Array(bytes.slice(at, at + 4 * n).buffer);
    at += 4 * n;
    // The top-level layer is the first path segment (a Bidirectional's are 'bi/forward_lstm/kernel', …).
    const layer = spec.name.split('/')[0];
    (byLayer.get(layer) ?? byLayer.set(layer, []).get(layer)!).push({ spec, values });
  }
  if (at !== bytes.length) fail(where, `the weight data has ${bytes.length} bytes but the manifest describes ${at}`);
  const withWeights = model.layers.filter((l) => l.weights.length > 0);
  for (const layer of withWeights) {
    const got = byLayer.get(layer.name);
    if (!got) fail(where, `no weights for layer '${layer.name}' in the tfjs weights (layers there: ${[...byLayer.keys()].join(', ')})`);
    const targets = [...layer.trainableWeights, ...layer.nonTrainableWeights];
    if (got.length !== targets.length) fail(where, `layer '${layer.name}' has ${targets.length} weights, the tfjs file ${got.length}`);
    got.forEach(({ spec, values }, i) => {
      if (!sameShape(spec.shape, targets[i].shape)) fail(where, `weight '${spec.name}' has shape ${shapeStr(spec.shape)}, the layer needs ${shapeStr(targets[i].shape)}`);
      targets[i].assign(tensor(values, { shape: [...targets[i].shape], dtype: targets[i].dtype }));
    });
    byLayer.delete(layer.name);
  }
  if (byLayer.size > 0) fail(where, `the tfjs weights hold layers the model does not have: ${[...byLayer.keys()].join(', ')}`);
  return model;
}

// ---- export ------------------------------------------------------------------------------------------------

/** Keras 3 JSON values tfjs-layers does not read, made into what it writes itself (see toTfjsArtifacts). */
function toTfjsConfig(v: unknown, where: string): unknown {
  if (Array.isArray(v)) return v.map((x) => toTfjsConfig(x, where));
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  // a DTypePolicy object → its name (tfjs keeps dtype a string)
  if (o.class_name === 'DTypePolicy' && o.config && typeof o.config === 'object') return (o.config as { name: string }).name;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (k === 'module' || k === 'registered_name') continue;
    if (RECURRENT_ACTIVATION_KEYS.includes(k) && x === 'hard_sigmoid') {
      fail(where, `layer config ${k} 'hard_sigmoid' is Keras 3's relu6(x + 3)/6, which tfjs cannot compute (its hardSigmoid is 0.2x + 0.5); use 'sigmoid'`);
    }
    out[k] = RECURRENT_ACTIVATION_KEYS.includes(k) && x === 'hard_sigmoid_tfjs' ? 'hard_sigmoid' : toTfjsConfig(x, where);
  }
  return out;
}

/**
 * A Keras 3 Functional config in tfjs's (Keras 2) form: InputLayer `batch_shape` → `batch_input_shape`, and each
 * node's `{ args: [keras tensors], kwargs }` → the list `[[layer, node, tensor, kwargs], …]` of its input tensors.
 * Calls that pass tensors through kwargs (initial_state, a mask) are refused: tfjs's format has no place for them
 * in this form.
 */
function functionalToTfjs(cfg: Record<string, unknown> & { layers: Record<string, unknown>[] }, where: string): Record<string, unknown> {
  type KT = { class_name: string; config: { keras_history: [string, number, number] } };
  const isKT = (v: unknown): v is KT => v !== null && typeof v === 'object' && (v as KT).class_name === '__keras_tensor__';
  const layers = cfg.layers.map((l) => {
    const config = toTfjsConfig(l.config, where) as Record<string, unknown>;
    if (l.class_name === 'InputLayer') config.batch_input_shape = config.batch_shape ?? config.batch_input_shape;
    const nodes = ((l.inbound_nodes as { args: unknown[]; kwargs?: Record<string, unknown> }[]) ?? []).map((n) => {
      const kwargs = n.kwargs ?? {};
      for (const [k, v] of Object.entries(kwargs)) {
        if (JSON.stringify(v).includes('__keras_tensor__')) fail(where, `layer '${String(l.name)}' is called with a tensor in '${k}': not writable in tfjs's format yet`);
      }
      const tensors = (n.args.length === 1 && Array.isArray(n.args[0]) ? n.args[0] : n.args).filter(isKT) as KT[];
      return tensors.map((t) => [...t.config.keras_history, kwargs]);
    });
    return { name: l.name, class_name: l.class_name, config, inbound_nodes: nodes };
  });
  const list = (v: unknown): unknown => (Array.isArray(v) && v.length === 3 && typeof v[0] === 'string' ? [v] : v);
  return { name: cfg.name, layers, input_layers: list(cfg.input_layers), output_layers: list(cfg.output_layers) };
}

/**
 * The artifacts tfjs-layers reads (`tf.loadLayersModel(tf.io.fromMemory(artifacts))`): modelTopology in tfjs's
 * Keras-2-style JSON (dtype strings, the input shape as the first layer's batch_input_shape), weightSpecs named
 * `<layer>/<weight>` as tfjs names them, and the float32 values. Sequential and Functional models; activations tfjs computes the
 * same way (Keras 3's hard_sigmoid has no tfjs twin and is refused).
 */
export function toTfjsArtifacts(model: Model): TfjsModelArtifacts {
  const where = 'saveTfjsModel';
  const json = model.toJSON() as { class_name: string; config: Record<string, unknown> & { name: string; layers: Record<string, unknown>[] } };
  let modelTopology: Record<string, unknown>;
  if (json.class_name === 'Sequential') {
    const layers = json.config.layers.map((l) => ({ class_name: l.class_name, config: toTfjsConfig(l.config, where) as Record<string, unknown> }));
    const input = layers[0]?.class_name === 'InputLayer' ? layers.shift()! : null;
    if (input && layers[0]) layers[0].config.batch_input_shape = input.config.batch_shape ?? input.config.batch_input_shape;
    modelTopology = { class_name: 'Sequential', config: { name: json.config.name, layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
  } else {
    modelTopology = { class_name: 'Model', config: functionalToTfjs(json.config, where), keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
  }
  const weightSpecs: TfjsWeightSpec[] = [];
  const chunks: ArrayBuffer[] = [];
  for (const layer of model.layers) {
    for (const w of [...layer.trainableWeights, ...layer.nonTrainableWeights]) {
      const short = (w.name ?? '').split('/').pop() ?? '';
      weightSpecs.push({ name: `${layer.name}/${short}`, shape: [...w.shape], dtype: 'float32' });
      chunks.push(Float32Array.from(w.data).buffer);
    }
  }
  return { modelTopology, weightSpecs, weightData: concatBuffers(chunks).buffer as ArrayBuffer };
}

/** Writes `dir/model.json` and `dir/group1-shard1of1.bin`, what `tf.loadLayersModel('file://dir/model.json')` reads. */
export function saveTfjsModel(model: Model, dir: string): void {
  const art = toTfjsArtifacts(model);
  fs().mkdirSync(dir, { recursive: true });
  fs().writeFileSync(pathJoin(dir, 'group1-shard1of1.bin'), new Uint8Array(art.weightData as ArrayBuffer));
  fs().writeFileSync(pathJoin(dir, 'model.json'), JSON.stringify({
    format: 'layers-model', generatedBy: 'lstm-ts', convertedBy: null, modelTopology: art.modelTopology,
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: art.weightSpecs }],
  }));
}
