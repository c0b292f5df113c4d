// Shared by the fused-kernel tests (test/kernels, test/wasm-simd, test/native): the random-case generator
// for lstmSequence properties, and the real TF 2.21 fixture check of the kernel called directly.

import { expect } from 'chai';
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor, tensor, ops } from '../../src/index.js';
import { lstmSequence } from '../../src/kernels/lstm-sequence.js';
import { maskToSeqLengths } from '../../src/kernels/select.js';

/** One random lstmSequence call: sizes, optional lengths (0 allowed), direction, zero_output_for_mask, seed. */
export interface LstmCase {
  T: number; B: number; I: number; H: number;
  lens: number[] | null; goBackwards: boolean; zeroOutputForMask: boolean; seed: number;
}

/** Random cases with 1 ≤ T, B, I, H ≤ the given maxima (each suite picks sizes that exercise its edges). */
export function arbLstmCase(max: { T: number; B: number; I: number; H: number }): fc.Arbitrary<LstmCase> {
  return fc
    .record({ T: fc.integer({ min: 1, max: max.T }), B: fc.integer({ min: 1, max: max.B }), I: fc.integer({ min: 1, max: max.I }), H: fc.integer({ min: 1, max: max.H }) })
    .chain((d) => fc.record({
      T: fc.constant(d.T), B: fc.constant(d.B), I: fc.constant(d.I), H: fc.constant(d.H),
      lens: fc.option(fc.array(fc.integer({ min: 0, max: d.T }), { minLength: d.B, maxLength: d.B }), { nil: null }),
      goBackwards: fc.boolean(),
      zeroOutputForMask: fc.boolean(),
      seed: fc.integer({ min: 1, max: 1e6 }),
    }));
}

// ---- real TF 2.21 / Keras 3.15 fixtures (test/fixtures/generate_keras_rnn.py) ----

type N3 = number[][][];
export interface FixtureCase {
  name: string; x: N3; weights: [number[][], number[][], number[]]; mask?: number[][]; initial_state?: [number[][], number[][]];
  outputs: unknown[]; loss_weights: unknown[]; grad_x: N3; grad_weights: [number[][], number[][], number[]];
  grad_initial_state?: [number[][], number[][]];
  config: Record<string, unknown>;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const flat = (v: unknown): number[] => (Array.isArray(v) ? (v as unknown[]).flatMap(flat) : [v as number]);

/** [B,T,F] nested → time-major [T,B,F] flat */
function toTimeMajor(v: N3): number[] {
  const B = v.length, T = v[0].length;
  const out: number[] = [];
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) out.push(...v[b][t]);
  return out;
}

function close(name: string, got: ArrayLike<number>, want: number[], atol: number, rtol: number): void {
  expect(got.length, `${name} size`).to.equal(want.length);
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= atol + rtol * Math.abs(want[i]))) throw new Error(`${name}[${i}]: got ${got[i]}, TF ${want[i]} (|diff| ${d.toExponential(2)})`);
  }
}

/**
 * The LSTM fixture cases the kernel's semantics cover: tanh/sigmoid, a bias, no dropout, no mask or a
 * right-padded one (including fully masked rows, which Keras sends to its generic loop and the TS kernel
 * computes exactly).
 */
export function fusedFixtureCases(): FixtureCase[] {
  const fixture = JSON.parse(fs.readFileSync(path.join(root, 'test/fixtures/keras_rnn.json'), 'utf8')) as { cases: FixtureCase[] };
  return fixture.cases.filter((c) => {
    const k = c.config;
    if (!c.name.startsWith('lstm_') || !('grad_x' in c)) return false;
    if (k.activation !== 'tanh' || k.recurrent_activation !== 'sigmoid' || k.use_bias !== true) return false;
    if (k.recurrent_dropout !== 0 || k.dropout !== 0) return false;
    return !c.mask || maskToSeqLengths(c.mask).rightPadded;
  });
}

/**
 * Runs lstmSequence on one fixture case and checks Keras's outputs and the gradients of TF's loss
 * L = Σ_k Σ w_k ⊙ out_k w.r.t. x, the initial state and the three weights.
 * Tolerances (float32; TF's CPU tanh is a ~2-ulp approximation, §5.5e): outputs 1e-5 abs; gradients
 * 1e-5 abs + 1e-4 rel.
 */
export function checkFixtureCase(c: FixtureCase): void {
  const B = c.x.length, T = c.x[0].length, I = c.x[0][0].length;
  const H = c.weights[1].length;
  const x = tensor(toTimeMajor(c.x), { shape: [T, B, I], requiresGrad: true });
  const [k0, r0, b0] = c.weights;
  const K = tensor(flat(k0), { shape: [I, 4 * H], requiresGrad: true });
  const R = tensor(flat(r0), { shape: [H, 4 * H], requiresGrad: true });
  const bias = tensor(b0, { shape: [4 * H], requiresGrad: true });
  const init = c.initial_state ?? [null, null];
  const h0 = tensor(init[0] ? flat(init[0]) : new Array(B * H).fill(0), { shape: [B, H], requiresGrad: true });
  const c0 = tensor(init[1] ? flat(init[1]) : new Array(B * H).fill(0), { shape: [B, H], requiresGrad: true });
  const lengths = c.mask ? Array.from(maskToSeqLengths(c.mask).lengths) : null;
  const [y, hT, cT] = lstmSequence(x, h0, c0, K, R, bias, {
    seqLengths: lengths, goBackwards: c.config.go_backwards === true, zeroOutputForMask: c.config.zero_output_for_mask === true,
  });
  // Keras's outputs: the sequence [B,T,H] (or its last step), then h, c with return_state.
  const yBT = ops.transpose(y, [1, 0, 2]);
  const first: Tensor = c.config.return_sequences === true ? yBT : ops.reshape(ops.slice(yBT, [0, T - 1, 0], [B, 1, H]), [B, H]);
  const outs = c.config.return_state === true ? [first, hT, cT] : [first];
  expect(outs.length).to.equal(c.outputs.length);
  outs.forEach((o, k) => close(`output ${k}`, o.data, flat(c.outputs[k]), 1e-5, 0));
  let loss: Tensor | null = null;
  outs.forEach((o, k) => {
    const term = ops.sum(ops.mul(o, tensor(flat(c.loss_weights[k]), { shape: [...o.shape] })));
    loss = loss === null ? term : ops.add(loss, term);
  });
  loss!.backward();
  close('grad_x', x.grad!.data, toTimeMajor(c.grad_x), 1e-5, 1e-4);
  close('grad kernel', K.grad!.data, flat(c.grad_weights[0]), 1e-5, 1e-4);
  close('grad recurrent_kernel', R.grad!.data, flat(c.grad_weights[1]), 1e-5, 1e-4);
  close('grad bias', bias.grad!.data, flat(c.grad_weights[2]), 1e-5, 1e-4);
  if (c.grad_initial_state) {
    close('grad h0', h0.grad!.data, flat(c.grad_initial_state[0]), 1e-5, 1e-4);
    close('grad c0', c0.grad!.data, flat(c.grad_initial_state[1]), 1e-5, 1e-4);
  }
}
