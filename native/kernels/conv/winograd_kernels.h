/* The stride-1 Winograd F(2x2, 3x3) transforms (contract in winograd_transforms.h), written once
 * over a traits type T (winograd_simd.h); DN_DEFINE_WINO(isa, T) emits the extern "C" functions
 * from one .cc file per ISA. Every T does the same additions in the same order on every value
 * (contraction off), so every ISA gives the same bits. The weight gradient's lanes transforms
 * are plain loops for the auto-vectoriser, the same source in every ISA's unit. */
#pragma once

#include <stddef.h>

#include <type_traits>

#include "winograd_simd.h"
#include "winograd_transforms.h"

namespace {
namespace wino_f2 {

/* V = B^T D B of tile i, at v[xi * vs + i]; tile i's inputs are columns 2i .. 2i + 3 of the 4
 * rows, zero outside columns [lo, hi). Down the columns first (z_a(c), a = 0..3), then across:
 *   z_0 = r0 - r2, z_1 = r1 + r2, z_2 = r2 - r1, z_3 = r1 - r3;
 *   v_4a = z_a(2i) - z_a(2i+2), v_4a+1 = z_a(2i+1) + z_a(2i+2),
 *   v_4a+2 = z_a(2i+2) - z_a(2i+1), v_4a+3 = z_a(2i+1) - z_a(2i+3). */
template <class V, class Col, class Store>
inline void input_z(Col col, Store store) {
  V z[4][4];
  for (int c = 0; c < 4; ++c) {
    const V d0 = col(0, c), d1 = col(1, c), d2 = col(2, c), d3 = col(3, c);
    z[0][c] = d0 - d2;
    z[1][c] = d1 + d2;
    z[2][c] = d2 - d1;
    z[3][c] = d1 - d3;
  }
  for (int a = 0; a < 4; ++a) {
    store(4 * a + 0, z[a][0] - z[a][2]);
    store(4 * a + 1, z[a][1] + z[a][2]);
    store(4 * a + 2, z[a][2] - z[a][1]);
    store(4 * a + 3, z[a][1] - z[a][3]);
  }
}

inline void input_tile(float* __restrict v, size_t vs, const float* const* rows, long long lo, long long hi, size_t i) {
  input_z<float>(
      [&](int q, int c) {
        const long long col = (long long)(2 * i + c);
        return col >= lo && col < hi ? rows[q][col] : 0.0f;
      },
      [&](int xi, float x) { v[xi * vs + i] = x; });
}

/* Channel c of nch: its rows at rows[q] + c * rstep[q] (formed as an integer: it may lie before
 * its row), its V at v + c * vstep. T::W tiles a step, every channel in turn, the column masks
 * of a step formed once for all of them; unmasked ISAs take the tiles reaching outside [lo, hi)
 * one at a time. A step with fewer than W tiles stores all W lanes when they lie below width
 * (the caller's rows have room there and write those lanes later): no partial store. */
template <class T>
void input(float* __restrict v, size_t vs, size_t vstep, const float* const* rows, const size_t* rstep, size_t nch,
           long long lo, long long hi, size_t run, size_t width) {
  using V = typename T::V;
  constexpr size_t W = T::W;
  const auto channel_rows = [&](size_t c, const float** rc) {
    for (int q = 0; q < 4; ++q) rc[q] = (const float*)((uintptr_t)rows[q] + c * rstep[q] * sizeof(float));
  };
  if constexpr (!T::kMasked) {
    for (size_t c = 0; c < nch; ++c) {
      const float* rc[4];
      channel_rows(c, rc);
      float* vc = v + c * vstep;
      size_t i = 0;
      for (; i < run && (long long)(2 * i) < lo; ++i) input_tile(vc, vs, rc, lo, hi, i);
      for (; i + W <= run && (long long)(2 * i + 2 * W + 2) <= hi; i += W) {
        V col[4][4];
        for (int q = 0; q < 4; ++q) T::even_odd4(rc[q], (long long)(2 * i), typename T::Cols{}, col[q]);
        input_z<V>([&](int q, int k) { return col[q][k]; },
                   [&](int xi, V x) { T::store(vc + xi * vs + i, T::tiles(W), x); });
      }
      for (; i < run; ++i) input_tile(vc, vs, rc, lo, hi, i);
    }
  } else {
    for (size_t i = 0; i < run; i += W) {
      const size_t n = run - i < W ? run - i : W;
      const long long c0 = (long long)(2 * i);
      const typename T::Cols cm = T::cols(c0, lo, hi, n);
      const typename T::Mask m = T::tiles(i + W <= width ? W : n);
      for (size_t c = 0; c < nch; ++c) {
        const float* rc[4];
        channel_rows(c, rc);
        float* vc = v + c * vstep + i;
        V col[4][4]; /* col[q][k]: row q, columns 2j + k of the tiles */
        for (int q = 0; q < 4; ++q) T::even_odd4(rc[q], c0, cm, col[q]);
        input_z<V>([&](int q, int k) { return col[q][k]; }, [&](int xi, V x) { T::store(vc + xi * vs, m, x); });
      }
    }
  }
}

/* The weight gradient's transforms, with R channels side by side in every column (lanes):
 * rows[q * rs + c * R + r] is channel r of column c of row q. Tile j of the run starts at
 * column 2j; its transform xi, channel r goes to v[xi * vs + j * R + r]. The same additions in
 * the same order as input (input) and the tile-at-a-time A dY A^T (grad). K: R when it is a
 * constant (a fully vectorised loop), 0 for any R. */
template <size_t K>
void lanes_input(float* __restrict v, size_t vs, const float* __restrict rows, size_t rs, size_t lanes, size_t run) {
  const size_t R = K ? K : lanes;
  for (size_t j = 0; j < run; ++j) {
    const float* __restrict c0 = rows + 2 * j * R;
    float* __restrict vj = v + j * R;
#pragma GCC ivdep
    for (size_t r = 0; r < R; ++r)
      input_z<float>([&](int q, int c) { return c0[q * rs + c * R + r]; },
                     [&](int xi, float x) { vj[xi * vs + r] = x; });
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
      for (size_t a = 0; a < 4; ++a) {
        const float ce = a == 0 ? e0 : a == 1 ? e0 + e1 : a == 2 ? e0 - e1 : -e1;
        const float co = a == 0 ? o0 : a == 1 ? o0 + o1 : a == 2 ? o0 - o1 : -o1;
        vj[(4 * a + 0) * vs + r] = ce;
        vj[(4 * a + 1) * vs + r] = ce + co;
        vj[(4 * a + 2) * vs + r] = ce - co;
        vj[(4 * a + 3) * vs + r] = -co;
      }
    }
    if (sums) {
#pragma GCC ivdep
      for (size_t r = 0; r < R; ++r)
        sums[r] += (((double)c0[r] + (double)c0[R + r]) + (double)c0[rs + r]) + (double)c0[rs + R + r];
    }
  }
}

/* The lane counts the ISAs' panels have get a loop of constant length; any other the general one. */
template <class F>
inline void lanes_dispatch(size_t lanes, F f) {
  switch (lanes) {
    case 4:
      return f(std::integral_constant<size_t, 4>());
    case 6:
      return f(std::integral_constant<size_t, 6>());
    case 8:
      return f(std::integral_constant<size_t, 8>());
    case 12:
      return f(std::integral_constant<size_t, 12>());
    case 16:
      return f(std::integral_constant<size_t, 16>());
    case 32:
      return f(std::integral_constant<size_t, 32>());
    default:
      return f(std::integral_constant<size_t, 0>());
  }
}

/* Y = A^T M A + bias of W tiles from i: y00 y01 / y10 y11. load(p) reads the W tiles' values at p. */
template <class T, class Load>
inline void output_y(typename T::V* y, const float* __restrict m, size_t xs, size_t i, typename T::V b, Load load) {
  using V = typename T::V;
  V sm[4], df[4];
  for (size_t a = 0; a < 4; ++a) {
    const V m0 = load(m + (4 * a) * xs + i), m1 = load(m + (4 * a + 1) * xs + i);
    const V m2 = load(m + (4 * a + 2) * xs + i), m3 = load(m + (4 * a + 3) * xs + i);
    sm[a] = (m0 + m1) + m2;
    df[a] = (m1 - m2) - m3;
  }
  y[0] = ((sm[0] + sm[1]) + sm[2]) + b;
  y[1] = ((df[0] + df[1]) + df[2]) + b;
  y[2] = ((sm[1] - sm[2]) - sm[3]) + b;
  y[3] = ((df[1] - df[2]) - df[3]) + b;
}

/* T::W tiles a step, each output row getting the two columns of every tile interleaved; fewer
 * than W left, in one more step with masked loads and partial stores (T::kMasked: 6 of the
 * 14 tiles of a 28-column row had gone one at a time); an odd last column a tile at a time. */
template <class T>
void output(float* __restrict r0, float* __restrict r1, size_t cols, const float* __restrict m, size_t xs, float bias) {
  using V = typename T::V;
  const size_t pairs = cols / 2;
  size_t i = 0;
  const V b = T::set1(bias);
  const auto load = [](const float* p) { return T::load(p); };
  for (; i + T::W <= pairs; i += T::W) {
    V y[4];
    output_y<T>(y, m, xs, i, b, load);
    T::store_pairs(r0 + 2 * i, y[0], y[1]);
    T::store_pairs(r1 + 2 * i, y[2], y[3]);
  }
  if constexpr (T::kMasked) {
    if (i < pairs) {
      const size_t n = pairs - i;
      V y[4];
      output_y<T>(y, m, xs, i, b, [n](const float* p) { return T::load_first(p, n); });
      T::store_pairs_first(r0 + 2 * i, y[0], y[1], n);
      T::store_pairs_first(r1 + 2 * i, y[2], y[3], n);
      i = pairs;
    }
  }
  const auto load1 = [](const float* p) { return *p; };
  for (; i < pairs; ++i) {
    float y[4];
    output_y<ScalarTiles>(y, m, xs, i, bias, load1);
    ScalarTiles::store_pairs(r0 + 2 * i, y[0], y[1]);
    ScalarTiles::store_pairs(r1 + 2 * i, y[2], y[3]);
  }
  if (cols % 2 != 0) { /* an odd last column */
    float y[4];
    output_y<ScalarTiles>(y, m, xs, pairs, bias, load1);
    r0[2 * pairs] = y[0];
    r1[2 * pairs] = y[2];
  }
}

template <class T>
void transpose(float* __restrict d, size_t ld, const float* __restrict s, size_t ss, size_t rows, size_t cols) {
  size_t i0 = 0;
  for (; i0 + 8 <= rows; i0 += 8) {
    size_t k0 = 0;
    for (; k0 + 8 <= cols; k0 += 8) T::transpose8x8(d + k0 * ld + i0, ld, s + i0 * ss + k0, ss);
    for (; k0 + 4 <= cols; k0 += 4) {
      T::transpose4x4(d + k0 * ld + i0, ld, s + i0 * ss + k0, ss);
      T::transpose4x4(d + k0 * ld + i0 + 4, ld, s + (i0 + 4) * ss + k0, ss);
    }
    for (size_t k = k0; k < cols; ++k)
      for (size_t i = i0; i < i0 + 8; ++i) d[k * ld + i] = s[i * ss + k];
  }
  for (; i0 + 4 <= rows; i0 += 4) {
    size_t k0 = 0;
    for (; k0 + 4 <= cols; k0 += 4) T::transpose4x4(d + k0 * ld + i0, ld, s + i0 * ss + k0, ss);
    for (size_t k = k0; k < cols; ++k)
      for (size_t i = i0; i < i0 + 4; ++i) d[k * ld + i] = s[i * ss + k];
  }
  for (size_t k = 0; k < cols; ++k)
    for (size_t i = i0; i < rows; ++i) d[k * ld + i] = s[i * ss + k];
}

}  // namespace wino_f2
}  // namespace

#define DN_DEFINE_WINO(isa, T)                                                                                       \
  extern "C" void dn_f32_wino_transpose__##isa(float* d, size_t ld, const float* s, size_t ss, size_t rows,          \
                                               size_t cols) {                                                        \
    wino_f2::transpose<T::Out>(d, ld, s, ss, rows, cols);                                                            \
  }                                                                                                                  \
  extern "C" void dn_f32_wino_input__##isa(float* v, size_t vs, size_t vstep, const float* const* rows,              \
                                           const size_t* rstep, size_t nch, long long lo, long long hi, size_t run,  \
                                           size_t width) {                                                           \
    wino_f2::input<T::In>(v, vs, vstep, rows, rstep, nch, lo, hi, run, width);                                       \
  }                                                                                                                  \
  extern "C" void dn_f32_wino_lanes_input__##isa(float* v, size_t vs, const float* rows, size_t rs, size_t lanes,    \
                                                 size_t run) {                                                       \
    wino_f2::lanes_dispatch(lanes,                                                                                   \
                            [&](auto k) { wino_f2::lanes_input<decltype(k)::value>(v, vs, rows, rs, lanes, run); }); \
  }                                                                                                                  \
  extern "C" void dn_f32_wino_lanes_grad__##isa(float* v, size_t vs, const float* rows, size_t rs, size_t lanes,     \
                                                size_t run, double* sums) {                                          \
    wino_f2::lanes_dispatch(                                                                                         \
        lanes, [&](auto k) { wino_f2::lanes_grad<decltype(k)::value>(v, vs, rows, rs, lanes, run, sums); });         \
  }                                                                                                                  \
  extern "C" void dn_f32_wino_output__##isa(float* r0, float* r1, size_t cols, const float* m, size_t xs,            \
                                            float bias) {                                                            \
    wino_f2::output<T::Out>(r0, r1, cols, m, xs, bias);                                                              \
  }
