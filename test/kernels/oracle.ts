// An independent LSTM reference for the kernel tests, written from the equations and Keras's generic loop
// (keras-tf-semantics.md §1.2, §3.1, §3.4) with plain float64 JS loops over nested arrays — no code shared
// with src/kernels. It follows Keras's own structure: reverse the inputs AND the mask along time for
// go_backwards, run the cell at every step, then `where(mask, new, old)` for the states and
// `where(mask, output, prev_output or zeros)` for the output.

export interface OracleIn {
  x: number[][][]; // [T][B][I]
  h0: number[][]; // [B][H]
  c0: number[][];
  kernel: number[][]; // [I][4H]
  recurrentKernel: number[][]; // [H][4H]
  bias: number[]; // [4H]
  mask?: boolean[][]; // [B][T] batch-major, like the Keras mask
  goBackwards?: boolean;
  zeroOutputForMask?: boolean;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

export function oracleLstm(p: OracleIn): { y: number[][][]; h: number[][]; c: number[][] } {
  const T = p.x.length;
  const B = p.h0.length;
  const H = p.h0[0].length;
  let xs = p.x;
  // mask time-major [T][B]
  let m: boolean[][] = Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => (p.mask ? p.mask[b][t] : true)));
  if (p.goBackwards) {
    xs = [...xs].reverse();
    m = [...m].reverse();
  }
  let h = p.h0.map((r) => [...r]);
  let c = p.c0.map((r) => [...r]);
  let prev = Array.from({ length: B }, () => new Array<number>(H).fill(0));
  const y: number[][][] = [];
  for (let t = 0; t < T; t++) {
    const newH: number[][] = [];
    const newC: number[][] = [];
    const out: number[][] = [];
    for (let b = 0; b < B; b++) {
      const z = new Array<number>(4 * H).fill(0);
      for (let k = 0; k < 4 * H; k++) {
        let xk = 0;
        for (let i = 0; i < xs[t][b].length; i++) xk += xs[t][b][i] * p.kernel[i][k];
        let hr = 0;
        for (let j = 0; j < H; j++) hr += h[b][j] * p.recurrentKernel[j][k];
        z[k] = xk + hr + p.bias[k];
      }
      const hb: number[] = [];
      const cb: number[] = [];
      for (let j = 0; j < H; j++) {
        const i = sigmoid(z[j]);
        const f = sigmoid(z[H + j]);
        const g = Math.tanh(z[2 * H + j]);
        const o = sigmoid(z[3 * H + j]);
        const cn = f * c[b][j] + i * g;
        cb.push(cn);
        hb.push(o * Math.tanh(cn));
      }
      const keep = m[t][b];
      newH.push(keep ? hb : h[b]);
      newC.push(keep ? cb : c[b]);
      out.push(keep ? hb : p.zeroOutputForMask ? new Array<number>(H).fill(0) : prev[b]);
    }
    h = newH;
    c = newC;
    prev = out;
    y.push(out);
  }
  return { y, h, c };
}
