// Backward twice over one lstmSequence graph behaves the same on every backend (docs/autodiff.md): without
// retainGraph the second pass throws and names the op; with it, the second pass gives the same gradients
// again (accumulated into .grad: exactly twice the first). Each backend present runs; an absent one prints why.
import { expect } from 'chai';
import { tensor, Tensor, Random } from '../../src/index.js';
import { lstmSequence } from '../../src/kernels/lstm-sequence.js';
import { tsLstmBackend } from '../../src/kernels/ts.js';
import { nativeCpuLstmBackend } from '../../src/kernels/native-cpu.js';
import { cudnnLstmBackend } from '../../src/kernels/cudnn.js';
import type { LstmBackend } from '../../src/kernels/types.js';
import { skipWithReason } from '../native/helpers.js';

function rand(shape: number[], rng: Random): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, () => rng.uniformRange(-0.8, 0.8)), { shape, requiresGrad: true });
}

const backends: LstmBackend[] = [tsLstmBackend, nativeCpuLstmBackend, cudnnLstmBackend];

describe('kernels/lstmSequence: backward twice over one graph, on every backend', () => {
  for (const be of backends) {
    it(`${be.name}: a second backward throws without retainGraph; with it, gradients come out the same twice`, function () {
      const avail = be.availability();
      if (!avail.ok) skipWithReason(this, `backend ${be.name}`, avail.reason);
      const rng = new Random(17);
      const [T, B, I, H] = [4, 3, 2, 5];
      const ins = [rand([T, B, I], rng), rand([B, H], rng), rand([B, H], rng), rand([I, 4 * H], rng), rand([H, 4 * H], rng), rand([4 * H], rng)];
      const seed = rand([T, B, H], rng).detach();
      const run = () => lstmSequence(ins[0], ins[1], ins[2], ins[3], ins[4], ins[5], { backend: be, seqLengths: [4, 2, 3] })[0];
      const y1 = run();
      y1.backward(seed);
      const once = ins.map((t) => t.grad!.toFlatArray());
      expect(() => y1.backward(seed)).to.throw(/backward through op 'lstmSequence' a second time.*retainGraph/);
      ins.forEach((t) => t.zeroGrad());
      const y2 = run();
      y2.backward(seed, { retainGraph: true });
      y2.backward(seed);
      ins.forEach((t, i) => t.grad!.toFlatArray().forEach((v, j) => {
        // Twice the same float32 gradient: the sum is exact (a doubling), so equality is exact.
        expect(v, `input ${i}[${j}]`).to.equal(Math.fround(2 * once[i][j]));
      }));
      expect(() => y2.backward(seed)).to.throw(/a second time/);
    });
  }
});
