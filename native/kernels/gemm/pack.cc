// Panel packing. Two shapes cover every transpose combination:
// - rows contiguous (rs == 1: A transposed, B not): each depth p is one contiguous run of R
//   floats, a straight copy;
// - depth contiguous (cs == 1: A not transposed, B transposed, e.g. a Linear layer's weight):
//   a transpose, done 4 depths at a time with SSE2 (baseline x86-64) so that packing costs
//   little next to the FMAs each packed element feeds.
#include "pack.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dn::gemm {
namespace {

// Rows contiguous: panel q, depth p gets src[q*R + r + p*cs] for r < R (zeros past `rows`).
// A few depths at a time across all panels: the source is then read as kDepths sequential row
// streams (panel by panel along each row), which the hardware prefetchers follow even when the
// rows are far apart, and each panel is written kDepths * R floats at a stretch.
template <std::size_t R>
void pack_copy_fixed(float* dst, const float* src, std::size_t rows, std::size_t kc, std::size_t cs) {
  constexpr std::size_t kDepths = 8;
  const std::size_t full = rows / R, rest = rows % R;
  const std::size_t panel = R * kc;
  for (std::size_t p0 = 0; p0 < kc; p0 += kDepths) {
    const std::size_t np = kc - p0 < kDepths ? kc - p0 : kDepths;
    float* d = dst + p0 * R;
    const float* s = src + p0 * cs;
    for (std::size_t q = 0; q < full; ++q, d += panel, s += R) {
      for (std::size_t p = 0; p < np; ++p) {
#pragma GCC unroll 32
        for (std::size_t r = 0; r < R; ++r) d[p * R + r] = s[p * cs + r];
      }
    }
    if (rest != 0) {
      for (std::size_t p = 0; p < np; ++p) {
#pragma GCC unroll 32
        for (std::size_t r = 0; r < R; ++r) d[p * R + r] = 0.0f;
        for (std::size_t r = 0; r < rest; ++r) d[p * R + r] = s[p * cs + r];
      }
    }
  }
}

void pack_copy(float* dst, const float* src, std::size_t rows, std::size_t kc, std::size_t cs, std::size_t R) {
  switch (R) {
    case 4:
      return pack_copy_fixed<4>(dst, src, rows, kc, cs);
    case 6:
      return pack_copy_fixed<6>(dst, src, rows, kc, cs);
    case 8:
      return pack_copy_fixed<8>(dst, src, rows, kc, cs);
    case 12:
      return pack_copy_fixed<12>(dst, src, rows, kc, cs);
    case 14:
      return pack_copy_fixed<14>(dst, src, rows, kc, cs);
    case 16:
      return pack_copy_fixed<16>(dst, src, rows, kc, cs);
    case 32:
      return pack_copy_fixed<32>(dst, src, rows, kc, cs);
    default:
      break;
  }
  for (std::size_t r0 = 0; r0 < rows; r0 += R, dst += R * kc) {
    const std::size_t n = rows - r0 < R ? rows - r0 : R;
    for (std::size_t p = 0; p < kc; ++p) {
      float* d = dst + p * R;
      for (std::size_t r = 0; r < n; ++r) d[r] = src[r0 + r + p * cs];
      for (std::size_t r = n; r < R; ++r) d[r] = 0.0f;
    }
  }
}

// Depth contiguous: dst[p*R + r] = src[r*rs + p] for r < rows (<= R), zeros after.
// Element by element; full panels of the usual tile sizes take the SSE2 path below.
void pack_transpose_any(float* dst, const float* src, std::size_t rows, std::size_t kc, std::size_t rs, std::size_t R) {
  for (std::size_t p = 0; p < kc; ++p) {
    float* d = dst + p * R;
    for (std::size_t r = 0; r < rows; ++r) d[r] = src[r * rs + p];
    for (std::size_t r = rows; r < R; ++r) d[r] = 0.0f;
  }
}

#if defined(__SSE2__)
// 4 rows x 4 depths: d[q * R + i] = s[i * rs + q].
inline void transpose4(float* d, std::size_t R, const float* s, std::size_t rs) {
  __m128 x0 = _mm_loadu_ps(s);
  __m128 x1 = _mm_loadu_ps(s + rs);
  __m128 x2 = _mm_loadu_ps(s + 2 * rs);
  __m128 x3 = _mm_loadu_ps(s + 3 * rs);
  _MM_TRANSPOSE4_PS(x0, x1, x2, x3);
  _mm_storeu_ps(d, x0);
  _mm_storeu_ps(d + R, x1);
  _mm_storeu_ps(d + 2 * R, x2);
  _mm_storeu_ps(d + 3 * R, x3);
}

// A full panel of R rows (R a multiple of 2), 4 depths at a time: rows in groups of 4 through
// a 4x4 transpose, and a last pair (MR = 6 and 14) through one unpack. R is a compile-time
// constant so every offset is an immediate and nothing spills.
template <std::size_t R>
void pack_transpose_sse(float* dst, const float* src, std::size_t kc, std::size_t rs) {
  static_assert(R % 2 == 0, "rows go in fours, then one pair");
  const std::size_t kc4 = kc & ~std::size_t{3};
  for (std::size_t p = 0; p < kc4; p += 4, dst += 4 * R) {
    const float* s = src + p;
#pragma GCC unroll 8
    for (std::size_t r = 0; r + 4 <= R; r += 4) {
      transpose4(dst + r, R, s + r * rs, rs);
    }
    if (R % 4 != 0) {
      constexpr std::size_t r = R - 2;
      const __m128 x0 = _mm_loadu_ps(s + r * rs);
      const __m128 x1 = _mm_loadu_ps(s + (r + 1) * rs);
      const __m128 lo = _mm_unpacklo_ps(x0, x1);  // depths p, p+1
      const __m128 hi = _mm_unpackhi_ps(x0, x1);  // depths p+2, p+3
      _mm_storel_pi(reinterpret_cast<__m64*>(dst + r), lo);
      _mm_storeh_pi(reinterpret_cast<__m64*>(dst + R + r), lo);
      _mm_storel_pi(reinterpret_cast<__m64*>(dst + 2 * R + r), hi);
      _mm_storeh_pi(reinterpret_cast<__m64*>(dst + 3 * R + r), hi);
    }
  }
  pack_transpose_any(dst, src + kc4, R, kc - kc4, rs, R);
}

// A partial panel (rows < R, the last one of a matrix whose width is not a multiple of R, e.g.
// a convolution's weight gradient with c*kh*kw columns): rows in fours through the 4x4
// transpose, the last few element by element, zeros past them; 4 depths at a time.
void pack_transpose_partial_sse(float* dst, const float* src, std::size_t rows, std::size_t kc, std::size_t rs,
                                std::size_t R) {
  const std::size_t kc4 = kc & ~std::size_t{3}, r4 = rows & ~std::size_t{3};
  for (std::size_t p = 0; p < kc4; p += 4, dst += 4 * R) {
    const float* s = src + p;
    for (std::size_t r = 0; r < r4; r += 4) {
      transpose4(dst + r, R, s + r * rs, rs);
    }
    for (std::size_t r = r4; r < rows; ++r)
      for (std::size_t q = 0; q < 4; ++q) dst[q * R + r] = s[r * rs + q];
    for (std::size_t q = 0; q < 4; ++q)
      for (std::size_t r = rows; r < R; ++r) dst[q * R + r] = 0.0f;
  }
  pack_transpose_any(dst, src + kc4, rows, kc - kc4, rs, R);
}
#endif

void pack_transpose(float* dst, const float* src, std::size_t rows, std::size_t kc, std::size_t rs, std::size_t R) {
#if defined(__SSE2__)
  if (rows == R) {
    switch (R) {
      case 4:
        return pack_transpose_sse<4>(dst, src, kc, rs);
      case 6:
        return pack_transpose_sse<6>(dst, src, kc, rs);
      case 8:
        return pack_transpose_sse<8>(dst, src, kc, rs);
      case 12:
        return pack_transpose_sse<12>(dst, src, kc, rs);
      case 14:
        return pack_transpose_sse<14>(dst, src, kc, rs);
      case 16:
        return pack_transpose_sse<16>(dst, src, kc, rs);
      case 32:
        return pack_transpose_sse<32>(dst, src, kc, rs);
      default:
        break;
    }
  }
  if (rows >= 4) return pack_transpose_partial_sse(dst, src, rows, kc, rs, R);
#endif
  pack_transpose_any(dst, src, rows, kc, rs, R);
}

void pack_strided(float* dst, const float* src, std::size_t rows, std::size_t kc, std::size_t rs, std::size_t cs,
                  std::size_t R) {
  for (std::size_t p = 0; p < kc; ++p, dst += R) {
    for (std::size_t r = 0; r < rows; ++r) dst[r] = src[r * rs + p * cs];
    for (std::size_t r = rows; r < R; ++r) dst[r] = 0.0f;
  }
}

}  // namespace

void pack_panels(float* dst, const float* src, std::size_t rows, std::size_t kc, std::size_t rs, std::size_t cs,
                 std::size_t R) {
  if (rs == 1) return pack_copy(dst, src, rows, kc, cs, R);  // all panels together, by depth groups
  for (std::size_t r0 = 0; r0 < rows; r0 += R, dst += R * kc) {
    const std::size_t n = rows - r0 < R ? rows - r0 : R;
    const float* s = src + r0 * rs;
    if (cs == 1) {
      pack_transpose(dst, s, n, kc, rs, R);
    } else {
      pack_strided(dst, s, n, kc, rs, cs, R);
    }
  }
}

}  // namespace dn::gemm
