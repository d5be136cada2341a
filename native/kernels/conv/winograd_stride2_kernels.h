/* The stride-2 Winograd forward transforms on tiles of 2x2 outputs and the weight gradient's
 * lanes transforms (contract in winograd_stride2_transforms.h), written once over a traits type
 * T (winograd_stride2_simd.h); DN_DEFINE_WINO_STRIDE2(isa, T) emits the extern "C" functions
 * (with the backward-data ones, winograd_stride2_backward_kernels.h) from one .cc file per ISA.
 * Every T does the same additions in the same order on every value (contraction off), so every
 * ISA gives the same bits. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "winograd_kernels.h" /* wino_f2::lanes_dispatch */
#include "winograd_stride2_simd.h"
#include "winograd_stride2_transforms.h"

namespace {
namespace wino_s2 {

/* Per axis: the five transformed values of x0..x4 (winograd_stride2_transforms.h). */
template <class V>
inline void t5(V* t, const V* x) {
  t[0] = x[0] - x[2];
  t[1] = x[2];
  t[2] = x[4] - x[2];
  t[3] = x[1] - x[3];
  t[4] = x[3];
}

/* Column col of row `row` of channel ch, as an integer address: masked lanes may lie before
 * the row. */
inline float* row_at(const float* row, size_t ch, size_t step, long long col) {
  return (float*)((uintptr_t)row + (uintptr_t)(ch * step) * sizeof(float) + (uintptr_t)col * sizeof(float));
}

/* The 25 values of W tiles from their 5 window rows x[q][c] (column 4k + c): down the
 * columns, then across; slot s to store(s, value). */
template <class V, class Store>
inline void input_z(V x[5][5], Store store) {
  V z[5][5]; /* z[a][c]: transform a down column 4k + c */
  for (int c = 0; c < 5; ++c) {
    V col[5], t[5];
    for (int q = 0; q < 5; ++q) col[q] = x[q][c];
    t5(t, col);
    for (int a = 0; a < 5; ++a) z[a][c] = t[a];
  }
  for (int a = 0; a < 5; ++a) {
    V t[5];
    t5(t, z[a]);
    for (int b = 0; b < 5; ++b) store(5 * a + b, t[b]);
  }
}

/* Tile i of channel ch, columns outside [lo, hi) read as zero. */
inline void input_tile(float* __restrict vc, const size_t* o, const float* const* rows, const size_t* rstep, size_t ch,
                       long long lo, long long hi, size_t i) {
  float x[5][5];
  for (int c = 0; c < 5; ++c) {
    const long long col = (long long)(4 * i) + c;
    for (int q = 0; q < 5; ++q) x[q][c] = col >= lo && col < hi ? *row_at(rows[q], ch, rstep[q], col) : 0.0f;
  }
  input_z<float>(x, [&](int s, float t) { vc[o[s] + i] = t; });
}

/* W tiles from column c0 of channel ch; vc points at the first tile's slot 0. */
template <class T>
inline void input_block(float* __restrict vc, const size_t* o, const float* const* rows, const size_t* rstep, size_t ch,
                        long long c0, const typename T::Cols& cm, typename T::Mask m) {
  using V = typename T::V;
  V x[5][5]; /* x[q][c]: row q */
  for (int q = 0; q < 5; ++q) T::split4(row_at(rows[q], ch, rstep[q], c0), cm, x[q]);
  input_z<V>(x, [&](int s, V t) { T::store(vc + o[s], m, t); });
}

template <class T>
void input(float* __restrict v, const size_t* off, size_t vstep, const float* const* rows, const size_t* rstep,
           size_t nch, long long lo, long long hi, size_t run) {
  constexpr size_t W = T::W;
  size_t o[25];
  for (size_t s = 0; s < 25; ++s) o[s] = off[s];
  if constexpr (T::kMasked) { /* all channels of a group before the next (the masks are the group's) */
    for (size_t i = 0; i < run; i += W) {
      const size_t n = run - i < W ? run - i : W;
      const long long c0 = (long long)(4 * i), end = c0 + (long long)(4 * n + 1);
      const typename T::Cols cm = T::cols(c0, lo, hi < end ? hi : end);
      for (size_t ch = 0; ch < nch; ++ch) input_block<T>(v + ch * vstep + i, o, rows, rstep, ch, c0, cm, T::tiles(n));
    }
  } else { /* W tiles a step where their 4W + 1 columns all lie in [lo, hi); the rest one at a time */
    for (size_t ch = 0; ch < nch; ++ch) {
      float* vc = v + ch * vstep;
      size_t i = 0;
      for (; i < run && (long long)(4 * i) < lo; ++i) input_tile(vc, o, rows, rstep, ch, lo, hi, i);
      for (; i + W <= run && (long long)(4 * i + 4 * W + 1) <= hi; i += W)
        input_block<T>(vc + i, o, rows, rstep, ch, (long long)(4 * i), typename T::Cols{}, T::tiles(W));
      for (; i < run; ++i) input_tile(vc, o, rows, rstep, ch, lo, hi, i);
    }
  }
}

/* Y = A^T M A + b of W tiles, point (p, q) from load(3p + q): y00 y01 / y10 y11. */
template <class V, class Load>
inline void output_y(V* y, Load load, V b) {
  V h[3][2];
  for (int p = 0; p < 3; ++p) {
    const V m0 = load(3 * p), m1 = load(3 * p + 1), m2 = load(3 * p + 2);
    h[p][0] = m0 + m1;
    h[p][1] = m1 + m2;
  }
  y[0] = (h[0][0] + h[1][0]) + b;
  y[1] = (h[0][1] + h[1][1]) + b;
  y[2] = (h[1][0] + h[2][0]) + b;
  y[3] = (h[1][1] + h[2][1]) + b;
}

/* W tiles from mc (tile k's products at mc + k), each output row's two columns of every tile
 * interleaved into a0 and a1. */
template <class T>
inline void output_block(float* a0, float* a1, const float* __restrict mc, size_t xs, typename T::Mask lm,
                         const typename T::Pairs& pm, typename T::V b) {
  using V = typename T::V;
  V y[4];
  output_y<V>(
      y, [&](int p) { return T::load(mc + p * xs, lm); }, b);
  T::store_pairs(a0, pm, y[0], y[1]);
  T::store_pairs(a1, pm, y[2], y[3]);
}

template <class T>
void output(float* __restrict r0, float* __restrict r1, size_t step0, size_t step1, size_t cols,
            const float* __restrict m, size_t mstep, size_t xs, const float* bias, size_t nch) {
  constexpr size_t W = T::W;
  if constexpr (T::kMasked) {
    const size_t tiles = (cols + 1) / 2;
    for (size_t i = 0; i < tiles; i += W) {
      const size_t n = tiles - i < W ? tiles - i : W;
      const typename T::Pairs pm = T::pairs(cols - 2 * i < 2 * W ? cols - 2 * i : 2 * W);
      for (size_t ch = 0; ch < nch; ++ch)
        output_block<T>(r0 + ch * step0 + 2 * i, r1 + ch * step1 + 2 * i, m + ch * mstep + i, xs, T::tiles(n), pm,
                        T::set1(bias ? bias[ch] : 0.0f));
    }
  } else { /* W tiles a step, then the rest (an odd last column cropped) one at a time */
    const size_t pairs = cols / 2;
    for (size_t ch = 0; ch < nch; ++ch) {
      const float* mc = m + ch * mstep;
      float* a0 = r0 + ch * step0;
      float* a1 = r1 + ch * step1;
      const float bs = bias ? bias[ch] : 0.0f;
      size_t i = 0;
      for (; i + W <= pairs; i += W)
        output_block<T>(a0 + 2 * i, a1 + 2 * i, mc + i, xs, T::tiles(W), T::pairs(2 * W), T::set1(bs));
      for (; 2 * i < cols; ++i) {
        float y[4];
        output_y<float>(
            y, [&](int p) { return mc[p * xs + i]; }, bs);
        a0[2 * i] = y[0];
        a1[2 * i] = y[2];
        if (2 * i + 1 < cols) {
          a0[2 * i + 1] = y[1];
          a1[2 * i + 1] = y[3];
        }
      }
    }
  }
}

/* The weight gradient's transforms, R channels side by side in every column (see
 * winograd_stride2_transforms.h); the same additions in the same order as input. K: R when it
 * is a constant (a fully vectorised loop), 0 for any R. */
template <size_t K>
void lanes_input(float* __restrict v, const size_t* o, const float* __restrict rows, size_t rs, size_t lanes,
                 size_t run) {
  const size_t R = K ? K : lanes;
  for (size_t j = 0; j < run; ++j) {
    const float* __restrict c0 = rows + 4 * j * R;
#pragma GCC ivdep
    for (size_t r = 0; r < R; ++r) {
      float x[5][5];
      for (size_t c = 0; c < 5; ++c)
        for (size_t q = 0; q < 5; ++q) x[q][c] = c0[q * rs + c * R + r];
      input_z<float>(x, [&](int s, float t) { v[o[s] + j * R + r] = t; });
    }
  }
}

template <size_t K>
void lanes_grad(float* __restrict v, size_t vs, const float* __restrict rows, size_t rs, size_t lanes, size_t run,
                double* __restrict sums) {
  const size_t R = K ? K : lanes;
  for (size_t j = 0; j < run; ++j) {
    const float* __restrict c0 = rows + 2 * j * R;
    float* __restrict vj = v + j * R;
#pragma GCC ivdep
    for (size_t r = 0; r < R; ++r) {
      const float e0 = c0[r], o0 = c0[R + r], e1 = c0[rs + r], o1 = c0[rs + R + r];
      const float ce[3] = {e0, e0 + e1, e1}, co[3] = {o0, o0 + o1, o1};
      for (size_t a = 0; a < 3; ++a) {
        vj[(3 * a + 0) * vs + r] = ce[a];
        vj[(3 * a + 1) * vs + r] = ce[a] + co[a];
        vj[(3 * a + 2) * vs + r] = co[a];
      }
    }
    if (sums) {
#pragma GCC ivdep
      for (size_t r = 0; r < R; ++r)
        sums[r] += (((double)c0[r] + (double)c0[R + r]) + (double)c0[rs + r]) + (double)c0[rs + R + r];
    }
  }
}

}  // namespace wino_s2
}  // namespace
