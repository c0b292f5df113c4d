// Fused GRU forward/backward on the CPU, the same structure as lstm_cpu.cpp: one hoisted input GEMM
// (X·K over all T·B rows), one recurrent GEMM per step (h·R into its own buffer: the reset gate multiplies
// the h-block of h·R + b_rec, so it cannot be accumulated into X·K as the LSTM does), one fused pointwise pass
// per step, and after backward's time loop one GEMM each for dK = Xᵀ·dM_x, dR = H_prevᵀ·dM_h, dx = dM_x·Kᵀ.
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

using cpu::sgemm;
using cpu::CblasNoTrans;
using cpu::CblasTrans;
using cpu::sigmoid_f;
using cpu::scratch_floats;
using cpu::tanh_f;
using cpu::valid_step;

// One valid row, forward: mx (3H, without b_in), mh (3H, without b_rec) → h', and the gates kept for backward.
LSTMTS_SIMD_CLONES void pointwise_forward(int64_t H, const float* __restrict mx, const float* __restrict mh, const float* __restrict bIn,
                       const float* __restrict bRec, float* __restrict h, float* __restrict y, float* __restrict keep) {
  for (int64_t j = 0; j < H; j++) {
    const float z = sigmoid_f((mx[j] + bIn[j]) + (mh[j] + bRec[j]));
    const float r = sigmoid_f((mx[H + j] + bIn[H + j]) + (mh[H + j] + bRec[H + j]));
    const float mhh = mh[2 * H + j] + bRec[2 * H + j];
    const float c = tanh_f((mx[2 * H + j] + bIn[2 * H + j]) + r * mhh);
    const float hn = z * h[j] + (1.0f - z) * c;
    h[j] = hn;
    y[j] = hn;
    if (keep) {
      keep[j] = z;
      keep[H + j] = r;
      keep[2 * H + j] = c;
      keep[3 * H + j] = mhh;
    }
  }
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

Status gru_cpu_check_dims(const LstmDims& d) {
  if (d.T < 0 || d.B < 0 || d.I < 0 || d.H < 0) return Status::Error("gru_cpu: negative dimension");
  const int64_t lim = INT_MAX;
  if (d.T > lim || d.B > lim || d.I > lim || d.H > lim / 6) return Status::Error("gru_cpu: dimension exceeds INT_MAX");
  if (d.B != 0 && d.T > lim / d.B) return Status::Error("gru_cpu: T*B exceeds INT_MAX (BLAS int dimensions)");
  const int64_t tb = d.T * d.B;
  const int64_t cap = (int64_t(1) << 40);
  if (d.H != 0 && tb > cap / (6 * d.H)) return Status::Error("gru_cpu: T*B*H too large");
  if (d.I != 0 && tb > cap / d.I) return Status::Error("gru_cpu: T*B*I too large");
  if (d.I != 0 && d.I > cap / (3 * (d.H == 0 ? 1 : d.H))) return Status::Error("gru_cpu: I*3H too large");
  return Status::Ok();
}

Status gru_cpu_forward(const LstmDims& d, const LstmOptions& o, const float* x, const float* h0, const float* K,
                       const float* R, const float* bias, float* y, float* hT, float* saved) {
  Status st = gru_cpu_check_dims(d);
  if (!st.ok) return st;
  const int64_t T = d.T, B = d.B, I = d.I, H = d.H, G = 3 * H, BH = B * H;
  try {
    std::memcpy(hT, h0, sizeof(float) * BH);
    if (T == 0 || B == 0 || H == 0) return Status::Ok();
    // Scratch kept between calls (grow-only, as lstm_cpu.cpp): every element is written before it is read.
    // The hoisted input GEMM runs in blocks of `chunk` steps into a ~8 MB scratch that stays in cache while the
    // steps consume it (as lstm_cpu.cpp's inference; nothing of it is kept for backward here).
    const int64_t chunk = std::max<int64_t>(1, std::min<int64_t>(T, (int64_t(2) << 20) / (B * G)));
    float* const MX = scratch_floats(0, static_cast<size_t>(chunk * B * G));
    int64_t blockT0 = 0;  // first time index held in MX
    float* const MH = scratch_floats(1, static_cast<size_t>(B * G));
    float* keepAll = saved;                         // [T,B,4H] gates by time
    float* hPrevAll = saved ? saved + T * B * 4 * H : nullptr;  // [T,B,H] by time
    float* h = hT;
    const float* bIn = bias;
    const float* bRec = bias + G;
    for (int64_t s = 0; s < T; s++) {
      const int64_t t = o.goBackwards ? T - 1 - s : s;
      if (s % chunk == 0) {  // input GEMM for steps s .. s+n-1, which cover the times [blockT0, blockT0 + n)
        const int64_t n = std::min(chunk, T - s);
        blockT0 = o.goBackwards ? T - s - n : s;
        sgemm(CblasNoTrans, CblasNoTrans, n * B, G, I, x + blockT0 * B * I, I, K, G, 0.0f, MX, G);
      }
      if (saved) std::memcpy(hPrevAll + t * BH, h, sizeof(float) * BH);
      sgemm(CblasNoTrans, CblasNoTrans, B, G, H, h, H, R, G, 0.0f, MH, G);
      for (int64_t b = 0; b < B; b++) {
        float* __restrict yr = y + (s * B + b) * H;
        if (!valid_step(o, t, b)) {
          if (o.zeroOutputForMask || s == 0) std::memset(yr, 0, sizeof(float) * H);
          else std::memcpy(yr, y + ((s - 1) * B + b) * H, sizeof(float) * H);
          continue;
        }
        pointwise_forward(H, MX + ((t - blockT0) * B + b) * G, MH + b * G, bIn, bRec, h + b * H, yr,
                          saved ? keepAll + (t * B + b) * 4 * H : nullptr);
      }
    }
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
    std::fill(dK, dK + I * G, 0.0f);
    std::fill(dR, dR + H * G, 0.0f);
    std::fill(db, db + 2 * G, 0.0f);
    if (dx) std::fill(dx, dx + T * B * I, 0.0f);
    if (T == 0 || B == 0 || H == 0) return Status::Ok();
    const float* keepAll = saved;
    const float* hPrevAll = saved + T * B * 4 * H;
    // dM_x, dM_h by time; rows of masked steps must read as zero in the weight GEMMs.
    float* const dMX = scratch_floats(0, static_cast<size_t>(T * B * G));
    float* const dMH = scratch_floats(1, static_cast<size_t>(T * B * G));
    std::fill(dMX, dMX + T * B * G, 0.0f);
    std::fill(dMH, dMH + T * B * G, 0.0f);
    std::vector<float> carry(static_cast<size_t>(BH), 0.0f);
    std::vector<float> direct(static_cast<size_t>(BH));
    std::vector<float> tmp(static_cast<size_t>(BH));
    std::vector<char> valid(static_cast<size_t>(B));
    float* dh = dh0;
    for (int64_t s = T - 1; s >= 0; s--) {
      const int64_t t = o.goBackwards ? T - 1 - s : s;
      bool any = false;
      for (int64_t b = 0; b < B; b++) {
        const float* __restrict dyr = dy + (s * B + b) * H;
        float* __restrict cr = carry.data() + b * H;
        valid[b] = valid_step(o, t, b);
        if (!valid[b]) {
          if (!o.zeroOutputForMask)
            for (int64_t j = 0; j < H; j++) cr[j] += dyr[j];
          continue;
        }
        any = true;
        const int64_t row = t * B + b;
        pointwise_backward(H, keepAll + row * 4 * H, hPrevAll + t * BH + b * H, dyr, cr, dh + b * H,
                           direct.data() + b * H, dMX + row * G, dMH + row * G);
      }
      if (!any) continue;
      sgemm(CblasNoTrans, CblasTrans, B, H, G, dMH + t * B * G, G, R, G, 0.0f, tmp.data(), H);
      for (int64_t b = 0; b < B; b++)
        if (valid[b])
          for (int64_t j = 0; j < H; j++) dh[b * H + j] = direct[b * H + j] + tmp[b * H + j];
    }
    cpu::weight_grads(T * B, I, H, G, x, K, hPrevAll, dMX, dMH, true, dx, dK, dR, db);
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status::Error("gru_cpu_backward: out of memory");
  }
}

}  // namespace lstmts
