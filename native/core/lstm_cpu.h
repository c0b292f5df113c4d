// Fused LSTM sequence kernel on the CPU (float32, on lstm-ts's GEMM, gemm.h). Node-free: used by the N-API binding and
// by the C++ test program. Semantics are exactly those of src/kernels/types.ts (the TS reference):
//
//   x [T,B,I] time-major; kernel K [I,4H], recurrent kernel R [H,4H], bias b [4H] in Keras layout with gate
//   order i, f, c, o;  z = (x_t·K + h·R) + b;  i,f,o = σ(z);  g = tanh(z_c);  c' = f⊙c + i⊙g;  h' = o⊙tanh(c')
//   seqLengths (optional): step t of row b is valid iff t < len[b] (right-padded mask).
//   goBackwards: processing order s = 0..T-1 visits time t = T-1-s; y[s] is the s-th processed output.
//   At a masked step the states are carried; the output is the previous output (zeros before the first
//   valid step), or zeros when zeroOutputForMask.
#pragma once
#include <cstdint>
#include <string>

namespace lstmts {

struct Status {
  bool ok = true;
  std::string message;  // names the failing call and its status when !ok
  static Status Ok() { return Status(); }
  static Status Error(std::string m) {
    Status s;
    s.ok = false;
    s.message = std::move(m);
    return s;
  }
};

struct LstmDims {
  int64_t T = 0, B = 0, I = 0, H = 0;
};

struct LstmOptions {
  const int32_t* seqLengths = nullptr;  // [B] or nullptr (= all T)
  bool goBackwards = false;
  bool zeroOutputForMask = false;
};

/// Floats the training forward must keep for backward: activated gates [T,B,4H], h_prev, c_prev and
/// tanh(c_new) [T,B,H] each, all indexed by time t (not processing order).
int64_t lstm_cpu_saved_floats(const LstmDims& d);

/// Checks sizes against 32-bit int dimensions (kept from the BLAS days: the N-API layer and cuDNN take int) and
/// the address space.
Status lstm_cpu_check_dims(const LstmDims& d);

/// Forward. y [T,B,H], hT/cT [B,H]. `saved` (lstm_cpu_saved_floats) is filled for backward, or nullptr
/// for inference (then a private [T,B,4H] scratch is used).
Status lstm_cpu_forward(const LstmDims& d, const LstmOptions& o, const float* x, const float* h0, const float* c0,
                        const float* K, const float* R, const float* b, float* y, float* hT, float* cT,
                        float* saved);

/// Backward from the `saved` buffer of a training forward with the same arguments. dy [T,B,H] in processing
/// order (like y), dhT/dcT [B,H]. Writes (overwrites) dx, dh0, dc0, dK, dR, db. dx may be nullptr when x needs
/// no gradient: then the dZ·Kᵀ GEMM (a fifth of backward's FLOPs when I = H) is skipped.
Status lstm_cpu_backward(const LstmDims& d, const LstmOptions& o, const float* x, const float* K, const float* R,
                         const float* saved, const float* dy, const float* dhT, const float* dcT, float* dx,
                         float* dh0, float* dc0, float* dK, float* dR, float* db);

/// The GEMM's name and the thread count of the kernels (threads.h; n ≤ 0 restores the default).
const char* lstm_cpu_blas_name();
void lstm_cpu_set_threads(int n);
int lstm_cpu_get_threads();

}  // namespace lstmts
