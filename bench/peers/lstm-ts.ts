// The lstm-ts side of the benchmark: several ways of running the same LSTM, so the runner can show what each
// layer of the house costs. Every variant computes the same thing as the tfjs peer: y = LSTM(x) with
// returnSequences, loss = mean(y²), gradients of all weights.
//
//   layer-<backend>  public API: new lt.keras.layers.LSTM({units, returnSequences: true, backend}) — the number
//                    users get ('auto' | 'ts' | 'native-cpu'); needs src/keras LSTM.
//   layer-generic    the same layer with unroll: true, which Keras's fused-path rules exclude, so the layer runs its
//                    generic cell loop (LSTMCell per step on the tape) — the path masks/dropout configs take.
//   seq-ts           the fused autograd op lstmSequence (src/kernels/lstm-sequence.ts) with the TS backend.
//   kernel-ts        the raw TS kernel tsLstmBackend.forward/backward on typed arrays (no tensors, no tape): the
//                    floor under seq-ts / layer-ts.
//   kernel-native-cpu  the same for the native CPU backend (OpenBLAS addon): the floor under layer-native-cpu.
//   generic          the LSTM composed from public primitive ops (matmul, split, sigmoid, tanh, mul, add) with
//                    the autograd tape — what issue #2 asks to beat tfjs-cpu with.
//
// Parts of the library land at different times, so everything beyond the core is looked up at run time and a
// variant that cannot run yet is reported as skipped with the reason instead of breaking the runner.

import type { BenchConfig, Workload } from './common.js';
import { fillRandom } from './common.js';

export const LSTM_TS_IMPLS = [
  'layer-auto', 'layer-ts', 'layer-native-cpu', 'layer-generic', 'seq-ts', 'kernel-ts', 'kernel-native-cpu', 'generic',
] as const;
export type LstmTsImpl = (typeof LSTM_TS_IMPLS)[number];

// Loose view of a module: members are looked up by name and checked before use.
type AnyFn = (...args: any[]) => any;
type Loose = Record<string, any>;

export class Unavailable extends Error {}

async function importOptional(spec: string): Promise<Loose | null> {
  try {
    // A variable specifier keeps tsc from resolving files that may not exist yet in this checkout.
    return (await import(spec)) as Loose;
  } catch (e) {
    const msg = String((e as Error).message ?? e);
    if (/Cannot find module|ERR_MODULE_NOT_FOUND|does not provide an export/.test(msg)) return null;
    throw e;
  }
}

function fn(mod: Loose | null | undefined, name: string, where: string): AnyFn {
  const f = mod?.[name];
  if (typeof f !== 'function') throw new Unavailable(`${where}.${name} is not available in this checkout`);
  return f as AnyFn;
}

/** What the native addon reports, or null when lt.native is absent. */
export async function nativeInfo(): Promise<unknown> {
  const lt = await importOptional('../../src/index.js');
  const info = lt?.native?.info;
  if (typeof info !== 'function') return null;
  try {
    return info.call(lt!.native);
  } catch (e) {
    return { error: String((e as Error).message ?? e) };
  }
}

function summarizeExplain(v: unknown): string | null {
  if (v == null) return null;
  if (typeof v === 'string') return v.split('\n')[0]!.slice(0, 60);
  const o = v as Loose;
  for (const k of ['path', 'name', 'kernel', 'backend', 'used', 'chosen']) {
    if (typeof o[k] === 'string') return o[k] as string;
    if (o[k] && typeof o[k].name === 'string') return o[k].name as string;
  }
  return null;
}

/**
 * `impl` may carry a GEMM backend suffix, e.g. 'layer-auto@js': the float32 GEMMs then run on the pure-JS kernel
 * instead of the default dispatch (the generated WebAssembly SIMD sgemm when available; src/ops/wasm-simd).
 */
export async function makeLstmTsWorkload(implWithGemm: string, c: BenchConfig): Promise<Workload> {
  const lt = await importOptional('../../src/index.js');
  if (!lt) throw new Unavailable('src/index.ts could not be loaded');
  const [implName, gemm] = implWithGemm.split('@') as [string, string | undefined];
  const impl = implName as LstmTsImpl;
  if (!(LSTM_TS_IMPLS as readonly string[]).includes(impl)) throw new Unavailable(`unknown lstm-ts impl ${implName}`);
  // Always set it: with --in-process an earlier '@js' row must not leak into the next one.
  if (gemm !== undefined) fn(lt, 'setGemmBackend', 'lt')(gemm);
  else if (typeof lt.setGemmBackend === 'function') lt.setGemmBackend('auto');
  const gemmNow = typeof lt.getGemmBackend === 'function' ? String(lt.getGemmBackend()) : 'js';
  const simd = typeof lt.wasmSimdAvailable === 'function' ? Boolean(lt.wasmSimdAvailable()) : false;
  // What the float32 GEMMs of the TS paths run on ('auto' dispatches to wasm-simd when the module loads).
  const gemmLabel = gemmNow === 'auto' ? (simd ? 'wasm-simd' : 'js') : gemmNow;
  const inner = await makeInner(lt, impl, c);
  return {
    ...inner,
    label: () => {
      const l = inner.label();
      return l.includes('native-cpu') ? l : `${l} [GEMM ${gemmLabel}]`;
    },
  };
}

async function makeInner(lt: Loose, impl: LstmTsImpl, c: BenchConfig): Promise<Workload> {
  const { B, T, I, H } = c;
  const G = 4 * H;
  const mean = fn(lt, 'mean', 'lt');
  const square = fn(lt, 'square', 'lt');
  const tensor = fn(lt, 'tensor', 'lt');
  const noGrad = fn(lt, 'noGrad', 'lt');
  const lossOf = (y: Loose): Loose => mean(square(y));

  if (impl.startsWith('layer-')) {
    const generic = impl === 'layer-generic';
    const backend = generic ? 'auto' : impl.slice('layer-'.length);
    const LSTM = lt.keras?.layers?.LSTM;
    if (typeof LSTM !== 'function') throw new Unavailable('lt.keras.layers.LSTM is not available in this checkout');
    if (backend === 'native-cpu') {
      const info = (await nativeInfo()) as Loose | null;
      if (!info) throw new Unavailable('lt.native.info() is not available (no addon support in this checkout)');
      if (info.loadedAddons && !info.loadedAddons.cpu) throw new Unavailable(`native CPU addon not loaded: ${JSON.stringify(info.reasons ?? {})}`);
      // The native backends join kernel selection only once enabled (lt.native.enable(), or LSTM_TS_NATIVE=1).
      fn(lt.native, 'enable', 'lt.native').call(lt.native);
    }
    const layer = new LSTM({ units: H, returnSequences: true, backend, ...(generic ? { unroll: true } : {}) }) as Loose;
    const x = tensor(fillRandom(new Float32Array(B * T * I), 11), { shape: [B, T, I], dtype: 'float32' });
    let chosen: string | null = null;
    const noteChoice = (): void => {
      if (chosen === null && typeof layer.explain === 'function') {
        try {
          chosen = summarizeExplain(layer.explain());
        } catch {
          chosen = null;
        }
      }
    };
    return {
      label: () =>
        generic
          ? `lstm-ts layer unroll=true (used: ${chosen ?? '?'})`
          : `lstm-ts layer backend=${backend}${chosen && chosen !== backend ? ` (used: ${chosen})` : ''}`,
      infer() {
        noGrad(() => layer.apply(x, { training: false }));
        noteChoice();
      },
      train() {
        const y = layer.apply(x, { training: true });
        lossOf(y).backward();
        for (const w of layer.trainableWeights as Loose[]) w.zeroGrad();
        noteChoice();
      },
    };
  }

  // Weights shared by the non-layer variants (Keras layout, gate order i, f, c, o).
  const k0 = fillRandom(new Float32Array(I * G), 1).map((v) => v * 0.2);
  const r0 = fillRandom(new Float32Array(H * G), 2).map((v) => v * 0.2);
  const b0 = new Float32Array(G);
  const xTBI = fillRandom(new Float32Array(T * B * I), 3);

  if (impl === 'kernel-ts' || impl === 'kernel-native-cpu') {
    const native = impl === 'kernel-native-cpu';
    const mod = await importOptional(native ? '../../src/kernels/native-cpu.js' : '../../src/kernels/ts.js');
    const be = mod?.[native ? 'nativeCpuLstmBackend' : 'tsLstmBackend'] as Loose | undefined;
    if (!be) throw new Unavailable(`${native ? 'nativeCpuLstmBackend' : 'tsLstmBackend'} is not available in this checkout`);
    const avail = be.availability() as { ok: boolean; reason?: string };
    if (!avail.ok) throw new Unavailable(`${be.name}: ${avail.reason}`);
    const args = {
      T, B, I, H, dtype: 'float32', x: xTBI,
      h0: new Float32Array(B * H), c0: new Float32Array(B * H),
      kernel: k0, recurrentKernel: r0, bias: b0,
      seqLengths: null, goBackwards: false, zeroOutputForMask: false,
    };
    const zeros = new Float32Array(B * H);
    return {
      label: () => `lstm-ts ${impl} (raw typed-array kernel, no tape)`,
      infer() {
        be.forward(args, false);
      },
      train() {
        const fwd = be.forward(args, true) as { y: Float32Array };
        // d mean(y²)/dy = 2y/N — the same loss gradient the tape computes for the other variants.
        const n = fwd.y.length;
        const dy = new Float32Array(n);
        for (let i = 0; i < n; i++) dy[i] = (2 * fwd.y[i]!) / n;
        be.backward(args, fwd, dy, zeros, zeros);
      },
    };
  }

  const mk = (a: Float32Array, shape: number[]): Loose => tensor(a, { shape, dtype: 'float32', requiresGrad: true });
  const kernel = mk(k0, [I, G]);
  const rec = mk(r0, [H, G]);
  const bias = mk(b0, [G]);
  const weights = [kernel, rec, bias];
  const x = tensor(xTBI, { shape: [T, B, I], dtype: 'float32' });
  const h0 = tensor(new Float32Array(B * H), { shape: [B, H], dtype: 'float32' });
  const c0 = tensor(new Float32Array(B * H), { shape: [B, H], dtype: 'float32' });

  if (impl === 'seq-ts') {
    const seq = await importOptional('../../src/kernels/lstm-sequence.js');
    const lstmSequence = fn(seq, 'lstmSequence', 'src/kernels/lstm-sequence');
    const ts = await importOptional('../../src/kernels/ts.js');
    const backend = ts?.tsLstmBackend;
    const run = (): Loose => (lstmSequence(x, h0, c0, kernel, rec, bias, backend ? { backend } : {}) as Loose[])[0]!;
    return {
      label: () => 'lstm-ts seq-ts (lstmSequence autograd op, TS backend)',
      infer() {
        noGrad(run);
      },
      train() {
        lossOf(run()).backward();
        for (const w of weights) w.zeroGrad();
      },
    };
  }

  if (impl === 'generic') {
    const matmul = fn(lt, 'matmul', 'lt');
    const add = fn(lt, 'add', 'lt');
    const mul = fn(lt, 'mul', 'lt');
    const sigmoid = fn(lt, 'sigmoid', 'lt');
    const tanh = fn(lt, 'tanh', 'lt');
    const split = fn(lt, 'split', 'lt');
    const reshape = fn(lt, 'reshape', 'lt');
    const unstack = fn(lt, 'unstack', 'lt');
    const stack = fn(lt, 'stack', 'lt');
    // Keras LSTMCell (implementation 2) maths, eq. 1.2 of keras-tf-semantics.md, one op per line; the input
    // projection is hoisted out of the loop (one [T·B, I]·[I, 4H] GEMM) since it does not depend on h.
    const run = (): Loose => {
      const xk = unstack(reshape(matmul(reshape(x, [T * B, I]), kernel), [T, B, G]), 0) as Loose[];
      let h = h0;
      let cst = c0;
      const ys: Loose[] = [];
      for (let t = 0; t < T; t++) {
        const z = add(add(xk[t], matmul(h, rec)), bias);
        const [zi, zf, zc, zo] = split(z, 4, 1) as Loose[];
        const i = sigmoid(zi);
        const f = sigmoid(zf);
        const g = tanh(zc);
        const o = sigmoid(zo);
        cst = add(mul(f, cst), mul(i, g));
        h = mul(o, tanh(cst));
        ys.push(h);
      }
      return stack(ys, 0);
    };
    return {
      label: () => 'lstm-ts generic (composed primitive ops + tape)',
      infer() {
        noGrad(run);
      },
      train() {
        lossOf(run()).backward();
        for (const w of weights) w.zeroGrad();
      },
    };
  }

  throw new Unavailable(`unknown lstm-ts impl ${impl}`);
}
