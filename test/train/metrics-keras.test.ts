// Keras 3's metric classes and compile()'s metrics / weighted_metrics vs REAL TF 2.21 / Keras 3.15
// (test/fixtures/generate_metrics.py → metrics.json and metrics/*.keras):
//   1. standalone: 50 metrics built from Keras's get_config (fromConfig), our getConfig equal to Keras's, and
//      result() after each of three update_state calls with sample weights of the shapes Keras takes; y_pred
//      hits thresholds exactly (0, 0.5, 1, k/6), pinning the > comparisons and AUC's bucketed route;
//   2. names: the strings compile() accepts resolve to Keras's class and name;
//   3. fits: three models Keras saved (compile_config with Metric objects, metrics and weighted_metrics, one
//      with two outputs, one masked sequence model), loaded here, fit with the same sample weights and
//      validation data: every history key per epoch, and evaluate() after fit.
// Tolerances: metric variables are float32 in Keras and float64 here; standalone results within 2e-6
// relative (counts are exact). Fits train through an LSTM/GRU, so values there are within 2e-4 (the
// float32 training trajectory), except thresholded metrics, which we expect equal (2e-6) unless a prediction
// lies within float32 noise of a threshold.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as lt from '../../src/index.js';
import { tensor, type Tensor } from '../../src/index.js';
import * as metrics from '../../src/train/metrics/index.js';

interface Update { y_true: number[]; y_pred: number[]; sample_weight: number[] | null; result: number | number[] }
interface Case { name: string; class_name: string; config: Record<string, unknown>; updates: Update[] }
interface FitCase { name: string; history: Record<string, number[]>; evaluate: Record<string, number>; compile_config: Record<string, unknown> }
type D = number[] | number[][];
interface FitData { x: D; y: D | D[]; sample_weight: number[]; val_x: D; val_y: D | D[]; val_sample_weight: number[] }
const fx = JSON.parse(readFileSync(new URL('../fixtures/metrics.json', import.meta.url), 'utf8')) as {
  standalone: Case[]; names: { id: string; class_name: string; name: string }[]; fits: FitCase[]; fit_data: Record<string, FitData>;
};

function near(got: number, want: number, rel: number, what: string): void {
  expect(Math.abs(got - want), `${what}: got ${got}, want ${want}`).to.be.at.most(rel * Math.max(1, Math.abs(want)));
}

/** JSON numbers the way Keras configs hold them (float32 arrays such as label_weights compare at 1e-7). */
function sameConfig(got: unknown, want: unknown, path: string): void {
  if (typeof want === 'number' && typeof got === 'number') return near(got, want, 1e-7, path);
  if (Array.isArray(want)) {
    expect(got, path).to.be.an('array').with.length(want.length);
    want.forEach((w, i) => sameConfig((got as unknown[])[i], w, `${path}[${i}]`));
    return;
  }
  if (want !== null && typeof want === 'object') {
    expect(Object.keys(got as object).sort(), path).to.deep.equal(Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) sameConfig((got as Record<string, unknown>)[k], v, `${path}.${k}`);
    return;
  }
  expect(got, path).to.equal(want);
}

describe('train/metrics vs Keras 3.15 (metric classes, metrics and weighted_metrics)', () => {
  describe('standalone metrics: updateState / result after each call', () => {
    for (const c of fx.standalone) {
      it(`${c.name} (${c.class_name})`, () => {
        const m = metrics.fromConfig({ module: 'keras.metrics', class_name: c.class_name, config: c.config, registered_name: null });
        sameConfig(m.getConfig(), c.config, 'getConfig');
        c.updates.forEach((u, i) => {
          m.updateState(tensor(u.y_true), tensor(u.y_pred), u.sample_weight === null ? null : tensor(u.sample_weight));
          if (Array.isArray(u.result)) {
            const got = (m as unknown as { results(): number[] }).results();
            expect(got.length).to.equal(u.result.length);
            u.result.forEach((w, k) => near(got[k], w, 2e-6, `update ${i} threshold ${k}`));
            expect(() => m.result(), 'a list result is refused where one number is needed').to.throw(/thresholds, so its result is a list/);
          } else {
            near(m.result(), u.result, 2e-6, `update ${i}`);
          }
        });
        m.resetState();
        const r0 = Array.isArray(c.updates[0].result) ? (m as unknown as { results(): number[] }).results()[0] : m.result();
        expect(r0, 'after resetState').to.equal(0);
        // A clone has the configuration and none of the state.
        const k = m.clone();
        sameConfig(k.getConfig(), c.config, 'clone().getConfig');
      });
    }
  });

  it('metric strings resolve to the class and name Keras get_metric gives', () => {
    for (const n of fx.names) {
      const m = metrics.resolveMetric(n.id, [2, 1], [2, 1]);
      expect([m.className, m.name], n.id).to.deep.equal([n.class_name, n.name]);
    }
  });

  it('bad metric arguments name the argument', () => {
    expect(() => new metrics.AUC({ numThresholds: 1 })).to.throw(/AUC: numThresholds must be an integer > 1, got 1/);
    expect(() => new metrics.AUC({ curve: 'XY' as 'ROC' })).to.throw(/AUC: curve must be one of/);
    expect(() => new metrics.AUC({ numLabels: 3 })).to.throw(/numLabels` is needed only when `multiLabel` is true/);
    expect(() => new metrics.Precision({ thresholds: [0.5, 1.5] })).to.throw(/Precision: threshold values must be in \[0, 1\]/);
    expect(() => new metrics.Precision({ top_k: 2 } as never)).to.throw(/unknown option 'top_k'; did you mean 'topK'/);
    expect(() => new metrics.Precision({ classId: 3 }).updateState(tensor([[1, 0]]), tensor([[0.2, 0.7]]))).to.throw(/classId 3 is out of range for 2 classes/);
    expect(() => new metrics.TopKCategoricalAccuracy({ k: 0 })).to.throw(/TopKCategoricalAccuracy: k must be an integer ≥ 1/);
    expect(() => new metrics.MeanSquaredError().updateState(tensor([[1, 2]]), tensor([[1, 2]]), tensor([[1, 1, 1]])))
      .to.throw(/cannot broadcast shape \[1, 3\] to \[1\]/);
  });

  describe('fit / evaluate with metrics and weighted_metrics, from Keras-saved archives', () => {
    for (const run of fx.fits) {
      it(`${run.name}: every history key per epoch, and evaluate after fit, as Keras`, async () => {
        lt.keras.clearSession();
        const model = await lt.keras.loadKerasModel(fileURLToPath(new URL(`../fixtures/metrics/${run.name}.keras`, import.meta.url)));
        const d = fx.fit_data[run.name];
        const t = (v: D): Tensor => tensor(v);
        const ys = (v: D | D[]): Tensor | Tensor[] => (run.name === 'two_heads' ? (v as D[]).map((a) => tensor(a)) : tensor(v as D));
        const h = model.fit(t(d.x), ys(d.y), {
          sampleWeight: tensor(d.sample_weight), validationData: [t(d.val_x), ys(d.val_y), tensor(d.val_sample_weight)],
          batchSize: 5, epochs: 3, shuffle: false, verbose: 0,
        });
        expect(Object.keys(h.history).sort()).to.deep.equal(Object.keys(run.history).sort());
        for (const [k, want] of Object.entries(run.history)) {
          want.forEach((w, e) => near(h.history[k][e], w, 2e-4, `${k} epoch ${e}`));
        }
        const ev = model.evaluate(t(d.val_x), ys(d.val_y), { sampleWeight: tensor(d.val_sample_weight), batchSize: 4 });
        expect(Object.keys(ev).sort()).to.deep.equal(Object.keys(run.evaluate).sort());
        for (const [k, w] of Object.entries(run.evaluate)) near(ev[k], w, 2e-4, `evaluate ${k}`);
        // The compile_config round trip: metric objects serialize as Keras wrote them.
        const cc = (model.toJSON() as { compile_config?: Record<string, unknown> }).compile_config
          ?? (model as unknown as { compileConfig(): Record<string, unknown> }).compileConfig();
        sameConfig(cc.metrics, run.compile_config.metrics, 'compile_config.metrics');
        sameConfig(cc.weighted_metrics, run.compile_config.weighted_metrics, 'compile_config.weighted_metrics');
      });
    }
  });
});

describe("tfjs's camelCase names for losses, metrics and optimizers", () => {
  it('compile accepts them and resolves the same classes (tfjs-layers losses.ts / metrics.ts names)', () => {
    const L = lt.keras.losses;
    const cases: [string, string][] = [['meanSquaredError', 'MeanSquaredError'], ['meanAbsolutePercentageError', 'MeanAbsolutePercentageError'],
      ['binaryCrossentropy', 'BinaryCrossentropy'], ['sparseCategoricalCrossentropy', 'SparseCategoricalCrossentropy'],
      ['kullbackLeiblerDivergence', 'KLDivergence'], ['cosineProximity', 'CosineSimilarity'], ['logcosh', 'LogCosh'], ['squaredHinge', 'SquaredHinge']];
    for (const [n, c] of cases) expect(L.get(n).constructor.name, n).to.equal(c);
    const mcases: [string, string][] = [['meanSquaredError', 'MeanSquaredError'], ['binaryAccuracy', 'BinaryAccuracy'], ['categoricalAccuracy', 'CategoricalAccuracy'],
      ['topKCategoricalAccuracy', 'TopKCategoricalAccuracy'], ['cosineProximity', 'CosineSimilarity'], ['precision', 'Precision'], ['MAPE', 'MeanAbsolutePercentageError']];
    for (const [n, c] of mcases) expect(metrics.get(n).className, n).to.equal(c);
    for (const o of ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax']) expect(lt.keras.optimizers.get(o).constructor.name.toLowerCase(), o).to.equal(o === 'sgd' ? 'sgd' : o);
    lt.keras.clearSession();
    const m = new lt.keras.Sequential([new lt.keras.layers.Dense({ units: 1, inputShape: [2] })]);
    m.compile({ optimizer: 'adam', loss: 'meanSquaredError', metrics: ['meanAbsoluteError'] });
    const h = m.fit(tensor([[1, 2], [3, 4]]), tensor([[1], [2]]), { epochs: 1, verbose: 0 });
    expect(Object.keys(h.history).sort()).to.deep.equal(['loss', 'meanAbsoluteError']);
    expect(() => L.get('meanSquaredErr')).to.throw(/unknown loss 'meanSquaredErr'/);
  });
});

describe("compiled metric names follow Keras's CompileMetrics.result", () => {
  it('a repeated name gets _1, a weighted metric whose name is taken becomes weighted_<name> (then _1)', () => {
    lt.keras.clearSession();
    const m = new lt.keras.Sequential([new lt.keras.layers.Dense({ units: 1, inputShape: [2] })]);
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae', 'mae'], weightedMetrics: ['mae', 'mae', 'mse'] });
    const h = m.fit(tensor([[1, 2], [3, 4]]), tensor([[1], [2]]), { epochs: 1, verbose: 0 });
    // Keras 3.15 logs for this compile: mae, mae_1, weighted_mae, weighted_mae_1, mse (mse is not taken)
    expect(Object.keys(h.history).sort()).to.deep.equal(['loss', 'mae', 'mae_1', 'mse', 'weighted_mae', 'weighted_mae_1']);
  });
});
