// The CPU kernels' thread pool. Threads default to the machine's cores (std::thread::hardware_concurrency),
// as onnxruntime and PyTorch do; $LSTM_TS_NUM_THREADS overrides the default and set_num_threads() both.
//
// parallel_for hands out task indices; which thread runs which task is not fixed, so callers make every task's
// result independent of that (no task splits a reduction): this is what keeps the kernels bit-identical for every
// thread count. A call made while the pool is busy (another addon call from a worker_thread, or a nested call)
// runs its tasks inline on the calling thread instead of waiting.
#pragma once
#include <memory>
#include <type_traits>

namespace lstmts {
namespace threads {

/// Threads used by parallel_for (≥ 1).
int num_threads();
/// n ≥ 1 sets the count; n ≤ 0 restores the default ($LSTM_TS_NUM_THREADS, else the core count).
void set_num_threads(int n);
/// The default: $LSTM_TS_NUM_THREADS when it is a positive integer, else the core count.
int default_num_threads();

/// A non-owning reference to a callable `void(int task)`. parallel_for returns only when every task has run, so
/// the callable outlives every use; unlike std::function, wrapping a lambda that captures more than two pointers
/// never allocates (a heap allocation per call was measurable in tiny LSTM calls, docs/benchmarks.md "Tiny calls").
class TaskRef {
 public:
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, TaskRef>>>
  TaskRef(F&& f)  // NOLINT(google-explicit-constructor): lambdas convert implicitly, as to std::function
      : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* o, int i) { (*static_cast<std::remove_reference_t<F>*>(o))(i); }) {}
  void operator()(int i) const { call_(obj_, i); }

 private:
  void* obj_;
  void (*call_)(void*, int);
};

/// Runs fn(i) for every i in [0, n) on up to num_threads() threads (the caller is one of them) and returns
/// when all are done. An exception thrown by a task is rethrown here (the first one).
void parallel_for(int n, TaskRef fn);

}  // namespace threads
}  // namespace lstmts
