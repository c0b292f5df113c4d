// Embedding ids in every accepted form (Tensor, nested arrays, integer TypedArrays, ndarray and {data, shape}
// objects), read exactly; invalid ids (fractional, negative, ≥ input_dim, NaN, ±∞) rejected with a message
// naming the argument, the range, the value and its index. What Keras 3 on TF does with the same ids is in
// test/fixtures/activations_extra.json (`embedding_ids`, from generate_activations_extra.py): it truncates
// fractions, wraps [−input_dim, 0) and raises for the rest — the deviations are listed in docs/parity.md.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import ndarray from 'ndarray';
import * as lt from '../../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(join(here, '..', 'fixtures', 'activations_extra.json'), 'utf8'));
const L = lt.keras.layers;

/** Embedding(4, 2) with the identity table: row i = e_i for i < 2, zeros for 2 and 3 (as the TF fixture). */
function identityEmbedding(name = 'emb'): InstanceType<typeof L.Embedding> {
  return new L.Embedding({ inputDim: 4, outputDim: 2, name, embeddingsInitializer: 'identity' });
}

describe('keras-foundation: Embedding ids', () => {
  const table = [[1, 0], [0, 1], [0, 0], [0, 0]];
  const lookup = (ids: number[]): number[][] => ids.map((i) => table[i]);

  it('the fixture table is the identity one used here', () => {
    const e = identityEmbedding();
    e.apply([[0]]);
    expect(e.embeddings!.toArray()).to.deep.equal(fx.embedding_ids.table);
  });

  it('accepts an Int32Array / Uint8Array / Uint16Array (1-D ids) and gives the same as nested arrays and Tensors', () => {
    const e = identityEmbedding();
    const want = lookup([1, 0, 3, 1]);
    expect((e.apply([1, 0, 3, 1]) as lt.Tensor).toArray()).to.deep.equal(want);
    expect((e.apply(lt.tensor([1, 0, 3, 1])) as lt.Tensor).toArray()).to.deep.equal(want);
    for (const ids of [Int32Array.of(1, 0, 3, 1), Uint8Array.of(1, 0, 3, 1), Uint16Array.of(1, 0, 3, 1), Float64Array.of(1, 0, 3, 1)]) {
      const y = e.apply(ids) as lt.Tensor;
      expect(y.shape, ids.constructor.name).to.deep.equal([4, 2]);
      expect(y.toArray(), ids.constructor.name).to.deep.equal(want);
    }
  });

  it('accepts {data: Int32Array, shape} and ndarray objects (strides honoured), keeping the id shape', () => {
    const e = identityEmbedding();
    const y = e.apply({ data: Int32Array.of(1, 0, 3, 1, 1, 2), shape: [2, 3] }) as lt.Tensor;
    expect(y.shape).to.deep.equal([2, 3, 2]);
    expect(y.toArray()).to.deep.equal([lookup([1, 0, 3]), lookup([1, 1, 2])]);
    // a transposed ndarray view: [[1, 1], [0, 1], [3, 2]]
    const nd = ndarray(Int32Array.of(1, 0, 3, 1, 1, 2), [2, 3]).transpose(1, 0);
    const yt = e.apply(nd as never) as lt.Tensor;
    expect(yt.shape).to.deep.equal([3, 2, 2]);
    expect(yt.toArray()).to.deep.equal([lookup([1, 1]), lookup([0, 1]), lookup([3, 2])]);
  });

  it('mask_zero masks work from typed ids too; ids ≥ 2²⁴ are read exactly (float64, never float32)', () => {
    const e = new L.Embedding({ inputDim: 5, outputDim: 3, maskZero: true });
    const y = e.apply({ data: Uint32Array.of(0, 4, 2, 0), shape: [2, 2] }) as lt.Tensor;
    expect(lt.keras.getKerasMask(y)!.toArray()).to.deep.equal([[0, 1], [1, 0]]);
    const big = 2 ** 24 + 1;
    const e2 = new L.Embedding({ inputDim: 3, outputDim: 1, name: 'big' });
    expect(() => e2.apply(Int32Array.of(big))).to.throw(new RegExp(`got ${big} \\(out of range\\)`));
  });

  it('errors name the argument, the range [0, input_dim), the bad value and its index', () => {
    const e = identityEmbedding('emb_err');
    const cases: [unknown, RegExp][] = [
      [[[0, 1], [2, 4]], /^emb_err: Embedding argument 'inputs' must hold integer ids in \[0, 4\) \(input_dim = 4\); got 4 \(out of range\) at index \[1, 1\] of input shape \[2, 2\]$/],
      [[[0, -1]], /got -1 \(out of range\) at index \[0, 1\]/],
      [[[0.5]], /got 0\.5 \(not an integer\) at index \[0, 0\]/],
      [Float32Array.of(1, NaN), /got NaN \(not an integer\) at index \[1\]/],
      [[Infinity], /got Infinity \(not an integer\)/],
      [Int32Array.of(2, 7), /got 7 \(out of range\) at index \[1\] of input shape \[2\]/],
      [{ data: [1, 2], shape: [2] }, /Embedding argument 'inputs' must be a Tensor, nested arrays, a typed array or \{data: TypedArray, shape\}/],
    ];
    for (const [ids, re] of cases) expect(() => e.apply(ids as never), String(ids)).to.throw(lt.LstmTsError, re);
  });

  it('documented deviations from Keras 3 on TF (CPU): it truncates 1.9 → 1 and wraps −1 → 3, −4 → 0; we refuse both', () => {
    const k = fx.embedding_ids;
    expect(k.fraction_1_9.y).to.deep.equal([[table[1], table[0]]]); // [[1.9, -0.5]] → ids [1, 0]
    expect(k.negative_1.y).to.deep.equal([[table[3]]]);
    expect(k.negative_4.y).to.deep.equal([[table[0]]]);
    // and raises like us for the rest (tf.gather: "indices[0,0] = 4 is not in [0, 4)")
    expect(k.too_big_4.message).to.match(/indices\[0,0\] = 4 is not in \[0, 4\)/);
    expect(k.negative_5.message).to.match(/indices\[0,0\] = -1 is not in \[0, 4\)/);
    expect(k.nan.error).to.equal('InvalidArgumentError');
    const e = identityEmbedding('emb_dev');
    for (const ids of [[[1.9, -0.5]], [[-1]], [[-4]], [[4]], [[-5]], [[NaN]]]) expect(() => e.apply(ids)).to.throw(/must hold integer ids in \[0, 4\)/);
  });
});
