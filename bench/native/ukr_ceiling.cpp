// The ceiling of an AVX-512 GEMM micro-kernel on this machine, apart from the GEMM around it: register tiles of
// MR rows × 16·NV columns (the shape of native/core/gemm_avx512.cpp's 8×32 and others), run over and over on
// packed A and B panels that stay in L1, so that no cache miss, packing or edge enters. Also the 8×32 tile with
// the B loads or the A broadcasts taken out of the k loop, to see which of them costs. Compare with fma_peak
// (register-only FMA chains). docs/benchmarks.md "Micro-kernel ceiling".
//   g++ -O3 -march=native -std=gnu++17 bench/native/ukr_ceiling.cpp -o /tmp/ukr_ceiling && /tmp/ukr_ceiling
#include <initializer_list>
#include <immintrin.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdint>
template <int MR, int NV>
__attribute__((noinline)) void ukr(int64_t kc, const float* __restrict Ap, const float* __restrict Bp, float* __restrict C, int64_t ldc) {
  __m512 c[MR][NV];
  for (int r = 0; r < MR; r++) for (int v = 0; v < NV; v++) c[r][v] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; k++) {
    __m512 b[NV];
    for (int v = 0; v < NV; v++) b[v] = _mm512_loadu_ps(Bp + 16 * v);
    for (int r = 0; r < MR; r++) { __m512 a = _mm512_set1_ps(Ap[r]); for (int v = 0; v < NV; v++) c[r][v] = _mm512_fmadd_ps(a, b[v], c[r][v]); }
    Ap += MR; Bp += 16 * NV;
  }
  for (int r = 0; r < MR; r++) for (int v = 0; v < NV; v++) _mm512_storeu_ps(C + r * ldc + 16 * v, _mm512_add_ps(_mm512_loadu_ps(C + r * ldc + 16 * v), c[r][v]));
}
template <int MR, int NV> void bench(const char* name, int kc) {
  float* A = (float*)aligned_alloc(64, 4 * MR * kc); float* B = (float*)aligned_alloc(64, 64 * NV * kc); float* C = (float*)aligned_alloc(64, 64 * NV * MR);
  for (int i = 0; i < MR * kc; i++) A[i] = 1e-3f;
  for (int i = 0; i < 16 * NV * kc; i++) B[i] = 1e-3f;
  memset(C, 0, 64 * NV * MR);
  double best = 0;
  for (int rep = 0; rep < 7; rep++) {
    long iters = 200000000L / (MR * NV * kc);
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < iters; i++) ukr<MR, NV>(kc, A, B, C, 16 * NV);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double gf = 2.0 * MR * 16 * NV * kc * iters / s / 1e9; if (gf > best) best = gf;
  }
  printf("%s kc=%d: %.1f GF/s (C[0]=%g)\n", name, kc, best, C[0]);
}
template <int MODE>
__attribute__((noinline)) void ukr_mode(int64_t kc, const float* __restrict Ap, const float* __restrict Bp, float* __restrict C) {
  __m512 c[8][2];
  for (int r = 0; r < 8; r++) for (int v = 0; v < 2; v++) c[r][v] = _mm512_setzero_ps();
  __m512 b0 = _mm512_loadu_ps(Bp), b1 = _mm512_loadu_ps(Bp + 16);
  __m512 aa[8]; for (int r = 0; r < 8; r++) aa[r] = _mm512_set1_ps(Ap[r]);
  for (int64_t k = 0; k < kc; k++) {
    if (MODE != 1) { b0 = _mm512_loadu_ps(Bp); b1 = _mm512_loadu_ps(Bp + 16); }
    for (int r = 0; r < 8; r++) { __m512 a = MODE == 2 ? aa[r] : _mm512_set1_ps(Ap[r]); c[r][0] = _mm512_fmadd_ps(a, b0, c[r][0]); c[r][1] = _mm512_fmadd_ps(a, b1, c[r][1]); }
    Ap += 8; Bp += 32;
  }
  for (int r = 0; r < 8; r++) for (int v = 0; v < 2; v++) _mm512_storeu_ps(C + r * 32 + 16 * v, _mm512_add_ps(_mm512_loadu_ps(C + r * 32 + 16 * v), c[r][v]));
}
template <int MODE> void bench_mode(const char* name, int kc) {
  float* A = (float*)aligned_alloc(64, 4 * 8 * kc); float* B = (float*)aligned_alloc(64, 128 * kc); float* C = (float*)aligned_alloc(64, 4 * 256);
  for (int i = 0; i < 8 * kc; i++) A[i] = 1e-3f;
  for (int i = 0; i < 32 * kc; i++) B[i] = 1e-3f;
  memset(C, 0, 1024);
  double best = 0;
  for (int rep = 0; rep < 7; rep++) {
    long iters = 200000000L / (16 * kc);
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < iters; i++) ukr_mode<MODE>(kc, A, B, C);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double gf = 2.0 * 8 * 32 * kc * iters / s / 1e9; if (gf > best) best = gf;
  }
  printf("%s: %.1f GF/s (C[0]=%g)\n", name, best, C[0]);
}
int main() {
  for (int kc : {64, 128, 256}) {
    // a B panel of kc × 16·NV floats plus MR·kc of A must fit L1 (48 KB): the wide tiles only at the smaller kc
    bench<8, 2>("8x32", kc); bench<12, 2>("12x32", kc); bench<14, 2>("14x32", kc);
    bench<8, 3>("8x48", kc);
    if (kc <= 128) { bench<6, 4>("6x64", kc); bench<7, 4>("7x64", kc); bench<4, 6>("4x96", kc); }
  }
  bench_mode<0>("8x32, kc=256, loads of A and B", 256);
  bench_mode<1>("8x32, kc=256, A broadcasts only (B in registers)", 256);
  bench_mode<2>("8x32, kc=256, B loads only (A in registers)", 256);
}
