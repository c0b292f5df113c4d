// AVX-512F micro-kernel of the GEMM: an 8×32 tile of C in 16 zmm accumulators. Per k it loads two vectors of the
// B panel and broadcasts eight A values (embedded-broadcast operands of the FMAs), 16 FMAs against 10 loads; the
// 16 independent accumulators cover the 4-cycle FMA latency at one or two zmm FMAs per cycle (Zen 4, Skylake-X).
// This file alone is compiled with -mavx512f -mfma (CMakeLists.txt); it runs only when the CPU reports AVX-512F.
#include "gemm_kernels.h"

#if defined(__AVX512F__)
#include <immintrin.h>

namespace lstmts {
namespace gemm {
namespace {

constexpr int MR = 8, NR = 32;

void ukr_8x32(int64_t kc, const float* __restrict Ap, const float* __restrict Bp, float* __restrict C, int64_t ldc,
              float beta, const float* pf, int64_t pfBytes) {
  __m512 c00 = _mm512_setzero_ps(), c01 = _mm512_setzero_ps(), c10 = _mm512_setzero_ps(), c11 = _mm512_setzero_ps();
  __m512 c20 = _mm512_setzero_ps(), c21 = _mm512_setzero_ps(), c30 = _mm512_setzero_ps(), c31 = _mm512_setzero_ps();
  __m512 c40 = _mm512_setzero_ps(), c41 = _mm512_setzero_ps(), c50 = _mm512_setzero_ps(), c51 = _mm512_setzero_ps();
  __m512 c60 = _mm512_setzero_ps(), c61 = _mm512_setzero_ps(), c70 = _mm512_setzero_ps(), c71 = _mm512_setzero_ps();
  const char* pfc = reinterpret_cast<const char*>(pf);
  for (int64_t k = 0; k < kc; k++) {
    if (pfc && k * 64 < pfBytes) __builtin_prefetch(pfc + k * 64, 0, 2);
    const __m512 b0 = _mm512_loadu_ps(Bp), b1 = _mm512_loadu_ps(Bp + 16);
    __m512 a;
    a = _mm512_set1_ps(Ap[0]); c00 = _mm512_fmadd_ps(a, b0, c00); c01 = _mm512_fmadd_ps(a, b1, c01);
    a = _mm512_set1_ps(Ap[1]); c10 = _mm512_fmadd_ps(a, b0, c10); c11 = _mm512_fmadd_ps(a, b1, c11);
    a = _mm512_set1_ps(Ap[2]); c20 = _mm512_fmadd_ps(a, b0, c20); c21 = _mm512_fmadd_ps(a, b1, c21);
    a = _mm512_set1_ps(Ap[3]); c30 = _mm512_fmadd_ps(a, b0, c30); c31 = _mm512_fmadd_ps(a, b1, c31);
    a = _mm512_set1_ps(Ap[4]); c40 = _mm512_fmadd_ps(a, b0, c40); c41 = _mm512_fmadd_ps(a, b1, c41);
    a = _mm512_set1_ps(Ap[5]); c50 = _mm512_fmadd_ps(a, b0, c50); c51 = _mm512_fmadd_ps(a, b1, c51);
    a = _mm512_set1_ps(Ap[6]); c60 = _mm512_fmadd_ps(a, b0, c60); c61 = _mm512_fmadd_ps(a, b1, c61);
    a = _mm512_set1_ps(Ap[7]); c70 = _mm512_fmadd_ps(a, b0, c70); c71 = _mm512_fmadd_ps(a, b1, c71);
    Ap += MR;
    Bp += NR;
  }
  const __m512 vb = _mm512_set1_ps(beta);
  auto store = [&](int r, __m512 lo, __m512 hi) {
    float* row = C + r * ldc;
    if (beta == 0.0f) {
      _mm512_storeu_ps(row, lo);
      _mm512_storeu_ps(row + 16, hi);
    } else {
      _mm512_storeu_ps(row, _mm512_fmadd_ps(vb, _mm512_loadu_ps(row), lo));
      _mm512_storeu_ps(row + 16, _mm512_fmadd_ps(vb, _mm512_loadu_ps(row + 16), hi));
    }
  };
  store(0, c00, c01); store(1, c10, c11); store(2, c20, c21); store(3, c30, c31);
  store(4, c40, c41); store(5, c50, c51); store(6, c60, c61); store(7, c70, c71);
}

const KernelInfo kInfo{MR, NR, ukr_8x32};

}  // namespace

const KernelInfo* kernel_avx512() { return &kInfo; }

}  // namespace gemm
}  // namespace lstmts
#else
namespace lstmts {
namespace gemm {
const KernelInfo* kernel_avx512() { return nullptr; }
}  // namespace gemm
}  // namespace lstmts
#endif
