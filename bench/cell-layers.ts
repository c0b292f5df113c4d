// LSTM, GRU and SimpleRNN LAYER training steps side by side in one run, interleaved (issue #13's "SimpleRNN takes
// 2.8× as long per step as the fused LSTM"): each layer class through its fused pure-TS kernel (backend 'ts') and
// the same cell in the generic loop (RNN(cell)), native backends off so that only TypeScript is compared.
//
//   npx tsx bench/cell-layers.ts [--config small] [--rounds 7]
//
// Work: returnSequences layer on [B, T, I] float32, loss = mean(y²), gradients of every trainable weight.

import * as lt from '../src/index.js';
import { CONFIGS, fillRandom, loadAvg } from './peers/common.js';

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const c = CONFIGS[opt('config', 'small')];
const rounds = Number(opt('rounds', '7'));
lt.native.disable();
const L = lt.keras.layers;
const x = lt.tensor(fillRandom(new Float32Array(c.B * c.T * c.I), 7), { shape: [c.B, c.T, c.I] });
const step = (layer: lt.keras.Layer) => (): void => {
  const y = layer.apply(x, { training: true }) as lt.Tensor;
  lt.ops.mean(lt.ops.mul(y, y)).backward();
  for (const w of layer.trainableWeights) w.zeroGrad();
};
const layers: [string, lt.keras.Layer][] = [
  ['LSTM fused ts', new L.LSTM({ units: c.H, returnSequences: true, backend: 'ts' })],
  ['GRU fused ts', new L.GRU({ units: c.H, returnSequences: true, backend: 'ts' })],
  ['SimpleRNN fused ts', new L.SimpleRNN({ units: c.H, returnSequences: true, backend: 'ts' })],
  ['RNN(LSTMCell) generic', new L.RNN({ cell: new L.LSTMCell({ units: c.H }), returnSequences: true })],
  ['RNN(GRUCell) generic', new L.RNN({ cell: new L.GRUCell({ units: c.H }), returnSequences: true })],
  ['RNN(SimpleRNNCell) generic', new L.RNN({ cell: new L.SimpleRNNCell({ units: c.H }), returnSequences: true })],
];
for (const [, l] of layers) step(l)();
console.log(`config ${c.name} (B${c.B} T${c.T} I${c.I} H${c.H}), ${rounds} interleaved rounds, load average ${loadAvg().join(' ')}`);
for (const [n, l] of layers) {
  const p = (l as unknown as { explain?: () => { path: string } | null }).explain?.();
  if (p) console.log(`  ${n}: path ${p.path}`);
}
const times = layers.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? layers.map((_, i) => i) : layers.map((_, i) => layers.length - 1 - i);
  for (const i of order) {
    const t0 = performance.now();
    step(layers[i][1])();
    times[i].push(performance.now() - t0);
  }
}
const med = (a: number[]): number => [...a].sort((u, v) => u - v)[Math.floor(a.length / 2)];
const lstm = med(times[0]);
layers.forEach(([n], i) => console.log(`${n}: ${med(times[i]).toFixed(1)} ms per training step (${(med(times[i]) / lstm).toFixed(2)}× the fused LSTM)`));
console.log(`load average at end: ${loadAvg().join(' ')}`);
