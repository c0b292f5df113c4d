// One computation run twice: in Node (test/browser/browser.test.ts imports it with lt = src/index.ts) and in
// headless Chromium (page-entry.ts, bundled by esbuild with `import * as lt from 'lstm-ts'`). The test compares
// the two results. Everything is seeded, so both runs start from the same weights and data.
import type * as LT from '../../src/index.js';

export interface ComputeResult {
  /** An LSTM layer's outputs on a fixed input (return_sequences, masked by Masking). */
  forward: number[];
  /** Gradients of sum(y²) with respect to the LSTM's kernel, recurrent kernel and bias (autograd backward). */
  grads: { kernel: number[]; recurrentKernel: number[]; bias: number[] };
  /** The loss of each of a few fit epochs (Adam, mse), and the predictions afterwards. */
  losses: number[];
  predictAfterFit: number[];
  /** The float32 GEMM setting and whether WebAssembly SIMD (the default GEMM above tiny sizes) is there. */
  gemm: string;
}

export function compute(lt: typeof LT): ComputeResult {
  const T = 6, B = 3, I = 4, H = 5;
  const rng = new lt.Random(2024);
  const xs = Array.from({ length: B * T * I }, () => rng.uniformRange(-1, 1));
  for (let t = 4; t < T; t++) for (let i = 0; i < I; i++) xs[(2 * T + t) * I + i] = 0;  // row 2: two padded steps
  const x = lt.tensor(Float32Array.from(xs), { shape: [B, T, I] });

  const layer = new lt.keras.layers.LSTM({
    units: H, returnSequences: true,
    kernelInitializer: lt.keras.initializers.glorotUniform({ seed: 1 }),
    recurrentInitializer: lt.keras.initializers.orthogonal({ seed: 2 }),
  });
  const mask = new lt.keras.layers.Masking({ maskValue: 0 });
  const y = layer.apply(mask.apply(x)) as LT.Tensor;
  const loss = lt.ops.sum(lt.ops.mul(y, y));
  loss.backward();
  const [kernel, recurrentKernel, bias] = layer.trainableWeights;
  const grads = {
    kernel: Array.from(kernel.grad!.data), recurrentKernel: Array.from(recurrentKernel.grad!.data), bias: Array.from(bias.grad!.data),
  };

  const model = new lt.keras.Sequential([
    new lt.keras.layers.LSTM({ units: H, inputShape: [T, I], kernelInitializer: lt.keras.initializers.glorotUniform({ seed: 3 }), recurrentInitializer: lt.keras.initializers.orthogonal({ seed: 4 }) }),
    new lt.keras.layers.Dense({ units: 1, kernelInitializer: lt.keras.initializers.glorotUniform({ seed: 5 }) }),
  ]);
  model.compile({ optimizer: new lt.keras.optimizers.Adam({ learningRate: 0.05 }), loss: 'mse' });
  const target = lt.tensor(Float32Array.from({ length: B }, (_, b) => b - 1), { shape: [B, 1] });
  const hist = model.fit(x, target, { epochs: 5, batchSize: B, shuffle: false, verbose: 0 });
  const pred = model.predict(x) as LT.Tensor;
  return {
    forward: Array.from(y.data), grads, losses: hist.history.loss.map(Number), predictAfterFit: Array.from(pred.data),
    gemm: `${lt.getGemmBackend()}, wasm SIMD ${lt.wasmSimdAvailable() ? 'available' : 'unavailable'}`,
  };
}
