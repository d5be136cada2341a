// Per-thread scratch buffers of the convolution kernels (im2col columns, Winograd panels and
// products, a run's rows): one per slot, grown as needed and kept for the next call, so
// repeated calls of the same size do not allocate. Slots used at the same time must differ.
// May throw std::bad_alloc.
#pragma once

#include <cstddef>
#include <vector>

namespace dn::conv {

enum class Scratch : int { cols = 0, panels, products, run, weights, count };

inline float* scratch(Scratch slot, std::size_t floats) {
  thread_local std::vector<float> bufs[static_cast<int>(Scratch::count)];
  std::vector<float>& b = bufs[static_cast<int>(slot)];
  if (b.size() < floats) b.resize(floats);
  return b.data();
}

}  // namespace dn::conv
