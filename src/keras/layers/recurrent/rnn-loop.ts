// The generic recurrent loop: Keras's `backend.rnn` (K2 keras/backend.py; K3 keras/src/backend/tensorflow/rnn.py)
// over any step function, built from primitive ops so autodiff gives BPTT for free.
//
// Masking (keras-tf-semantics.md §3.1): at a step where mask[b, t] is false
//   * every state of row b is carried over unchanged:   new_state = where(mask_t, new_state, old_state)
//   * the output of row b is the previous output (zeros before the first step), or zeros when
//     zeroOutputForMask is true:                      out_t = where(mask_t, out_t, prev_out | 0)
//   * the cell still runs (its dropout masks are shared anyway).
// go_backwards (§3.4): input and mask are processed from t = T−1 down to 0 and the outputs are returned in
// processing order (reversed in time), never flipped back.
//
// unroll=True with a mask and zero_output_for_mask (K3 keras/src/backend/tensorflow/rnn.py, `if unroll:` branch;
// K2 keras/backend.py rnn() has the same code): Keras's unrolled loop does NOT zero masked outputs step by step.
// Each step keeps where(mask_t, out_t, previous output) (the previous output is never zeroed), and only after
// the loop it zeroes `outputs = where(mask, outputs, 0)` with the mask in INPUT time order, while `outputs` is
// in processing order. Without go_backwards both orders agree and the numbers equal the symbolic loop's. With
// go_backwards (every Bidirectional backward layer with return_sequences, which forces zero_output_for_mask)
// processing step s is zeroed where the mask at t = s is false, not at t = T−1−s, and a masked step can show
// the previous step's output. last_output is zeroed with the last processed step's mask, as in the loop. We
// reproduce this exactly (test/keras-recurrent/layer-zoo.test.ts, hand-derived "unroll + go_backwards").

import { Tensor, allocate } from '../../../tensor/tensor.js';
import { fail, shapeStr } from '../../../tensor/shape.js';
import { record } from '../../../autograd/node.js';
import { tfBool } from '../../../ops/select.js';

/** One step of a cell: (x_t [B, I], states) → (output [B, O], new states). */
export type StepFn = (x: Tensor, states: Tensor[]) => [Tensor, Tensor[]];

export interface RnnLoopOptions {
  /** Row-major [B, T] booleans (1 = valid step), or null for no mask. */
  mask: Uint8Array | null;
  goBackwards: boolean;
  zeroOutputForMask: boolean;
  /** Keep every step's output (return_sequences) or only the last. */
  returnAllOutputs: boolean;
  /** The layer's unroll flag: Keras's unrolled loop zeroes masked outputs differently (see above). */
  unroll?: boolean;
}

export interface RnnLoopResult {
  lastOutput: Tensor;
  /** One [B, O] tensor per processed step, in processing order (empty unless returnAllOutputs). */
  outputs: Tensor[];
  states: Tensor[];
}

/**
 * Row selection for masked steps: out[b] = keep[b] ? a[b] : b_[b]. Gradients go to `a` on kept rows and to
 * `b_` on the others (the adjoint of Keras's `tf.where(mask_t, new, old)`).
 */
export function selectRows(keep: Uint8Array, a: Tensor, b: Tensor): Tensor {
  if (a.shape.length !== b.shape.length || a.size !== b.size) {
    fail('rnn mask select', `shapes differ: ${shapeStr(a.shape)} vs ${shapeStr(b.shape)}`);
  }
  const B = a.shape[0];
  const row = a.size / B;
  const out = allocate(a.dtype, a.size);
  for (let r = 0; r < B; r++) {
    const src = keep[r] ? a.data : b.data;
    out.set(src.subarray(r * row, (r + 1) * row), r * row);
  }
  const y = new Tensor(out, a.shape);
  return record('rnnMaskSelect', [a, b], y, (gy) => {
    const ga = a.requiresGrad ? allocate(a.dtype, a.size) : null;
    const gb = b.requiresGrad ? allocate(b.dtype, b.size) : null;
    for (let r = 0; r < B; r++) {
      const dst = keep[r] ? ga : gb;
      if (dst) dst.set(gy.data.subarray(r * row, (r + 1) * row), r * row);
    }
    return [ga ? new Tensor(ga, a.shape) : null, gb ? new Tensor(gb, b.shape) : null];
  });
}

/**
 * Runs `step` over `inputs` (one [B, I] tensor per time step, natural time order) from `initialStates`.
 * T = 0 is an error, as in Keras (it evaluates inputs[0], §4.7).
 */
export function rnnLoop(step: StepFn, inputs: Tensor[], initialStates: Tensor[], opts: RnnLoopOptions): RnnLoopResult {
  const T = inputs.length;
  if (T === 0) fail('RNN', 'the input has 0 time steps; Keras cannot run an RNN over an empty sequence (it reads inputs[0])');
  const B = inputs[0].shape[0];
  const { mask, goBackwards, zeroOutputForMask, returnAllOutputs } = opts;
  // Keras's unrolled zero_output_for_mask: carry the previous output in the loop, zero afterwards (see above).
  const unrolledZeroing = opts.unroll === true && zeroOutputForMask && mask !== null;
  let states = initialStates;
  let prevOutput: Tensor | null = null; // zeros, created lazily once the output size is known
  let zeros: Tensor | null = null;
  const outputs: Tensor[] = [];
  let last: Tensor | null = null;
  for (let s = 0; s < T; s++) {
    const t = goBackwards ? T - 1 - s : s;
    let [out, newStates] = step(inputs[t], states);
    if (mask) {
      const keep = new Uint8Array(B);
      let all = true;
      for (let b = 0; b < B; b++) {
        keep[b] = mask[b * T + t];
        if (!keep[b]) all = false;
      }
      if (!all) {
        if (zeros === null) zeros = new Tensor(allocate(out.dtype, out.size), out.shape);
        const fallback = zeroOutputForMask && !unrolledZeroing ? zeros : (prevOutput ?? zeros);
        out = selectRows(keep, out, fallback);
        newStates = newStates.map((ns, k) => selectRows(keep, ns, states[k]));
      }
    }
    prevOutput = out;
    states = newStates;
    last = out;
    if (returnAllOutputs) outputs.push(out);
  }
  if (unrolledZeroing) {
    const keepAt = (t: number): Uint8Array | null => {
      const keep = new Uint8Array(B);
      let all = true;
      for (let b = 0; b < B; b++) {
        keep[b] = mask[b * T + t];
        if (!keep[b]) all = false;
      }
      return all ? null : keep;
    };
    const zero = (o: Tensor, keep: Uint8Array | null): Tensor => (keep ? selectRows(keep, o, new Tensor(allocate(o.dtype, o.size), o.shape)) : o);
    // last_output: the mask of the last PROCESSED step (Keras's reversed mask_list[-1]).
    last = zero(last!, keepAt(goBackwards ? 0 : T - 1));
    // outputs[s] (processing order): the mask at INPUT time s (Keras's unreversed `mask`).
    for (let s = 0; s < outputs.length; s++) outputs[s] = zero(outputs[s], keepAt(s));
  }
  return { lastOutput: last!, outputs, states };
}

/**
 * Reads a Keras mask given as a Tensor [B, T] (or [T, B] when timeMajor) of 0/1 (any non-zero = valid), or
 * nested booleans/numbers, into row-major [B, T] bytes. Checks the shape against the input.
 */
export function readMask(mask: unknown, B: number, T: number, timeMajor: boolean, layer: string): Uint8Array | null {
  if (mask === undefined || mask === null) return null;
  const want = timeMajor ? [T, B] : [B, T];
  let flat: ArrayLike<number | boolean>;
  let shape: number[];
  if (mask instanceof Tensor) {
    flat = mask.data;
    shape = [...mask.shape];
    if (shape.length === 3 && shape[2] === 1) shape = shape.slice(0, 2);
  } else if (Array.isArray(mask)) {
    const rows = mask as unknown[];
    shape = [rows.length, Array.isArray(rows[0]) ? (rows[0] as unknown[]).length : -1];
    const vals: (number | boolean)[] = [];
    for (const r of rows) {
      if (!Array.isArray(r) || r.length !== shape[1]) fail(layer, `mask must be a [${want.join(', ')}] nested array of booleans`);
      for (const v of r) vals.push(v as number | boolean);
    }
    flat = vals;
  } else {
    return fail(layer, `mask must be a Tensor or nested array of shape [${want.join(', ')}], got ${typeof mask}`);
  }
  if (shape.length !== 2 || shape[0] !== want[0] || shape[1] !== want[1]) {
    fail(layer, `mask shape ${shapeStr(shape)} does not match the input: expected ${shapeStr(want)} (${timeMajor ? 'time, batch' : 'batch, time'})`);
  }
  const out = new Uint8Array(B * T);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const v = timeMajor ? flat[t * B + b] : flat[b * T + t];
      if (typeof v !== 'number' && typeof v !== 'boolean') fail(layer, `mask values must be numbers or booleans, got ${typeof v} at [${b}, ${t}]`);
      out[b * T + t] = tfBool(v) ? 1 : 0;  // TF's cast to bool: NaN and 0.5 are valid steps
    }
  }
  return out;
}

/**
 * Keras's cuDNN eligibility test for a mask (gru_lstm_utils.py, §3.6): strictly right-padded rows
 * (True…True False…False) and no fully masked row. Returns per-row lengths when eligible, else the reason.
 */
export function rightPaddedLengths(mask: Uint8Array, B: number, T: number): { lengths: Int32Array } | { reason: string } {
  const lengths = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let len = 0;
    while (len < T && mask[b * T + len]) len++;
    for (let t = len; t < T; t++) {
      if (mask[b * T + t]) return { reason: `mask row ${b} is not right-padded (a valid step follows a masked one)` };
    }
    if (len === 0) return { reason: `mask row ${b} is fully masked (cuDNN rejects such a batch; Keras falls back)` };
    lengths[b] = len;
  }
  return { lengths };
}
