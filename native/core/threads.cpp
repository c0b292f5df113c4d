// Thread pool of the CPU kernels (threads.h). Workers spin briefly (≤ 30 µs) on a generation counter before sleeping on a
// condition variable: a kernel issues its parallel regions back to back (the backward's three weight GEMMs), and
// waking a sleeping thread costs tens of microseconds, a spin costs nothing when work comes right away.
#include "threads.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace lstmts {
namespace threads {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lk(m_);
      stop_ = true;
      gen_.fetch_add(1);
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  // Grows to `want` - 1 workers (the caller is the other thread); never shrinks, idle workers only sleep.
  void ensure(int want) {
    while (static_cast<int>(workers_.size()) < want - 1) {
      const int id = static_cast<int>(workers_.size());
      // The generation it has "seen" is taken now, before run() announces the job, not when the thread starts.
      const uint64_t start = gen_.load();
      workers_.emplace_back([this, id, start] { loop(id, start); });
    }
  }

  void run(int n, int nthreads, const TaskRef& fn) {
    ensure(nthreads);
    fn_ = &fn;
    n_ = n;
    active_ = std::min(nthreads, n) - 1;  // workers that take part (ids 0 .. active_-1)
    next_.store(0);
    // Every worker acknowledges every job, taking part or not, so that none can read the next job's fields
    // while it still handles this one.
    pending_.store(static_cast<int>(workers_.size()));
    error_ = nullptr;
    {
      std::lock_guard<std::mutex> lk(m_);
      gen_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    work();
    while (pending_.load(std::memory_order_acquire) != 0) cpu_relax();
    fn_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void work() {
    for (;;) {
      const int i = next_.fetch_add(1);
      if (i >= n_) return;
      try {
        (*fn_)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lk(errm_);
        if (!error_) error_ = std::current_exception();
      }
    }
  }

  void loop(int id, uint64_t seen) {
    for (;;) {
      // Spin up to 30 µs of wall time for the next job, then sleep. Bounded by the clock, not by a count of
      // pause instructions: `pause` takes ~10 cycles on Zen but ~140 on recent Intel cores, where 20000 of them
      // kept a core busy for 1.4 ms after every job, taking it from the caller's own work (a small LSTM call at
      // 2 threads measured 7.3 ms instead of 4.1 ms on the 2-core VM).
      uint64_t g = seen;
      const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(30);
      for (int s = 0; (g = gen_.load(std::memory_order_acquire)) == seen; s++) {
        cpu_relax();
        if ((s & 63) == 63 && std::chrono::steady_clock::now() >= spin_until) break;
      }
      if (g == seen) {
        std::unique_lock<std::mutex> lk(m_);
        cv_.wait(lk, [&] { return gen_.load() != seen; });
        g = gen_.load();
      }
      seen = g;
      if (stop_) return;
      if (id < active_) work();
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex m_, errm_;
  std::condition_variable cv_;
  std::atomic<uint64_t> gen_{0};
  std::atomic<int> next_{0}, pending_{0};
  const TaskRef* fn_ = nullptr;
  int n_ = 0, active_ = 0;
  bool stop_ = false;
  std::exception_ptr error_;
};

std::mutex g_busy;                // held while a parallel_for uses the pool
std::atomic<int> g_threads{0};    // 0 = not yet set: default
thread_local bool t_in_region = false;

Pool& pool() {
  static Pool* p = new Pool();  // leaked on purpose: joining threads from a static destructor at process exit
  return *p;                    // can deadlock with Node's own teardown
}

}  // namespace

int default_num_threads() {
  if (const char* e = std::getenv("LSTM_TS_NUM_THREADS")) {
    char* end = nullptr;
    const long v = std::strtol(e, &end, 10);
    if (end != e && *end == '\0' && v >= 1 && v <= 1024) return static_cast<int>(v);
  }
  const unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(std::min(hc, 1024u));
}

int num_threads() {
  int n = g_threads.load();
  if (n <= 0) {
    n = default_num_threads();
    g_threads.store(n);
  }
  return n;
}

void set_num_threads(int n) { g_threads.store(n >= 1 ? std::min(n, 1024) : default_num_threads()); }

void parallel_for(int n, TaskRef fn) {
  if (n <= 0) return;
  const int nt = num_threads();
  std::unique_lock<std::mutex> lk(g_busy, std::defer_lock);
  if (n == 1 || nt == 1 || t_in_region || !lk.try_lock()) {
    for (int i = 0; i < n; i++) fn(i);
    return;
  }
  t_in_region = true;
  try {
    pool().run(n, nt, fn);
  } catch (...) {
    t_in_region = false;
    throw;
  }
  t_in_region = false;
}

}  // namespace threads
}  // namespace lstmts
