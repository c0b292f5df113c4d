// Row-major sgemm by plain loops, used only when CMake found no CBLAS. C = alpha·op(A)·op(B) + beta·C.
#include "blas.h"
#ifndef LSTMTS_HAVE_CBLAS
#include <cstddef>
#include <vector>
void lstmts_fallback_sgemm(CBLAS_ORDER, CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int M, int N, int K, float alpha,
                           const float* A, int lda, const float* B, int ldb, float beta, float* C, int ldc) {
  std::vector<float> acc(static_cast<size_t>(N));
  for (int i = 0; i < M; i++) {
    for (int j = 0; j < N; j++) acc[j] = 0.0f;
    for (int k = 0; k < K; k++) {
      const float a = ta == CblasNoTrans ? A[(long)i * lda + k] : A[(long)k * lda + i];
      if (tb == CblasNoTrans) {
        const float* br = B + (long)k * ldb;
        for (int j = 0; j < N; j++) acc[j] += a * br[j];
      } else {
        for (int j = 0; j < N; j++) acc[j] += a * B[(long)j * ldb + k];
      }
    }
    float* cr = C + (long)i * ldc;
    for (int j = 0; j < N; j++) cr[j] = alpha * acc[j] + (beta == 0.0f ? 0.0f : beta * cr[j]);
  }
}
#endif
