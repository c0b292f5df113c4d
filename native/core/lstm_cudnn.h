// Fused LSTM (and GRU, initGru) on NVIDIA GPUs through the cuDNN 9 RNN API (cudnnSetRNNDescriptor_v8, cudnnRNNForward,
// cudnnRNNBackwardData_v8, cudnnRNNBackwardWeights_v8). Node-free; same semantics as lstm_cpu.h (Keras).
//
// What is kept between calls (one CudnnLstm per layer): the handle, RNN / dropout / data / state descriptors,
// the device weight space (re-uploaded only when the Keras weights changed: explicit version number from JS,
// else a byte comparison with the last upload), the dweight space, a grow-only workspace. A training forward
// returns a CudnnSaved that owns the reserve space and the device x, y, hx, cx needed by backward; backward
// frees it (reserve kept from forward until backward, then freed), unless asked to keep it for another backward
// (autograd's retainGraph: PyTorch test_rnn_retain_variables_cuda runs backward twice over one forward).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lstm_cpu.h"  // Status, LstmOptions

namespace lstmts {

struct CudnnDevice {
  std::string name;
  int major = 0, minor = 0;
  double memGiB = 0;
};

struct CudnnProbe {
  long cudnnRuntimeVersion = 0;  // cudnnGetVersion()
  long cudnnCompiledVersion = 0; // CUDNN_VERSION of the headers
  int cudartRuntimeVersion = 0, cudartCompiledVersion = 0, driverVersion = 0;
  int deviceCount = 0;
  std::vector<CudnnDevice> devices;
  std::string libraryError;  // why the cuDNN sub-libraries cannot be loaded (then cuDNN is never called)
  std::string error;  // why no device is usable ("no CUDA device: cudaGetDeviceCount -> ...")
};

/// Never fails: fills what it can and explains the rest in `error` / `libraryError`.
CudnnProbe cudnn_probe();
/// Whether libcudnn_graph/ops/adv.so.9 load next to libcudnn.so.9 (cached); the reason if not.
bool cudnn_libs_loadable(std::string* why);

struct CudnnSaved;  // device buffers of one training forward (defined in lstm_cudnn.cpp)
void cudnn_saved_free(CudnnSaved* s);
/// Device bytes a saved state holds (x, y, states, reserve), for the JS engine's external-memory accounting.
size_t cudnn_saved_bytes(const CudnnSaved* s);

struct CudnnStats {
  int64_t weightUploads = 0, forwardCalls = 0, backwardCalls = 0;
  int64_t workspaceBytes = 0, weightSpaceBytes = 0, liveReserveBytes = 0, liveSaved = 0;
};

class CudnnLstm {
 public:
  CudnnLstm();
  ~CudnnLstm();
  CudnnLstm(const CudnnLstm&) = delete;
  CudnnLstm& operator=(const CudnnLstm&) = delete;

  /// Creates the handle and descriptors for one unidirectional layer. tf32=false -> CUDNN_FMA_MATH (strict fp32).
  Status init(int device, int64_t I, int64_t H, bool tf32);
  /// The same for a GRU layer (CUDNN_GRU = Keras reset_after = True): setWeights then takes Keras's K [I,3H],
  /// R [H,3H], b [2,3H]; forward/backward take nullptr for c0/cT/dcT/dc0 and dK/dR/db have the GRU shapes.
  Status initGru(int device, int64_t I, int64_t H, bool tf32);
  bool isGru() const;
  /// Keras K [I,4H], R [H,4H], b [4H]. Uploads only if changed (version >= 0: equal version = unchanged).
  Status setWeights(const float* K, const float* R, const float* b, double version);
  /// x [T,B,I], h0/c0 [B,H] host; y [T,B,H], hT/cT [B,H] host. Lengths must be in [1, T].
  /// training: *saved receives the state for backward (caller frees with cudnn_saved_free or backward).
  Status forward(int64_t T, int64_t B, const LstmOptions& o, const float* x, const float* h0, const float* c0,
                 float* y, float* hT, float* cT, bool training, CudnnSaved** saved);
  /// Consumes `saved` (always freed, also on error) unless keepSaved: then it stays valid for another backward
  /// and the caller frees it. cudnnRNNBackwardData_v8 writes into the reserve space (PyTorch RNN.cpp: "it
  /// mutates reserve"), so a kept state's reserve is copied first and the copy is what the backward calls use.
  /// dy in processing order like y; expectT/expectB are the sizes the caller allocated for, checked against
  /// the forward's.
  Status backward(CudnnSaved* saved, const float* dy, const float* dhT, const float* dcT, float* dx, float* dh0,
                  float* dc0, float* dK, float* dR, float* db, int64_t expectT, int64_t expectB, bool keepSaved = false);
  CudnnStats stats() const;
  /// Device bytes the layer itself holds (weight and dweight spaces, workspace, pooled inference buffers).
  size_t deviceBytes() const;
  int64_t inputSize() const { return I_; }
  int64_t hiddenSize() const { return H_; }

 private:
  Status initCell(int device, int64_t I, int64_t H, bool tf32, bool gru);
  struct Impl;
  std::unique_ptr<Impl> p_;
  int64_t I_ = 0, H_ = 0;
};

}  // namespace lstmts
