// C++ test program over the Node-free cuDNN core (no Node, no JS): CudnnLstm (lstm_cudnn.h) against the CPU
// kernel lstm_cpu_forward / lstm_cpu_backward (lstm_cpu.h), which test_lstm_cpu checks against a float64 loop
// and finite differences. Both implement the same Keras semantics, so every number must agree.
//
// Tolerances (the same as the JS property tests in test/native/cudnn.test.ts):
//   outputs   y, hT, cT:                     max |cudnn - cpu| <= 1e-5
//   gradients dx, dh0, dc0, dK, dR, db:      max |cudnn - cpu| / max(1, max |cpu|) <= 1e-4   (per array)
// The cuDNN layer runs with CUDNN_FMA_MATH (strict fp32), except the one TF32 smoke case, which only has to be
// within 5e-2 (TF32 keeps 10 mantissa bits).
//
// Checks, when a CUDA device exists:
//   1. forward (y, hT, cT) and backward (all six gradients) on random cases: several T, B, I, H (H not a
//      multiple of 8 included), go_backwards, right-padded seqLengths including length T and length 1,
//      zero and nonzero initial states, zeroOutputForMask both ways;
//   2. weight re-upload: stats().weightUploads counts uploads; equal bytes or an equal version upload nothing,
//      changed weights are uploaded and the results follow them;
//   3. error paths: bad lengths, mismatched backward sizes, a saved state of another layer; saved states are
//      freed on every path (stats().liveSaved / liveReserveBytes back to 0);
//   4. leaks: many forward + backward (+ release, + inference) calls and layer create/destroy cycles, with
//      cudaMemGetInfo's free memory stable within 8 MiB after a warm-up;
//   5. (not asserted) the time of a forward and a forward + backward at T=100, B=64, I=128, H=256.
// `test_lstm_cudnn --quick` runs 1-3 only (and skips the TF32 case).
// Without a device it prints "SKIP: no CUDA device: <reason>" and exits 77 (the automake "skipped" code).
// Exit 0 = all passed, 1 = a failure.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "lstm_cpu.h"
#include "lstm_cudnn.h"
#include "gru_cpu.h"

using namespace lstmts;

namespace {

constexpr double kOutTol = 1e-5;
constexpr double kGradTol = 1e-4;
constexpr double kTf32Tol = 5e-2;
constexpr double kLeakSlackBytes = 8.0 * 1024 * 1024;

int g_failures = 0;

void report(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  std::fflush(stdout);
  if (!ok) g_failures++;
}

struct Case {
  Case(int t, int b, int i, int h) : T(t), B(b), I(i), H(h) {}
  int T, B, I, H;
  bool back = false, zero = false, masked = false, zeroState = false;
  std::vector<int32_t> lens;  // explicit lengths when masked; empty = random in [1, T] with T and 1 forced
};

struct Data {
  std::vector<float> x, h0, c0, K, R, b, dy, dhT, dcT;
  std::vector<int32_t> lens;
};

struct Outputs {
  std::vector<float> y, hT, cT, dx, dh0, dc0, dK, dR, db;
  // Zeroed gradient outputs of the sizes both backends write.
  void zeroGrads(size_t T, size_t B, size_t I, size_t H) {
    dx.assign(T * B * I, 0.0f);
    dh0.assign(B * H, 0.0f);
    dc0.assign(B * H, 0.0f);
    dK.assign(I * 4 * H, 0.0f);
    dR.assign(H * 4 * H, 0.0f);
    db.assign(4 * H, 0.0f);
  }
};

std::vector<float> rnd(std::mt19937& rng, size_t n, float scale) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& e : v) e = scale * u(rng);
  return v;
}

Data make_data(const Case& c, std::mt19937& rng) {
  const size_t T = c.T, B = c.B, I = c.I, H = c.H;
  Data d;
  d.x = rnd(rng, T * B * I, 1.0f);
  d.h0 = c.zeroState ? std::vector<float>(B * H, 0.0f) : rnd(rng, B * H, 0.5f);
  d.c0 = c.zeroState ? std::vector<float>(B * H, 0.0f) : rnd(rng, B * H, 0.5f);
  d.K = rnd(rng, I * 4 * H, 0.6f);
  d.R = rnd(rng, H * 4 * H, 0.6f);
  d.b = rnd(rng, 4 * H, 0.5f);
  d.dy = rnd(rng, T * B * H, 1.0f);
  d.dhT = rnd(rng, B * H, 1.0f);
  d.dcT = rnd(rng, B * H, 1.0f);
  if (c.masked) {
    if (!c.lens.empty()) {
      d.lens = c.lens;
    } else {
      d.lens.resize(B);
      for (size_t i = 0; i < B; i++) d.lens[i] = 1 + static_cast<int32_t>(rng() % T);
      d.lens[0] = c.T;  // a full row
      if (B > 1) d.lens[1] = 1;  // a length-1 row
    }
  }
  return d;
}

LstmOptions options(const Case& c, const Data& d) {
  LstmOptions o;
  o.seqLengths = c.masked ? d.lens.data() : nullptr;
  o.goBackwards = c.back;
  o.zeroOutputForMask = c.zero;
  return o;
}

Status cpu_run(const Case& c, const Data& d, Outputs& r) {
  const LstmDims dims{c.T, c.B, c.I, c.H};
  const size_t T = c.T, B = c.B, I = c.I, H = c.H;
  const LstmOptions o = options(c, d);
  r.y.assign(T * B * H, 0.0f);
  r.hT.assign(B * H, 0.0f);
  r.cT.assign(B * H, 0.0f);
  std::vector<float> saved(static_cast<size_t>(lstm_cpu_saved_floats(dims)));
  Status st = lstm_cpu_forward(dims, o, d.x.data(), d.h0.data(), d.c0.data(), d.K.data(), d.R.data(), d.b.data(),
                               r.y.data(), r.hT.data(), r.cT.data(), saved.data());
  if (!st.ok) return st;
  r.zeroGrads(T, B, I, H);
  return lstm_cpu_backward(dims, o, d.x.data(), d.K.data(), d.R.data(), saved.data(), d.dy.data(), d.dhT.data(),
                           d.dcT.data(), r.dx.data(), r.dh0.data(), r.dc0.data(), r.dK.data(), r.dR.data(),
                           r.db.data());
}

// Forward (training) + backward on an already initialised layer whose weights are set.
Status gpu_run(CudnnLstm& L, const Case& c, const Data& d, Outputs& r, bool withBackward = true) {
  const size_t T = c.T, B = c.B, I = c.I, H = c.H;
  const LstmOptions o = options(c, d);
  r.y.assign(T * B * H, 0.0f);
  r.hT.assign(B * H, 0.0f);
  r.cT.assign(B * H, 0.0f);
  CudnnSaved* saved = nullptr;
  Status st = L.forward(c.T, c.B, o, d.x.data(), d.h0.data(), d.c0.data(), r.y.data(), r.hT.data(), r.cT.data(),
                        withBackward, withBackward ? &saved : nullptr);
  if (!st.ok || !withBackward) return st;
  r.zeroGrads(T, B, I, H);
  return L.backward(saved, d.dy.data(), d.dhT.data(), d.dcT.data(), r.dx.data(), r.dh0.data(), r.dc0.data(),
                    r.dK.data(), r.dR.data(), r.db.data(), c.T, c.B);
}

double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  double m = 0;
  for (size_t i = 0; i < a.size(); i++) {
    const double e = std::fabs(static_cast<double>(a[i]) - b[i]);
    if (!(e <= m)) m = e;  // NaN propagates as a failure
  }
  return m;
}

double rel_diff(const std::vector<float>& got, const std::vector<float>& ref) {
  double scale = 1.0;
  for (float v : ref) scale = std::max(scale, static_cast<double>(std::fabs(v)));
  return max_abs_diff(got, ref) / scale;
}

struct Errs {
  double out = 0, grad = 0;
  std::string worstOut, worstGrad;
};

Errs compare(const Outputs& g, const Outputs& c, bool grads) {
  Errs e;
  const std::pair<const char*, std::pair<const std::vector<float>*, const std::vector<float>*>> outs[] = {
      {"y", {&g.y, &c.y}}, {"hT", {&g.hT, &c.hT}}, {"cT", {&g.cT, &c.cT}}};
  for (const auto& o : outs) {
    const double d = max_abs_diff(*o.second.first, *o.second.second);
    if (!(d <= e.out)) e.out = d, e.worstOut = o.first;
  }
  if (!grads) return e;
  const std::pair<const char*, std::pair<const std::vector<float>*, const std::vector<float>*>> gs[] = {
      {"dx", {&g.dx, &c.dx}}, {"dh0", {&g.dh0, &c.dh0}}, {"dc0", {&g.dc0, &c.dc0}},
      {"dK", {&g.dK, &c.dK}}, {"dR", {&g.dR, &c.dR}},    {"db", {&g.db, &c.db}}};
  for (const auto& o : gs) {
    const double d = rel_diff(*o.second.first, *o.second.second);
    if (!(d <= e.grad)) e.grad = d, e.worstGrad = o.first;
  }
  return e;
}

std::string describe(const Case& c, const Data& d) {
  std::string s = "T=" + std::to_string(c.T) + " B=" + std::to_string(c.B) + " I=" + std::to_string(c.I) +
                  " H=" + std::to_string(c.H) + " back=" + std::to_string(c.back) + " zero=" +
                  std::to_string(c.zero) + " h0c0=" + (c.zeroState ? "0" : "rand");
  if (c.masked) {
    s += " lens=[";
    for (size_t i = 0; i < d.lens.size() && i < 8; i++) s += (i ? "," : "") + std::to_string(d.lens[i]);
    s += d.lens.size() > 8 ? ",...]" : "]";
  }
  return s;
}

void check_case(const Case& c, std::mt19937& rng) {
  const Data d = make_data(c, rng);
  const std::string name = describe(c, d);
  Outputs cpu, gpu;
  Status st = cpu_run(c, d, cpu);
  if (!st.ok) return report(false, name + ": CPU reference failed: " + st.message);
  CudnnLstm L;
  if (!(st = L.init(0, c.I, c.H, false)).ok || !(st = L.setWeights(d.K.data(), d.R.data(), d.b.data(), -1)).ok ||
      !(st = gpu_run(L, c, d, gpu)).ok)
    return report(false, name + ": " + st.message);
  const Errs e = compare(gpu, cpu, true);
  char buf[200];
  std::snprintf(buf, sizeof buf, ": out max|d| %.2e (%s), grad max rel %.2e (%s)", e.out, e.worstOut.c_str(), e.grad,
                e.worstGrad.c_str());
  report(e.out <= kOutTol && e.grad <= kGradTol, name + buf);
  // Inference mode must give the same outputs as the training forward.
  Outputs inf;
  if (!(st = gpu_run(L, c, d, inf, false)).ok) return report(false, name + " inference: " + st.message);
  const Errs ei = compare(inf, cpu, false);
  if (!(ei.out <= kOutTol)) report(false, name + " inference forward differs: " + std::to_string(ei.out));
  const CudnnStats s = L.stats();
  if (s.liveSaved != 0 || s.liveReserveBytes != 0) report(false, name + ": saved state left alive after backward");
}

void check_weight_uploads(std::mt19937& rng) {
  Case c{6, 3, 5, 7};
  c.masked = true;
  Data d = make_data(c, rng);
  CudnnLstm L;
  Status st = L.init(0, c.I, c.H, false);
  if (!st.ok) return report(false, "weight upload: init: " + st.message);
  auto uploads = [&] { return L.stats().weightUploads; };
  bool ok = true;
  std::string why;
  auto expect = [&](int64_t n, const char* step) {
    if (uploads() != n) ok = false, why += std::string(" ") + step + ": " + std::to_string(uploads()) + " uploads, expected " + std::to_string(n) + ";";
  };
  auto agrees = [&](const char* step) {
    Outputs g, r;
    Status s1 = gpu_run(L, c, d, g), s2 = cpu_run(c, d, r);
    if (!s1.ok || !s2.ok) {
      ok = false, why += std::string(" ") + step + ": " + s1.message + s2.message + ";";
      return;
    }
    const Errs e = compare(g, r, true);
    if (!(e.out <= kOutTol && e.grad <= kGradTol))
      ok = false, why += std::string(" ") + step + ": results do not follow the current weights (out " + std::to_string(e.out) + ", grad " + std::to_string(e.grad) + ");";
  };
  L.setWeights(d.K.data(), d.R.data(), d.b.data(), -1);
  expect(1, "first setWeights");
  L.setWeights(d.K.data(), d.R.data(), d.b.data(), -1);
  expect(1, "same bytes, no version");
  L.setWeights(d.K.data(), d.R.data(), d.b.data(), 3);
  expect(1, "same bytes, new version 3");
  agrees("after uploads of the same weights");
  d.K[0] += 0.25f;
  L.setWeights(d.K.data(), d.R.data(), d.b.data(), 3);
  expect(1, "changed kernel, equal version 3 (contract: unchanged)");
  L.setWeights(d.K.data(), d.R.data(), d.b.data(), 4);
  expect(2, "changed kernel, version 4");
  agrees("after a kernel change");
  d.R[d.R.size() - 1] -= 0.5f;
  d.b[2 * c.H] += 0.125f;
  L.setWeights(d.K.data(), d.R.data(), d.b.data(), -1);
  expect(3, "changed recurrent kernel + bias, no version");
  L.setWeights(d.K.data(), d.R.data(), d.b.data(), -1);
  expect(3, "same again");
  agrees("after a recurrent kernel + bias change");
  report(ok, "weight re-upload: uploads counted by stats(), skipped while unchanged, results follow changes" + why);
}

void check_errors(std::mt19937& rng) {
  Case c{5, 3, 4, 6};
  c.masked = true;
  Data d = make_data(c, rng);
  CudnnLstm L, other;
  Status st = L.init(0, c.I, c.H, false);
  if (st.ok) st = other.init(0, c.I, c.H, false);
  if (st.ok) st = L.setWeights(d.K.data(), d.R.data(), d.b.data(), -1);
  if (st.ok) st = other.setWeights(d.K.data(), d.R.data(), d.b.data(), -1);
  if (!st.ok) return report(false, "error paths: setup: " + st.message);
  std::vector<float> y(static_cast<size_t>(c.T) * c.B * c.H), hT(static_cast<size_t>(c.B) * c.H), cT(hT.size());
  std::vector<float> dx(static_cast<size_t>(c.T) * c.B * c.I), dh0(hT.size()), dc0(hT.size());
  std::vector<float> dK(d.K.size()), dR(d.R.size()), db(d.b.size());
  bool ok = true;
  std::string why;
  {  // a zero length is rejected before cuDNN sees it
    Data bad = d;
    bad.lens[1] = 0;
    CudnnSaved* s = nullptr;
    st = L.forward(c.T, c.B, options(c, bad), d.x.data(), d.h0.data(), d.c0.data(), y.data(), hT.data(), cT.data(),
                   true, &s);
    if (st.ok || s) ok = false, why += " length 0 accepted;";
    else if (st.message.find("seqLengths") == std::string::npos) ok = false, why += " unclear message: " + st.message + ";";
  }
  {  // backward sized for another T: error, and the saved state is freed anyway
    CudnnSaved* s = nullptr;
    st = L.forward(c.T, c.B, options(c, d), d.x.data(), d.h0.data(), d.c0.data(), y.data(), hT.data(), cT.data(),
                   true, &s);
    if (!st.ok) ok = false, why += " forward: " + st.message + ";";
    st = L.backward(s, d.dy.data(), d.dhT.data(), d.dcT.data(), dx.data(), dh0.data(), dc0.data(), dK.data(),
                    dR.data(), db.data(), c.T + 1, c.B);
    if (st.ok) ok = false, why += " backward with the wrong T accepted;";
    if (L.stats().liveSaved != 0) ok = false, why += " saved state not freed after a failed backward;";
  }
  {  // backward twice over one kept forward (autograd's retainGraph): both give the same gradients, the
     // state stays alive until freed, and a third, consuming backward frees it
    CudnnSaved* s = nullptr;
    st = L.forward(c.T, c.B, options(c, d), d.x.data(), d.h0.data(), d.c0.data(), y.data(), hT.data(), cT.data(),
                   true, &s);
    if (!st.ok) ok = false, why += " forward: " + st.message + ";";
    std::vector<float> dx2(dx.size()), dh02(dh0.size()), dc02(dc0.size()), dK2(dK.size()), dR2(dR.size()), db2(db.size());
    st = L.backward(s, d.dy.data(), d.dhT.data(), d.dcT.data(), dx.data(), dh0.data(), dc0.data(), dK.data(),
                    dR.data(), db.data(), c.T, c.B, /*keepSaved=*/true);
    if (!st.ok) ok = false, why += " kept backward 1: " + st.message + ";";
    if (L.stats().liveSaved != 1) ok = false, why += " kept saved state freed by backward;";
    st = L.backward(s, d.dy.data(), d.dhT.data(), d.dcT.data(), dx2.data(), dh02.data(), dc02.data(), dK2.data(),
                    dR2.data(), db2.data(), c.T, c.B, /*keepSaved=*/false);
    if (!st.ok) ok = false, why += " backward 2: " + st.message + ";";
    if (dx != dx2 || dh0 != dh02 || dc0 != dc02 || dK != dK2 || dR != dR2 || db != db2)
      ok = false, why += " second backward over a kept state differs from the first;";
    if (L.stats().liveSaved != 0) ok = false, why += " saved state not freed by the consuming backward;";
  }
  {  // the saved state of a destroyed layer, offered to a new layer (possibly at the same address): refused
    CudnnSaved* s = nullptr;
    auto gone = std::make_unique<CudnnLstm>();
    st = gone->init(0, c.I, c.H, false);
    if (st.ok) st = gone->setWeights(d.K.data(), d.R.data(), d.b.data(), -1);
    if (st.ok) st = gone->forward(c.T, c.B, options(c, d), d.x.data(), d.h0.data(), d.c0.data(), y.data(), hT.data(),
                                  cT.data(), true, &s);
    if (!st.ok) ok = false, why += " forward (destroyed layer): " + st.message + ";";
    gone.reset();
    auto fresh = std::make_unique<CudnnLstm>();
    st = fresh->init(0, c.I, c.H, false);
    if (st.ok) st = fresh->setWeights(d.K.data(), d.R.data(), d.b.data(), -1);
    if (st.ok) st = fresh->backward(s, d.dy.data(), d.dhT.data(), d.dcT.data(), dx.data(), dh0.data(), dc0.data(),
                                    dK.data(), dR.data(), db.data(), c.T, c.B);
    if (st.ok) ok = false, why += " a destroyed layer's saved state accepted by a new layer;";
  }
  {  // a saved state of another layer
    CudnnSaved* s = nullptr;
    st = other.forward(c.T, c.B, options(c, d), d.x.data(), d.h0.data(), d.c0.data(), y.data(), hT.data(), cT.data(),
                       true, &s);
    if (!st.ok) ok = false, why += " forward: " + st.message + ";";
    st = L.backward(s, d.dy.data(), d.dhT.data(), d.dcT.data(), dx.data(), dh0.data(), dc0.data(), dK.data(),
                    dR.data(), db.data(), c.T, c.B);
    if (st.ok) ok = false, why += " backward of another layer's state accepted;";
    if (other.stats().liveSaved != 0 || other.stats().liveReserveBytes != 0)
      ok = false, why += " foreign saved state not freed;";
  }
  {  // training forward without a place for the saved state
    st = L.forward(c.T, c.B, options(c, d), d.x.data(), d.h0.data(), d.c0.data(), y.data(), hT.data(), cT.data(),
                   true, nullptr);
    if (st.ok) ok = false, why += " training forward with savedOut=nullptr accepted;";
  }
  {  // a device that does not exist; a layer that was never initialised
    int n = 0;
    cudaGetDeviceCount(&n);
    CudnnLstm bad;
    st = bad.init(n, c.I, c.H, false);
    if (st.ok || st.message.find("does not exist") == std::string::npos) ok = false, why += " init on device " + std::to_string(n) + ": " + (st.ok ? std::string("accepted") : st.message) + ";";
    st = bad.setWeights(d.K.data(), d.R.data(), d.b.data(), -1);
    if (st.ok) ok = false, why += " setWeights after a failed init accepted;";
  }
  report(ok, "error paths: bad lengths, wrong backward sizes, foreign saved state, bad device; states freed" + why);
}

void check_leaks(std::mt19937& rng) {
  Case big{64, 32, 64, 128};
  big.masked = true;
  Case small{10, 4, 64, 128};
  small.masked = true;
  small.back = true;
  const Data db = make_data(big, rng), ds = make_data(small, rng);
  CudnnLstm L;
  Status st = L.init(0, big.I, big.H, false);
  if (st.ok) st = L.setWeights(db.K.data(), db.R.data(), db.b.data(), -1);
  if (!st.ok) return report(false, "leaks: setup: " + st.message);
  Outputs o;
  auto cycle = [&](int i) -> Status {
    Status s = L.setWeights(db.K.data(), db.R.data(), db.b.data(), -1);
    if (!s.ok) return s;
    const Case& c = i % 2 ? small : big;
    const Data& d = i % 2 ? ds : db;
    if (!(s = gpu_run(L, c, d, o)).ok) return s;     // training forward + backward
    if (!(s = gpu_run(L, c, d, o, false)).ok) return s;  // inference
    CudnnSaved* sv = nullptr;  // training forward whose state is released without backward
    if (!(s = L.forward(c.T, c.B, options(c, d), d.x.data(), d.h0.data(), d.c0.data(), o.y.data(), o.hT.data(),
                        o.cT.data(), true, &sv))
             .ok)
      return s;
    cudnn_saved_free(sv);
    return Status::Ok();
  };
  auto layerCycle = [&]() -> Status {
    CudnnLstm tmp;
    Status s = tmp.init(0, small.I, small.H, false);
    if (s.ok) s = tmp.setWeights(ds.K.data(), ds.R.data(), ds.b.data(), -1);
    if (s.ok) s = gpu_run(tmp, small, ds, o);
    return s;
  };
  for (int i = 0; i < 6 && st.ok; i++) st = cycle(i);  // warm-up: workspace at its largest, kernels loaded
  if (st.ok) st = layerCycle();
  if (!st.ok) return report(false, "leaks: warm-up: " + st.message);
  cudaDeviceSynchronize();
  size_t free0 = 0, total = 0, free1 = 0;
  cudaMemGetInfo(&free0, &total);
  const int iters = 400, layers = 20;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < iters && st.ok; i++) st = cycle(i);
  for (int i = 0; i < layers && st.ok; i++) st = layerCycle();
  if (!st.ok) return report(false, "leaks: " + st.message);
  cudaDeviceSynchronize();
  cudaMemGetInfo(&free1, &total);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double lost = static_cast<double>(free0) - static_cast<double>(free1);
  const CudnnStats s = L.stats();
  char buf[300];
  std::snprintf(buf, sizeof buf,
                "leaks: %d x (forward+backward, inference, forward+release) + %d layer create/destroy in %.1f s: "
                "free memory %+.2f MiB (limit %.0f MiB), liveSaved %lld, liveReserveBytes %lld, weightUploads %lld",
                iters, layers, secs, -lost / 1048576.0, kLeakSlackBytes / 1048576.0,
                static_cast<long long>(s.liveSaved), static_cast<long long>(s.liveReserveBytes),
                static_cast<long long>(s.weightUploads));
  report(lost <= kLeakSlackBytes && s.liveSaved == 0 && s.liveReserveBytes == 0 && s.weightUploads == 1, buf);
}

void check_tf32(std::mt19937& rng) {
  Case c{16, 8, 32, 64};
  c.masked = true;
  const Data d = make_data(c, rng);
  Outputs cpu, gpu;
  CudnnLstm L;
  Status st = cpu_run(c, d, cpu);
  if (st.ok) st = L.init(0, c.I, c.H, true);
  if (st.ok) st = L.setWeights(d.K.data(), d.R.data(), d.b.data(), -1);
  if (st.ok) st = gpu_run(L, c, d, gpu);
  if (!st.ok) return report(false, "tf32 (CUDNN_DEFAULT_MATH): " + st.message);
  const Errs e = compare(gpu, cpu, true);
  char buf[200];
  std::snprintf(buf, sizeof buf, "tf32 (CUDNN_DEFAULT_MATH) runs: out max|d| %.2e, grad max rel %.2e (limit %.0e)",
                e.out, e.grad, kTf32Tol);
  report(e.out <= kTf32Tol && e.grad <= kTf32Tol, buf);
}

void time_medium(std::mt19937& rng) {
  Case c{100, 64, 128, 256};
  const Data d = make_data(c, rng);
  CudnnLstm L;
  Status st = L.init(0, c.I, c.H, false);
  if (st.ok) st = L.setWeights(d.K.data(), d.R.data(), d.b.data(), -1);
  Outputs o;
  for (int i = 0; i < 2 && st.ok; i++) st = gpu_run(L, c, d, o);
  if (!st.ok) return report(false, "timing: " + st.message);
  const int n = 10;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n && st.ok; i++) st = gpu_run(L, c, d, o, false);
  const double inf = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / n;
  t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < n && st.ok; i++) st = gpu_run(L, c, d, o);
  const double train = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / n;
  if (!st.ok) return report(false, "timing: " + st.message);
  std::printf("info T=100 B=64 I=128 H=256 (host arrays, copies included): inference forward %.2f ms, "
              "training forward + backward %.2f ms\n", inf, train);
}

// GRU mode (CudnnLstm::initGru, CUDNN_GRU = Keras reset_after = True) against the CPU GRU core (gru_cpu.h):
// forward and backward with random weights of Keras's GRU shapes; outputs and gradients within the same tolerances.
void check_gru_case(const Case& c, std::mt19937& rng) {
  const size_t T = c.T, B = c.B, I = c.I, H = c.H;
  Data d = make_data(c, rng);
  d.K = rnd(rng, I * 3 * H, 0.8f);
  d.R = rnd(rng, H * 3 * H, 0.8f);
  d.b = rnd(rng, 6 * H, 0.5f);
  const std::string name = "GRU " + describe(c, d);
  const LstmDims dims{c.T, c.B, c.I, c.H};
  const LstmOptions o = options(c, d);
  Outputs cpu, gpu;
  cpu.y.assign(T * B * H, 0.0f);
  cpu.hT.assign(B * H, 0.0f);
  std::vector<float> saved(static_cast<size_t>(gru_cpu_saved_floats(dims)));
  Status st = gru_cpu_forward(dims, o, d.x.data(), d.h0.data(), d.K.data(), d.R.data(), d.b.data(), cpu.y.data(),
                              cpu.hT.data(), saved.data());
  if (!st.ok) return report(false, name + ": CPU reference failed: " + st.message);
  cpu.dx.assign(T * B * I, 0.0f);
  cpu.dh0.assign(B * H, 0.0f);
  cpu.dK.assign(I * 3 * H, 0.0f);
  cpu.dR.assign(H * 3 * H, 0.0f);
  cpu.db.assign(6 * H, 0.0f);
  st = gru_cpu_backward(dims, o, d.x.data(), d.K.data(), d.R.data(), saved.data(), d.dy.data(), d.dhT.data(),
                        cpu.dx.data(), cpu.dh0.data(), cpu.dK.data(), cpu.dR.data(), cpu.db.data());
  if (!st.ok) return report(false, name + ": CPU reference backward failed: " + st.message);
  CudnnLstm L;
  if (!(st = L.initGru(0, c.I, c.H, false)).ok || !(st = L.setWeights(d.K.data(), d.R.data(), d.b.data(), -1)).ok)
    return report(false, name + ": " + st.message);
  gpu.y.assign(T * B * H, 0.0f);
  gpu.hT.assign(B * H, 0.0f);
  CudnnSaved* sv = nullptr;
  if (!(st = L.forward(c.T, c.B, o, d.x.data(), d.h0.data(), nullptr, gpu.y.data(), gpu.hT.data(), nullptr, true, &sv)).ok)
    return report(false, name + ": " + st.message);
  gpu.dx.assign(T * B * I, 0.0f);
  gpu.dh0.assign(B * H, 0.0f);
  gpu.dK.assign(I * 3 * H, 0.0f);
  gpu.dR.assign(H * 3 * H, 0.0f);
  gpu.db.assign(6 * H, 0.0f);
  if (!(st = L.backward(sv, d.dy.data(), d.dhT.data(), nullptr, gpu.dx.data(), gpu.dh0.data(), nullptr, gpu.dK.data(),
                        gpu.dR.data(), gpu.db.data(), c.T, c.B)).ok)
    return report(false, name + ": " + st.message);
  cpu.cT.clear();
  gpu.cT.clear();
  cpu.dc0.clear();
  gpu.dc0.clear();
  const Errs e = compare(gpu, cpu, true);
  char buf[200];
  std::snprintf(buf, sizeof buf, ": out max|d| %.2e (%s), grad max rel %.2e (%s)", e.out, e.worstOut.c_str(), e.grad,
                e.worstGrad.c_str());
  report(e.out <= kOutTol && e.grad <= kGradTol, name + buf);
}

}  // namespace

int main(int argc, char** argv) {
  // --quick: only the comparisons, upload and error checks (e.g. under compute-sanitizer, which is slow).
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const CudnnProbe p = cudnn_probe();
  if (p.deviceCount == 0) {
    // p.error reads "no CUDA device: <why>"
    std::printf("SKIP: %s\n", p.error.empty() ? "no CUDA device: 0 devices" : p.error.c_str());
    return 77;
  }
  std::printf("cuDNN runtime %ld (headers %ld), CUDA runtime %d (headers %d), driver %d, %d device(s)\n",
              p.cudnnRuntimeVersion, p.cudnnCompiledVersion, p.cudartRuntimeVersion, p.cudartCompiledVersion,
              p.driverVersion, p.deviceCount);
  for (const CudnnDevice& d : p.devices)
    std::printf("device %s, compute capability %d.%d, %.1f GiB\n", d.name.c_str(), d.major, d.minor, d.memGiB);
  if (!p.libraryError.empty()) {
    std::printf("FAIL: a CUDA device exists but cuDNN cannot be used: %s\nFAILED\n", p.libraryError.c_str());
    return 1;
  }
  std::printf("tolerances: outputs max|d| <= %.0e; gradients max|d| / max(1, max|cpu|) <= %.0e per array\n", kOutTol,
              kGradTol);
  std::mt19937 rng(20240611);
  auto masked = [](Case c, std::vector<int32_t> lens = {}) {
    c.masked = true;
    c.lens = std::move(lens);
    return c;
  };
  auto flags = [](Case c, bool back, bool zero, bool zeroState = false) {
    c.back = back;
    c.zero = zero;
    c.zeroState = zeroState;
    return c;
  };
  const std::vector<Case> cases = {
      Case{1, 1, 1, 1},
      flags(Case{5, 3, 4, 6}, false, false, true),
      Case{5, 3, 4, 6},
      flags(Case{7, 4, 3, 5}, true, false),
      masked(Case{6, 5, 2, 13}, {6, 1, 3, 6, 2}),
      masked(flags(Case{6, 5, 2, 13}, false, true), {6, 1, 3, 6, 2}),
      masked(flags(Case{6, 5, 2, 13}, true, false), {6, 1, 3, 6, 2}),
      masked(flags(Case{6, 5, 2, 13}, true, true), {6, 1, 3, 6, 2}),
      masked(Case{4, 1, 3, 4}, {1}),
      masked(flags(Case{3, 4, 5, 3}, true, false), {1, 1, 1, 1}),
      masked(Case{12, 9, 17, 33}),
      masked(flags(Case{12, 9, 17, 33}, true, true)),
      masked(flags(Case{9, 6, 7, 8}, true, false, true)),
      flags(Case{20, 16, 24, 64}, false, false, true),
      masked(flags(Case{25, 7, 10, 40}, false, true)),
      masked(flags(Case{30, 12, 33, 31}, true, false)),
  };
  for (const Case& c : cases) check_case(c, rng);
  for (const Case& c : cases) check_gru_case(c, rng);
  check_weight_uploads(rng);
  check_errors(rng);
  if (!quick) {
    check_tf32(rng);
    check_leaks(rng);
    time_medium(rng);
  }
  std::printf("%s\n", g_failures ? "FAILED" : "ALL PASSED");
  return g_failures ? 1 : 0;
}
