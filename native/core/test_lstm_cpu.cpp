// C++ test program over the Node-free CPU core (no Node, no JS). Two independent checks:
//  1. forward vs a naive float64 loop written straight from the equations (eq. 1.2 of keras-tf-semantics.md,
//     Keras masking: carried states, previous output or zeros at masked steps), max abs diff ≤ 1e-5;
//  2. backward vs central finite differences of the float64 naive forward, on the scalar
//     L = Σ wy⊙y + Σ wh⊙hT + Σ wc⊙cT, for sampled coordinates of every input: |an − fd| ≤ 2e-4 + 2e-3·|fd|
//     (float32 analytic vs float64 numeric with eps = 1e-4); the gradient outputs start as NaN, so an element the
//     kernel leaves unwritten fails the check.
// The same two checks for the GRU kernel (gru_cpu.h, Keras reset_after = True) on the GRU equations.
// Exit code 0 = pass. Prints one line per case. Also usable on a GPU machine (no CUDA needed).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <random>
#include <vector>

#include "lstm_cpu.h"
#include "gru_cpu.h"

using namespace lstmts;

namespace {

struct Case {
  int T, B, I, H;
  bool back, zero, lens;
};

struct Inputs {
  std::vector<double> x, h0, c0, K, R, b;
  std::vector<int32_t> len;
};

double sig(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// Every element of every gradient output was written (they start as NaN, the inputs are finite).
bool all_written(const char* what, std::initializer_list<const std::vector<float>*> outs) {
  int i = 0;
  for (const std::vector<float>* v : outs) {
    for (float e : *v)
      if (!std::isfinite(e)) {
        std::printf("  %s backward left output %d (of %zu floats) partly unwritten\n", what, i, v->size());
        return false;
      }
    i++;
  }
  return true;
}

// Naive reference: explicit loops, double precision, no BLAS, no shared code with lstm_cpu.cpp.
void naive_forward(const Case& c, const Inputs& in, std::vector<double>& y, std::vector<double>& hT,
                   std::vector<double>& cT) {
  const int T = c.T, B = c.B, I = c.I, H = c.H;
  y.assign((size_t)T * B * H, 0.0);
  hT = in.h0;
  cT = in.c0;
  std::vector<double> prevOut((size_t)B * H, 0.0);
  for (int s = 0; s < T; s++) {
    const int t = c.back ? T - 1 - s : s;
    for (int b = 0; b < B; b++) {
      const bool valid = !c.lens || t < in.len[b];
      if (!valid) {
        for (int j = 0; j < H; j++) y[((size_t)s * B + b) * H + j] = c.zero ? 0.0 : prevOut[b * H + j];
        continue;
      }
      std::vector<double> z(4 * H, 0.0);
      for (int g = 0; g < 4 * H; g++) {
        double xk = 0, hr = 0;
        for (int k = 0; k < I; k++) xk += in.x[((size_t)t * B + b) * I + k] * in.K[(size_t)k * 4 * H + g];
        for (int k = 0; k < H; k++) hr += hT[b * H + k] * in.R[(size_t)k * 4 * H + g];
        z[g] = (xk + hr) + in.b[g];
      }
      for (int j = 0; j < H; j++) {
        const double ig = sig(z[j]), fg = sig(z[H + j]), gg = std::tanh(z[2 * H + j]), og = sig(z[3 * H + j]);
        const double cn = fg * cT[b * H + j] + ig * gg;
        cT[b * H + j] = cn;
        z[j] = og * std::tanh(cn);  // stash h' (z[j] is no longer needed)
      }
      for (int j = 0; j < H; j++) {
        hT[b * H + j] = z[j];
        y[((size_t)s * B + b) * H + j] = z[j];
        prevOut[b * H + j] = z[j];
      }
    }
  }
}

std::vector<float> f32(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

int run_case(const Case& c, std::mt19937& rng) {
  const int T = c.T, B = c.B, I = c.I, H = c.H;
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  auto fill = [&](size_t n, double sc) {
    std::vector<double> v(n);
    for (auto& e : v) e = sc * u(rng);
    return v;
  };
  Inputs in;
  in.x = fill((size_t)T * B * I, 1.0);
  in.h0 = fill((size_t)B * H, 0.5);
  in.c0 = fill((size_t)B * H, 0.5);
  in.K = fill((size_t)I * 4 * H, 0.6);
  in.R = fill((size_t)H * 4 * H, 0.6);
  in.b = fill((size_t)4 * H, 0.5);
  in.len.resize(B);
  for (int b = 0; b < B; b++) in.len[b] = c.lens ? (int)(rng() % (T + 1)) : T;
  LstmDims d{T, B, I, H};
  LstmOptions o;
  o.seqLengths = c.lens ? in.len.data() : nullptr;
  o.goBackwards = c.back;
  o.zeroOutputForMask = c.zero;

  // 1. forward vs naive
  auto x = f32(in.x), h0 = f32(in.h0), c0 = f32(in.c0), K = f32(in.K), R = f32(in.R), bb = f32(in.b);
  std::vector<float> y((size_t)T * B * H), hT((size_t)B * H), cT((size_t)B * H), saved(lstm_cpu_saved_floats(d));
  Status st = lstm_cpu_forward(d, o, x.data(), h0.data(), c0.data(), K.data(), R.data(), bb.data(), y.data(),
                               hT.data(), cT.data(), saved.data());
  if (!st.ok) {
    std::printf("FAIL forward status: %s\n", st.message.c_str());
    return 1;
  }
  std::vector<double> ry, rh, rc;
  naive_forward(c, in, ry, rh, rc);
  double maxd = 0;
  for (size_t i = 0; i < ry.size(); i++) maxd = std::max(maxd, std::fabs(ry[i] - y[i]));
  for (size_t i = 0; i < rh.size(); i++) maxd = std::max(maxd, std::fabs(rh[i] - hT[i]));
  for (size_t i = 0; i < rc.size(); i++) maxd = std::max(maxd, std::fabs(rc[i] - cT[i]));
  int fails = maxd > 1e-5;

  // 2. backward vs finite differences of L = Σ wy·y + Σ wh·hT + Σ wc·cT
  auto wy = fill(ry.size(), 1.0), wh = fill(rh.size(), 1.0), wc = fill(rc.size(), 1.0);
  // Outputs start as NaN: the kernel must write every element (nothing may rely on a zeroed array).
  std::vector<float> dx(x.size(), NAN), dh0(h0.size(), NAN), dc0(c0.size(), NAN), dK(K.size(), NAN), dR(R.size(), NAN),
      db(bb.size(), NAN);
  auto fwy = f32(wy), fwh = f32(wh), fwc = f32(wc);
  st = lstm_cpu_backward(d, o, x.data(), K.data(), R.data(), saved.data(), fwy.data(), fwh.data(), fwc.data(),
                         dx.data(), dh0.data(), dc0.data(), dK.data(), dR.data(), db.data());
  if (!st.ok) {
    std::printf("FAIL backward status: %s\n", st.message.c_str());
    return 1;
  }
  fails += !all_written("lstm", {&dx, &dh0, &dc0, &dK, &dR, &db});
  auto loss = [&]() {
    std::vector<double> a, bh, bc;
    naive_forward(c, in, a, bh, bc);
    double L = 0;
    for (size_t i = 0; i < a.size(); i++) L += wy[i] * a[i];
    for (size_t i = 0; i < bh.size(); i++) L += wh[i] * bh[i];
    for (size_t i = 0; i < bc.size(); i++) L += wc[i] * bc[i];
    return L;
  };
  double worst = 0;
  int bad = 0;
  auto check = [&](std::vector<double>& v, const std::vector<float>& an, const char* name) {
    if (v.empty()) return;
    for (int k = 0; k < 6; k++) {
      const size_t idx = rng() % v.size();
      const double keep = v[idx], eps = 1e-4;
      v[idx] = keep + eps;
      const double lp = loss();
      v[idx] = keep - eps;
      const double lm = loss();
      v[idx] = keep;
      const double fd = (lp - lm) / (2 * eps);
      const double err = std::fabs(fd - an[idx]);
      worst = std::max(worst, err / (2e-4 + 2e-3 * std::fabs(fd)));
      if (err > 2e-4 + 2e-3 * std::fabs(fd)) {
        bad++;
        std::printf("  grad %s[%zu]: analytic %.7g vs fd %.7g\n", name, idx, an[idx], fd);
      }
    }
  };
  check(in.x, dx, "x");
  check(in.h0, dh0, "h0");
  check(in.c0, dc0, "c0");
  check(in.K, dK, "kernel");
  check(in.R, dR, "recurrentKernel");
  check(in.b, db, "bias");
  fails += bad;
  std::printf("%s T=%d B=%d I=%d H=%d back=%d zero=%d lens=%d: fwd max|diff|=%.2e, grad worst err/tol=%.2e\n",
              fails ? "FAIL" : "ok  ", T, B, I, H, c.back, c.zero, c.lens, maxd, worst);
  return fails ? 1 : 0;
}

// ---- GRU: naive float64 reference (Keras GRUCell, reset_after = True), no BLAS, no shared code with gru_cpu.cpp
void naive_gru(const Case& c, const Inputs& in, std::vector<double>& y, std::vector<double>& hT) {
  const int T = c.T, B = c.B, I = c.I, H = c.H, G = 3 * H;
  y.assign((size_t)T * B * H, 0.0);
  hT = in.h0;
  std::vector<double> prevOut((size_t)B * H, 0.0);
  for (int s = 0; s < T; s++) {
    const int t = c.back ? T - 1 - s : s;
    for (int b = 0; b < B; b++) {
      if (c.lens && t >= in.len[b]) {
        for (int j = 0; j < H; j++) y[((size_t)s * B + b) * H + j] = c.zero ? 0.0 : prevOut[b * H + j];
        continue;
      }
      std::vector<double> mx(G), mh(G), hn(H);
      for (int g = 0; g < G; g++) {
        double a = 0, r = 0;
        for (int k = 0; k < I; k++) a += in.x[((size_t)t * B + b) * I + k] * in.K[(size_t)k * G + g];
        for (int k = 0; k < H; k++) r += hT[b * H + k] * in.R[(size_t)k * G + g];
        mx[g] = a + in.b[g];
        mh[g] = r + in.b[G + g];
      }
      for (int j = 0; j < H; j++) {
        const double z = sig(mx[j] + mh[j]), r = sig(mx[H + j] + mh[H + j]);
        const double cand = std::tanh(mx[2 * H + j] + r * mh[2 * H + j]);
        hn[j] = z * hT[b * H + j] + (1 - z) * cand;
      }
      for (int j = 0; j < H; j++) {
        hT[b * H + j] = hn[j];
        y[((size_t)s * B + b) * H + j] = hn[j];
        prevOut[b * H + j] = hn[j];
      }
    }
  }
}

int run_gru_case(const Case& c, std::mt19937& rng) {
  const int T = c.T, B = c.B, I = c.I, H = c.H;
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  auto fill = [&](size_t n, double sc) {
    std::vector<double> v(n);
    for (auto& e : v) e = sc * u(rng);
    return v;
  };
  Inputs in;
  in.x = fill((size_t)T * B * I, 1.0);
  in.h0 = fill((size_t)B * H, 0.5);
  in.K = fill((size_t)I * 3 * H, 0.6);
  in.R = fill((size_t)H * 3 * H, 0.6);
  in.b = fill((size_t)6 * H, 0.5);
  in.len.resize(B);
  for (int b = 0; b < B; b++) in.len[b] = c.lens ? (int)(rng() % (T + 1)) : T;
  LstmDims d{T, B, I, H};
  LstmOptions o;
  o.seqLengths = c.lens ? in.len.data() : nullptr;
  o.goBackwards = c.back;
  o.zeroOutputForMask = c.zero;
  auto x = f32(in.x), h0 = f32(in.h0), K = f32(in.K), R = f32(in.R), bb = f32(in.b);
  std::vector<float> y((size_t)T * B * H), hT((size_t)B * H), saved(gru_cpu_saved_floats(d));
  Status st = gru_cpu_forward(d, o, x.data(), h0.data(), K.data(), R.data(), bb.data(), y.data(), hT.data(), saved.data());
  if (!st.ok) {
    std::printf("FAIL gru forward status: %s\n", st.message.c_str());
    return 1;
  }
  std::vector<double> ry, rh;
  naive_gru(c, in, ry, rh);
  double maxd = 0;
  for (size_t i = 0; i < ry.size(); i++) maxd = std::max(maxd, std::fabs(ry[i] - y[i]));
  for (size_t i = 0; i < rh.size(); i++) maxd = std::max(maxd, std::fabs(rh[i] - hT[i]));
  int fails = maxd > 1e-5;
  auto wy = fill(ry.size(), 1.0), wh = fill(rh.size(), 1.0);
  std::vector<float> dx(x.size(), NAN), dh0(h0.size(), NAN), dK(K.size(), NAN), dR(R.size(), NAN), db(bb.size(), NAN);
  auto fwy = f32(wy), fwh = f32(wh);
  st = gru_cpu_backward(d, o, x.data(), K.data(), R.data(), saved.data(), fwy.data(), fwh.data(), dx.data(), dh0.data(),
                        dK.data(), dR.data(), db.data());
  if (!st.ok) {
    std::printf("FAIL gru backward status: %s\n", st.message.c_str());
    return 1;
  }
  fails += !all_written("gru", {&dx, &dh0, &dK, &dR, &db});
  auto loss = [&]() {
    std::vector<double> a, bh;
    naive_gru(c, in, a, bh);
    double L = 0;
    for (size_t i = 0; i < a.size(); i++) L += wy[i] * a[i];
    for (size_t i = 0; i < bh.size(); i++) L += wh[i] * bh[i];
    return L;
  };
  double worst = 0;
  int bad = 0;
  auto check = [&](std::vector<double>& v, const std::vector<float>& an, const char* name) {
    if (v.empty()) return;
    for (int k = 0; k < 6; k++) {
      const size_t idx = rng() % v.size();
      const double keep = v[idx], eps = 1e-4;
      v[idx] = keep + eps;
      const double lp = loss();
      v[idx] = keep - eps;
      const double lm = loss();
      v[idx] = keep;
      const double fd = (lp - lm) / (2 * eps);
      const double err = std::fabs(fd - an[idx]);
      worst = std::max(worst, err / (2e-4 + 2e-3 * std::fabs(fd)));
      if (err > 2e-4 + 2e-3 * std::fabs(fd)) {
        bad++;
        std::printf("  gru grad %s[%zu]: analytic %.7g vs fd %.7g\n", name, idx, an[idx], fd);
      }
    }
  };
  check(in.x, dx, "x");
  check(in.h0, dh0, "h0");
  check(in.K, dK, "kernel");
  check(in.R, dR, "recurrentKernel");
  check(in.b, db, "bias");
  fails += bad;
  std::printf("%s GRU T=%d B=%d I=%d H=%d back=%d zero=%d lens=%d: fwd max|diff|=%.2e, grad worst err/tol=%.2e\n",
              fails ? "FAIL" : "ok  ", T, B, I, H, c.back, c.zero, c.lens, maxd, worst);
  return fails ? 1 : 0;
}

}  // namespace

int main() {
  std::mt19937 rng(1234);
  const Case cases[] = {
      {1, 1, 1, 1, false, false, false}, {5, 3, 4, 6, false, false, false}, {7, 4, 3, 5, true, false, false},
      {6, 5, 2, 4, false, false, true},  {6, 5, 2, 4, true, false, true},   {6, 5, 3, 4, false, true, true},
      {8, 3, 5, 3, true, true, true},    {4, 2, 0, 3, false, false, true},  {9, 6, 7, 8, true, false, true},
  };
  int fails = 0;
  for (const Case& c : cases) fails += run_case(c, rng);
  for (const Case& c : cases) fails += run_gru_case(c, rng);
  // zero-size calls must succeed and copy the states through
  {
    LstmDims d{0, 2, 3, 4};
    std::vector<float> h0(8, 0.5f), c0(8, 0.25f), hT(8), cT(8), K(48), R(64), b(16);
    Status st = lstm_cpu_forward(d, LstmOptions(), nullptr, h0.data(), c0.data(), K.data(), R.data(), b.data(),
                                 nullptr, hT.data(), cT.data(), nullptr);
    const bool ok = st.ok && hT[7] == 0.5f && cT[0] == 0.25f;
    std::printf("%s T=0 passes states through\n", ok ? "ok  " : "FAIL");
    fails += !ok;
  }
  {
    LstmDims d{int64_t(1) << 31, int64_t(1) << 31, 1, 1};
    const bool ok = !lstm_cpu_check_dims(d).ok;
    std::printf("%s T*B overflow rejected\n", ok ? "ok  " : "FAIL");
    fails += !ok;
  }
  std::printf("%s\n", fails ? "FAILED" : "ALL PASSED");
  return fails ? 1 : 0;
}
