/* The stride-2 Winograd transforms on tiles of 4x4 outputs (contract in
 * winograd_stride2_transforms.h), written once over a traits type T (winograd_stride2_f4_simd.h)
 * that puts T::W tiles side by side; DN_DEFINE_WINO_STRIDE2_F4(isa, T) emits the extern "C" pair
 * from one .cc file per ISA. The arithmetic is the same additions in the same order for every T
 * (contraction off, the doublings additions, exact), so every ISA gives the same bits. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "winograd_stride2_f4_simd.h"
#include "winograd_stride2_transforms.h"

namespace {
namespace wino_f4 {

/* Per axis, the 9 transformed values of a window x0..x8 (even phase e_j = x_2j on points
 * 0 1 -1 2 inf, odd phase o_j = x_2j+1 on points 0 1 -1 2), winograd_stride2_transforms.h. */
template <class V>
inline void t9(V* t, const V* x) {
  const V d = x[6] - x[2], u = x[4] - x[6], a = x[0] - x[4], b = x[4] - x[2];
  t[0] = (a + a) + d;
  t[1] = u + (x[2] + x[2]);
  t[2] = u + (b + b);
  t[3] = d;
  t[4] = (x[8] - x[4]) - (d + d);
  const V od = x[7] - x[3], ou = x[5] - x[7], oa = x[1] - x[5], ob = x[5] - x[3];
  t[5] = (oa + oa) + od;
  t[6] = ou + (x[3] + x[3]);
  t[7] = ou + (ob + ob);
  t[8] = od;
}

/* Per axis, the 4 outputs of the 5 points m0..m4: y = B^T m, B^T = [1 1 1 1 0; 0 1 -1 2 0;
 * 0 1 1 4 0; 0 1 -1 8 1]. */
template <class V>
inline void y4(V* y, const V* m) {
  const V s = m[1] + m[2], d = m[1] - m[2], m2 = m[3] + m[3], m4 = m2 + m2, m8 = m4 + m4;
  y[0] = (m[0] + s) + m[3];
  y[1] = d + m2;
  y[2] = s + m4;
  y[3] = (d + m8) + m[4];
}

/* The 4x4 outputs of the tiles from their 25 points m[5p + q] (p down, q across), plus bias:
 * down the columns, then across; output (j, c) to y[4j + c]. */
template <class V>
inline void output_2d(V* y, const V* m, V bias) {
  V h[4][5]; /* h[j][q]: output row j of point column q */
  for (int q = 0; q < 5; ++q) {
    V col[5], r[4];
    for (int p = 0; p < 5; ++p) col[p] = m[5 * p + q];
    y4(r, col);
    for (int j = 0; j < 4; ++j) h[j][q] = r[j];
  }
  for (int j = 0; j < 4; ++j) {
    V r[4];
    y4(r, h[j]);
    for (int c = 0; c < 4; ++c) y[4 * j + c] = r[c] + bias;
  }
}

/* Row q of channel ch, as an integer address: masked lanes may lie before the row. */
inline uintptr_t row_at(const float* row, size_t ch, size_t step, long long col) {
  return (uintptr_t)row + (uintptr_t)(ch * step) * sizeof(float) + (uintptr_t)col * sizeof(float);
}

/* T::W tiles a step, all channels of a group before the next group (the masks are the
 * group's): each window row's vectors transformed down first (no gathering needed), the 9
 * results split into the tiles' columns, then across. */
template <class T>
void input4(float* __restrict v, const size_t* off, size_t vstep, const float* const* rows, const size_t* rstep,
            size_t nch, long long lo, long long hi, size_t run) {
  using V = typename T::V;
  constexpr size_t W = T::W;
  for (size_t i = 0; i < run; i += W) {
    const size_t n = run - i < W ? run - i : W;
    const long long c0 = (long long)(8 * i), end = c0 + (long long)(8 * n + 1);
    const long long h = hi < end ? hi : end;
    typename T::Mask lm[9];
    for (int u = 0; u < 9; ++u) lm[u] = T::mask(c0 + (long long)W * u, lo, h);
    const typename T::Mask sm = T::mask(0, 0, (long long)n);
    const int un = (int)((8 * n + W) / W);     /* vectors read: the n tiles' columns 0 .. 8n */
    const long long first = lo > c0 ? lo : c0; /* the group's columns inside the plane: [first, h) */
    for (size_t ch = 0; ch < nch; ++ch) {
      if (W > 1 && ch + 1 < nch && first < h) /* the next channel's window, a cache line at a time */
        for (int q = 0; q < 9; ++q) {
          for (long long c = first; c < h; c += 16) T::prefetch((const void*)row_at(rows[q], ch + 1, rstep[q], c));
          T::prefetch((const void*)row_at(rows[q], ch + 1, rstep[q], h - 1));
        }
      V z[9][9]; /* z[a][u]: transform a down the columns of vector u (zero past the tiles) */
      for (int u = un; u < 9; ++u)
        for (int a = 0; a < 9; ++a) z[a][u] = T::zero();
      for (int u = 0; u < un; ++u) {
        V col[9], r[9];
        for (int q = 0; q < 9; ++q)
          col[q] = T::load((const float*)row_at(rows[q], ch, rstep[q], c0 + (long long)W * u), lm[u]);
        t9(r, col);
        for (int a = 0; a < 9; ++a) z[a][u] = r[a];
      }
      float* vc = v + ch * vstep + i;
      for (int a = 0; a < 9; ++a) {
        V x[9], t[9];
        T::split8(z[a], z[a][8], x);
        t9(t, x);
        for (int b = 0; b < 9; ++b) T::store(vc + off[9 * a + b], sm, t[b]);
      }
    }
  }
}

/* T::W tiles a step; each output row gets the 4 columns of every tile side by side. */
template <class T>
void output4(float* const* rows, const size_t* rstep, size_t cols, const float* __restrict m, size_t mstep, size_t xs,
             const float* bias, size_t nch) {
  using V = typename T::V;
  constexpr size_t W = T::W;
  const size_t tiles = (cols + 3) / 4;
  for (size_t i = 0; i < tiles; i += W) {
    const size_t n = tiles - i < W ? tiles - i : W;
    const typename T::Mask lm = T::mask(0, 0, (long long)n);
    const long long c0 = (long long)(4 * i);
    typename T::Mask sm[4];
    for (int u = 0; u < 4; ++u) sm[u] = T::mask(c0 + (long long)W * u, 0, (long long)cols);
    for (size_t ch = 0; ch < nch; ++ch) {
      const float* mc = m + ch * mstep + i;
      if (W > 1 && ch + 3 < nch) /* the products 3 channels on (2-3% faster than none or 1 on Zen 4) */
        for (int p = 0; p < 25; ++p) T::prefetch(mc + 3 * mstep + p * xs);
      V pts[25], y[16];
      for (int p = 0; p < 25; ++p) pts[p] = T::load(mc + p * xs, lm);
      output_2d(y, pts, T::set1(bias ? bias[ch] : 0.0f));
      for (int j = 0; j < 4; ++j) T::store_row4((float*)row_at(rows[j], ch, rstep[j], c0), sm, y + 4 * j);
    }
  }
}

}  // namespace wino_f4
}  // namespace

#define DN_DEFINE_WINO_STRIDE2_F4(isa, T)                                                                        \
  extern "C" void dn_f32_wino_stride2_input4__##isa(float* v, const size_t* off, size_t vstep,                   \
                                                    const float* const* rows, const size_t* rstep, size_t nch,   \
                                                    long long lo, long long hi, size_t run) {                    \
    wino_f4::input4<T>(v, off, vstep, rows, rstep, nch, lo, hi, run);                                            \
  }                                                                                                              \
  extern "C" void dn_f32_wino_stride2_output4__##isa(float* const* rows, const size_t* rstep, size_t cols,       \
                                                     const float* m, size_t mstep, size_t xs, const float* bias, \
                                                     size_t nch) {                                               \
    wino_f4::output4<T>(rows, rstep, cols, m, mstep, xs, bias, nch);                                             \
  }
