// The GEMM driver (gemm.h): run-time choice of micro-kernel, packing, blocking and the split between threads.
//
// BLIS's loop nest (Van Zee & van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS Functionality",
// ACM TOMS 2015): for each KC×NC block of op(B) packed into NR-column micro-panels, for each MC×KC block of op(A)
// packed into MR-row micro-panels, the micro-kernel updates every MR×NR tile of C. Packing makes both operands
// contiguous and zero-padded to whole tiles, so the micro-kernel has no edge cases and streams memory in order;
// edge tiles of C are computed into a small buffer and merged.
//
// Threads split the MC row blocks and groups of B panels of each block (never K), so every element of C is the
// sum of the same products in the same order whatever the thread count: results are bit-identical across thread
// counts (the determinism test in native/core/test_gemm.cpp and test/kernels/native-determinism.test.ts).
#include "gemm.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "gemm_kernels.h"
#include "threads.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

namespace lstmts {
namespace gemm {
namespace {

#ifndef LSTMTS_KC
#define LSTMTS_KC 256
#endif
#ifndef LSTMTS_MC
#define LSTMTS_MC 96
#endif
constexpr int64_t KC = LSTMTS_KC;   // depth of a packed block: a B micro-panel of KC×NR is 16–32 KB (L1)
constexpr int64_t MC = LSTMTS_MC;    // rows of a packed A block (MC×KC ≈ 96 KB, L2); a multiple of 4, 6 and 8
constexpr int64_t NC = 4096;  // columns of a packed B block (KC×NC = 4 MB, L3)
#ifndef LSTMTS_MC_PACKED_B
#define LSTMTS_MC_PACKED_B 264
#endif
// Rows of an A block in gemm_packed_b (the weight gradients Xᵀ·dZ, H_prevᵀ·dZ). There B is all of dZ, and each
// KC-deep block of it (2 MB for the medium config) is larger than L2, so it comes from L3 once per A block:
// 256 rows in one block instead of 96 + 96 + 64 made medium dK = Xᵀ·dZ 5 % faster and dR 4 % (docs/benchmarks.md
// "Aligned panels"). Changes no bits: the row blocking never changes an element's sum. A multiple of 4, 6 and 8.
constexpr int64_t MC_PACKED_B = LSTMTS_MC_PACKED_B;

bool cpu_has(Isa isa) {
#if defined(__x86_64__) || defined(__i386__)
  // __builtin_cpu_supports checks CPUID and, for AVX / AVX-512, that the OS saves the ymm/zmm state (XGETBV).
  if (isa == Isa::Avx512) return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
  if (isa == Isa::Avx2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  return isa == Isa::Generic;
}

const KernelInfo* kernel_of(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return kernel_avx512();
    case Isa::Avx2: return kernel_avx2();
    default: return kernel_generic();
  }
}

Isa best_isa() {
  for (Isa i : {Isa::Avx512, Isa::Avx2})
    if (isa_supported(i)) return i;
  return Isa::Generic;
}

std::string g_env_problem;
std::atomic<int> g_isa{-1};  // -1: not yet chosen

Isa current() {
  int v = g_isa.load(std::memory_order_relaxed);
  if (v < 0) {
    Isa chosen = best_isa();
    if (const char* e = std::getenv("LSTM_TS_CPU_ISA"); e && *e) {
      Isa want;
      if (!parse_isa(e, &want))
        g_env_problem = std::string("LSTM_TS_CPU_ISA='") + e + "' is not one of generic, avx2, avx512; using " + isa_name(chosen);
      else if (!isa_supported(want))
        g_env_problem = std::string("LSTM_TS_CPU_ISA=") + e + " is not supported by this CPU or build; using " + isa_name(chosen);
      else
        chosen = want;
    }
    v = static_cast<int>(chosen);
    g_isa.store(v);
  }
  return static_cast<Isa>(v);
}

// Grow-only, 64-byte-aligned per-thread packing buffers (slot 0: A blocks, slot 1: B blocks).
float* buffer(int slot, size_t n) {
  struct Buf {
    float* p = nullptr;
    size_t n = 0;
    ~Buf() { std::free(p); }
  };
  thread_local Buf bufs[2];
  Buf& b = bufs[slot];
  if (b.n < n) {
    std::free(b.p);
    b.p = nullptr;
    b.n = 0;
    const size_t bytes = ((n * sizeof(float) + 63) / 64) * 64;
    b.p = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (!b.p) throw std::bad_alloc();
    b.n = n;
  }
  return b.p;
}

// Rows k0 .. k0+kn of op(B) ([K, N]; op(B)[k][j] = trans ? B[j*ldb + k] : B[k*ldb + j]), columns j0 .. j0+nc, into
// NR-column micro-panels of `stride_k` rows: dst[p*stride_k*nr + k*nr + c] = op(B)[k0+k][j0 + p*nr + c], zero beyond
// column j0+nc. sgemm packs whole blocks (stride_k = kn); PackedB may fill one block's panels from two segments,
// each at its row offset inside the block (stride_k = the block's depth).
void pack_b(const float* B, int64_t ldb, bool trans, int64_t k0, int64_t kn, int64_t j0, int64_t nc, int nr,
            int64_t stride_k, float* dst) {
  const int64_t panels = (nc + nr - 1) / nr;
  for (int64_t p = 0; p < panels; p++) {
    float* d = dst + p * stride_k * nr;
    const int64_t jb = j0 + p * nr, w = std::min<int64_t>(nr, j0 + nc - jb);
    if (!trans) {
      for (int64_t k = 0; k < kn; k++) {
        float* dk = d + k * nr;
        std::memcpy(dk, B + (k0 + k) * ldb + jb, sizeof(float) * w);
        for (int64_t c = w; c < nr; c++) dk[c] = 0.0f;
      }
    } else {
      for (int64_t c = 0; c < w; c++) {
        const float* s = B + (jb + c) * ldb + k0;
        for (int64_t k = 0; k < kn; k++) d[k * nr + c] = s[k];
      }
      for (int64_t c = w; c < nr; c++)
        for (int64_t k = 0; k < kn; k++) d[k * nr + c] = 0.0f;
    }
  }
}

// Columns [ka, kb) of R = 8 or 6 rows (rows[r][k]) into an R-row micro-panel, dst[(k - ka)*R + r], four columns
// at a time in SSE registers: rows 0..3 by a 4×4 transpose, rows 4..7 by another (R = 8) or rows 4, 5 interleaved
// in pairs (R = 6); for R = 8, 8 vector loads and 8 vector stores per 32 floats instead of 32 scalar moves each
// way (the per-step A operand, [x_t | h] or dz_t, was ~7 % of a small training step when packed element by
// element). A copy, so the packed values (and the GEMM's bits) are unchanged. Returns the
// first column not packed (the caller finishes the kb − ka mod 4 rest); baseline SSE2 on x86-64, none elsewhere.
template <int R>  // 8 (the AVX-512 kernel's panels) or 6 (the AVX2 kernel's)
int64_t pack_rows(const float* const* rows, int64_t ka, int64_t kb, float* dst) {
  static_assert(R == 8 || R == 6, "pack_rows: 8 or 6 rows");
  int64_t k = ka;
#if defined(__SSE2__)
  for (; k + 4 <= kb; k += 4) {
    float* d = dst + (k - ka) * R;
    __m128 a0 = _mm_loadu_ps(rows[0] + k), a1 = _mm_loadu_ps(rows[1] + k), a2 = _mm_loadu_ps(rows[2] + k),
           a3 = _mm_loadu_ps(rows[3] + k);
    _MM_TRANSPOSE4_PS(a0, a1, a2, a3);  // a_j = rows 0..3 at column k + j
    _mm_storeu_ps(d, a0);
    _mm_storeu_ps(d + R, a1);
    _mm_storeu_ps(d + 2 * R, a2);
    _mm_storeu_ps(d + 3 * R, a3);
    if constexpr (R == 8) {
      __m128 b0 = _mm_loadu_ps(rows[4] + k), b1 = _mm_loadu_ps(rows[5] + k), b2 = _mm_loadu_ps(rows[6] + k),
             b3 = _mm_loadu_ps(rows[7] + k);
      _MM_TRANSPOSE4_PS(b0, b1, b2, b3);  // b_j = rows 4..7 at column k + j
      _mm_storeu_ps(d + 4, b0);
      _mm_storeu_ps(d + 12, b1);
      _mm_storeu_ps(d + 20, b2);
      _mm_storeu_ps(d + 28, b3);
    } else {
      const __m128 b4 = _mm_loadu_ps(rows[4] + k), b5 = _mm_loadu_ps(rows[5] + k);
      const __m128 lo = _mm_unpacklo_ps(b4, b5);  // rows 4, 5 at columns k, k + 1
      const __m128 hi = _mm_unpackhi_ps(b4, b5);  // rows 4, 5 at columns k + 2, k + 3
      _mm_storel_pi(reinterpret_cast<__m64*>(d + 4), lo);
      _mm_storeh_pi(reinterpret_cast<__m64*>(d + 10), lo);
      _mm_storel_pi(reinterpret_cast<__m64*>(d + 16), hi);
      _mm_storeh_pi(reinterpret_cast<__m64*>(d + 22), hi);
    }
  }
#else
  (void)rows;
  (void)kb;
  (void)dst;
#endif
  return k;
}

// Rows i0 .. i0+mc of op(A), columns k0 .. k0+kc, into MR-row micro-panels: dst[q*kc*mr + k*mr + r], zero beyond
// row M (passed as mc ending early). Non-transposed A may come in two column segments: columns < K1 from A1, the
// rest from A2 (gemm_packed's [x_t | h]).
void pack_a(const float* A1, int64_t lda1, int64_t K1, const float* A2, int64_t lda2, bool trans, int64_t i0, int64_t mc,
            int64_t k0, int64_t kc, int mr, float* dst) {
  const int64_t panels = (mc + mr - 1) / mr;
  for (int64_t q = 0; q < panels; q++) {
    float* d = dst + q * kc * mr;
    const int64_t ib = i0 + q * mr, h = std::min<int64_t>(mr, i0 + mc - ib);
    if (trans) {  // op(A)[i][k] = A1[k*lda1 + i]: contiguous in the row index
      if (h == 8 && mr == 8) {  // full AVX-512 panels: one fixed-size (inlined) 32-byte copy per k
        for (int64_t k = 0; k < kc; k++) std::memcpy(d + k * 8, A1 + (k0 + k) * lda1 + ib, 8 * sizeof(float));
        continue;
      }
      for (int64_t k = 0; k < kc; k++) {
        const float* s = A1 + (k0 + k) * lda1 + ib;
        float* dk = d + k * mr;
        for (int64_t r = 0; r < h; r++) dk[r] = s[r];
        for (int64_t r = h; r < mr; r++) dk[r] = 0.0f;
      }
      continue;
    }
    // k outer, rows inner: mr sequential read streams and one contiguous write stream. The part of [k0, k0+kc)
    // inside segment 1 comes from A1, the rest from A2.
    const float* rows[16];
    const int64_t e1 = std::max(k0, std::min(k0 + kc, K1));
    for (int seg = 0; seg < 2; seg++) {
      const int64_t ka = seg == 0 ? k0 : e1, kb = seg == 0 ? e1 : k0 + kc;
      if (ka >= kb) continue;
      for (int64_t r = 0; r < h; r++)
        rows[r] = seg == 0 ? A1 + (ib + r) * lda1 : A2 + (ib + r) * lda2 - K1;
      int64_t k = ka;
      if (h == mr && mr == 8) k = pack_rows<8>(rows, ka, kb, d + (ka - k0) * 8);  // full panels only
      if (h == mr && mr == 6) k = pack_rows<6>(rows, ka, kb, d + (ka - k0) * 6);
      for (; k < kb; k++) {
        float* dk = d + (k - k0) * mr;
        for (int64_t r = 0; r < h; r++) dk[r] = rows[r][k];
        for (int64_t r = h; r < mr; r++) dk[r] = 0.0f;
      }
    }
  }
}

// Where the columns of C go: [0, n1) to c (row stride ldc) and [n1, N) to c2 (ldc2). Without a split, n1 ≥ N.
// gemm_packed's split lets the LSTM backward write [dL/dh_{t−1} | dx_t] = dz_t·[Rᵀ | Kᵀ] straight into its two
// outputs instead of through a buffer.
struct Dest {
  float* c;
  int64_t ldc, n1;
  float* c2;
  int64_t ldc2;
  Dest rows_from(int64_t i) const { return {c + i * ldc, ldc, n1, c2 ? c2 + i * ldc2 : nullptr, ldc2}; }
  float& at(int64_t r, int64_t j) const { return j < n1 ? c[r * ldc + j] : c2[r * ldc2 + (j - n1)]; }
};

// Every tile of C[0..mc, panels p0..p1) from a packed A block and the packed B block of the same kc: C += or = .
// Edge tiles (and a tile that straddles the two destinations) go through a buffer and are merged with the same
// arithmetic as the micro-kernel's store.
void macro(const KernelInfo& ki, int64_t mc, int64_t kc, const float* Ap, const float* Bp, int64_t p0, int64_t p1,
           int64_t ncols, float beta, const Dest& C) {
  const int mr = ki.mr, nr = ki.nr;
  alignas(64) float tile[8 * 32];  // ≥ the largest MR×NR
  const int64_t panel_bytes = kc * nr * int64_t(sizeof(float));
  const int64_t row_panels = (mc + mr - 1) / mr;
  // Each micro-kernel call prefetches its share of the next B micro-panel into L2. When B is larger than L2 (the
  // recurrent kernel of H = 512 is 6 MB) the panel otherwise arrives from L3 on demand during the first call that
  // uses it, and the micro-kernel stalls on it.
  const int64_t share = ((panel_bytes / row_panels + 63) / 64) * 64;
  for (int64_t p = p0; p < p1; p++) {
    const float* bp = Bp + p * kc * nr;
    const char* next = p + 1 < p1 ? reinterpret_cast<const char*>(bp + kc * nr) : nullptr;
    const int64_t j0 = p * nr, w = std::min<int64_t>(nr, ncols - j0);
    const bool first = j0 + w <= C.n1, second = j0 >= C.n1;  // the panel lies in one destination
    float* const cbase = second ? C.c2 + (j0 - C.n1) : C.c + j0;
    const int64_t ldc = second ? C.ldc2 : C.ldc;
    for (int64_t ir = 0; ir < mc; ir += mr) {
      const int64_t h = std::min<int64_t>(mr, mc - ir);
      const int64_t from = (ir / mr) * share;
      const float* pf = next && from < panel_bytes ? reinterpret_cast<const float*>(next + from) : nullptr;
      const int64_t pf_bytes = std::min(share, panel_bytes - from);
      if (h == mr && w == nr && (first || second)) {
        float* const ct = cbase + ir * ldc;
        // beta ≠ 0 (every K block after the first): the call ends by reading its C tile, which the previous K
        // block wrote one pass over all of B ago. For the medium step B is 6 MB, more than L2, so the tile has
        // gone to L3 and its loads would stall the epilogue. Requested now, they overlap the call's k loop: −1 to
        // −4 % on a medium inference, −3.6 % on a medium training step (docs/benchmarks.md "C tile prefetch").
        if (beta != 0.0f)
          for (int r = 0; r < mr; r++)
            for (int64_t b = 0; b < nr * int64_t(sizeof(float)); b += 64)
              __builtin_prefetch(reinterpret_cast<const char*>(ct + r * ldc) + b, 1, 3);
        ki.fn(kc, Ap + ir * kc, bp, ct, ldc, beta, pf, pf_bytes);
        continue;
      }
      ki.fn(kc, Ap + ir * kc, bp, tile, nr, 0.0f, pf, pf_bytes);
      for (int64_t r = 0; r < h; r++)
        for (int64_t j = 0; j < w; j++) {
          const float t = tile[r * nr + j];
          float& out = C.at(ir + r, j0 + j);
          out = beta == 0.0f ? t : (beta == 1.0f ? t + out : std::fma(beta, out, t));
        }
    }
  }
}

// C (+)= op([A1 | A2]) · B for the B panels [p0, p1) of an already packed B (all of K): every K block in order,
// op(A) packed per K block and row block of up to mcMax rows, on the calling thread. gemm_packed (the per-step
// products) and each thread of gemm_packed_b (the weight gradients) run this; the bits are those of sgemm.
void packed_b_product(const KernelInfo& ki, int64_t M, int64_t mcMax, const float* A1, int64_t lda1, int64_t K1,
                      const float* A2, int64_t lda2, bool transA, const PackedB& Bp, int64_t p0, int64_t p1, float beta,
                      const Dest& C) {
  const int mr = ki.mr;
  const int64_t K = Bp.K();
  float* Ap = buffer(0, static_cast<size_t>(((std::min(M, mcMax) + mr - 1) / mr) * mr * KC));
  for (int64_t pc = 0; pc < K; pc += KC) {
    const int64_t kc = std::min(KC, K - pc);
    for (int64_t i0 = 0; i0 < M; i0 += mcMax) {
      const int64_t mc = std::min(mcMax, M - i0);
      pack_a(A1, lda1, K1, A2, lda2, transA, i0, mc, pc, kc, mr, Ap);
      macro(ki, mc, kc, Ap, Bp.data() + pc * Bp.npad(), p0, p1, Bp.N(), pc == 0 ? beta : 1.0f, C.rows_from(i0));
    }
  }
}

void scale(int64_t M, int64_t N, float beta, float* C, int64_t ldc) {
  for (int64_t r = 0; r < M; r++)
    for (int64_t c = 0; c < N; c++) C[r * ldc + c] = beta == 0.0f ? 0.0f : beta * C[r * ldc + c];
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "generic";
  }
}

bool parse_isa(const char* name, Isa* out) {
  const std::string s(name ? name : "");
  if (s == "generic") *out = Isa::Generic;
  else if (s == "avx2") *out = Isa::Avx2;
  else if (s == "avx512") *out = Isa::Avx512;
  else return false;
  return true;
}

bool isa_supported(Isa isa) { return kernel_of(isa) != nullptr && cpu_has(isa); }

Isa active_isa() { return current(); }

bool set_isa(Isa isa) {
  current();  // resolve the environment first, so that its message stays meaningful
  if (!isa_supported(isa)) return false;
  g_isa.store(static_cast<int>(isa));
  return true;
}

const char* isa_env_problem() {
  current();
  return g_env_problem.c_str();
}

int tile_rows() { return kernel_of(current())->mr; }
int tile_cols() { return kernel_of(current())->nr; }

namespace {
// Threads only where a product has enough work to repay waking them (≈ 50 µs of single-core work).
int threads_for(int64_t M, int64_t N, int64_t K) {
  const double flops = 2.0 * double(M) * double(N) * double(K);
  return flops < 4e6 ? 1 : threads::num_threads();
}

// C[0..M, 0..nc) (+)= op(A)[:, pc..pc+kc) · one packed B block (`panels` micro-panels of kc×NR): the tasks are the
// MC row blocks × groups of panels, each packing its A block and running the micro-kernel over its tiles.
void multiply_block(const KernelInfo& ki, int nt, bool transA, const float* A, int64_t lda, int64_t K, int64_t M,
                    int64_t pc, int64_t kc, const float* Bp, int64_t panels, int64_t nc, float b_eff, float* C, int64_t ldc) {
  const int mr = ki.mr;
  const int64_t mblocks = (M + MC - 1) / MC;
  // Column groups: enough tasks for every thread even when M is a single block (the recurrent-size products).
  const int64_t groups = std::max<int64_t>(1, std::min<int64_t>(panels, (nt + mblocks - 1) / mblocks * 2));
  const int64_t per = (panels + groups - 1) / groups;
  auto task = [&](int t) {
    const int64_t mb = t / groups, g = t % groups;
    const int64_t i0 = mb * MC, mc = std::min(MC, M - i0);
    const int64_t p0 = g * per, p1 = std::min(panels, p0 + per);
    if (p0 >= p1) return;
    float* Ap = buffer(0, static_cast<size_t>(((mc + mr - 1) / mr) * mr * kc));
    pack_a(A, lda, K, nullptr, 0, transA, i0, mc, pc, kc, mr, Ap);
    macro(ki, mc, kc, Ap, Bp, p0, p1, nc, b_eff, Dest{C + i0 * ldc, ldc, nc, nullptr, 0});
  };
  const int ntasks = static_cast<int>(mblocks * groups);
  if (nt == 1) for (int t = 0; t < ntasks; t++) task(t);
  else threads::parallel_for(ntasks, task);
}
}  // namespace

void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
           int64_t ldb, float beta, float* C, int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    scale(M, N, beta, C, ldc);
    return;
  }
  const KernelInfo& ki = *kernel_of(current());
  const int nr = ki.nr;
  const int nt = threads_for(M, N, K);
  for (int64_t jc = 0; jc < N; jc += NC) {
    const int64_t nc = std::min(NC, N - jc);
    const int64_t panels = (nc + nr - 1) / nr;
    for (int64_t pc = 0; pc < K; pc += KC) {
      const int64_t kc = std::min(KC, K - pc);
      // The B block is packed once per (jc, pc) into the caller's buffer and shared read-only by the tasks.
      float* Bp = buffer(1, static_cast<size_t>(kc * panels * nr));
      const int pack_tasks = nt == 1 ? 1 : static_cast<int>(std::min<int64_t>(panels, nt * 4));
      const int64_t ppt = (panels + pack_tasks - 1) / pack_tasks;
      auto pack_task = [&](int t) {
        const int64_t q0 = t * ppt, q1 = std::min(panels, q0 + ppt);
        if (q0 < q1) pack_b(B, ldb, transB, pc, kc, jc + q0 * nr, std::min(nc, q1 * nr) - q0 * nr, nr, kc, Bp + q0 * kc * nr);
      };
      if (nt == 1) pack_task(0);
      else threads::parallel_for(pack_tasks, pack_task);
      multiply_block(ki, nt, transA, A, lda, K, M, pc, kc, Bp, panels, nc, pc == 0 ? beta : 1.0f, C + jc, ldc);
    }
  }
}

namespace {
// Storage of destroyed PackedB objects, per thread, largest last; a few entries (the LSTM forward and backward
// each hold one at a time; the GRU and SimpleRNN two), so that no more than their working set stays allocated.
constexpr size_t kPackCacheEntries = 4;
std::vector<AlignedFloats>& pack_cache() {
  thread_local std::vector<AlignedFloats> cache;
  return cache;
}
}  // namespace

PackedB::~PackedB() {
  if (data_.capacity() == 0) return;
  auto& cache = pack_cache();
  cache.push_back(std::move(data_));
  std::sort(cache.begin(), cache.end(), [](const AlignedFloats& a, const AlignedFloats& b) { return a.capacity() < b.capacity(); });
  if (cache.size() > kPackCacheEntries) cache.erase(cache.begin());  // drop the smallest
}

void PackedB::reserve_storage(size_t need) {
  if (data_.capacity() < need) {
    // The smallest cached buffer that is large enough (its old contents are overwritten by the caller).
    auto& cache = pack_cache();
    for (size_t i = 0; i < cache.size(); i++) {
      if (cache[i].capacity() >= need) {
        data_ = std::move(cache[i]);
        cache.erase(cache.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    }
  }
  data_.resize(need);
}

void PackedB::pack(bool trans1, int64_t K1, int64_t N, const float* B1, int64_t ldb1, bool trans2, int64_t K2,
                   const float* B2, int64_t ldb2) {
  const Isa isa = current();
  const KernelInfo& ki = *kernel_of(isa);
  isa_ = isa;
  nr_ = ki.nr;
  if (B2 == nullptr) K2 = 0;
  K_ = K1 + K2;
  N_ = N;
  npad_ = ((N + nr_ - 1) / nr_) * nr_;
  reserve_storage(static_cast<size_t>(K_ * npad_));  // every element, padding included, is written by pack_b
  // Block pc (rows pc .. pc+kc) starts at pc·npad; inside it, panels of kc×NR. A block may straddle the two
  // segments, so it is packed row by row from whichever segment holds the row.
  for (int64_t pc = 0; pc < K_; pc += KC) {
    const int64_t kc = std::min(KC, K_ - pc);
    float* blk = data_.data() + pc * npad_;
    // The rows of this block that come from segment 1, then those from segment 2, each by pack_b.
    const int64_t e1 = std::max(pc, std::min(pc + kc, K1));
    if (e1 > pc) pack_b(B1, ldb1, trans1, pc, e1 - pc, 0, N, nr_, kc, blk);
    if (pc + kc > e1) pack_b(B2, ldb2, trans2, e1 - K1, pc + kc - e1, 0, N, nr_, kc, blk + (e1 - pc) * nr_);
  }
}

void PackedB::alloc(int64_t K, int64_t N) {
  const Isa isa = current();
  isa_ = isa;
  nr_ = kernel_of(isa)->nr;
  K_ = K;
  N_ = N;
  npad_ = ((N + nr_ - 1) / nr_) * nr_;
  reserve_storage(static_cast<size_t>(K_ * npad_));
}

void PackedB::set_row(int64_t k, const float* src) {
  // Row k sits in block pc = ⌊k/KC⌋·KC (depth kc), at depth k − pc in each of the block's micro-panels.
  const int64_t pc = (k / KC) * KC, kc = std::min(KC, K_ - pc), kk = k - pc;
  float* blk = data_.data() + pc * npad_ + kk * nr_;
  for (int64_t j0 = 0; j0 < N_; j0 += nr_) {
    float* d = blk + (j0 / nr_) * kc * nr_;
    const int64_t w = std::min<int64_t>(nr_, N_ - j0);
    std::memcpy(d, src + j0, sizeof(float) * w);
    for (int64_t c = w; c < nr_; c++) d[c] = 0.0f;
  }
}

void PackedB::column_sums(float* out) const {
  // Rows in ascending order for every column, as a loop over the rows of the unpacked matrix would add them.
  // Columns are independent, so threads take whole panels (all of K each): the same bits for any thread count.
  if (N_ <= 0) return;
  const int64_t panels = npad_ / nr_;
  const int nt = K_ * N_ < (int64_t(1) << 18) ? 1 : std::min<int>(threads::num_threads(), static_cast<int>(panels));
  const int64_t per = (panels + nt - 1) / nt;
  auto task = [&](int g) {
    for (int64_t q = g * per; q < std::min(panels, (g + 1) * per); q++) {
      const int64_t j0 = q * nr_, w = std::min<int64_t>(nr_, N_ - j0);
      float* __restrict o = out + j0;
      for (int64_t pc = 0; pc < K_; pc += KC) {
        const int64_t kc = std::min(KC, K_ - pc);
        const float* __restrict panel = data_.data() + pc * npad_ + q * kc * nr_;
        for (int64_t k = 0; k < kc; k++)
          for (int64_t c = 0; c < w; c++) o[c] += panel[k * nr_ + c];
      }
    }
  };
  if (nt <= 1) task(0);
  else threads::parallel_for(nt, task);
}

void gemm_packed_b(bool transA, int64_t M, const float* A, int64_t lda, const PackedB& Bp, float beta, float* C,
                   int64_t ldc) {
  const int64_t K = Bp.K(), N = Bp.N();
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    scale(M, N, beta, C, ldc);
    return;
  }
  if (Bp.isa() != current())
    throw std::logic_error("gemm_packed_b: B was packed for another micro-kernel (set_isa between pack and use)");
  const KernelInfo& ki = *kernel_of(Bp.isa());
  const int nt = threads_for(M, N, K);
  const int64_t panels = Bp.npad() / ki.nr;
  // Threads split the columns once for the whole product: each runs every K block over its own range of B panels
  // (packing the A blocks it needs itself), so there is one fork-join per product instead of one per K block,
  // which at 2 threads cost the small config's weight gradients ~5 % in waiting (docs/benchmarks.md "Weight
  // gradients split once between threads"). Every C element still gets the same K blocks in the same order as
  // sgemm, so the same bits as sgemm of the unpacked B, for any thread count.
  const int64_t groups = nt == 1 ? 1 : std::min<int64_t>(panels, nt);
  const int64_t per = (panels + groups - 1) / groups;
  auto task = [&](int g) {
    const int64_t p0 = g * per, p1 = std::min(panels, p0 + per);
    if (p0 < p1)
      packed_b_product(ki, M, MC_PACKED_B, A, lda, K, nullptr, 0, transA, Bp, p0, p1, beta, Dest{C, ldc, N, nullptr, 0});
  };
  if (groups == 1) task(0);
  else threads::parallel_for(static_cast<int>(groups), task);
}

void gemm_packed(int64_t M, const float* A1, int64_t lda1, int64_t K1, const float* A2, int64_t lda2, const PackedB& Bp,
                 float beta, float* C, int64_t ldc, int64_t N1, float* C2, int64_t ldc2) {
  if (M <= 0 || Bp.N() <= 0) return;
  const int64_t K = Bp.K(), N = Bp.N();
  if (K <= 0) {
    scale(M, N, beta, C, ldc);
    return;
  }
  if (Bp.isa() != current())
    throw std::logic_error("gemm_packed: B was packed for another micro-kernel (set_isa between pack and use)");
  const KernelInfo& ki = *kernel_of(Bp.isa());
  if (C2 == nullptr || N1 < 0 || N1 > N) N1 = N;  // no split
  packed_b_product(ki, M, MC, A1, lda1, K1, A2, lda2, false, Bp, 0, Bp.npad() / ki.nr, beta, Dest{C, ldc, N1, C2, ldc2});
}

}  // namespace gemm
}  // namespace lstmts
