// Keras 3 dot-product and additive attention (keras/src/layers/attention/attention.py, additive_attention.py;
// keras-layers.md §6.1–6.2). Inputs [query [B, Tq, d], value [B, Tv, dv]] or [query, value, key [B, Tv, d]]
// (key defaults to value); masks [query_mask [B, Tq], value_mask [B, Tv]] (from the inputs' Keras masks, or
// given as `mask: [qm, vm]`).
//   scores S [B, Tq, Tv]:
//     Attention, score_mode 'dot':     S = Q·Kᵀ, times the scalar `scale` with use_scale
//     Attention, score_mode 'concat':  S = c · Σ_d tanh(scale·(q_i + k_j))  (c = concat_score_weight; no scale
//                                      factor without use_scale)
//     AdditiveAttention (Bahdanau):    S = Σ_d scale_d · tanh(q_i + k_j)      (scale [d], glorot_uniform)
//   score mask: value_mask on the last axis, AND the lower triangle (row ≥ column) with use_causal_mask; where it
//     is false, S ← S − 1e9 (a subtraction: a fully masked row keeps its differences and softmax stays finite,
//     uniform when all scores were equal);
//   weights A = softmax(S) over Tv, then dropout on A in training (Keras's backend.random.dropout; its random
//     stream is TF's and cannot be reproduced, keras-tf-semantics.md §6.4);
//   output = A·V, with the rows of masked queries set to 0; its Keras mask is the query mask.
//   returnAttentionScores: [output, A] (A after dropout, as Keras returns it).

import { Tensor } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { tensor, full } from '../../../tensor/create.js';
import { Random, getGlobalRandom } from '../../../tensor/random.js';
import { matmul } from '../../../ops/matmul.js';
import { softmax } from '../../../ops/softmax.js';
import { transpose, reshape } from '../../../ops/layout.js';
import { mul, add } from '../../../ops/arithmetic.js';
import { tanh, addScalar } from '../../../ops/unary.js';
import { sum } from '../../../ops/reduce.js';
import { where, toMask01 } from '../../../ops/select.js';
import { dropout as dropoutOp, dropoutMask } from '../../../ops/dropout.js';
import { Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs } from '../../engine/layer.js';
import { registerLayerClass } from '../../engine/registry.js';
import { optionKeys, checkBoolean, checkNumber, checkChoice } from '../../../util/options.js';
import { kerasClassName } from '../../../util/class-name.js';

export interface AttentionArgs extends LayerArgs {
  useScale?: boolean;
  scoreMode?: 'dot' | 'concat';
  /** Dropout rate on the attention weights in training, in [0, 1]. */
  dropout?: number;
  seed?: number | null;
}

export type AdditiveAttentionArgs = Omit<AttentionArgs, 'scoreMode'>;

/** The call options of the attention layers, besides training and mask. */
const ATTENTION_CALL = ['returnAttentionScores', 'useCausalMask'] as const;

/** Keras's Attention (Luong-style dot-product attention) and the base of AdditiveAttention. */
export class Attention extends Layer {
  static readonly kerasName: string = 'Attention';
  static readonly optionKeys = optionKeys<AttentionArgs>({ ...LAYER_OPTIONS, useScale: true, scoreMode: true, dropout: true, seed: true });
  static readonly extraCallArgs: readonly string[] = ATTENTION_CALL;
  /** Masks come one per input: [query_mask, value_mask]. */
  static readonly maskList = true;
  readonly useScale: boolean;
  readonly scoreMode: 'dot' | 'concat';
  readonly dropout: number;
  readonly seed: number | null;
  /** A scalar with use_scale ('dot'/'concat'); [d] in AdditiveAttention. */
  scale: Tensor | null = null;
  concatScoreWeight: Tensor | null = null;
  private readonly rng: Random;

  constructor(args: AttentionArgs = {}, defaults: { useScale: boolean } = { useScale: false }) {
    super(args);
    const n = new.target.name;
    this.useScale = checkBoolean(n, 'useScale', args.useScale) ?? defaults.useScale;
    this.scoreMode = checkChoice(n, 'scoreMode', args.scoreMode, ['dot', 'concat'] as const) ?? 'dot';
    this.dropout = checkNumber(n, 'dropout', args.dropout, { min: 0, max: 1 }) ?? 0;
    this.seed = checkNumber(n, 'seed', args.seed, { integer: true, nullable: true }) ?? null;
    this.rng = new Random(this.seed ?? getGlobalRandom().nextUint32());
    this.supportsMasking = true;
  }

  /** [query, value] or [query, value, key], each [B, T, d], with matching batch sizes and feature sizes. */
  protected validate(inputs: Tensor | Tensor[]): [Tensor, Tensor, Tensor] {
    const cls = kerasClassName(this);
    if (!Array.isArray(inputs)) {
      fail(this.name, `${cls} layer must be called on a list of inputs, namely [query, value] or [query, value, key]. Received: inputs=${inputs instanceof Tensor ? `a tensor of shape ${shapeStr(inputs.shape)}` : String(inputs)}.`);
    }
    if (inputs.length < 2 || inputs.length > 3) {
      fail(this.name, `${cls} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. Received length: ${inputs.length}.`);
    }
    const [q, v] = inputs;
    const k = inputs[2] ?? v;
    for (const [what, t] of [['query', q], ['value', v], ['key', k]] as const) {
      if (t.rank < 3) fail(this.name, `${what} must be [batch, steps, features] (rank 3 or more), got ${shapeStr(t.shape)}`);
    }
    if (q.shape[q.rank - 1] !== k.shape[k.rank - 1]) fail(this.name, `query and key must have the same last dimension, got ${shapeStr(q.shape)} and ${shapeStr(k.shape)}`);
    if (k.shape[k.rank - 2] !== v.shape[v.rank - 2]) fail(this.name, `key and value must have the same number of steps, got ${shapeStr(k.shape)} and ${shapeStr(v.shape)}`);
    return [q, v, k];
  }

  override build(inputShape: number[] | number[][]): void {
    void inputShape;
    if (this.useScale) this.scale = this.addWeight('scale', [], { initializer: 'ones' });
    if (this.scoreMode === 'concat') this.concatScoreWeight = this.addWeight('concat_score_weight', [], { initializer: 'ones' });
    this.built = true;
  }

  /** S [..., Tq, Tv] from query [..., Tq, d] and key [..., Tv, d]. */
  protected scores(q: Tensor, k: Tensor): Tensor {
    if (this.scoreMode === 'dot') {
      const perm = k.shape.map((_, i) => i);
      [perm[k.rank - 2], perm[k.rank - 1]] = [perm[k.rank - 1], perm[k.rank - 2]];
      const s = matmul(q, transpose(k, perm));
      return this.scale ? mul(s, this.scale) : s;
    }
    // q [..., Tq, 1, d] + k [..., 1, Tv, d]
    let qk = add(expandAt(q, q.rank - 1), expandAt(k, k.rank - 2));
    if (this.scale) qk = mul(this.scale, qk);
    return mul(this.concatScoreWeight!, sum(tanh(qk), -1));
  }

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    const [q, v, k] = this.validate(inputs);
    const masks = maskList(this, kwargs.mask);
    const qMask = masks[0] ?? null, vMask = masks[1] ?? null;
    let s = this.scores(q, k);
    // _calculate_score_mask: value mask [B, 1, Tv], AND a causal [1, Tq, Tv] lower triangle
    let keep: Tensor | null = null;
    if (vMask) keep = toMask01(vMask, [...vMask.shape.slice(0, -1), 1, vMask.shape[vMask.rank - 1]], s.dtype);
    if (kwargs.useCausalMask) {
      const Tq = s.shape[s.rank - 2], Tv = s.shape[s.rank - 1];
      const c = new Float32Array(Tq * Tv);
      for (let i = 0; i < Tq; i++) for (let j = 0; j <= Math.min(i, Tv - 1); j++) c[i * Tv + j] = 1;
      const causal = tensor(c, { shape: [1, Tq, Tv], dtype: s.dtype });
      keep = keep ? mul(keep, causal) : causal;
    }
    if (keep) s = where(keep, s, addScalar(s, -1e9)); // _apply_scores: where(padding_mask, scores − 1e9, scores)
    let w = softmax(s, -1);
    if (kwargs.training === true && this.dropout > 0) w = dropoutOp(w, dropoutMask([...w.shape], this.dropout, this.rng, w.dtype));
    let out = matmul(w, v);
    if (qMask) out = where(toMask01(qMask, [...qMask.shape, 1], out.dtype), out, full([], 0, out.dtype));
    return kwargs.returnAttentionScores ? [out, w] : out;
  }

  /** Keras: the output's mask is the query mask (none without one); the scores have none. */
  override computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return maskList(this, mask ?? undefined)[0] ?? null;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), use_scale: this.useScale, score_mode: this.scoreMode, dropout: this.dropout, seed: this.seed };
  }

  static fromConfig(cfg: Record<string, unknown>): Attention {
    return new Attention({
      ...baseArgsFromConfig(cfg),
      useScale: cfg.use_scale as boolean | undefined,
      scoreMode: cfg.score_mode as 'dot' | 'concat' | undefined,
      dropout: cfg.dropout as number | undefined,
      seed: (cfg.seed as number | null | undefined) ?? null,
    });
  }
}

/** Keras's AdditiveAttention (Bahdanau-style): S = Σ_d scale_d·tanh(q_i + k_j), use_scale default true. */
export class AdditiveAttention extends Attention {
  static override readonly kerasName: string = 'AdditiveAttention';
  static override readonly optionKeys = optionKeys<AdditiveAttentionArgs>({ ...LAYER_OPTIONS, useScale: true, dropout: true, seed: true });

  constructor(args: AdditiveAttentionArgs = {}) {
    super(args, { useScale: true });
  }

  override build(inputShape: number[] | number[][]): void {
    const qShape = Array.isArray(inputShape[0]) ? (inputShape[0] as number[]) : (inputShape as number[]);
    if (this.useScale) this.scale = this.addWeight('scale', [qShape[qShape.length - 1]], { initializer: 'glorot_uniform' });
    this.built = true;
  }

  protected override scores(q: Tensor, k: Tensor): Tensor {
    const t = tanh(add(expandAt(q, q.rank - 1), expandAt(k, k.rank - 2)));
    return sum(this.scale ? mul(this.scale, t) : t, -1);
  }

  override getConfig(): Record<string, unknown> {
    const { score_mode: _drop, ...cfg } = super.getConfig(); // Keras deletes score_mode from it
    void _drop;
    return cfg;
  }

  static override fromConfig(cfg: Record<string, unknown>): AdditiveAttention {
    return new AdditiveAttention({
      ...baseArgsFromConfig(cfg),
      useScale: cfg.use_scale as boolean | undefined,
      dropout: cfg.dropout as number | undefined,
      seed: (cfg.seed as number | null | undefined) ?? null,
    });
  }
}

/** x with a new axis of size 1 before axis `at`. */
function expandAt(x: Tensor, at: number): Tensor {
  return reshape(x, [...x.shape.slice(0, at), 1, ...x.shape.slice(at)]);
}

/** The [query_mask, value_mask] list of a call (one tensor: the query's, as when masks come from the first input). */
export function maskList(layer: Layer, mask: unknown): (Tensor | null)[] {
  if (mask === undefined || mask === null) return [];
  if (mask instanceof Tensor) return [mask];
  if (!Array.isArray(mask) || mask.length < 2 || mask.length > 3) {
    fail(layer.name, `${layer.constructor.name} layer accepts mask list of length 2 or 3 (query_mask, value_mask). Received: mask=${String(mask)}`);
  }
  return mask as (Tensor | null)[];
}

registerLayerClass('Attention', Attention.fromConfig);
registerLayerClass('AdditiveAttention', AdditiveAttention.fromConfig);
