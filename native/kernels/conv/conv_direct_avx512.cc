// The direct convolution kernels (contract in conv_direct.h) for the AVX-512 table: vectors of
// 16 output columns; the forward pass reads inside its (padded) plane only, the weight
// gradient masks off the columns whose input lies outside the plane, never reading them.
// Only AVX-512 has them: on AVX2 (16 registers, no embedded broadcasts) and in scalar code they
// measured slower than im2col + GEMM (see conv2d.cc), so those tables leave the slots empty.
#if !defined(__AVX512F__)
#error "conv_direct_avx512.cc must be compiled with -mavx512f"
#endif

#include <immintrin.h>
#include <cstdint>

#include "conv_direct.h"

namespace {

// Per output row: the input row each tap reads and its column shift, so the accumulation is
// one flat loop over the taps and the accumulators stay in registers.
struct RowTaps {
  const float* row[DN_CONV_DIRECT_MAX_TAPS];
  long long shift[DN_CONV_DIRECT_MAX_TAPS];
};

void row_taps(const dn_conv_direct* a, size_t y, RowTaps* tp) {
  size_t t = 0;
  for (size_t c = 0; c < a->cin; ++c)
    for (size_t j = 0; j < a->kh; ++j) {
      const long long iy = static_cast<long long>(y) - a->pt + static_cast<long long>(j * a->dh);
      const float* row = a->in + (c * a->h + static_cast<size_t>(iy)) * a->w;
      for (size_t l = 0; l < a->kw; ++l, ++t) {
        tp->row[t] = row;
        tp->shift[t] = static_cast<long long>(l * a->dw) - a->pl;
      }
    }
}

// The lanes of a vector of 16 output columns from x whose input column x + shift lies in
// [0, w) and that are < ow.
inline __mmask16 lanes(long long x, long long shift, long long w, long long ow) {
  long long lo = -(x + shift), hi = w - (x + shift);
  if (ow - x < hi) hi = ow - x;
  lo = lo < 0 ? 0 : lo > 16 ? 16 : lo;
  hi = hi < lo ? lo : hi > 16 ? 16 : hi;
  return static_cast<__mmask16>(((1u << hi) - 1u) & ~((1u << lo) - 1u));
}

// A masked-off lane's address may lie before the row: formed as an integer, never read.
inline const float* at(const float* row, long long col) {
  return reinterpret_cast<const float*>(reinterpret_cast<uintptr_t>(row) + static_cast<uintptr_t>(col) * sizeof(float));
}

void conv_direct(const dn_conv_direct* a) {
  const size_t plane = a->oh * a->ow, taps = a->cin * a->kh * a->kw;
  const long long ow = static_cast<long long>(a->ow);
  RowTaps tp;
  for (size_t y = a->y0; y < a->y1; ++y) {
    row_taps(a, y, &tp);
    for (long long x = 0; x < ow; x += 16) {
      __m512 acc[16];
#pragma GCC unroll 16
      for (size_t k = 0; k < 16; ++k) acc[k] = _mm512_setzero_ps();
      // Every tap's 16 columns lie inside the plane (the contract): plain loads, no masks.
      // (A lane mask and a masked load for every tap: 65 GFLOP/s on a 32-wide image with
      // padding, against 80 for this loop on the same image padded beforehand.)
      const float* wt = a->wpack;
      for (size_t t = 0; t < taps; ++t, wt += 16) {
        const __m512 v = _mm512_loadu_ps(tp.row[t] + x + tp.shift[t]);
#pragma GCC unroll 16
        for (size_t k = 0; k < 16; ++k) acc[k] = _mm512_fmadd_ps(_mm512_set1_ps(wt[k]), v, acc[k]);
      }
      const long long n = ow - x < 16 ? ow - x : 16;
      const __mmask16 st = static_cast<__mmask16>((1u << n) - 1u);
      float* o = a->out + y * a->ow + static_cast<size_t>(x);
      // A constant trip count: indexing acc by a run-time bound would keep it in memory.
#pragma GCC unroll 16
      for (size_t k = 0; k < 16; ++k) {
        if (k >= a->nk) break;
        __m512 r = acc[k];
        if (a->bias) r = _mm512_add_ps(r, _mm512_set1_ps(a->bias[k]));
        _mm512_mask_storeu_ps(o + k * plane, st, r);
      }
    }
  }
}

// Four taps and 4 channels a pass over the rows: 16 accumulators, 4 output-gradient vectors and
// the taps' 4 input vectors in registers. (Two taps by 8 channels read 8 output-gradient planes
// at once, a power of two apart for 32 x 32 images: more lines than the L1's ways.)
constexpr size_t kTaps = 4, kChans = 4;
void conv_direct_wgrad(const dn_conv_direct_wgrad* a) {
  const size_t plane = a->oh * a->ow, taps = a->cin * a->kh * a->kw, khw = a->kh * a->kw;
  const long long w = static_cast<long long>(a->w), ow = static_cast<long long>(a->ow);
  const __m512 zero = _mm512_setzero_ps();
  for (size_t t = 0; t < taps; t += kTaps) {
    const size_t nt = taps - t < kTaps ? taps - t : kTaps;
    // Each tap's plane, input row for output row 0, and column shift.
    const float* plane_in[kTaps];
    long long row0[kTaps], shift[kTaps];
    for (size_t u = 0; u < kTaps; ++u) {
      const size_t tt = u < nt ? t + u : t, c = tt / khw, j = (tt / a->kw) % a->kh, l = tt % a->kw;
      plane_in[u] = a->in + c * a->h * a->w;
      row0[u] = static_cast<long long>(j * a->dh) - a->pt;
      shift[u] = static_cast<long long>(l * a->dw) - a->pl;
    }
    for (size_t k0 = 0; k0 < a->nk; k0 += kChans) {
      const size_t nk = a->nk - k0 < kChans ? a->nk - k0 : kChans;
      __m512 s[kTaps][kChans];
#pragma GCC unroll 4
      for (size_t u = 0; u < kTaps; ++u)
#pragma GCC unroll 4
        for (size_t i = 0; i < kChans; ++i)
          s[u][i] = u < nt && i < nk ? _mm512_loadu_ps(a->acc + ((t + u) * 16 + k0 + i) * 16) : zero;
      // Column chunks outside, rows inside: the lane masks are fixed along a chunk's rows.
      for (long long x = 0; x < ow; x += 16) {
        const __mmask16 m = lanes(x, 0, ow, ow);
        __mmask16 mu[kTaps];
#pragma GCC unroll 4
        for (size_t u = 0; u < kTaps; ++u) mu[u] = u < nt ? lanes(x, shift[u], w, ow) : 0;
        const float* d = a->dy + k0 * plane + x;
        for (size_t y = a->y0; y < a->y1; ++y) {
          __m512 g[kChans], v[kTaps];
#pragma GCC unroll 4
          for (size_t i = 0; i < kChans; ++i) g[i] = _mm512_maskz_loadu_ps(i < nk ? m : 0, d + i * plane + y * ow);
#pragma GCC unroll 4
          for (size_t u = 0; u < kTaps; ++u) {
            const long long iy = static_cast<long long>(y) + row0[u];
            const __mmask16 mv = iy >= 0 && iy < static_cast<long long>(a->h) ? mu[u] : 0;
            v[u] = _mm512_maskz_loadu_ps(mv, at(plane_in[u], iy * w + x + shift[u]));
          }
#pragma GCC unroll 4
          for (size_t u = 0; u < kTaps; ++u)
#pragma GCC unroll 4
            for (size_t i = 0; i < kChans; ++i) s[u][i] = _mm512_fmadd_ps(g[i], v[u], s[u][i]);
        }
      }
#pragma GCC unroll 4
      for (size_t u = 0; u < kTaps; ++u)
#pragma GCC unroll 4
        for (size_t i = 0; i < kChans; ++i)
          if (u < nt && i < nk) _mm512_storeu_ps(a->acc + ((t + u) * 16 + k0 + i) * 16, s[u][i]);
    }
  }
}

}  // namespace

extern "C" void dn_f32_conv_direct__avx512(const dn_conv_direct* a) { conv_direct(a); }

extern "C" void dn_f32_conv_direct_wgrad__avx512(const dn_conv_direct_wgrad* a) { conv_direct_wgrad(a); }
