// TF1 LSTMCell (legacy_cells.py, keras-tf-semantics.md §1.4): BasicLSTMCell's maths plus
//   peepholes   f: σ(f + forget_bias + w_f_diag ⊙ c),  i: σ(i + w_i_diag ⊙ c),  o: σ(o + w_o_diag ⊙ c')
//   cell_clip   c' = clip(c', ±cell_clip) before the output activation (the clipped c' is the state)
//   num_proj    m = (σ(o) ⊙ act(c')) · P, P [u, numProj] ('projection/kernel'), then clip(m, ±proj_clip)
// The recurrent input is m (numProj wide), so the kernel is [inputDepth + (numProj ?? u), 4u].
// State LSTMStateTuple(c [B,u], m [B, numProj ?? u]) or concat([c, m], 1).

import type { Tensor, DType } from '../../tensor/tensor.js';
import { add, mul } from '../../ops/arithmetic.js';
import { matmul } from '../../ops/matmul.js';
import { concat, split } from '../../ops/layout.js';
import { sigmoid, addScalar, clip } from '../../ops/unary.js';
import { zeros } from '../../tensor/create.js';
import { fail } from '../../tensor/shape.js';
import { RNNCell, type CellOptions, CELL_OPTIONS } from './rnn-cell.js';
import {
  type Activation, type ActivationFn, type InitializerLike, TF1GlorotUniform,
  checkClip, checkFiniteNumber, checkPositiveInt, resolveActivation, cfgGet, baseFromConfig,
} from './support.js';
import { Initializer } from '../../keras/initializers/initializer.js';
import { get as getInitializer, serialize as serializeInitializer } from '../../keras/initializers/index.js';
import { LSTMStateTuple, type RnnState } from '../state.js';
import { optionKeys, checkBoolean } from '../../util/options.js';

export interface LSTMCellArgs extends CellOptions {
  numUnits: number;
  usePeepholes?: boolean;
  cellClip?: number | null;
  /** Initializer of the kernel, the peephole weights and the projection (default TF1 glorot_uniform). */
  initializer?: InitializerLike | null;
  numProj?: number | null;
  projClip?: number | null;
  /** Deprecated in TF1 (a partitioner hint); accepted and ignored — sharding does not change the maths. */
  numUnitShards?: number | null;
  /** Deprecated in TF1; accepted and ignored. */
  numProjShards?: number | null;
  forgetBias?: number;
  stateIsTuple?: boolean;
  activation?: Activation | null;
}

export class LSTMCell extends RNNCell {
  static readonly optionKeys = optionKeys<LSTMCellArgs>({
    ...CELL_OPTIONS, numUnits: true, usePeepholes: true, cellClip: true, initializer: true, numProj: true, projClip: true,
    numUnitShards: true, numProjShards: true, forgetBias: true, stateIsTuple: true, activation: true,
  });
  protected readonly className = 'LSTMCell';
  readonly numUnits: number;
  readonly usePeepholes: boolean;
  readonly cellClip: number | null;
  readonly numProj: number | null;
  readonly projClip: number | null;
  readonly forgetBias: number;
  readonly stateIsTuple: boolean;
  readonly activationName: string;
  private readonly act: ActivationFn;
  private readonly initializer: InitializerLike | null;
  private readonly numUnitShards: number | null;
  private readonly numProjShards: number | null;
  kernel: Tensor | null = null;
  bias: Tensor | null = null;
  wFDiag: Tensor | null = null;
  wIDiag: Tensor | null = null;
  wODiag: Tensor | null = null;
  projKernel: Tensor | null = null;

  constructor(args: LSTMCellArgs) {
    super('lstm_cell', args);
    if (args === null || typeof args !== 'object') throw new TypeError('LSTMCell: expected an options object { numUnits, ... }');
    this.numUnits = checkPositiveInt('LSTMCell', 'numUnits', args.numUnits);
    this.usePeepholes = checkBoolean('LSTMCell', 'usePeepholes', args.usePeepholes) ?? false;
    this.cellClip = checkClip('LSTMCell', 'cellClip', args.cellClip);
    this.numProj = args.numProj === undefined || args.numProj === null ? null : checkPositiveInt('LSTMCell', 'numProj', args.numProj);
    this.projClip = checkClip('LSTMCell', 'projClip', args.projClip);
    this.forgetBias = checkFiniteNumber('LSTMCell', 'forgetBias', args.forgetBias ?? 1.0);
    this.stateIsTuple = args.stateIsTuple ?? true;
    const init = args.initializer ?? null;
    if (init !== null && typeof (init as InitializerLike).call !== 'function') {
      fail('LSTMCell', 'initializer must be an initializer object with call(shape, dtype) (e.g. lt.keras.initializers.*)');
    }
    this.initializer = init;
    this.numUnitShards = args.numUnitShards ?? null;
    this.numProjShards = args.numProjShards ?? null;
    const a = resolveActivation('LSTMCell', args.activation);
    this.act = a.fn;
    this.activationName = a.name;
  }

  /** Width of the output and of the h part of the state. */
  get hDepth(): number {
    return this.numProj ?? this.numUnits;
  }

  get stateSize(): LSTMStateTuple<number> | number {
    return this.stateIsTuple ? new LSTMStateTuple(this.numUnits, this.hDepth) : this.numUnits + this.hDepth;
  }

  get outputSize(): number {
    return this.hDepth;
  }

  override getConfig(): Record<string, unknown> {
    const init = this.initializer;
    return {
      ...super.getConfig(), num_units: this.numUnits, use_peepholes: this.usePeepholes, cell_clip: this.cellClip,
      // Keras-serialisable initializers only; a plain { call } object has no config.
      initializer: init instanceof Initializer ? serializeInitializer(init) : null,
      num_proj: this.numProj, proj_clip: this.projClip, num_unit_shards: this.numUnitShards, num_proj_shards: this.numProjShards,
      forget_bias: this.forgetBias, state_is_tuple: this.stateIsTuple, activation: this.activationName, reuse: null,
    };
  }

  static fromConfig(cfg: Record<string, unknown>): LSTMCell {
    const c = 'LSTMCell';
    const init = cfg.initializer;
    return new LSTMCell({
      ...baseFromConfig(c, cfg), numUnits: cfgGet<number>(c, cfg, 'num_units', 'number')!,
      usePeepholes: cfgGet(c, cfg, 'use_peepholes', 'boolean'), cellClip: cfgGet(c, cfg, 'cell_clip', 'number'),
      initializer: init === null || init === undefined ? null : getInitializer(init as Parameters<typeof getInitializer>[0]),
      numProj: cfgGet(c, cfg, 'num_proj', 'number'), projClip: cfgGet(c, cfg, 'proj_clip', 'number'),
      numUnitShards: cfgGet(c, cfg, 'num_unit_shards', 'number'), numProjShards: cfgGet(c, cfg, 'num_proj_shards', 'number'),
      forgetBias: cfgGet(c, cfg, 'forget_bias', 'number'), stateIsTuple: cfgGet(c, cfg, 'state_is_tuple', 'boolean'),
      activation: cfgGet<string>(c, cfg, 'activation', 'string') as Activation | undefined,
    });
  }

  protected buildVariables(inputDepth: number, dtype: DType): void {
    const u = this.numUnits;
    const init = (): InitializerLike => this.initializer ?? new TF1GlorotUniform(this.rng.fork());
    this.kernel = this.addVariable('kernel', [inputDepth + this.hDepth, 4 * u], init(), dtype);
    this.bias = this.addVariable('bias', [4 * u], { call: (s) => zeros(s, dtype) }, dtype);
    if (this.usePeepholes) {
      this.wFDiag = this.addVariable('w_f_diag', [u], init(), dtype);
      this.wIDiag = this.addVariable('w_i_diag', [u], init(), dtype);
      this.wODiag = this.addVariable('w_o_diag', [u], init(), dtype);
    }
    if (this.numProj !== null) this.projKernel = this.addVariable('projection/kernel', [u, this.numProj], init(), dtype);
  }

  protected step(inputs: Tensor, state: RnnState): [Tensor, RnnState] {
    let cPrev: Tensor;
    let mPrev: Tensor;
    if (this.stateIsTuple) ({ c: cPrev, h: mPrev } = state as LSTMStateTuple);
    else [cPrev, mPrev] = split(state as Tensor, [this.numUnits, this.hDepth], 1);
    const lstmMatrix = add(matmul(concat([inputs, mPrev], 1), this.kernel!), this.bias!);
    const [i, j, f, o] = split(lstmMatrix, 4, 1);
    let c: Tensor;
    if (this.usePeepholes) {
      c = add(
        mul(sigmoid(add(addScalar(f, this.forgetBias), mul(this.wFDiag!, cPrev))), cPrev),
        mul(sigmoid(add(i, mul(this.wIDiag!, cPrev))), this.act(j)),
      );
    } else {
      c = add(mul(sigmoid(addScalar(f, this.forgetBias)), cPrev), mul(sigmoid(i), this.act(j)));
    }
    if (this.cellClip !== null) c = clip(c, -this.cellClip, this.cellClip);
    let m = this.usePeepholes ? mul(sigmoid(add(o, mul(this.wODiag!, c))), this.act(c)) : mul(sigmoid(o), this.act(c));
    if (this.projKernel !== null) {
      m = matmul(m, this.projKernel);
      if (this.projClip !== null) m = clip(m, -this.projClip, this.projClip);
    }
    return [m, this.stateIsTuple ? new LSTMStateTuple(c, m) : concat([c, m], 1)];
  }
}
