// Keras LSTM layer (K3 keras/src/layers/rnn/lstm.py `LSTM`): an RNN over one LSTMCell, plus the fast path.
//
// Fast path (design.md "selection"; keras-tf-semantics.md §5): when selectLstmBackend says a fused kernel
// applies — tanh/sigmoid, no recurrent dropout, a bias, no unroll, the mask absent or strictly right-padded
// with no fully masked row — the whole sequence runs as ONE `lstmSequence` op (one input GEMM, one recurrent
// GEMM per step, hand-written BPTT). It computes the same maths as the generic loop with implementation 2,
// including the masking rules (carried states, previous/zero outputs), so both paths give the same numbers.
//
// Input dropout on the fast path (K3 ≥ 3.4 `LSTM.inner_loop`, §2.5): one mask drawn from sequences[:, 0, :]
// and broadcast over time, i.e. x ⊙ mask[b, :] at every step — exactly what the generic implementation-2 cell
// does with its cached per-call mask. Implementation 1 draws 4 independent per-gate masks, which the fused
// maths cannot express, so a training call with dropout and implementation 1 takes the generic loop.
// Keras 2 (compat switch, §2.4): when Keras 2's `_could_use_gpu_kernel` holds, its input dropout is drawn
// i.i.d. for every time step over the whole [B, T, I] input, on either of its paths; we do the same.

import {
  Tensor, baseArgsFromConfig,
  serializeRegularizer, type CallArgs, optionKeys, checkOptions,
} from './deps.js';
import { LSTMCell, lstmCellArgsFromConfig, LSTM_CELL_OPTIONS, type LSTMCellArgs } from './lstm-cell.js';
import { RNN, rnnOptionsFromConfig, registerCell, checkBackendPreference, cellLayerArgs, cellArgsOf, RNN_OPTIONS, type RecurrentLayerArgs, type RNNArgs } from './rnn.js';
import { lstmSequence } from '../../../kernels/lstm-sequence.js';
import { selectLstmBackend, type LstmBackendPreference, type LstmKernelName } from '../../../kernels/select.js';

export interface LSTMArgs extends Omit<LSTMCellArgs, 'name' | 'trainable' | 'dtype' | 'activityRegularizer'>, RecurrentLayerArgs {
  /** Which kernel may run this layer: 'auto' (default), 'ts' (pure TypeScript), 'native-cpu', 'cudnn'. */
  backend?: LstmBackendPreference;
}

/** What `explain()` reports about the last call. */
export interface LstmExplanation {
  /** The path the last call took: a fused backend, or 'generic' (the cell loop). */
  path: LstmKernelName;
  /** Why every other option was not used. */
  reasons: string[];
}

registerCell('LSTMCell', (cfg) => LSTMCell.fromConfig(cfg));

export class LSTM<R extends boolean = false> extends RNN<R> {
  static override readonly kerasName: string = 'LSTM';
  /** Every LSTMCell option except the layer-level ones, the RNN options and `backend`. */
  static override readonly optionKeys = optionKeys<LSTMArgs>({ ...LSTM_CELL_OPTIONS, ...RNN_OPTIONS, backend: true });
  declare readonly cell: LSTMCell;
  readonly backend: LstmBackendPreference;

  constructor(args: LSTMArgs & { returnState?: R }) {
    checkOptions('LSTM', args, LSTM.optionKeys);
    const { backend, ...layerArgs } = args;
    super(cellLayerArgs(layerArgs, new LSTMCell({ ...cellArgsOf(layerArgs), name: 'lstm_cell' })) as RNNArgs & { returnState?: R });
    this.backend = checkBackendPreference('LSTM', backend);
  }

  override get className(): string {
    return 'LSTM';
  }

  get units(): number {
    return this.cell.units;
  }

  /** Which kernel the last call used and why the others were not used (null before the first call). */
  override explain(): LstmExplanation | null {
    return this.lastExplanation;
  }

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    const cell = this.cell;
    return this.callWithFastPath(inputs, kwargs, {
      select: (facts) => selectLstmBackend({
        ...facts, activation: cell.activation.name, recurrentActivation: cell.recurrentActivation.name,
        recurrentDropout: cell.recurrentDropout, unroll: this.unroll, useBias: cell.useBias, backend: this.backend,
      }),
      // Keras 2's per-timestep input dropout on its cuDNN-eligible code (rules 1–5 only, §2.4, §5.1).
      keras2Eligible: cell.activation.name === 'tanh' && cell.recurrentActivation.name === 'sigmoid' && cell.recurrentDropout === 0 &&
        !this.unroll && cell.useBias,
      perGateMasks: cell.implementation === 1 ? 4 : 0,
      fused: (x, initial, lengths, backend) => {
        const [y, hT, cT] = lstmSequence(x, initial[0], initial[1], cell.kernel!, cell.recurrentKernel!, cell.bias!, {
          seqLengths: lengths, goBackwards: this.goBackwards, zeroOutputForMask: this.zeroOutputForMask, backend,
        });
        return { y, states: [hT, cT] };
      },
    });
  }

  override getConfig(): Record<string, unknown> {
    const cellCfg = this.cell.getConfig();
    delete cellCfg.name;
    delete cellCfg.trainable;
    delete cellCfg.dtype;
    const cfg: Record<string, unknown> = {
      ...baseLayerConfig(this),
      ...this.rnnConfig(),
      ...cellCfg,
      activity_regularizer: serializeRegularizer(this.activityRegularizer),
    };
    // Keras 3 has no `implementation` key; keep it only when it carries information (1 chosen explicitly;
    // recurrent_dropout > 0 implies 1 anyway), so fromConfig round-trips.
    if (this.cell.implementation === 1 && this.cell.recurrentDropout === 0) cfg.implementation = 1;
    return cfg;
  }

  static override fromConfig(cfg: Record<string, unknown>): LSTM<boolean> {
    const c = lstmCellArgsFromConfig(cfg);
    const base = baseArgsFromConfig(cfg);
    return new LSTM({
      ...c, ...rnnOptionsFromConfig(cfg),
      name: base.name, trainable: base.trainable, dtype: base.dtype as 'float32' | 'float64' | undefined,
      batchInputShape: base.batchInputShape, activityRegularizer: (cfg.activity_regularizer ?? null) as LSTMArgs['activityRegularizer'],
    });
  }
}

/** The Layer base config without the RNN's `cell` entry. */
export function baseLayerConfig(layer: RNN): Record<string, unknown> {
  const cfg = RNN.prototype.getConfig.call(layer);
  delete cfg.cell;
  return cfg;
}
