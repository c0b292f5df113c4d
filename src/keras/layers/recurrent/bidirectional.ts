// Keras Bidirectional wrapper (K3 keras/src/layers/rnn/bidirectional.py; K2 keras/layers/rnn/bidirectional.py),
// keras-tf-semantics.md §12.6:
//   * the forward layer is rebuilt from the given layer's config (named forward_<name>), the backward layer too
//     (named backward_<name>, go_backwards inverted) unless `backwardLayer` is given; each has its own weights;
//   * both get zero_output_for_mask = return_sequences (Keras `force_zero_output_for_mask`, §3.2), so padded
//     steps are zeros in both directions and the backward outputs line up with the input once flipped;
//   * initial_state is split in half: forward states then backward states;
//   * the backward sequence output is flipped back along time (full flip, §9.3) before merging;
//   * merge modes: concat (default), sum, mul, ave ((a+b)/2), null (both outputs returned);
//   * return_state: [out, h_f, c_f, h_b, c_b] (or [y_f, y_b, h_f, ...] with merge mode null).

import {
  Tensor, fail, add, mul, concat, reverse, Layer, baseArgsFromConfig, type CallArgs, type LayerArgs,
} from './deps.js';
import { RNN } from './rnn.js';
import { LSTM } from './lstm.js';
import { SimpleRNN } from './simple-rnn.js';
import { GRU } from './gru.js';
import { scale } from '../../../ops/unary.js';
import { optionKeys } from '../../../util/options.js';
import { LAYER_OPTIONS } from '../../engine/layer.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | null;

export interface BidirectionalArgs extends LayerArgs {
  layer: RNN;
  mergeMode?: MergeMode;
  backwardLayer?: RNN;
}

type RnnClass = { fromConfig(cfg: Record<string, unknown>): RNN };
const layerClasses = new Map<string, RnnClass>([['LSTM', LSTM], ['SimpleRNN', SimpleRNN], ['GRU', GRU], ['RNN', RNN]]);

function classOf(layer: RNN): RnnClass {
  const c = layerClasses.get(layer.className);
  if (!c) fail('Bidirectional', `cannot rebuild a '${layer.className}' layer from its config; supported: ${[...layerClasses.keys()].join(', ')}`);
  return c;
}

function rebuild(layer: RNN, cfg: Record<string, unknown>): RNN {
  const copy = classOf(layer).fromConfig(cfg);
  if ((layer instanceof LSTM && copy instanceof LSTM) || (layer instanceof GRU && copy instanceof GRU) || (layer instanceof SimpleRNN && copy instanceof SimpleRNN)) {
    (copy as { backend: string }).backend = layer.backend;
  }
  return copy;
}

export class Bidirectional extends Layer {
  static readonly kerasName: string = 'Bidirectional';
  static readonly optionKeys = optionKeys<BidirectionalArgs>({ ...LAYER_OPTIONS, layer: true, mergeMode: true, backwardLayer: true });
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly stateful: boolean;

  constructor(args: BidirectionalArgs) {
    super(args);
    const { layer, backwardLayer } = args;
    if (!(layer instanceof RNN)) fail('Bidirectional', 'Please initialize `Bidirectional` layer with a recurrent layer (RNN, LSTM, GRU, SimpleRNN).');
    if (backwardLayer !== undefined && !(backwardLayer instanceof RNN)) fail('Bidirectional', '`backward_layer` need to be a recurrent layer instance.');
    const mm = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    if (!['sum', 'mul', 'ave', 'concat', null].includes(mm)) {
      fail('Bidirectional', `Invalid merge mode. Received: ${String(mm)}. Merge mode should be one of {"sum", "mul", "ave", "concat", null}`);
    }
    this.mergeMode = mm;
    const strip = (n: string, p: string): string => (n.startsWith(p) ? n.slice(p.length) : n);
    const fcfg = layer.getConfig();
    this.forwardLayer = rebuild(layer, { ...fcfg, name: `forward_${strip(layer.name, 'forward_')}` });
    if (backwardLayer === undefined) {
      // K2 inverts go_backwards; K3 sets it to True. They agree for a forward layer (the only valid input in K3).
      this.backwardLayer = rebuild(layer, { ...fcfg, go_backwards: !layer.goBackwards, name: `backward_${strip(layer.name, 'backward_')}` });
    } else {
      this.backwardLayer = backwardLayer;
    }
    const f = this.forwardLayer;
    const b = this.backwardLayer;
    if (f.goBackwards === b.goBackwards) {
      fail('Bidirectional', `Forward layer and backward layer should have different \`go_backwards\` value. Received: forward_layer.go_backwards ${f.goBackwards}, backward_layer.go_backwards=${b.goBackwards}`);
    }
    for (const [attr, fv, bv] of [['stateful', f.stateful, b.stateful], ['return_sequences', f.returnSequences, b.returnSequences], ['return_state', f.returnState, b.returnState]] as const) {
      if (fv !== bv) fail('Bidirectional', `Forward layer and backward layer are expected to have the same value for attribute "${attr}", got "${fv}" for forward layer and "${bv}" for backward layer`);
    }
    // force_zero_output_for_mask (§3.2).
    f.zeroOutputForMask = f.returnSequences;
    b.zeroOutputForMask = b.returnSequences;
    this.returnSequences = f.returnSequences;
    this.returnState = f.returnState;
    this.stateful = f.stateful;
    this.trackLayer(f);
    this.trackLayer(b);
    this.supportsMasking = true;
  }

  override build(inputShape: number[]): void {
    for (const l of [this.forwardLayer, this.backwardLayer]) {
      if (!l.built) {
        l.build(inputShape);
        l.built = true;
      }
    }
    this.built = true;
  }

  /** The forward and backward layers' explain() of the last call. */
  explain(): { forward: ReturnType<RNN['explain']>; backward: ReturnType<RNN['explain']> } {
    return { forward: this.forwardLayer.explain(), backward: this.backwardLayer.explain() };
  }

  resetStates(): void {
    if (!this.stateful) fail(this.name, 'Layer must be stateful.');
    this.forwardLayer.resetStates();
    this.backwardLayer.resetStates();
  }

  override computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return this.returnSequences ? mask : null;
  }

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    let fState: (Tensor | Tensor[])[] | undefined; // each half flat, or nested per cell for stacked cells
    let bState: (Tensor | Tensor[])[] | undefined;
    if (kwargs.initialState !== undefined && kwargs.initialState !== null) {
      const s = kwargs.initialState;
      if (s.length % 2 !== 0) fail(this.name, `initial_state must hold the forward states then the backward states (an even count), got ${s.length}`);
      const half = s.length / 2;
      fState = s.slice(0, half);
      bState = s.slice(half);
    }
    const sub = (st: (Tensor | Tensor[])[] | undefined): CallArgs => ({ training: kwargs.training, mask: kwargs.mask ?? null, initialState: st });
    let y = this.forwardLayer.apply(x, sub(fState));
    let yRev = this.backwardLayer.apply(x, sub(bState));
    let states: Tensor[] = [];
    if (this.returnState) {
      const ya = y as Tensor[];
      const yb = yRev as Tensor[];
      states = [...ya.slice(1), ...yb.slice(1)];
      y = ya[0];
      yRev = yb[0];
    }
    const yf = y as Tensor;
    let yb = yRev as Tensor;
    if (this.returnSequences) yb = reverse(yb, this.forwardLayer.timeMajor ? 0 : 1);
    let out: Tensor | Tensor[];
    switch (this.mergeMode) {
      case 'concat': out = concat([yf, yb], -1); break;
      case 'sum': out = add(yf, yb); break;
      case 'ave': out = scale(add(yf, yb), 0.5); break; // (a+b)/2 and 0.5·(a+b) are the same float (exact scaling by 2)
      case 'mul': out = mul(yf, yb); break;
      default: out = [yf, yb];
    }
    if (this.returnState) return Array.isArray(out) ? [...out, ...states] : [out, ...states];
    return out;
  }

  override getConfig(): Record<string, unknown> {
    const ser = (l: RNN) => ({ module: 'keras.layers', class_name: l.className, config: l.getConfig(), registered_name: null });
    return { ...super.getConfig(), merge_mode: this.mergeMode, layer: ser(this.forwardLayer), backward_layer: ser(this.backwardLayer) };
  }

  static fromConfig(cfg: Record<string, unknown>): Bidirectional {
    const de = (c: unknown): RNN => {
      const o = c as { class_name: string; config: Record<string, unknown> };
      const cls = layerClasses.get(o.class_name);
      if (!cls) fail('Bidirectional.fromConfig', `unknown layer class '${o.class_name}'`);
      return cls.fromConfig(o.config);
    };
    const layer = de(cfg.layer);
    const backwardLayer = cfg.backward_layer ? de(cfg.backward_layer) : undefined;
    return new Bidirectional({
      ...baseArgsFromConfig(cfg), layer, backwardLayer,
      mergeMode: cfg.merge_mode === undefined ? 'concat' : (cfg.merge_mode as MergeMode),
    });
  }
}
