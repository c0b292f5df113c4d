// Conv1D against @tensorflow/tfjs's conv1d on its WASM backend (issue #15), paired and interleaved as
// bench/tfjs-gru.ts: per pair both sides run once, the order alternating, and the medians are compared.
//
//   npx tsx bench/tfjs-conv1d.ts [--pairs 15]
//
// Work per op (both sides): inference = conv1d of x [B, L, C] with a [k, C, F] kernel, 'same' padding, plus the
// bias; training step = forward + backward of mean(y²) with the gradients of the input, kernel and bias
// (tfjs: tf.grads). tfjs's WASM backend has no Conv2DBackpropFilter kernel ("not registered for backend
// 'wasm'"), so training has no tfjs-wasm peer; its 'cpu' backend (plain JS) took 26 s per 'text' step here, so
// the training step is timed for lstm-ts alone. lstm-ts runs its im2col GEMMs (src/ops/conv.ts) on the GEMM `auto` picks (the native
// addon's for large products when it is built, else WASM SIMD / JS), one thread, as tfjs-wasm here.

import { fillRandom, machineInfo, loadAvg, median } from './peers/common.js';
import { loadTfjs } from './peers/tfjs.js';
import * as lt from '../src/index.js';
import '../src/native.js';
import type * as TF from '@tensorflow/tfjs';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const pairs = Number(opt('pairs', '15'));

const SHAPES = [
  { name: 'small', B: 8, L: 50, C: 16, F: 32, k: 3 },
  { name: 'text', B: 32, L: 100, C: 64, F: 64, k: 5 },
  { name: 'wide', B: 16, L: 200, C: 128, F: 128, k: 3 },
];

async function main(): Promise<void> {
  const { tf, info } = await loadTfjs('wasm');
  console.log(`machine: ${JSON.stringify(machineInfo())}`);
  console.log(`tfjs ${info.version} wasm (SIMD ${info.wasmSimd}, threads ${info.wasmThreadsCount}); load average ${loadAvg().join(' ')}`);
  try { lt.native.setNumThreads(1); } catch { /* no addon */ }
  console.log(`lstm-ts GEMM: ${lt.getGemmBackend()}`);
  for (const s of SHAPES) {
    const { B, L, C, F, k } = s;
    const xData = fillRandom(new Float32Array(B * L * C), 1);
    const wData = fillRandom(new Float32Array(k * C * F), 2);
    const bData = fillRandom(new Float32Array(F), 3);
    const [xt, wt, bt] = [tf.tensor3d(xData, [B, L, C]), tf.tensor3d(wData, [k, C, F]), tf.tensor1d(bData)];
    const tfFwd = (x: TF.Tensor3D, w: TF.Tensor3D, b: TF.Tensor1D) => tf.add(tf.conv1d(x, w, 1, 'same'), b) as TF.Tensor3D;
    const tfInfer = (): void => { tf.tidy(() => { tfFwd(xt, wt, bt).dataSync(); }); };
    lt.keras.clearSession();
    const layer = new lt.keras.layers.Conv1D({ filters: F, kernelSize: k, padding: 'same' });
    const x = lt.tensor(xData, { shape: [B, L, C], requiresGrad: true });
    layer.build([B, L, C]);
    layer.setWeights([lt.tensor(wData, { shape: [k, C, F] }), lt.tensor(bData, { shape: [F] })]);
    const ltInfer = (): void => { lt.noGrad(() => layer.apply(x)); };
    const ltTrain = (): void => {
      const y = layer.apply(x) as lt.Tensor;
      lt.ops.mean(lt.ops.mul(y, y)).backward();
      x.zeroGrad();
      for (const w of layer.trainableWeights) w.zeroGrad();
    };
    // same numbers first: the comparison is only of equal work
    const ours = (lt.noGrad(() => layer.apply(x)) as lt.Tensor).data;
    const theirs = tfFwd(xt, wt, bt).dataSync();
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]) / (1 + Math.abs(theirs[i])));
    if (worst > 1e-4) throw new Error(`${s.name}: outputs differ from tfjs by ${worst}`);
    ltTrain(); ltInfer(); tfInfer();
    const sides: [string, () => void][] = [['tfjs-wasm', tfInfer], ['lstm-ts', ltInfer], ['lstm-ts train step', ltTrain]];
    const times = sides.map(() => [] as number[]);
    for (let p = 0; p < pairs; p++) {
      for (const k2 of p % 2 === 0 ? [0, 1, 2] : [2, 1, 0]) {
        const t0 = performance.now();
        sides[k2][1]();
        times[k2].push(performance.now() - t0);
      }
    }
    const [a, b, c] = times.map(median);
    console.log(`${s.name} [B${B} L${L} C${C} F${F} k${k}] infer: tfjs-wasm ${a.toFixed(2)} ms, lstm-ts ${b.toFixed(2)} ms, tfjs-wasm ÷ lstm-ts ${(a / b).toFixed(2)}; ` +
      `lstm-ts train step ${c.toFixed(2)} ms (max rel diff of the outputs ${worst.toExponential(1)})`);
  }
  console.log(`load average at end: ${loadAvg().join(' ')}`);
}

await main();
