// Huber, LogCosh, Poisson, MSLE, MAPE, KLDivergence, CosineSimilarity, Hinge, SquaredHinge, CategoricalHinge vs
// REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_losses_more.py):
//   1. each loss is rebuilt from Keras's get_config() and gives it back (Huber's delta is not in Keras's config:
//      a Huber(delta=0.5) round-trips to delta 1, as in Keras; that case is built directly);
//   2. per-sample values, the default reduction, 'sum' with sample weights, and the gradient of the weighted
//      'sum_over_batch_size' loss w.r.t. y_pred match TF (float32: 1e-5 absolute + 1e-5 relative; float64 1e-12);
//      the cases cross Huber's delta, KL inputs outside [ε, 1], MSLE predictions below ε, a MAPE label of 0, hinge
//      labels in {0, 1} and {−1, 1}, and a tie in categorical_hinge's max (TF splits the gradient);
//   3. the string ids Keras accepts ('huber', 'kld', 'msle', 'mape', …) resolve to these classes;
//   4. float64 finite differences for every one, away from their kinks.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';
import * as losses from '../../src/train/losses/index.js';

interface Case {
  name: string; class_name: string; config: Record<string, unknown>; dtype: 'float32' | 'float64'; y_true: lt.NestedArray; y_pred: lt.NestedArray;
  sample_weight: number[]; per_sample: lt.NestedArray; loss: number; sum_weighted: number; weighted: number; grad: lt.NestedArray;
}
interface SigmoidCase { x: number[][]; y_true: number[][]; kernel: number[][]; bias: number[]; y_pred: number[][]; loss: number; grad_kernel: number[][]; grad_bias: number[] }
const fx = JSON.parse(readFileSync(new URL('../fixtures/losses_more.json', import.meta.url), 'utf8')) as { cases: Case[]; focal_sigmoid_logits: SigmoidCase };
const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function close(got: ArrayLike<number>, want: number[], tol: number, what: string): void {
  expect(got.length, `${what}: length`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) if (!(Math.abs(got[i] - want[i]) <= tol + tol * Math.abs(want[i]))) expect.fail(`${what}[${i}]: ${got[i]} vs TF ${want[i]}`);
}

describe('train/losses: Huber … CategoricalHinge vs TF 2.21', () => {
  for (const c of fx.cases) {
    it(`${c.name} (${c.class_name}${c.dtype === 'float64' ? ', float64' : ''}): config, values, reductions, sample weights, gradient`, () => {
      const fromCfg = losses.get({ class_name: c.class_name, config: c.config });
      expect(fromCfg.getConfig()).to.deep.equal(c.config);
      const make = (reduction?: 'sum') => (c.name === 'huber_delta_half' ? new losses.Huber({ delta: 0.5, reduction })
        : losses.get({ class_name: c.class_name, config: { ...c.config, ...(reduction ? { reduction } : {}) } }));
      if (c.name === 'huber_delta_half') expect((fromCfg as InstanceType<typeof losses.Huber>).delta).to.equal(1); // Keras's quirk
      const tol = c.dtype === 'float64' ? 1e-12 : 1e-5;
      const t = lt.tensor(c.y_true, { dtype: c.dtype });
      const sw = lt.tensor(c.sample_weight, { dtype: c.dtype });
      const loss = make();
      close(loss.call(t, lt.tensor(c.y_pred, { dtype: c.dtype })).data, flat(c.per_sample), tol, 'per sample');
      close([loss.apply(t, lt.tensor(c.y_pred, { dtype: c.dtype })).item()], [c.loss], tol, 'loss');
      close([make('sum').apply(t, lt.tensor(c.y_pred, { dtype: c.dtype }), { sampleWeight: sw }).item()], [c.sum_weighted], tol, 'sum, weighted');
      const p = lt.tensor(c.y_pred, { dtype: c.dtype, requiresGrad: true });
      const lw = loss.apply(t, p, { sampleWeight: sw });
      close([lw.item()], [c.weighted], tol, 'weighted');
      lw.backward();
      close(p.grad!.data, flat(c.grad), tol, 'gradient');
    });
  }

  it("Keras's string ids", () => {
    const ids: [string, string][] = [['huber', 'Huber'], ['log_cosh', 'LogCosh'], ['logcosh', 'LogCosh'], ['poisson', 'Poisson'], ['msle', 'MeanSquaredLogarithmicError'],
      ['mape', 'MeanAbsolutePercentageError'], ['kld', 'KLDivergence'], ['kl_divergence', 'KLDivergence'], ['cosine_similarity', 'CosineSimilarity'],
      ['hinge', 'Hinge'], ['squared_hinge', 'SquaredHinge'], ['categorical_hinge', 'CategoricalHinge'],
      ['binary_focal_crossentropy', 'BinaryFocalCrossentropy'], ['categorical_focal_crossentropy', 'CategoricalFocalCrossentropy']];
    for (const [id, cls] of ids) expect(losses.get(id).constructor.name, id).to.equal(cls);
    expect(() => new losses.Huber({ delt: 2 } as never)).to.throw(/unknown option 'delt'; did you mean 'delta'\?/);
    expect(() => new losses.CosineSimilarity({ axis: 0 })).to.throw(/only axis=-1/);
  });

  it("binary focal on a sigmoid activation's output uses its logits (TF _get_logits): a saturated sigmoid, values and gradients as TF", () => {
    const c = fx.focal_sigmoid_logits;
    const k = lt.tensor(c.kernel, { requiresGrad: true });
    const b = lt.tensor(c.bias, { requiresGrad: true });
    const y = lt.keras.activations.sigmoid(lt.ops.add(lt.ops.matmul(lt.tensor(c.x), k), b));
    close(y.data, flat(c.y_pred), 1e-6, 'y_pred');
    const l = new losses.BinaryFocalCrossentropy({ applyClassBalancing: true }).apply(lt.tensor(c.y_true), y);
    close([l.item()], [c.loss], 1e-5, 'loss');
    l.backward();
    close(k.grad!.data, flat(c.grad_kernel), 1e-5, 'dL/dkernel');
    close(b.grad!.data, flat(c.grad_bias), 1e-5, 'dL/dbias');
  });

  it('float64 finite differences, away from the kinks', () => {
    const r = (s: number[], seed: number, lo = -1, hi = 1) => lt.randomUniform(s, lo, hi, { seed, dtype: 'float64' });
    const t = r([3, 4], 1);
    const pos = r([3, 4], 2, 0.1, 0.9);
    const checks: [string, (p: lt.Tensor) => lt.Tensor, lt.Tensor][] = [
      ['huber', (p) => losses.huber(t, p, 0.7), r([3, 4], 3)],
      ['logCosh', (p) => losses.logCosh(t, p), r([3, 4], 4)],
      ['poisson', (p) => losses.poisson(pos, p), r([3, 4], 5, 0.2, 2)],
      ['msle', (p) => losses.meanSquaredLogarithmicError(pos, p), r([3, 4], 6, 0.2, 2)],
      ['mape', (p) => losses.meanAbsolutePercentageError(t, p), r([3, 4], 7, 1.5, 2)],
      ['kld', (p) => losses.klDivergence(pos, p), r([3, 4], 8, 0.1, 0.9)],
      ['cosine', (p) => losses.cosineSimilarity(t, p), r([3, 4], 9)],
      ['hinge', (p) => losses.hinge(lt.tensor([[1, -1, 1, -1], [-1, -1, 1, 1], [1, 1, 1, -1]], { dtype: 'float64' }), p), r([3, 4], 10, -0.5, 0.5)],
      ['squaredHinge', (p) => losses.squaredHinge(lt.tensor([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]], { dtype: 'float64' }), p), r([3, 4], 11, -0.5, 0.5)],
      ['categoricalHinge', (p) => losses.categoricalHinge(lt.tensor([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]], { dtype: 'float64' }), p), r([3, 4], 12)],
      ['binaryFocal', (p) => losses.binaryFocalCrossentropy(lt.tensor([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]], { dtype: 'float64' }), p, { applyClassBalancing: true, gamma: 2.5, labelSmoothing: 0.1 }), r([3, 4], 13, 0.1, 0.9)],
      ['binaryFocal logits', (p) => losses.binaryFocalCrossentropy(lt.tensor([[1, 0, 1, 0], [0, 0, 1, 1], [1, 1, 1, 0]], { dtype: 'float64' }), p, { fromLogits: true, gamma: 1.5 }), r([3, 4], 14, -3, 3)],
      ['categoricalFocal', (p) => losses.categoricalFocalCrossentropy(lt.tensor([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]], { dtype: 'float64' }), p, { labelSmoothing: 0.1, gamma: 1.5 }), r([3, 4], 15, 0.1, 0.9)],
      ['categoricalFocal logits', (p) => losses.categoricalFocalCrossentropy(lt.tensor([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]], { dtype: 'float64' }), p, { fromLogits: true }), r([3, 4], 16, -2, 2)],
    ];
    for (const [name, f, p] of checks) lt.assertGradcheck(name, f, [p]);
  });
});
