// Per-thread scratch buffers of the convolution kernels (im2col columns, Winograd panels and
// products, a run's rows): one per slot, grown as needed and kept for the next call, so
// repeated calls of the same size do not allocate. Slots used at the same time must differ.
//
// What is kept is bounded: a buffer above kKeepFloats is freed by ScratchTrim at the end of the
// call on the calling thread, and on pool threads the next time that slot is asked for less.
// Every buffer is counted in kept_bytes() (runtime/memory.h), which the addon reports to the
// JavaScript engine. May throw std::bad_alloc (the pool carries it to the caller).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "../../runtime/memory.h"

namespace dn::conv {

enum class Scratch : int { cols = 0, panels, products, run, weights, count };

// The most floats a slot keeps between calls (4 MiB).
constexpr std::size_t kKeepFloats = std::size_t{1} << 20;

namespace detail {

struct ScratchSet {
  std::vector<float> bufs[static_cast<int>(Scratch::count)];
  ~ScratchSet() {
    for (auto& b : bufs) set(b, 0);
  }
  // Replaces b by a buffer of `floats` (freeing the old one first, so the peak is the larger).
  static void set(std::vector<float>& b, std::size_t floats) {
    const auto before = static_cast<std::int64_t>(b.capacity() * sizeof(float));
    std::vector<float>().swap(b);
    if (floats > 0) b.resize(floats);
    note_kept_bytes(static_cast<std::int64_t>(b.capacity() * sizeof(float)) - before);
  }
};

inline ScratchSet& scratch_set() {
  thread_local ScratchSet set;
  return set;
}

}  // namespace detail

inline float* scratch(Scratch slot, std::size_t floats) {
  std::vector<float>& b = detail::scratch_set().bufs[static_cast<int>(slot)];
  if (b.size() < floats || (b.size() > kKeepFloats && floats <= kKeepFloats)) detail::ScratchSet::set(b, floats);
  return b.data();
}

// Frees this thread's buffers above kKeepFloats.
inline void trim_scratch() {
  for (auto& b : detail::scratch_set().bufs)
    if (b.size() > kKeepFloats) detail::ScratchSet::set(b, 0);
}

// Trims this thread's scratch when it goes out of scope (exceptions included).
struct ScratchTrim {
  ScratchTrim() = default;
  ScratchTrim(const ScratchTrim&) = delete;
  ScratchTrim& operator=(const ScratchTrim&) = delete;
  ~ScratchTrim() { trim_scratch(); }
};

}  // namespace dn::conv
