// Keras SimpleRNN layer (K3 keras/src/layers/rnn/simple_rnn.py): an RNN over one SimpleRNNCell, plus a fast
// path: where the fused kernel computes exactly what the generic loop does (selectSimpleRnnBackend: tanh or
// relu, no recurrent dropout, a bias, no unroll, the mask absent or right-padded with no fully masked row) the
// sequence runs as ONE `simpleRnnSequence` op. Keras has no fused SimpleRNN; this is for speed only, and
// explain() says which path ran. Input dropout: the cell draws one [B, I] mask per call and applies it at every
// step (K2 and K3), so the fused path multiplies x by that mask broadcast over time.

import {
  Tensor, type CallArgs,
  baseArgsFromConfig, serializeRegularizer, optionKeys, checkOptions,
} from './deps.js';
import { simpleRnnSequence } from '../../../kernels/simple-rnn-sequence.js';
import { selectSimpleRnnBackend, type LstmBackendPreference } from '../../../kernels/select.js';
import { SimpleRNNCell, simpleRnnCellArgsFromConfig, SIMPLE_RNN_CELL_OPTIONS, type SimpleRNNCellArgs } from './simple-rnn-cell.js';
import { RNN, rnnOptionsFromConfig, registerCell, checkBackendPreference, cellLayerArgs, cellArgsOf, RNN_OPTIONS, type RecurrentLayerArgs, type RNNArgs } from './rnn.js';
import { baseLayerConfig } from './lstm.js';

export type SimpleRNNArgs = Omit<SimpleRNNCellArgs, 'name' | 'trainable' | 'dtype' | 'activityRegularizer'> & RecurrentLayerArgs & {
  /** Which kernel may run this layer: 'auto' (default), 'ts' (pure TypeScript), 'native-cpu', 'cudnn'. */
  backend?: LstmBackendPreference;
};

registerCell('SimpleRNNCell', (cfg) => SimpleRNNCell.fromConfig(cfg));

export class SimpleRNN<R extends boolean = false> extends RNN<R> {
  static override readonly kerasName: string = 'SimpleRNN';
  static override readonly optionKeys = optionKeys<SimpleRNNArgs>({ ...SIMPLE_RNN_CELL_OPTIONS, ...RNN_OPTIONS, backend: true });
  declare readonly cell: SimpleRNNCell;
  readonly backend: LstmBackendPreference;

  constructor(args: SimpleRNNArgs & { returnState?: R }) {
    checkOptions('SimpleRNN', args, SimpleRNN.optionKeys);
    const { backend, ...layerArgs } = args;
    super(cellLayerArgs(layerArgs, new SimpleRNNCell({ ...cellArgsOf(layerArgs), name: 'simple_rnn_cell' })) as RNNArgs & { returnState?: R });
    this.backend = checkBackendPreference('SimpleRNN', backend);
  }

  override get className(): string {
    return 'SimpleRNN';
  }

  override call(inputs: Tensor | Tensor[], kwargs: CallArgs = {}): Tensor | Tensor[] {
    const cell = this.cell;
    return this.callWithFastPath(inputs, kwargs, {
      select: (facts) => selectSimpleRnnBackend({
        ...facts, activation: cell.activation.name, recurrentDropout: cell.recurrentDropout, unroll: this.unroll,
        useBias: cell.useBias, backend: this.backend,
      }),
      keras2Eligible: false,  // Keras 2's SimpleRNN has no fused path: its dropout is the cell's, as Keras 3's
      perGateMasks: 0,  // one input mask per call in either implementation
      fused: (x, initial, lengths, backend) => {
        const [y, hT] = simpleRnnSequence(x, initial[0], cell.kernel!, cell.recurrentKernel!, cell.bias!, {
          activation: cell.activation.name as 'tanh' | 'relu', seqLengths: lengths, goBackwards: this.goBackwards,
          zeroOutputForMask: this.zeroOutputForMask, backend,
        });
        return { y, states: [hT] };
      },
    });
  }

  get units(): number {
    return this.cell.units;
  }

  override getConfig(): Record<string, unknown> {
    const cellCfg = this.cell.getConfig();
    delete cellCfg.name;
    delete cellCfg.trainable;
    delete cellCfg.dtype;
    // Keras 3's SimpleRNN.get_config has no `seed` (its cell's has); we keep it only when set, to round-trip.
    if (cellCfg.seed === null) delete cellCfg.seed;
    return { ...baseLayerConfig(this), ...this.rnnConfig(), ...cellCfg, activity_regularizer: serializeRegularizer(this.activityRegularizer) };
  }

  static override fromConfig(cfg: Record<string, unknown>): SimpleRNN<boolean> {
    const base = baseArgsFromConfig(cfg);
    return new SimpleRNN({
      ...simpleRnnCellArgsFromConfig(cfg), ...rnnOptionsFromConfig(cfg),
      name: base.name, trainable: base.trainable, dtype: base.dtype as 'float32' | 'float64' | undefined,
      batchInputShape: base.batchInputShape, activityRegularizer: (cfg.activity_regularizer ?? null) as SimpleRNNArgs['activityRegularizer'],
    });
  }
}
