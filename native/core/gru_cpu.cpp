// Fused GRU forward/backward on the CPU, the same structure as lstm_cpu.cpp: K and R packed once per sequence,
// threads splitting the batch, and per step two products into their own buffers, x_t·K and h·R (the reset gate
// multiplies the h-block of h·R + b_rec, so h·R cannot be accumulated into x_t·K as the LSTM does), then one
// fused pointwise pass; after backward's time loop one GEMM each for dK = Xᵀ·dM_x, dR = H_prevᵀ·dM_h,
// dx = dM_x·Kᵀ.
#include "gru_cpu.h"

#include "cpu_common.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstring>
#include <new>
#include <vector>

namespace lstmts {
namespace {

using cpu::sigmoid_f;
using cpu::scratch_floats;
using cpu::tanh_f;
using cpu::valid_step;

// One valid row, forward: mx (3H, without b_in), mh (3H, without b_rec) → h', and (Keep) the gates kept for
// backward. A template so that the loops have no branch on `keep`: with `if (keep)` inside, GCC did not
// vectorise it (no zmm in the AVX-512 clone) and the pointwise pass took 31 % of a medium GRU inference.
// Two loops, as in lstm_cpu.cpp's pointwise_forward (why there): loop 1 computes the gates z and r (into `keep`,
// or, with nothing kept, over the first 2H of this step's scratch row mh, which nothing reads afterwards), loop 2
// the candidate and h' from them. Each element gets the same operations as in one loop, so the same bits.
template <bool Keep>
inline __attribute__((always_inline)) void gru_row_forward(int64_t H, const float* __restrict mx, float* __restrict mh,
                                                          const float* __restrict bIn, const float* __restrict bRec,
                                                          float* __restrict h, float* __restrict y, float* __restrict keep) {
  // z at [0, H), r at [H, 2H). Not restrict itself: it is mh or keep (based on one of them), and a second
  // restrict pointer to mh's memory, accessed through both, would be undefined behaviour.
  float* const zr = Keep ? keep : mh;
  for (int64_t j = 0; j < H; j++) {
    zr[j] = sigmoid_f((mx[j] + bIn[j]) + (mh[j] + bRec[j]));
    zr[H + j] = sigmoid_f((mx[H + j] + bIn[H + j]) + (mh[H + j] + bRec[H + j]));
  }
  for (int64_t j = 0; j < H; j++) {
    const float z = zr[j], r = zr[H + j];
    const float mhh = mh[2 * H + j] + bRec[2 * H + j];
    const float c = tanh_f((mx[2 * H + j] + bIn[2 * H + j]) + r * mhh);
    const float hn = z * h[j] + (1.0f - z) * c;
    h[j] = hn;
    y[j] = hn;
    if (Keep) {
      keep[2 * H + j] = c;
      keep[3 * H + j] = mhh;
    }
  }
}

LSTMTS_SIMD_CLONES void pointwise_forward(int64_t H, const float* __restrict mx, float* __restrict mh, const float* __restrict bIn,
                       const float* __restrict bRec, float* __restrict h, float* __restrict y, float* __restrict keep) {
  if (keep) gru_row_forward<true>(H, mx, mh, bIn, bRec, h, y, keep);
  else gru_row_forward<false>(H, mx, mh, bIn, bRec, h, y, keep);
}

// One valid row, backward (gru-ts.ts tsGruBackward): writes dM_x, dM_h and the direct part δh'·z of dL/dh.
LSTMTS_SIMD_CLONES void pointwise_backward(int64_t H, const float* __restrict g, const float* __restrict hPrev, const float* __restrict dy,
                        float* __restrict carry, const float* __restrict dh, float* __restrict direct,
                        float* __restrict dmx, float* __restrict dmh) {
  for (int64_t j = 0; j < H; j++) {
    const float z = g[j], r = g[H + j], c = g[2 * H + j], mhh = g[3 * H + j];
    const float gh = dh[j] + dy[j] + carry[j];
    const float dah = gh * (1.0f - z) * (1.0f - c * c);
    const float daz = gh * (hPrev[j] - c) * z * (1.0f - z);
    const float dar = dah * mhh * r * (1.0f - r);
    dmx[j] = daz;
    dmx[H + j] = dar;
    dmx[2 * H + j] = dah;
    dmh[j] = daz;
    dmh[H + j] = dar;
    dmh[2 * H + j] = dah * r;
    direct[j] = gh * z;
    carry[j] = 0.0f;
  }
}

}  // namespace

int64_t gru_cpu_saved_floats(const LstmDims& d) { return d.T * d.B * d.H * 5; }

Status gru_cpu_check_dims(const LstmDims& d) { return cpu::check_dims("gru_cpu", d, 6, 6, 3); }

Status gru_cpu_forward(const LstmDims& d, const LstmOptions& o, const float* x, const float* h0, const float* K,
                       const float* R, const float* bias, float* y, float* hT, float* saved) {
  Status st = gru_cpu_check_dims(d);
  if (!st.ok) return st;
  const int64_t T = d.T, B = d.B, H = d.H, G = 3 * H, BH = B * H;
  try {
    std::memcpy(hT, h0, sizeof(float) * BH);
    if (T == 0 || B == 0 || H == 0) return Status::Ok();
    float* keepAll = saved;                                     // [T,B,4H] gates by time
    float* hPrevAll = saved ? saved + T * B * 4 * H : nullptr;  // [T,B,H] by time
    const float* bIn = bias;
    const float* bRec = bias + G;
    cpu::two_product_forward(d, o, G, x, K, R, hT, y, hPrevAll,
                             [&](int64_t t, int64_t b, const float* mx, float* mh, float* h, float* yr) {
                               pointwise_forward(H, mx, mh, bIn, bRec, h, yr, saved ? keepAll + (t * B + b) * 4 * H : nullptr);
                             });
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status::Error("gru_cpu_forward: out of memory");
  }
}

Status gru_cpu_backward(const LstmDims& d, const LstmOptions& o, const float* x, const float* K, const float* R,
                        const float* saved, const float* dy, const float* dhT, float* dx, float* dh0, float* dK,
                        float* dR, float* db) {
  Status st = gru_cpu_check_dims(d);
  if (!st.ok) return st;
  const int64_t T = d.T, B = d.B, I = d.I, H = d.H, G = 3 * H, BH = B * H;
  try {
    std::memcpy(dh0, dhT, sizeof(float) * BH);
    std::fill(db, db + 2 * G, 0.0f);  // the column sums below add into it
    if (T == 0 || B == 0 || H == 0) {
      std::fill(dK, dK + I * G, 0.0f);
      std::fill(dR, dR + H * G, 0.0f);
      if (dx) std::fill(dx, dx + T * B * I, 0.0f);
      return Status::Ok();
    }
    // Otherwise dK, dR (products with beta = 0) and dx (every step's rows, below) are written without a fill.
    const float* keepAll = saved;
    const float* hPrevAll = saved + T * B * 4 * H;
    // dL/dh_{t−1} = direct (through the update gate and h itself) + dM_h,t·Rᵀ; dK, dR, db (both rows) after the loop
    cpu::recurrent_backward(d, o, G, x, K, R, hPrevAll, dy, true, true, true, dx, dh0, dK, dR, db,
                            [&](int64_t t, int64_t b, const float* dyr, float* cr, float* dhr, float* direct, float* dmx,
                                float* dmh) {
                              const int64_t row = t * B + b;
                              pointwise_backward(H, keepAll + row * 4 * H, hPrevAll + t * BH + b * H, dyr, cr, dhr, direct,
                                                 dmx, dmh);
                            });
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status::Error("gru_cpu_backward: out of memory");
  }
}

}  // namespace lstmts
