// GRU against @tensorflow/tfjs on its WASM backend (issue #13), paired and interleaved as bench/paired-cells.ts.
// tfjs's GRU has no reset_after = True (it throws), so the like-for-like pair is tfjs GRU(reset_after=False,
// sigmoid) vs lstm-ts GRU(resetAfter: false), which lstm-ts runs in its generic cell loop (the fused kernels need
// reset_after = True, as cuDNN does). A third column times lstm-ts's Keras-default GRU(resetAfter: true), which
// takes the fused native-cpu kernel: what a Keras model's GRU costs here.
//
//   npx tsx bench/tfjs-gru.ts [--configs small] [--pairs 9]
//
// Work per op (both sides): inference = forward of the whole [B, T, I] sequence; training step = forward +
// backward of mean(y²) with the gradients of every trainable weight (tfjs: tf.variableGrads), no update.

import { CONFIGS, fillRandom, machineInfo, loadAvg, median } from './peers/common.js';
import { loadTfjs } from './peers/tfjs.js';
import * as lt from '../src/index.js';
import type * as TF from '@tensorflow/tfjs';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const configs = opt('configs', 'small').split(',').map((n) => CONFIGS[n]);
const pairs = Number(opt('pairs', '9'));

async function main(): Promise<void> {
  const { tf, info } = await loadTfjs('wasm');
  console.log(`machine: ${JSON.stringify(machineInfo())}`);
  console.log(`tfjs ${info.version} wasm (SIMD ${info.wasmSimd}, threads ${info.wasmThreadsCount}); load average ${loadAvg().join(' ')}`);
  try { lt.native.setNumThreads(1); } catch { /* no addon: the fused path is then the TS kernel */ }
  for (const c of configs) {
    const { B, T, I, H } = c;
    const xData = fillRandom(new Float32Array(B * T * I), 1);
    const xt = tf.tensor3d(xData, [B, T, I]);
    const layer = tf.layers.gru({ units: H, returnSequences: true, recurrentActivation: 'sigmoid', kernelInitializer: 'glorotUniform', recurrentInitializer: 'glorotUniform' });
    layer.apply(xt);
    const tfInfer = (): void => { tf.tidy(() => { (layer.apply(xt) as TF.Tensor).dataSync(); }); };
    const tfTrain = (): void => {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.mean(tf.square(layer.apply(xt) as TF.Tensor)) as TF.Scalar, layer.trainableWeights.map((w) => (w as unknown as { val: TF.Variable }).val));
        for (const g of Object.values(grads)) g.dataSync();
      });
    };
    const x = lt.tensor(xData, { shape: [B, T, I] });
    const mk = (resetAfter: boolean): lt.keras.layers.GRU => {
      const g = new lt.keras.layers.GRU({ units: H, returnSequences: true, resetAfter });
      g.apply(x);
      return g;
    };
    const ours = { rb: mk(false), ra: mk(true) };
    const ltInfer = (g: lt.keras.layers.GRU) => (): void => { lt.noGrad(() => g.apply(x)); };
    const ltTrain = (g: lt.keras.layers.GRU) => (): void => {
      const y = g.apply(x, { training: true }) as lt.Tensor;
      lt.ops.mean(lt.ops.mul(y, y)).backward();
      for (const w of g.trainableWeights) w.zeroGrad();
    };
    ltTrain(ours.rb)(); ltTrain(ours.ra)(); tfTrain(); tfInfer();
    console.log(`${c.name}: lstm-ts paths — reset_after=False: ${ours.rb.explain()!.path}, reset_after=True: ${ours.ra.explain()!.path}`);
    for (const what of ['infer', 'train'] as const) {
      const sides: [string, () => void][] = [
        ['tfjs-wasm GRU(reset_after=False)', what === 'infer' ? tfInfer : tfTrain],
        ['lstm-ts GRU(resetAfter: false)', what === 'infer' ? ltInfer(ours.rb) : ltTrain(ours.rb)],
        ['lstm-ts GRU(resetAfter: true)', what === 'infer' ? ltInfer(ours.ra) : ltTrain(ours.ra)],
      ];
      const times = sides.map(() => [] as number[]);
      for (let p = 0; p < pairs; p++) {
        const order = p % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
        for (const k of order) {
          const t0 = performance.now();
          sides[k][1]();
          times[k].push(performance.now() - t0);
        }
      }
      const ref = median(times[0]);
      console.log(`${c.name} ${what}: ` + sides.map(([n], k) => `${n} ${median(times[k]).toFixed(1)} ms (tfjs ÷ this ${(ref / median(times[k])).toFixed(2)})`).join('; '));
    }
  }
  console.log(`load average at end: ${loadAvg().join(' ')}`);
}

await main();
