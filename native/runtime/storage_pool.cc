// The storage pool (see storage_pool.h): free lists by size class behind one mutex.
#include "storage_pool.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "memory.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define DN_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define DN_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define DN_POISON(p, n) ((void)(p), (void)(n))
#define DN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace dn {
namespace {

constexpr std::size_t kAlign = 64;
// Free bytes kept by default: enough for the activations and gradients of several steps of a
// mid-sized model; DROPNET_POOL_LIMIT_MB changes it (0 keeps nothing: every block is freed).
constexpr std::int64_t kDefaultLimit = std::int64_t{1} << 30;

struct Pool {
  std::mutex mutex;
  std::unordered_map<std::size_t, std::vector<void*>> free;  // capacity -> blocks
  StorageStats stats;
  Pool() {
    stats.pool_limit = kDefaultLimit;
    if (const char* mb = std::getenv("DROPNET_POOL_LIMIT_MB")) {
      char* end = nullptr;
      const long long v = std::strtoll(mb, &end, 10);
      if (end != mb && *end == '\0' && v >= 0 && v <= (std::int64_t{1} << 40)) stats.pool_limit = v << 20;
    }
  }
};

// Never destroyed: finalizers of ArrayBuffers may run while the process exits.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

std::size_t storage_class(std::size_t bytes) {
  std::size_t cap = (bytes + kAlign - 1) / kAlign * kAlign;
  if (cap <= 8 * kAlign) return cap == 0 ? kAlign : cap;
  // Eight classes per doubling: round up to a multiple of 2^(floor(log2 cap) - 3).
  int top = 63 - __builtin_clzll(static_cast<unsigned long long>(cap));
  const std::size_t step = std::size_t{1} << (top - 3);
  return (cap + step - 1) / step * step;
}

void* storage_acquire(std::size_t bytes, bool zero, std::size_t* capacity) {
  const std::size_t cap = storage_class(bytes);
  *capacity = cap;
  void* block = nullptr;
  {
    Pool& p = pool();
    std::lock_guard<std::mutex> lock(p.mutex);
    auto it = p.free.find(cap);
    if (it != p.free.end() && !it->second.empty()) {
      block = it->second.back();
      it->second.pop_back();
      p.stats.bytes_pooled -= static_cast<std::int64_t>(cap);
      p.stats.blocks_pooled -= 1;
      p.stats.reuses += 1;
      note_kept_bytes(-static_cast<std::int64_t>(cap));
    } else {
      block = std::aligned_alloc(kAlign, cap);
      if (block == nullptr) return nullptr;
      p.stats.fresh_allocations += 1;
      p.stats.fresh_bytes += static_cast<std::int64_t>(cap);
    }
    p.stats.bytes_in_use += static_cast<std::int64_t>(cap);
    p.stats.blocks_in_use += 1;
    p.stats.served_bytes += static_cast<std::int64_t>(cap);
  }
  DN_UNPOISON(block, cap);
  if (zero) std::memset(block, 0, bytes);
  return block;
}

void storage_release(void* block, std::size_t capacity) {
  if (block == nullptr) return;
  Pool& p = pool();
  bool keep = false;
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    p.stats.bytes_in_use -= static_cast<std::int64_t>(capacity);
    p.stats.blocks_in_use -= 1;
    keep = p.stats.bytes_pooled + static_cast<std::int64_t>(capacity) <= p.stats.pool_limit;
    if (keep) {
      DN_POISON(block, capacity);
      p.free[capacity].push_back(block);
      p.stats.bytes_pooled += static_cast<std::int64_t>(capacity);
      p.stats.blocks_pooled += 1;
      note_kept_bytes(static_cast<std::int64_t>(capacity));
    }
  }
  if (!keep) std::free(block);
}

StorageStats storage_stats() {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  return p.stats;
}

std::int64_t storage_trim() {
  Pool& p = pool();
  std::vector<void*> blocks;
  std::int64_t freed = 0;
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    for (auto& [cap, list] : p.free) {
      for (void* b : list) {
        DN_UNPOISON(b, cap);
        blocks.push_back(b);
      }
      list.clear();
    }
    freed = p.stats.bytes_pooled;
    p.stats.bytes_pooled = 0;
    p.stats.blocks_pooled = 0;
    note_kept_bytes(-freed);
  }
  for (void* b : blocks) std::free(b);
  return freed;
}

}  // namespace dn
