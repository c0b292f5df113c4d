// Wall time of one fused recurrent kernel call (native/core, no Node), for A/B comparisons of kernel changes:
// scripts/bench-kernel-ab.sh builds this against two commits' cores and runs the two binaries alternately, so a
// drift of this shared machine hits both (docs/benchmarks.md "Packed dZ").
//
//   kernel_bench <lstm|gru|srnn> <infer|train> B T I H reps        ($LSTM_TS_NUM_THREADS threads, default 1)
//
// infer = forward of the whole sequence with nothing kept; train = forward keeping the saved state + backward with
// every gradient (dx included), dy = 0.01 everywhere. Prints the median and minimum over `reps` calls (after one
// untimed call), GFLOP/s of the median (2·T·B·(I+H)·G·H-gates per forward, three times that for train), and
// sums of y and of each gradient, so that two builds can be checked to give the same bits.
//
// Every array starts $KB_MISALIGN_BYTES (default 16) past a 64-byte boundary: glibc's malloc, behind Node's
// ArrayBuffers, returns 16-byte aligned blocks (a large one 16 bytes past a page), so 16 is what the addon's
// callers got; 0 shows what a cache-line aligned caller gets (docs/benchmarks.md "Aligned panels").
// $KB_SAVED_MISALIGN_BYTES sets the saved state's alone.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gru_cpu.h"
#include "lstm_cpu.h"
#include "srnn_cpu.h"
#include "threads.h"

using namespace lstmts;

namespace {
// n floats starting `misalign` bytes past a 64-byte boundary.
struct Arr {
  std::vector<float> store;
  float* p;
  size_t n;
  Arr(size_t count, float fill, size_t misalign) : store(count + 32, fill), n(count) {
    auto addr = reinterpret_cast<uintptr_t>(store.data());
    const uintptr_t aligned = (addr + 63) & ~uintptr_t(63);
    p = reinterpret_cast<float*>(aligned + misalign);
  }
  float* data() { return p; }
  float* begin() { return p; }
  float* end() { return p + n; }
};
}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr, "usage: %s <lstm|gru|srnn> <infer|train> B T I H reps\n", argv[0]);
    return 2;
  }
  const std::string cell = argv[1], mode = argv[2];
  const bool train = mode == "train";
  if ((cell != "lstm" && cell != "gru" && cell != "srnn") || (!train && mode != "infer")) {
    std::fprintf(stderr, "unknown cell '%s' or mode '%s'\n", argv[1], argv[2]);
    return 2;
  }
  const int64_t B = std::atoll(argv[3]), T = std::atoll(argv[4]), I = std::atoll(argv[5]), H = std::atoll(argv[6]);
  const int reps = std::max(1, std::atoi(argv[7]));
  const char* nt = std::getenv("LSTM_TS_NUM_THREADS");
  threads::set_num_threads(nt ? std::atoi(nt) : 1);
  const int64_t gates = cell == "lstm" ? 4 : cell == "gru" ? 3 : 1, G = gates * H;
  LstmDims d;
  d.T = T;
  d.B = B;
  d.I = I;
  d.H = H;
  LstmOptions o;
  std::mt19937 rng(1);
  auto uni = [&](float scale) { return std::uniform_real_distribution<float>(-scale, scale)(rng); };
  const char* mis = std::getenv("KB_MISALIGN_BYTES");
  const size_t ma = mis ? static_cast<size_t>(std::atoi(mis)) & ~size_t(3) : 16;
  Arr x(T * B * I, 0, ma), h0(B * H, 0.0f, ma), c0(B * H, 0.0f, ma), K(I * G, 0, ma), R(H * G, 0, ma), bias(2 * G, 0.0f, ma);
  for (auto& v : x) v = uni(0.5f);
  for (auto& v : K) v = uni(0.05f);
  for (auto& v : R) v = uni(0.05f);
  Arr y(T * B * H, 0, ma), hT(B * H, 0, ma), cT(B * H, 0, ma), dy(T * B * H, 0.01f, ma), dx(T * B * I, 0, ma),
      dh0(B * H, 0, ma), dc0(B * H, 0, ma), dK(I * G, 0, ma), dR(H * G, 0, ma), db(2 * G, 0, ma);
  const int64_t savedFloats = !train ? 0 : cell == "lstm" ? lstm_cpu_saved_floats(d) : cell == "gru" ? gru_cpu_saved_floats(d) : srnn_cpu_saved_floats(d);
  const char* smis = std::getenv("KB_SAVED_MISALIGN_BYTES");  // the saved state alone (default: as the others)
  Arr saved(static_cast<size_t>(savedFloats), 0, smis ? static_cast<size_t>(std::atoi(smis)) & ~size_t(3) : ma);
  float* sv = train ? saved.data() : nullptr;
  auto once = [&]() {
    Status st = Status::Ok();
    if (cell == "lstm") {
      st = lstm_cpu_forward(d, o, x.data(), h0.data(), c0.data(), K.data(), R.data(), bias.data(), y.data(), hT.data(), cT.data(), sv);
      if (st.ok && train)
        st = lstm_cpu_backward(d, o, x.data(), K.data(), R.data(), sv, dy.data(), h0.data(), c0.data(), dx.data(), dh0.data(),
                               dc0.data(), dK.data(), dR.data(), db.data());
    } else if (cell == "gru") {
      st = gru_cpu_forward(d, o, x.data(), h0.data(), K.data(), R.data(), bias.data(), y.data(), hT.data(), sv);
      if (st.ok && train)
        st = gru_cpu_backward(d, o, x.data(), K.data(), R.data(), sv, dy.data(), h0.data(), dx.data(), dh0.data(), dK.data(),
                              dR.data(), db.data());
    } else {
      st = srnn_cpu_forward(d, o, false, x.data(), h0.data(), K.data(), R.data(), bias.data(), y.data(), hT.data(), sv);
      if (st.ok && train)
        st = srnn_cpu_backward(d, o, false, x.data(), K.data(), R.data(), sv, dy.data(), h0.data(), dx.data(), dh0.data(),
                               dK.data(), dR.data(), db.data());
    }
    if (!st.ok) {
      std::fprintf(stderr, "kernel failed: %s\n", st.message.c_str());
      std::exit(1);
    }
  };
  once();
  std::vector<double> ms;
  for (int r = 0; r < reps; r++) {
    const auto t0 = std::chrono::steady_clock::now();
    once();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  const double med = ms[ms.size() / 2];
  const double flops = 2.0 * T * B * (I + H) * G * (train ? 3 : 1);
  auto sum = [](Arr& v) {
    double s = 0;
    for (float e : v) s += e;
    return s;
  };
  std::printf("%s %s B%lld T%lld I%lld H%lld: median %.3f ms min %.3f ms %.1f GFLOP/s\n", cell.c_str(), mode.c_str(),
              (long long)B, (long long)T, (long long)I, (long long)H, med, ms[0], flops / med / 1e6);
  std::printf("  sums y %.17g", sum(y));
  if (train) std::printf(" dx %.17g dK %.17g dR %.17g db %.17g", sum(dx), sum(dK), sum(dR), sum(db));
  std::printf("\n");
  return 0;
}
