// Tensor storage from the pool (runtime/storage_pool.h), handed to JavaScript as Float32Arrays
// over external ArrayBuffers. The finalizer gives the block back; Node runs it once V8 has let go
// of the buffer's backing store (no array, view or copy of the handle is left), and such buffers
// cannot be transferred to another thread, so a block is never reused while JavaScript can
// still reach it. A block handed out is reported to the engine (napi_adjust_external_memory)
// until its finalizer runs; the free blocks the pool keeps are reported as kept native memory
// (memory.h), which module.cc passes on to the engine.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
#include <malloc.h>
#endif

#include "../runtime/storage_pool.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {

namespace {

// The largest pooled array: 2^31 elements (8 GiB); the library allocates larger ones itself.
constexpr double kMaxPooledElements = 2147483648.0;

void release_block(napi_env env, void* data, void* hint) {
  const auto capacity = static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(hint));
  int64_t adjusted = 0;
  napi_adjust_external_memory(env, -static_cast<int64_t>(capacity), &adjusted);
  dn::storage_release(data, capacity);
}

// glibc's malloc, under every ArrayBuffer below the pool's floor: arrays under 32 MiB come from
// its heap, which it keeps, instead of a fresh mapping each (its default threshold adapts upward
// only after a large block is freed, and its trim threshold follows at twice that, so a heap
// that shrinks by a few MB between collections is handed back and faulted in again: the CNN
// step of the train bench took 45-97 minor faults per step so, 12-14 with these settings). 32 MiB
// matches the pool's floor (lib/backend/storage.ts); up to 128 MiB of free heap top is kept.
// Settings the user gave glibc (GLIBC_TUNABLES, MALLOC_*_ variables) are left alone, and so is
// everything under DROPNET_POOL=0, which measures plain allocation.
constexpr int kMmapThreshold = 32 << 20;
constexpr int kTrimThreshold = 128 << 20;

[[maybe_unused]] bool leave_malloc_alone() {
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) return true;
  const char* pool = std::getenv("DROPNET_POOL");
  if (pool != nullptr && std::strcmp(pool, "0") == 0) return true;
  return std::getenv("MALLOC_MMAP_THRESHOLD_") != nullptr || std::getenv("MALLOC_TRIM_THRESHOLD_") != nullptr;
}

struct MallocSettings {
  MallocSettings() {
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__)
    if (leave_malloc_alone()) return;
    mallopt(M_MMAP_THRESHOLD, kMmapThreshold);
    mallopt(M_TRIM_THRESHOLD, kTrimThreshold);
#endif
  }
};
const MallocSettings malloc_settings;

void set_number(Napi::Object& o, const char* key, std::int64_t v) {
  o.Set(key, Napi::Number::New(o.Env(), static_cast<double>(v)));
}

}  // namespace

// allocFloat32(n, zero): a Float32Array of n elements on a pooled block; zero-filled when zero is
// true, its contents unspecified otherwise (the caller writes every element).
Napi::Value AllocFloat32(const Napi::CallbackInfo& info) {
  expect_args(info, 2, "allocFloat32(n, zero)");
  const std::size_t n = size_arg(info, 0, "n", kMaxPooledElements);
  const bool zero = bool_arg(info, 1, "zero");
  Napi::Env env = info.Env();
  std::size_t capacity = 0;
  void* block = dn::storage_acquire(n * sizeof(float), zero, &capacity);
  if (block == nullptr) throw std::bad_alloc();
  napi_value buffer = nullptr;
  const napi_status made =
      napi_create_external_arraybuffer(env, block, n * sizeof(float), release_block,
                                       reinterpret_cast<void*>(static_cast<std::uintptr_t>(capacity)), &buffer);
  if (made != napi_ok) {
    // The runtime refuses external memory (V8's sandbox): the library falls back to plain arrays.
    dn::storage_release(block, capacity);
    napi_value pending = nullptr;
    napi_get_and_clear_last_exception(env, &pending);
    throw Napi::Error::New(env, "allocFloat32: this runtime does not allow external ArrayBuffers");
  }
  // Told to the engine on top of its own count of ArrayBuffer bytes: memory pressure then starts
  // a collection after half the garbage, and dead blocks come back to the pool sooner.
  int64_t adjusted = 0;
  napi_adjust_external_memory(env, static_cast<int64_t>(capacity), &adjusted);
  napi_value array = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_create_typedarray(env, napi_float32_array, n, buffer, 0, &array), Napi::Value());
  return Napi::Value(env, array);
}

// storageStats(): the pool's counters (bytes and blocks in use and kept, fresh allocations, reuses).
Napi::Value StorageStats(const Napi::CallbackInfo& info) {
  expect_args(info, 0, "storageStats()");
  const dn::StorageStats s = dn::storage_stats();
  Napi::Object o = Napi::Object::New(info.Env());
  set_number(o, "bytesInUse", s.bytes_in_use);
  set_number(o, "blocksInUse", s.blocks_in_use);
  set_number(o, "bytesPooled", s.bytes_pooled);
  set_number(o, "blocksPooled", s.blocks_pooled);
  set_number(o, "freshAllocations", s.fresh_allocations);
  set_number(o, "freshBytes", s.fresh_bytes);
  set_number(o, "reuses", s.reuses);
  set_number(o, "servedBytes", s.served_bytes);
  set_number(o, "poolLimit", s.pool_limit);
  return o;
}

// storageTrim(): frees every block the pool keeps; returns the bytes freed.
Napi::Value StorageTrim(const Napi::CallbackInfo& info) {
  expect_args(info, 0, "storageTrim()");
  return Napi::Number::New(info.Env(), static_cast<double>(dn::storage_trim()));
}

}  // namespace dn::addon
