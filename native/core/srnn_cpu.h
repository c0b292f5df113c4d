// Fused SimpleRNN sequence kernel on the CPU (float32, BLAS sgemm). Node-free. Semantics of the TS reference
// (src/kernels/types.ts "SimpleRNN", simple-rnn-ts.ts): h' = act((x_t·K + b) + h·R), act tanh or relu;
// kernel K [I,H], recurrent kernel R [H,H], bias [H]; masks and direction as the LSTM kernel (lstm_cpu.h).
#pragma once
#include <cstdint>

#include "lstm_cpu.h"  // Status, LstmDims, LstmOptions

namespace lstmts {

/// Floats a training forward keeps for backward: h entering each step [T,B,H] (by time) and h' [T,B,H].
int64_t srnn_cpu_saved_floats(const LstmDims& d);

Status srnn_cpu_check_dims(const LstmDims& d);

/// Forward; relu selects relu, else tanh. y [T,B,H] (processing order), hT [B,H]; `saved` or nullptr.
Status srnn_cpu_forward(const LstmDims& d, const LstmOptions& o, bool relu, const float* x, const float* h0, const float* K,
                        const float* R, const float* bias, float* y, float* hT, float* saved);

/// Backward from a training forward's `saved`. Writes dx (nullptr: skipped), dh0, dK [I,H], dR [H,H], db [H].
Status srnn_cpu_backward(const LstmDims& d, const LstmOptions& o, bool relu, const float* x, const float* K, const float* R,
                         const float* saved, const float* dy, const float* dhT, float* dx, float* dh0, float* dK, float* dR,
                         float* db);

}  // namespace lstmts
