/* The stride-2 Winograd backward-data transforms on 2x2-output tiles (contract in
 * winograd_stride2_transforms.h), written once over a traits type T (winograd_stride2_simd.h)
 * with the forward ones (winograd_stride2_kernels.h, whose helpers they use); every T does the
 * same additions in the same order on every value, so every ISA gives the same bits.
 * DN_DEFINE_WINO_STRIDE2(isa, T) emits the extern "C" functions of both from one .cc file per
 * ISA. */
#pragma once

#include <stddef.h>

#include "winograd_stride2_kernels.h"

namespace {
namespace wino_s2 {

/* B^T D B of W tiles from their 3 window rows x[q][c] (column 2k + c); point p to store(p, value). */
template <class V, class Store>
inline void dinput_z(V x[3][3], Store store) {
  V z[3][3]; /* z[a][c]: transform a down column 2k + c */
  for (int c = 0; c < 3; ++c) {
    z[0][c] = x[0][c] - x[1][c];
    z[1][c] = x[1][c];
    z[2][c] = x[2][c] - x[1][c];
  }
  for (int a = 0; a < 3; ++a) {
    store(3 * a + 0, z[a][0] - z[a][1]);
    store(3 * a + 1, z[a][1]);
    store(3 * a + 2, z[a][2] - z[a][1]);
  }
}

/* Tile i of channel ch (columns 2i .. 2i + 2, zero outside [lo, hi)). */
inline void dinput_tile(float* __restrict vc, const size_t* o, const float* const* rows, const size_t* rstep, size_t ch,
                        long long lo, long long hi, size_t i) {
  float x[3][3];
  for (int c = 0; c < 3; ++c) {
    const long long col = (long long)(2 * i) + c;
    for (int q = 0; q < 3; ++q) x[q][c] = col >= lo && col < hi ? *row_at(rows[q], ch, rstep[q], col) : 0.0f;
  }
  dinput_z<float>(x, [&](int p, float t) { vc[o[p] + i] = t; });
}

template <class T>
inline void dinput_block(float* __restrict vc, const size_t* o, const float* const* rows, const size_t* rstep,
                         size_t ch, long long c0, const typename T::Cols& cm, typename T::Mask m) {
  using V = typename T::V;
  V x[3][3]; /* x[q][c]: row q */
  for (int q = 0; q < 3; ++q) T::split2(row_at(rows[q], ch, rstep[q], c0), cm, x[q]);
  dinput_z<V>(x, [&](int p, V t) { T::store(vc + o[p], m, t); });
}

template <class T>
void dinput(float* __restrict v, const size_t* off, size_t vstep, const float* const* rows, const size_t* rstep,
            size_t nch, long long lo, long long hi, size_t run) {
  constexpr size_t W = T::W;
  size_t o[9];
  for (size_t p = 0; p < 9; ++p) o[p] = off[p];
  if constexpr (T::kMasked) { /* all channels of a group before the next (the masks are the group's) */
    for (size_t i = 0; i < run; i += W) {
      const size_t n = run - i < W ? run - i : W;
      const long long c0 = (long long)(2 * i), end = c0 + (long long)(2 * n + 1);
      const typename T::Cols cm = T::cols(c0, lo, hi < end ? hi : end);
      for (size_t ch = 0; ch < nch; ++ch) dinput_block<T>(v + ch * vstep + i, o, rows, rstep, ch, c0, cm, T::tiles(n));
    }
  } else { /* W tiles a step where their 2W + 1 columns all lie in [lo, hi); the rest one at a time */
    for (size_t ch = 0; ch < nch; ++ch) {
      float* vc = v + ch * vstep;
      size_t i = 0;
      for (; i < run && (long long)(2 * i) < lo; ++i) dinput_tile(vc, o, rows, rstep, ch, lo, hi, i);
      for (; i + W <= run && (long long)(2 * i + 2 * W + 1) <= hi; i += W)
        dinput_block<T>(vc + i, o, rows, rstep, ch, (long long)(2 * i), typename T::Cols{}, T::tiles(W));
      for (; i < run; ++i) dinput_tile(vc, o, rows, rstep, ch, lo, hi, i);
    }
  }
}

/* Per axis, a tile's 4 input gradients x from its 5 products t: a tile that starts on an even
 * position (phases E O E O: the odd phase on points 1 and 2) or on an odd one (O E O E: the odd
 * phase on points 0 and 1), see winograd_stride2_transforms.h. */
template <class V>
inline void d4(V* x, const V* t, bool odd) {
  if (!odd) {
    x[0] = t[0] + t[1];
    x[1] = t[3];
    x[2] = t[1] + t[2];
    x[3] = t[3] + t[4];
  } else {
    x[0] = t[3] + t[4];
    x[1] = t[0] + t[1];
    x[2] = t[4];
    x[3] = t[1] + t[2];
  }
}

/* W tiles' 4x4 blocks from their products (slot s from load(s)), down first; row q to
 * store(q, x) with x[c] its column c. */
template <class V, class Load, class Store>
inline void doutput_x(Load load, unsigned parity, Store store) {
  V z[4][5]; /* z[q][b]: output row q of slot column b */
  for (int b = 0; b < 5; ++b) {
    V t[5], d[4];
    for (int a = 0; a < 5; ++a) t[a] = load(5 * a + b);
    d4(d, t, parity & 1u);
    for (int q = 0; q < 4; ++q) z[q][b] = d[q];
  }
  for (int q = 0; q < 4; ++q) {
    V x[4];
    d4(x, z[q], parity & 2u);
    store(q, x);
  }
}

/* Tile i's 4x4 block, only columns in [lo, hi) written. */
inline void doutput_tile(float* const* rows, const size_t* rstep, size_t ch, long long lo, long long hi,
                         const float* __restrict mc, const size_t* o, size_t i, unsigned parity) {
  doutput_x<float>([&](int s) { return mc[o[s] + i]; }, parity,
                   [&](int q, const float* x) {
                     for (int c = 0; c < 4; ++c) {
                       const long long col = (long long)(4 * i) + c;
                       if (col >= lo && col < hi) *row_at(rows[q], ch, rstep[q], col) = x[c];
                     }
                   });
}

template <class T>
inline void doutput_block(float* const* rows, const size_t* rstep, size_t ch, long long c0, const float* __restrict mc,
                          const size_t* o, typename T::Mask lm, const typename T::Cols& sm, unsigned parity) {
  using V = typename T::V;
  doutput_x<V>([&](int s) { return T::load(mc + o[s], lm); }, parity,
               [&](int q, const V* x) { T::store_row4(row_at(rows[q], ch, rstep[q], c0), sm, x); });
}

/* parity a constant: each tile's additions chosen once per call, not per value. */
template <class T, unsigned parity>
void doutput_p(float* const* rows, const size_t* rstep, long long lo, long long hi, const float* __restrict m,
               const size_t* off, size_t mstep, size_t nch, size_t run) {
  constexpr size_t W = T::W;
  size_t o[25];
  for (size_t s = 0; s < 25; ++s) o[s] = off[s];
  if constexpr (T::kMasked) { /* all channels of a group before the next, stores masked to [lo, hi) */
    for (size_t i = 0; i < run; i += W) {
      const size_t n = run - i < W ? run - i : W;
      const long long c0 = (long long)(4 * i);
      const typename T::Cols sm = T::cols(c0, lo, hi);
      for (size_t ch = 0; ch < nch; ++ch)
        doutput_block<T>(rows, rstep, ch, c0, m + ch * mstep + i, o, T::tiles(n), sm, parity);
    }
  } else { /* W tiles a step where their 4W columns all lie in [lo, hi); the rest one at a time */
    for (size_t ch = 0; ch < nch; ++ch) {
      const float* mc = m + ch * mstep;
      size_t i = 0;
      for (; i < run && (long long)(4 * i) < lo; ++i) doutput_tile(rows, rstep, ch, lo, hi, mc, o, i, parity);
      for (; i + W <= run && (long long)(4 * i + 4 * W) <= hi; i += W)
        doutput_block<T>(rows, rstep, ch, (long long)(4 * i), mc + i, o, T::tiles(W), typename T::Cols{}, parity);
      for (; i < run; ++i) doutput_tile(rows, rstep, ch, lo, hi, mc, o, i, parity);
    }
  }
}

template <class T>
void doutput(float* const* rows, const size_t* rstep, long long lo, long long hi, const float* __restrict m,
             const size_t* off, size_t mstep, size_t nch, size_t run, unsigned parity) {
  switch (parity & 3u) {
    case 0:
      return doutput_p<T, 0>(rows, rstep, lo, hi, m, off, mstep, nch, run);
    case 1:
      return doutput_p<T, 1>(rows, rstep, lo, hi, m, off, mstep, nch, run);
    case 2:
      return doutput_p<T, 2>(rows, rstep, lo, hi, m, off, mstep, nch, run);
    default:
      return doutput_p<T, 3>(rows, rstep, lo, hi, m, off, mstep, nch, run);
  }
}

}  // namespace wino_s2
}  // namespace

#define DN_DEFINE_WINO_STRIDE2(isa, T)                                                                              \
  extern "C" void dn_f32_wino_stride2_input__##isa(float* v, const size_t* off, size_t vstep,                       \
                                                   const float* const* rows, const size_t* rstep, size_t nch,       \
                                                   long long lo, long long hi, size_t run) {                        \
    wino_s2::input<T>(v, off, vstep, rows, rstep, nch, lo, hi, run);                                                \
  }                                                                                                                 \
  extern "C" void dn_f32_wino_stride2_output__##isa(float* r0, float* r1, size_t step0, size_t step1, size_t cols,  \
                                                    const float* m, size_t mstep, size_t xs, const float* bias,     \
                                                    size_t nch) {                                                   \
    wino_s2::output<T>(r0, r1, step0, step1, cols, m, mstep, xs, bias, nch);                                        \
  }                                                                                                                 \
  extern "C" void dn_f32_wino_stride2_dinput__##isa(float* v, const size_t* off, size_t vstep,                      \
                                                    const float* const* rows, const size_t* rstep, size_t nch,      \
                                                    long long lo, long long hi, size_t run) {                       \
    wino_s2::dinput<T>(v, off, vstep, rows, rstep, nch, lo, hi, run);                                               \
  }                                                                                                                 \
  extern "C" void dn_f32_wino_stride2_doutput__##isa(float* const* rows, const size_t* rstep, long long lo,         \
                                                     long long hi, const float* m, const size_t* off, size_t mstep, \
                                                     size_t nch, size_t run, unsigned parity) {                     \
    wino_s2::doutput<T>(rows, rstep, lo, hi, m, off, mstep, nch, run, parity);                                      \
  }                                                                                                                 \
  extern "C" void dn_f32_wino_stride2_lanes_input__##isa(float* v, const size_t* off, const float* rows, size_t rs, \
                                                         size_t lanes, size_t run) {                                \
    size_t o[25];                                                                                                   \
    for (size_t s = 0; s < 25; ++s) o[s] = off[s];                                                                  \
    wino_f2::lanes_dispatch(lanes,                                                                                  \
                            [&](auto k) { wino_s2::lanes_input<decltype(k)::value>(v, o, rows, rs, lanes, run); }); \
  }                                                                                                                 \
  extern "C" void dn_f32_wino_stride2_lanes_grad__##isa(float* v, size_t vs, const float* rows, size_t rs,          \
                                                        size_t lanes, size_t run, double* sums) {                   \
    wino_f2::lanes_dispatch(                                                                                        \
        lanes, [&](auto k) { wino_s2::lanes_grad<decltype(k)::value>(v, vs, rows, rs, lanes, run, sums); });        \
  }
