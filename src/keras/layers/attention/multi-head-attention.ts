// Keras 3 MultiHeadAttention (keras/src/layers/attention/multi_head_attention.py; keras-layers.md §6.3), for
// the sequence case: query [B, T, Dq], value [B, S, Dv], key [B, S, Dk] (key defaults to value), attention over
// the steps (attention_axes [1], Keras's default for rank-3 inputs).
//   Q = x_q·Wq + bq [B, T, N, key_dim], K = x_k·Wk + bk, V = x_v·Wv + bv [B, S, N, value_dim] (EinsumDense
//   projections, kernels [D, N, dim], biases [N, dim]);
//   logits [B, N, T, S] = Q·Kᵀ / sqrt(key_dim); weights = softmax over S; out_h = weights·V;
//   with use_gate, out ← out ⊙ sigmoid(x_q·Wg + bg); y = out·Wo + bo (kernel [N, value_dim, *output_shape]).
// The attention mask [B, T, S] is the AND of the explicit attentionMask, the query mask [B, T, 1], the value and
// key masks [B, 1, S] (the inputs' Keras masks), the causal lower triangle (useCausalMask) and the
// sliding-window band |t − s| < sliding_window.
// Keras takes two routes, and they differ where a whole row is masked:
//   * without dropout and without returnAttentionScores, ops.dot_product_attention: logits = (Q·Kᵀ)·scale, masked
//     logits SET to −0.7·3.38953e38, softmax (a fully masked row: uniform weights);
//   * otherwise (_compute_attention's einsum route): Q·scale first, then Q·Kᵀ, the Softmax layer with the mask
//     (masked logits set to −1e9, then masked weights set to 0: a fully masked row gives zeros), dropout on the
//     weights in training; returnAttentionScores returns the weights before dropout.
// The output's Keras mask is the query's.

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { tensor, full } from '../../../tensor/create.js';
import { Random, getGlobalRandom } from '../../../tensor/random.js';
import { matmul } from '../../../ops/matmul.js';
import { softmax } from '../../../ops/softmax.js';
import { transpose, reshape } from '../../../ops/layout.js';
import { mul, add } from '../../../ops/arithmetic.js';
import { sigmoid } from '../../../ops/unary.js';
import { where } from '../../../ops/select.js';
import { maskList } from './index.js';
import { dropout as dropoutOp, dropoutMask } from '../../../ops/dropout.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { registerLayerClass } from '../../engine/registry.js';
import { get as getInit, serialize as serInit, type Initializer, type InitializerIdentifier } from '../../initializers/index.js';
import { get as getReg, serialize as serReg, type Regularizer, type RegularizerIdentifier } from '../../regularizers.js';
import { get as getCon, serialize as serCon, type Constraint, type ConstraintIdentifier } from '../../constraints.js';
import { optionKeys, checkBoolean, checkNumber } from '../../../util/options.js';
import type { WeightGroupSpec } from '../../engine/layer.js';

export interface MultiHeadAttentionArgs extends LayerArgs {
  numHeads: number;
  keyDim: number;
  /** Default: keyDim. */
  valueDim?: number | null;
  dropout?: number;
  useBias?: boolean;
  /** The trailing output dims (an int or a list); default the query's last dim. */
  outputShape?: number | number[] | null;
  /** Only the steps axis ([1] or 1, Keras's default for rank-3 inputs) is supported. */
  attentionAxes?: number | number[] | null;
  slidingWindow?: number | null;
  useGate?: boolean;
  kernelInitializer?: InitializerIdentifier;
  biasInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier | null;
  biasRegularizer?: RegularizerIdentifier | null;
  kernelConstraint?: ConstraintIdentifier | null;
  biasConstraint?: ConstraintIdentifier | null;
  seed?: number | null;
}

const MHA = 'MultiHeadAttention';
/** ops.dot_product_attention's masked logit on TF: −0.7·3.38953e38 in float32 (_get_large_negative). */
const XLA_NEG = -0.7 * 3.38953e38;

/** One EinsumDense projection of MultiHeadAttention: its kernel and (with use_bias) bias. */
export interface Proj { kernel: Tensor; bias: Tensor | null }

export class MultiHeadAttention extends Layer {
  static readonly kerasName: string = 'MultiHeadAttention';
  static readonly optionKeys = optionKeys<MultiHeadAttentionArgs>({
    ...LAYER_OPTIONS, numHeads: true, keyDim: true, valueDim: true, dropout: true, useBias: true, outputShape: true, attentionAxes: true,
    slidingWindow: true, useGate: true, kernelInitializer: true, biasInitializer: true, kernelRegularizer: true, biasRegularizer: true,
    kernelConstraint: true, biasConstraint: true, seed: true,
  });
  static readonly extraCallArgs: readonly string[] = ['returnAttentionScores', 'useCausalMask', 'attentionMask'];
  /** Masks come one per input: [query_mask, value_mask, key_mask]. */
  static readonly maskList = true;
  /** Keras calls it as layer(query, value, key=...): a Functional graph writes the list as those arguments. */
  static readonly callInputNames: readonly string[] = ['query', 'value', 'key'];
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  readonly outputShape: number[] | null;
  /** null until build, then [1] (as Keras's config shows). */
  attentionAxes: number[] | null;
  readonly slidingWindow: number | null;
  readonly useGate: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  readonly seed: number | null;
  query: Proj | null = null;
  key: Proj | null = null;
  gate: Proj | null = null;
  value: Proj | null = null;
  attentionOutput: Proj | null = null;
  private readonly rng: Random;

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    if (args === null || typeof args !== 'object') fail(MHA, 'expected an options object with numHeads and keyDim');
    const posInt = (k: string, v: unknown, nullable = false): number | null => {
      if (nullable && (v === undefined || v === null)) return null;
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
        fail(MHA, `Received an invalid value for argument \`${k}\`, expected a positive integer${nullable ? ' or null' : ''}. Received: ${k}=${JSON.stringify(v)}`);
      }
      return v;
    };
    this.numHeads = posInt('numHeads', args.numHeads)!;
    this.keyDim = posInt('keyDim', args.keyDim)!;
    this.valueDim = posInt('valueDim', args.valueDim, true) ?? this.keyDim;
    this.dropout = checkNumber(MHA, 'dropout', args.dropout, { min: 0, max: 1 }) ?? 0;
    this.useBias = checkBoolean(MHA, 'useBias', args.useBias) ?? true;
    this.useGate = checkBoolean(MHA, 'useGate', args.useGate) ?? false;
    const os = args.outputShape ?? null;
    if (os === null) this.outputShape = null;
    else {
      const list = typeof os === 'number' ? [os] : os;
      if (!Array.isArray(list) || list.length === 0 || !list.every((d) => Number.isInteger(d) && d > 0)) {
        fail(MHA, `Invalid \`output_shape\`: ${JSON.stringify(os)}. When specified, the \`output_shape\` should be of type tuple, list, or int.`);
      }
      this.outputShape = [...list];
    }
    const ax = args.attentionAxes ?? null;
    const axes = ax === null ? null : typeof ax === 'number' ? [ax] : ax;
    if (axes !== null && !(axes.length === 1 && (axes[0] === 1 || axes[0] === -2))) {
      fail(MHA, `attentionAxes ${JSON.stringify(ax)}: only attention over the steps axis ([1], the default for [batch, steps, features] inputs) is implemented`);
    }
    this.attentionAxes = axes === null ? null : [1];
    this.slidingWindow = posInt('slidingWindow', args.slidingWindow, true);
    this.kernelInitializer = getInit(args.kernelInitializer ?? 'glorot_uniform');
    this.biasInitializer = getInit(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getReg(args.kernelRegularizer);
    this.biasRegularizer = getReg(args.biasRegularizer);
    this.kernelConstraint = getCon(args.kernelConstraint);
    this.biasConstraint = getCon(args.biasConstraint);
    this.seed = checkNumber(MHA, 'seed', args.seed, { integer: true, nullable: true }) ?? null;
    this.rng = new Random(this.seed ?? getGlobalRandom().nextUint32());
    this.supportsMasking = true;
  }

  private proj(name: string, kernelShape: number[], biasShape: number[]): Proj {
    const kernel = this.addWeight(`${name}/kernel`, kernelShape, { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint });
    const bias = this.useBias ? this.addWeight(`${name}/bias`, biasShape, { initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint }) : null;
    return { kernel, bias };
  }

  override build(inputShape: number[] | number[][]): void {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as number[][];
    if (shapes.length < 2) fail(this.name, 'build needs the shapes of [query, value] or [query, value, key]');
    const [qs, vs] = shapes;
    const ks = shapes[2] ?? vs;
    for (const [w, s] of [['query', qs], ['value', vs], ['key', ks]] as const) {
      if (s.length !== 3) fail(this.name, `${w} must be [batch, steps, features] (attention over several axes is not implemented), got ${shapeStr(s)}`);
    }
    if (vs[1] !== ks[1] && vs[1] > 0 && ks[1] > 0) {
      fail(this.name, `All dimensions of \`value\` and \`key\`, except the last one, must be equal. Received: value_shape=${shapeStr(vs)} and key_shape=${shapeStr(ks)}`);
    }
    const N = this.numHeads;
    const out = this.outputShape ?? [qs[2]];
    this.query = this.proj('query', [qs[2], N, this.keyDim], [N, this.keyDim]);
    this.key = this.proj('key', [ks[2], N, this.keyDim], [N, this.keyDim]);
    if (this.useGate) this.gate = this.proj('gate', [qs[2], N, this.valueDim], [N, this.valueDim]);
    this.value = this.proj('value', [vs[2], N, this.valueDim], [N, this.valueDim]);
    this.attentionOutput = this.proj('attention_output', [N, this.valueDim, ...out], out);
    this.attentionAxes = [1];
    this.built = true;
  }

  /** Builds from every input's shape (query, value and key have their own widths). */
  protected override maybeBuild(inputs: Tensor | Tensor[]): void {
    if (this.built) return;
    this.build(Array.isArray(inputs) ? inputs.map((x) => [...x.shape]) : [[...inputs.shape]]);
    this.built = true;
  }

  /** EinsumDense 'abc,cde->abde' (+ bias 'de'): x [B, T, D] → [B, T, N, dim]. */
  private project(p: Proj, x: Tensor): Tensor {
    const [D, N, dim] = p.kernel.shape;
    const [B, T] = x.shape;
    let y = reshape(matmul(x, reshape(p.kernel, [D, N * dim])), [B, T, N, dim]);
    if (p.bias) y = add(y, p.bias);
    return y;
  }

  /** Keras's `weights` order (query, key, gate, value, attention_output) grouped as its .keras file keeps them. */
  kerasSaveGroups(): WeightGroupSpec[] {
    const g = (path: string, p: Proj | null): WeightGroupSpec[] => (p ? [{ path, weights: p.bias ? [p.kernel, p.bias] : [p.kernel] }] : []);
    return [{ path: '', weights: [] }, ...g('query_dense', this.query), ...g('key_dense', this.key), ...g('_gate_dense', this.gate),
      ...g('value_dense', this.value), ...g('output_dense', this.attentionOutput), { path: '_dropout_layer', weights: [] }, { path: '_softmax', weights: [] }];
  }

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 3) {
      fail(this.name, `${MHA} is called on [query, value] or [query, value, key], got ${Array.isArray(inputs) ? `a list of ${inputs.length}` : 'one tensor'}`);
    }
    const [q, v] = inputs;
    const k = inputs[2] ?? v;
    const masks = maskList(this, kwargs.mask);
    const [qMask, vMask, kMask] = [masks[0] ?? null, masks[1] ?? null, inputs.length > 2 ? masks[2] ?? null : null];
    const B = q.shape[0], T = q.shape[1], S = v.shape[1], N = this.numHeads;
    const keep = this.attentionMask(B, T, S, qMask, vMask, kMask, kwargs);
    const Q = this.project(this.query!, q), K = this.project(this.key!, k), V = this.project(this.value!, v);
    const Qt = transpose(Q, [0, 2, 1, 3]); // [B, N, T, kd]
    const Kt = transpose(K, [0, 2, 3, 1]); // [B, N, kd, S]
    const Vt = transpose(V, [0, 2, 1, 3]); // [B, N, S, vd]
    // ops.cast(1/sqrt(key_dim), dtype) of a Python float goes through float32, in float64 too
    const scale = full([], Math.fround(1 / Math.sqrt(this.keyDim)), q.dtype);
    const einsumRoute = this.dropout > 0 || kwargs.returnAttentionScores === true;
    const keep4 = keep ? reshape(keep, [keep.shape[0], 1, T, S]) : null;
    let weights: Tensor, scores: Tensor | null = null;
    if (!einsumRoute) {
      let logits = mul(matmul(Qt, Kt), scale);
      if (keep4) logits = where(keep4, logits, full([], XLA_NEG, logits.dtype));
      weights = softmax(logits, -1);
    } else {
      let logits = matmul(mul(Qt, scale), Kt);
      if (keep4) logits = where(keep4, logits, full([], -1e9, logits.dtype));
      weights = softmax(logits, -1);
      if (keep4) weights = where(keep4, weights, full([], 0, weights.dtype));
      scores = weights;
      if (kwargs.training === true && this.dropout > 0) weights = dropoutOp(weights, dropoutMask([...weights.shape], this.dropout, this.rng, weights.dtype));
    }
    let att = transpose(matmul(weights, Vt), [0, 2, 1, 3]); // [B, T, N, vd]
    if (this.gate) att = mul(att, sigmoid(this.project(this.gate, q)));
    const o = this.attentionOutput!;
    const outDims = o.kernel.shape.slice(2);
    const width = outDims.reduce((a, b) => a * b, 1);
    let y = matmul(reshape(att, [B, T, N * this.valueDim]), reshape(o.kernel, [N * this.valueDim, width]));
    if (o.bias) y = add(y, reshape(o.bias, [width]));
    y = reshape(y, [B, T, ...outDims]);
    return kwargs.returnAttentionScores ? [y, scores!] : y;
  }

  /** _compute_attention_mask: the AND of every mask that applies, as 0/1 [B or 1, T, S], or null. */
  private attentionMask(B: number, T: number, S: number, qMask: Tensor | null, vMask: Tensor | null, kMask: Tensor | null, kwargs: CallArgs): Tensor | null {
    const explicit = kwargs.attentionMask ?? null;
    if (explicit !== null && !(explicit instanceof Tensor)) fail(this.name, 'attentionMask must be a Tensor [batch, T, S] or null');
    if (explicit && !(explicit.rank === 3 && (explicit.shape[0] === B || explicit.shape[0] === 1) && explicit.shape[1] === T && explicit.shape[2] === S)) {
      fail(this.name, `attentionMask must be [batch, T, S] = [${B}, ${T}, ${S}], got ${shapeStr(explicit.shape)}`);
    }
    const causal = kwargs.useCausalMask === true;
    if (!explicit && !qMask && !vMask && !kMask && !causal && this.slidingWindow === null) return null;
    const on = (m: Tensor | null, b: number, i: number): boolean => m === null || m.data[b * (m.size / m.shape[0]) + i] !== 0;
    const out = new Float32Array(B * T * S);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        for (let s = 0; s < S; s++) {
          let ok = on(qMask, b, t) && on(vMask, b, s) && on(kMask, b, s);
          if (causal && s > t) ok = false;
          if (this.slidingWindow !== null && Math.abs(t - s) >= this.slidingWindow) ok = false;
          if (explicit && explicit.data[(explicit.shape[0] === 1 ? 0 : b) * T * S + t * S + s] === 0) ok = false;
          out[(b * T + t) * S + s] = ok ? 1 : 0;
        }
      }
    }
    return tensor(out, { shape: [B, T, S] });
  }

  /** The output's mask is the query's. */
  override computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    if (mask === null || mask === undefined) return null;
    return mask instanceof Tensor ? mask : ((mask as unknown as (Tensor | null)[])[0] ?? null);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      num_heads: this.numHeads,
      key_dim: this.keyDim,
      value_dim: this.valueDim,
      dropout: this.dropout,
      use_bias: this.useBias,
      use_gate: this.useGate,
      output_shape: this.outputShape === null ? null : [...this.outputShape],
      attention_axes: this.attentionAxes === null ? null : [...this.attentionAxes],
      sliding_window: this.slidingWindow,
      kernel_initializer: serInit(this.kernelInitializer),
      bias_initializer: serInit(this.biasInitializer),
      kernel_regularizer: serReg(this.kernelRegularizer),
      bias_regularizer: serReg(this.biasRegularizer),
      activity_regularizer: this.activityRegularizer ? serReg(this.activityRegularizer) : null,
      kernel_constraint: serCon(this.kernelConstraint),
      bias_constraint: serCon(this.biasConstraint),
      seed: this.seed,
    };
  }

  static fromConfig(cfg: Record<string, unknown>): MultiHeadAttention {
    if (cfg.flash_attention) fail(MHA, 'flash_attention is not supported (Keras on TF refuses it too)');
    return new MultiHeadAttention({
      ...baseArgsFromConfig(cfg),
      numHeads: cfg.num_heads as number,
      keyDim: cfg.key_dim as number,
      valueDim: cfg.value_dim as number | null | undefined,
      dropout: cfg.dropout as number | undefined,
      useBias: cfg.use_bias as boolean | undefined,
      useGate: cfg.use_gate as boolean | undefined,
      outputShape: cfg.output_shape as number | number[] | null | undefined,
      attentionAxes: cfg.attention_axes as number | number[] | null | undefined,
      slidingWindow: cfg.sliding_window as number | null | undefined,
      kernelInitializer: (cfg.kernel_initializer as InitializerIdentifier | undefined) ?? 'glorot_uniform',
      biasInitializer: (cfg.bias_initializer as InitializerIdentifier | undefined) ?? 'zeros',
      kernelRegularizer: cfg.kernel_regularizer as RegularizerIdentifier | null,
      biasRegularizer: cfg.bias_regularizer as RegularizerIdentifier | null,
      kernelConstraint: cfg.kernel_constraint as ConstraintIdentifier | null,
      biasConstraint: cfg.bias_constraint as ConstraintIdentifier | null,
      seed: (cfg.seed as number | null | undefined) ?? null,
    });
  }
}

registerLayerClass('MultiHeadAttention', MultiHeadAttention.fromConfig);
