// The one BLAS routine the CPU kernel needs. With a real CBLAS (OpenBLAS) found by CMake this is <cblas.h>;
// without one, a plain-loop sgemm (blas_fallback.cpp) with the same row-major signature keeps the addon
// buildable (slow, reported as blas: false by lt.native.info()).
#pragma once
#ifdef LSTMTS_HAVE_CBLAS
#include <cblas.h>
#else
enum CBLAS_ORDER { CblasRowMajor = 101, CblasColMajor = 102 };
enum CBLAS_TRANSPOSE { CblasNoTrans = 111, CblasTrans = 112 };
void lstmts_fallback_sgemm(CBLAS_ORDER order, CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int M, int N, int K, float alpha,
                           const float* A, int lda, const float* B, int ldb, float beta, float* C, int ldc);
#define cblas_sgemm lstmts_fallback_sgemm
#endif
