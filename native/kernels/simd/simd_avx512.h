// 16 float lanes (AVX-512F/BW/DQ/VL): the vector type and the operations the kernels are written
// with (the shared vocabulary is in simd_scalar.h). Include only from files compiled with the
// avx512 group's flags.
#pragma once

#if !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512DQ__) || !defined(__AVX512VL__)
#error "simd_avx512.h needs -mavx512f -mavx512bw -mavx512dq -mavx512vl"
#endif

// GCC 12 reports the intrinsics' own _mm512_undefined_* pass-through operands as uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

namespace {
namespace simd {

struct Avx512 {
  using V = __m512;
  using I = __m512i;
  using M = __mmask16;
  static constexpr std::size_t W = 16;

  static V load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static __mmask16 first(std::size_t n) { return static_cast<__mmask16>((1u << n) - 1u); }
  static V load_n(const float* p, std::size_t n) { return _mm512_maskz_loadu_ps(first(n), p); }
  static void store_n(float* p, V v, std::size_t n) { _mm512_mask_storeu_ps(p, first(n), v); }
  static V set1(float v) { return _mm512_set1_ps(v); }
  static V zero() { return _mm512_setzero_ps(); }

  static V add(V a, V b) { return _mm512_add_ps(a, b); }
  static V sub(V a, V b) { return _mm512_sub_ps(a, b); }
  static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static V div(V a, V b) { return _mm512_div_ps(a, b); }
  static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  static V min(V a, V b) { return _mm512_min_ps(a, b); }
  static V max(V a, V b) { return _mm512_max_ps(a, b); }
  static V abs(V a) { return _mm512_abs_ps(a); }
  static V round(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static V floor(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }

  static I to_int(V a) { return _mm512_cvtps_epi32(a); }
  static I half(I i) { return _mm512_srai_epi32(i, 1); }
  static I isub(I a, I b) { return _mm512_sub_epi32(a, b); }
  static V lookup16(const float* t, I i) { return _mm512_permutexvar_ps(i, _mm512_loadu_ps(t)); }
  static V pow2(I i) { return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(i, _mm512_set1_epi32(127)), 23)); }
  static void split(V a, V* m, V* e) {
    const __m512i bits = _mm512_castps_si512(a);
    *e = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_srli_epi32(bits, 23), _mm512_set1_epi32(127)));
    *m = _mm512_castsi512_ps(
        _mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi32(0x7fffff)), _mm512_set1_epi32(0x3f800000)));
  }

  static M lt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static M gt(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
  static M ge(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
  static M eq(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ); }
  static M isnan(V a) { return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q); }
  static M in_range(V a, V lo, V hi) {
    return static_cast<M>(_mm512_cmp_ps_mask(a, lo, _CMP_GE_OQ) & _mm512_cmp_ps_mask(a, hi, _CMP_LE_OQ));
  }
  static V select(M m, V t, V f) { return _mm512_mask_blend_ps(m, f, t); }
  static V keep(M m, V v) { return _mm512_maskz_mov_ps(m, v); }
  static M bit_lanes(std::uint32_t bits, int q) { return static_cast<M>(bits >> (16 * q)); }

  // Double halves, for sums kept in double: lanes 0..7 and 8..15 widened; narrow rounds each to float.
  using D = __m512d;
  static D dzero() { return _mm512_setzero_pd(); }
  static D dlo(V a) { return _mm512_cvtps_pd(_mm512_castps512_ps256(a)); }
  static D dhi(V a) { return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1))); }
  static D dadd(D a, D b) { return _mm512_add_pd(a, b); }
  static V narrow(D lo, D hi) {
    return _mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(lo)), _mm512_cvtpd_ps(hi), 1);
  }
};

}  // namespace simd
}  // namespace
