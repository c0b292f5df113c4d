// Keras Orthogonal initializer (random_initializers.py, semantics notes §6.2):
//   rows = prod(shape[:-1]), cols = shape[-1]; a ~ N(0,1) of shape [max(rows,cols), min(rows,cols)];
//   q, r = qr(a) (reduced); q *= sign(diag(r)) (a zero diagonal zeroes its column, as np/ops.sign(0)=0);
//   transpose q when rows < cols; return gain * reshape(q, shape).
// The sign fix makes Q independent of the QR algorithm's sign convention (QR with a positive-diagonal R is
// unique), so our Householder QR in float64 gives the same Q a LAPACK QR would for the same `a`.

import { fail } from '../../tensor/shape.js';
import { RandomInitializer } from './initializer.js';
import { optionKeys, checkOptions, checkNumber } from '../../util/options.js';

export interface OrthogonalArgs { gain?: number; seed?: number | null }

/**
 * Reduced QR of an m×n (m ≥ n) row-major matrix by Householder reflections, in float64.
 * Returns Q (m×n, row-major) and the diagonal of R.
 */
export function householderQR(a: Float64Array, m: number, n: number): { q: Float64Array; rDiag: Float64Array } {
  if (m < n) fail('householderQR', `needs rows >= cols, got ${m}x${n}`);
  const A = a.slice();
  const vs: (Float64Array | null)[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // x = A[k:m, k]; reflect it onto alpha·e1 with alpha = -sign(x0)·|x| (avoids cancellation).
    let norm2 = 0;
    for (let i = k; i < m; i++) norm2 += A[i * n + k] * A[i * n + k];
    const norm = Math.sqrt(norm2);
    if (norm === 0) {
      vs.push(null);
      rDiag[k] = 0;
      continue;
    }
    const x0 = A[k * n + k];
    const alpha = x0 >= 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = A[i * n + k];
    v[0] -= alpha;
    let vn2 = 0;
    for (let i = 0; i < v.length; i++) vn2 += v[i] * v[i];
    const vn = Math.sqrt(vn2);
    for (let i = 0; i < v.length; i++) v[i] /= vn;
    // A[k:, k:] -= 2 v (vᵀ A[k:, k:])
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * A[i * n + j];
      dot *= 2;
      for (let i = k; i < m; i++) A[i * n + j] -= dot * v[i - k];
    }
    rDiag[k] = A[k * n + k];
    vs.push(v);
  }
  // Q = H_0 H_1 … H_{n-1} [I_n; 0]: apply the reflections to the first n columns of I in reverse order.
  const q = new Float64Array(m * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    if (!v) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k] * q[i * n + j];
      dot *= 2;
      for (let i = k; i < m; i++) q[i * n + j] -= dot * v[i - k];
    }
  }
  return { q, rDiag };
}

/**
 * The deterministic core of Keras's Orthogonal: given the Gaussian draw `a` ([max(rows,cols), min(rows,cols)],
 * row-major), returns gain · (q · sign(diag r)), transposed when rows < cols, as a row-major [rows, cols].
 */
export function orthogonalFromGaussian(a: Float64Array, rows: number, cols: number, gain: number): Float64Array {
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  if (a.length !== m * n) fail('Orthogonal', `expected ${m * n} Gaussian values for a ${m}x${n} draw, got ${a.length}`);
  const { q, rDiag } = householderQR(a, m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) q[i * n + j] *= Math.sign(rDiag[j]);
  }
  const out = new Float64Array(rows * cols);
  if (rows < cols) {
    // q is [cols, rows]; the result is qᵀ: [rows, cols] with orthonormal rows.
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * q[j * n + i];
  } else {
    for (let i = 0; i < out.length; i++) out[i] = gain * q[i];
  }
  return out;
}

export class Orthogonal extends RandomInitializer {
  readonly className = 'Orthogonal';
  readonly gain: number;

  constructor(args: OrthogonalArgs = {}) {
    checkOptions('Orthogonal', args, optionKeys<OrthogonalArgs>({ gain: true, seed: true }));
    checkNumber('Orthogonal', 'gain', args.gain);
    super(args.seed);
    this.gain = args.gain ?? 1.0;
  }

  protected generate(shape: number[]): Float64Array {
    if (shape.length < 2) {
      fail('Orthogonal', `The tensor to initialize must be at least two-dimensional. Received: shape=[${shape.join(', ')}] of rank ${shape.length}.`);
    }
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const cols = shape[shape.length - 1];
    const rng = this.rng();
    const a = new Float64Array(Math.max(rows, cols) * Math.min(rows, cols));
    for (let i = 0; i < a.length; i++) a[i] = rng.normal();
    return orthogonalFromGaussian(a, rows, cols, this.gain);
  }

  override getConfig(): Record<string, unknown> {
    return { seed: this.seed, gain: this.gain };
  }
}
