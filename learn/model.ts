// The computations behind the explorable (learn/app.ts draws them; test/browser/learn.test.ts runs the same
// functions in Node to check the page's numbers). No DOM here: every function takes the library as `lt`, so the
// page passes the bundled one and Node the source.
import type * as LT from '../src/index.js';

export type CellKind = 'LSTM' | 'GRU' | 'SimpleRNN';

/** The gate / state names each cell shows, in the order the page lists them. */
export const CELL_PARTS: Record<CellKind, { key: string; label: string; range: [number, number] }[]> = {
  LSTM: [
    { key: 'i', label: 'input gate i', range: [0, 1] },
    { key: 'f', label: 'forget gate f', range: [0, 1] },
    { key: 'cTilde', label: 'candidate c̃', range: [-1, 1] },
    { key: 'o', label: 'output gate o', range: [0, 1] },
    { key: 'c', label: 'cell state c', range: [-2, 2] },
    { key: 'h', label: 'hidden state h', range: [-1, 1] },
  ],
  GRU: [
    { key: 'z', label: 'update gate z', range: [0, 1] },
    { key: 'r', label: 'reset gate r', range: [0, 1] },
    { key: 'hTilde', label: 'candidate h̃', range: [-1, 1] },
    { key: 'h', label: 'hidden state h', range: [-1, 1] },
  ],
  SimpleRNN: [{ key: 'h', label: 'hidden state h', range: [-1, 1] }],
};

export interface CellConfig {
  cell: CellKind;
  /** One number per time step (the input has one feature). */
  sequence: number[];
  units: number;
  seed: number;
  /** LSTM only: Keras's unit_forget_bias (default true: the forget gate's bias starts at 1). */
  unitForgetBias: boolean;
  /** Steps whose input is exactly 0 are masked (a Masking(0) layer in front, as Keras would). */
  maskZeros: boolean;
  goBackwards: boolean;
}

export const DEFAULT_CONFIG: CellConfig = {
  cell: 'LSTM', sequence: [0.9, -0.4, 0.3, 0, 0.8, -1], units: 3, seed: 7, unitForgetBias: true, maskZeros: false, goBackwards: false,
};

export interface CellRun {
  config: CellConfig;
  /** Time index of each processed step (reversed under go_backwards), and whether it was masked. */
  order: number[];
  masked: boolean[];
  /** Per processed step: every part of CELL_PARTS[cell], each a vector of `units` numbers (lt.reference). */
  steps: Record<string, number[]>[];
  /** The layer's own outputs per processed step (its fused kernel), and the largest |layer − reference|. */
  layerOutputs: number[][];
  maxDiff: number;
  weights: Record<string, number[]>;
}

function cellLayer(lt: typeof LT, c: CellConfig, extra: Record<string, unknown>) {
  const common = {
    units: c.units, goBackwards: c.goBackwards, ...extra,
    kernelInitializer: lt.keras.initializers.glorotUniform({ seed: c.seed }),
    recurrentInitializer: lt.keras.initializers.orthogonal({ seed: c.seed + 1 }),
  };
  if (c.cell === 'LSTM') return new lt.keras.layers.LSTM({ ...common, unitForgetBias: c.unitForgetBias });
  if (c.cell === 'GRU') return new lt.keras.layers.GRU(common);
  return new lt.keras.layers.SimpleRNN(common);
}

/** Runs one cell over the sequence: the layer (as a user would) and the plain reference step by step. */
export function runCell(lt: typeof LT, c: CellConfig): CellRun {
  const T = c.sequence.length;
  const x = lt.tensor(Float32Array.from(c.sequence), { shape: [1, T, 1] });
  const layer = cellLayer(lt, c, { returnSequences: true });
  const input = c.maskZeros ? new lt.keras.layers.Masking({ maskValue: 0 }).apply(x) : x;
  const y = lt.noGrad(() => layer.apply(input) as LT.Tensor);
  const [kernel, recurrentKernel, bias] = layer.weights;
  const maskT = c.maskZeros ? lt.tensor(Float32Array.from(c.sequence, (v) => (v !== 0 ? 1 : 0)), { shape: [1, T] }) : undefined;
  const w = { kernel, recurrentKernel, bias };
  const opts = { mask: maskT, goBackwards: c.goBackwards };
  const ref = lt.noGrad(() => (c.cell === 'LSTM' ? lt.reference.lstmReference(x, w, opts)
    : c.cell === 'GRU' ? lt.reference.gruReference(x, w, opts) : lt.reference.simpleRnnReference(x, w, opts)));
  const order = Array.from({ length: T }, (_, s) => (c.goBackwards ? T - 1 - s : s));
  const masked = order.map((t) => c.maskZeros && c.sequence[t] === 0);
  const steps = ref.steps.map((v, s) => {
    const out: Record<string, number[]> = {};
    for (const p of CELL_PARTS[c.cell]) out[p.key] = Array.from((v as unknown as Record<string, LT.Tensor>)[p.key].data);
    // A masked step computes the cell (shown greyed) but keeps the states: show what the layer carries on.
    if (masked[s]) out.h = Array.from(ref.outputs[s].data);
    return out;
  });
  const layerOutputs = order.map((_, s) => Array.from(y.data.subarray(s * c.units, (s + 1) * c.units)));
  let maxDiff = 0;
  ref.outputs.forEach((o, s) => o.data.forEach((v, k) => { maxDiff = Math.max(maxDiff, Math.abs(v - layerOutputs[s][k])); }));
  return {
    config: c, order, masked, steps, layerOutputs, maxDiff,
    weights: { kernel: Array.from(kernel.data), recurrentKernel: Array.from(recurrentKernel.data), bias: Array.from(bias.data) },
  };
}

function addingModel(lt: typeof LT, cell: 'LSTM' | 'SimpleRNN', units: number, T: number, seed: number): LT.keras.Sequential {
  const init = { kernelInitializer: lt.keras.initializers.glorotUniform({ seed }), recurrentInitializer: lt.keras.initializers.orthogonal({ seed: seed + 1 }) };
  const rnn = cell === 'LSTM' ? new lt.keras.layers.LSTM({ units, inputShape: [T, 2], ...init }) : new lt.keras.layers.SimpleRNN({ units, inputShape: [T, 2], ...init });
  return new lt.keras.Sequential([rnn, new lt.keras.layers.Dense({ units: 1, kernelInitializer: lt.keras.initializers.glorotUniform({ seed: seed + 2 }) })]);
}

/**
 * Backpropagation through time made visible: ‖∂L/∂x_t‖ (over the batch and both channels) for every step t of
 * one adding-problem batch. L is the MSE of the prediction made after the last step, so the gradient reaching
 * step t has gone back through T − 1 − t recurrent steps.
 */
export function gradientNorms(lt: typeof LT, model: LT.keras.Sequential, data: { x: LT.Tensor; y: LT.Tensor }): number[] {
  const [B, T, F] = data.x.shape;
  const x = lt.tensor(data.x.data, { shape: data.x.shape, requiresGrad: true });
  const pred = model.apply(x) as LT.Tensor;
  const err = lt.ops.sub(pred, data.y);
  lt.ops.mean(lt.ops.mul(err, err)).backward();
  const g = x.grad!.data;
  const norms = new Array<number>(T).fill(0);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let k = 0; k < F; k++) norms[t] += g[(b * T + t) * F + k] ** 2;
  return norms.map(Math.sqrt);
}

/** A training run on the adding problem, epoch by epoch (fresh batches each epoch, as `npm start` draws them). */
export interface TrainingRun {
  /** Mean training loss (MSE) of each epoch, per model. */
  losses: Record<'LSTM' | 'SimpleRNN', number[]>;
  /** Runs one more epoch of both models and returns its losses. */
  epoch(): { LSTM: number; SimpleRNN: number };
  /** gradientNorms of both models (as trained so far) on one fixed probe batch. */
  gradients(): Record<'LSTM' | 'SimpleRNN', number[]>;
}

export function trainingRun(lt: typeof LT, opts: { T: number; units: number; batch: number; batchesPerEpoch: number; seed: number; lr: number }): TrainingRun {
  const models = {
    LSTM: addingModel(lt, 'LSTM', opts.units, opts.T, opts.seed),
    SimpleRNN: addingModel(lt, 'SimpleRNN', opts.units, opts.T, opts.seed),
  };
  for (const m of Object.values(models)) m.compile({ optimizer: new lt.keras.optimizers.Adam({ learningRate: opts.lr, clipnorm: 1 }), loss: 'mse' });
  const rng = new lt.Random(opts.seed + 100);
  const probe = lt.datasets.addingBatch(new lt.Random(opts.seed + 200), opts.batch, opts.T);
  const losses = { LSTM: [] as number[], SimpleRNN: [] as number[] };
  return {
    losses,
    gradients: () => ({ LSTM: gradientNorms(lt, models.LSTM, probe), SimpleRNN: gradientNorms(lt, models.SimpleRNN, probe) }),
    epoch() {
      const d = lt.datasets.addingBatch(rng, opts.batch * opts.batchesPerEpoch, opts.T);  // both models see the same batches
      const r = { LSTM: 0, SimpleRNN: 0 };
      for (const cell of ['LSTM', 'SimpleRNN'] as const) {
        const h = models[cell].fit(d.x, d.y, { epochs: 1, batchSize: opts.batch, shuffle: false, verbose: 0 });
        r[cell] = h.history.loss[0];
        losses[cell].push(r[cell]);
      }
      return r;
    },
  };
}
