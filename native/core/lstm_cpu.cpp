// Fused LSTM forward/backward on the CPU, on lstm-ts's own GEMM (gemm.h). The FLOPs live in three products:
//   1. forward, one per step: z_t = [x_t | h_{t-1}]·[K; R], with [K; R] packed once for the whole sequence (a
//      general BLAS would re-pack R at every step: ~12 % of the time with OpenBLAS, issue #14);
//   2. backward, one per step: dL/dh_{t-1} = dz_t·Rᵀ, Rᵀ packed once;
//   2b. with dx wanted, the same product also gives dx_t = dz_t·Kᵀ: dz_t·[Rᵀ | Kᵀ], N = H + I;
//   3. after backward's time loop, one GEMM each for dK = Xᵀ·dZ and dR = Hprevᵀ·dZ (threaded inside).
// Each step's gate tile z_t is consumed by one fused pointwise pass (cuDNN's FUSE_PW) while it is still in cache,
// with a branch-free exp so that the compiler vectorises it. Threads split the batch (rows never interact), each
// running the whole time loop on its rows: no synchronisation per step, and the same bits for any thread count.
#include "lstm_cpu.h"

#include "cpu_common.h"
#include "gemm.h"
#include "threads.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <vector>


namespace lstmts {
namespace {

using cpu::sigmoid_f;
using cpu::scratch_floats;
using cpu::tanh_f;
using cpu::valid_step;

// One batch row of one step, forward: z (4H pre-activations without bias) → activated gates (kept in z for
// backward), new c, h, y and tanh(c'). A separate function with restrict-qualified pointers so that GCC
// vectorises it (with -fno-trapping-math for the branch-free clamps in exp_approx).
//
// Two loops, not one: a unit's whole chain (bias add, exp, division, the cell update, exp and division again) is
// ~40 dependent vector instructions, and one loop iteration holding all of it (~170 instructions in the AVX-512
// clone) is more than the out-of-order core overlaps with the next iteration, so the single loop ran at the
// latency of that chain. Loop 1 activates the four gate blocks (short independent chains), loop 2 does the cell
// update on the activated gates while they are in L1: 8.4 → 6.9 µs per step of 32 rows × 128 units in one
// run (docs/benchmarks.md "Pointwise pass in two loops"); every element gets the same operations as before, so
// the same bits.
//
// cIn and cOut are the same array in inference (the state updated in place) and different ones in training (the
// state moves from one step's saved slot to the next's), so they are not restrict-qualified: each element is read
// before it is written at the same index, which is correct either way.
LSTMTS_SIMD_CLONES void pointwise_forward(int64_t H, float* __restrict z, const float* __restrict bias, const float* cIn,
                       float* cOut, float* __restrict h, float* __restrict y, float* __restrict tcOut) {
  for (int64_t j = 0; j < H; j++) {
    z[j] = sigmoid_f(z[j] + bias[j]);  // (xK + hR) + b, eq. 1.2
    z[H + j] = sigmoid_f(z[H + j] + bias[H + j]);
    z[2 * H + j] = tanh_f(z[2 * H + j] + bias[2 * H + j]);
    z[3 * H + j] = sigmoid_f(z[3 * H + j] + bias[3 * H + j]);
  }
  for (int64_t j = 0; j < H; j++) {
    const float ig = z[j], fg = z[H + j], gg = z[2 * H + j], og = z[3 * H + j];
    const float cn = fg * cIn[j] + ig * gg;
    const float tc = tanh_f(cn);
    const float hn = og * tc;
    cOut[j] = cn;
    h[j] = hn;
    y[j] = hn;
    tcOut[j] = tc;
  }
}

// One batch row of one valid step, backward. g_h = dL/dh' = state gradient + dy + carried output gradient;
// g_c = dL/dc'. Writes dZ (pre-activation gradients), the new state gradient dL/dc (= g_c·f), clears carry.
LSTMTS_SIMD_CLONES void pointwise_backward(int64_t H, const float* __restrict a, const float* __restrict cPrev,
                        const float* __restrict tcv, const float* __restrict dy, float* __restrict carry,
                        float* __restrict dh, float* __restrict dc, float* __restrict dz) {
  for (int64_t j = 0; j < H; j++) {
    const float ig = a[j], fg = a[H + j], gg = a[2 * H + j], og = a[3 * H + j];
    const float tc = tcv[j];
    const float g_h = dh[j] + dy[j] + carry[j];
    const float g_c = dc[j] + g_h * og * (1.0f - tc * tc);
    dz[j] = g_c * gg * ig * (1.0f - ig);
    dz[H + j] = g_c * cPrev[j] * fg * (1.0f - fg);
    dz[2 * H + j] = g_c * ig * (1.0f - gg * gg);
    dz[3 * H + j] = g_h * tc * og * (1.0f - og);
    dc[j] = g_c * fg;
    carry[j] = 0.0f;
  }
}

}  // namespace

int64_t lstm_cpu_saved_floats(const LstmDims& d) { return d.T * d.B * d.H * 7; }

Status lstm_cpu_check_dims(const LstmDims& d) { return cpu::check_dims("lstm_cpu", d, 4, 7, 4); }


Status lstm_cpu_forward(const LstmDims& d, const LstmOptions& o, const float* x, const float* h0, const float* c0,
                        const float* K, const float* R, const float* bias, float* y, float* hT, float* cT,
                        float* saved) {
  Status st = lstm_cpu_check_dims(d);
  if (!st.ok) return st;
  const int64_t T = d.T, B = d.B, I = d.I, H = d.H, G4 = 4 * H, BH = B * H;
  try {
    std::memcpy(hT, h0, sizeof(float) * BH);
    std::memcpy(cT, c0, sizeof(float) * BH);
    if (T == 0 || B == 0 || H == 0) return Status::Ok();
    // W = [K; R] packed once for all T steps: each step is one product z_t = [x_t | h]·W over I + H.
    gemm::PackedB W;
    W.pack(false, I, G4, K, G4, false, H, R, G4);
    // Training keeps the activated gates of every step in `saved` (Z); inference reuses one step's rows.
    float* Hp = saved ? saved + T * B * G4 : nullptr;
    float* Cp = saved ? Hp + T * BH : nullptr;
    float* Tc = saved ? Cp + T * BH : nullptr;
    // Time of processing step s.
    auto time_of = [&](int64_t s) { return o.goBackwards ? T - 1 - s : s; };
    cpu::for_each_slice(B, [&](int64_t b0, int64_t nb) {
      float* zrows = saved ? nullptr : scratch_floats(0, static_cast<size_t>(nb * G4));
      float* tcrow = saved ? nullptr : scratch_floats(1, static_cast<size_t>(H));  // tanh(c') when nothing is kept
      // Inference: the running states live in the outputs hT, cT. Training: in the saved slots (H_prev, C_prev by
      // time), each step reading its own slot and writing the next step's (the last step writes hT, cT), so the
      // states kept for backward cost no copy per step.
      if (saved) {
        std::memcpy(Hp + time_of(0) * BH + b0 * H, hT + b0 * H, sizeof(float) * nb * H);
        std::memcpy(Cp + time_of(0) * BH + b0 * H, cT + b0 * H, sizeof(float) * nb * H);
      }
      for (int64_t s = 0; s < T; s++) {
        const int64_t t = time_of(s);
        float* Zt = saved ? saved + (t * B + b0) * G4 : zrows;
        float* hIn = hT + b0 * H;
        float* cIn = cT + b0 * H;
        float* hOut = hIn;
        float* cOut = cIn;
        if (saved) {
          hIn = Hp + t * BH + b0 * H;
          cIn = Cp + t * BH + b0 * H;
          if (s + 1 < T) {
            hOut = Hp + time_of(s + 1) * BH + b0 * H;
            cOut = Cp + time_of(s + 1) * BH + b0 * H;
          }
        }
        gemm::gemm_packed(nb, x + (t * B + b0) * I, I, I, hIn, H, W, 0.0f, Zt, G4);  // x_t·K + h·R
        for (int64_t r = 0; r < nb; r++) {
          const int64_t b = b0 + r;
          if (!valid_step(o, t, b)) {
            cpu::masked_output(o, s, B, b, H, y);  // states carried
            if (hOut != hIn) {
              std::memcpy(hOut + r * H, hIn + r * H, sizeof(float) * H);
              std::memcpy(cOut + r * H, cIn + r * H, sizeof(float) * H);
            }
            continue;
          }
          float* __restrict yr = y + (s * B + b) * H;
          pointwise_forward(H, Zt + r * G4, bias, cIn + r * H, cOut + r * H, hOut + r * H, yr,
                            saved ? Tc + t * BH + b * H : tcrow);
        }
      }
    });
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status::Error("lstm_cpu_forward: out of memory");
  }
}

Status lstm_cpu_backward(const LstmDims& d, const LstmOptions& o, const float* x, const float* K, const float* R,
                         const float* saved, const float* dy, const float* dhT, const float* dcT, float* dx,
                         float* dh0, float* dc0, float* dK, float* dR, float* db) {
  Status st = lstm_cpu_check_dims(d);
  if (!st.ok) return st;
  const int64_t T = d.T, B = d.B, I = d.I, H = d.H, G4 = 4 * H, BH = B * H;
  try {
    std::memcpy(dh0, dhT, sizeof(float) * BH);
    std::memcpy(dc0, dcT, sizeof(float) * BH);
    std::fill(db, db + G4, 0.0f);  // the column sums below add into it
    if (T == 0 || B == 0 || H == 0) {
      std::fill(dK, dK + I * G4, 0.0f);
      std::fill(dR, dR + H * G4, 0.0f);
      if (dx) std::fill(dx, dx + T * B * I, 0.0f);
      return Status::Ok();
    }
    // Otherwise dK, dR (products with beta = 0) and dx (every step's rows, below) are written without a fill.
    const float* A = saved;
    const float* Hp = saved + T * B * G4;
    const float* Cp = Hp + T * BH;
    const float* Tc = Cp + T * BH;
    // W = [R; K]ᵀ packed once: at every step [dL/dh_{prev} | dx_t] = dz_t·[Rᵀ | Kᵀ], one product over 4H while dz_t
    // is in cache (the dx GEMM after the loop would read all of dZ again, cold). Without dx: Rᵀ alone.
    const int64_t NW = dx ? H + I : H;
    gemm::PackedB Rt;
    if (dx) {
      // rows of R, then rows of K: [(H+I), 4H], in this thread's scratch slot 0 (free in the backward; a fresh
      // 6 MB vector per call cost a page fault per 4 KiB)
      float* RK = scratch_floats(0, static_cast<size_t>(NW * G4));
      std::memcpy(RK, R, sizeof(float) * H * G4);
      std::memcpy(RK + H * G4, K, sizeof(float) * I * G4);
      Rt.pack(true, G4, NW, RK, G4);
    } else {
      Rt.pack(true, G4, H, R, G4);
    }
    // dZ [T·B, 4H] by time t, kept directly in the GEMM's packed-B layout: each step's rows are written into it
    // while they are in cache, so the weight gradients after the loop read it as it is, instead of a packing pass
    // over all of dZ per gradient (~6 % of a small training step: 3 MB read cold and rewritten, twice). Every
    // (t, b) row is set exactly once below (masked rows as zeros).
    gemm::PackedB dZ;
    dZ.alloc(T * B, G4);
    cpu::for_each_slice(B, [&](int64_t b0, int64_t nb) {
      float* const dZrows = scratch_floats(1, static_cast<size_t>(nb * G4));  // this step's rows of dZ, row-major
      std::vector<float> carry(static_cast<size_t>(nb * H), 0.0f);  // dL/d(previous output) from masked steps
      std::vector<float> kept(o.seqLengths ? static_cast<size_t>(nb * H) : 0);  // masked rows' dh across the product
      std::vector<char> valid(static_cast<size_t>(nb));
      float* dh = dh0 + b0 * H;  // running dL/dh_s and dL/dc_s (state gradients) live in the outputs
      float* dc = dc0 + b0 * H;
      for (int64_t s = T - 1; s >= 0; s--) {
        const int64_t t = o.goBackwards ? T - 1 - s : s;
        const float* At = A + (t * B + b0) * G4;
        float* dZt = dZrows;
        bool any = false;
        for (int64_t r = 0; r < nb; r++) {
          const int64_t b = b0 + r;
          const float* __restrict dyr = dy + (s * B + b) * H;
          float* __restrict cr = carry.data() + r * H;
          valid[r] = valid_step(o, t, b);
          if (!valid[r]) {
            std::memset(dZt + r * G4, 0, sizeof(float) * G4);
            cpu::masked_output_grad(o, H, dyr, cr);  // states pass through
            continue;
          }
          any = true;
          pointwise_backward(H, At + r * G4, Cp + t * BH + b * H, Tc + t * BH + b * H, dyr, cr, dh + r * H, dc + r * H,
                             dZt + r * G4);
        }
        for (int64_t r = 0; r < nb; r++) dZ.set_row(t * B + b0 + r, dZt + r * G4);
        if (!any) {  // every row masked: dz_t = 0, so dx_t = 0 and the state gradients pass through
          if (dx) std::memset(dx + (t * B + b0) * I, 0, sizeof(float) * nb * I);
          continue;
        }
        // dL/dh_{prev} = dz_t·Rᵀ for rows that stepped (masked rows keep their state gradient); dx_t = dz_t·Kᵀ
        // (zero for masked rows, whose dz is zero). The product writes both straight into the outputs (its
        // columns split at H); a masked row's dh is set aside and put back.
        const bool allValid = std::all_of(valid.begin(), valid.end(), [](char v) { return v != 0; });
        if (!allValid)
          for (int64_t r = 0; r < nb; r++)
            if (!valid[r]) std::memcpy(kept.data() + r * H, dh + r * H, sizeof(float) * H);
        gemm::gemm_packed(nb, dZt, G4, G4, nullptr, 0, Rt, 0.0f, dh, H, H, dx ? dx + (t * B + b0) * I : nullptr, I);
        if (!allValid)
          for (int64_t r = 0; r < nb; r++)
            if (!valid[r]) std::memcpy(dh + r * H, kept.data() + r * H, sizeof(float) * H);
      }
    });
    // dK = Xᵀ·dZ, dR = H_prevᵀ·dZ and db = Σ dZ rows (dx: above), the same bits as cpu::weight_grads on the
    // unpacked dZ (gemm.h: gemm_packed_b blocks K as sgemm does; column_sums adds rows in order).
    gemm::gemm_packed_b(true, I, x, I, dZ, 0.0f, dK, G4);
    gemm::gemm_packed_b(true, H, Hp, H, dZ, 0.0f, dR, G4);
    dZ.column_sums(db);
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status::Error("lstm_cpu_backward: out of memory");
  }
}

const char* lstm_cpu_blas_name() { return "lstm-ts packed GEMM"; }

void lstm_cpu_set_threads(int n) { threads::set_num_threads(n); }

int lstm_cpu_get_threads() { return threads::num_threads(); }

}  // namespace lstmts
