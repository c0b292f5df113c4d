// N-API layer over native/core/lstm_cudnn. Exports:
//   buildInfo() -> {cudnnCompiledVersion, cudartCompiledVersion}
//   probe()     -> {cudnnVersion, cudartVersion, driverVersion, deviceCount, devices[], error?}  (never throws)
//   class CudnnLstm({I, H, device?, tf32?, cell?: 'lstm' | 'gru'})   (gru: Keras reset_after = True; no c0/cT/dcT/dc0,
//                                                                   kernels [·, 3H], bias [2, 3H])
//     .setWeights({kernel, recurrentKernel, bias, version?})        uploads only if changed
//     .forward({T, B, x, h0, c0, seqLengths?, goBackwards?, zeroOutputForMask?}, training) -> {y, hT, cT, saved}
//     .backward(saved, {dy, dhT, dcT, keep?}) -> {dx, dh0, dc0, dKernel, dRecurrentKernel, dBias}
//                                  (frees saved, unless keep: then it can run again and release() frees it)
//     .release(saved)   frees a saved state that will get no backward
//     .stats() -> {weightUploads, forwardCalls, backwardCalls, workspaceBytes, weightSpaceBytes, liveReserveBytes, liveSaved}
// `saved` is a type-tagged external: anything else passed in its place is rejected, a finalizer frees it if
// JS drops it, and using it twice is an error, not a double free.
#include <napi.h>

#include <memory>

#include "../core/lstm_cudnn.h"
#include "validate.h"

using namespace lstmts_binding;

namespace {

const napi_type_tag kSavedTag = {0x6c73746d74735f63ULL, 0x75646e6e53617665ULL};  // "lstmts_cudnnSave"

struct SavedHolder {
  lstmts::CudnnSaved* p = nullptr;
  int64_t reported = 0;  // device bytes announced to V8 for this state (napi_adjust_external_memory)
};

// V8 does not see device memory: without this a loop of training forwards whose saved states are dropped
// (no backward) grows device memory while the JS heap looks small, and the GC never hurries to run the
// finalizers that free it. Every live saved state and layer reports its device bytes as external memory.
void reportExternal(Napi::Env env, int64_t delta) {
  if (delta != 0) Napi::MemoryManagement::AdjustExternalMemory(env, delta);
}

void freeSaved(Napi::Env env, SavedHolder* h) {
  lstmts::cudnn_saved_free(h->p);
  h->p = nullptr;
  reportExternal(env, -h->reported);
  h->reported = 0;
}

// Member functions of the wrap run under this: a C++ exception (bad_alloc from a typed-array or std::vector
// allocation, ...) becomes a JS Error naming the call instead of terminating the process.
template <typename F>
Napi::Value guarded(const Napi::CallbackInfo& info, const std::string& call, F&& f) {
  try {
    return f();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), call + ": " + e.what());
  }
}

class CudnnLstmWrap : public Napi::ObjectWrap<CudnnLstmWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CudnnLstm",
                       {InstanceMethod("setWeights", &CudnnLstmWrap::SetWeights),
                        InstanceMethod("forward", &CudnnLstmWrap::Forward),
                        InstanceMethod("backward", &CudnnLstmWrap::Backward),
                        InstanceMethod("release", &CudnnLstmWrap::Release),
                        InstanceMethod("stats", &CudnnLstmWrap::Stats)});
  }

  explicit CudnnLstmWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CudnnLstmWrap>(info) {
    guarded(info, "lstmts.cudnn.CudnnLstm", [&]() -> Napi::Value {
      construct(info);
      return info.Env().Undefined();
    });
  }

  void Finalize(Napi::Env env) override { reportExternal(env, -reported_); }

 private:
  std::unique_ptr<lstmts::CudnnLstm> lstm_;
  int64_t reported_ = 0;  // device bytes of the layer announced to V8

  void syncExternal(Napi::Env env) {
    const int64_t now = lstm_ ? static_cast<int64_t>(lstm_->deviceBytes()) : 0;
    reportExternal(env, now - reported_);
    reported_ = now;
  }

  void construct(const Napi::CallbackInfo& info) {
    const std::string call = "lstmts.cudnn.CudnnLstm";
    Napi::Object a = argObject(info, 0, call);
    const int64_t I = getDim(a, "I", call), H = getDim(a, "H", call);
    if (I < 1 || H < 1) throwErr(info.Env(), call, "I and H must be >= 1");
    checkedProd(info.Env(), call, "kernel [I,4H]", {I, 4, H});
    checkedProd(info.Env(), call, "recurrentKernel [H,4H]", {H, 4, H});
    Napi::Value cv = a.Get("cell");
    bool gru = false;
    if (!cv.IsUndefined()) {
      const std::string cell = cv.IsString() ? cv.As<Napi::String>().Utf8Value() : std::string("?");
      if (cell != "lstm" && cell != "gru") throwErr(info.Env(), call, "cell must be 'lstm' or 'gru'");
      gru = cell == "gru";
    }
    Napi::Value dv = a.Get("device");
    int device = 0;
    if (!dv.IsUndefined()) device = static_cast<int>(getDim(a, "device", call));
    const bool tf32 = getBool(a, "tf32", call, false);
    lstm_ = std::make_unique<lstmts::CudnnLstm>();
    lstmts::Status st = gru ? lstm_->initGru(device, I, H, tf32) : lstm_->init(device, I, H, tf32);
    if (!st.ok) throwErr(info.Env(), call, st.message);
    syncExternal(info.Env());
  }

  Napi::Value SetWeights(const Napi::CallbackInfo& info) {
    return guarded(info, "lstmts.cudnn.setWeights", [&] { return setWeights(info); });
  }
  Napi::Value Forward(const Napi::CallbackInfo& info) {
    return guarded(info, "lstmts.cudnn.forward", [&] { return forward(info); });
  }
  Napi::Value Backward(const Napi::CallbackInfo& info) {
    return guarded(info, "lstmts.cudnn.backward", [&] { return backward(info); });
  }
  Napi::Value Release(const Napi::CallbackInfo& info) {
    return guarded(info, "lstmts.cudnn.release", [&] { return release(info); });
  }
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    return guarded(info, "lstmts.cudnn.stats", [&] { return stats(info); });
  }

  Napi::Value setWeights(const Napi::CallbackInfo& info) {
    const std::string call = "lstmts.cudnn.setWeights";
    Napi::Object a = argObject(info, 0, call);
    const int64_t I = lstm_->inputSize(), H = lstm_->hiddenSize(), G = (lstm_->isGru() ? 3 : 4) * H;
    const float* K = getF32(a, "kernel", I * G, call);
    const float* R = getF32(a, "recurrentKernel", H * G, call);
    const float* b = getF32(a, "bias", lstm_->isGru() ? 2 * G : G, call);
    double version = -1;
    Napi::Value v = a.Get("version");
    if (!v.IsUndefined() && !v.IsNull()) {
      if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue()) || v.As<Napi::Number>().DoubleValue() < 0)
        throwErr(info.Env(), call, "version must be a finite number >= 0");
      version = v.As<Napi::Number>().DoubleValue();
    }
    lstmts::Status st = lstm_->setWeights(K, R, b, version);
    if (!st.ok) throwErr(info.Env(), call, st.message);
    return info.Env().Undefined();
  }

  Napi::Value forward(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const std::string call = "lstmts.cudnn.forward";
    Napi::Object a = argObject(info, 0, call);
    const int64_t I = lstm_->inputSize(), H = lstm_->hiddenSize();
    const int64_t T = getDim(a, "T", call), B = getDim(a, "B", call);
    if (T < 1 || B < 1) throwErr(env, call, "T and B must be >= 1 on the cuDNN path");
    checkedProd(env, call, "x [T,B,I]", {T, B, I}, int64_t(1) << 31);
    checkedProd(env, call, "y [T,B,H]", {T, B, H}, int64_t(1) << 31);
    lstmts::LstmOptions o;
    const float* x = getF32(a, "x", T * B * I, call);
    const float* h0 = getF32(a, "h0", B * H, call);
    const bool gru = lstm_->isGru();
    const float* c0 = gru ? nullptr : getF32(a, "c0", B * H, call);
    o.seqLengths = getLengths(a, "seqLengths", B, T, call);
    o.goBackwards = getBool(a, "goBackwards", call, false);
    o.zeroOutputForMask = getBool(a, "zeroOutputForMask", call, false);
    const bool training = info.Length() > 1 && info[1].ToBoolean().Value();
    Napi::Float32Array y = newF32(env, T * B * H), hT = newF32(env, B * H), cT = newF32(env, gru ? 0 : B * H);
    lstmts::CudnnSaved* saved = nullptr;
    lstmts::Status st = lstm_->forward(T, B, o, x, h0, c0, y.Data(), hT.Data(), gru ? nullptr : cT.Data(), training, &saved);
    if (!st.ok) throwErr(env, call, st.message);
    Napi::Object r = Napi::Object::New(env);
    r.Set("y", y);
    r.Set("hT", hT);
    r.Set("cT", cT);
    syncExternal(env);  // the workspace or the pooled buffers may have grown
    if (saved) {
      SavedHolder* holder = nullptr;
      try {
        holder = new SavedHolder{saved, static_cast<int64_t>(lstmts::cudnn_saved_bytes(saved))};
      } catch (...) {
        lstmts::cudnn_saved_free(saved);
        throw;
      }
      reportExternal(env, holder->reported);
      Napi::External<SavedHolder> ext = Napi::External<SavedHolder>::New(env, holder, [](Napi::Env e, SavedHolder* h) {
        freeSaved(e, h);
        delete h;
      });
      napi_type_tag_object(env, ext, &kSavedTag);
      r.Set("saved", ext);
    } else {
      r.Set("saved", env.Null());
    }
    return r;
  }

  SavedHolder* takeSaved(const Napi::CallbackInfo& info, const std::string& call) {
    bool ok = false;
    if (info.Length() < 1 || !info[0].IsExternal() ||
        napi_check_object_type_tag(info.Env(), info[0], &kSavedTag, &ok) != napi_ok || !ok)
      throwErr(info.Env(), call, "argument 0 must be the `saved` value of a training forward of this addon");
    SavedHolder* h = info[0].As<Napi::External<SavedHolder>>().Data();
    if (!h->p) throwErr(info.Env(), call, "this saved state was already used by backward or released");
    return h;
  }

  Napi::Value backward(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const std::string call = "lstmts.cudnn.backward";
    SavedHolder* h = takeSaved(info, call);
    Napi::Object g = argObject(info, 1, call);
    // Shapes come from the saved forward; read them through the public sizes of the layer.
    const int64_t I = lstm_->inputSize(), H = lstm_->hiddenSize();
    const int64_t T = getDim(g, "T", call), B = getDim(g, "B", call);
    checkedProd(env, call, "dy [T,B,H]", {T, B, H}, int64_t(1) << 31);
    checkedProd(env, call, "dx [T,B,I]", {T, B, I}, int64_t(1) << 31);
    const float* dy = getF32(g, "dy", T * B * H, call);
    const float* dhT = getF32(g, "dhT", B * H, call);
    const bool gru = lstm_->isGru();
    const float* dcT = gru ? nullptr : getF32(g, "dcT", B * H, call);
    LstmGradArrays gr(env, T, B, I, H, false, gru);
    // keep: the saved state stays valid for another backward (autograd's retainGraph); release() frees it.
    const bool keep = getBool(g, "keep", call, false);
    lstmts::CudnnSaved* s = h->p;
    if (!keep) {  // backward consumes it whatever happens
      h->p = nullptr;
      reportExternal(env, -h->reported);
      h->reported = 0;
    }
    lstmts::Status st = lstm_->backward(s, dy, dhT, dcT, gr.dx.Data(), gr.dh0.Data(), gru ? nullptr : gr.dc0.Data(),
                                        gr.dKernel.Data(), gr.dRecurrentKernel.Data(), gr.dBias.Data(), T, B, keep);
    if (!st.ok) throwErr(env, call, st.message);
    return gr.toObject(env);
  }

  Napi::Value release(const Napi::CallbackInfo& info) {
    SavedHolder* h = takeSaved(info, "lstmts.cudnn.release");
    freeSaved(info.Env(), h);
    return info.Env().Undefined();
  }

  Napi::Value stats(const Napi::CallbackInfo& info) {
    lstmts::CudnnStats s = lstm_->stats();
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("weightUploads", static_cast<double>(s.weightUploads));
    o.Set("forwardCalls", static_cast<double>(s.forwardCalls));
    o.Set("backwardCalls", static_cast<double>(s.backwardCalls));
    o.Set("workspaceBytes", static_cast<double>(s.workspaceBytes));
    o.Set("weightSpaceBytes", static_cast<double>(s.weightSpaceBytes));
    o.Set("liveReserveBytes", static_cast<double>(s.liveReserveBytes));
    o.Set("liveSaved", static_cast<double>(s.liveSaved));
    o.Set("deviceBytes", static_cast<double>(lstm_->deviceBytes()));
    return o;
  }
};

Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  lstmts::CudnnProbe p = lstmts::cudnn_probe();
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("cudnnCompiledVersion", static_cast<double>(p.cudnnCompiledVersion));
  o.Set("cudartCompiledVersion", p.cudartCompiledVersion);
  o.Set("cells", Napi::String::New(info.Env(), "lstm,gru"));  // what CudnnLstm({cell}) accepts
  return o;
}

Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lstmts::CudnnProbe p = lstmts::cudnn_probe();
  Napi::Object o = Napi::Object::New(env);
  o.Set("cudnnVersion", static_cast<double>(p.cudnnRuntimeVersion));
  o.Set("cudnnCompiledVersion", static_cast<double>(p.cudnnCompiledVersion));
  o.Set("cudartVersion", p.cudartRuntimeVersion);
  o.Set("cudartCompiledVersion", p.cudartCompiledVersion);
  o.Set("driverVersion", p.driverVersion);
  o.Set("deviceCount", p.deviceCount);
  Napi::Array devs = Napi::Array::New(env, p.devices.size());
  for (size_t i = 0; i < p.devices.size(); i++) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("name", p.devices[i].name);
    d.Set("computeCapability", std::to_string(p.devices[i].major) + "." + std::to_string(p.devices[i].minor));
    d.Set("memoryGiB", p.devices[i].memGiB);
    devs.Set(static_cast<uint32_t>(i), d);
  }
  o.Set("devices", devs);
  if (!p.error.empty()) o.Set("error", p.error);
  if (!p.libraryError.empty()) o.Set("libraryError", p.libraryError);
  return o;
}

constexpr char kAddon[] = "lstmts.cudnn";  // prefix of errors raised by Guard (validate.h)

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("buildInfo", Napi::Function::New(env, Guard<kAddon, BuildInfo>, "buildInfo"));
  exports.Set("probe", Napi::Function::New(env, Guard<kAddon, Probe>, "probe"));
  exports.Set("CudnnLstm", CudnnLstmWrap::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(lstmts_cudnn, Init)
