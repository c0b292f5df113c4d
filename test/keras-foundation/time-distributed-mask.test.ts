// TimeDistributed mask handling as Keras 3 (keras/src/layers/rnn/time_distributed.py): the input mask passes
// through unchanged (default compute_mask), each time slice's mask reaches the inner layer's call, and the
// mask shape is checked. Against real TF 2.21 / Keras 3.15 (test/fixtures/generate_activations_extra.py →
// activations_extra.json `time_distributed`): Embedding(mask_zero) → TimeDistributed(Dense) → LSTM, and
// TimeDistributed(LSTM) on a 4-D input with a 3-D mask (a hole and a fully masked slice row); values and
// gradients in float32.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { expectClose, weightedSum } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'activations_extra.json'), 'utf8'));
const L = lt.keras.layers;
// float32 through an LSTM: TF's Eigen float32 tanh/sigmoid differ from Math.* by a few ulps per step
// (docs/parity.md), so values and gradients are compared to 1e-5 absolute + relative, as the LSTM suites do.
const TOL = 1e-5;
const cases = fx.time_distributed.cases;

describe('keras-foundation: TimeDistributed masks (Keras 3)', () => {
  for (const name of ['emb_td_dense_lstm_seq', 'emb_td_dense_lstm_last']) {
    it(`${name}: Embedding(mask_zero) → TimeDistributed(Dense) → LSTM equals Keras (mask passes through; atol ${TOL})`, () => {
      const c = cases.find((k: { name: string }) => k.name === name);
      const emb = new L.Embedding({ inputDim: 7, outputDim: 3, maskZero: true });
      const td = new L.TimeDistributed({ layer: new L.Dense({ units: 4, activation: 'tanh' }) });
      const lstm = new L.LSTM({ units: 5, returnSequences: c.return_sequences });
      const run = (): [lt.Tensor, lt.Tensor] => {
        const t = td.apply(emb.apply(c.ids)) as lt.Tensor;
        return [t, lstm.apply(t) as lt.Tensor];
      };
      run();
      const ws = c.weights.map((w: number[]) => lt.tensor(w));
      emb.setWeights(ws.slice(0, 1));
      td.setWeights(ws.slice(1, 3));
      lstm.setWeights(ws.slice(3));
      const [t, y] = run();
      expect(lt.keras.getKerasMask(t)!.toArray()).to.deep.equal(c.td_mask);
      expectClose(t, c.td_out, 1e-6, 1e-6, 'TimeDistributed output');
      expectClose(y, c.y, TOL, TOL, 'LSTM output');
      // the mask matters: without it the LSTM output differs
      const unmasked = lstm.apply(t, { mask: lt.ones([3, 5]) }) as lt.Tensor;
      expect(Math.max(...Array.from(unmasked.data, (v, i) => Math.abs(v - y.data[i])))).to.be.above(1e-3);
      weightedSum(y, c.w).backward();
      const tw = [...emb.trainableWeights, ...td.trainableWeights, ...lstm.trainableWeights];
      expect(tw.length).to.equal(c.grads.length);
      tw.forEach((w, i) => expectClose(w.grad!, c.grads[i], TOL, TOL, `d ${w.name}`));
    });
  }

  it(`td_lstm_3d_mask: TimeDistributed(LSTM) on [B, T, T2, F] with a [B, T, T2] mask equals Keras (slice masks reach the LSTM; output mask = input mask; atol ${TOL})`, () => {
    const c = cases.find((k: { name: string }) => k.name === 'td_lstm_3d_mask');
    const td = new L.TimeDistributed({ layer: new L.LSTM({ units: 3 }) });
    const x = lt.tensor(c.x, { requiresGrad: true });
    const mask = lt.tensor(c.mask);
    td.apply(x, { mask });
    td.setWeights(c.weights.map((w: number[]) => lt.tensor(w)));
    const y = td.apply(x, { mask }) as lt.Tensor;
    expect(y.shape).to.deep.equal([2, 3, 3]);
    expectClose(y, c.y, TOL, TOL, 'y');
    // the fully masked slice row (b = 1, t = 1) gives zeros, as the inner LSTM does
    expect(Array.from(y.data.slice(12, 15))).to.deep.equal([0, 0, 0]);
    expect(lt.keras.getKerasMask(y)!.toArray()).to.deep.equal(c.out_mask);
    expect(td.computeMask(x, mask)!.toArray()).to.deep.equal(c.mask);
    weightedSum(y, c.w).backward();
    expectClose(x.grad!, c.grad_x, TOL, TOL, 'dx');
    td.trainableWeights.forEach((w, i) => expectClose(w.grad!, c.grad_weights[i], TOL, TOL, `d ${w.name}`));
    lt.noGrad(() => expectClose(td.apply(x) as lt.Tensor, c.y_without_mask, TOL, TOL, 'y without mask'));
  });

  it('rejects a mask of rank < 2 or one whose first two dims are not [batch, timesteps] (Keras 3 raises too)', () => {
    expect(fx.time_distributed.mask_errors.rank1).to.match(/must be at least 2D/);
    expect(fx.time_distributed.mask_errors.wrong_t).to.match(/incompatible with the input shape/);
    const td = new L.TimeDistributed({ layer: new L.Dense({ units: 2 }), name: 'tdm' });
    const x = lt.zeros([2, 3, 4]);
    expect(() => td.apply(x, { mask: lt.ones([2]) })).to.throw(/^tdm: TimeDistributed needs a mask of rank >= 2 shaped \[batch, timesteps, \.\.\.\], got shape \[2\]$/);
    expect(() => td.apply(x, { mask: lt.ones([2, 2]) })).to.throw(/tdm: TimeDistributed mask shape \[2, 2\] does not start with the input's \[batch, timesteps\] = \[2, 3\]/);
    expect(() => td.apply(x, { mask: lt.ones([3, 3]) })).to.throw(/does not start with/);
  });

  it('hand cases: TimeDistributed(Dense) ignores the mask in its values, passes it on, and attaches none without one', () => {
    const td = new L.TimeDistributed({ layer: new L.Dense({ units: 2, kernelInitializer: 'ones' }) });
    const x = lt.tensor([[[1, 2], [3, 4], [5, 6]]]);
    const m = lt.tensor([[1, 0, 1]]);
    const y = td.apply(x, { mask: m }) as lt.Tensor;
    expect(y.toArray()).to.deep.equal([[[3, 3], [7, 7], [11, 11]]]);
    expect(lt.keras.getKerasMask(y)).to.equal(m);
    expect(lt.keras.getKerasMask(td.apply(x) as lt.Tensor)).to.equal(null);
    // a mask attached to the input (as Embedding's) is picked up without being passed
    lt.keras.setKerasMask(x, m);
    expect(lt.keras.getKerasMask(td.apply(x) as lt.Tensor)).to.equal(m);
  });

  it('the inner layer sees the slice masks: TimeDistributed(LSTM) equals the LSTM run on each slice with its mask', () => {
    const inner = new L.LSTM({ units: 2, returnSequences: true, dtype: 'float64' });
    const td = new L.TimeDistributed({ layer: inner });
    const x = lt.randomUniform([2, 3, 4, 2], -1, 1, { seed: 9, dtype: 'float64' });
    const mask = lt.tensor([[[1, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0]], [[1, 1, 1, 0], [1, 0, 1, 0], [1, 1, 1, 1]]], { dtype: 'float64' });
    const y = td.apply(x, { mask }) as lt.Tensor;
    expect(y.shape).to.deep.equal([2, 3, 4, 2]);
    for (let t = 0; t < 3; t++) {
      const xs = lt.ops.slice(x, [0, t, 0, 0], [2, 1, 4, 2]);
      const ms = lt.ops.slice(mask, [0, t, 0], [2, 1, 4]);
      const ys = inner.apply(lt.ops.reshape(xs, [2, 4, 2]), { mask: lt.ops.reshape(ms, [2, 4]) }) as lt.Tensor;
      const got = lt.ops.reshape(lt.ops.slice(y, [0, t, 0, 0], [2, 1, 4, 2]), [2, 4, 2]);
      // (a slice whose mask is right-padded may take the fused kernel, which rounds ~1 ulp differently)
      expectClose(got, ys, 1e-14, 0, `slice ${t}`);
    }
  });
});
