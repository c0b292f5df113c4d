// Fused GRU sequence kernel on the CPU (float32, BLAS sgemm). Node-free. Semantics are exactly those of the TS
// reference (src/kernels/types.ts "GRU", src/kernels/gru-ts.ts): Keras GRU with reset_after = True,
//
//   x [T,B,I] time-major; kernel K [I,3H], recurrent kernel R [H,3H], bias [2,3H] (input row, recurrent row),
//   gate order z, r, h:  m_x = x_t·K + b_in;  m_h = h·R + b_rec;  z = σ(m_x,z + m_h,z);  r = σ(m_x,r + m_h,r);
//   ĥ = tanh(m_x,h + r ⊙ m_h,h);  h' = z ⊙ h + (1 − z) ⊙ ĥ
//   seqLengths / goBackwards / zeroOutputForMask and the masked-step rules as the LSTM kernel (lstm_cpu.h).
#pragma once
#include <cstdint>

#include "lstm_cpu.h"  // Status, LstmDims, LstmOptions

namespace lstmts {

/// Floats a training forward keeps for backward: z, r, ĥ, m_h,h [T,B,4H] and h_prev [T,B,H], by time t.
int64_t gru_cpu_saved_floats(const LstmDims& d);

Status gru_cpu_check_dims(const LstmDims& d);

/// Forward. y [T,B,H] (processing order), hT [B,H]; `saved` (gru_cpu_saved_floats) for training, else nullptr.
Status gru_cpu_forward(const LstmDims& d, const LstmOptions& o, const float* x, const float* h0, const float* K,
                       const float* R, const float* bias, float* y, float* hT, float* saved);

/// Backward from a training forward's `saved`. dy [T,B,H] (processing order), dhT [B,H]. Writes dx (may be
/// nullptr: skipped), dh0, dK [I,3H], dR [H,3H], db [6H].
Status gru_cpu_backward(const LstmDims& d, const LstmOptions& o, const float* x, const float* K, const float* R,
                        const float* saved, const float* dy, const float* dhT, float* dx, float* dh0, float* dK,
                        float* dR, float* db);

}  // namespace lstmts
