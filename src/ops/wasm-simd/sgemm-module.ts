// Generates the WebAssembly SIMD sgemm module (bytes built by encoder.ts at load time).
//
// The kernel computes C = A·B on operands that runtime.ts has already copied ("packed") into wasm memory:
//
//   A packed in blocks of MR rows: block q holds rows q·MR … q·MR+MR−1 as [K][MR] (the MR values of one k are
//     adjacent), followed by the M mod MR tail rows stored plainly as [K] each. So the kernel reads A with one
//     pointer that only ever moves forward.
//   B packed in panels of NR = 4·NV columns: panel p holds columns p·NR … p·NR+NR−1 as [K][NR], zero-padded
//     past N. One k step of a panel is NV consecutive f32x4 vectors.
//   C written as [M][P·NR] (row stride padded to whole panels), copied/added out by runtime.ts.
//
// Register tiling: for each panel and each block of MR rows the kernel keeps the MR×NR output tile in MR·NV
// f32x4 accumulators for the whole k loop; one k step loads NV vectors of B, broadcasts each of the MR values of
// A (v128.load32_splat) and does MR·NV vector multiply-adds — 8·MR·NV flops per MR+NV loads, with no load or
// store of C inside the loop. The tail rows run the same loop with MR = 1. Because every output element is
// accumulated over k = 0…K−1 in ascending order in float32 (fl(acc + fl(a·b)), no fused multiply-add),
// the result does not depend on where the element sits in a tile, on M, or on N.
//
// x86-64 has 16 xmm registers and V8 keeps one as scratch: MR·NV accumulators + NV B vectors + 1 broadcast
// must fit in ~15, hence the default 4×(2·4) tile (11 registers); bench/matmul.ts compares variants.

import { Code, encodeModule, I32, V128 } from './encoder.js';

export interface SgemmTile {
  /** Rows per register tile. */
  MR: number;
  /** f32x4 vectors per row of the tile (NR = 4·NV columns). */
  NV: number;
}

export const DEFAULT_TILE: SgemmTile = { MR: 4, NV: 2 };

// Parameter and local indices of `sgemm(a, b, c, mBlocks, mTail, K, P)` (all byte addresses / counts, i32).
const A = 0, B = 1, C = 2, M_BLOCKS = 3, M_TAIL = 4, K = 5, P = 6;
const BP = 7, CP = 8, PA = 9, PB = 10, KK = 11, CROW = 12, BLK = 13, LDC = 14, B_STEP = 15, P_LEFT = 16, ADDR = 17;
const FIRST_V128 = 18;

/** The module's bytes: exported functions `sgemm`, `packB` and `packBT`, memory imported as env.memory. */
export function sgemmModuleBytes(tile: SgemmTile = DEFAULT_TILE): Uint8Array {
  const { MR, NV } = tile;
  if (!(MR >= 1 && NV >= 1 && MR * NV + NV + 1 <= 32)) throw new Error(`sgemm-module: tile ${MR}×${NV} vectors is not supported`);
  const NR = 4 * NV;
  const acc = (r: number, v: number): number => FIRST_V128 + r * NV + v;
  const bv = (v: number): number => FIRST_V128 + MR * NV + v;
  const splat = FIRST_V128 + MR * NV + NV;
  const code = new Code();

  /** Rows of `rows` height (MR, or 1 for the tail), `countLocal` of them, starting at pa / crow. */
  const rowBlocks = (rows: number, countLocal: number): void => {
    code.get(countLocal).set(BLK);
    code.block().loop();
    code.get(BLK).i32Eqz().brIf(1);
    for (let r = 0; r < rows; r++) for (let v = 0; v < NV; v++) code.v128Zero().set(acc(r, v));
    code.get(BP).set(PB);
    code.get(K).set(KK);
    // The k loop (K ≥ 1, checked by the caller): acc[r][v] += splat(A[k][r]) · B[k][v].
    code.loop();
    for (let v = 0; v < NV; v++) code.get(PB).v128Load(16 * v).set(bv(v));
    for (let r = 0; r < rows; r++) {
      code.get(PA).v128Load32Splat(4 * r).set(splat);
      for (let v = 0; v < NV; v++) code.get(acc(r, v)).get(splat).get(bv(v)).f32x4Mul().f32x4Add().set(acc(r, v));
    }
    code.addTo(PA, 4 * rows).addTo(PB, 4 * NR);
    code.get(KK).i32(1).i32Sub().set(KK);
    code.get(KK).brIf(0);
    code.end();
    // Store the tile: row r at crow + r·ldc.
    code.get(CROW).set(ADDR);
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < NV; v++) code.get(ADDR).get(acc(r, v)).v128Store(16 * v);
      code.get(ADDR).get(LDC).i32Add().set(ADDR);
    }
    code.get(ADDR).set(CROW);
    code.get(BLK).i32(1).i32Sub().set(BLK);
    code.br(0);
    code.end().end();
  };

  // ldc = P·NR·4 bytes (C's padded row), bStep = K·NR·4 bytes (one B panel).
  code.get(P).i32(4 * NR).i32Mul().set(LDC);
  code.get(K).i32(4 * NR).i32Mul().set(B_STEP);
  code.get(B).set(BP);
  code.get(C).set(CP);
  code.get(P).set(P_LEFT);
  code.block().loop();
  code.get(P_LEFT).i32Eqz().brIf(1);
  code.get(A).set(PA);
  code.get(CP).set(CROW);
  rowBlocks(MR, M_BLOCKS);
  rowBlocks(1, M_TAIL);
  code.get(BP).get(B_STEP).i32Add().set(BP);
  code.addTo(CP, 4 * NR);
  code.get(P_LEFT).i32(1).i32Sub().set(P_LEFT);
  code.br(0);
  code.end().end();

  return encodeModule([{
    exportName: 'sgemm',
    params: [I32, I32, I32, I32, I32, I32, I32],
    locals: [[FIRST_V128 - BP, I32], [MR * NV + NV + 1, V128]],
    body: code,
  }, {
    exportName: 'packB',
    params: [I32, I32, I32, I32, I32],
    locals: [[5, I32], [1, V128]],
    body: packBBody(NV),
  }, {
    exportName: 'packBT',
    params: [I32, I32, I32, I32, I32],
    locals: [[4 * NV + 7, I32], [8, V128]],
    body: packBTBody(NV),
  }]);
}

/**
 * `packBT(src, dst, K, panels, k4)`: the same panels from a B stored transposed, [N][K] row-major at src (the
 * gemmNT operand): panel p = rows p·NR … p·NR+NR−1 of src. Each group of 4 rows × 4 k is loaded as 4 vectors
 * and transposed with 8 shuffles (the classic 4×4 transpose: interleave pairs, then halves), giving the 4
 * k-rows of the panel. Handles the first 4·k4 values of k; the caller packs the K mod 4 rest.
 */
function packBTBody(NV: number): Code {
  const NR = 4 * NV;
  const SRC = 0, DST = 1, KP = 2, PANELS = 3, K4 = 4;
  const row = (i: number): number => 5 + i; // NR row pointers
  const S = 5 + NR, D = S + 1, DK = S + 2, KL = S + 3, PL = S + 4, PSTEP = S + 5, ROWB = S + 6;
  const v = (i: number): number => 0 + ROWB + 1 + i; // v0..v3, then t0..t3
  const c = new Code();
  c.get(KP).i32(4 * NR).i32Mul().set(PSTEP);
  c.get(KP).i32(4).i32Mul().set(ROWB);
  c.get(SRC).set(S).get(DST).set(D).get(PANELS).set(PL);
  c.block().loop();
  c.get(PL).i32Eqz().brIf(1);
  for (let i = 0; i < NR; i++) {
    c.get(S);
    if (i > 0) c.get(ROWB).i32(i).i32Mul().i32Add();
    c.set(row(i));
  }
  c.get(D).set(DK).get(K4).set(KL);
  c.block().loop();
  c.get(KL).i32Eqz().brIf(1);
  for (let g = 0; g < NV; g++) {
    for (let q = 0; q < 4; q++) c.get(row(4 * g + q)).v128Load(0).set(v(q));
    // t0 = (v0[0], v1[0], v0[1], v1[1]), t1 = (v0[2], v1[2], v0[3], v1[3]); t2, t3 likewise from v2, v3.
    c.get(v(0)).get(v(1)).shuffleF32([0, 4, 1, 5]).set(v(4));
    c.get(v(0)).get(v(1)).shuffleF32([2, 6, 3, 7]).set(v(5));
    c.get(v(2)).get(v(3)).shuffleF32([0, 4, 1, 5]).set(v(6));
    c.get(v(2)).get(v(3)).shuffleF32([2, 6, 3, 7]).set(v(7));
    // k-row q of the panel, columns 4g … 4g+3 = (v0[q], v1[q], v2[q], v3[q]).
    c.get(DK).get(v(4)).get(v(6)).shuffleF32([0, 1, 4, 5]).v128Store(16 * g);
    c.get(DK).get(v(4)).get(v(6)).shuffleF32([2, 3, 6, 7]).v128Store(4 * NR + 16 * g);
    c.get(DK).get(v(5)).get(v(7)).shuffleF32([0, 1, 4, 5]).v128Store(8 * NR + 16 * g);
    c.get(DK).get(v(5)).get(v(7)).shuffleF32([2, 3, 6, 7]).v128Store(12 * NR + 16 * g);
  }
  for (let i = 0; i < NR; i++) c.addTo(row(i), 16);
  c.addTo(DK, 16 * NR);
  c.get(KL).i32(1).i32Sub().set(KL);
  c.br(0);
  c.end().end();
  c.get(S).get(ROWB).i32(NR).i32Mul().i32Add().set(S);
  c.get(D).get(PSTEP).i32Add().set(D);
  c.get(PL).i32(1).i32Sub().set(PL);
  c.br(0);
  c.end().end();
  return c;
}

/**
 * `packB(src, dst, K, ldb, panels)`: copies the first panels·NR columns of a row-major B (row stride ldb bytes)
 * at src into panels [K][NR] at dst. Row k outer, panels inner, so B is read sequentially (reading it panel by
 * panel would touch a new page on every row: measured 2× slower). The caller packs a partial last panel.
 */
function packBBody(NV: number): Code {
  const NR = 4 * NV;
  const SRC = 0, DST = 1, KP = 2, LDB = 3, PANELS = 4;
  const S = 5, D = 6, KL = 7, PL = 8, PSTEP = 9, TMP = 10;
  const c = new Code();
  c.get(KP).i32(4 * NR).i32Mul().set(PSTEP);
  c.get(KP).set(KL);
  c.block().loop();
  c.get(KL).i32Eqz().brIf(1);
  c.get(SRC).set(S).get(DST).set(D).get(PANELS).set(PL);
  c.block().loop();
  c.get(PL).i32Eqz().brIf(1);
  for (let v = 0; v < NV; v++) c.get(S).v128Load(16 * v).set(TMP).get(D).get(TMP).v128Store(16 * v);
  c.addTo(S, 4 * NR);
  c.get(D).get(PSTEP).i32Add().set(D);
  c.get(PL).i32(1).i32Sub().set(PL);
  c.br(0);
  c.end().end();
  c.get(SRC).get(LDB).i32Add().set(SRC);
  c.addTo(DST, 4 * NR);
  c.get(KL).i32(1).i32Sub().set(KL);
  c.br(0);
  c.end().end();
  return c;
}

/** A module with one function using a v128 instruction: validates only where wasm SIMD is supported. */
export function simdProbeBytes(): Uint8Array {
  const code = new Code().v128Zero().get(0).v128Load32Splat(0).f32x4Add().set(1);
  return encodeModule([{ exportName: 'probe', params: [I32], locals: [[1, V128]], body: code }]);
}
