// What the fused CPU kernels (lstm_cpu.cpp, gru_cpu.cpp, srnn_cpu.cpp) share: the branch-free float32 exp,
// sigmoid and tanh, the sgemm wrapper, the per-thread scratch buffers, the mask test, and the forward and
// backward time loops of the cells whose step needs x·K and h·R apart (GRU, SimpleRNN).
// Internal to native/core (not part of the kernels' headers).
#pragma once
#include <climits>
#include <cstdint>
#include <string>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "threads.h"
#include "lstm_cpu.h"  // LstmOptions

// The pointwise passes are compiled three times (AVX-512, AVX2+FMA, baseline) and the dynamic loader picks the
// clone for the CPU (GCC target_clones, an ELF ifunc), since the core is no longer built with -march=native. The
// passes are elementwise, so every clone gives each element the same formula; clones differ only in whether
// a·b + c is fused. Elsewhere (Clang, macOS, Windows, AArch64) the attribute is empty: one baseline build.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__ELF__) && !defined(LSTMTS_NO_CLONES)
#define LSTMTS_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LSTMTS_SIMD_CLONES
#endif

namespace lstmts {
namespace cpu {

// exp(x) for float32, Cephes-style: x = n·ln2 + r, |r| ≤ ln2/2, e^r by a degree-6 polynomial, 2^n built in the
// exponent bits. Max relative error ≈ 2 ulp on the clamped range; branch-free so loops vectorise. The clamp keeps
// 2^n finite and normal; sigmoid/tanh saturate long before it matters (e^-87 ≈ 1.6e-38).
inline float exp_approx(float x) {
  // Written with comparisons so that NaN falls through both and propagates (std::min/max would clamp it).
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float kMagic = 12582912.0f;  // 1.5·2^23: adding it rounds to the nearest integer in float32
  float n = (x * 1.44269504088896341f + kMagic) - kMagic;
  float r = x - n * 0.693359375f;  // ln2 split in a high part exact in float32 ...
  r = r - n * -2.12194440e-4f;      // ... and the low remainder
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof(scale));
  return p * scale;
}
inline float sigmoid_f(float x) { return 1.0f / (1.0f + exp_approx(-x)); }
// tanh(x) = 1 − 2/(e^{2x}+1): saturates to ±1 exactly and keeps absolute error ~1e-7 near 0.
inline float tanh_f(float x) { return 1.0f - 2.0f / (exp_approx(2.0f * x) + 1.0f); }

// Row-major C = op(A)·op(B) + beta·C on the GEMM of gemm.h (K = 0 gives beta·C), in the CBLAS argument order
// the kernels were written against.
enum Trans { CblasNoTrans = 0, CblasTrans = 1 };
inline void sgemm(Trans ta, Trans tb, int64_t M, int64_t N, int64_t Kd, const float* A, int64_t lda, const float* Bm,
                  int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm::sgemm(ta == CblasTrans, tb == CblasTrans, M, N, Kd, A, lda, Bm, ldb, beta, C, ldc);
}

// Per-thread scratch kept between calls (grow-only), so repeated calls do not pay page faults and zeroing for
// fresh multi-MB buffers each time (a noticeable share of a small training step). Contents are undefined. Each
// kernel call uses its slots for one call only; calls on one thread never interleave.
inline float* scratch_floats(int slot, size_t n) {
  thread_local gemm::AlignedFloats bufs[2];  // 64-byte aligned: the GEMM stores its C rows here
  gemm::AlignedFloats& v = bufs[slot];
  if (v.size() < n) {
    v.clear();
    v.shrink_to_fit();
    v.resize(n);
  }
  return v.data();
}

// The batch rows [b0, b1) that slice `s` of `n` owns. Rows of a batch never interact in an LSTM, so each thread
// runs the whole time loop on its own rows with no synchronisation per step; the GEMM gives every row the same
// bits whichever slice (and tile) it lands in, so results do not depend on the thread count.
struct Slice {
  int64_t b0, b1;
};
inline Slice slice_of(int64_t B, int s, int n) {
  const int64_t per = (B + n - 1) / n;
  return {std::min<int64_t>(B, s * per), std::min<int64_t>(B, (s + 1) * per)};
}
// Slices worth running in parallel: one per thread, but each at least one micro-kernel tile of rows (a thinner
// slice would repeat the whole weight stream per step for little work).
inline int slice_count(int64_t B) {
  const int64_t tile = gemm::tile_rows();
  // One slice per thread: two per thread (for balance when a core is shared) measured 1.2-1.4× slower on the
  // medium LSTM, as every slice streams the whole weight matrix at every step.
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads::num_threads(), B / tile)));
}


/// The size checks every fused kernel makes before it touches memory (kept from the BLAS days: the N-API layer
/// and cuDNN take int dimensions). `gates`·H must fit an int (the widest weight or bias row), `savedPerH` floats
/// per (t, b, unit) are kept for backward, and with `kernelGates` > 0 the kernel [I, kernelGates·H] must fit the
/// 2^40-float cap too. Messages start with `name` ("lstm_cpu", ...).
inline Status check_dims(const char* name, const LstmDims& d, int64_t gates, int64_t savedPerH, int64_t kernelGates) {
  const std::string n(name);
  if (d.T < 0 || d.B < 0 || d.I < 0 || d.H < 0) return Status::Error(n + ": negative dimension");
  // sgemm-style int dimensions and leading dimensions: T·B rows, gates·H columns, I and H inner sizes.
  const int64_t lim = INT_MAX;
  if (d.T > lim || d.B > lim || d.I > lim || d.H > lim / gates) return Status::Error(n + ": dimension exceeds INT_MAX");
  if (d.B != 0 && d.T > lim / d.B) return Status::Error(n + ": T*B exceeds INT_MAX (BLAS int dimensions)");
  const int64_t tb = d.T * d.B;
  const int64_t cap = (int64_t(1) << 40);  // 4 TiB of floats: anything larger cannot be allocated anyway
  if (d.H != 0 && tb > cap / (savedPerH * d.H)) return Status::Error(n + ": T*B*H too large");
  if (d.I != 0 && tb > cap / d.I) return Status::Error(n + ": T*B*I too large");
  if (kernelGates > 0 && d.I != 0 && d.I > cap / (kernelGates * (d.H == 0 ? 1 : d.H)))
    return Status::Error(n + ": I*" + std::to_string(kernelGates) + "H too large");
  return Status::Ok();
}

inline bool valid_step(const LstmOptions& o, int64_t t, int64_t b) {
  return o.seqLengths == nullptr || t < static_cast<int64_t>(o.seqLengths[b]);
}

/// Runs fn(b0, nb) for each batch slice on the thread pool (slice_count slices; empty slices are skipped).
template <typename F>
void for_each_slice(int64_t B, F&& fn) {
  const int ns = slice_count(B);
  threads::parallel_for(ns, [&](int si) {
    const Slice sl = slice_of(B, si, ns);
    if (sl.b1 > sl.b0) fn(sl.b0, sl.b1 - sl.b0);
  });
}

/// Keras's output at a masked step s of row b (states are carried by the caller): the previous output (zeros
/// before the first step), or zeros with zero_output_for_mask. y is [T,B,H] in processing order.
inline void masked_output(const LstmOptions& o, int64_t s, int64_t B, int64_t b, int64_t H, float* y) {
  float* yr = y + (s * B + b) * H;
  if (o.zeroOutputForMask || s == 0) std::memset(yr, 0, sizeof(float) * H);
  else std::memcpy(yr, y + ((s - 1) * B + b) * H, sizeof(float) * H);
}

/// Backward of masked_output: y[s] = y[s-1] passes dy on to the previous output (carry); zeros pass nothing.
inline void masked_output_grad(const LstmOptions& o, int64_t H, const float* __restrict dy, float* __restrict carry) {
  if (!o.zeroOutputForMask)
    for (int64_t j = 0; j < H; j++) carry[j] += dy[j];
}

/// The forward time loop of a cell whose step needs x_t·K and h·R apart (GRU: the reset gate multiplies h·R on its
/// own; SimpleRNN: Keras's order (x·K + b) + h·R). K [I,G] and R [H,G] are packed once, the batch is split between
/// threads, and each step writes both products into per-thread rows, then calls row(t, b, mx, mh, h, yRow) for
/// every valid row (h: that row's running state in hT, updated in place; mh: the row of h·R, this step's scratch,
/// which row may overwrite). Masked rows get Keras's output with the state carried. hPrevAll [T,B,H] (nullptr:
/// not kept) receives h_{t−1} by time. hT must hold h0.
template <typename Row>
void two_product_forward(const LstmDims& d, const LstmOptions& o, int64_t G, const float* x, const float* K,
                         const float* R, float* hT, float* y, float* hPrevAll, Row&& row) {
  const int64_t T = d.T, B = d.B, I = d.I, H = d.H, BH = B * H;
  gemm::PackedB Kp, Rp;  // packed once for all T steps
  Kp.pack(false, I, G, K, G);
  Rp.pack(false, H, G, R, G);
  for_each_slice(B, [&](int64_t b0, int64_t nb) {
    // Per-thread scratch (grow-only): every element is written before it is read.
    float* const MX = scratch_floats(0, static_cast<size_t>(nb * G));
    float* const MH = scratch_floats(1, static_cast<size_t>(nb * G));
    float* h = hT + b0 * H;
    for (int64_t s = 0; s < T; s++) {
      const int64_t t = o.goBackwards ? T - 1 - s : s;
      if (hPrevAll) std::memcpy(hPrevAll + t * BH + b0 * H, h, sizeof(float) * nb * H);
      gemm::gemm_packed(nb, x + (t * B + b0) * I, I, I, nullptr, 0, Kp, 0.0f, MX, G);
      gemm::gemm_packed(nb, h, H, H, nullptr, 0, Rp, 0.0f, MH, G);
      for (int64_t r = 0; r < nb; r++) {
        const int64_t b = b0 + r;
        if (!valid_step(o, t, b)) {
          masked_output(o, s, B, b, H, y);  // states carried
          continue;
        }
        row(t, b, MX + r * G, MH + r * G, h + r * H, y + (s * B + b) * H);
      }
    }
  });
}

/// The backward time loop of those two cells (the mirror of two_product_forward), and everything after it.
/// Rᵀ (and Kᵀ, for dx) are packed once; the batch is split between threads, and each thread walks its rows from
/// the last step to the first. At a valid row, row(t, b, dy, carry, dh, direct, dmx, dmh) takes the output
/// gradient dy, the carry from masked steps and the running dL/dh, and writes the row's gradients of the two
/// products' outputs: dmx (of x·K) and dmh (of h·R; the same row as dmx when !twoArrays, the SimpleRNN) and, when
/// `withDirect`, the part of dL/dh_{t−1} that bypasses R into `direct`. Then, per step, for the valid rows
/// dL/dh_{t−1} = direct + dM_h,t·Rᵀ and dx_t = dM_x,t·Kᵀ (zero for masked rows); masked rows pass their output
/// gradient on to the carry and keep dh.
///
/// The rows of dM_x and dM_h are kept for the weight gradients after the loop, dK = Xᵀ·dM_x, dR = Hprevᵀ·dM_h,
/// db[0, G) = Σ dM_x and, with `recurrentBias` (the GRU's second bias row), db[G, 2G) = Σ dM_h: they are stored
/// straight into the GEMM's packed-B layout (PackedB::set_row, masked rows as zeros) while they are in cache, so
/// those products need no packing pass of their own and nothing is zero-filled up front. The same bits as the
/// unpacked products (gemm.h). Hprev [T·B, H] by time; dh0 must hold dL/dh_T; dx may be nullptr; dx, dK and dR
/// are overwritten; db must be zero on entry (the sums add into it).
template <typename Row>
void recurrent_backward(const LstmDims& d, const LstmOptions& o, int64_t G, const float* x, const float* K, const float* R,
                        const float* Hprev, const float* dy, bool twoArrays, bool withDirect, bool recurrentBias, float* dx,
                        float* dh0, float* dK, float* dR, float* db, Row&& row) {
  const int64_t T = d.T, B = d.B, I = d.I, H = d.H;
  gemm::PackedB Rt, Kt;
  Rt.pack(true, G, H, R, G);
  if (dx) Kt.pack(true, G, I, K, G);
  gemm::PackedB dMX, dMH;
  dMX.alloc(T * B, G);
  if (twoArrays) dMH.alloc(T * B, G);
  for_each_slice(B, [&](int64_t b0, int64_t nb) {
    // This step's rows of dM_x and dM_h, row-major (per-thread scratch, grow-only).
    float* const MX = scratch_floats(0, static_cast<size_t>(nb * G));
    float* const MH = twoArrays ? scratch_floats(1, static_cast<size_t>(nb * G)) : MX;
    std::vector<float> carry(static_cast<size_t>(nb * H), 0.0f);
    std::vector<float> direct(withDirect ? static_cast<size_t>(nb * H) : 0);
    gemm::AlignedFloats tmp(static_cast<size_t>(nb * H));  // C of the dh product: 64-byte aligned (gemm.h)
    std::vector<char> valid(static_cast<size_t>(nb));
    float* dh = dh0 + b0 * H;
    for (int64_t s = T - 1; s >= 0; s--) {
      const int64_t t = o.goBackwards ? T - 1 - s : s;
      bool any = false;
      for (int64_t r = 0; r < nb; r++) {
        const int64_t b = b0 + r;
        const float* __restrict dyr = dy + (s * B + b) * H;
        float* __restrict cr = carry.data() + r * H;
        valid[r] = valid_step(o, t, b);
        if (!valid[r]) {
          masked_output_grad(o, H, dyr, cr);
          std::memset(MX + r * G, 0, sizeof(float) * G);
          if (twoArrays) std::memset(MH + r * G, 0, sizeof(float) * G);
          continue;
        }
        any = true;
        row(t, b, dyr, cr, dh + r * H, withDirect ? direct.data() + r * H : nullptr, MX + r * G, MH + r * G);
      }
      for (int64_t r = 0; r < nb; r++) {
        dMX.set_row(t * B + b0 + r, MX + r * G);
        if (twoArrays) dMH.set_row(t * B + b0 + r, MH + r * G);
      }
      if (!any) {  // every row masked: dM_x = 0, so dx_t = 0
        if (dx) std::memset(dx + (t * B + b0) * I, 0, sizeof(float) * nb * I);
        continue;
      }
      gemm::gemm_packed(nb, MH, G, G, nullptr, 0, Rt, 0.0f, tmp.data(), H);
      if (dx) gemm::gemm_packed(nb, MX, G, G, nullptr, 0, Kt, 0.0f, dx + (t * B + b0) * I, I);
      for (int64_t r = 0; r < nb; r++) {
        if (!valid[r]) continue;
        if (withDirect)
          for (int64_t j = 0; j < H; j++) dh[r * H + j] = direct[r * H + j] + tmp[r * H + j];
        else
          std::memcpy(dh + r * H, tmp.data() + r * H, sizeof(float) * H);
      }
    }
  });
  const gemm::PackedB& dRec = twoArrays ? dMH : dMX;
  gemm::gemm_packed_b(true, I, x, I, dMX, 0.0f, dK, G);
  gemm::gemm_packed_b(true, H, Hprev, H, dRec, 0.0f, dR, G);
  dMX.column_sums(db);
  if (recurrentBias) dRec.column_sums(db + G);
}

}  // namespace cpu
}  // namespace lstmts
