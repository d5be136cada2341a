// The FMA-peak loop of fma_peak.h written once over an ISA traits type S (native/kernels/simd/)
// with N accumulators; DN_DEFINE_FMA_PEAK(isa, S, N) emits the pair of extern "C" functions.
#pragma once

#include <cstddef>

namespace {

template <class S, int N>
float fma_peak(std::size_t iters, float seed) {
  const auto a = S::set1(0.999999f), b = S::set1(1e-7f);
  typename S::V c[N];
  c[0] = S::set1(seed);
  for (int j = 1; j < N; ++j) c[j] = S::add(c[j - 1], b);
  for (std::size_t i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < N; ++j) c[j] = S::fma(c[j], a, b);
  }
  for (int j = 1; j < N; ++j) c[0] = S::add(c[0], c[j]);
  float lanes[S::W];
  S::store(lanes, c[0]);
  float s = 0.0f;
  for (std::size_t l = 0; l < S::W; ++l) s += lanes[l];
  return s;
}

}  // namespace

#define DN_DEFINE_FMA_PEAK(isa, S, N)                                                                        \
  extern "C" {                                                                                               \
  float dn_fma_peak__##isa(std::size_t iters, float seed) { return fma_peak<S, N>(iters, seed); }            \
  double dn_fma_peak_flops__##isa(std::size_t iters) { return 2.0 * S::W * N * static_cast<double>(iters); } \
  }
