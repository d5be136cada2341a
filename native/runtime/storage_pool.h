// The storage pool: 64-byte-aligned blocks for tensor data, kept after use and handed out again
// for a request of the same size class, so that a training step in its steady state touches no
// page the process has not touched before (a fresh page costs a fault on every first touch).
//
// One pool for the process, guarded by a mutex: blocks cross environments (a worker_thread may
// free what it took while the main thread allocates), and one lock per tensor-sized allocation
// is cheap next to the work on the tensor. No N-API here: the binding wraps blocks as external
// ArrayBuffers and gives them back from the buffer's finalizer.
//
// Under AddressSanitizer a block waiting in the pool is poisoned, so a read or write through a
// stale pointer is reported (use-after-poison) instead of hidden by the reuse.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dn {

struct StorageStats {
  std::int64_t bytes_in_use = 0;  // capacity of the blocks handed out and not yet returned
  std::int64_t blocks_in_use = 0;
  std::int64_t bytes_pooled = 0;  // capacity of the free blocks kept for reuse
  std::int64_t blocks_pooled = 0;
  std::int64_t fresh_allocations = 0;  // blocks obtained from the system since the process began
  std::int64_t fresh_bytes = 0;
  std::int64_t reuses = 0;        // requests served from the pool
  std::int64_t served_bytes = 0;  // capacity of every block handed out, fresh or reused
  std::int64_t pool_limit = 0;    // the most free bytes the pool keeps
};

// The capacity a request of `bytes` gets: the size class (at most 1/8 over the request; a
// multiple of 64 bytes).
std::size_t storage_class(std::size_t bytes);

// A block of storage_class(bytes) bytes, aligned to 64; zero-filled when `zero` is true, its
// contents unspecified otherwise. nullptr when the system has no memory. `*capacity` receives
// the capacity, which storage_release needs back.
void* storage_acquire(std::size_t bytes, bool zero, std::size_t* capacity);

// Gives a block back: it is kept for reuse, or freed when the pool already keeps its limit.
void storage_release(void* block, std::size_t capacity);

StorageStats storage_stats();

// Frees every kept block; returns the bytes freed.
std::int64_t storage_trim();

}  // namespace dn
