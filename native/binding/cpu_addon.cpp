// N-API layer over native/core/lstm_cpu: validate, allocate outputs, call the core, convert its Status into a
// JS Error. Exports: buildInfo(), setNumThreads(n), getNumThreads(), setIsa(name), sgemm({...}), savedFloats({T,B,H}),
// forward(args, training, savedInto?) -> {y, hT, cT, saved|null}, backward(args, {saved, dy, dhT, dcT, skipDx?}) -> grads
// (dx empty when skipDx).
// args = {T, B, I, H, x, h0, c0, kernel, recurrentKernel, bias, seqLengths?, goBackwards?, zeroOutputForMask?}.
// GRU (native/core/gru_cpu): gruForward(args, training) -> {y, hT, saved|null}, gruBackward(args, {saved, dy, dhT,
// skipDx?}) -> {dx, dh0, dKernel, dRecurrentKernel, dBias}; args as above without c0, kernel [I,3H], bias [6H].
// SimpleRNN (native/core/srnn_cpu): srnnForward / srnnBackward, the same shapes with kernel [I,H], bias [H] and
// activation 'tanh' | 'relu'.
// Each kernel entry point also has a positional form, <name>V, which the TS backends call (reading named
// properties was ~40 % of a tiny call; validate.h ArgSource): the argument object's keys in the order of
// ArgPos / CellArgPos (absent ones undefined), then training and savedInto (forward) or the gradient
// object's keys (backward); the result is an array in the order the object form's keys are listed above.
#include <napi.h>

#include "../core/lstm_cpu.h"
#include "../core/gru_cpu.h"
#include "../core/srnn_cpu.h"
#include "../core/gemm.h"
#include "../core/threads.h"
#include "validate.h"

using namespace lstmts_binding;

namespace {

struct Parsed {
  lstmts::LstmDims d;
  lstmts::LstmOptions o;
  const float *x, *h0, *c0, *K, *R, *b;
};

// Positions of the argument object's keys in the positional form (ArgSource::positional).
enum ArgPos : size_t { kT, kB, kI, kH, kX, kH0, kC0, kKernel, kRecurrentKernel, kBias, kSeqLengths, kGoBackwards,
                       kZeroOutputForMask, kArgCount };

// Validates every dimension, size product and buffer length before anything touches memory.
Parsed parseArgs(const ArgSource& a, const std::string& call, bool needStates) {
  Napi::Env env = a.env;
  Parsed p;
  p.d.T = a.dim("T", kT, call);
  p.d.B = a.dim("B", kB, call);
  p.d.I = a.dim("I", kI, call);
  p.d.H = a.dim("H", kH, call);
  const int64_t G4 = checkedProd(env, call, "4H", {4, p.d.H});
  checkedProd(env, call, "x [T,B,I]", {p.d.T, p.d.B, p.d.I});
  checkedProd(env, call, "saved [T,B,7H]", {p.d.T, p.d.B, 7, p.d.H});
  checkedProd(env, call, "gates [T,B,4H]", {p.d.T, p.d.B, G4});
  checkedProd(env, call, "kernel [I,4H]", {p.d.I, G4});
  checkedProd(env, call, "recurrentKernel [H,4H]", {p.d.H, G4});
  lstmts::Status st = lstmts::lstm_cpu_check_dims(p.d);
  if (!st.ok) throwErr(env, call, st.message);
  p.x = a.f32("x", kX, p.d.T * p.d.B * p.d.I, call);
  if (needStates) {
    p.h0 = a.f32("h0", kH0, p.d.B * p.d.H, call);
    p.c0 = a.f32("c0", kC0, p.d.B * p.d.H, call);
  } else {
    p.h0 = p.c0 = nullptr;
  }
  p.K = a.f32("kernel", kKernel, p.d.I * G4, call);
  p.R = a.f32("recurrentKernel", kRecurrentKernel, p.d.H * G4, call);
  p.b = needStates ? a.f32("bias", kBias, G4, call) : nullptr;
  p.o.seqLengths = a.lengths("seqLengths", kSeqLengths, p.d.B, p.d.T, call);
  p.o.goBackwards = a.flag("goBackwards", kGoBackwards, call, false);
  p.o.zeroOutputForMask = a.flag("zeroOutputForMask", kZeroOutputForMask, call, false);
  return p;
}

Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("gemm", lstmts::lstm_cpu_blas_name());
  o.Set("isa", lstmts::gemm::isa_name(lstmts::gemm::active_isa()));
  Napi::Array isas = Napi::Array::New(env);
  uint32_t n = 0;
  for (auto i : {lstmts::gemm::Isa::Generic, lstmts::gemm::Isa::Avx2, lstmts::gemm::Isa::Avx512})
    if (lstmts::gemm::isa_supported(i)) isas.Set(n++, lstmts::gemm::isa_name(i));
  o.Set("isasSupported", isas);
  o.Set("isaEnvProblem", lstmts::gemm::isa_env_problem());
  o.Set("defaultThreads", lstmts::threads::default_num_threads());
  o.Set("napiVersion", NAPI_VERSION);
  o.Set("compiler", __VERSION__);
  return o;
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  const std::string call = "lstmts.cpu.setNumThreads";
  if (info.Length() < 1 || !info[0].IsNumber()) throwErr(info.Env(), call, "expected a thread count");
  double n = info[0].As<Napi::Number>().DoubleValue();
  // 0 restores the default ($LSTM_TS_NUM_THREADS, else the core count).
  if (!std::isfinite(n) || n < 0 || n > 1024 || n != std::floor(n))
    throwErr(info.Env(), call, "thread count must be an integer in [1, 1024], or 0 for the default");
  lstmts::lstm_cpu_set_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

// setIsa('generic' | 'avx2' | 'avx512'): the GEMM micro-kernel for the next calls (tests run every one the CPU has).
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  const std::string call = "lstmts.cpu.setIsa";
  if (info.Length() < 1 || !info[0].IsString()) throwErr(info.Env(), call, "expected 'generic', 'avx2' or 'avx512'");
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  lstmts::gemm::Isa isa;
  if (!lstmts::gemm::parse_isa(name.c_str(), &isa))
    throwErr(info.Env(), call, "expected 'generic', 'avx2' or 'avx512', got '" + name + "'");
  if (!lstmts::gemm::set_isa(isa)) throwErr(info.Env(), call, "'" + name + "' is not supported by this CPU or build");
  return info.Env().Undefined();
}

// setOutputPoison(on): test hook; the kernels' output arrays start as NaN instead of uninitialised (outF32 in
// validate.h), so that test/native/output-poison.test.ts can prove every element is written. Returns a
// 4-element output allocated under the new setting, which the test checks is NaN (the hook is live).
Napi::Value SetOutputPoison(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsBoolean()) throwErr(info.Env(), "lstmts.cpu.setOutputPoison", "expected a boolean");
  outputPoison() = info[0].As<Napi::Boolean>().Value();
  return outF32(info.Env(), 4);
}

// sgemm({A, B, C, M, K, N, transA?, transB?, accumulate?}): C[M,N] (+)= op(A)·op(B) in place on our GEMM (gemm.h),
// row-major; A is [M,K] ([K,M] with transA), B [K,N] ([N,K] with transB); the arrays must have exactly those
// lengths (the caller passes subarray views). Used by the matmul ops for large float32 products (src/ops/gemm.ts).
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  const std::string call = "lstmts.cpu.sgemm";
  Napi::Object a = argObject(info, 0, call);
  Napi::Env env = info.Env();
  const int64_t M = getDim(a, "M", call), K = getDim(a, "K", call), N = getDim(a, "N", call);
  const bool ta = getBool(a, "transA", call, false), tb = getBool(a, "transB", call, false);
  const bool acc = getBool(a, "accumulate", call, false);
  const float* A = getF32(a, "A", checkedProd(env, call, "A [M,K]", {M, K}), call);
  const float* B = getF32(a, "B", checkedProd(env, call, "B [K,N]", {K, N}), call);
  float* C = getF32(a, "C", checkedProd(env, call, "C [M,N]", {M, N}), call);
  lstmts::gemm::sgemm(ta, tb, M, N, K, A, ta ? M : K, B, tb ? K : N, acc ? 1.0f : 0.0f, C, N);
  return env.Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), lstmts::lstm_cpu_get_threads());
}

Napi::Value SavedFloats(const Napi::CallbackInfo& info) {
  const std::string call = "lstmts.cpu.savedFloats";
  Napi::Object a = argObject(info, 0, call);
  lstmts::LstmDims d;
  d.T = getDim(a, "T", call);
  d.B = getDim(a, "B", call);
  d.H = getDim(a, "H", call);
  return Napi::Number::New(info.Env(), static_cast<double>(
      checkedProd(info.Env(), call, "saved", {d.T, d.B, 7, d.H})));
}

// forward(args, training, savedInto?) -> {y, hT, cT, saved}; forwardV(...args, training, savedInto?) -> [y, hT, cT, saved].
template <bool Positional>
Napi::Value Forward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string call = Positional ? "lstmts.cpu.forwardV" : "lstmts.cpu.forward";
  const ArgSource a = Positional ? ArgSource::positional(info, 0) : ArgSource::object(argObject(info, 0, call));
  const size_t at = Positional ? kArgCount : 1;  // training, then savedInto
  Parsed p = parseArgs(a, call, true);
  bool training = info.Length() > at && info[at].ToBoolean().Value();
  const int64_t BH = p.d.B * p.d.H;
  auto [y, hT, cT] = outF32s<3>(env, {p.d.T * BH, BH, BH});
  Napi::Value savedVal = env.Null();
  float* saved = nullptr;
  if (training) {
    Napi::Float32Array s = savedArray(info, at + 1, lstmts::lstm_cpu_saved_floats(p.d), call);
    saved = outData(s);
    savedVal = s;
  }
  lstmts::Status st = lstmts::lstm_cpu_forward(p.d, p.o, p.x, p.h0, p.c0, p.K, p.R, p.b, outData(y), outData(hT),
                                               outData(cT), saved);
  if (!st.ok) throwErr(env, call, st.message);
  if (Positional) return valuesArray(env, y, hT, cT, savedVal);
  Napi::Object r = Napi::Object::New(env);
  r.Set("y", y);
  r.Set("hT", hT);
  r.Set("cT", cT);
  r.Set("saved", savedVal);
  return r;
}

// backward(args, {saved, dy, dhT, dcT, skipDx?}) -> {dx, dh0, dc0, dKernel, dRecurrentKernel, dBias};
// backwardV(...args, saved, dy, dhT, dcT, skipDx?) -> [dx, dh0, dc0, dKernel, dRecurrentKernel, dBias].
template <bool Positional>
Napi::Value Backward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string call = Positional ? "lstmts.cpu.backwardV" : "lstmts.cpu.backward";
  const ArgSource a = Positional ? ArgSource::positional(info, 0) : ArgSource::object(argObject(info, 0, call));
  Parsed p = parseArgs(a, call, false);
  const ArgSource g = Positional ? ArgSource::positional(info, kArgCount) : ArgSource::object(argObject(info, 1, call));
  const int64_t BH = p.d.B * p.d.H;
  const float* saved = g.f32("saved", 0, lstmts::lstm_cpu_saved_floats(p.d), call);
  const float* dy = g.f32("dy", 1, p.d.T * BH, call);
  const float* dhT = g.f32("dhT", 2, BH, call);
  const float* dcT = g.f32("dcT", 3, BH, call);
  const bool skipDx = g.flag("skipDx", 4, call, false);
  LstmGradArrays gr(env, p.d.T, p.d.B, p.d.I, p.d.H, skipDx, false, true);
  lstmts::Status st = lstmts::lstm_cpu_backward(p.d, p.o, p.x, p.K, p.R, saved, dy, dhT, dcT,
                                                skipDx ? nullptr : outData(gr.dx),
                                                outData(gr.dh0), outData(gr.dc0), outData(gr.dKernel),
                                                outData(gr.dRecurrentKernel), outData(gr.dBias));
  if (!st.ok) throwErr(env, call, st.message);
  if (Positional) return valuesArray(env, gr.dx, gr.dh0, gr.dc0, gr.dKernel, gr.dRecurrentKernel, gr.dBias);
  return gr.toObject(env);
}

struct CellParsed {
  lstmts::LstmDims d;
  lstmts::LstmOptions o;
  const float *x, *h0, *K, *R, *b;
  bool relu;  // SimpleRNN's activation (false: tanh); unused by the GRU
};

/// What differs between the single-state kernels behind one pair of entry points (gru*, srnn*).
struct CellKernel {
  const char* forwardName;  // the call names errors start with (the positional forms' add "V")
  const char* backwardName;
  int64_t gates;      // blocks of H in the kernels' last axis (GRU 3, SimpleRNN 1)
  int64_t biasRows;   // rows of gates·H in the bias (GRU 2: input and recurrent, SimpleRNN 1)
  int64_t savedPerH;  // saved floats per T·B·H
  bool hasActivation;
  lstmts::Status (*checkDims)(const lstmts::LstmDims&);
  int64_t (*savedFloats)(const lstmts::LstmDims&);
  lstmts::Status (*forward)(const CellParsed&, float* y, float* hT, float* saved);
  lstmts::Status (*backward)(const CellParsed&, const float* saved, const float* dy, const float* dhT, float* dx,
                             float* dh0, float* dK, float* dR, float* db);
};

const CellKernel kGru{
    "lstmts.cpu.gruForward", "lstmts.cpu.gruBackward", 3, 2, 5, false, lstmts::gru_cpu_check_dims,
    lstmts::gru_cpu_saved_floats,
    [](const CellParsed& p, float* y, float* hT, float* saved) {
      return lstmts::gru_cpu_forward(p.d, p.o, p.x, p.h0, p.K, p.R, p.b, y, hT, saved);
    },
    [](const CellParsed& p, const float* saved, const float* dy, const float* dhT, float* dx, float* dh0, float* dK,
       float* dR, float* db) {
      return lstmts::gru_cpu_backward(p.d, p.o, p.x, p.K, p.R, saved, dy, dhT, dx, dh0, dK, dR, db);
    }};

const CellKernel kSrnn{
    "lstmts.cpu.srnnForward", "lstmts.cpu.srnnBackward", 1, 1, 2, true, lstmts::srnn_cpu_check_dims,
    lstmts::srnn_cpu_saved_floats,
    [](const CellParsed& p, float* y, float* hT, float* saved) {
      return lstmts::srnn_cpu_forward(p.d, p.o, p.relu, p.x, p.h0, p.K, p.R, p.b, y, hT, saved);
    },
    [](const CellParsed& p, const float* saved, const float* dy, const float* dhT, float* dx, float* dh0, float* dK,
       float* dR, float* db) {
      return lstmts::srnn_cpu_backward(p.d, p.o, p.relu, p.x, p.K, p.R, saved, dy, dhT, dx, dh0, dK, dR, db);
    }};

// Positions of a single-state cell's argument keys in the positional form.
enum CellArgPos : size_t {
  kCellT, kCellB, kCellI, kCellH, kCellX, kCellH0, kCellKernel, kCellRecurrentKernel, kCellBias, kCellSeqLengths,
  kCellGoBackwards, kCellZeroOutputForMask, kCellActivation, kCellArgCount
};

bool getRelu(const ArgSource& a, const std::string& call) {
  Napi::Value v = a.get("activation", kCellActivation);
  if (v.IsUndefined()) return false;
  if (!v.IsString()) throwErr(a.env, call, "activation must be 'tanh' or 'relu'");
  const std::string s = v.As<Napi::String>().Utf8Value();
  if (s != "tanh" && s != "relu") throwErr(a.env, call, "activation must be 'tanh' or 'relu', got '" + s + "'");
  return s == "relu";
}

// The argument object of a single-state kernel, checked as parseArgs does (every size product before any
// buffer is read); h0 and bias only for forward.
CellParsed parseCellArgs(const ArgSource& a, const std::string& call, bool forward, const CellKernel& k) {
  Napi::Env env = a.env;
  CellParsed p;
  p.d.T = a.dim("T", kCellT, call);
  p.d.B = a.dim("B", kCellB, call);
  p.d.I = a.dim("I", kCellI, call);
  p.d.H = a.dim("H", kCellH, call);
  const int64_t G = checkedProd(env, call, "gates·H", {k.gates, p.d.H});
  checkedProd(env, call, "x [T,B,I]", {p.d.T, p.d.B, p.d.I});
  checkedProd(env, call, "saved", {p.d.T, p.d.B, k.savedPerH, p.d.H});
  checkedProd(env, call, "kernel [I,gates·H]", {p.d.I, G});
  checkedProd(env, call, "recurrentKernel [H,gates·H]", {p.d.H, G});
  lstmts::Status st = k.checkDims(p.d);
  if (!st.ok) throwErr(env, call, st.message);
  p.x = a.f32("x", kCellX, p.d.T * p.d.B * p.d.I, call);
  p.h0 = forward ? a.f32("h0", kCellH0, p.d.B * p.d.H, call) : nullptr;
  p.K = a.f32("kernel", kCellKernel, p.d.I * G, call);
  p.R = a.f32("recurrentKernel", kCellRecurrentKernel, p.d.H * G, call);
  p.b = forward ? a.f32("bias", kCellBias, k.biasRows * G, call) : nullptr;
  p.o.seqLengths = a.lengths("seqLengths", kCellSeqLengths, p.d.B, p.d.T, call);
  p.o.goBackwards = a.flag("goBackwards", kCellGoBackwards, call, false);
  p.o.zeroOutputForMask = a.flag("zeroOutputForMask", kCellZeroOutputForMask, call, false);
  p.relu = k.hasActivation && getRelu(a, call);
  return p;
}

/// {name}Forward(args, training) -> {y, hT, saved|null}; {name}ForwardV(...args, training, savedInto?) -> [y, hT, saved].
template <const CellKernel* K, bool Positional>
Napi::Value CellForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string call = std::string(K->forwardName) + (Positional ? "V" : "");
  const ArgSource a = Positional ? ArgSource::positional(info, 0) : ArgSource::object(argObject(info, 0, call));
  const size_t at = Positional ? kCellArgCount : 1;  // training, then savedInto
  CellParsed p = parseCellArgs(a, call, true, *K);
  const bool training = info.Length() > at && info[at].ToBoolean().Value();
  const int64_t BH = p.d.B * p.d.H;
  auto [y, hT] = outF32s<2>(env, {p.d.T * BH, BH});
  Napi::Value savedVal = env.Null();
  float* saved = nullptr;
  if (training) {
    Napi::Float32Array s = savedArray(info, at + 1, K->savedFloats(p.d), call);
    saved = outData(s);
    savedVal = s;
  }
  lstmts::Status st = K->forward(p, outData(y), outData(hT), saved);
  if (!st.ok) throwErr(env, call, st.message);
  if (Positional) return valuesArray(env, y, hT, savedVal);
  Napi::Object r = Napi::Object::New(env);
  r.Set("y", y);
  r.Set("hT", hT);
  r.Set("saved", savedVal);
  return r;
}

/// {name}Backward(args, {saved, dy, dhT, skipDx?}) -> {dx, dh0, dKernel, dRecurrentKernel, dBias};
/// {name}BackwardV(...args, saved, dy, dhT, skipDx?) -> [dx, dh0, dKernel, dRecurrentKernel, dBias].
template <const CellKernel* K, bool Positional>
Napi::Value CellBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string call = std::string(K->backwardName) + (Positional ? "V" : "");
  const ArgSource a = Positional ? ArgSource::positional(info, 0) : ArgSource::object(argObject(info, 0, call));
  CellParsed p = parseCellArgs(a, call, false, *K);
  const ArgSource g = Positional ? ArgSource::positional(info, kCellArgCount) : ArgSource::object(argObject(info, 1, call));
  const int64_t BH = p.d.B * p.d.H, G = K->gates * p.d.H;
  const float* saved = g.f32("saved", 0, K->savedFloats(p.d), call);
  const float* dy = g.f32("dy", 1, p.d.T * BH, call);
  const float* dhT = g.f32("dhT", 2, BH, call);
  const bool skipDx = g.flag("skipDx", 3, call, false);
  auto [dx, dh0, dK, dR, db] =
      outF32s<5>(env, {skipDx ? 0 : p.d.T * p.d.B * p.d.I, BH, p.d.I * G, p.d.H * G, K->biasRows * G});
  lstmts::Status st = K->backward(p, saved, dy, dhT, skipDx ? nullptr : outData(dx), outData(dh0), outData(dK), outData(dR),
                                  outData(db));
  if (!st.ok) throwErr(env, call, st.message);
  if (Positional) return valuesArray(env, dx, dh0, dK, dR, db);
  Napi::Object r = Napi::Object::New(env);
  r.Set("dx", dx);
  r.Set("dh0", dh0);
  r.Set("dKernel", dK);
  r.Set("dRecurrentKernel", dR);
  r.Set("dBias", db);
  return r;
}

constexpr char kAddon[] = "lstmts.cpu";  // prefix of errors raised by Guard (validate.h)

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("buildInfo", Napi::Function::New(env, Guard<kAddon, BuildInfo>, "buildInfo"));
  exports.Set("setNumThreads", Napi::Function::New(env, Guard<kAddon, SetNumThreads>, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, Guard<kAddon, GetNumThreads>, "getNumThreads"));
  exports.Set("setIsa", Napi::Function::New(env, Guard<kAddon, SetIsa>, "setIsa"));
  exports.Set("setOutputPoison", Napi::Function::New(env, Guard<kAddon, SetOutputPoison>, "setOutputPoison"));
  exports.Set("sgemm", Napi::Function::New(env, Guard<kAddon, Sgemm>, "sgemm"));
  exports.Set("savedFloats", Napi::Function::New(env, Guard<kAddon, SavedFloats>, "savedFloats"));
  exports.Set("forward", Napi::Function::New(env, Guard<kAddon, Forward<false>>, "forward"));
  exports.Set("backward", Napi::Function::New(env, Guard<kAddon, Backward<false>>, "backward"));
  exports.Set("forwardV", Napi::Function::New(env, Guard<kAddon, Forward<true>>, "forwardV"));
  exports.Set("backwardV", Napi::Function::New(env, Guard<kAddon, Backward<true>>, "backwardV"));
  exports.Set("gruForward", Napi::Function::New(env, Guard<kAddon, CellForward<&kGru, false>>, "gruForward"));
  exports.Set("gruBackward", Napi::Function::New(env, Guard<kAddon, CellBackward<&kGru, false>>, "gruBackward"));
  exports.Set("gruForwardV", Napi::Function::New(env, Guard<kAddon, CellForward<&kGru, true>>, "gruForwardV"));
  exports.Set("gruBackwardV", Napi::Function::New(env, Guard<kAddon, CellBackward<&kGru, true>>, "gruBackwardV"));
  exports.Set("srnnForward", Napi::Function::New(env, Guard<kAddon, CellForward<&kSrnn, false>>, "srnnForward"));
  exports.Set("srnnBackward", Napi::Function::New(env, Guard<kAddon, CellBackward<&kSrnn, false>>, "srnnBackward"));
  exports.Set("srnnForwardV", Napi::Function::New(env, Guard<kAddon, CellForward<&kSrnn, true>>, "srnnForwardV"));
  exports.Set("srnnBackwardV", Napi::Function::New(env, Guard<kAddon, CellBackward<&kSrnn, true>>, "srnnBackwardV"));
  return exports;
}

}  // namespace

NODE_API_MODULE(lstmts_cpu, Init)
