// The 'cudnn' LSTM backend: native/core/lstm_cudnn.cpp (cuDNN 9 RNN API) behind the LstmBackend seam. float32.
// One device-side CudnnLstm (handle, descriptors, weight space, workspace) per layer, found by the identity of
// the layer's kernel array — optimizers update weights in place, so the array is stable for the layer's life.
// Weights are re-uploaded only when their bytes changed (compared natively with the last upload); a training
// forward returns the device reserve space in `saved`, which backward consumes and frees (release() frees it
// when no backward comes, or after the last backward of a graph kept with retainGraph). Unavailable (with the reason) without the addon, a CUDA device or cuDNN's libraries.

import type { LstmBackend, LstmSeqArgs, LstmSeqGrads, LstmSeqResult, GruBackend, GruSeqArgs, GruSeqResult } from './types.js';
import type { TypedArray } from '../tensor/tensor.js';
import { fail } from '../tensor/shape.js';
import {
  cudnnAddon, cudnnOptions, cudnnUnavailableReason, type CudnnLstmHandle, type CudnnSavedHandle,
} from './native-addon.js';

interface CudnnSaved {
  layer: CudnnLstmHandle;
  handle: CudnnSavedHandle;
}

// One device layer per weights identity (LstmSeqArgs.weightsKey, else the kernel array): an LSTM layer's
// kernel array is stable (optimizers write in place); the TF1 path passes its variable's array.
const layers = new WeakMap<object, { I: number; H: number; tf32: boolean; device: number; layer: CudnnLstmHandle }>();

// Whether a real cuDNN call works here, found once by a 1×1×1 LSTM through the same calls a layer makes
// (cudnnCreate, descriptors, weight upload, forward, backward). The probe only sees devices and libraries; a
// failure past it (an unsupported architecture, no memory, an exclusive-mode device) would otherwise surface
// after 'auto' had chosen cuDNN, with no fallback.
let smoke: { ok: true } | { ok: false; reason: string } | null = null;
function smokeTest(): { ok: true } | { ok: false; reason: string } {
  if (smoke) return smoke;
  try {
    const addon = cudnnAddon()!;
    const l = new addon.CudnnLstm({ I: 1, H: 1, tf32: cudnnOptions.tf32, device: cudnnOptions.device });
    const one = (n: number): Float32Array => new Float32Array(n).fill(0.5);
    l.setWeights({ kernel: one(4), recurrentKernel: one(4), bias: one(4) });
    const r = l.forward({ T: 1, B: 1, x: one(1), h0: one(1), c0: one(1) }, true);
    l.backward(r.saved!, { T: 1, B: 1, dy: one(1), dhT: one(1), dcT: one(1) });
    if (!Number.isFinite(r.y[0])) throw new Error(`a 1x1 LSTM forward gave ${r.y[0]}`);
    smoke = { ok: true };
  } catch (e) {
    smoke = { ok: false, reason: `a first cuDNN call failed: ${(e as Error).message}` };
  }
  return smoke;
}

function f32(a: TypedArray, what: string): Float32Array {
  if (a instanceof Float32Array) return a;
  fail('cudnn', `${what} must be float32 (got ${a.constructor.name}); the cuDNN path computes in float32`);
}

function layerFor(a: LstmSeqArgs): CudnnLstmHandle {
  const addon = cudnnAddon();
  const why = cudnnUnavailableReason();
  if (!addon || why !== null) fail('cudnn', `not available: ${why}`);
  // The same array could be reinterpreted with other sizes (I·4H is all its length says), or the math mode
  // may have changed: then a new device layer is made.
  const key = a.weightsKey ?? a.kernel;
  let e = layers.get(key);
  const { tf32, device } = cudnnOptions;
  if (!e || e.I !== a.I || e.H !== a.H || e.tf32 !== tf32 || e.device !== device) {
    e = { I: a.I, H: a.H, tf32, device, layer: new addon.CudnnLstm({ I: a.I, H: a.H, tf32, device }) };
    layers.set(key, e);
  }
  const l = e.layer;
  l.setWeights({ kernel: f32(a.kernel, 'kernel'), recurrentKernel: f32(a.recurrentKernel, 'recurrentKernel'), bias: f32(a.bias, 'bias') });
  return l;
}

export const cudnnLstmBackend: LstmBackend = {
  name: 'cudnn',
  availability() {
    const why = cudnnUnavailableReason();
    return why === null ? smokeTest() : { ok: false, reason: why };
  },
  rejects(a: LstmSeqArgs): string | null {
    if (a.dtype !== 'float32') return `dtype ${a.dtype} (cuDNN runs float32 here)`;
    if (a.T < 1 || a.B < 1 || a.I < 1 || a.H < 1) return `empty sizes T=${a.T} B=${a.B} I=${a.I} H=${a.H} (cuDNN needs all ≥ 1)`;
    if (a.T * a.B * Math.max(a.I, a.H) > 2 ** 31 - 1) return 'T·B·max(I,H) exceeds 2^31−1 elements';
    if (a.seqLengths) {
      for (let b = 0; b < a.seqLengths.length; b++) {
        if (a.seqLengths[b] < 1) return `seqLengths[${b}] = ${a.seqLengths[b]} (cuDNN rejects zero-length sequences)`;
      }
    }
    return null;
  },
  forward(a: LstmSeqArgs, training: boolean): LstmSeqResult {
    const layer = layerFor(a);
    const r = layer.forward({
      T: a.T, B: a.B, x: f32(a.x, 'x'), h0: f32(a.h0, 'h0'), c0: f32(a.c0, 'c0'),
      seqLengths: a.seqLengths, goBackwards: a.goBackwards, zeroOutputForMask: a.zeroOutputForMask,
    }, training);
    const saved: CudnnSaved | null = r.saved ? { layer, handle: r.saved } : null;
    return { y: r.y, hT: r.hT, cT: r.cT, saved };
  },
  backward(a: LstmSeqArgs, fwd: LstmSeqResult, dy: TypedArray, dhT: TypedArray, dcT: TypedArray, opts: { keepSaved?: boolean } = {}): LstmSeqGrads {
    const s = fwd.saved as CudnnSaved | null;
    if (!s || !s.handle) fail('cudnn', 'backward needs the result of a training forward (forward(args, true)) that no backward consumed');
    // Same weights as the forward (BackwardData reads the device weight space); a no-op when unchanged.
    s.layer.setWeights({ kernel: f32(a.kernel, 'kernel'), recurrentKernel: f32(a.recurrentKernel, 'recurrentKernel'), bias: f32(a.bias, 'bias') });
    // keep (retainGraph): the addon runs on a copy of the reserve and keeps the saved state for the next
    // backward, as ts and native-cpu do; release() frees it when the graph node is released.
    const keep = opts.keepSaved === true;
    const g = s.layer.backward(s.handle, { T: a.T, B: a.B, dy: f32(dy, 'dy'), dhT: f32(dhT, 'dhT'), dcT: f32(dcT, 'dcT'), keep });
    if (!keep) (fwd as { saved: unknown }).saved = null;
    return g;
  },
  release(fwd: LstmSeqResult): void {
    const s = fwd.saved as CudnnSaved | null;
    if (s && s.handle) {
      try {
        s.layer.release(s.handle);
      } catch {
        // already consumed by backward: nothing to free
      }
    }
  },
};

// ---- GRU -------------------------------------------------------------------------------------------------
//
// The 'cudnn' GRU backend: the same device layer class in CUDNN_GRU mode (native/core/lstm_cudnn.cpp initGru,
// Keras reset_after = True; cuDNN's gate order r, z, h and its double bias are mapped there, docs/native.md),
// one per weights identity, the same saved-state and retainGraph rules. Written and compiled without a GPU:
// test/native/cudnn.test.ts checks it against the TS GRU kernel when a GPU is present (issue #13 / #18).

const gruLayers = new WeakMap<object, { I: number; H: number; tf32: boolean; device: number; layer: CudnnLstmHandle }>();

function gruLayerFor(a: GruSeqArgs): CudnnLstmHandle {
  const addon = cudnnAddon();
  const why = cudnnUnavailableReason();
  if (!addon || why !== null) fail('cudnn', `not available: ${why}`);
  let e = gruLayers.get(a.kernel);
  const { tf32, device } = cudnnOptions;
  if (!e || e.I !== a.I || e.H !== a.H || e.tf32 !== tf32 || e.device !== device) {
    e = { I: a.I, H: a.H, tf32, device, layer: new addon.CudnnLstm({ I: a.I, H: a.H, tf32, device, cell: 'gru' }) };
    gruLayers.set(a.kernel, e);
  }
  e.layer.setWeights({ kernel: f32(a.kernel, 'kernel'), recurrentKernel: f32(a.recurrentKernel, 'recurrentKernel'), bias: f32(a.bias, 'bias') });
  return e.layer;
}

export const cudnnGruBackend: GruBackend = {
  name: 'cudnn',
  availability() {
    const why = cudnnUnavailableReason();
    if (why !== null) return { ok: false, reason: why };
    if (!(cudnnAddon()?.buildInfo().cells ?? '').split(',').includes('gru')) {
      return { ok: false, reason: 'the loaded cuDNN addon has no GRU mode (rebuild it: npm run build:native)' };
    }
    return smokeTest();
  },
  rejects(a: GruSeqArgs): string | null {
    return cudnnLstmBackend.rejects({ ...a, c0: a.h0 });
  },
  forward(a: GruSeqArgs, training: boolean): GruSeqResult {
    const layer = gruLayerFor(a);
    const r = layer.forward({
      T: a.T, B: a.B, x: f32(a.x, 'x'), h0: f32(a.h0, 'h0'), c0: new Float32Array(0),
      seqLengths: a.seqLengths, goBackwards: a.goBackwards, zeroOutputForMask: a.zeroOutputForMask,
    }, training);
    return { y: r.y, hT: r.hT, saved: r.saved ? ({ layer, handle: r.saved } satisfies CudnnSaved) : null };
  },
  backward(a: GruSeqArgs, fwd: GruSeqResult, dy: TypedArray, dhT: TypedArray, opts: { keepSaved?: boolean } = {}) {
    const s = fwd.saved as CudnnSaved | null;
    if (!s || !s.handle) fail('cudnn', 'backward needs the result of a training forward (forward(args, true)) that no backward consumed');
    s.layer.setWeights({ kernel: f32(a.kernel, 'kernel'), recurrentKernel: f32(a.recurrentKernel, 'recurrentKernel'), bias: f32(a.bias, 'bias') });
    const keep = opts.keepSaved === true;
    const g = s.layer.backward(s.handle, { T: a.T, B: a.B, dy: f32(dy, 'dy'), dhT: f32(dhT, 'dhT'), dcT: new Float32Array(0), keep });
    if (!keep) (fwd as { saved: unknown }).saved = null;
    return { dx: g.dx, dh0: g.dh0, dKernel: g.dKernel, dRecurrentKernel: g.dRecurrentKernel, dBias: g.dBias };
  },
  release(fwd: GruSeqResult): void {
    cudnnLstmBackend.release!({ y: fwd.y, hT: fwd.hT, cT: fwd.hT, saved: fwd.saved });
  },
};
