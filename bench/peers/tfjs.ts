// Peer: @tensorflow/tfjs (4.22) on its pure-JS CPU backend and on its WASM backend.
// The model is the same LSTM the lstm-ts side runs: tf.layers.lstm({units: H, recurrentActivation: 'sigmoid',
// returnSequences: true}) on [B, T, I] float32 input. Training step = forward + backward of mean(y²) via
// tf.variableGrads over the layer's trainable weights (no optimizer update: lstm-ts's step computes gradients
// only, so both sides do the same work). Inference = model.predict.
//
// The recurrent kernel is initialised glorotUniform instead of tfjs's default orthogonal: values do not change
// the timing, but tfjs-cpu's orthogonal init of a 512×2048 matrix (QR in JS) would take minutes of setup.

import { createRequire } from 'node:module';
import path from 'node:path';
import { type BenchConfig, type Workload, MiB, fillRandom } from './common.js';

export type TfjsBackend = 'cpu' | 'wasm';

// tfjs prints a banner suggesting tfjs-node; keep stdout for the runner's own lines.
function quietTfjsBanner(): void {
  const orig = console.log;
  console.log = (...args: unknown[]) => {
    const s = String(args[0] ?? '');
    if (s.includes('tfjs-node') || s.includes('=====') || s.includes('Hi, looks like')) return;
    orig(...args);
  };
}

/** Directory that holds tfjs-backend-wasm's .wasm binaries (resolved in node_modules: works offline). */
export function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep;
}

export interface TfjsInfo {
  version: string;
  backend: string;
  wasmSimd?: boolean;
  wasmThreads?: boolean;
  wasmThreadsCount?: number;
}

/** tfjs on `backend`, ready (banner quieted, the WASM binaries from node_modules), and what it runs with. */
export async function loadTfjs(backend: TfjsBackend): Promise<{ tf: typeof import('@tensorflow/tfjs'); info: TfjsInfo }> {
  quietTfjsBanner();
  const tf = await import('@tensorflow/tfjs');
  const info: TfjsInfo = { version: tf.version.tfjs, backend };
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(wasmDir());
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('tfjs: setBackend("wasm") failed (wasm files not found?)');
    await tf.ready();
    info.wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    info.wasmThreads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    info.wasmThreadsCount = wasm.getThreadsCount();
  } else {
    const ok = await tf.setBackend('cpu');
    if (!ok) throw new Error('tfjs: setBackend("cpu") failed');
    await tf.ready();
  }
  if (tf.getBackend() !== backend) throw new Error(`tfjs: asked for backend ${backend}, got ${tf.getBackend()}`);
  return { tf, info };
}

export async function makeTfjsWorkload(backend: TfjsBackend, c: BenchConfig): Promise<{ work: Workload; info: TfjsInfo }> {
  const { tf, info } = await loadTfjs(backend);

  const { B, T, I, H } = c;
  const x = tf.tensor3d(fillRandom(new Float32Array(B * T * I), 7), [B, T, I], 'float32');
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({
        units: H,
        recurrentActivation: 'sigmoid',
        returnSequences: true,
        recurrentInitializer: 'glorotUniform',
        inputShape: [T, I],
      }),
    ],
  });
  // LayerVariable -> the underlying tf.Variable that variableGrads differentiates with respect to.
  const vars = model.trainableWeights.map((w) => w.read() as import('@tensorflow/tfjs').Variable);

  const work: Workload = {
    label: () => `tfjs-${backend}`,
    infer() {
      const y = model.predict(x, { batchSize: B }) as import('@tensorflow/tfjs').Tensor;
      y.dataSync();
      y.dispose();
    },
    train() {
      const { value, grads } = tf.variableGrads(
        () => tf.mean(tf.square(model.apply(x, { training: true }) as import('@tensorflow/tfjs').Tensor)) as import('@tensorflow/tfjs').Scalar,
        vars,
      );
      value.dataSync();
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
    },
    extraMemory() {
      const out: Record<string, number> = { tfjsNumBytesMiB: tf.memory().numBytes / MiB };
      if (backend === 'wasm') {
        // The wasm linear memory only grows, so its size at the end is the peak of the run.
        const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
        const heap = b.wasm?.HEAPU8?.buffer.byteLength;
        if (heap !== undefined) out.wasmHeapMiB = heap / MiB;
      }
      return out;
    },
    dispose() {
      x.dispose();
      model.dispose();
    },
  };
  return { work, info };
}
