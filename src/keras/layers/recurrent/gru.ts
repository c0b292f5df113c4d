// Keras GRU layer (K3 keras/src/layers/rnn/gru.py `GRU`): an RNN over one GRUCell, plus the fast path.
//
// Fast path (as the LSTM's, lstm.ts): when selectGruBackend says a fused kernel applies — Keras's GRU cuDNN
// rules: tanh / sigmoid, no recurrent dropout, a bias, no unroll, reset_after=True, the mask absent or strictly
// right-padded with no fully masked row — the whole sequence runs as ONE `gruSequence` op (one input GEMM, one
// recurrent GEMM per step, hand-written BPTT), computing the generic loop's maths and masking rules.
// Input dropout on the fast path: Keras 3 draws one [B, I] mask per call and applies it at every step (the
// implementation-2 cell does the same with its cached mask); implementation 1 draws 3 per-gate masks, which the
// fused maths cannot express, so a training call with dropout and implementation 1 takes the generic loop.
// Keras 2 (compat switch): where its `_could_use_gpu_kernel` holds, input dropout is drawn for every time step
// over the whole [B, T, I] input, on either of its paths; we do the same.

import {
  Tensor, baseArgsFromConfig,
  serializeRegularizer, type CallArgs, optionKeys, checkOptions,
} from './deps.js';
import { GRUCell, gruCellArgsFromConfig, GRU_CELL_OPTIONS, type GRUCellArgs } from './gru-cell.js';
import { RNN, rnnOptionsFromConfig, registerCell, checkBackendPreference, cellLayerArgs, cellArgsOf, RNN_OPTIONS, type RecurrentLayerArgs, type RNNArgs } from './rnn.js';
import { baseLayerConfig } from './lstm.js';
import { gruSequence } from '../../../kernels/gru-sequence.js';
import { selectGruBackend, type LstmBackendPreference } from '../../../kernels/select.js';

export type GRUArgs = Omit<GRUCellArgs, 'name' | 'trainable' | 'dtype' | 'activityRegularizer'> & RecurrentLayerArgs & {
  /** Which kernel may run this layer: 'auto' (default), 'ts' (pure TypeScript), 'native-cpu', 'cudnn'. */
  backend?: LstmBackendPreference;
};

registerCell('GRUCell', (cfg) => GRUCell.fromConfig(cfg));

export class GRU<R extends boolean = false> extends RNN<R> {
  static override readonly kerasName: string = 'GRU';
  static override readonly optionKeys = optionKeys<GRUArgs>({ ...GRU_CELL_OPTIONS, ...RNN_OPTIONS, backend: true });
  declare readonly cell: GRUCell;
  readonly backend: LstmBackendPreference;

  constructor(args: GRUArgs & { returnState?: R }) {
    checkOptions('GRU', args, GRU.optionKeys);
    const { backend, ...layerArgs } = args;
    super(cellLayerArgs(layerArgs, new GRUCell({ ...cellArgsOf(layerArgs), name: 'gru_cell' })) as RNNArgs & { returnState?: R });
    this.backend = checkBackendPreference('GRU', backend);
  }

  override get className(): string {
    return 'GRU';
  }

  get units(): number {
    return this.cell.units;
  }

  get resetAfter(): boolean {
    return this.cell.resetAfter;
  }

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    const cell = this.cell;
    return this.callWithFastPath(inputs, kwargs, {
      select: (facts) => selectGruBackend({
        ...facts, activation: cell.activation.name, recurrentActivation: cell.recurrentActivation.name,
        recurrentDropout: cell.recurrentDropout, unroll: this.unroll, useBias: cell.useBias, resetAfter: cell.resetAfter,
        backend: this.backend,
      }),
      // Keras 2 GRU's _could_use_gpu_kernel: the LSTM's five rules and reset_after.
      keras2Eligible: cell.activation.name === 'tanh' && cell.recurrentActivation.name === 'sigmoid' && cell.recurrentDropout === 0 &&
        !this.unroll && cell.useBias && cell.resetAfter,
      perGateMasks: cell.implementation === 1 ? 3 : 0,
      fused: (x, initial, lengths, backend) => {
        const [y, hT] = gruSequence(x, initial[0], cell.kernel!, cell.recurrentKernel!, cell.bias!, {
          seqLengths: lengths, goBackwards: this.goBackwards, zeroOutputForMask: this.zeroOutputForMask, backend,
        });
        return { y, states: [hT] };
      },
    });
  }

  override getConfig(): Record<string, unknown> {
    const cellCfg = this.cell.getConfig();
    delete cellCfg.name;
    delete cellCfg.trainable;
    delete cellCfg.dtype;
    const cfg: Record<string, unknown> = { ...baseLayerConfig(this), ...this.rnnConfig(), ...cellCfg, activity_regularizer: serializeRegularizer(this.activityRegularizer) };
    // Keras 3 has no `implementation` key; kept only when it carries information, so fromConfig round-trips.
    if (this.cell.implementation === 1 && this.cell.recurrentDropout === 0) cfg.implementation = 1;
    return cfg;
  }

  static override fromConfig(cfg: Record<string, unknown>): GRU<boolean> {
    const base = baseArgsFromConfig(cfg);
    return new GRU({
      ...gruCellArgsFromConfig(cfg), ...rnnOptionsFromConfig(cfg),
      name: base.name, trainable: base.trainable, dtype: base.dtype as 'float32' | 'float64' | undefined,
      batchInputShape: base.batchInputShape, activityRegularizer: (cfg.activity_regularizer ?? null) as GRUArgs['activityRegularizer'],
    });
  }
}
