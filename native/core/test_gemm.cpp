// C++ test of the GEMM (gemm.h) against a float64 reference, for every micro-kernel this CPU can run:
//   1. sgemm over random shapes (edge tiles in M and N, K across the KC blocking), leading dimensions larger than
//      the matrices, all four transposes, beta 0 (C full of NaN: must not be read), 1 and 0.5;
//   2. PackedB + gemm_packed with one and two K-segments ([A1 | A2]·[B1; B2]), and with C split by columns
//      between two outputs (bit-identical to the unsplit product);
//   2b. a PackedB filled row by row (alloc + set_row, rows set in a shuffled order) + gemm_packed_b, both
//      transposes of A: against float64, bit-identical to sgemm of the unpacked B at 1 and 2 threads, and
//      column_sums bit-identical to the plain loop over rows;
//   3. determinism: bit-identical C for 1, 2, 3 and 4 threads, and rows computed in a call of their own (so that
//      they fall into different tiles, full or edge) equal to the same rows of a larger call.
// Error bound per element: |c − c64| ≤ 4·u·(K+2)·Σ_k |a_ik·b_kj| + |beta·c0|·u (u = 2^-24), the standard a-priori
// bound of a float32 dot product (Higham, Accuracy and Stability of Numerical Algorithms, §3.1) with slack 4.
// Exits 0 when every check passes, 1 otherwise.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "gemm.h"
#include "threads.h"

using lstmts::gemm::Isa;

namespace {

int failures = 0;
std::mt19937 rng(12345);

float urand() { return std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng); }
int64_t irand(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }

void check(bool ok, const char* what) {
  if (!ok) {
    failures++;
    std::printf("FAIL %s\n", what);
  }
}

struct Mat {
  int64_t rows, cols, ld;
  std::vector<float> v;
  Mat(int64_t r, int64_t c, int64_t extra) : rows(r), cols(c), ld(c + extra), v(static_cast<size_t>(r * (c + extra) + 1)) {
    for (auto& x : v) x = urand();
  }
  float at(int64_t r, int64_t c) const { return v[r * ld + c]; }
};

// op(X)[i][k]
float op(const Mat& m, bool tr, int64_t i, int64_t k) { return tr ? m.at(k, i) : m.at(i, k); }

bool compare(const char* what, int64_t M, int64_t N, int64_t K, const std::vector<float>& C, int64_t ldc,
             const std::vector<double>& ref, const std::vector<double>& mag, const std::vector<float>& c0, float beta) {
  const double u = std::ldexp(1.0, -24);
  double worst = 0;
  for (int64_t i = 0; i < M; i++)
    for (int64_t j = 0; j < N; j++) {
      const double got = C[i * ldc + j], want = ref[i * N + j];
      const double tol = 4 * u * double(K + 2) * mag[i * N + j] + (beta == 0.0f ? 0.0 : std::fabs(beta * c0[i * ldc + j]) * u * 4) + 1e-30;
      const double e = std::fabs(got - want) / tol;
      if (!(e <= 1.0)) {
        std::printf("  %s: C[%lld,%lld] = %.9g, float64 %.9g (|err| %.3g > bound %.3g)\n", what, (long long)i,
                    (long long)j, got, want, std::fabs(got - want), tol);
        return false;
      }
      worst = std::max(worst, e);
    }
  return true;
}

void test_sgemm(Isa isa, int rounds) {
  char name[160];
  for (int round = 0; round < rounds; round++) {
    const bool ta = irand(0, 1), tb = irand(0, 1);
    const int64_t M = irand(1, 150), N = irand(1, 150), K = irand(1, 2) == 1 ? irand(1, 40) : irand(200, 700);
    const float betas[3] = {0.0f, 1.0f, 0.5f};
    const float beta = betas[irand(0, 2)];
    Mat A(ta ? K : M, ta ? M : K, irand(0, 5)), B(tb ? N : K, tb ? K : N, irand(0, 5));
    const int64_t ldc = N + irand(0, 7);
    std::vector<float> C(static_cast<size_t>(M * ldc)), c0;
    for (auto& x : C) x = beta == 0.0f ? NAN : urand();
    c0 = C;
    std::vector<double> ref(static_cast<size_t>(M * N)), mag(static_cast<size_t>(M * N));
    for (int64_t i = 0; i < M; i++)
      for (int64_t j = 0; j < N; j++) {
        double s = 0, m = 0;
        for (int64_t k = 0; k < K; k++) {
          const double p = double(op(A, ta, i, k)) * double(op(B, tb, k, j));
          s += p;
          m += std::fabs(p);
        }
        ref[i * N + j] = s + (beta == 0.0f ? 0.0 : double(beta) * c0[i * ldc + j]);
        mag[i * N + j] = m;
      }
    lstmts::gemm::sgemm(ta, tb, M, N, K, A.v.data(), A.ld, B.v.data(), B.ld, beta, C.data(), ldc);
    std::snprintf(name, sizeof name, "%s sgemm ta=%d tb=%d M=%lld N=%lld K=%lld beta=%g", lstmts::gemm::isa_name(isa), ta,
                  tb, (long long)M, (long long)N, (long long)K, beta);
    check(compare(name, M, N, K, C, ldc, ref, mag, c0, beta), name);
    // Padding columns of C (j ≥ N) must be left alone.
    bool pad_ok = true;
    for (int64_t i = 0; i < M; i++)
      for (int64_t j = N; j < ldc; j++)
        if (std::memcmp(&C[i * ldc + j], &c0[i * ldc + j], sizeof(float)) != 0) pad_ok = false;
    check(pad_ok, "sgemm wrote outside C's N columns");
  }
  // K = 0: C = beta·C.
  std::vector<float> C = {1, 2, 3, 4};
  lstmts::gemm::sgemm(false, false, 2, 2, 0, nullptr, 1, nullptr, 2, 0.5f, C.data(), 2);
  check(C[0] == 0.5f && C[3] == 2.0f, "sgemm K=0 must give beta·C");
}

void test_packed(Isa isa, int rounds) {
  char name[160];
  for (int round = 0; round < rounds; round++) {
    const int64_t M = irand(1, 70), N = irand(1, 130), K1 = irand(1, 300), K2 = irand(0, 1) ? 0 : irand(1, 300);
    const bool t1 = irand(0, 1), t2 = irand(0, 1);
    const float beta = irand(0, 1) ? 0.0f : 1.0f;
    Mat A1(M, K1, irand(0, 3)), A2(M, K2 == 0 ? 1 : K2, irand(0, 3));
    Mat B1(t1 ? N : K1, t1 ? K1 : N, irand(0, 3)), B2(t2 ? N : (K2 ? K2 : 1), t2 ? (K2 ? K2 : 1) : N, irand(0, 3));
    lstmts::gemm::PackedB P;
    P.pack(t1, K1, N, B1.v.data(), B1.ld, t2, K2, K2 ? B2.v.data() : nullptr, B2.ld);
    std::vector<float> C(static_cast<size_t>(M * N)), c0;
    for (auto& x : C) x = beta == 0.0f ? NAN : urand();
    c0 = C;
    std::vector<double> ref(static_cast<size_t>(M * N)), mag(static_cast<size_t>(M * N));
    for (int64_t i = 0; i < M; i++)
      for (int64_t j = 0; j < N; j++) {
        double s = 0, m = 0;
        for (int64_t k = 0; k < K1 + K2; k++) {
          const double p = k < K1 ? double(A1.at(i, k)) * op(B1, t1, k, j) : double(A2.at(i, k - K1)) * op(B2, t2, k - K1, j);
          s += p;
          m += std::fabs(p);
        }
        ref[i * N + j] = s + (beta == 0.0f ? 0.0 : double(c0[i * N + j]));
        mag[i * N + j] = m;
      }
    lstmts::gemm::gemm_packed(M, A1.v.data(), A1.ld, K1, A2.v.data(), A2.ld, P, beta, C.data(), N);
    std::snprintf(name, sizeof name, "%s gemm_packed M=%lld N=%lld K1=%lld K2=%lld t1=%d t2=%d beta=%g",
                  lstmts::gemm::isa_name(isa), (long long)M, (long long)N, (long long)K1, (long long)K2, t1, t2, beta);
    check(compare(name, M, N, K1 + K2, C, N, ref, mag, c0, beta), name);
    // The same product with its columns split between two outputs at N1 (any column, mid-panel included):
    // the same bits in both parts, nothing written outside them.
    const int64_t N1 = irand(0, N), ldc1 = N1 + irand(0, 3), ldc2 = (N - N1) + irand(0, 3);
    std::vector<float> S1(static_cast<size_t>(M * ldc1 + 1), -7.0f), S2(static_cast<size_t>(M * ldc2 + 1), -7.0f);
    for (int64_t i = 0; i < M; i++) {
      for (int64_t j = 0; j < N1; j++) S1[i * ldc1 + j] = c0[i * N + j];
      for (int64_t j = N1; j < N; j++) S2[i * ldc2 + j - N1] = c0[i * N + j];
    }
    lstmts::gemm::gemm_packed(M, A1.v.data(), A1.ld, K1, A2.v.data(), A2.ld, P, beta, S1.data(), ldc1, N1, S2.data(), ldc2);
    bool same = true, outside = true;
    for (int64_t i = 0; i < M; i++) {
      for (int64_t j = 0; j < N; j++) {
        const float got = j < N1 ? S1[i * ldc1 + j] : S2[i * ldc2 + j - N1];
        if (std::memcmp(&got, &C[i * N + j], sizeof(float)) != 0) same = false;
      }
      for (int64_t j = N1; j < ldc1; j++) outside = outside && S1[i * ldc1 + j] == -7.0f;
      for (int64_t j = N - N1; j < ldc2; j++) outside = outside && S2[i * ldc2 + j] == -7.0f;
    }
    check(same, "gemm_packed split between two outputs differs from the unsplit product");
    check(outside, "gemm_packed split wrote outside its two outputs");
  }
}

void test_row_filled(Isa isa, int rounds) {
  char name[160];
  for (int round = 0; round < rounds; round++) {
    const bool ta = irand(0, 1);
    // M past 264 (gemm_packed_b's row block) in every fourth round, so that several A blocks meet one B
    const int64_t M = round % 4 == 0 ? irand(265, 600) : irand(1, 140), N = irand(1, 130);
    const int64_t K = irand(0, 1) ? irand(1, 60) : irand(250, 900);
    const float beta = irand(0, 1) ? 0.0f : 1.0f;
    Mat A(ta ? K : M, ta ? M : K, irand(0, 3)), B(K, N, 0);
    lstmts::gemm::PackedB P;
    P.alloc(K, N);
    std::vector<int64_t> order(static_cast<size_t>(K));
    for (int64_t k = 0; k < K; k++) order[k] = k;
    std::shuffle(order.begin(), order.end(), rng);  // every row exactly once, in any order
    for (int64_t k : order) P.set_row(k, B.v.data() + k * B.ld);
    std::vector<float> C(static_cast<size_t>(M * N)), c0;
    for (auto& x : C) x = beta == 0.0f ? NAN : urand();
    c0 = C;
    std::vector<double> ref(static_cast<size_t>(M * N)), mag(static_cast<size_t>(M * N));
    for (int64_t i = 0; i < M; i++)
      for (int64_t j = 0; j < N; j++) {
        double s = 0, m = 0;
        for (int64_t k = 0; k < K; k++) {
          const double p = double(op(A, ta, i, k)) * double(B.at(k, j));
          s += p;
          m += std::fabs(p);
        }
        ref[i * N + j] = s + (beta == 0.0f ? 0.0 : double(c0[i * N + j]));
        mag[i * N + j] = m;
      }
    std::snprintf(name, sizeof name, "%s gemm_packed_b ta=%d M=%lld N=%lld K=%lld beta=%g", lstmts::gemm::isa_name(isa),
                  ta, (long long)M, (long long)N, (long long)K, beta);
    for (int nt : {1, 2}) {
      lstmts::threads::set_num_threads(nt);
      std::vector<float> got = c0, want = c0;
      lstmts::gemm::gemm_packed_b(ta, M, A.v.data(), A.ld, P, beta, got.data(), N);
      check(compare(name, M, N, K, got, N, ref, mag, c0, beta), name);
      lstmts::gemm::sgemm(ta, false, M, N, K, A.v.data(), A.ld, B.v.data(), B.ld, beta, want.data(), N);
      check(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)) == 0, "gemm_packed_b differs from sgemm");
    }
    lstmts::threads::set_num_threads(0);
    std::vector<float> sums(static_cast<size_t>(N), 0.5f), plain(static_cast<size_t>(N), 0.5f);
    P.column_sums(sums.data());
    for (int64_t k = 0; k < K; k++)
      for (int64_t j = 0; j < N; j++) plain[j] += B.at(k, j);
    check(std::memcmp(sums.data(), plain.data(), sums.size() * sizeof(float)) == 0, "column_sums differs from the row loop");
  }
}

// column_sums on a B large enough to be split between threads (K·N ≥ 2^18): the same bits as the row loop at
// 1 and 2 threads, with a partial last panel.
void test_column_sums_threads() {
  const int64_t K = 2100, N = 141;
  Mat B(K, N, 0);
  lstmts::gemm::PackedB P;
  P.alloc(K, N);
  for (int64_t k = 0; k < K; k++) P.set_row(k, B.v.data() + k * B.ld);
  std::vector<float> plain(static_cast<size_t>(N), 0.25f);
  for (int64_t k = 0; k < K; k++)
    for (int64_t j = 0; j < N; j++) plain[j] += B.at(k, j);
  for (int nt : {1, 2}) {
    lstmts::threads::set_num_threads(nt);
    std::vector<float> sums(static_cast<size_t>(N), 0.25f);
    P.column_sums(sums.data());
    check(std::memcmp(sums.data(), plain.data(), sums.size() * sizeof(float)) == 0,
          "column_sums on a large B differs from the row loop");
  }
  lstmts::threads::set_num_threads(0);
}

void test_determinism(Isa isa) {
  const int64_t M = 203, N = 517, K = 611;
  Mat A(M, K, 3), B(K, N, 1);
  std::vector<float> first;
  for (int nt : {1, 2, 3, 4}) {
    lstmts::threads::set_num_threads(nt);
    std::vector<float> C(static_cast<size_t>(M * N));
    lstmts::gemm::sgemm(false, false, M, N, K, A.v.data(), A.ld, B.v.data(), B.ld, 0.0f, C.data(), N);
    if (first.empty()) first = C;
    else check(std::memcmp(first.data(), C.data(), C.size() * sizeof(float)) == 0, "sgemm differs between thread counts");
  }
  lstmts::threads::set_num_threads(0);
  // The recurrent kernels hand each thread a slice of the batch: rows r0.. of a call of their own must equal the
  // same rows of the whole call, bit for bit, whichever tile (full or edge) they land in.
  lstmts::gemm::PackedB P;
  P.pack(false, K, N, B.v.data(), B.ld);
  std::vector<float> whole(static_cast<size_t>(M * N));
  lstmts::gemm::gemm_packed(M, A.v.data(), A.ld, K, nullptr, 0, P, 0.0f, whole.data(), N);
  for (int64_t r0 : {1, 5, 13, 64}) {
    std::vector<float> part(static_cast<size_t>((M - r0) * N));
    lstmts::gemm::gemm_packed(M - r0, A.v.data() + r0 * A.ld, A.ld, K, nullptr, 0, P, 0.0f, part.data(), N);
    check(std::memcmp(part.data(), whole.data() + r0 * N, part.size() * sizeof(float)) == 0,
          "gemm_packed rows differ when computed in another tile");
  }
  // And gemm_packed equals sgemm of the same operands, bit for bit (same blocking, same kernel).
  std::vector<float> C(static_cast<size_t>(M * N));
  lstmts::gemm::sgemm(false, false, M, N, K, A.v.data(), A.ld, B.v.data(), B.ld, 0.0f, C.data(), N);
  check(std::memcmp(C.data(), whole.data(), C.size() * sizeof(float)) == 0, "gemm_packed differs from sgemm");
  std::printf("  %s: determinism checks done\n", lstmts::gemm::isa_name(isa));
}

}  // namespace

int main() {
  int tested = 0;
  for (Isa isa : {Isa::Generic, Isa::Avx2, Isa::Avx512}) {
    if (!lstmts::gemm::set_isa(isa)) {
      std::printf("skip %s: not supported by this CPU or build\n", lstmts::gemm::isa_name(isa));
      continue;
    }
    tested++;
    const int before = failures;
    test_sgemm(isa, 60);
    test_packed(isa, 40);
    test_row_filled(isa, 30);
    test_column_sums_threads();
    test_determinism(isa);
    std::printf("%s %s (tile %dx%d)\n", failures == before ? "ok  " : "FAIL", lstmts::gemm::isa_name(isa),
                lstmts::gemm::tile_rows(), lstmts::gemm::tile_cols());
  }
  std::printf("%d micro-kernel(s) tested, %d failure(s)\n", tested, failures);
  return failures == 0 && tested > 0 ? 0 : 1;
}
