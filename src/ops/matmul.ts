// matmul: 2-D [M,K]·[K,N] and batched [...,M,K]·[...,K,N] (equal batch dims, or a 2-D right operand shared
// by every batch, as in x·kernel for x [B,T,I]). Backward: gA = gY·Bᵀ, gB = Aᵀ·gY (summed over batches
// when B was shared).

import { Tensor, allocate } from '../tensor/tensor.js';
import { shapeStr, fail, sizeOf } from '../tensor/shape.js';
import { record } from '../autograd/node.js';
import { checkDtypes } from './elementwise.js';
import { gemm, gemmNT, gemmTN } from './gemm.js';

export function matmul(a: Tensor, b: Tensor): Tensor {
  checkDtypes('matmul', a, b);
  if (a.rank < 2 || b.rank < 2) fail('matmul', `both operands need rank ≥ 2, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  const M = a.shape[a.rank - 2];
  const K = a.shape[a.rank - 1];
  const K2 = b.shape[b.rank - 2];
  const N = b.shape[b.rank - 1];
  if (K !== K2) fail('matmul', `inner dimensions differ: a is ${shapeStr(a.shape)}, b is ${shapeStr(b.shape)} (${K} vs ${K2})`);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const sharedB = b.rank === 2;
  if (!sharedB && shapeStr(batchA) !== shapeStr(batchB)) {
    fail('matmul', `batch dimensions differ: a is ${shapeStr(a.shape)}, b is ${shapeStr(b.shape)} (b may also be 2-D)`);
  }
  const batch = sizeOf(batchA);
  const out = allocate(a.dtype, batch * M * N);
  if (sharedB) {
    // [..., M, K]·[K, N] is one big GEMM with batch·M rows.
    gemm(a.data, 0, b.data, 0, out, 0, batch * M, K, N, false);
  } else {
    for (let p = 0; p < batch; p++) gemm(a.data, p * M * K, b.data, p * K * N, out, p * M * N, M, K, N, false);
  }
  const y = new Tensor(out, [...batchA, M, N]);
  return record('matmul', [a, b], y, (gy) => {
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (a.requiresGrad) {
      const d = allocate(a.dtype, a.size);
      if (sharedB) gemmNT(gy.data, 0, b.data, 0, d, 0, batch * M, N, K, false);
      else for (let p = 0; p < batch; p++) gemmNT(gy.data, p * M * N, b.data, p * K * N, d, p * M * K, M, N, K, false);
      ga = new Tensor(d, a.shape);
    }
    if (b.requiresGrad) {
      const d = allocate(b.dtype, b.size);
      if (sharedB) gemmTN(a.data, 0, gy.data, 0, d, 0, K, batch * M, N, false);
      else for (let p = 0; p < batch; p++) gemmTN(a.data, p * M * K, gy.data, p * M * N, d, p * K * N, K, M, N, false);
      gb = new Tensor(d, b.shape);
    }
    return [ga, gb];
  });
}
