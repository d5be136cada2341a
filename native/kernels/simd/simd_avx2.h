// 8 float lanes (AVX2 + FMA): the vector type and the operations the kernels are written with
// (the shared vocabulary is in simd_scalar.h). Include only from files compiled with -mavx2 -mfma.
#pragma once

#if !defined(__AVX2__) || !defined(__FMA__)
#error "simd_avx2.h needs -mavx2 -mfma"
#endif

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace {
namespace simd {

struct Avx2 {
  using V = __m256;
  using I = __m256i;
  using M = __m256;  // true where the lane's sign bit is set (compares give all ones)
  static constexpr std::size_t W = 8;

  static V load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  // Lanes 0 .. n - 1 only (0 < n < W); the others load as +0 and are never touched in memory.
  static I first(std::size_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  // A whole vector takes the plain load and store: vmaskmovps stores are microcoded on AMD cores
  // (several times slower than a store), and kernels call these for every step, not only the tail.
  static V load_n(const float* p, std::size_t n) {
    return n >= W ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, first(n));
  }
  static void store_n(float* p, V v, std::size_t n) {
    if (n >= W)
      _mm256_storeu_ps(p, v);
    else
      _mm256_maskstore_ps(p, first(n), v);
  }
  static V set1(float v) { return _mm256_set1_ps(v); }
  static V zero() { return _mm256_setzero_ps(); }

  static V add(V a, V b) { return _mm256_add_ps(a, b); }
  static V sub(V a, V b) { return _mm256_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static V div(V a, V b) { return _mm256_div_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  static V min(V a, V b) { return _mm256_min_ps(a, b); }
  static V max(V a, V b) { return _mm256_max_ps(a, b); }
  static V abs(V a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  static V round(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static V floor(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }

  static I to_int(V a) { return _mm256_cvtps_epi32(a); }
  static I half(I i) { return _mm256_srai_epi32(i, 1); }
  static I isub(I a, I b) { return _mm256_sub_epi32(a, b); }
  // Two 8-entry permutations, the half picked by bit 3 of the index (shifted into the sign bit).
  static V lookup16(const float* t, I i) {
    const V lo = _mm256_permutevar8x32_ps(_mm256_loadu_ps(t), i);
    const V hi = _mm256_permutevar8x32_ps(_mm256_loadu_ps(t + 8), i);
    return _mm256_blendv_ps(lo, hi, _mm256_castsi256_ps(_mm256_slli_epi32(i, 28)));
  }
  static V pow2(I i) { return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(i, _mm256_set1_epi32(127)), 23)); }
  static void split(V a, V* m, V* e) {
    const __m256i bits = _mm256_castps_si256(a);
    *e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
    *m = _mm256_castsi256_ps(
        _mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(0x7fffff)), _mm256_set1_epi32(0x3f800000)));
  }

  static M lt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static M gt(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
  static M ge(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
  static M eq(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_EQ_OQ); }
  static M isnan(V a) { return _mm256_cmp_ps(a, a, _CMP_UNORD_Q); }
  static M in_range(V a, V lo, V hi) { return _mm256_and_ps(ge(a, lo), _mm256_cmp_ps(a, hi, _CMP_LE_OQ)); }
  static V select(M m, V t, V f) { return _mm256_blendv_ps(f, t, m); }
  static V keep(M m, V v) { return _mm256_blendv_ps(_mm256_setzero_ps(), v, m); }
  // Lane l is true iff bit W * q + l of `bits` is set (each bit moved to its lane's sign).
  static M bit_lanes(std::uint32_t bits, int q) {
    const __m256i base = _mm256_setr_epi32(31, 30, 29, 28, 27, 26, 25, 24);
    return _mm256_castsi256_ps(
        _mm256_sllv_epi32(_mm256_set1_epi32(static_cast<int>(bits)), _mm256_sub_epi32(base, _mm256_set1_epi32(8 * q))));
  }

  // Double halves, for sums kept in double: lanes 0..3 and 4..7 widened; narrow rounds each to float.
  using D = __m256d;
  static D dzero() { return _mm256_setzero_pd(); }
  static D dlo(V a) { return _mm256_cvtps_pd(_mm256_castps256_ps128(a)); }
  static D dhi(V a) { return _mm256_cvtps_pd(_mm256_extractf128_ps(a, 1)); }
  static D dadd(D a, D b) { return _mm256_add_pd(a, b); }
  static V narrow(D lo, D hi) { return _mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo)); }
};

}  // namespace simd
}  // namespace
