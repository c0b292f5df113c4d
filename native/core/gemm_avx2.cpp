// AVX2+FMA micro-kernel of the GEMM: a 6×16 tile of C in 12 ymm accumulators (+2 for the B row, 1 broadcast:
// 15 of the 16 ymm registers), the classic Haswell shape. Compiled with -mavx2 -mfma (CMakeLists.txt); used when
// the CPU has AVX2 and FMA but not AVX-512F, or when forced.
#include "gemm_kernels.h"

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace lstmts {
namespace gemm {
namespace {

constexpr int MR = 6, NR = 16;

void ukr_6x16(int64_t kc, const float* __restrict Ap, const float* __restrict Bp, float* __restrict C, int64_t ldc,
              float beta, const float* pf, int64_t pfBytes) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
  __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(), c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
  __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  const char* pfc = reinterpret_cast<const char*>(pf);
  for (int64_t k = 0; k < kc; k++) {
    if (pfc && k * 64 < pfBytes) __builtin_prefetch(pfc + k * 64, 0, 2);
    const __m256 b0 = _mm256_loadu_ps(Bp), b1 = _mm256_loadu_ps(Bp + 8);
    __m256 a;
    a = _mm256_broadcast_ss(Ap + 0); c00 = _mm256_fmadd_ps(a, b0, c00); c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(Ap + 1); c10 = _mm256_fmadd_ps(a, b0, c10); c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(Ap + 2); c20 = _mm256_fmadd_ps(a, b0, c20); c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(Ap + 3); c30 = _mm256_fmadd_ps(a, b0, c30); c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(Ap + 4); c40 = _mm256_fmadd_ps(a, b0, c40); c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(Ap + 5); c50 = _mm256_fmadd_ps(a, b0, c50); c51 = _mm256_fmadd_ps(a, b1, c51);
    Ap += MR;
    Bp += NR;
  }
  const __m256 vb = _mm256_set1_ps(beta);
  auto store = [&](int r, __m256 lo, __m256 hi) {
    float* row = C + r * ldc;
    if (beta == 0.0f) {
      _mm256_storeu_ps(row, lo);
      _mm256_storeu_ps(row + 8, hi);
    } else {
      _mm256_storeu_ps(row, _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), lo));
      _mm256_storeu_ps(row + 8, _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), hi));
    }
  };
  store(0, c00, c01); store(1, c10, c11); store(2, c20, c21);
  store(3, c30, c31); store(4, c40, c41); store(5, c50, c51);
}

const KernelInfo kInfo{MR, NR, ukr_6x16};

}  // namespace

const KernelInfo* kernel_avx2() { return &kInfo; }

}  // namespace gemm
}  // namespace lstmts
#else
namespace lstmts {
namespace gemm {
const KernelInfo* kernel_avx2() { return nullptr; }
}  // namespace gemm
}  // namespace lstmts
#endif
