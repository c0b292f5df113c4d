// cuDNN 9 LSTM backend. See lstm_cudnn.h for the lifetime rules and docs/native.md for the layout drawing.
//
// Keras -> cuDNN (Keras 3 keras/src/backend/tensorflow/rnn.py `_cudnn_lstm`, cudnn.md §b):
//   * gate order i, f, c, o is cuDNN's linLayerID order 0..3 (input matrices) and 4..7 (recurrent matrices);
//   * cuDNN matrices are [out, in] row-major: W_g[j][k] = K[k][g·H + j], R_g[j][k] = Rk[k][g·H + j];
//   * DOUBLE_BIAS with the Keras bias in the recurrent half (IDs 4..7) and zeros in the input half (0..3).
// Keras masking semantics on top of cuDNN's padded I/O (which zero-fills y at padded steps):
//   * forward order: y[s] = y'[s] for s < len, else y'[len-1] (the previous output) or 0 (zero_output_for_mask);
//   * go_backwards: x' = reverse_sequence(x, len); Keras processes the T-len padded steps first, emitting zeros,
//     so y[s] = 0 for s < T-len and y[s] = y'[s-(T-len)] after.
// The gradient mapping is the transpose of these index maps.
// GRU mode (initGru, Keras GRU with reset_after = True, docs/gru.md): cuDNN's CUDNN_GRU computes
//   h̃ = tanh(W_h x + b_Wh + r ⊙ (R_h h + b_Rh)),  h' = (1 − z) ⊙ h̃ + z ⊙ h
// which is Keras's reset_after form; its linLayerIDs 0, 1, 2 (input) and 3, 4, 5 (recurrent) are the gates
// r, z, h — Keras's z and r swap places — and its double bias is Keras's [2, 3H] bias as it is (row 0 the input
// half, row 1 the recurrent half). There is no cell state: cx/cy are NULL.
#include "lstm_cudnn.h"

#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <dlfcn.h>
#include <link.h>  // dlinfo, RTLD_DI_ORIGIN

#include <atomic>
#include <climits>
#include <cstring>
#include <mutex>
#include <new>

namespace lstmts {

namespace {

std::string cudaErr(const char* call, cudaError_t e) {
  return std::string(call) + " failed: " + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")";
}
std::string cudnnErr(const char* call, cudnnStatus_t s) {
  std::string msg = std::string(call) + " failed: " + cudnnGetErrorString(s) + " (status " + std::to_string(int(s)) + ")";
#if CUDNN_MAJOR >= 9
  // The status alone says little (BAD_PARAM for a dozen different causes, cudnn.md §c.3); cuDNN 9 keeps the
  // detailed text of the last error per thread (cudnn_graph.h: cudnnGetLastErrorString).
  char detail[512] = {0};
  cudnnGetLastErrorString(detail, sizeof(detail));
  if (detail[0]) msg += std::string(": ") + detail;
#endif
  return msg;
}

#define LSTMTS_CUDA(call)                                         \
  do {                                                            \
    cudaError_t _e = (call);                                      \
    if (_e != cudaSuccess) return Status::Error(cudaErr(#call, _e)); \
  } while (0)
#define LSTMTS_CUDNN(call)                                                   \
  do {                                                                       \
    cudnnStatus_t _s = (call);                                               \
    if (_s != CUDNN_STATUS_SUCCESS) return Status::Error(cudnnErr(#call, _s)); \
  } while (0)

// Device buffer that frees itself; `ensure` grows (never shrinks) so the workspace is reused across calls.
// It remembers the device it was allocated on and frees there: cudaFree on the wrong current device fails
// (and a destructor may run from a GC finalizer while another device is current).
struct DevBuf {
  void* p = nullptr;
  size_t bytes = 0;
  int device = -1;
  DevBuf() = default;
  DevBuf(const DevBuf&) = delete;
  DevBuf& operator=(const DevBuf&) = delete;
  ~DevBuf() { reset(); }
  void reset() {
    if (p) {
      int cur = -1;
      if (device >= 0 && cudaGetDevice(&cur) == cudaSuccess && cur != device) cudaSetDevice(device);
      cudaFree(p);
      if (cur >= 0 && cur != device) cudaSetDevice(cur);
    }
    p = nullptr;
    bytes = 0;
  }
  Status ensure(size_t n, const char* what) {
    if (n <= bytes && p) return Status::Ok();
    reset();
    if (n == 0) return Status::Ok();
    cudaError_t e = cudaMalloc(&p, n);
    if (e != cudaSuccess) {
      p = nullptr;
      return Status::Error(cudaErr((std::string("cudaMalloc(") + what + ", " + std::to_string(n) + " bytes)").c_str(), e));
    }
    bytes = n;
    cudaGetDevice(&device);
    return Status::Ok();
  }
  float* f() const { return static_cast<float*>(p); }
};

// Every CudnnLstm gets a process-unique id: a saved state names its layer by id, not by address, so the state
// of a destroyed layer is refused by a new layer that happens to be allocated at the same address.
std::atomic<uint64_t> nextLayerId{1};

}  // namespace

struct CudnnSaved {
  uint64_t ownerId = 0;  // CudnnLstm::Impl::id of the layer that ran the forward
  int64_t I = 0, H = 0;  // the sizes of that layer (checked again by backward)
  int64_t T = 0, B = 0;
  std::vector<int32_t> lens;
  bool goBackwards = false, zeroOutputForMask = false;
  // hx, hy, cx, cy in buffers of their own: as halves of one allocation, hy sat at byte offset 4·B·H, which is
  // only 4-byte aligned when B·H is odd (cuDNN's tensors want at least 16).
  DevBuf x, y, hx, hy, cx, cy, reserve, devLens;
  std::shared_ptr<CudnnStats> stats;  // shared: a saved state may outlive its layer object
  ~CudnnSaved() {
    if (stats) {
      stats->liveReserveBytes -= static_cast<int64_t>(reserve.bytes);
      stats->liveSaved -= 1;
    }
  }
};

void cudnn_saved_free(CudnnSaved* s) { delete s; }

size_t cudnn_saved_bytes(const CudnnSaved* s) {
  if (!s) return 0;
  return s->x.bytes + s->y.bytes + s->hx.bytes + s->hy.bytes + s->cx.bytes + s->cy.bytes + s->reserve.bytes +
         s->devLens.bytes;
}

// libcudnn.so.9 is a small shim that dlopens libcudnn_graph/ops/adv.so.9 on first use and ABORTS the process
// ("Invalid handle. Cannot load symbol ...") when one is missing, e.g. when only the shim was unpacked to link
// against (CI). So before the first cuDNN call, check that the sub-libraries next to the shim load, with their
// own dependencies (cuBLASLt 13 for adv); if not, report why and never call cuDNN.
bool cudnn_libs_loadable(std::string* why) {
  static std::once_flag once;
  static bool ok = false;
  static std::string reason;
  std::call_once(once, [] {
    // The folder of the libcudnn.so.9 this process loaded: ask the dynamic loader for the already-loaded
    // object by soname (RTLD_NOLOAD) and read its origin. dladdr(&cudnnGetVersion) named the executable in a
    // non-PIE program (the symbol resolved through its PLT), which sent the search next to the executable.
    std::string dir;
    if (void* self = dlopen("libcudnn.so.9", RTLD_NOW | RTLD_NOLOAD)) {
      char origin[PATH_MAX] = {0};
      if (dlinfo(self, RTLD_DI_ORIGIN, origin) == 0 && origin[0]) dir = std::string(origin) + "/";
      dlclose(self);
    }
    for (const char* lib : {"libcudnn_graph.so.9", "libcudnn_ops.so.9", "libcudnn_adv.so.9"}) {
      const std::string path = dir + lib;
      void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!h) {
        const char* e = dlerror();
        reason = std::string("cuDNN sub-library not loadable: ") + (e ? e : path.c_str());
        return;
      }
      // keep it loaded: the shim will dlopen the same file again and get this handle
    }
    ok = true;
  });
  if (!ok && why) *why = reason;
  return ok;
}

CudnnProbe cudnn_probe() {
  CudnnProbe p;
  p.cudnnCompiledVersion = CUDNN_VERSION;
  p.cudartCompiledVersion = CUDART_VERSION;
  std::string why;
  if (cudnn_libs_loadable(&why)) p.cudnnRuntimeVersion = static_cast<long>(cudnnGetVersion());
  else p.libraryError = why;
  cudaRuntimeGetVersion(&p.cudartRuntimeVersion);
  cudaDriverGetVersion(&p.driverVersion);
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear the sticky error so later calls are not poisoned
    p.deviceCount = 0;
    p.error = "no CUDA device: " + cudaErr("cudaGetDeviceCount", e);
    return p;
  }
  p.deviceCount = n;
  if (n == 0) p.error = "no CUDA device: cudaGetDeviceCount returned 0";
  for (int i = 0; i < n; i++) {
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
    CudnnDevice d;
    d.name = prop.name;
    d.major = prop.major;
    d.minor = prop.minor;
    d.memGiB = static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0);
    p.devices.push_back(d);
  }
  return p;
}

struct CudnnLstm::Impl {
  uint64_t id = nextLayerId.fetch_add(1);
  int device = 0;
  bool tf32 = false;
  bool gru = false;  // CUDNN_GRU instead of CUDNN_LSTM (3 gates, no cell state)
  /// Gates per direction (4 LSTM, 3 GRU), and the cuDNN linLayer of Keras gate g (GRU: z, r, h → 1, 0, 2).
  int gates() const { return gru ? 3 : 4; }
  int cudnnGate(int g) const { return gru ? (g == 0 ? 1 : g == 1 ? 0 : 2) : g; }
  cudnnHandle_t handle = nullptr;
  cudnnRNNDescriptor_t rnn = nullptr;
  cudnnDropoutDescriptor_t drop = nullptr;
  cudnnRNNDataDescriptor_t xDesc = nullptr, yDesc = nullptr;
  cudnnTensorDescriptor_t hDesc = nullptr, cDesc = nullptr;
  DevBuf w, dw, work;
  // Inference forwards reuse these (grow-only) instead of a cudaMalloc/cudaFree per call; cudaFree synchronizes
  // the device. A training forward's buffers belong to its CudnnSaved and live until its backward.
  DevBuf px, py, phx, phy, pcx, pcy, plens;
  size_t wBytes = 0;
  int64_t wOff[8] = {0}, bOff[8] = {0};  // float offsets of each linLayer matrix / bias in the weight space (LSTM 8, GRU 6)
  std::vector<float> lastK, lastR, lastB;
  double lastVersion = -1;
  bool ready = false;  // init() ran to the end; a failed init leaves the handle but no weight offsets
  bool uploaded = false;
  std::shared_ptr<CudnnStats> stats = std::make_shared<CudnnStats>();

  ~Impl() {
    // The handle and descriptors belong to `device`: make it current before destroying them (a finalizer may
    // run while another device is current). The DevBufs free on their own device afterwards.
    if (handle) cudaSetDevice(device);
    if (xDesc) cudnnDestroyRNNDataDescriptor(xDesc);
    if (yDesc) cudnnDestroyRNNDataDescriptor(yDesc);
    if (hDesc) cudnnDestroyTensorDescriptor(hDesc);
    if (cDesc) cudnnDestroyTensorDescriptor(cDesc);
    if (rnn) cudnnDestroyRNNDescriptor(rnn);
    if (drop) cudnnDestroyDropoutDescriptor(drop);
    if (handle) cudnnDestroy(handle);
  }

  Status setData(int64_t T, int64_t B, int64_t I, int64_t H, const std::vector<int32_t>& lens) {
    float fill = 0.0f;  // y at padded steps (we overwrite them with Keras's values on the host anyway)
    LSTMTS_CUDNN(cudnnSetRNNDataDescriptor(xDesc, CUDNN_DATA_FLOAT, CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED,
                                           static_cast<int>(T), static_cast<int>(B), static_cast<int>(I), lens.data(),
                                           &fill));
    LSTMTS_CUDNN(cudnnSetRNNDataDescriptor(yDesc, CUDNN_DATA_FLOAT, CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED,
                                           static_cast<int>(T), static_cast<int>(B), static_cast<int>(H), lens.data(),
                                           &fill));
    const int dims[3] = {1, static_cast<int>(B), static_cast<int>(H)};
    const int strides[3] = {static_cast<int>(B * H), static_cast<int>(H), 1};
    LSTMTS_CUDNN(cudnnSetTensorNdDescriptor(hDesc, CUDNN_DATA_FLOAT, 3, dims, strides));
    LSTMTS_CUDNN(cudnnSetTensorNdDescriptor(cDesc, CUDNN_DATA_FLOAT, 3, dims, strides));
    return Status::Ok();
  }
};

namespace {
// Whether `d` describes a packed row-major float tensor of shape `want`, allowing the unit dimensions cuDNN
// adds around it ([1, H, in] for a matrix, [1, H, 1] for a bias). Describes what it found in *got.
bool packedAs(cudnnTensorDescriptor_t d, std::vector<int64_t> want, std::string* got) {
  cudnnDataType_t dt;
  int nb = 0, dims[8] = {0}, strides[8] = {0};
  if (cudnnGetTensorNdDescriptor(d, 8, &dt, &nb, dims, strides) != CUDNN_STATUS_SUCCESS || nb < 1 || nb > 8) {
    *got = "an unreadable descriptor";
    return false;
  }
  *got = "dims [";
  for (int k = 0; k < nb; k++) *got += (k ? ", " : "") + std::to_string(dims[k]);
  *got += "] strides [";
  for (int k = 0; k < nb; k++) *got += (k ? ", " : "") + std::to_string(strides[k]);
  *got += "]";
  if (dt != CUDNN_DATA_FLOAT) return false;
  int64_t expect = 1;  // packed: stride[k] = product of dims after k (unit dims may carry any stride)
  for (int k = nb - 1; k >= 0; k--) {
    if (dims[k] != 1 && strides[k] != expect) return false;
    expect *= dims[k];
  }
  std::vector<int64_t> core;
  for (int k = 0; k < nb; k++) core.push_back(dims[k]);
  // strip the unit dims cuDNN wraps around the shape, but never below the wanted rank
  while (core.size() > want.size() && core.front() == 1) core.erase(core.begin());
  while (core.size() > want.size() && core.back() == 1) core.pop_back();
  return core == want;
}
}  // namespace

CudnnLstm::CudnnLstm() : p_(new Impl()) {}

size_t CudnnLstm::deviceBytes() const {
  const Impl& m = *p_;
  return m.w.bytes + m.dw.bytes + m.work.bytes + m.px.bytes + m.py.bytes + m.phx.bytes + m.phy.bytes + m.pcx.bytes +
         m.pcy.bytes + m.plens.bytes;
}
CudnnLstm::~CudnnLstm() = default;

Status CudnnLstm::init(int device, int64_t I, int64_t H, bool tf32) { return initCell(device, I, H, tf32, false); }

Status CudnnLstm::initGru(int device, int64_t I, int64_t H, bool tf32) { return initCell(device, I, H, tf32, true); }

Status CudnnLstm::initCell(int device, int64_t I, int64_t H, bool tf32, bool gru) {
  if (I < 1 || H < 1 || I > (1 << 30) || H > (1 << 28)) return Status::Error("CudnnLstm.init: I and H must be >= 1");
  Impl& m = *p_;
  if (m.handle) return Status::Error("CudnnLstm.init: already initialised");
  m.gru = gru;
  I_ = I;
  H_ = H;
  m.device = device;
  m.tf32 = tf32;
  int count = 0;
  cudaError_t ce = cudaGetDeviceCount(&count);
  if (ce != cudaSuccess || count == 0) {
    cudaGetLastError();
    return Status::Error("CudnnLstm.init: no CUDA device (" +
                         (ce != cudaSuccess ? cudaErr("cudaGetDeviceCount", ce) : std::string("0 devices")) + ")");
  }
  if (device < 0 || device >= count)
    return Status::Error("CudnnLstm.init: device " + std::to_string(device) + " does not exist (" +
                         std::to_string(count) + " devices)");
  std::string why;
  if (!cudnn_libs_loadable(&why)) return Status::Error("CudnnLstm.init: " + why);
  LSTMTS_CUDA(cudaSetDevice(device));
  LSTMTS_CUDNN(cudnnCreate(&m.handle));
  LSTMTS_CUDNN(cudnnCreateDropoutDescriptor(&m.drop));
  // No dropout: PyTorch's "set_no_dropout" (p = 0, no state buffer) and still pass the descriptor (cudnn.md §0).
  LSTMTS_CUDNN(cudnnSetDropoutDescriptor(m.drop, m.handle, 0.0f, nullptr, 0, 0));
  LSTMTS_CUDNN(cudnnCreateRNNDescriptor(&m.rnn));
  // FMA_MATH = strict fp32 (parity with the CPU/TS paths); DEFAULT_MATH lets TF32 tensor cores run (Ampere+).
  LSTMTS_CUDNN(cudnnSetRNNDescriptor_v8(m.rnn, CUDNN_RNN_ALGO_STANDARD, gru ? CUDNN_GRU : CUDNN_LSTM, CUDNN_RNN_DOUBLE_BIAS,
                                        CUDNN_UNIDIRECTIONAL, CUDNN_LINEAR_INPUT, CUDNN_DATA_FLOAT, CUDNN_DATA_FLOAT,
                                        tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH, static_cast<int32_t>(I),
                                        static_cast<int32_t>(H), static_cast<int32_t>(H) /* projSize = H: off */,
                                        1, m.drop, CUDNN_RNN_PADDED_IO_ENABLED));
  LSTMTS_CUDNN(cudnnCreateRNNDataDescriptor(&m.xDesc));
  LSTMTS_CUDNN(cudnnCreateRNNDataDescriptor(&m.yDesc));
  LSTMTS_CUDNN(cudnnCreateTensorDescriptor(&m.hDesc));
  LSTMTS_CUDNN(cudnnCreateTensorDescriptor(&m.cDesc));
  LSTMTS_CUDNN(cudnnGetRNNWeightSpaceSize(m.handle, m.rnn, &m.wBytes));
  Status st = m.w.ensure(m.wBytes, "weight space");
  if (!st.ok) return st;
  st = m.dw.ensure(m.wBytes, "dweight space");
  if (!st.ok) return st;
  m.stats->weightSpaceBytes = static_cast<int64_t>(m.wBytes);
  // Where each gate's matrix and bias live; check the shapes cuDNN reports against what we will copy.
  // Owned by a guard: the early returns of LSTMTS_CUDNN (e.g. bDesc creation failing) must not leak mDesc.
  struct TensorDescs {
    cudnnTensorDescriptor_t m = nullptr, b = nullptr;
    ~TensorDescs() {
      if (m) cudnnDestroyTensorDescriptor(m);
      if (b) cudnnDestroyTensorDescriptor(b);
    }
  } descs;
  LSTMTS_CUDNN(cudnnCreateTensorDescriptor(&descs.m));
  LSTMTS_CUDNN(cudnnCreateTensorDescriptor(&descs.b));
  cudnnTensorDescriptor_t mDesc = descs.m, bDesc = descs.b;
  Status res = Status::Ok();
  const int nGates = m.gates();
  for (int id = 0; id < 2 * nGates && res.ok; id++) {
    void *mAddr = nullptr, *bAddr = nullptr;
    cudnnStatus_t s = cudnnGetRNNWeightParams(m.handle, m.rnn, 0, m.wBytes, m.w.p, id, mDesc, &mAddr, bDesc, &bAddr);
    if (s != CUDNN_STATUS_SUCCESS) {
      res = Status::Error(cudnnErr("cudnnGetRNNWeightParams", s));
      break;
    }
    // The copy below assumes a packed row-major [H, in] matrix and a packed [H] bias (cudnn.md §4: observed
    // layout, not a contract), so check the dims and strides themselves, not only the element counts.
    const int64_t in = id < nGates ? I : H;
    std::string got;
    if (!packedAs(mDesc, {H, in}, &got) || !packedAs(bDesc, {H}, &got)) {
      res = Status::Error("cudnnGetRNNWeightParams: linLayer " + std::to_string(id) + " is laid out as " + got +
                          ", expected a packed row-major [" + std::to_string(H) + ", " + std::to_string(in) +
                          "] matrix and [" + std::to_string(H) + "] bias");
      break;
    }
    m.wOff[id] = (static_cast<char*>(mAddr) - static_cast<char*>(m.w.p)) / static_cast<int64_t>(sizeof(float));
    m.bOff[id] = (static_cast<char*>(bAddr) - static_cast<char*>(m.w.p)) / static_cast<int64_t>(sizeof(float));
  }
  m.ready = res.ok;
  return res;
}

Status CudnnLstm::setWeights(const float* K, const float* R, const float* b, double version) {
  Impl& m = *p_;
  // `ready`, not `handle`: after an init that failed past cudnnCreate, wOff/bOff are still zero and an upload
  // would silently scramble the weights.
  if (!m.ready) return Status::Error("CudnnLstm.setWeights: not initialised (init failed or was not called)");
  // LSTM: K [I,4H], R [H,4H], b [4H]; GRU: K [I,3H], R [H,3H], b [2,3H] (input row, recurrent row).
  const int nGates = m.gates();
  const int64_t I = I_, H = H_, G4 = nGates * H;
  const size_t nK = static_cast<size_t>(I * G4), nR = static_cast<size_t>(H * G4), nB = static_cast<size_t>(m.gru ? 2 * G4 : G4);
  if (m.uploaded) {
    if (version >= 0 && version == m.lastVersion) return Status::Ok();
    if (std::memcmp(m.lastK.data(), K, nK * 4) == 0 && std::memcmp(m.lastR.data(), R, nR * 4) == 0 &&
        std::memcmp(m.lastB.data(), b, nB * 4) == 0) {
      m.lastVersion = version;
      return Status::Ok();
    }
  }
  try {
    std::vector<float> host(m.wBytes / sizeof(float), 0.0f);  // LSTM: the input-half biases (IDs 0..3) stay zero
    for (int g = 0; g < nGates; g++) {
      const int c = m.cudnnGate(g);
      float* W = host.data() + m.wOff[c];
      float* Rg = host.data() + m.wOff[nGates + c];
      float* bW = host.data() + m.bOff[c];
      float* bR = host.data() + m.bOff[nGates + c];
      for (int64_t j = 0; j < H; j++) {
        for (int64_t k = 0; k < I; k++) W[j * I + k] = K[k * G4 + g * H + j];
        for (int64_t k = 0; k < H; k++) Rg[j * H + k] = R[k * G4 + g * H + j];
        if (m.gru) {
          bW[j] = b[g * H + j];
          bR[j] = b[G4 + g * H + j];
        } else {
          bR[j] = b[g * H + j];
        }
      }
    }
    LSTMTS_CUDA(cudaSetDevice(m.device));
    LSTMTS_CUDA(cudaMemcpy(m.w.p, host.data(), m.wBytes, cudaMemcpyHostToDevice));
    m.lastK.assign(K, K + nK);
    m.lastR.assign(R, R + nR);
    m.lastB.assign(b, b + nB);
  } catch (const std::bad_alloc&) {
    return Status::Error("CudnnLstm.setWeights: out of host memory");
  }
  m.lastVersion = version;
  m.uploaded = true;
  m.stats->weightUploads++;
  return Status::Ok();
}

Status CudnnLstm::forward(int64_t T, int64_t B, const LstmOptions& o, const float* x, const float* h0,
                          const float* c0, float* y, float* hT, float* cT, bool training, CudnnSaved** savedOut) {
  Impl& m = *p_;
  if (!m.ready || !m.uploaded) return Status::Error("CudnnLstm.forward: weights not set");
  if (T < 1 || B < 1) return Status::Error("CudnnLstm.forward: T and B must be >= 1");
  if (training && !savedOut) return Status::Error("CudnnLstm.forward: training needs a place for the saved state");
  if (savedOut) *savedOut = nullptr;
  const int64_t I = I_, H = H_;
  std::unique_ptr<CudnnSaved> sv;
  try {
    sv.reset(new CudnnSaved());
  } catch (const std::bad_alloc&) {
    return Status::Error("CudnnLstm.forward: out of host memory");
  }
  sv->ownerId = m.id;
  sv->I = I_;
  sv->H = H_;
  sv->T = T;
  sv->B = B;
  sv->goBackwards = o.goBackwards;
  sv->zeroOutputForMask = o.zeroOutputForMask;
  sv->lens.assign(static_cast<size_t>(B), static_cast<int32_t>(T));
  for (int64_t b = 0; b < B; b++) {
    if (o.seqLengths) sv->lens[b] = o.seqLengths[b];
    if (sv->lens[b] < 1 || sv->lens[b] > T)
      return Status::Error("CudnnLstm.forward: seqLengths[" + std::to_string(b) + "] = " + std::to_string(sv->lens[b]) +
                           " (cuDNN needs lengths in [1, T]; Keras rejects fully masked rows on this path)");
  }
  LSTMTS_CUDA(cudaSetDevice(m.device));
  Status st = m.setData(T, B, I, H, sv->lens);
  if (!st.ok) return st;
  const size_t xN = static_cast<size_t>(T * B * I), yN = static_cast<size_t>(T * B * H), sN = static_cast<size_t>(B * H);
  std::vector<float> hx;
  try {
    // go_backwards: reverse each row's valid prefix (Keras: reverse_sequence(x, lengths)).
    std::vector<float> xr;
    const float* xs = x;
    if (o.goBackwards) {
      xr.assign(xN, 0.0f);
      for (int64_t b = 0; b < B; b++)
        for (int64_t k = 0; k < sv->lens[b]; k++)
          std::memcpy(&xr[(k * B + b) * I], x + ((sv->lens[b] - 1 - k) * B + b) * I, sizeof(float) * I);
      xs = xr.data();
    }
    // Training: buffers of the saved state (kept for backward). Inference: the layer's pooled buffers.
    DevBuf& dx = training ? sv->x : m.px;
    DevBuf& dy = training ? sv->y : m.py;
    DevBuf& dhx = training ? sv->hx : m.phx;
    DevBuf& dhy = training ? sv->hy : m.phy;
    DevBuf& dcx = training ? sv->cx : m.pcx;
    DevBuf& dcy = training ? sv->cy : m.pcy;
    DevBuf& dlens = training ? sv->devLens : m.plens;
    if (!(st = dx.ensure(xN * 4, "x")).ok || !(st = dy.ensure(yN * 4, "y")).ok ||
        !(st = dhx.ensure(sN * 4, "hx")).ok || !(st = dhy.ensure(sN * 4, "hy")).ok ||
        (!m.gru && (!(st = dcx.ensure(sN * 4, "cx")).ok || !(st = dcy.ensure(sN * 4, "cy")).ok)) ||
        !(st = dlens.ensure(static_cast<size_t>(B) * 4, "seqLengths")).ok)
      return st;
    LSTMTS_CUDA(cudaMemcpy(dx.p, xs, xN * 4, cudaMemcpyHostToDevice));
    LSTMTS_CUDA(cudaMemcpy(dhx.p, h0, sN * 4, cudaMemcpyHostToDevice));
    if (!m.gru) LSTMTS_CUDA(cudaMemcpy(dcx.p, c0, sN * 4, cudaMemcpyHostToDevice));
    LSTMTS_CUDA(cudaMemcpy(dlens.p, sv->lens.data(), static_cast<size_t>(B) * 4, cudaMemcpyHostToDevice));
    size_t workBytes = 0, reserveBytes = 0;
    const cudnnForwardMode_t mode = training ? CUDNN_FWD_MODE_TRAINING : CUDNN_FWD_MODE_INFERENCE;
    LSTMTS_CUDNN(cudnnGetRNNTempSpaceSizes(m.handle, m.rnn, mode, m.xDesc, &workBytes, &reserveBytes));
    if (!(st = m.work.ensure(workBytes, "workspace")).ok) return st;
    m.stats->workspaceBytes = static_cast<int64_t>(m.work.bytes);
    if (training && !(st = sv->reserve.ensure(reserveBytes, "reserve space")).ok) return st;
    LSTMTS_CUDNN(cudnnRNNForward(m.handle, m.rnn, mode, static_cast<const int32_t*>(dlens.p), m.xDesc, dx.p,
                                 m.yDesc, dy.p, m.hDesc, dhx.p, dhy.p, m.gru ? nullptr : m.cDesc, m.gru ? nullptr : dcx.p,
                                 m.gru ? nullptr : dcy.p, m.wBytes, m.w.p,
                                 m.work.bytes, m.work.p, training ? sv->reserve.bytes : 0,
                                 training ? sv->reserve.p : nullptr));
    std::vector<float> yc(yN);
    LSTMTS_CUDA(cudaMemcpy(yc.data(), dy.p, yN * 4, cudaMemcpyDeviceToHost));
    LSTMTS_CUDA(cudaMemcpy(hT, dhy.p, sN * 4, cudaMemcpyDeviceToHost));
    if (!m.gru) LSTMTS_CUDA(cudaMemcpy(cT, dcy.p, sN * 4, cudaMemcpyDeviceToHost));
    // Keras's outputs from cuDNN's (see the index maps at the top of this file).
    for (int64_t b = 0; b < B; b++) {
      const int64_t len = sv->lens[b];
      for (int64_t s = 0; s < T; s++) {
        float* dst = y + (s * B + b) * H;
        int64_t src = -1;
        if (o.goBackwards) src = s >= T - len ? s - (T - len) : -1;
        else src = s < len ? s : (o.zeroOutputForMask ? -1 : len - 1);
        if (src < 0) std::memset(dst, 0, sizeof(float) * H);
        else std::memcpy(dst, &yc[(src * B + b) * H], sizeof(float) * H);
      }
    }
  } catch (const std::bad_alloc&) {
    return Status::Error("CudnnLstm.forward: out of host memory");
  }
  m.stats->forwardCalls++;
  if (training) {
    sv->stats = m.stats;
    m.stats->liveReserveBytes += static_cast<int64_t>(sv->reserve.bytes);
    m.stats->liveSaved += 1;
    *savedOut = sv.release();
  }
  return Status::Ok();
}

Status CudnnLstm::backward(CudnnSaved* saved, const float* dy, const float* dhT, const float* dcT, float* dx,
                           float* dh0, float* dc0, float* dK, float* dR, float* db, int64_t expectT, int64_t expectB,
                           bool keepSaved) {
  // Freed on every path unless kept: the reserve lives exactly until the last backward.
  std::unique_ptr<CudnnSaved> owned(keepSaved ? nullptr : saved);
  CudnnSaved* sv = saved;
  Impl& m = *p_;
  if (!sv || sv->ownerId != m.id || sv->I != I_ || sv->H != H_)
    return Status::Error("CudnnLstm.backward: saved state belongs to another layer");
  const int nGates = m.gates();
  const int64_t T = sv->T, B = sv->B, I = I_, H = H_, G4 = nGates * H;
  if (T != expectT || B != expectB)
    return Status::Error("CudnnLstm.backward: gradients are for T=" + std::to_string(expectT) + ", B=" +
                         std::to_string(expectB) + " but the forward had T=" + std::to_string(T) + ", B=" +
                         std::to_string(B));
  LSTMTS_CUDA(cudaSetDevice(m.device));
  Status st = m.setData(T, B, I, H, sv->lens);
  if (!st.ok) return st;
  const size_t xN = static_cast<size_t>(T * B * I), yN = static_cast<size_t>(T * B * H), sN = static_cast<size_t>(B * H);
  try {
    std::vector<float> dyc(yN, 0.0f);
    for (int64_t b = 0; b < B; b++) {
      const int64_t len = sv->lens[b];
      for (int64_t s = 0; s < T; s++) {
        int64_t dst = -1;
        if (sv->goBackwards) dst = s >= T - len ? s - (T - len) : -1;
        else dst = s < len ? s : (sv->zeroOutputForMask ? -1 : len - 1);
        if (dst < 0) continue;
        const float* src = dy + (s * B + b) * H;
        float* d = &dyc[(dst * B + b) * H];
        for (int64_t j = 0; j < H; j++) d[j] += src[j];
      }
    }
    DevBuf ddy, ddx, ddhy, ddhx, ddcy, ddcx;  // separate buffers: aligned whatever B·H is
    if (!(st = ddy.ensure(yN * 4, "dy")).ok || !(st = ddx.ensure(xN * 4, "dx")).ok ||
        !(st = ddhy.ensure(sN * 4, "dhy")).ok || !(st = ddhx.ensure(sN * 4, "dhx")).ok ||
        (!m.gru && (!(st = ddcy.ensure(sN * 4, "dcy")).ok || !(st = ddcx.ensure(sN * 4, "dcx")).ok)))
      return st;
    LSTMTS_CUDA(cudaMemcpy(ddy.p, dyc.data(), yN * 4, cudaMemcpyHostToDevice));
    LSTMTS_CUDA(cudaMemcpy(ddhy.p, dhT, sN * 4, cudaMemcpyHostToDevice));
    if (!m.gru) LSTMTS_CUDA(cudaMemcpy(ddcy.p, dcT, sN * 4, cudaMemcpyHostToDevice));
    size_t workBytes = 0, reserveBytes = 0;
    LSTMTS_CUDNN(cudnnGetRNNTempSpaceSizes(m.handle, m.rnn, CUDNN_FWD_MODE_TRAINING, m.xDesc, &workBytes, &reserveBytes));
    if (reserveBytes > sv->reserve.bytes)
      return Status::Error("CudnnLstm.backward: reserve space of the forward is too small for these shapes");
    if (!(st = m.work.ensure(workBytes, "workspace")).ok) return st;
    m.stats->workspaceBytes = static_cast<int64_t>(m.work.bytes);
    // A kept state must survive this backward unchanged: BackwardData updates the reserve, so it works on a copy.
    void* reserve = sv->reserve.p;
    DevBuf reserveCopy;
    if (keepSaved && sv->reserve.bytes > 0) {
      if (!(st = reserveCopy.ensure(sv->reserve.bytes, "reserve copy")).ok) return st;
      LSTMTS_CUDA(cudaMemcpy(reserveCopy.p, sv->reserve.p, sv->reserve.bytes, cudaMemcpyDeviceToDevice));
      reserve = reserveCopy.p;
    }
    const int32_t* dl = static_cast<const int32_t*>(sv->devLens.p);
    // BackwardData must run first: it updates the reserve space that BackwardWeights reads (PyTorch RNN.cpp).
    LSTMTS_CUDNN(cudnnRNNBackwardData_v8(m.handle, m.rnn, dl, m.yDesc, sv->y.p, ddy.p, m.xDesc, ddx.p, m.hDesc,
                                         sv->hx.p, ddhy.p, ddhx.p, m.gru ? nullptr : m.cDesc, m.gru ? nullptr : sv->cx.p,
                                         m.gru ? nullptr : ddcy.p, m.gru ? nullptr : ddcx.p,
                                         m.wBytes, m.w.p, m.work.bytes, m.work.p, sv->reserve.bytes, reserve));
    LSTMTS_CUDA(cudaMemset(m.dw.p, 0, m.wBytes));  // WGRAD_MODE_ADD accumulates
    LSTMTS_CUDNN(cudnnRNNBackwardWeights_v8(m.handle, m.rnn, CUDNN_WGRAD_MODE_ADD, dl, m.xDesc, sv->x.p, m.hDesc,
                                            sv->hx.p, m.yDesc, sv->y.p, m.wBytes, m.dw.p, m.work.bytes, m.work.p,
                                            sv->reserve.bytes, reserve));
    std::vector<float> dxc(xN), dwh(m.wBytes / 4);
    LSTMTS_CUDA(cudaMemcpy(dxc.data(), ddx.p, xN * 4, cudaMemcpyDeviceToHost));
    LSTMTS_CUDA(cudaMemcpy(dh0, ddhx.p, sN * 4, cudaMemcpyDeviceToHost));
    if (!m.gru) LSTMTS_CUDA(cudaMemcpy(dc0, ddcx.p, sN * 4, cudaMemcpyDeviceToHost));
    LSTMTS_CUDA(cudaMemcpy(dwh.data(), m.dw.p, m.wBytes, cudaMemcpyDeviceToHost));
    // dx back to natural time order; padded steps get no gradient (Keras never reads them).
    std::memset(dx, 0, xN * 4);
    for (int64_t b = 0; b < B; b++) {
      const int64_t len = sv->lens[b];
      for (int64_t k = 0; k < len; k++) {
        const int64_t t = sv->goBackwards ? len - 1 - k : k;
        std::memcpy(dx + (t * B + b) * I, &dxc[(k * B + b) * I], sizeof(float) * I);
      }
    }
    // Per-gate transposed matrices back to Keras [in, gates·H]; the LSTM's Keras bias is the recurrent-half bias,
    // the GRU's [2, 3H] bias both halves.
    for (int g = 0; g < nGates; g++) {
      const int c = m.cudnnGate(g);
      const float* W = dwh.data() + m.wOff[c];
      const float* Rg = dwh.data() + m.wOff[nGates + c];
      const float* bW = dwh.data() + m.bOff[c];
      const float* bR = dwh.data() + m.bOff[nGates + c];
      for (int64_t j = 0; j < H; j++) {
        for (int64_t k = 0; k < I; k++) dK[k * G4 + g * H + j] = W[j * I + k];
        for (int64_t k = 0; k < H; k++) dR[k * G4 + g * H + j] = Rg[j * H + k];
        if (m.gru) {
          db[g * H + j] = bW[j];
          db[G4 + g * H + j] = bR[j];
        } else {
          db[g * H + j] = bR[j];
        }
      }
    }
  } catch (const std::bad_alloc&) {
    return Status::Error("CudnnLstm.backward: out of host memory");
  }
  m.stats->backwardCalls++;
  return Status::Ok();
}

CudnnStats CudnnLstm::stats() const { return *p_->stats; }

bool CudnnLstm::isGru() const { return p_->gru; }

}  // namespace lstmts
