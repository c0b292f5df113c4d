// Measures one core's single-precision FMA peak: register-resident FMA chains (no loads), enough independent
// accumulators to cover the FMA latency, for AVX-512 (16 lanes) and AVX2 (8 lanes). The best of 7 repetitions is
// reported in GFLOP/s (2 FLOPs per lane per FMA). docs/benchmarks.md compares the kernels' GFLOP/s with it.
//   bash scripts/bench-gemm.sh (or: g++ -O2 -mavx512f -mfma bench/native/fma_peak.cpp -o /tmp/fma_peak && /tmp/fma_peak)
#include <immintrin.h>

#include <chrono>
#include <cstdio>
#include <cstring>

template <typename V, typename Fma>
double run(Fma fma, V init, int lanes) {
  constexpr int ACC = 24;  // ≥ latency (4) × FMA ports (2)
  double best = 0;
  for (int rep = 0; rep < 7; rep++) {
    V acc[ACC];
    for (int i = 0; i < ACC; i++) acc[i] = init;
    const V m = init;
    const long iters = 20'000'000;
    const auto t0 = std::chrono::steady_clock::now();
    for (long it = 0; it < iters; it++) {
#pragma GCC unroll 24
      for (int i = 0; i < ACC; i++) acc[i] = fma(acc[i], m, m);
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    volatile float sink = 0;  // uses every chain, so none can be dropped
    for (int i = 0; i < ACC; i++) {
      float first;
      std::memcpy(&first, &acc[i], sizeof(float));
      sink = sink + first;
    }
    const double gf = 2.0 * lanes * ACC * double(iters) / s / 1e9;
    if (gf > best) best = gf;
  }
  return best;
}


int main() {
  const double p512 = run<__m512>([](__m512 a, __m512 b, __m512 c) { return _mm512_fmadd_ps(a, b, c); },
                                  _mm512_set1_ps(0.999999f), 16);
  const double p256 = run<__m256>([](__m256 a, __m256 b, __m256 c) { return _mm256_fmadd_ps(a, b, c); },
                                  _mm256_set1_ps(0.999999f), 8);
  std::printf("{\"avx512GflopsPerCore\": %.1f, \"avx2GflopsPerCore\": %.1f}\n", p512, p256);
  return 0;
}
