/* The vector operations the stride-1 Winograd F(2x2, 3x3) transforms (winograd_kernels.h) are
 * written in: one traits type per ISA, each visible only in a translation unit compiled for
 * that ISA, everything in an unnamed namespace (no code shared between differently-flagged
 * units). Each ISA's type T names two tile traits, T::In for the input transform and T::Out
 * for the output transform and the transposes:
 *   V, W       W tiles' values side by side (+ and - act lane by lane: float or a vector type)
 *   kMasked    In: whether edge tiles go through masked accesses (else a tile at a time)
 *   Cols, cols(c0, lo, hi, n)  In: the column masks of n tiles from column c0 (nothing when
 *              unmasked); even_odd4(row, c0, cm, col): col[c] = column 2k + c of tile k, c < 4
 *   Mask, tiles(n), store(p, m, v)  In: the first n lanes of a W-float store
 *   load, set1, store_pairs(dst, a, b)  Out: dst[2k] = a_k, dst[2k + 1] = b_k for W tiles;
 *              with kMasked also load_first(p, n), store_pairs_first(dst, a, b, n) for n < W
 *   transpose8x8, transpose4x4(d, ld, s, ss)  Out: d[k * ld + i] = s[i * ss + k]
 * AVX-512 takes 16 tiles a vector in the input transform and AVX2's 8-tile output transform and
 * transposes; both mask the input transform at the plane's edges. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace {
namespace wino_f2 {

/* One tile at a time. */
struct ScalarTiles {
  using V = float;
  using Mask = bool;
  struct Cols {};
  static constexpr size_t W = 1;
  static constexpr bool kMasked = false;
  static Cols cols(long long, long long, long long, size_t) { return Cols{}; }
  static void even_odd4(const float* row, long long c0, const Cols&, V* col) {
    for (int c = 0; c < 4; ++c) col[c] = row[c0 + c];
  }
  static Mask tiles(size_t) { return true; }
  static void store(float* p, Mask, V v) { *p = v; }
  static V load(const float* p) { return *p; }
  static V set1(float v) { return v; }
  static void store_pairs(float* dst, V a, V b) {
    dst[0] = a;
    dst[1] = b;
  }
  static void transpose4x4(float* d, size_t ld, const float* s, size_t ss) {
    for (size_t k = 0; k < 4; ++k)
      for (size_t i = 0; i < 4; ++i) d[k * ld + i] = s[i * ss + k];
  }
  static void transpose8x8(float* d, size_t ld, const float* s, size_t ss) {
    for (size_t k = 0; k < 8; ++k)
      for (size_t i = 0; i < 8; ++i) d[k * ld + i] = s[i * ss + k];
  }
};
struct Scalar {
  using In = ScalarTiles;
  using Out = ScalarTiles;
};

#if defined(__AVX2__)
/* 8 tiles a vector. Edge tiles (columns outside [lo, hi), fewer than 8 tiles) too: the input
 * transform's loads are then masked (vmaskmovps loads, which never fault on masked-off lanes)
 * and its stores cut to the first n floats with 4-, 2- and 1-float stores (vmaskmovps stores
 * are microcoded and slow on AMD cores). A tile at a time, the edges had taken most of the
 * input transform's time on 28-column planes (14 tiles a row: 8 in a vector, 6 one by one). */
struct Avx2Tiles {
  using V = __m256;
  using Mask = size_t;
  struct Cols {
    bool whole;   /* all 18 columns inside the plane and 8 tiles: plain loads */
    __m256i m[4]; /* else the lanes of the loads from columns c0, c0 + 8, c0 + 2 and c0 + 10 */
  };
  static constexpr size_t W = 8;
  static constexpr bool kMasked = true;
  /* Lanes l of an 8-float load from column base with lo <= base + l < end. */
  static __m256i lanes(long long base, long long lo, long long end) {
    long long a = lo - base, b = end - base;
    a = a < 0 ? 0 : a > 8 ? 8 : a;
    b = b < 0 ? 0 : b > 8 ? 8 : b;
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32((int)a), iota),
                               _mm256_cmpgt_epi32(_mm256_set1_epi32((int)b), iota));
  }
  /* Columns of n tiles from c0: each load from c0 + off reads below c0 + off + 2n, in [lo, hi). */
  static Cols cols(long long c0, long long lo, long long hi, size_t n) {
    Cols cm;
    cm.whole = n == W && c0 >= lo && c0 + 2 * (long long)W + 2 <= hi;
    if (cm.whole) return cm;
    const long long e0 = c0 + 2 * (long long)n < hi ? c0 + 2 * (long long)n : hi;
    const long long e2 = c0 + 2 * (long long)n + 2 < hi ? c0 + 2 * (long long)n + 2 : hi;
    cm.m[0] = lanes(c0, lo, e0);
    cm.m[1] = lanes(c0 + 8, lo, e0);
    cm.m[2] = lanes(c0 + 2, lo, e2);
    cm.m[3] = lanes(c0 + 10, lo, e2);
    return cm;
  }
  /* Even and odd columns of 16 consecutive ones (a, then b), in order. */
  static void split(V a, V b, V* e, V* o) {
    *e = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xD8));
    *o = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xDD)), 0xD8));
  }
  static void even_odd4(const float* row, long long c0, const Cols& cm, V* col) {
    if (cm.whole) {
      split(_mm256_loadu_ps(row + c0), _mm256_loadu_ps(row + c0 + 8), &col[0], &col[1]);
      split(_mm256_loadu_ps(row + c0 + 2), _mm256_loadu_ps(row + c0 + 10), &col[2], &col[3]);
      return;
    }
    /* The address is formed as an integer: a masked-off lane may lie before the row. */
    const uintptr_t r = (uintptr_t)row + (uintptr_t)c0 * sizeof(float);
    const auto at = [r](size_t off) { return (const float*)(r + off * sizeof(float)); };
    split(_mm256_maskload_ps(at(0), cm.m[0]), _mm256_maskload_ps(at(8), cm.m[1]), &col[0], &col[1]);
    split(_mm256_maskload_ps(at(2), cm.m[2]), _mm256_maskload_ps(at(10), cm.m[3]), &col[2], &col[3]);
  }
  static Mask tiles(size_t n) { return n; }
  /* The first n lanes of v at p. */
  static void store(float* p, Mask n, V v) {
    if (n == W) {
      _mm256_storeu_ps(p, v);
      return;
    }
    __m128 x = _mm256_castps256_ps128(v);
    if (n & 4) {
      _mm_storeu_ps(p, x);
      x = _mm256_extractf128_ps(v, 1);
      p += 4;
    }
    if (n & 2) {
      _mm_storel_pi((__m64*)p, x);
      x = _mm_movehl_ps(x, x);
      p += 2;
    }
    if (n & 1) _mm_store_ss(p, x);
  }
  static V load(const float* p) { return _mm256_loadu_ps(p); }
  /* The first n (< W) tiles' values at p; nothing past them is read. */
  static V load_first(const float* p, size_t n) {
    return _mm256_maskload_ps(p,
                              _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
  }
  /* store_pairs of the first n (< W) tiles: 2n floats. */
  static void store_pairs_first(float* dst, V a, V b, size_t n) {
    const V lo = _mm256_unpacklo_ps(a, b), hi = _mm256_unpackhi_ps(a, b);
    const V p0 = _mm256_permute2f128_ps(lo, hi, 0x20), p1 = _mm256_permute2f128_ps(lo, hi, 0x31);
    if (2 * n < W) return store(dst, 2 * n, p0);
    _mm256_storeu_ps(dst, p0);
    if (2 * n > W) store(dst + W, 2 * n - W, p1);
  }
  static V set1(float v) { return _mm256_set1_ps(v); }
  static void store_pairs(float* dst, V a, V b) {
    const V lo = _mm256_unpacklo_ps(a, b), hi = _mm256_unpackhi_ps(a, b);
    _mm256_storeu_ps(dst, _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(dst + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
  }
  static void transpose8x8(float* d, size_t ld, const float* s, size_t ss) {
    V r[8], t[8], u[8];
    for (int j = 0; j < 8; ++j) r[j] = _mm256_loadu_ps(s + j * ss);
    for (int j = 0; j < 4; ++j) {
      t[2 * j] = _mm256_unpacklo_ps(r[2 * j], r[2 * j + 1]);
      t[2 * j + 1] = _mm256_unpackhi_ps(r[2 * j], r[2 * j + 1]);
    }
    for (int j = 0; j < 2; ++j) {
      u[4 * j + 0] = _mm256_shuffle_ps(t[4 * j], t[4 * j + 2], _MM_SHUFFLE(1, 0, 1, 0));
      u[4 * j + 1] = _mm256_shuffle_ps(t[4 * j], t[4 * j + 2], _MM_SHUFFLE(3, 2, 3, 2));
      u[4 * j + 2] = _mm256_shuffle_ps(t[4 * j + 1], t[4 * j + 3], _MM_SHUFFLE(1, 0, 1, 0));
      u[4 * j + 3] = _mm256_shuffle_ps(t[4 * j + 1], t[4 * j + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int c = 0; c < 4; ++c) {
      _mm256_storeu_ps(d + c * ld, _mm256_permute2f128_ps(u[c], u[4 + c], 0x20));
      _mm256_storeu_ps(d + (c + 4) * ld, _mm256_permute2f128_ps(u[c], u[4 + c], 0x31));
    }
  }
  static void transpose4x4(float* d, size_t ld, const float* s, size_t ss) {
    __m128 r0 = _mm_loadu_ps(s), r1 = _mm_loadu_ps(s + ss), r2 = _mm_loadu_ps(s + 2 * ss),
           r3 = _mm_loadu_ps(s + 3 * ss);
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    _mm_storeu_ps(d, r0);
    _mm_storeu_ps(d + ld, r1);
    _mm_storeu_ps(d + 2 * ld, r2);
    _mm_storeu_ps(d + 3 * ld, r3);
  }
};
#endif

#if defined(__AVX512F__)
/* 16 tiles a vector: the even and odd columns of a row split apart with two-source permutes,
 * from loads at the tiles' first column and two columns on; columns outside [lo, hi) are
 * masked off, never read. */
struct Avx512In {
  using V = __m512;
  using Mask = __mmask16;
  struct Cols {
    uint32_t m0, m2;
  };
  static constexpr size_t W = 16;
  static constexpr bool kMasked = true;
  /* Lanes l of a 32-column load from column c0 whose column c0 + l lies in [lo, hi) and l < n. */
  static uint32_t lanes(long long c0, long long lo, long long hi, long long n) {
    long long a = lo - c0, b = hi - c0;
    if (a < 0) a = 0;
    if (b > n) b = n;
    if (b <= a) return 0;
    const uint32_t upto = b >= 32 ? 0xFFFFFFFFu : (1u << b) - 1u;
    return upto & ~((1u << a) - 1u);
  }
  static Cols cols(long long c0, long long lo, long long hi, size_t n) {
    return Cols{lanes(c0, lo, hi, (long long)(2 * n)), lanes(c0 + 2, lo, hi, (long long)(2 * n))};
  }
  static void even_odd4(const float* row, long long c0, const Cols& cm, V* col) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    /* The addresses are formed as integers: a masked-off lane may lie before the row. */
    const uintptr_t r = (uintptr_t)row + (uintptr_t)c0 * sizeof(float);
    const V a0 = _mm512_maskz_loadu_ps((__mmask16)cm.m0, (const void*)r);
    const V b0 = _mm512_maskz_loadu_ps((__mmask16)(cm.m0 >> 16), (const void*)(r + 16 * sizeof(float)));
    const V a2 = _mm512_maskz_loadu_ps((__mmask16)cm.m2, (const void*)(r + 2 * sizeof(float)));
    const V b2 = _mm512_maskz_loadu_ps((__mmask16)(cm.m2 >> 16), (const void*)(r + 18 * sizeof(float)));
    col[0] = _mm512_permutex2var_ps(a0, even, b0);
    col[1] = _mm512_permutex2var_ps(a0, odd, b0);
    col[2] = _mm512_permutex2var_ps(a2, even, b2);
    col[3] = _mm512_permutex2var_ps(a2, odd, b2);
  }
  static Mask tiles(size_t n) { return (__mmask16)(n >= 16 ? 0xFFFFu : (1u << n) - 1u); }
  static void store(float* p, Mask m, V v) { _mm512_mask_storeu_ps(p, m, v); }
};
struct Avx512 {
  using In = Avx512In;
  using Out = Avx2Tiles;
};
#elif defined(__AVX2__)
struct Avx2 {
  using In = Avx2Tiles;
  using Out = Avx2Tiles;
};
#endif

}  // namespace wino_f2
}  // namespace
