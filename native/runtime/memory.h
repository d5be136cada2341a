// Native memory the kernels keep between calls (thread-local scratch buffers), counted so that
// the addon can tell the JavaScript engine what it holds (napi_adjust_external_memory): the
// garbage collector then sees the process's real footprint.
#pragma once

#include <atomic>
#include <cstdint>

namespace dn {

inline std::atomic<std::int64_t> g_kept_bytes{0};

// Adds delta (negative when memory is freed) to the kept-bytes count.
inline void note_kept_bytes(std::int64_t delta) { g_kept_bytes.fetch_add(delta, std::memory_order_relaxed); }
// Bytes kept by all threads now.
inline std::int64_t kept_bytes() { return g_kept_bytes.load(std::memory_order_relaxed); }

}  // namespace dn
