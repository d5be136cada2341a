// What the three passes of the stride-2 Winograd convolution (winograd_stride2.cc,
// winograd_stride2_backward.cc) share: where each of a tile's transformed values goes (its point
// and phase pair), the weights' transforms, and the GEMM panels' offsets. Baseline code only
// (included by translation units built without ISA flags).
#pragma once

#include <algorithm>
#include <cstddef>

#include "../../runtime/thread_pool.h"
#include "scratch.h"
#include "winograd.h"
#include "winograd_common.h"

namespace dn::conv::stride2 {

using std::size_t;
using wino::ceil_div;

// Tiles of 2x2 outputs (the three passes) take 9 points and 25 values a tile; tiles of 4x4
// (the forward pass where they pay, winograd_stride2_tile) 25 and 81.
inline constexpr size_t kPoints = 9, kSlots = 25, kMaxPoints = 25, kMaxSlots = 81;

// Along an axis: each of a tile's transformed values' phase (0 even, 1 odd) and the point it
// lies on, and how many phases reach each point.
struct Axis {
  size_t values, points;
  const size_t* phase;
  const size_t* point;
  const size_t* phases;
};
// Tiles of 2: values 0 1 2 are the even phase (on points 0 1 2) and 3 4 the odd one.
inline const size_t kPhase2[5] = {0, 0, 0, 1, 1};
// The odd phase on points 0 and 1: the forward pass and the weight gradient, and backward-data
// along an axis whose tiles start on an odd position (the odd phase's tap then reads the first
// two of the three output-gradient values, as in the forward pass).
inline const size_t kPoint01[5] = {0, 1, 2, 0, 1}, kPhases01[3] = {2, 2, 1};
// The odd phase on points 1 and 2: backward-data along an axis whose tiles start on an even
// position (the odd phase's tap reads the last two).
inline const size_t kPoint12[5] = {0, 1, 2, 1, 2}, kPhases12[3] = {1, 2, 2};
inline const Axis kAxis01{5, 3, kPhase2, kPoint01, kPhases01}, kAxis12{5, 3, kPhase2, kPoint12, kPhases12};
// Tiles of 4: values 0..4 the even phase on points 0 1 -1 2 inf, 5..8 the odd one on the first four.
inline const size_t kPhase4[9] = {0, 0, 0, 0, 0, 1, 1, 1, 1}, kPoint4[9] = {0, 1, 2, 3, 4, 0, 1, 2, 3};
inline const size_t kPhases4[5] = {2, 2, 2, 2, 1};
inline const Axis kAxis4{9, 5, kPhase4, kPoint4, kPhases4};

// Where each of a tile's transformed values (slot a * across.values + b: a down, b across)
// goes: its point (one of the GEMMs) and its row in that GEMM's depth (forward) or height
// (backward-data), counted in whole channel ranges.
struct Slots {
  size_t slots, points;
  size_t point[kMaxSlots], index[kMaxSlots];  // index: the slot's channel range within its point
  size_t depth[kMaxPoints];                   // channel ranges at each point (4, 2 or 1)
  Slots(Axis down, Axis across) : slots(down.values * across.values), points(down.points * across.points) {
    for (size_t a = 0; a < down.values; ++a)
      for (size_t b = 0; b < across.values; ++b) {
        const size_t k = across.values * a + b;
        point[k] = across.points * down.point[a] + across.point[b];
        index[k] = down.phase[a] * across.phases[across.point[b]] + across.phase[b];
      }
    for (size_t p = 0; p < down.points; ++p)
      for (size_t q = 0; q < across.points; ++q) depth[across.points * p + q] = down.phases[p] * across.phases[q];
  }
};

// Output tiles (m x m blocks of outputs).
inline wino::Tiles tiles(const Wino3x3& s, size_t m) { return wino::Tiles(s.n, ceil_div(s.oh, m), ceil_div(s.ow, m)); }

// The 25 transformed weights u(a, b) of (o, i) for tiles of 2, a down, b across: per axis w0,
// w0 + w2, w2, w1, w1, or (flip) the same of the reversed taps w2, w0 + w2, w0, w1, w1.
inline void weight_transform(const float* src, bool flip, float* u) {
  float t[5][3];
  for (size_t l = 0; l < 3; ++l) {
    const float w0 = src[(flip ? 2 : 0) * 3 + l], w1 = src[3 + l], w2 = src[(flip ? 0 : 2) * 3 + l];
    t[0][l] = w0, t[1][l] = w0 + w2, t[2][l] = w2, t[3][l] = w1, t[4][l] = w1;
  }
  for (size_t a = 0; a < 5; ++a) {
    const float w0 = t[a][flip ? 2 : 0], w1 = t[a][1], w2 = t[a][flip ? 0 : 2];
    float* d = u + 5 * a;
    d[0] = w0, d[1] = w0 + w2, d[2] = w2, d[3] = w1, d[4] = w1;
  }
}

// The 81 transformed weights u(a, b) = (G W G^T)(a, b) of a kernel W for tiles of 4 (a down, b
// across), computed in double and rounded once. Per axis (taps w0 w1 w2) G gives the even
// phase's filter (w0 w2) on points 0 1 -1 2 inf and the odd phase's (w1 0) on the first four,
// each point's value divided by the factor its row of the input transform was scaled by
// (2 2 6 6 1), so that transform has only small integers (winograd_stride2_transforms.h):
//   w0 / 2, (w0 + w2) / 2, (w0 - w2) / 6, (w0 + 2 w2) / 6, w2 | w1 / 2, w1 / 2, w1 / 6, w1 / 6.
template <class V>
inline void g9(V* t, V w0, V w1, V w2) {  // per axis, G's 9 values of taps (w0 w1 w2)
  const double sixth = 1.0 / 6;           // (in double, far below the float result's rounding)
  t[0] = w0 * 0.5, t[1] = (w0 + w2) * 0.5, t[2] = (w0 - w2) * sixth, t[3] = (w0 + 2 * w2) * sixth, t[4] = w2;
  t[5] = w1 * 0.5, t[6] = t[5], t[7] = w1 * sixth, t[8] = t[7];
}
// n <= kRows kernels at once (kernel r's 9 taps at src[r]): value k of kernel r to
// u[k * ld + r]. Kernels innermost, so that the arithmetic runs across them in vectors.
inline constexpr size_t kRows = 16;
inline void weight_transform4(const float* const* src, size_t n, float* u, size_t ld) {
  double w[9][kRows] = {};
  for (size_t r = 0; r < n; ++r)
    for (size_t t = 0; t < 9; ++t) w[t][r] = src[r][t];
  double across[3][9][kRows];  // each tap row across
  for (size_t j = 0; j < 3; ++j)
    for (size_t r = 0; r < kRows; ++r) {
      double t[9];
      g9(t, w[3 * j][r], w[3 * j + 1][r], w[3 * j + 2][r]);
      for (size_t b = 0; b < 9; ++b) across[j][b][r] = t[b];
    }
  for (size_t b = 0; b < 9; ++b)
    for (size_t r = 0; r < kRows; ++r) {
      double d[9];
      g9(d, across[0][b][r], across[1][b][r], across[2][b][r]);
      for (size_t a = 0; a < 9; ++a)
        if (r < n) u[(9 * a + b) * ld + r] = static_cast<float>(d[a]);
    }
}

// Panels of a pass's GEMMs laid one after the other; first[p] is where point p's begin.
struct Offsets {
  size_t first[kMaxPoints], total;
  template <class F>
  Offsets(size_t points, F&& size) : total(0) {
    for (size_t p = 0; p < points; ++p) first[p] = total, total += size(p);
  }
};

// Backward-data's weights: every (o, i) kernel's 25 transformed values (taps reversed), value
// k written at up[at(o, i, k)] of a zeroed buffer of `floats`.
template <class At>
const float* pack_flipped_weights(const float* weight, const Wino3x3& s, size_t floats, At&& at) {
  float* up = scratch(Scratch::weights, floats);
  std::fill_n(up, floats, 0.0f);
  parallel_range(s.cout, 16, 1, [&](size_t o0, size_t o1) {
    for (size_t o = o0; o < o1; ++o)
      for (size_t i = 0; i < s.cin; ++i) {
        float u[kSlots];
        weight_transform(weight + o * s.w_o + i * s.w_i, true, u);
        for (size_t k = 0; k < kSlots; ++k) up[at(o, i, k)] = u[k];
      }
  });
  return up;
}

}  // namespace dn::conv::stride2
