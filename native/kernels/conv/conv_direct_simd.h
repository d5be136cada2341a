// The vector operations the direct convolution kernels (conv_direct_kernels.h) are written in:
// one traits type per ISA, each visible only in a translation unit compiled for that ISA.
//   V          a vector of kLanes floats; M a lane mask
//   kVecs      vectors per step of 16 output columns (kLanes * kVecs == 16)
//   kChans     output channels the forward kernel holds in registers at once (kChans * kVecs
//              accumulators, plus the step's kVecs inputs and one broadcast weight)
//   kWTaps, kWChans   taps and channels the weight-gradient kernel holds at once
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace dn::conv::simd {

// Lanes [lo, hi) of a vector, 0 <= lo <= hi <= kLanes.
#if defined(__AVX512F__)
struct Avx512 {
  using V = __m512;
  using M = __mmask16;
  static constexpr std::size_t kLanes = 16, kVecs = 1, kChans = 16, kWTaps = 4, kWChans = 4;
  static V zero() { return _mm512_setzero_ps(); }
  static V set1(float v) { return _mm512_set1_ps(v); }
  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static M lanes(long long lo, long long hi) { return static_cast<M>(((1u << hi) - 1u) & ~((1u << lo) - 1u)); }
  static M none() { return 0; }
  static V maskz_load(M m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  static void mask_store(float* p, M m, V v) { _mm512_mask_storeu_ps(p, m, v); }
};
#elif defined(__AVX2__) && defined(__FMA__)
struct Avx2 {
  using V = __m256;
  using M = __m256i;
  static constexpr std::size_t kLanes = 8, kVecs = 2, kChans = 6, kWTaps = 3, kWChans = 2;
  static V zero() { return _mm256_setzero_ps(); }
  static V set1(float v) { return _mm256_set1_ps(v); }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static M lanes(long long lo, long long hi) {
    const __m256i i = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i above_lo = _mm256_cmpgt_epi32(i, _mm256_set1_epi32(static_cast<int>(lo) - 1));
    return _mm256_and_si256(above_lo, _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(hi)), i));
  }
  static M none() { return _mm256_setzero_si256(); }
  // Masked-off lanes are not read (vmaskmovps does not fault on them).
  static V maskz_load(M m, const float* p) { return _mm256_maskload_ps(p, m); }
  static void mask_store(float* p, M m, V v) { _mm256_maskstore_ps(p, m, v); }
};
#endif

}  // namespace dn::conv::simd
