// Fused SimpleRNN forward/backward on the CPU (the structure of lstm_cpu.cpp): K and R packed once per sequence,
// threads splitting the batch, per step x_t·K and h·R (kept apart so that the sum is (x·K + b) + h·R, Keras's
// order), one pointwise pass (bias, activation, masking), and after backward's time loop one GEMM each for
// dK = Xᵀ·dA, dR = H_prevᵀ·dA, dx = dA·Kᵀ.
#include "srnn_cpu.h"

#include "cpu_common.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <new>
#include <vector>

namespace lstmts {
namespace {

using cpu::scratch_floats;
using cpu::tanh_f;
using cpu::valid_step;

// One valid row, forward: h' = act((x·K + b) + h·R). Templated on the activation so that the loop has no branch
// (with `relu ? ... : tanh` inside, GCC vectorised neither clone).
template <bool Relu>
inline __attribute__((always_inline)) void srnn_row_forward(int64_t H, const float* __restrict xk, const float* __restrict hr,
                                                           const float* __restrict bias, float* __restrict h, float* __restrict y) {
  for (int64_t j = 0; j < H; j++) {
    const float v = (xk[j] + bias[j]) + hr[j];
    const float hn = Relu ? (v > 0.0f ? v : 0.0f) : tanh_f(v);
    h[j] = hn;
    y[j] = hn;
  }
}

LSTMTS_SIMD_CLONES void pointwise_forward(int64_t H, bool relu, const float* __restrict xk, const float* __restrict hr,
                       const float* __restrict bias, float* __restrict h, float* __restrict y) {
  if (relu) srnn_row_forward<true>(H, xk, hr, bias, h, y);
  else srnn_row_forward<false>(H, xk, hr, bias, h, y);
}

// One valid row, backward: dA = g·act'(h'), g = dL/dh' (state gradient + dy + carried output gradient); clears
// the carry. act' from the output: relu → [h' > 0], tanh → 1 − h'².
template <bool Relu>
inline __attribute__((always_inline)) void srnn_row_backward(int64_t H, const float* __restrict hn, const float* __restrict dh,
                                                            const float* __restrict dy, float* __restrict carry,
                                                            float* __restrict da) {
  for (int64_t j = 0; j < H; j++) {
    const float g = dh[j] + dy[j] + carry[j];
    da[j] = Relu ? (hn[j] > 0.0f ? g : 0.0f) : g * (1.0f - hn[j] * hn[j]);
    carry[j] = 0.0f;
  }
}

LSTMTS_SIMD_CLONES void pointwise_backward(int64_t H, bool relu, const float* __restrict hn, const float* __restrict dh,
                        const float* __restrict dy, float* __restrict carry, float* __restrict da) {
  if (relu) srnn_row_backward<true>(H, hn, dh, dy, carry, da);
  else srnn_row_backward<false>(H, hn, dh, dy, carry, da);
}

}  // namespace

int64_t srnn_cpu_saved_floats(const LstmDims& d) { return d.T * d.B * d.H * 2; }

Status srnn_cpu_check_dims(const LstmDims& d) { return cpu::check_dims("srnn_cpu", d, 1, 2, 0); }

Status srnn_cpu_forward(const LstmDims& d, const LstmOptions& o, bool relu, const float* x, const float* h0, const float* K,
                        const float* R, const float* bias, float* y, float* hT, float* saved) {
  Status st = srnn_cpu_check_dims(d);
  if (!st.ok) return st;
  const int64_t T = d.T, B = d.B, H = d.H, BH = B * H;
  try {
    std::memcpy(hT, h0, sizeof(float) * BH);
    if (T == 0 || B == 0 || H == 0) return Status::Ok();
    float* hPrevAll = saved;
    float* hNewAll = saved ? saved + T * BH : nullptr;
    cpu::two_product_forward(d, o, H, x, K, R, hT, y, hPrevAll,
                             [&](int64_t t, int64_t b, const float* xk, const float* hr, float* h, float* yr) {
                               pointwise_forward(H, relu, xk, hr, bias, h, yr);
                               if (saved) std::memcpy(hNewAll + t * BH + b * H, h, sizeof(float) * H);
                             });
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status::Error("srnn_cpu_forward: out of memory");
  }
}

Status srnn_cpu_backward(const LstmDims& d, const LstmOptions& o, bool relu, const float* x, const float* K, const float* R,
                         const float* saved, const float* dy, const float* dhT, float* dx, float* dh0, float* dK, float* dR,
                         float* db) {
  Status st = srnn_cpu_check_dims(d);
  if (!st.ok) return st;
  const int64_t T = d.T, B = d.B, I = d.I, H = d.H, BH = B * H;
  try {
    std::memcpy(dh0, dhT, sizeof(float) * BH);
    std::fill(db, db + H, 0.0f);  // the column sums below add into it
    if (T == 0 || B == 0 || H == 0) {
      std::fill(dK, dK + I * H, 0.0f);
      std::fill(dR, dR + H * H, 0.0f);
      if (dx) std::fill(dx, dx + T * B * I, 0.0f);
      return Status::Ok();
    }
    // Otherwise dK, dR (products with beta = 0) and dx (every step's rows, below) are written without a fill.
    const float* hPrevAll = saved;
    const float* hNewAll = saved + T * BH;
    // dL/dh_{t−1} = dA_t·Rᵀ: h reaches the next step only through R. dA is the gradient of both products.
    cpu::recurrent_backward(d, o, H, x, K, R, hPrevAll, dy, false, false, false, dx, dh0, dK, dR, db,
                            [&](int64_t t, int64_t b, const float* dyr, float* cr, float* dhr, float*, float* da, float*) {
                              pointwise_backward(H, relu, hNewAll + t * BH + b * H, dhr, dyr, cr, da);
                            });
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status::Error("srnn_cpu_backward: out of memory");
  }
}

}  // namespace lstmts
