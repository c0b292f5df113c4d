// float64 central finite differences (src/autograd/gradcheck.ts) of the cells and of whole layers through the
// generic loop (masking selects, go_backwards, stacked cells) — every backward the recurrent code relies on.

import { keras, tensor, Tensor, Random, assertGradcheck } from '../../src/index.js';

const { LSTMCell, SimpleRNNCell, LSTM, SimpleRNN, RNN, Bidirectional } = keras.layers;

function rand(shape: number[], rng: Random, scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = rng.uniformRange(-scale, scale);
  return tensor(d, { shape, dtype: 'float64' });
}

const OPTS = { atol: 1e-7, rtol: 1e-5 };

describe('keras-recurrent: float64 gradient checks', () => {
  for (const implementation of [1, 2]) {
    it(`LSTMCell implementation ${implementation}: d(h, c)/d(x, h, c, kernel, recurrent_kernel, bias)`, () => {
      const rng = new Random(10 + implementation);
      const cell = new LSTMCell({ units: 3, implementation, dtype: 'float64' });
      cell.build([2, 4]);
      assertGradcheck(`LSTMCell impl ${implementation}`, (x, h, c, k, r, b) => {
        const [out, ns] = stepWith(cell, x, [h, c], [k, r, b]);
        return [out, ...ns];
      }, [rand([2, 4], rng), rand([2, 3], rng), rand([2, 3], rng), rand([4, 12], rng, 0.8), rand([3, 12], rng, 0.8), rand([12], rng, 0.5)], OPTS);
    });
  }

  it('LSTMCell with hard_sigmoid / relu (away from the kinks)', () => {
    const rng = new Random(3);
    const cell = new LSTMCell({ units: 2, activation: 'relu', recurrentActivation: 'hard_sigmoid', dtype: 'float64' });
    cell.build([2, 3]);
    assertGradcheck('LSTMCell hard_sigmoid/relu', (x, h, c, k, r, b) => {
      const [out, ns] = stepWith(cell, x, [h, c], [k, r, b]);
      return [out, ...ns];
    }, [rand([2, 3], rng), rand([2, 2], rng), rand([2, 2], rng), rand([3, 8], rng, 0.5), rand([2, 8], rng, 0.5), rand([8], rng, 0.5)], OPTS);
  });

  it('SimpleRNNCell: d h/d(x, h, kernel, recurrent_kernel, bias)', () => {
    const rng = new Random(4);
    const cell = new SimpleRNNCell({ units: 3, dtype: 'float64' });
    cell.build([2, 4]);
    assertGradcheck('SimpleRNNCell', (x, h, k, r, b) => {
      const [out] = stepWith(cell, x, [h], [k, r, b]);
      return out;
    }, [rand([2, 4], rng), rand([2, 3], rng), rand([4, 3], rng), rand([3, 3], rng), rand([3], rng)], OPTS);
  });

  it('LSTM layer, generic loop with a mask with holes, go_backwards, return_state (w.r.t. x, h0, c0)', () => {
    const rng = new Random(5);
    const l = new LSTM({ units: 2, returnSequences: true, returnState: true, goBackwards: true, dtype: 'float64' });
    l.build([2, 4, 3]);
    const mask = tensor([[1, 0, 1, 1], [0, 1, 1, 0]]);
    assertGradcheck('LSTM masked', (x, h0, c0) => l.apply(x, { mask, initialState: [h0, c0] }) as Tensor[],
      [rand([2, 4, 3], rng), rand([2, 2], rng), rand([2, 2], rng)], OPTS);
  });

  it('SimpleRNN layer with zero_output_for_mask, and stacked RNN([LSTMCell, SimpleRNNCell])', () => {
    const rng = new Random(6);
    const s = new SimpleRNN({ units: 2, returnSequences: true, zeroOutputForMask: true, dtype: 'float64' });
    s.build([2, 3, 2]);
    const mask = tensor([[1, 1, 0], [0, 1, 1]]);
    assertGradcheck('SimpleRNN zero_output_for_mask', (x) => s.apply(x, { mask }) as Tensor, [rand([2, 3, 2], rng)], OPTS);
    const r = new RNN({ cell: [new LSTMCell({ units: 2, dtype: 'float64' }), new SimpleRNNCell({ units: 2, dtype: 'float64' })], returnState: true, dtype: 'float64' });
    r.build([2, 3, 2]);
    assertGradcheck('stacked', (x, h1, c1, h2) => r.apply(x, { initialState: [h1, c1, h2] }) as Tensor[],
      [rand([2, 3, 2], rng), rand([2, 2], rng), rand([2, 2], rng), rand([2, 2], rng)], OPTS);
  });

  it('Bidirectional(LSTM) concat with a mask: fused forward/backward layers', () => {
    const rng = new Random(8);
    const b = new Bidirectional({ layer: new LSTM({ units: 2, returnSequences: true, dtype: 'float64' }), dtype: 'float64' });
    b.build([2, 3, 2]);
    const mask = tensor([[1, 1, 1], [1, 1, 0]]);
    assertGradcheck('Bidirectional', (x) => b.apply(x, { mask }) as Tensor, [rand([2, 3, 2], rng)], OPTS);
  });
});

/**
 * One cell step with explicit weight tensors: temporarily swaps the cell's weights for the given leaves so the
 * gradient check can differentiate w.r.t. them.
 */
function stepWith(cell: InstanceType<typeof LSTMCell> | InstanceType<typeof SimpleRNNCell>, x: Tensor, states: Tensor[], w: Tensor[]): [Tensor, Tensor[]] {
  const saved = [cell.kernel, cell.recurrentKernel, cell.bias];
  cell.kernel = w[0];
  cell.recurrentKernel = w[1];
  cell.bias = w[2];
  try {
    return cell.step(x, states, false);
  } finally {
    [cell.kernel, cell.recurrentKernel, cell.bias] = saved;
  }
}
