// lstm-ts's own single-precision GEMM (no system BLAS): BLIS-style packed panels and a register-blocked
// micro-kernel per instruction set, chosen at run time by CPU feature detection (docs/native.md "The GEMM").
//
//   C[M,N] = op(A)[M,K] · op(B)[K,N] + beta · C        row-major, beta ∈ {0, 1, any}; beta = 0 never reads C
//
// Three micro-kernels: AVX-512F (8×32 tile, 16 zmm accumulators), AVX2+FMA (6×16, 12 ymm), and a portable C++
// one (2×24) that the compiler vectorises for the baseline ISA (SSE2 on x86-64, NEON on AArch64). The best one
// the CPU and OS support is used unless $LSTM_TS_CPU_ISA (generic | avx2 | avx512) or set_isa() says otherwise.
//
// Determinism: every element of C is computed by one thread, always in the same k order (the K blocking is a
// constant, never split between threads), and a tile on the matrix edge does the same arithmetic as a full one.
// So the same inputs give bit-identical results for every thread count and every split of M or N; results do
// differ between micro-kernels (FMA vs separate multiply-add, in the generic one).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

namespace lstmts {
namespace gemm {

enum class Isa { Generic = 0, Avx2 = 1, Avx512 = 2 };

const char* isa_name(Isa isa);
/// Parses "generic" | "avx2" | "avx512"; false for anything else.
bool parse_isa(const char* name, Isa* out);
/// Whether this build has the micro-kernel and this CPU (and OS) can run it.
bool isa_supported(Isa isa);
/// The micro-kernel in use: $LSTM_TS_CPU_ISA when set and supported, else the best supported.
Isa active_isa();
/// Selects a micro-kernel; false (and nothing changes) when it is not supported here.
bool set_isa(Isa isa);
/// Why $LSTM_TS_CPU_ISA was not honoured ("" when it was, or is unset).
const char* isa_env_problem();

/// Tile of the active micro-kernel (rows × columns of C per call).
int tile_rows();
int tile_cols();

/// Dense C = op(A)·op(B) + beta·C. K = 0 gives C = beta·C. Runs on the thread pool (threads.h) when the
/// product is large enough to gain from it.
void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
           int64_t ldb, float beta, float* C, int64_t ldc);

/// Allocator of cache-line (64-byte) aligned storage. The micro-kernels load B and store C 64 bytes at a time;
/// std::vector's default storage is only 16-byte aligned, and then every one of those loads and stores spans
/// two cache lines (a split access costs a second L1 access), which made the same product 5–10 % slower
/// depending on where the heap happened to place the buffer (docs/benchmarks.md "Aligned panels").
template <class T>
struct CacheAligned {
  using value_type = T;
  CacheAligned() = default;
  template <class U>
  CacheAligned(const CacheAligned<U>&) noexcept {}
  T* allocate(size_t n) {
    const size_t bytes = ((n * sizeof(T) + 63) / 64) * 64;  // aligned_alloc wants a multiple of the alignment
    void* p = std::aligned_alloc(64, bytes == 0 ? 64 : bytes);
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) noexcept { std::free(p); }
  template <class U>
  bool operator==(const CacheAligned<U>&) const noexcept { return true; }
  template <class U>
  bool operator!=(const CacheAligned<U>&) const noexcept { return false; }
};
/// float storage for packed panels and kernel scratch: 64-byte aligned.
using AlignedFloats = std::vector<float, CacheAligned<float>>;

/// B packed once into the active micro-kernel's panels, for products repeated with the same B — the recurrent
/// kernel over T steps. Built from one or two K-segments stacked along K ([B1; B2]), so that [x_t | h]·[K; R]
/// is one product instead of two passes over C.
class PackedB {
 public:
  PackedB() = default;
  PackedB(const PackedB&) = delete;
  PackedB& operator=(const PackedB&) = delete;
  /// Hands the storage back to a small per-thread cache, which the next pack() on this thread reuses: the
  /// recurrent kernels pack 6 MB per call (medium config), and an allocation of that size is fresh pages from
  /// the OS (one page fault per 4 KiB) every call.
  ~PackedB();
  /// op(B1) is [K1, N]; op(B2) (optional, B2 == nullptr for none) is [K2, N].
  void pack(bool trans1, int64_t K1, int64_t N, const float* B1, int64_t ldb1, bool trans2 = false, int64_t K2 = 0,
            const float* B2 = nullptr, int64_t ldb2 = 0);
  /// Storage for a [K, N] B that the caller fills row by row with set_row (the LSTM backward's dZ, produced one
  /// step at a time), so that a product over all of it (the weight gradients) needs no packing pass of its own.
  /// Contents are undefined until every row has been set.
  void alloc(int64_t K, int64_t N);
  /// Row k of B (N floats) into its place in the panels (padding columns zeroed). Distinct rows may be set from
  /// different threads at once.
  void set_row(int64_t k, const float* src);
  /// out[j] += Σ_k B[k][j], adding the rows in ascending k (the same bits as that loop over the unpacked rows).
  void column_sums(float* out) const;
  int64_t K() const { return K_; }
  int64_t N() const { return N_; }
  const float* data() const { return data_.data(); }
  int nr() const { return nr_; }
  Isa isa() const { return isa_; }
  int64_t npad() const { return npad_; }

 private:
  void reserve_storage(size_t need);
  AlignedFloats data_;
  int64_t K_ = 0, N_ = 0, npad_ = 0;
  int nr_ = 0;
  Isa isa_ = Isa::Generic;
};

/// C[M,N] = op(A)·Bp + beta·C, with all of B already packed (K = Bp.K()); threaded like sgemm and bit-identical
/// to sgemm of the unpacked B. op(A) is [M, K]: A is [M, K] (lda) or, transposed, [K, M].
void gemm_packed_b(bool transA, int64_t M, const float* A, int64_t lda, const PackedB& Bp, float beta, float* C,
                   int64_t ldc);

/// C[M,N] = [A1 | A2]·Bp + beta·C on the calling thread only (the recurrent kernels split the batch between
/// threads themselves). A1 is [M, K1] (row stride lda1), A2 is [M, K - K1] (lda2; unused when Bp has one
/// segment, K1 = Bp.K()). Bp must have been packed for the active micro-kernel (it is re-checked).
/// With C2, C is split by columns: [0, N1) go to C (ldc), [N1, N) to C2 (ldc2), the same values as unsplit.
void gemm_packed(int64_t M, const float* A1, int64_t lda1, int64_t K1, const float* A2, int64_t lda2, const PackedB& Bp,
                 float beta, float* C, int64_t ldc, int64_t N1 = -1, float* C2 = nullptr, int64_t ldc2 = 0);

}  // namespace gemm
}  // namespace lstmts
