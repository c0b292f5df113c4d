// Keras SimpleRNN layer (K3 keras/src/layers/rnn/simple_rnn.py): an RNN over one SimpleRNNCell, always run by
// the generic loop (there is no fused SimpleRNN kernel).

import { baseArgsFromConfig, serializeRegularizer, optionKeys, checkOptions, checkedArgs } from './deps.js';
import { SimpleRNNCell, simpleRnnCellArgsFromConfig, SIMPLE_RNN_CELL_OPTIONS, type SimpleRNNCellArgs } from './simple-rnn-cell.js';
import { RNN, rnnOptionsFromConfig, registerCell, withoutRnnOptions, RNN_OPTIONS, type RecurrentLayerArgs } from './rnn.js';
import { baseLayerConfig } from './lstm.js';

export type SimpleRNNArgs = Omit<SimpleRNNCellArgs, 'name' | 'trainable' | 'dtype' | 'activityRegularizer'> & RecurrentLayerArgs;

registerCell('SimpleRNNCell', (cfg) => SimpleRNNCell.fromConfig(cfg));

export class SimpleRNN extends RNN {
  static override readonly optionKeys = optionKeys<SimpleRNNArgs>({ ...SIMPLE_RNN_CELL_OPTIONS, ...RNN_OPTIONS });
  declare readonly cell: SimpleRNNCell;

  constructor(args: SimpleRNNArgs) {
    checkOptions('SimpleRNN', args, SimpleRNN.optionKeys);
    const { name, trainable, dtype, batchInputShape, inputShape, batchSize, activityRegularizer, ...rest } = args;
    const cell = new SimpleRNNCell({ ...withoutRnnOptions(rest), name: 'simple_rnn_cell', dtype, trainable });
    super(checkedArgs({
      name, trainable, dtype, batchInputShape, inputShape, batchSize, activityRegularizer, cell,
      returnSequences: args.returnSequences, returnState: args.returnState, goBackwards: args.goBackwards,
      stateful: args.stateful, timeMajor: args.timeMajor, unroll: args.unroll, zeroOutputForMask: args.zeroOutputForMask,
    }));
  }

  override get className(): string {
    return 'SimpleRNN';
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

  static override fromConfig(cfg: Record<string, unknown>): SimpleRNN {
    const base = baseArgsFromConfig(cfg);
    return new SimpleRNN({
      ...simpleRnnCellArgsFromConfig(cfg), ...rnnOptionsFromConfig(cfg),
      name: base.name, trainable: base.trainable, dtype: base.dtype as 'float32' | 'float64' | undefined,
      batchInputShape: base.batchInputShape, activityRegularizer: (cfg.activity_regularizer ?? null) as SimpleRNNArgs['activityRegularizer'],
    });
  }
}
