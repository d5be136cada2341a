/* The vector operations the stride-2 Winograd transforms on tiles of 4x4 outputs
 * (winograd_stride2_f4_kernels.h) are written in: one traits type per ISA, each visible only in
 * a translation unit compiled for that ISA, everything in an unnamed namespace (no code shared
 * between differently-flagged units).
 *   V       W tiles' values side by side (+ and - act lane by lane: float or a GCC vector type)
 *   Mask    which lanes of an access are touched; mask(cs, lo, hi): the lanes l whose column
 *           cs + l lies in [lo, hi). load gives 0 in the others and never reads them (the
 *           address may lie outside the buffer there); store leaves them alone.
 *   split8  from the 8 vectors l holding columns 0 .. 8W - 1 of W tiles of 8 columns (tile k at
 *           columns 8k ..) and `next` (column 8W in lane 0): x[c] = column c of every tile, c < 9.
 *   store_row4  the inverse for the outputs: y[c] holds output column c of W tiles; writes
 *           columns 0 .. 4W - 1 (tile k at 4k ..) as W-float accesses u masked by sm[u].
 * AVX2 and AVX-512 both take 8 tiles a vector: a row of 4x4 tiles is short (7 tiles for 28
 * outputs), so 16-tile vectors would mostly carry empty lanes; AVX-512 masks with k-registers,
 * AVX2 with vmaskmov (slow for stores on some processors, so whole vectors go without it). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace {
namespace wino_f4 {

/* One tile at a time. */
struct Scalar {
  using V = float;
  using Mask = bool;
  static constexpr size_t W = 1;
  static Mask mask(long long cs, long long lo, long long hi) { return cs >= lo && cs < hi; }
  static V load(const float* p, Mask m) { return m ? *p : 0.0f; }
  static void store(float* p, Mask m, V v) {
    if (m) *p = v;
  }
  static V set1(float v) { return v; }
  static V zero() { return 0.0f; }
  static void prefetch(const void*) {}
  static void split8(const V* l, V next, V* x) {
    for (int c = 0; c < 8; ++c) x[c] = l[c];
    x[8] = next;
  }
  static void store_row4(float* dst, const Mask* sm, const V* y) {
    for (int c = 0; c < 4; ++c) store(dst + c, sm[c], y[c]);
  }
};

#if defined(__AVX2__)
/* 8 tiles a vector: what AVX2 and AVX-512 share (Lanes gives mask, load and store). */
template <class Lanes>
struct Vec8 : Lanes {
  using V = __m256;
  using Mask = typename Lanes::Mask;
  static constexpr size_t W = 8;
  static V set1(float v) { return _mm256_set1_ps(v); }
  static V zero() { return _mm256_setzero_ps(); }
  static void prefetch(const void* p) { _mm_prefetch((const char*)p, _MM_HINT_T0); }
  /* An 8x8 transpose, then column 8k + 8 from column 8k of the next tile and lane 0 of next. */
  static void split8(const V* l, V next, V* x) {
    V t[8], s[8];
    for (int j = 0; j < 4; ++j) {
      t[2 * j] = _mm256_unpacklo_ps(l[2 * j], l[2 * j + 1]);
      t[2 * j + 1] = _mm256_unpackhi_ps(l[2 * j], l[2 * j + 1]);
    }
    for (int j = 0; j < 2; ++j) {
      s[4 * j + 0] = _mm256_shuffle_ps(t[4 * j], t[4 * j + 2], 0x44);
      s[4 * j + 1] = _mm256_shuffle_ps(t[4 * j], t[4 * j + 2], 0xEE);
      s[4 * j + 2] = _mm256_shuffle_ps(t[4 * j + 1], t[4 * j + 3], 0x44);
      s[4 * j + 3] = _mm256_shuffle_ps(t[4 * j + 1], t[4 * j + 3], 0xEE);
    }
    for (int c = 0; c < 4; ++c) {
      x[c] = _mm256_permute2f128_ps(s[c], s[4 + c], 0x20);
      x[c + 4] = _mm256_permute2f128_ps(s[c], s[4 + c], 0x31);
    }
    const V up = _mm256_permutevar8x32_ps(x[0], _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 7));
    x[8] = _mm256_blend_ps(up, _mm256_permutevar8x32_ps(next, _mm256_setzero_si256()), 0x80);
  }
  /* A 4x8 to 8x4 transpose: tiles 0 1 | 4 5, then 2 3 | 6 7. */
  static void store_row4(float* dst, const Mask* sm, const V* y) {
    const V a = _mm256_unpacklo_ps(y[0], y[1]), b = _mm256_unpackhi_ps(y[0], y[1]);
    const V e = _mm256_unpacklo_ps(y[2], y[3]), f = _mm256_unpackhi_ps(y[2], y[3]);
    const V t0 = _mm256_shuffle_ps(a, e, 0x44), t1 = _mm256_shuffle_ps(a, e, 0xEE);
    const V t2 = _mm256_shuffle_ps(b, f, 0x44), t3 = _mm256_shuffle_ps(b, f, 0xEE);
    Lanes::store(dst, sm[0], _mm256_permute2f128_ps(t0, t1, 0x20));
    Lanes::store(dst + 8, sm[1], _mm256_permute2f128_ps(t2, t3, 0x20));
    Lanes::store(dst + 16, sm[2], _mm256_permute2f128_ps(t0, t1, 0x31));
    Lanes::store(dst + 24, sm[3], _mm256_permute2f128_ps(t2, t3, 0x31));
  }
};

/* Lanes [a, b) of an 8-float access at column cs, clamped to the vector. */
inline void lane_range(long long cs, long long lo, long long hi, long long* a, long long* b) {
  *a = lo - cs, *b = hi - cs;
  if (*a < 0) *a = 0;
  if (*b > 8) *b = 8;
  if (*b < *a) *b = *a;
}
#endif

#if defined(__AVX512F__)
struct Avx512Lanes {
  using Mask = __mmask8;
  static Mask mask(long long cs, long long lo, long long hi) {
    long long a, b;
    lane_range(cs, lo, hi, &a, &b);
    return (__mmask8)(((1u << b) - 1u) & ~((1u << a) - 1u));
  }
  static __m256 load(const float* p, Mask m) { return _mm256_maskz_loadu_ps(m, p); }
  static void store(float* p, Mask m, __m256 v) { _mm256_mask_storeu_ps(p, m, v); }
};
using Avx512 = Vec8<Avx512Lanes>;
#elif defined(__AVX2__)
struct Avx2Lanes {
  struct Mask {
    __m256i bits;
    int all;
  };
  static Mask mask(long long cs, long long lo, long long hi) {
    long long a, b;
    lane_range(cs, lo, hi, &a, &b);
    const __m256i l = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i ge = _mm256_cmpgt_epi32(l, _mm256_set1_epi32((int)a - 1));
    const __m256i lt = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)b), l);
    return Mask{_mm256_and_si256(ge, lt), a == 0 && b == 8};
  }
  static __m256 load(const float* p, const Mask& m) {
    return m.all ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m.bits);
  }
  static void store(float* p, const Mask& m, __m256 v) {
    if (m.all) {
      _mm256_storeu_ps(p, v);
    } else {
      _mm256_maskstore_ps(p, m.bits, v);
    }
  }
};
using Avx2 = Vec8<Avx2Lanes>;
#endif

}  // namespace wino_f4
}  // namespace
