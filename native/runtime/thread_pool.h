// One process-wide pool of kernel threads.
//
// parallel_for(ntasks, fn, ctx) runs fn(ctx, t) once for every t in [0, ntasks), spread over the
// pool's threads plus the calling thread, and returns when all have finished. Which thread runs
// which task is not fixed, so kernels must make each task's result independent of the thread
// that runs it (partition the output, never split a reduction by thread): results are then the
// same for any thread count.
//
// A task that throws stops the job: tasks not yet started are skipped, parallel_for waits for
// every thread to finish, then rethrows the first exception on the calling thread.
//
// Thread safety: any thread may call parallel_for. If the pool is already busy (another JS
// worker_thread, or a nested call from inside a task), the call runs its tasks inline on the
// calling thread instead of waiting: same results, no deadlock.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace dn {

// Threads kernels may use, the caller included (>= 1). Defaults to the CPUs this process may run on.
int num_threads();
// Resizes the pool (n >= 1; larger values are clamped to kMaxThreads). Safe between kernel calls.
void set_num_threads(int n);
// CPUs this process may run on (affinity mask), at least 1.
int hardware_threads();

constexpr int kMaxThreads = 256;

using TaskFn = void (*)(void* ctx, std::size_t task);
void parallel_for(std::size_t ntasks, TaskFn fn, void* ctx);

// Convenience: f(task) for each task.
template <class F>
void parallel_for(std::size_t ntasks, F&& f) {
  using Fn = std::remove_reference_t<F>;
  auto thunk = [](void* ctx, std::size_t t) { (*static_cast<Fn*>(ctx))(t); };
  parallel_for(ntasks, static_cast<TaskFn>(thunk), const_cast<void*>(static_cast<const void*>(&f)));
}

// Splits [0, n) into at most num_threads() contiguous ranges of at least `grain` elements
// (aligned to `align` elements) and calls f(begin, end) for each. One range runs inline.
template <class F>
void parallel_range(std::size_t n, std::size_t grain, std::size_t align, F&& f) {
  if (n == 0) return;
  if (grain < 1) grain = 1;
  if (align < 1) align = 1;
  std::size_t parts = n / grain;
  const std::size_t threads = static_cast<std::size_t>(num_threads());
  if (parts > threads) parts = threads;
  if (parts <= 1) {
    f(std::size_t{0}, n);
    return;
  }
  std::size_t chunk = (n + parts - 1) / parts;
  chunk = (chunk + align - 1) / align * align;
  parts = (n + chunk - 1) / chunk;
  parallel_for(parts, [&](std::size_t t) {
    const std::size_t begin = t * chunk;
    const std::size_t end = begin + chunk < n ? begin + chunk : n;
    f(begin, end);
  });
}

}  // namespace dn
