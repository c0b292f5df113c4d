// GFLOP/s of lstm-ts's GEMM (native/core/gemm.h) on the shapes the LSTM kernel runs, optionally side by side with
// OpenBLAS's cblas_sgemm (interleaved: ours, theirs, ours, ... so that a drift of the machine hits both). Used to
// decide whether OpenBLAS is worth keeping as an option (docs/benchmarks.md "GEMM").
//   bash scripts/bench-gemm.sh [threads]  (builds this against the core, with -DWITH_OPENBLAS when libopenblas is installed)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "threads.h"
#ifdef WITH_OPENBLAS
#include <cblas.h>
extern "C" void openblas_set_num_threads(int);
#endif

using clk = std::chrono::steady_clock;

struct Shape {
  const char* name;
  bool ta, tb;
  int64_t M, N, K;
  bool packed;  // ours: B packed once outside the timing (the recurrent kernel, and dZ, which the backward writes
                // straight into the packed layout), A·B per call
};

int main(int argc, char** argv) {
  const int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  lstmts::threads::set_num_threads(threads);
#ifdef WITH_OPENBLAS
  openblas_set_num_threads(threads);
#endif
  const Shape shapes[] = {
      {"medium input X·K  (6400x2048x256)", false, false, 6400, 2048, 256, false},
      {"medium step [x|h]·[K;R] (64x2048x768), packed", false, false, 64, 2048, 768, true},
      {"medium step h·R (64x2048x512)", false, false, 64, 2048, 512, false},
      {"medium backward step dz·[Rt|Kt] (64x768x2048), packed", false, false, 64, 768, 2048, true},
      {"medium dK = Xt·dZ (256x2048x6400)", true, false, 256, 2048, 6400, false},
      {"medium dK = Xt·dZ (256x2048x6400), packed dZ", true, false, 256, 2048, 6400, true},
      {"medium dR = Ht·dZ (512x2048x6400), packed dZ", true, false, 512, 2048, 6400, true},
      {"medium dx = dZ·Kt (6400x256x2048)", false, true, 6400, 256, 2048, false},
      {"small step [x|h]·[K;R] (32x512x192), packed", false, false, 32, 512, 192, true},
      {"small dR = Ht·dZ (128x512x1600)", true, false, 128, 512, 1600, false},
      {"small dR = Ht·dZ (128x512x1600), packed dZ", true, false, 128, 512, 1600, true},
      {"small dK = Xt·dZ (64x512x1600), packed dZ", true, false, 64, 512, 1600, true},
  };
  std::printf("isa %s, %d thread(s)\n", lstmts::gemm::isa_name(lstmts::gemm::active_isa()), threads);
  for (const Shape& s : shapes) {
    const int64_t lda = s.ta ? s.M : s.K, ldb = s.tb ? s.K : s.N;
    std::vector<float> A(s.M * s.K), B(s.K * s.N), C(s.M * s.N);
    for (auto& x : A) x = float(std::rand()) / RAND_MAX - 0.5f;
    for (auto& x : B) x = float(std::rand()) / RAND_MAX - 0.5f;
    lstmts::gemm::PackedB P;
    if (s.packed) P.pack(false, s.K, s.N, B.data(), ldb);
    const double flop = 2.0 * s.M * s.N * s.K;
    const int reps = std::max(3, int(2e9 / flop));
    auto ours = [&] {
      if (s.packed && s.ta) lstmts::gemm::gemm_packed_b(true, s.M, A.data(), lda, P, 0.0f, C.data(), s.N);
      else if (s.packed) lstmts::gemm::gemm_packed(s.M, A.data(), lda, s.K, nullptr, 0, P, 0.0f, C.data(), s.N);
      else lstmts::gemm::sgemm(s.ta, s.tb, s.M, s.N, s.K, A.data(), lda, B.data(), ldb, 0.0f, C.data(), s.N);
    };
#ifdef WITH_OPENBLAS
    auto theirs = [&] {
      cblas_sgemm(CblasRowMajor, s.ta ? CblasTrans : CblasNoTrans, s.tb ? CblasTrans : CblasNoTrans, s.M, s.N, s.K,
                  1.0f, A.data(), lda, B.data(), ldb, 0.0f, C.data(), s.N);
    };
#endif
    std::vector<double> t_ours, t_theirs;
    ours();
    for (int rnd = 0; rnd < 7; rnd++) {
      auto t0 = clk::now();
      for (int r = 0; r < reps; r++) ours();
      t_ours.push_back(std::chrono::duration<double>(clk::now() - t0).count() / reps);
#ifdef WITH_OPENBLAS
      t0 = clk::now();
      for (int r = 0; r < reps; r++) theirs();
      t_theirs.push_back(std::chrono::duration<double>(clk::now() - t0).count() / reps);
#endif
    }
    std::sort(t_ours.begin(), t_ours.end());
    std::printf("%-48s ours %6.1f GFLOP/s", s.name, flop / t_ours[3] / 1e9);
    if (!t_theirs.empty()) {
      std::sort(t_theirs.begin(), t_theirs.end());
      std::printf("   OpenBLAS %6.1f GFLOP/s   ours/OpenBLAS speed %.2fx", flop / t_theirs[3] / 1e9, t_theirs[3] / t_ours[3]);
    }
    std::printf("\n");
  }
  return 0;
}
