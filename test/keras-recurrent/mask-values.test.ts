// Mask values other than 0/1 vs REAL TensorFlow 2.21 / Keras 3.15 (test/fixtures/generate_mask_values.py):
// Keras casts a mask to bool (tf.cast: any non-zero number, NaN included, is True; 0 and -0 are False), so a
// float mask [1, NaN, 0.5, 0, 2, -1] means [T, T, T, F, T, T]. Checked on the fused LSTM path, the generic
// loop with go_backwards and the unrolled loop: outputs and d(Σ w·y)/dx, for the float mask and for TF's bool
// mask. Tolerance 1e-6 abs + 1e-5 rel (float32, another summation order).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import * as lt from '../../src/index.js';
import { maskToSeqLengths } from '../../src/kernels/select.js';

interface Case { name: string; config: Record<string, unknown>; x: lt.NestedArray; weights: lt.NestedArray[];
  float: { y: lt.NestedArray; dx: lt.NestedArray }; bool: { y: lt.NestedArray; dx: lt.NestedArray } }
const fx = JSON.parse(readFileSync(new URL('../fixtures/mask_values.json', import.meta.url), 'utf8')) as {
  mask: (number | null)[][]; tf_cast_bool: boolean[][]; cases: Case[] };

const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);
function close(got: ArrayLike<number>, want: number[], what: string): void {
  expect(got.length, what).to.equal(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= 1e-6 + 1e-5 * Math.abs(want[i]))) expect.fail(`${what}[${i}]: ${got[i]} vs TF ${want[i]}`);
  }
}

const floatMask = fx.mask.map((r) => r.map((v) => (v === null ? NaN : v)));

describe('keras-recurrent: mask values other than 0/1 (NaN, 0.5, -1, 2, -0) as TF 2.21 casts them', () => {
  it('the fixture mask really holds NaN, 0.5, 2, -1 and -0, and TF casts it to what lt.tfBool says', () => {
    const f = floatMask.flat();
    expect(f.some(Number.isNaN)).to.equal(true);
    expect(f.some((v) => Object.is(v, -0))).to.equal(true);
    expect(floatMask.map((r) => r.map((v) => v !== 0))).to.deep.equal(fx.tf_cast_bool);
    // the fused-path summary agrees: row 0 has a hole at t=3, row 1 at t=1
    const s = maskToSeqLengths(lt.tensor(floatMask));
    expect(s.rightPadded).to.equal(false);
    expect([...s.lengths]).to.deep.equal([5, 3]);
  });
  for (const c of fx.cases) {
    for (const kind of ['float', 'bool'] as const) {
      it(`${c.name} with the ${kind} mask: outputs and dL/dx equal TF's`, () => {
        lt.keras.clearSession();
        const layer = lt.keras.deserializeLayer({ class_name: c.name.startsWith('lstm') ? 'LSTM' : 'SimpleRNN', config: c.config });
        const x = lt.tensor(c.x, { requiresGrad: true });
        layer.build([...x.shape]);
        layer.setWeights(c.weights.map((w) => lt.tensor(w)));
        const mask = kind === 'float' ? lt.tensor(floatMask) : lt.tensor(fx.tf_cast_bool.map((r) => r.map(Number)));
        const y = layer.apply(x, { mask }) as lt.Tensor;
        close(y.data, flat(c[kind].y), 'y');
        const n = y.size;
        y.backward(lt.tensor(Array.from({ length: n }, (_, i) => (n === 1 ? -1 : -1 + (2 * i) / (n - 1))), { shape: [...y.shape] }));
        close(x.grad!.data, flat(c[kind].dx), 'dx');
      });
    }
  }
});
