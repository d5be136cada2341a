/* The vector operations the stride-2 Winograd transforms on 2x2-output tiles
 * (winograd_stride2_kernels.h, winograd_stride2_backward_kernels.h) are written in: one traits
 * type per ISA, each visible only in a translation unit compiled for that ISA, everything in an
 * unnamed namespace (no code shared between differently-flagged units).
 *   V, W      W tiles' values side by side (+ and - act lane by lane: float or a vector type)
 *   kMasked   whether edge tiles go through masked accesses (all channels of a group of W
 *             tiles before the next group); else whole groups only, edge tiles one at a time
 *   Mask, tiles(n), load(p, m), store(p, m, v)  the first n lanes of a W-float access
 *   Cols, cols(c0, lo, hi)  the 16-column accesses u = 0..4 from column c0 limited to
 *             [lo, hi) (nothing when unmasked); the row addresses r below are column c0's
 *   split4(r, cm, x)  x[c] = column 4k + c of tile k (tiles 4 columns apart), c < 5
 *   split2(r, cm, x)  x[c] = column 2k + c of tile k (tiles 2 columns apart), c < 3
 *   Pairs, pairs(c), store_pairs(d, pm, a, b)  d[2k] = a_k, d[2k + 1] = b_k, c floats written
 *   store_row4(d, cm, x)  d[4k + c] = x[c]_k for c < 4, the columns cm allows
 * AVX-512 takes 16 tiles a vector (masked at the plane's edges), AVX2 8. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace {
namespace wino_s2 {

/* One tile at a time. */
struct Scalar {
  using V = float;
  using Mask = bool;
  struct Cols {};
  struct Pairs {};
  static constexpr size_t W = 1;
  static constexpr bool kMasked = false;
  static Mask tiles(size_t) { return true; }
  static V load(const float* p, Mask) { return *p; }
  static void store(float* p, Mask, V v) { *p = v; }
  static V set1(float v) { return v; }
  static Cols cols(long long, long long, long long) { return Cols{}; }
  static void split4(const float* r, const Cols&, V* x) {
    for (int c = 0; c < 5; ++c) x[c] = r[c];
  }
  static void split2(const float* r, const Cols&, V* x) {
    for (int c = 0; c < 3; ++c) x[c] = r[c];
  }
  static Pairs pairs(size_t) { return Pairs{}; }
  static void store_pairs(float* d, const Pairs&, V a, V b) {
    d[0] = a;
    d[1] = b;
  }
  static void store_row4(float* d, const Cols&, const V* x) {
    for (int c = 0; c < 4; ++c) d[c] = x[c];
  }
};

#if defined(__AVX512F__)
struct Avx512 {
  using V = __m512;
  using Mask = __mmask16;
  struct Cols {
    __mmask16 m[5];
  };
  struct Pairs {
    __mmask16 s0, s1;
  };
  static constexpr size_t W = 16;
  static constexpr bool kMasked = true;
  static Mask tiles(size_t n) { return (__mmask16)(n >= 16 ? 0xFFFFu : (1u << n) - 1u); }
  static V load(const float* p, Mask m) { return _mm512_maskz_loadu_ps(m, p); }
  static void store(float* p, Mask m, V v) { _mm512_mask_storeu_ps(p, m, v); }
  static V set1(float v) { return _mm512_set1_ps(v); }
  /* Lanes l of a 16-float load from column cs whose column cs + l lies in [lo, hi). */
  static __mmask16 mask(long long cs, long long lo, long long hi) {
    long long a = lo - cs, b = hi - cs;
    if (a < 0) a = 0;
    if (b > 16) b = 16;
    if (b <= a) return 0;
    const uint32_t upto = b >= 16 ? 0xFFFFu : (1u << b) - 1u;
    return (__mmask16)(upto & ~((1u << a) - 1u));
  }
  static Cols cols(long long c0, long long lo, long long hi) {
    Cols cm;
    for (int u = 0; u < 5; ++u) cm.m[u] = mask(c0 + 16 * (long long)u, lo, hi);
    return cm;
  }
  /* Columns 4k + c (c < 4) of 16 tiles k from the 64 columns l[0..3], and column 4k + 4 from
   * column 4k of the next tile and the 65th column (lane 0 of next). */
  static void split4(const float* r, const Cols& cm, V* x) {
    const __m512i i01 = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
    const __m512i i23 = _mm512_setr_epi32(2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31);
    V l[5];
    for (int u = 0; u < 5; ++u) l[u] = _mm512_maskz_loadu_ps(cm.m[u], (const void*)((uintptr_t)r + 64 * u));
    const V a01 = _mm512_permutex2var_ps(l[0], i01, l[1]), a23 = _mm512_permutex2var_ps(l[0], i23, l[1]);
    const V b01 = _mm512_permutex2var_ps(l[2], i01, l[3]), b23 = _mm512_permutex2var_ps(l[2], i23, l[3]);
    x[0] = _mm512_shuffle_f32x4(a01, b01, 0x44);
    x[1] = _mm512_shuffle_f32x4(a01, b01, 0xEE);
    x[2] = _mm512_shuffle_f32x4(a23, b23, 0x44);
    x[3] = _mm512_shuffle_f32x4(a23, b23, 0xEE);
    x[4] = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(l[4]), _mm512_castps_si512(x[0]), 1));
  }
  /* A row's 32 columns split into even and odd ones (columns 2k and 2k + 1 of tile k); column
   * 2k + 2 is column 2k of the next tile, with the 33rd column shifted in. */
  static void split2(const float* r, const Cols& cm, V* x) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    const V a = _mm512_maskz_loadu_ps(cm.m[0], (const void*)r);
    const V b = _mm512_maskz_loadu_ps(cm.m[1], (const void*)((uintptr_t)r + 64));
    const V next = _mm512_maskz_loadu_ps(cm.m[2], (const void*)((uintptr_t)r + 128));
    x[0] = _mm512_permutex2var_ps(a, even, b);
    x[1] = _mm512_permutex2var_ps(a, odd, b);
    x[2] = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(next), _mm512_castps_si512(x[0]), 1));
  }
  static Pairs pairs(size_t c) {
    return Pairs{(__mmask16)(c >= 16 ? 0xFFFFu : (1u << c) - 1u), (__mmask16)(c >= 32  ? 0xFFFFu
                                                                              : c > 16 ? (1u << (c - 16)) - 1u
                                                                                       : 0u)};
  }
  /* Two-source permutes straight to a0 b0 a1 b1 ... */
  static void store_pairs(float* d, const Pairs& pm, V a, V b) {
    const __m512i lo_idx = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i hi_idx = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    _mm512_mask_storeu_ps(d, pm.s0, _mm512_permutex2var_ps(a, lo_idx, b));
    _mm512_mask_storeu_ps(d + 16, pm.s1, _mm512_permutex2var_ps(a, hi_idx, b));
  }
  /* A 4 x 4 transpose within 128-bit lanes and one of the lanes; the address may lie before
   * the row (masked lanes). */
  static void store_row4(float* d, const Cols& cm, const V* x) {
    const V l01 = _mm512_unpacklo_ps(x[0], x[1]), h01 = _mm512_unpackhi_ps(x[0], x[1]);
    const V l23 = _mm512_unpacklo_ps(x[2], x[3]), h23 = _mm512_unpackhi_ps(x[2], x[3]);
    const V t0 = _mm512_shuffle_ps(l01, l23, 0x44), t1 = _mm512_shuffle_ps(l01, l23, 0xEE);
    const V t2 = _mm512_shuffle_ps(h01, h23, 0x44), t3 = _mm512_shuffle_ps(h01, h23, 0xEE);
    const V u0 = _mm512_shuffle_f32x4(t0, t1, 0x44), u1 = _mm512_shuffle_f32x4(t2, t3, 0x44);
    const V u2 = _mm512_shuffle_f32x4(t0, t1, 0xEE), u3 = _mm512_shuffle_f32x4(t2, t3, 0xEE);
    const V y[4] = {_mm512_shuffle_f32x4(u0, u1, 0x88), _mm512_shuffle_f32x4(u0, u1, 0xDD),
                    _mm512_shuffle_f32x4(u2, u3, 0x88), _mm512_shuffle_f32x4(u2, u3, 0xDD)};
    for (int u = 0; u < 4; ++u) _mm512_mask_storeu_ps((void*)((uintptr_t)d + 64 * u), cm.m[u], y[u]);
  }
};
#elif defined(__AVX2__)
struct Avx2 {
  using V = __m256;
  using Mask = bool;
  struct Cols {};
  struct Pairs {};
  static constexpr size_t W = 8;
  static constexpr bool kMasked = false;
  static Mask tiles(size_t) { return true; }
  static V load(const float* p, Mask) { return _mm256_loadu_ps(p); }
  static void store(float* p, Mask, V v) { _mm256_storeu_ps(p, v); }
  static V set1(float v) { return _mm256_set1_ps(v); }
  static Cols cols(long long, long long, long long) { return Cols{}; }
  /* A 4 x 4 transpose within the 128-bit lanes, then the tiles put in order; column 4k + 4
   * from column 4k of the next tile and the 33rd column. */
  static void split4(const float* r, const Cols&, V* x) {
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const V l0 = _mm256_loadu_ps(r), l1 = _mm256_loadu_ps(r + 8);
    const V l2 = _mm256_loadu_ps(r + 16), l3 = _mm256_loadu_ps(r + 24);
    const V t0 = _mm256_unpacklo_ps(l0, l1), t1 = _mm256_unpackhi_ps(l0, l1);
    const V t2 = _mm256_unpacklo_ps(l2, l3), t3 = _mm256_unpackhi_ps(l2, l3);
    x[0] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(t0, t2, 0x44), order);
    x[1] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(t0, t2, 0xEE), order);
    x[2] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(t1, t3, 0x44), order);
    x[3] = _mm256_permutevar8x32_ps(_mm256_shuffle_ps(t1, t3, 0xEE), order);
    const V up = _mm256_permutevar8x32_ps(x[0], _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 7));
    x[4] = _mm256_blend_ps(up, _mm256_broadcast_ss(r + 32), 0x80);
  }
  /* Even and odd columns of 16, and column 2k + 2 from column 2k of the next tile and the 17th. */
  static void split2(const float* r, const Cols&, V* x) {
    const V a = _mm256_loadu_ps(r), b = _mm256_loadu_ps(r + 8);
    x[0] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xD8));
    x[1] = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xDD)), 0xD8));
    const V up = _mm256_permutevar8x32_ps(x[0], _mm256_setr_epi32(1, 2, 3, 4, 5, 6, 7, 7));
    x[2] = _mm256_blend_ps(up, _mm256_broadcast_ss(r + 16), 0x80);
  }
  static Pairs pairs(size_t) { return Pairs{}; }
  static void store_pairs(float* d, const Pairs&, V a, V b) {
    const V l = _mm256_unpacklo_ps(a, b), u = _mm256_unpackhi_ps(a, b);
    _mm256_storeu_ps(d, _mm256_permute2f128_ps(l, u, 0x20));
    _mm256_storeu_ps(d + 8, _mm256_permute2f128_ps(l, u, 0x31));
  }
  /* A 4 x 4 transpose within the 128-bit lanes and a swap of lanes. */
  static void store_row4(float* d, const Cols&, const V* x) {
    const V l01 = _mm256_unpacklo_ps(x[0], x[1]), h01 = _mm256_unpackhi_ps(x[0], x[1]);
    const V l23 = _mm256_unpacklo_ps(x[2], x[3]), h23 = _mm256_unpackhi_ps(x[2], x[3]);
    const V t0 = _mm256_shuffle_ps(l01, l23, 0x44), t1 = _mm256_shuffle_ps(l01, l23, 0xEE);
    const V t2 = _mm256_shuffle_ps(h01, h23, 0x44), t3 = _mm256_shuffle_ps(h01, h23, 0xEE);
    _mm256_storeu_ps(d, _mm256_permute2f128_ps(t0, t1, 0x20));
    _mm256_storeu_ps(d + 8, _mm256_permute2f128_ps(t2, t3, 0x20));
    _mm256_storeu_ps(d + 16, _mm256_permute2f128_ps(t0, t1, 0x31));
    _mm256_storeu_ps(d + 24, _mm256_permute2f128_ps(t2, t3, 0x31));
  }
};
#endif

}  // namespace wino_s2
}  // namespace
