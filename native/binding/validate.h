// Argument validation shared by the N-API addons. Every check runs BEFORE the core is called and throws a
// JS Error whose message starts with the call name ("lstmts.cpu.forward: ..."). Nothing here dereferences a
// buffer whose length has not been checked, so wrong lengths, detached buffers or absurd sizes become
// errors, never crashes.
#pragma once
#include <napi.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace lstmts_binding {

[[noreturn]] inline void throwErr(Napi::Env env, const std::string& call, const std::string& msg) {
  throw Napi::Error::New(env, call + ": " + msg);
}

inline Napi::Object argObject(const Napi::CallbackInfo& info, size_t idx, const std::string& call) {
  if (info.Length() <= idx || !info[idx].IsObject() || info[idx].IsArray() || info[idx].IsTypedArray())
    throwErr(info.Env(), call, "argument " + std::to_string(idx) + " must be an options object");
  return info[idx].As<Napi::Object>();
}

/// `v` (named `key` in errors) is a non-negative integer dimension ≤ 2^31-1 (BLAS and cuDNN take int dimensions).
inline int64_t getDimValue(Napi::Env env, Napi::Value v, const char* key, const std::string& call) {
  if (!v.IsNumber()) throwErr(env, call, std::string(key) + " must be a number, got " + v.ToString().Utf8Value());
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d < 0 || d != std::floor(d) || d > 2147483647.0)
    throwErr(env, call, std::string(key) + " must be an integer in [0, 2^31-1], got " + v.ToString().Utf8Value());
  return static_cast<int64_t>(d);
}

/// Property `key` of `o`, checked as getDimValue does.
inline int64_t getDim(Napi::Object o, const char* key, const std::string& call) {
  return getDimValue(o.Env(), o.Get(key), key, call);
}

inline bool getBoolValue(Napi::Env env, Napi::Value v, const char* key, const std::string& call, bool dflt) {
  if (v.IsUndefined() || v.IsNull()) return dflt;
  if (!v.IsBoolean()) throwErr(env, call, std::string(key) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

inline bool getBool(Napi::Object o, const char* key, const std::string& call, bool dflt) {
  return getBoolValue(o.Env(), o.Get(key), key, call, dflt);
}

/// Checked product of sizes; throws when it exceeds `cap` elements.
inline int64_t checkedProd(Napi::Env env, const std::string& call, const char* what, std::initializer_list<int64_t> xs,
                           int64_t cap = (int64_t(1) << 32) - 1) {
  int64_t p = 1;
  for (int64_t x : xs) {
    if (x != 0 && p > cap / x) throwErr(env, call, std::string(what) + " has too many elements (size overflow)");
    p *= x;
  }
  return p;
}

inline const char* typeName(napi_typedarray_type t) {
  switch (t) {
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint8_array: return "Uint8Array";
    default: return "another TypedArray";
  }
}

static float kEmptyF32 = 0.0f;
static int32_t kEmptyI32 = 0;

/// `v` is a Float32Array of exactly `len` elements (named `key` in errors); returns its data (a valid dummy pointer when len == 0).
/// One napi_get_typedarray_info call answers type, length and data: node-addon-api's TypedArrayType() and
/// As<Float32Array>() ask twice, and each answer walks V8's chain of IsInt8Array(), IsUint8Array(), ... checks.
inline float* getF32Value(Napi::Env env, Napi::Value v, const char* key, int64_t len, const std::string& call) {
  if (!v.IsTypedArray()) throwErr(env, call, std::string(key) + " must be a Float32Array");
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok)
    throwErr(env, call, std::string(key) + " could not be read as a TypedArray");
  if (type != napi_float32_array)
    throwErr(env, call, std::string(key) + " must be a Float32Array, got " + typeName(type));
  if (static_cast<int64_t>(length) != len)
    throwErr(env, call, std::string(key) + " has " + std::to_string(length) + " elements, expected " +
                            std::to_string(len) + (length == 0 ? " (empty or detached buffer)" : ""));
  if (len == 0) return &kEmptyF32;
  float* p = static_cast<float*>(data);
  if (p == nullptr) throwErr(env, call, std::string(key) + " has a detached buffer");
  return p;
}

/// Property `key` of `o`, checked as getF32Value does.
inline float* getF32(Napi::Object o, const char* key, int64_t len, const std::string& call) {
  return getF32Value(o.Env(), o.Get(key), key, len, call);
}

/// Optional Int32Array of B lengths, each in [0, T]; nullptr when absent.
/// (One napi_get_typedarray_info call, as in getF32Value.)
inline const int32_t* getLengthsValue(Napi::Env env, Napi::Value v, const char* key, int64_t B, int64_t T,
                                      const std::string& call) {
  if (v.IsUndefined() || v.IsNull()) return nullptr;
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!v.IsTypedArray() || napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      type != napi_int32_array)
    throwErr(env, call, std::string(key) + " must be an Int32Array or null");
  if (static_cast<int64_t>(length) != B)
    throwErr(env, call, std::string(key) + " has " + std::to_string(length) + " elements, expected B=" +
                            std::to_string(B));
  if (B == 0) return &kEmptyI32;
  const int32_t* p = static_cast<const int32_t*>(data);
  if (p == nullptr) throwErr(env, call, std::string(key) + " has a detached buffer");
  for (int64_t b = 0; b < B; b++)
    if (p[b] < 0 || p[b] > T)
      throwErr(env, call, std::string(key) + "[" + std::to_string(b) + "] = " + std::to_string(p[b]) +
                              " is outside [0, T=" + std::to_string(T) + "]");
  return p;
}

inline const int32_t* getLengths(Napi::Object o, const char* key, int64_t B, int64_t T, const std::string& call) {
  return getLengthsValue(o.Env(), o.Get(key), key, B, T, call);
}

/// A call's named arguments, from one of two places: the properties of an options object (the documented form,
/// f({T, B, ...})), or the call's own arguments in a fixed order starting at `first` (f(T, B, ...), the form the
/// TS backends use). N-API reads a named property by creating and internalizing the key string and running a
/// generic lookup; with the result's properties set the same way, that was ~40 % of a tiny call (an LSTM B1 T1
/// I1 H1 inference: 4.7 µs by name, 2.7 µs positional; docs/benchmarks.md "Tiny calls"). Every check is the
/// same for both: the readers below take the value, whichever way it came.
struct ArgSource {
  Napi::Env env;
  Napi::Object obj;                          // the options object, or empty for positional arguments
  const Napi::CallbackInfo* info = nullptr;  // positional: the call
  size_t first = 0;

  static ArgSource object(Napi::Object o) { return {o.Env(), o, nullptr, 0}; }
  static ArgSource positional(const Napi::CallbackInfo& info, size_t first) {
    return {info.Env(), Napi::Object(), &info, first};
  }
  /// The argument named `key`, at position `pos` of the positional form.
  Napi::Value get(const char* key, size_t pos) const {
    if (info == nullptr) return obj.Get(key);
    return first + pos < info->Length() ? (*info)[first + pos] : env.Undefined();
  }
  int64_t dim(const char* key, size_t pos, const std::string& call) const {
    return getDimValue(env, get(key, pos), key, call);
  }
  bool flag(const char* key, size_t pos, const std::string& call, bool dflt) const {
    return getBoolValue(env, get(key, pos), key, call, dflt);
  }
  const float* f32(const char* key, size_t pos, int64_t len, const std::string& call) const {
    return getF32Value(env, get(key, pos), key, len, call);
  }
  const int32_t* lengths(const char* key, size_t pos, int64_t B, int64_t T, const std::string& call) const {
    return getLengthsValue(env, get(key, pos), key, B, T, call);
  }
};

/// A JS array of `n` values (a positional call's result: no named properties to set).
template <typename... V>
Napi::Array valuesArray(Napi::Env env, V... vs) {
  Napi::Array a = Napi::Array::New(env, sizeof...(vs));
  uint32_t i = 0;
  (a.Set(i++, vs), ...);
  return a;
}

inline Napi::Float32Array newF32(Napi::Env env, int64_t len) {
  return Napi::Float32Array::New(env, static_cast<size_t>(len));
}

/// Test hook of the CPU addon (`setOutputPoison`): arrays from outF32 start as NaN instead of as whatever the
/// allocator held, so that a test proves every kernel writes every element of its outputs.
inline bool& outputPoison() {
  static bool on = false;
  return on;
}

/// An output that the kernel writes in full (y, hT, cT and the gradients of the CPU kernels): a Node Buffer's
/// memory seen as floats, since napi_create_buffer does not zero-fill (Node's Buffer::New allocates under
/// NoArrayBufferZeroFillScope, as Buffer.allocUnsafe does) while a Float32Array's ArrayBuffer is zeroed first.
/// That memset was 3 % of a small LSTM inference (`perf`; docs/benchmarks.md "Outputs without zero-fill").
/// Only for outputs every path of the kernel writes: test/native/output-poison.test.ts runs every kernel with
/// the arrays NaN-filled and compares bit for bit with zero-filled ones.
inline Napi::Float32Array outF32(Napi::Env env, int64_t len) {
  const size_t n = static_cast<size_t>(len);
  if (n == 0) return Napi::Float32Array::New(env, 0);
  // Below 16 KB the zero-fill costs less than the Buffer's extra objects: tiny calls (B1 T4 I8 H8) were 12–18 %
  // slower with every output made this way. The poison hook applies to every size, so the test covers them all.
  if (n < 4096 && !outputPoison()) return newF32(env, len);
  // A Buffer is at most buffer.constants.MAX_LENGTH bytes (4 GiB in Node 20), a Float32Array may be larger; past
  // 2 GiB the zero-fill is a negligible share of the kernel's work anyway.
  if (n > (size_t{1} << 31) / sizeof(float)) return newF32(env, len);
  Napi::Buffer<uint8_t> buf = Napi::Buffer<uint8_t>::New(env, n * sizeof(float));
  const size_t off = buf.ByteOffset();
  if (off % alignof(float) != 0) return newF32(env, len);  // not viewable as floats (never seen): zeroed instead
  Napi::Float32Array a = Napi::Float32Array::New(env, n, buf.ArrayBuffer(), off);
  if (outputPoison()) std::fill(a.Data(), a.Data() + n, std::numeric_limits<float>::quiet_NaN());
  return a;
}

/// Outputs of one call that the kernel writes in full (outF32's contract), allocated together. When they total
/// under 16 KB they are views of one zero-filled ArrayBuffer, each starting on a 64-byte boundary: V8 spends three
/// mallocs, a BackingStore and a sweep after collection on every ArrayBuffer, and for a tiny call (B1 T1 I1 H1,
/// a few µs in all) the separate arrays of a forward (3) or a backward (6) were a visible share of its time
/// (docs/benchmarks.md "Tiny calls"). Larger outputs get one allocation each (outF32), so that keeping one small
/// array alive never pins a large one. Under the poison hook the shared buffer starts as NaN too.
template <size_t N>
std::array<Napi::Float32Array, N> outF32s(Napi::Env env, const std::array<int64_t, N>& lens) {
  constexpr size_t kAlign = 16;  // floats: 64 bytes
  auto padded = [](int64_t l) { return (static_cast<size_t>(l) + kAlign - 1) / kAlign * kAlign; };
  size_t total = 0;
  for (int64_t l : lens) total += padded(l);
  std::array<Napi::Float32Array, N> out;
  if (total >= 4096) {
    for (size_t i = 0; i < N; i++) out[i] = outF32(env, lens[i]);
    return out;
  }
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, total * sizeof(float));
  if (outputPoison() && total > 0) {
    float* p = static_cast<float*>(ab.Data());
    std::fill(p, p + total, std::numeric_limits<float>::quiet_NaN());
  }
  size_t off = 0;
  for (size_t i = 0; i < N; i++) {
    out[i] = Napi::Float32Array::New(env, static_cast<size_t>(lens[i]), ab, off * sizeof(float));
    off += padded(lens[i]);
  }
  return out;
}

/// The `saved` array of a training forward: the caller's recycled Float32Array when argument `index` is one
/// (src/kernels/native-cpu.ts's pool of released buffers; its length must be exactly `len`), otherwise a new one.
/// A recycled array holds an earlier call's values: every kernel writes each element its backward reads
/// (test/native/saved-pool.test.ts poisons recycled arrays with NaN to prove it).
inline Napi::Float32Array savedArray(const Napi::CallbackInfo& info, size_t index, int64_t len, const std::string& call) {
  if (info.Length() > index && !info[index].IsUndefined() && !info[index].IsNull()) {
    getF32Value(info.Env(), info[index], "savedInto", len, call);  // exactly len floats, not detached
    return info[index].As<Napi::Float32Array>();
  }
  return newF32(info.Env(), len);
}

/// The data of a freshly allocated output array (a valid dummy pointer when it is empty).
inline float* outData(Napi::Float32Array& t) {
  return t.ElementLength() ? t.Data() : &kEmptyF32;
}

/// The six gradients of lstmSequence's inputs (src/kernels/types.ts LstmSeqGrads), allocated for [T,B,I,H]
/// and handed back to JS as one object with the same keys.
struct LstmGradArrays {
  Napi::Float32Array dx, dh0, dc0, dKernel, dRecurrentKernel, dBias;

  /// skipDx: dx is returned empty (length 0) because the caller does not need it (LstmBackend opts.skipDx).
  /// gru: the GRU's shapes (kernels [·, 3H], bias [2, 3H], no cell state: dc0 empty).
  /// written: every path of the kernel writes every element (outF32s, not zero-filled); false: zero-filled.
  LstmGradArrays(Napi::Env env, int64_t T, int64_t B, int64_t I, int64_t H, bool skipDx = false, bool gru = false,
                 bool written = false) {
    const int64_t g = gru ? 3 : 4;
    const std::array<int64_t, 6> lens{skipDx ? 0 : T * B * I, B * H, gru ? 0 : B * H, I * g * H, H * g * H,
                                      (gru ? 6 : 4) * H};
    std::array<Napi::Float32Array, 6> a;
    if (written) a = outF32s<6>(env, lens);
    else
      for (size_t i = 0; i < 6; i++) a[i] = newF32(env, lens[i]);
    dx = a[0], dh0 = a[1], dc0 = a[2], dKernel = a[3], dRecurrentKernel = a[4], dBias = a[5];
  }

  Napi::Object toObject(Napi::Env env) const {
    Napi::Object r = Napi::Object::New(env);
    r.Set("dx", dx);
    r.Set("dh0", dh0);
    r.Set("dc0", dc0);
    r.Set("dKernel", dKernel);
    r.Set("dRecurrentKernel", dRecurrentKernel);
    r.Set("dBias", dBias);
    return r;
  }
};

/// Wraps an exported function: any C++ exception that is not already a Napi::Error (bad_alloc from a
/// typed-array allocation, ...) becomes a JS Error starting with the addon's name ("lstmts.cpu: ...") instead of
/// terminating the process. `Addon` is a namespace-scope char array of the addon's name.
template <const char* Addon, Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value Guard(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string(Addon) + ": " + e.what());
  }
}

}  // namespace lstmts_binding
