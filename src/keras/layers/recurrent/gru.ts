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
  Tensor, dropout as applyDropout, dropoutMask, baseArgsFromConfig,
  serializeRegularizer, type CallArgs, kerasCompat, optionKeys, checkOptions,
} from './deps.js';
import { GRUCell, gruCellArgsFromConfig, GRU_CELL_OPTIONS, type GRUCellArgs } from './gru-cell.js';
import { RNN, rnnOptionsFromConfig, registerCell, checkBackendPreference, cellLayerArgs, cellArgsOf, RNN_OPTIONS, type RecurrentLayerArgs } from './rnn.js';
import { baseLayerConfig } from './lstm.js';
import { gruSequence } from '../../../kernels/gru-sequence.js';
import { selectGruBackend, type LstmBackendPreference } from '../../../kernels/select.js';

export type GRUArgs = Omit<GRUCellArgs, 'name' | 'trainable' | 'dtype' | 'activityRegularizer'> & RecurrentLayerArgs & {
  /** Which kernel may run this layer: 'auto' (default), 'ts' (pure TypeScript), 'native-cpu', 'cudnn'. */
  backend?: LstmBackendPreference;
};

registerCell('GRUCell', (cfg) => GRUCell.fromConfig(cfg));

export class GRU extends RNN {
  static override readonly optionKeys = optionKeys<GRUArgs>({ ...GRU_CELL_OPTIONS, ...RNN_OPTIONS, backend: true });
  declare readonly cell: GRUCell;
  readonly backend: LstmBackendPreference;

  constructor(args: GRUArgs) {
    checkOptions('GRU', args, GRU.optionKeys);
    const { backend, ...layerArgs } = args;
    super(cellLayerArgs(layerArgs, new GRUCell({ ...cellArgsOf(layerArgs), name: 'gru_cell' })));
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
    const { x, B, T, training, initial, mask, summary } = this.callPrologue(inputs, kwargs);
    const cell = this.cell;
    const sel = selectGruBackend({
      activation: cell.activation.name,
      recurrentActivation: cell.recurrentActivation.name,
      recurrentDropout: cell.recurrentDropout,
      unroll: this.unroll,
      useBias: cell.useBias,
      resetAfter: cell.resetAfter,
      mask: summary,
      dtype: x.dtype,
      dims: { T, B, I: x.shape[2], H: cell.units },
      goBackwards: this.goBackwards,
      zeroOutputForMask: this.zeroOutputForMask,
      backend: this.backend,
    });
    let reasons = [...sel.reasons];
    const dropoutActive = training && cell.dropout > 0 && cell.dropout < 1;
    const k2Eligible = kerasCompat() === 'keras2' && cell.activation.name === 'tanh' && cell.recurrentActivation.name === 'sigmoid' &&
      cell.recurrentDropout === 0 && !this.unroll && cell.useBias && cell.resetAfter;
    let useFused = sel.backend !== null;
    if (useFused && dropoutActive && cell.implementation === 1 && !k2Eligible) {
      useFused = false;
      reasons = reasons.filter((r) => !r.startsWith('generic:'));
      reasons.push(`${sel.name}: implementation=1 with dropout in training draws 3 per-gate input masks, which the fused kernel cannot apply`);
    }
    let xIn = x;
    let trainingForCell = training;
    if (k2Eligible && dropoutActive) {
      xIn = applyDropout(x, dropoutMask(x.shape, cell.dropout, cell.dropoutRng, x.dtype));
      trainingForCell = false;
    }
    let output: Tensor;
    let states: Tensor[];
    if (useFused) {
      const [y, hT] = gruSequence(this.fusedInput(xIn, !k2Eligible && dropoutActive), initial[0], cell.kernel!, cell.recurrentKernel!, cell.bias!, {
        seqLengths: summary ? summary.lengths : null, goBackwards: this.goBackwards, zeroOutputForMask: this.zeroOutputForMask, backend: sel.backend!,
      });
      output = this.fusedOutput(y);
      states = [hT];
      this.lastExplanation = { path: sel.name, reasons };
    } else {
      ({ output, states } = this.runGeneric(xIn, initial, mask, trainingForCell));
      this.lastExplanation = { path: 'generic', reasons };
    }
    this.storeStates(states);
    return this.packResult(output, states);
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
