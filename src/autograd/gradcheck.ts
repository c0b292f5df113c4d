// Gradient checking against float64 central finite differences.
//
// For f: inputs → Tensor, the check builds the scalar L = Σ w ⊙ f(inputs) with fixed random weights w
// (so every output element matters and no symmetry hides an error), takes analytic gradients of L by
// backward(), and compares each input element with (L(x+ε) − L(x−ε)) / 2ε computed in float64.

import { Tensor, allocate } from '../tensor/tensor.js';
import { Random } from '../tensor/random.js';
import { backwardMany } from './engine.js';
import { noGrad } from './mode.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
  /** Only check these input indices (others are treated as constants). */
  wrt?: number[];
}

export interface GradcheckResult {
  ok: boolean;
  maxAbsErr: number;
  maxRelErr: number;
  /** First failing element, for the error message. */
  worst?: { input: number; index: number; analytic: number; numeric: number };
}

function outputsOf(r: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(r) ? r : [r];
}

/**
 * Checks `fn`'s gradients w.r.t. float64 `inputs`. `fn` may return one tensor or several (all are
 * included in L). Returns a result; use `assertGradcheck` in tests for a descriptive failure.
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-6;
  const rtol = opts.rtol ?? 1e-4;
  const rng = new Random(opts.seed ?? 7);
  const wrt = opts.wrt ?? inputs.map((_, i) => i);
  for (const x of inputs) {
    if (x.dtype !== 'float64') throw new Error(`gradcheck: inputs must be float64 (got ${x.dtype}); finite differences in float32 are too noisy`);
  }
  const leaves = inputs.map((x, i) => {
    const t = new Tensor(x.data.slice(), x.shape, wrt.includes(i));
    return t;
  });
  const outs0 = noGrad(() => outputsOf(fn(...leaves)));
  const weights = outs0.map((o) => {
    const w = allocate('float64', o.size);
    for (let i = 0; i < w.length; i++) w[i] = rng.uniformRange(-1, 1);
    return w;
  });
  const lossOf = (outs: Tensor[]): number => {
    let s = 0;
    outs.forEach((o, k) => {
      for (let i = 0; i < o.size; i++) s += weights[k][i] * o.data[i];
    });
    return s;
  };
  // Analytic: backprop each output with its weights as the seed.
  // One backward pass from every output, each seeded with its weights.
  const outs = outputsOf(fn(...leaves));
  const roots = outs.filter((o) => o.requiresGrad);
  if (roots.length > 0) backwardMany(roots, outs.flatMap((o, k) => (o.requiresGrad ? [new Tensor(Float64Array.from(weights[k]), o.shape)] : [])));
  let maxAbsErr = 0;
  let maxRelErr = 0;
  let worst: GradcheckResult['worst'];
  let ok = true;
  for (const i of wrt) {
    const x = leaves[i];
    const g = x.grad;
    for (let j = 0; j < x.size; j++) {
      const orig = x.data[j];
      x.data[j] = orig + eps;
      const lp = noGrad(() => lossOf(outputsOf(fn(...leaves))));
      x.data[j] = orig - eps;
      const lm = noGrad(() => lossOf(outputsOf(fn(...leaves))));
      x.data[j] = orig;
      const numeric = (lp - lm) / (2 * eps);
      const analytic = g === null ? 0 : g.data[j];
      const abs = Math.abs(analytic - numeric);
      const rel = abs / Math.max(Math.abs(numeric), Math.abs(analytic), 1e-12);
      maxAbsErr = Math.max(maxAbsErr, abs);
      if (abs > atol) maxRelErr = Math.max(maxRelErr, rel);
      if (!(abs <= atol + rtol * Math.abs(numeric))) {
        if (ok) worst = { input: i, index: j, analytic, numeric };
        ok = false;
      }
    }
  }
  return { ok, maxAbsErr, maxRelErr, worst };
}

/** Throws with the worst element if the check fails. */
export function assertGradcheck(name: string, fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const r = gradcheck(fn, inputs, opts);
  if (!r.ok) {
    const w = r.worst!;
    throw new Error(`gradcheck(${name}) failed: input ${w.input} element ${w.index}: analytic ${w.analytic} vs numeric ${w.numeric} ` +
      `(max abs err ${r.maxAbsErr.toExponential(2)})`);
  }
  return r;
}
