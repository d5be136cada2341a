// The direct convolution kernels (contract in conv_direct.h), written once over a traits type T
// of conv_direct_simd.h and instantiated by conv_direct_<isa>.cc. Steps of 16 output columns
// (T::kVecs vectors); the forward pass reads inside its (padded) plane only, the weight
// gradient masks off the columns whose input lies outside the plane, never reading them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "conv_direct.h"

namespace dn::conv::direct {

constexpr std::size_t kStep = 16;  // output columns a step (the contract's vector of columns)

// Per output row: the input row each tap reads and its column shift, so the accumulation is
// one flat loop over the taps and the accumulators stay in registers.
struct RowTaps {
  const float* row[DN_CONV_DIRECT_MAX_TAPS];
  long long shift[DN_CONV_DIRECT_MAX_TAPS];
};

inline void row_taps(const dn_conv_direct* a, std::size_t y, RowTaps* tp) {
  std::size_t t = 0;
  for (std::size_t c = 0; c < a->cin; ++c)
    for (std::size_t j = 0; j < a->kh; ++j) {
      const long long iy = static_cast<long long>(y) - a->pt + static_cast<long long>(j * a->dh);
      const float* row = a->in + (c * a->h + static_cast<std::size_t>(iy)) * a->w;
      for (std::size_t l = 0; l < a->kw; ++l, ++t) {
        tp->row[t] = row;
        tp->shift[t] = static_cast<long long>(l * a->dw) - a->pl;
      }
    }
}

// The lanes of a vector of L output columns from x whose input column x + shift lies in
// [0, w) and that are < ow, as [lo, hi).
template <class T>
inline typename T::M lanes(long long x, long long shift, long long w, long long ow) {
  constexpr long long L = static_cast<long long>(T::kLanes);
  long long lo = -(x + shift), hi = w - (x + shift);
  if (ow - x < hi) hi = ow - x;
  lo = lo < 0 ? 0 : lo > L ? L : lo;
  hi = hi < lo ? lo : hi > L ? L : hi;
  return T::lanes(lo, hi);
}

// A masked-off lane's address may lie before the row: formed as an integer, never read.
inline const float* at(const float* row, long long col) {
  return reinterpret_cast<const float*>(reinterpret_cast<std::uintptr_t>(row) +
                                        static_cast<std::uintptr_t>(col) * sizeof(float));
}

// Channels k0 .. k0 + R - 1 of one step at column x of output row o (ncols of its columns
// inside the row): every tap's columns lie inside the plane (the contract), plain loads.
template <class T, std::size_t R>
inline void forward_step(const dn_conv_direct* a, const RowTaps& tp, std::size_t taps, long long x, std::size_t k0,
                         float* o, std::size_t plane, long long ncols) {
  using V = typename T::V;
  constexpr std::size_t NV = T::kVecs, L = T::kLanes;
  V acc[R][NV];
#pragma GCC unroll 16
  for (std::size_t k = 0; k < R; ++k)
#pragma GCC unroll 2
    for (std::size_t v = 0; v < NV; ++v) acc[k][v] = T::zero();
  const float* wt = a->wpack + k0;
  for (std::size_t t = 0; t < taps; ++t, wt += DN_CONV_DIRECT_LANES) {
    V in[NV];
#pragma GCC unroll 2
    for (std::size_t v = 0; v < NV; ++v) in[v] = T::load(tp.row[t] + x + tp.shift[t] + static_cast<long long>(v * L));
#pragma GCC unroll 16
    for (std::size_t k = 0; k < R; ++k) {
      const V wk = T::set1(wt[k]);
#pragma GCC unroll 2
      for (std::size_t v = 0; v < NV; ++v) acc[k][v] = T::fmadd(wk, in[v], acc[k][v]);
    }
  }
  // A constant trip count: indexing acc by a run-time bound would keep it in memory.
#pragma GCC unroll 16
  for (std::size_t k = 0; k < R; ++k) {
    if (k0 + k >= a->nk) break;
#pragma GCC unroll 2
    for (std::size_t v = 0; v < NV; ++v) {
      V r = acc[k][v];
      if (a->bias) r = T::add(r, T::set1(a->bias[k0 + k]));
      const long long n = ncols - static_cast<long long>(v * L);
      float* dst = o + (k0 + k) * plane + v * L;
      if (n >= static_cast<long long>(L)) {
        T::store(dst, r);
      } else if (n > 0) {
        T::mask_store(dst, T::lanes(0, n), r);
      }
    }
  }
}

template <class T>
void forward(const dn_conv_direct* a) {
  constexpr std::size_t R = T::kChans, B = DN_CONV_DIRECT_LANES;
  static_assert(T::kLanes * T::kVecs == kStep && R <= B, "a step is 16 columns of at most 16 channels");
  const std::size_t plane = a->oh * a->ow, taps = a->cin * a->kh * a->kw;
  const long long ow = static_cast<long long>(a->ow);
  RowTaps tp;
  for (std::size_t y = a->y0; y < a->y1; ++y) {
    row_taps(a, y, &tp);
    float* o = a->out + y * a->ow;
    for (long long x = 0; x < ow; x += kStep) {
      const long long n = ow - x;
      std::size_t k0 = 0;
      for (; k0 + R <= B && k0 < a->nk; k0 += R) forward_step<T, R>(a, tp, taps, x, k0, o + x, plane, n);
      if constexpr (B % R != 0) {
        if (k0 < a->nk) forward_step<T, B % R>(a, tp, taps, x, k0, o + x, plane, n);
      }
    }
  }
}

// kWTaps taps and kWChans channels a pass over the rows: their partial sums, output-gradient
// vectors and input vectors in registers (more channels at once read more output-gradient
// planes, a power of two apart for 32 x 32 images: more lines than the L1's ways).
template <class T>
void weight_grad(const dn_conv_direct_wgrad* a) {
  using V = typename T::V;
  using M = typename T::M;
  constexpr std::size_t NT = T::kWTaps, NC = T::kWChans, NV = T::kVecs, L = T::kLanes;
  const std::size_t plane = a->oh * a->ow, taps = a->cin * a->kh * a->kw, khw = a->kh * a->kw;
  const long long w = static_cast<long long>(a->w), ow = static_cast<long long>(a->ow);
  for (std::size_t t = 0; t < taps; t += NT) {
    const std::size_t nt = taps - t < NT ? taps - t : NT;
    // Each tap's plane, input row for output row 0, and column shift.
    const float* plane_in[NT];
    long long row0[NT], shift[NT];
    for (std::size_t u = 0; u < NT; ++u) {
      const std::size_t tt = u < nt ? t + u : t, c = tt / khw, j = (tt / a->kw) % a->kh, l = tt % a->kw;
      plane_in[u] = a->in + c * a->h * a->w;
      row0[u] = static_cast<long long>(j * a->dh) - a->pt;
      shift[u] = static_cast<long long>(l * a->dw) - a->pl;
    }
    for (std::size_t k0 = 0; k0 < a->nk; k0 += NC) {
      const std::size_t nk = a->nk - k0 < NC ? a->nk - k0 : NC;
      V s[NT][NC][NV];
#pragma GCC unroll 4
      for (std::size_t u = 0; u < NT; ++u)
#pragma GCC unroll 4
        for (std::size_t i = 0; i < NC; ++i)
#pragma GCC unroll 2
          for (std::size_t v = 0; v < NV; ++v)
            s[u][i][v] = u < nt && i < nk ? T::load(a->acc + ((t + u) * 16 + k0 + i) * 16 + v * L) : T::zero();
      // Column steps outside, rows inside: the lane masks are fixed along a step's rows.
      for (long long x = 0; x < ow; x += kStep) {
        M m[NV], mu[NT][NV];
#pragma GCC unroll 2
        for (std::size_t v = 0; v < NV; ++v) {
          const long long xv = x + static_cast<long long>(v * L);
          m[v] = lanes<T>(xv, 0, ow, ow);
#pragma GCC unroll 4
          for (std::size_t u = 0; u < NT; ++u) mu[u][v] = u < nt ? lanes<T>(xv, shift[u], w, ow) : T::none();
        }
        const float* d = a->dy + k0 * plane + x;
        for (std::size_t y = a->y0; y < a->y1; ++y) {
#pragma GCC unroll 2
          for (std::size_t v = 0; v < NV; ++v) {
            V g[NC], in[NT];
#pragma GCC unroll 4
            for (std::size_t i = 0; i < NC; ++i)
              g[i] = T::maskz_load(i < nk ? m[v] : T::none(), d + i * plane + y * ow + v * L);
#pragma GCC unroll 4
            for (std::size_t u = 0; u < NT; ++u) {
              const long long iy = static_cast<long long>(y) + row0[u];
              const M mv = iy >= 0 && iy < static_cast<long long>(a->h) ? mu[u][v] : T::none();
              in[u] = T::maskz_load(mv, at(plane_in[u], iy * w + x + static_cast<long long>(v * L) + shift[u]));
            }
#pragma GCC unroll 4
            for (std::size_t u = 0; u < NT; ++u)
#pragma GCC unroll 4
              for (std::size_t i = 0; i < NC; ++i) s[u][i][v] = T::fmadd(g[i], in[u], s[u][i][v]);
          }
        }
      }
#pragma GCC unroll 4
      for (std::size_t u = 0; u < NT; ++u)
#pragma GCC unroll 4
        for (std::size_t i = 0; i < NC; ++i)
#pragma GCC unroll 2
          for (std::size_t v = 0; v < NV; ++v)
            if (u < nt && i < nk) T::store(a->acc + ((t + u) * 16 + k0 + i) * 16 + v * L, s[u][i][v]);
    }
  }
}

}  // namespace dn::conv::direct
