// Portable micro-kernel of the GEMM: a 2×24 tile of C held in a local array that GCC and Clang keep in vector
// registers and vectorise for the baseline ISA of the build (SSE2 on x86-64, NEON on AArch64). Used where neither
// AVX-512F nor AVX2+FMA is available, and forced by LSTM_TS_CPU_ISA=generic in tests.
// Why 2×24: the 16 xmm registers of SSE2 hold 12 accumulator vectors plus the B row. The first choice, 4×16 (16
// accumulators), spilled to the stack: a small LSTM training step took 242 ms. Measured on the dev VM (forced
// generic, best of 40 calls): 4×16 242 ms, 8×8 187, 4×8 79, 6×8 73–75, 3×16 64–72, 2×32 57–69, 2×24 51–61.
// -DLSTMTS_GEN_MR=… -DLSTMTS_GEN_NR=… override it for such measurements.
#include <cmath>

#include "gemm_kernels.h"

namespace lstmts {
namespace gemm {
namespace {

#ifndef LSTMTS_GEN_MR
#define LSTMTS_GEN_MR 2
#define LSTMTS_GEN_NR 24
#endif
constexpr int MR = LSTMTS_GEN_MR, NR = LSTMTS_GEN_NR;

void ukr_generic(int64_t kc, const float* __restrict Ap, const float* __restrict Bp, float* __restrict C, int64_t ldc,
              float beta, const float* pf, int64_t pfBytes) {
  (void)pf;  // the portable kernel leaves prefetching to the hardware
  (void)pfBytes;
  float acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; k++) {
    for (int r = 0; r < MR; r++) {
      const float a = Ap[r];
      for (int c = 0; c < NR; c++) acc[r][c] += a * Bp[c];
    }
    Ap += MR;
    Bp += NR;
  }
  for (int r = 0; r < MR; r++) {
    float* row = C + r * ldc;
    if (beta == 0.0f)
      for (int c = 0; c < NR; c++) row[c] = acc[r][c];
    else if (beta == 1.0f)
      for (int c = 0; c < NR; c++) row[c] = acc[r][c] + row[c];
    else
      for (int c = 0; c < NR; c++) row[c] = std::fma(beta, row[c], acc[r][c]);
  }
}

const KernelInfo kInfo{MR, NR, ukr_generic};

}  // namespace

const KernelInfo* kernel_generic() { return &kInfo; }

}  // namespace gemm
}  // namespace lstmts
