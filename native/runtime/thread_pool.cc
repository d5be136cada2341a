#include "thread_pool.h"

#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <exception>
#include <system_error>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace dn {
namespace {

struct Job {
  TaskFn fn = nullptr;
  void* ctx = nullptr;
  std::size_t ntasks = 0;
  std::atomic<std::size_t> next{0};
  // The first exception a task threw (std::bad_alloc from a scratch buffer, say): the
  // remaining tasks are skipped, and the caller rethrows it once every thread has finished.
  std::mutex error_mutex;
  std::exception_ptr error;
};

void run_tasks(Job* job) {
  for (;;) {
    const std::size_t t = job->next.fetch_add(1, std::memory_order_relaxed);
    if (t >= job->ntasks) return;
    try {
      job->fn(job->ctx, t);
    } catch (...) {
      {
        std::lock_guard<std::mutex> lk(job->error_mutex);
        if (!job->error) job->error = std::current_exception();
      }
      job->next.store(job->ntasks, std::memory_order_relaxed);  // no new tasks start
    }
  }
}

// Set while a thread is executing pool tasks: a nested parallel_for then runs inline.
thread_local bool t_in_pool_task = false;

class Pool {
 public:
  ~Pool() { stop_workers(); }

  // Lock-free: tasks may ask while a job holds submit_mutex_.
  int size() const { return threads_.load(std::memory_order_relaxed); }

  void resize(int n) {
    std::lock_guard<std::mutex> submit(submit_mutex_);
    if (n == threads_) return;
    stop_workers();
    threads_.store(n, std::memory_order_relaxed);  // workers start lazily, on the next parallel call
  }

  void run(std::size_t ntasks, TaskFn fn, void* ctx) {
    std::unique_lock<std::mutex> submit(submit_mutex_, std::try_to_lock);
    if (!submit.owns_lock() || t_in_pool_task || threads_ <= 1 || ntasks <= 1) {
      if (submit.owns_lock()) submit.unlock();
      run_inline(ntasks, fn, ctx);
      return;
    }
    start_workers();
    Job job;
    job.fn = fn;
    job.ctx = ctx;
    job.ntasks = ntasks;
    {
      std::lock_guard<std::mutex> lk(mutex_);
      job_ = &job;
      busy_ = static_cast<int>(workers_.size());
      generation_.fetch_add(1, std::memory_order_release);
    }
    work_cv_.notify_all();
    t_in_pool_task = true;
    run_tasks(&job);
    t_in_pool_task = false;
    {
      std::unique_lock<std::mutex> lk(mutex_);
      done_cv_.wait(lk, [&] { return busy_ == 0; });
      job_ = nullptr;
    }
    // Every worker is done with the job: its exception (if any) goes to the caller.
    if (job.error) std::rethrow_exception(job.error);
  }

 private:
  static void run_inline(std::size_t ntasks, TaskFn fn, void* ctx) {
    for (std::size_t t = 0; t < ntasks; ++t) fn(ctx, t);
  }

  void start_workers() {
    if (!workers_.empty() || threads_ <= 1) return;
    stopping_ = false;
    const std::uint64_t gen = generation_.load(std::memory_order_acquire);
    const int n = threads_.load(std::memory_order_relaxed);
    for (int i = 1; i < n; ++i) {
      // A thread the system refuses (no memory, a process limit) leaves a smaller pool: jobs
      // then run on the threads there are, with the same results.
      try {
        workers_.emplace_back([this, gen] { worker_loop(gen); });
      } catch (const std::system_error&) {
        break;
      }
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lk(mutex_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  void worker_loop(std::uint64_t seen) {
    t_in_pool_task = true;
    for (;;) {
      // Spin briefly before sleeping: back-to-back kernel calls then skip a futex wake-up.
      for (int spin = 0; spin < 20000; ++spin) {
        if (generation_.load(std::memory_order_acquire) != seen) break;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
      }
      Job* job;
      {
        std::unique_lock<std::mutex> lk(mutex_);
        work_cv_.wait(lk, [&] { return stopping_ || generation_.load(std::memory_order_acquire) != seen; });
        if (stopping_) return;
        seen = generation_.load(std::memory_order_acquire);
        job = job_;
      }
      run_tasks(job);
      {
        std::lock_guard<std::mutex> lk(mutex_);
        if (--busy_ == 0) done_cv_.notify_one();
      }
    }
  }

  std::mutex submit_mutex_;  // one parallel job at a time; held for its whole duration
  std::mutex mutex_;         // guards job_, busy_, stopping_
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::vector<std::thread> workers_;
  std::atomic<std::uint64_t> generation_{0};
  Job* job_ = nullptr;
  int busy_ = 0;
  bool stopping_ = false;
  std::atomic<int> threads_{hardware_threads()};
};

Pool& pool() {
  // Leaked on purpose: joining threads from a static destructor at process exit can hang
  // when the runtime has already torn down other threads.
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

int hardware_threads() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
#endif
  const unsigned n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

int num_threads() { return pool().size(); }

void set_num_threads(int n) {
  if (n < 1) n = 1;
  if (n > kMaxThreads) n = kMaxThreads;
  pool().resize(n);
}

void parallel_for(std::size_t ntasks, TaskFn fn, void* ctx) {
  if (ntasks == 0) return;
  pool().run(ntasks, fn, ctx);
}

}  // namespace dn
