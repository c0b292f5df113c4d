// Keras ConvLSTM1D (keras/src/layers/rnn/conv_lstm.py, ConvLSTMCell with rank 1; Shi et al. 2015): an LSTM whose
// input and state are sequences [L, C] and whose matrix products are 1-D convolutions.
//   x_g = conv(x_t, kernel_g; strides, padding, dilation) + b_g        kernel [K, C, 4F], gates in order i, f, c, o
//   h_g = conv(h_{t−1}, recurrent_kernel_g; stride 1, 'same')         recurrent_kernel [K, F, 4F]
//   i = σ(x_i + h_i), f = σ(x_f + h_f), o = σ(x_o + h_o)             (σ = recurrent_activation)
//   c_t = f ⊙ c_{t−1} + i ⊙ tanh(x_c + h_c),  h_t = o ⊙ tanh(c_t)       (tanh = activation)
// State h, c: [B, L', F], L' the input convolution's output length. Input [B, T, L, C] (channels_last) or
// [B, T, C, L] (channels_first: computed channels-last between transposes, as Conv1D here).
// The four gate convolutions are one convolution with the whole kernel followed by a split of its channels
// (the same products and sums per output channel); without input dropout the input convolution runs once
// over all T steps ([B·T, L, C]). Input dropout in training draws four masks (Keras dropout_mask_count = 4),
// one per gate, so that case convolves each gate's masked input separately, as Keras does.
// Masks [B, T], go_backwards, return_sequences, return_state and initial_state follow Keras's RNN (the generic
// loop of rnn-loop.ts carries states over masked steps). Weights live under `cell` in .keras files.

import {
  Tensor, fail, shapeStr, zeros, add, mul, stack, unstack, transpose, reshape, slice, dropout as applyDropout,
  Layer, baseArgsFromConfig, LAYER_OPTIONS, type LayerArgs, type CallArgs, type DType, optionKeys, checkBoolean, checkNumber, checkChoice,
  getInitializer, serializeInitializer, type Initializer, type InitializerId, getRegularizer, serializeRegularizer, type RegularizerId,
  getConstraint, serializeConstraint, type ConstraintId, getActivation, serializeActivation, type Activation, type ActivationId,
  registerLayerClass, Random, getGlobalRandom, dropoutMask,
} from './deps.js';
import type { Regularizer } from '../../regularizers.js';
import type { Constraint } from '../../constraints.js';
import type { WeightGroupSpec } from '../../engine/layer.js';
import { conv1d, windowOutputLength } from '../../../ops/conv.js';
import { oneTuple, dataFormatArg, windowPadding, type DataFormat } from '../convolutional/args.js';
import { rnnLoop, readMask } from './rnn-loop.js';
import { UnitForgetBias } from './lstm-cell.js';

export interface ConvLSTM1DArgs extends LayerArgs {
  filters: number;
  kernelSize: number | [number];
  strides?: number | [number];
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat | null;
  dilationRate?: number | [number];
  activation?: ActivationId;
  recurrentActivation?: ActivationId;
  useBias?: boolean;
  kernelInitializer?: InitializerId;
  recurrentInitializer?: InitializerId;
  biasInitializer?: InitializerId;
  unitForgetBias?: boolean;
  kernelRegularizer?: RegularizerId | null;
  recurrentRegularizer?: RegularizerId | null;
  biasRegularizer?: RegularizerId | null;
  kernelConstraint?: ConstraintId | null;
  recurrentConstraint?: ConstraintId | null;
  biasConstraint?: ConstraintId | null;
  dropout?: number;
  recurrentDropout?: number;
  seed?: number | null;
  returnSequences?: boolean;
  returnState?: boolean;
  goBackwards?: boolean;
  /** Not supported yet: refused. */
  stateful?: boolean;
  unroll?: boolean;
}

export class ConvLSTM1D extends Layer {
  static readonly kerasName: string = 'ConvLSTM1D';
  static readonly optionKeys = optionKeys<ConvLSTM1DArgs>({
    ...LAYER_OPTIONS, filters: true, kernelSize: true, strides: true, padding: true, dataFormat: true, dilationRate: true, activation: true,
    recurrentActivation: true, useBias: true, kernelInitializer: true, recurrentInitializer: true, biasInitializer: true, unitForgetBias: true,
    kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true, kernelConstraint: true, recurrentConstraint: true, biasConstraint: true,
    dropout: true, recurrentDropout: true, seed: true, returnSequences: true, returnState: true, goBackwards: true, stateful: true, unroll: true,
  });
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same';
  readonly dataFormat: DataFormat;
  readonly dilationRate: number;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly unitForgetBias: boolean;
  readonly kernelRegularizer: Regularizer | null;
  readonly recurrentRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly recurrentConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly unroll: boolean;
  private readonly rng: Random;
  kernel: Tensor | null = null;
  recurrentKernel: Tensor | null = null;
  bias: Tensor | null = null;
  /** Keras's cell name (the .keras group `cell` carries it). */
  readonly cellName = 'conv_lstm_cell';

  constructor(args: ConvLSTM1DArgs) {
    super(args);
    const n = 'ConvLSTM1D';
    if (!args || !Number.isInteger(args.filters) || args.filters <= 0) fail(n, `filters must be a positive integer, got ${args ? String(args.filters) : 'no arguments'}`);
    this.filters = args.filters;
    if (args.kernelSize === undefined) fail(n, 'kernelSize is required');
    this.kernelSize = oneTuple(n, 'kernelSize', args.kernelSize, 1);
    this.strides = oneTuple(n, 'strides', args.strides, 1);
    this.dilationRate = oneTuple(n, 'dilationRate', args.dilationRate, 1);
    this.padding = (checkChoice(n, 'padding', args.padding, ['valid', 'same'] as const) ?? 'valid') as 'valid' | 'same';
    this.dataFormat = dataFormatArg(n, args.dataFormat);
    this.activation = getActivation(args.activation ?? 'tanh');
    this.recurrentActivation = getActivation(args.recurrentActivation ?? 'sigmoid');
    this.useBias = checkBoolean(n, 'useBias', args.useBias) ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorot_uniform');
    this.recurrentInitializer = getInitializer(args.recurrentInitializer ?? 'orthogonal');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.unitForgetBias = checkBoolean(n, 'unitForgetBias', args.unitForgetBias) ?? true;
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.recurrentRegularizer = getRegularizer(args.recurrentRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.kernelConstraint = getConstraint(args.kernelConstraint);
    this.recurrentConstraint = getConstraint(args.recurrentConstraint);
    this.biasConstraint = getConstraint(args.biasConstraint);
    // Keras clips both rates to [0, 1] (DropoutRNNCell semantics).
    this.dropout = Math.min(1, Math.max(0, checkNumber(n, 'dropout', args.dropout) ?? 0));
    this.recurrentDropout = Math.min(1, Math.max(0, checkNumber(n, 'recurrentDropout', args.recurrentDropout) ?? 0));
    this.seed = checkNumber(n, 'seed', args.seed, { integer: true, nullable: true }) ?? null;
    this.rng = this.seed === null ? getGlobalRandom().fork() : new Random(this.seed);
    this.returnSequences = checkBoolean(n, 'returnSequences', args.returnSequences) ?? false;
    this.returnState = checkBoolean(n, 'returnState', args.returnState) ?? false;
    this.goBackwards = checkBoolean(n, 'goBackwards', args.goBackwards) ?? false;
    this.unroll = checkBoolean(n, 'unroll', args.unroll) ?? false;
    if (args.stateful) fail(n, 'stateful ConvLSTM1D is not supported yet');
    this.supportsMasking = true;
  }

  private channelsOf(shape: readonly number[]): number {
    return this.dataFormat === 'channels_last' ? shape[3] : shape[2];
  }

  override build(inputShape: number[]): void {
    if (inputShape.length !== 4) fail(this.name, `Input of layer '${this.name}' is incompatible with the layer: expected ndim=4, found ndim=${inputShape.length}. Full shape received: ${shapeStr(inputShape)}`);
    const C = this.channelsOf(inputShape);
    const F = this.filters;
    this.kernel = this.addWeight('kernel', [this.kernelSize, C, 4 * F], {
      initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint,
    });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.kernelSize, F, 4 * F], {
      initializer: this.recurrentInitializer, regularizer: this.recurrentRegularizer, constraint: this.recurrentConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight('bias', [4 * F], {
        initializer: this.unitForgetBias ? new UnitForgetBias(this.biasInitializer, F) : this.biasInitializer,
        regularizer: this.biasRegularizer, constraint: this.biasConstraint,
      });
    }
    this.built = true;
  }

  /** Weights under the layer's `cell` group, as Keras's ConvLSTM (an RNN around its ConvLSTMCell) saves them. */
  kerasSaveGroups(): WeightGroupSpec[] {
    return [{ path: '', weights: [] }, { path: 'cell', weights: [...this.weights] }];
  }

  /** Keras RNN.compute_mask: the input mask with return_sequences (the states carry none). */
  override computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return this.returnSequences ? mask : null;
  }

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    let x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!(x instanceof Tensor) || x.rank !== 4) {
      fail(this.name, `Input of layer '${this.name}' is incompatible with the layer: expected ndim=4 ([batch, time, steps, channels]), got ${x instanceof Tensor ? shapeStr(x.shape) : typeof x}`);
    }
    const kernel = this.kernel!;
    const C = kernel.shape[1];
    if (this.channelsOf(x.shape) !== C) fail(this.name, `the input has ${this.channelsOf(x.shape)} channels (shape ${shapeStr(x.shape)}) but the layer was built for ${C}`);
    if (x.dtype !== this.dtype) fail(this.name, `the input is ${x.dtype} but the layer computes in ${this.dtype}; create the layer with dtype: '${x.dtype}' or cast the input`);
    if (this.dataFormat === 'channels_first') x = transpose(x, [0, 1, 3, 2]);
    const [B, T, L] = x.shape;
    if (T === 0) fail(this.name, 'the input has 0 time steps; Keras cannot run an RNN over an empty sequence (it reads inputs[0])');
    const F = this.filters;
    const K = this.kernelSize;
    const [pl, pr] = windowPadding(this.padding, L, K, this.strides, this.dilationRate);
    const Lo = windowOutputLength(L, K, this.strides, this.dilationRate, pl, pr);
    if (Lo <= 0) fail(this.name, `Computed output size would be zero or negative. Received \`inputs shape=${shapeStr(x.shape)}\`, \`kernel shape=${shapeStr(kernel.shape)}\`.`);
    const [rl, rr] = windowPadding('same', Lo, K, 1, 1);
    const dtype = x.dtype as DType;
    const training = kwargs.training ?? false;
    const inConv = (v: Tensor, w: Tensor): Tensor => conv1d(v, w, { stride: this.strides, dilation: this.dilationRate, padLeft: pl, padRight: pr });
    const recConv = (h: Tensor, w: Tensor): Tensor => conv1d(h, w, { padLeft: rl, padRight: rr });
    const gate = (z: Tensor, g: number): Tensor => slice(z, [0, 0, g * F], [z.shape[0], Lo, F]);
    const gateKernel = (w: Tensor, g: number): Tensor => slice(w, [0, 0, g * F], [w.shape[0], w.shape[1], F]);
    const biasOf = (g: number): Tensor | null => (this.bias ? slice(this.bias, [g * F], [F]) : null);
    const dropIn = training && this.dropout > 0 && this.dropout < 1;
    const dropRec = training && this.recurrentDropout > 0 && this.recurrentDropout < 1;
    // One mask per gate, drawn once per call and shared by every step (Keras's cached DropoutRNNCell masks).
    const dpMasks = dropIn ? [0, 1, 2, 3].map(() => dropoutMask([B, L, C], this.dropout, this.rng, dtype)) : null;
    const recMasks = dropRec ? [0, 1, 2, 3].map(() => dropoutMask([B, Lo, F], this.recurrentDropout, this.rng, dtype)) : null;
    // What the loop steps over: without input dropout, the input convolution of every step at once, one
    // [B, L', 4F] slice per step; with it, the raw [B, L, C] step inputs, convolved per gate after their masks.
    let steps: Tensor[];
    if (!dpMasks) {
      let z = inConv(reshape(x, [B * T, L, C]), kernel);
      if (this.bias) z = add(z, this.bias);
      steps = unstack(reshape(z, [B, T, Lo, 4 * F]), 1);
    } else {
      steps = unstack(x, 1);
    }
    const step = (xt: Tensor, states: Tensor[]): [Tensor, Tensor[]] => {
      const [h, c] = states;
      let zx: Tensor[];
      if (!dpMasks) {
        zx = [0, 1, 2, 3].map((g) => gate(xt, g));
      } else {
        zx = [0, 1, 2, 3].map((g) => {
          const v = inConv(applyDropout(xt, dpMasks[g]), gateKernel(kernel, g));
          const b = biasOf(g);
          return b ? add(v, b) : v;
        });
      }
      let zh: Tensor[];
      if (recMasks) zh = [0, 1, 2, 3].map((g) => recConv(applyDropout(h, recMasks[g]), gateKernel(this.recurrentKernel!, g)));
      else {
        const z = recConv(h, this.recurrentKernel!);
        zh = [0, 1, 2, 3].map((g) => gate(z, g));
      }
      const ra = this.recurrentActivation.fn;
      const i = ra(add(zx[0], zh[0]));
      const f = ra(add(zx[1], zh[1]));
      const cNew = add(mul(f, c), mul(i, this.activation.fn(add(zx[2], zh[2]))));
      const o = ra(add(zx[3], zh[3]));
      const hNew = mul(o, this.activation.fn(cNew));
      return [hNew, [hNew, cNew]];
    };
    let initial: Tensor[];
    if (kwargs.initialState !== undefined && kwargs.initialState !== null) {
      const list = (kwargs.initialState as unknown[]).flat() as Tensor[];
      if (list.length !== 2) fail(this.name, `Layer has 2 states but was passed ${list.length} initial states.`);
      list.forEach((s, k) => {
        const want = [B, Lo, F];
        if (!(s instanceof Tensor) || s.rank !== 3 || s.shape.some((d, j) => d !== want[j])) {
          fail(this.name, `initial_state[${k}] must have shape ${shapeStr(want)} (channels last), got ${s instanceof Tensor ? shapeStr(s.shape) : typeof s}`);
        }
      });
      initial = list;
    } else {
      initial = [zeros([B, Lo, F], dtype), zeros([B, Lo, F], dtype)];
    }
    const mask = readMask(kwargs.mask, B, T, false, this.name);
    const r = rnnLoop(step, steps, initial, { mask, goBackwards: this.goBackwards, zeroOutputForMask: false, returnAllOutputs: this.returnSequences, unroll: this.unroll });
    const back = (v: Tensor, rank: number): Tensor => (this.dataFormat === 'channels_first' ? transpose(v, rank === 4 ? [0, 1, 3, 2] : [0, 2, 1]) : v);
    const output = this.returnSequences ? back(stack(r.outputs, 1), 4) : back(r.lastOutput, 3);
    if (this.returnState) return [output, back(r.states[0], 3), back(r.states[1], 3)];
    return output;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: false,
      unroll: this.unroll,
      zero_output_for_mask: false,
      filters: this.filters,
      kernel_size: [this.kernelSize],
      strides: [this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [this.dilationRate],
      activation: serializeActivation(this.activation),
      recurrent_activation: serializeActivation(this.recurrentActivation),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      recurrent_initializer: serializeInitializer(this.recurrentInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      unit_forget_bias: this.unitForgetBias,
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      recurrent_regularizer: serializeRegularizer(this.recurrentRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: serializeRegularizer(this.activityRegularizer),
      kernel_constraint: serializeConstraint(this.kernelConstraint),
      recurrent_constraint: serializeConstraint(this.recurrentConstraint),
      bias_constraint: serializeConstraint(this.biasConstraint),
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      seed: this.seed,
    };
  }

  static fromConfig(cfg: Record<string, unknown>): ConvLSTM1D {
    if (cfg.zero_output_for_mask === true) fail('ConvLSTM1D', 'zero_output_for_mask is not supported for ConvLSTM1D yet');
    return new ConvLSTM1D({
      ...baseArgsFromConfig(cfg),
      filters: cfg.filters as number,
      kernelSize: cfg.kernel_size as [number],
      strides: cfg.strides as [number] | undefined,
      padding: cfg.padding as 'valid' | 'same',
      dataFormat: cfg.data_format as DataFormat | null | undefined,
      dilationRate: cfg.dilation_rate as [number] | undefined,
      activation: (cfg.activation as ActivationId | undefined) ?? 'tanh',
      recurrentActivation: (cfg.recurrent_activation as ActivationId | undefined) ?? 'sigmoid',
      useBias: cfg.use_bias as boolean | undefined,
      kernelInitializer: cfg.kernel_initializer as InitializerId | undefined,
      recurrentInitializer: cfg.recurrent_initializer as InitializerId | undefined,
      biasInitializer: cfg.bias_initializer as InitializerId | undefined,
      unitForgetBias: cfg.unit_forget_bias as boolean | undefined,
      kernelRegularizer: cfg.kernel_regularizer as RegularizerId | null,
      recurrentRegularizer: cfg.recurrent_regularizer as RegularizerId | null,
      biasRegularizer: cfg.bias_regularizer as RegularizerId | null,
      kernelConstraint: cfg.kernel_constraint as ConstraintId | null,
      recurrentConstraint: cfg.recurrent_constraint as ConstraintId | null,
      biasConstraint: cfg.bias_constraint as ConstraintId | null,
      dropout: cfg.dropout as number | undefined,
      recurrentDropout: cfg.recurrent_dropout as number | undefined,
      seed: cfg.seed as number | null | undefined,
      returnSequences: cfg.return_sequences as boolean | undefined,
      returnState: cfg.return_state as boolean | undefined,
      goBackwards: cfg.go_backwards as boolean | undefined,
      stateful: cfg.stateful as boolean | undefined,
      unroll: cfg.unroll as boolean | undefined,
    });
  }
}

registerLayerClass('ConvLSTM1D', ConvLSTM1D.fromConfig);
