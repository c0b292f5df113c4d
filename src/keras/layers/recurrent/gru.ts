// Keras GRU layer (K3 keras/src/layers/rnn/gru.py `GRU`): an RNN over one GRUCell. On TF's CPU, Keras runs the
// cell in its generic loop (the cuDNN kernel is GPU-only), and so does lstm-ts for now: there is no fused
// `gruSequence` kernel yet, and `explain()` says so.

import { baseArgsFromConfig, serializeRegularizer, optionKeys, checkOptions, checkedArgs } from './deps.js';
import { GRUCell, gruCellArgsFromConfig, GRU_CELL_OPTIONS, type GRUCellArgs } from './gru-cell.js';
import { RNN, rnnOptionsFromConfig, registerCell, withoutRnnOptions, RNN_OPTIONS, type RecurrentLayerArgs } from './rnn.js';
import { baseLayerConfig } from './lstm.js';

export type GRUArgs = Omit<GRUCellArgs, 'name' | 'trainable' | 'dtype' | 'activityRegularizer'> & RecurrentLayerArgs;

registerCell('GRUCell', (cfg) => GRUCell.fromConfig(cfg));

export class GRU extends RNN {
  static override readonly optionKeys = optionKeys<GRUArgs>({ ...GRU_CELL_OPTIONS, ...RNN_OPTIONS });
  declare readonly cell: GRUCell;

  constructor(args: GRUArgs) {
    checkOptions('GRU', args, GRU.optionKeys);
    const { name, trainable, dtype, batchInputShape, inputShape, batchSize, activityRegularizer, ...rest } = args;
    const cell = new GRUCell({ ...withoutRnnOptions(rest), name: 'gru_cell', dtype, trainable });
    super(checkedArgs({
      name, trainable, dtype, batchInputShape, inputShape, batchSize, activityRegularizer, cell,
      returnSequences: args.returnSequences, returnState: args.returnState, goBackwards: args.goBackwards,
      stateful: args.stateful, timeMajor: args.timeMajor, unroll: args.unroll, zeroOutputForMask: args.zeroOutputForMask,
    }));
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

  static override fromConfig(cfg: Record<string, unknown>): GRU {
    const base = baseArgsFromConfig(cfg);
    return new GRU({
      ...gruCellArgsFromConfig(cfg), ...rnnOptionsFromConfig(cfg),
      name: base.name, trainable: base.trainable, dtype: base.dtype as 'float32' | 'float64' | undefined,
      batchInputShape: base.batchInputShape, activityRegularizer: (cfg.activity_regularizer ?? null) as GRUArgs['activityRegularizer'],
    });
  }
}
