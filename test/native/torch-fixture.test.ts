// native-cpu (and the TS kernel, as a control) against PyTorch's nn.LSTM: fixtures written by
// bench/torch_fixture.py (PyTorch float64 on CPU, Keras-layout weights loaded as weight_ih = Kᵀ, weight_hh = Rᵀ,
// bias_ih = b, bias_hh = 0; masks via pack_padded_sequence, go_backwards via reverse_sequence). An oracle we did
// not write; npm test needs no Python. Masked cases: y compared at valid steps only (PyTorch writes zeros at
// padded steps, Keras the previous output) and the seed dy is zero there, so all gradients are comparable.
// Tolerances: outputs ≤ 1e-5 abs (float32 vs float64), gradients ≤ 1e-4 · max(1, max|torch|).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { tsLstmBackend } from '../../src/kernels/ts.js';
import { nativeCpuLstmBackend } from '../../src/kernels/native-cpu.js';
import type { LstmBackend, LstmSeqArgs } from '../../src/kernels/types.js';
import { maxMag, requireCpu } from './helpers.js';

interface Fx {
  T: number; B: number; I: number; H: number; lens: number[] | null; goBackwards: boolean;
  [k: string]: unknown;
}
const here = dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(join(here, 'fixtures', 'torch_lstm.json'), 'utf8')) as { meta: { torch: string }; cases: Fx[] };

function check(be: LstmBackend, c: Fx): { out: number; grad: number } {
  const f32 = (k: string) => Float32Array.from(c[k] as number[]);
  const a: LstmSeqArgs = {
    T: c.T, B: c.B, I: c.I, H: c.H, dtype: 'float32', x: f32('x'), h0: f32('h0'), c0: f32('c0'),
    kernel: f32('kernel'), recurrentKernel: f32('recurrentKernel'), bias: f32('bias'),
    seqLengths: c.lens ? Int32Array.from(c.lens) : null, goBackwards: c.goBackwards, zeroOutputForMask: false,
  };
  const fwd = be.forward(a, true);
  const g = be.backward(a, fwd, f32('dy'), f32('dhT'), f32('dcT'));
  const valid = c.validY as number[];
  let out = 0;
  const yRef = c.y as number[];
  for (let i = 0; i < yRef.length; i++) {
    if (valid[Math.floor(i / c.H)] === 1) out = Math.max(out, Math.abs(fwd.y[i] - yRef[i]));
  }
  for (const k of ['hT', 'cT'] as const) {
    const ref = c[k] as number[];
    for (let i = 0; i < ref.length; i++) out = Math.max(out, Math.abs(fwd[k][i] - ref[i]));
  }
  let grad = 0;
  for (const k of ['dx', 'dh0', 'dc0', 'dKernel', 'dRecurrentKernel', 'dBias'] as const) {
    const ref = c[k] as number[];
    const scale = Math.max(1, maxMag(ref));
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(g[k][i] - ref[i]) / scale;
      if (!(d <= 1e-4)) throw new Error(`${be.name} ${k}[${i}] = ${g[k][i]} vs torch ${ref[i]} (case ${JSON.stringify({ T: c.T, B: c.B, lens: c.lens, goBackwards: c.goBackwards })})`);
      grad = Math.max(grad, d);
    }
  }
  return { out, grad };
}

describe(`native: vs PyTorch nn.LSTM fixtures (torch ${fixture.meta.torch}, float64)`, function () {
  for (const c of fixture.cases) {
    const label = `T=${c.T} B=${c.B} I=${c.I} H=${c.H}${c.lens ? ` lens=[${c.lens}]` : ''}${c.goBackwards ? ' go_backwards' : ''}`;
    it(`native-cpu: ${label}`, function () {
      requireCpu(this);
      const r = check(nativeCpuLstmBackend, c);
      expect(r.out).to.be.at.most(1e-5);
      expect(r.grad).to.be.at.most(1e-4);
    });
    it(`ts (control): ${label}`, () => {
      const r = check(tsLstmBackend, c);
      expect(r.out).to.be.at.most(1e-5);
      expect(r.grad).to.be.at.most(1e-4);
    });
  }
});
