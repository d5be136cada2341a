#include "winograd_s2.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "../gemm/gemm.h"
#include "reduction.h"
#include "scratch.h"
#include "winograd_common.h"

namespace dn::conv {
namespace {

using std::size_t;
using wino::block_tiles;
using wino::ceil_div;
using wino::for_each_run;
using wino::kPlanePad;
using wino::rows_to_lanes;
using wino::RunScratch;

// Tiles of 2x2 outputs (the three passes) take 9 points and 25 values a tile; tiles of 4x4
// (the forward pass where they pay, winograd_s2_tile) 25 and 81.
constexpr size_t kPoints = 9, kSlots = 25, kMaxPoints = 25, kMaxSlots = 81;

// Along an axis: each of a tile's transformed values' phase (0 even, 1 odd) and the point it
// lies on, and how many phases reach each point.
struct Axis {
  size_t values, points;
  const size_t* phase;
  const size_t* point;
  const size_t* phases;
};
// Tiles of 2: values 0 1 2 are the even phase (on points 0 1 2) and 3 4 the odd one.
const size_t kPhase2[5] = {0, 0, 0, 1, 1};
// The odd phase on points 0 and 1: the forward pass and the weight gradient, and backward-data
// along an axis whose tiles start on an odd position (the odd phase's tap then reads the first
// two of the three output-gradient values, as in the forward pass).
const size_t kPoint01[5] = {0, 1, 2, 0, 1}, kPhases01[3] = {2, 2, 1};
// The odd phase on points 1 and 2: backward-data along an axis whose tiles start on an even
// position (the odd phase's tap reads the last two).
const size_t kPoint12[5] = {0, 1, 2, 1, 2}, kPhases12[3] = {1, 2, 2};
const Axis kAxis01{5, 3, kPhase2, kPoint01, kPhases01}, kAxis12{5, 3, kPhase2, kPoint12, kPhases12};
// Tiles of 4: values 0..4 the even phase on points 0 1 -1 2 inf, 5..8 the odd one on the first four.
const size_t kPhase4[9] = {0, 0, 0, 0, 0, 1, 1, 1, 1}, kPoint4[9] = {0, 1, 2, 3, 4, 0, 1, 2, 3};
const size_t kPhases4[5] = {2, 2, 2, 2, 1};
const Axis kAxis4{9, 5, kPhase4, kPoint4, kPhases4};

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
wino::Tiles tiles(const Wino3x3& s, size_t m) { return wino::Tiles(s.n, ceil_div(s.oh, m), ceil_div(s.ow, m)); }

// The 25 transformed weights u(a, b) of (o, i) for tiles of 2, a down, b across: per axis w0,
// w0 + w2, w2, w1, w1, or (flip) the same of the reversed taps w2, w0 + w2, w0, w1, w1.
void weight_transform(const float* src, bool flip, float* u) {
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
// (2 2 6 6 1), so that transform has only small integers (winograd_s2_transforms.h):
//   w0 / 2, (w0 + w2) / 2, (w0 - w2) / 6, (w0 + 2 w2) / 6, w2 | w1 / 2, w1 / 2, w1 / 6, w1 / 6.
template <class V>
inline void g9(V* t, V w0, V w1, V w2) {  // per axis, G's 9 values of taps (w0 w1 w2)
  const double sixth = 1.0 / 6;           // (in double, far below the float result's rounding)
  t[0] = w0 * 0.5, t[1] = (w0 + w2) * 0.5, t[2] = (w0 - w2) * sixth, t[3] = (w0 + 2 * w2) * sixth, t[4] = w2;
  t[5] = w1 * 0.5, t[6] = t[5], t[7] = w1 * sixth, t[8] = t[7];
}
// n <= kRows kernels at once (kernel r's 9 taps at src[r]): value k of kernel r to
// u[k * ld + r]. Kernels innermost, so that the arithmetic runs across them in vectors.
constexpr size_t kRows = 16;
void weight_transform4(const float* const* src, size_t n, float* u, size_t ld) {
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

}  // namespace

// Measured with scripts/compare-addons.mjs against im2col + GEMM (Zen 4, one thread, batch 32
// unless said), forward / backward-data / weight gradient: 16 -> 16 channels on 16x16 2.7x /
// 1.6x / 2.9x faster; 64 -> 16 on 32x32 2.5x / 1.7x / 1.8x; 64 -> 128 on 56x56 1.5x / 1.4x /
// 1.6x; 128 -> 512 on 28x28 1.4x / 1.2x / 1.5x; 256 -> 256 on 14x14 1.07x / 1.2x / 1.4x. The
// forward and backward-data passes stream all the transformed weights (25 cin cout floats)
// once per block of tiles, which stops paying once they are well past L2: 256 -> 512 on 14x14
// ran at 0.98x / 1.2x, 512 -> 512 at 1.0x / 1.4x, and 256 -> 512 on 28x28 at batch 4 at
// 0.84x / 0.83x; so those take im2col above 8 MiB of them (the weight gradient, whose GEMMs
// run over the tiles, gained 1.2x to 1.6x on all of these and always pays).
bool winograd_s2_pays(size_t cin, size_t cout) {
  return cin >= 16 && cout >= 16 && kSlots * cin * cout * sizeof(float) <= (size_t{8} << 20);
}
bool winograd_s2_weight_grad_pays(size_t cin, size_t cout) { return cin >= 16 && cout >= 16; }
// Backward-data's GEMMs are only as deep as the output channels. With AVX-512's 32-column
// micro-kernel they still pay from 16 (16 -> 32 channels on 32x32 1.17x, 32 -> 32 1.28x,
// 32 -> 64 1.12x); with AVX2's 16 columns 32 -> 32 ran at 0.94x and 32 -> 64 at 0.91x of
// im2col, 64 -> 128 on 56x56 (batch 8) at 1.12x, so narrower micro-kernels need 128.
bool winograd_s2_backward_data_pays(size_t cin, size_t cout, size_t nr) {
  return winograd_s2_pays(cin, cout) && (nr >= 32 || cout >= 128);
}

// Tiles of 4 need 19% fewer multiplies where the output's sides are multiples of 4, more where
// they waste a partial tile (14 outputs: 16); their transforms cost about as much per output as
// those of tiles of 2, and more per multiply saved in shallow layers; and their weights take
// 3.2x the packing (81 values a channel pair against 25), a cost per call that few tiles do not
// earn back. Measured against tiles of 2 in one build (one thread, Zen 4): 64 -> 128 channels
// on 56x56 1.08x at batch 32, 1.03x at 16, 0.99-1.14x at 8, 1.01x at 6, 0.97x at 4, 0.86x at
// 2, 0.57x at 1; 32 -> 64 on 32x32 1.12x at 32, 1.06-1.08x at 16, 0.98x at 8, 0.76x at 4;
// 128 -> 128 on 32x32 1.04x at 16, 0.69x at 4; and, at batch 32, 16 -> 32 on 32x32 0.92x and
// 24 -> 24 0.87x. With AVX2 (batch 8-32) 1.03x, 1.04x, 1.48x for 64 -> 128, 32 -> 64 and
// 32 -> 32, 128 -> 128 0.99x. So: 32 input channels or more, at least 10% fewer multiplies,
// and at least 256 tiles of 4 in the call (batch 6 of 28x28 outputs, 16 of 16x16).
size_t winograd_s2_tile(size_t n, size_t cin, size_t oh, size_t ow) {
  const size_t two = 25 * ceil_div(oh, 2) * ceil_div(ow, 2), four = 81 * ceil_div(oh, 4) * ceil_div(ow, 4);
  return cin >= 32 && 10 * four <= 9 * two && n * ceil_div(oh, 4) * ceil_div(ow, 4) >= 256 ? 4 : 2;
}

void winograd_3x3_s2(float* out, const float* in, const float* weight, const float* bias, const Wino3x3& s) {
  const KernelTable& kt = active();  // one table for the whole call
  const dn_f32_gemm_config& g = kt.gemm;
  const size_t m = winograd_s2_tile(s.n, s.cin, s.oh, s.ow);  // outputs per tile side: 2 or 4
  const bool four = m == 4;
  const wino::Tiles T = tiles(s, m);
  if (T.total == 0 || s.cout == 0) return;
  const Slots sl(four ? kAxis4 : kAxis01, four ? kAxis4 : kAxis01);
  const size_t kpan = ceil_div(s.cout, g.mr), win = 2 * m + 1;  // a tile's window: win x win inputs
  size_t depth[kMaxPoints];                                     // each point's GEMM depth
  for (size_t p = 0; p < sl.points; ++p) depth[p] = sl.depth[p] * s.cin;

  // The weights as A panels, output channels down the rows: point p's at
  // up[uo.first[p] + ((o / mr) * depth[p] + index * cin + i) * mr + o % mr], zero for o >= cout.
  // (Points a cache line apart: their panels' sizes are often multiples of 4 KiB.) A panel's
  // output channels are transformed an input channel at a time into a buffer, then each
  // value's mr floats go to their place side by side: scattered a float at a time, the
  // stores took 1.2 ms of the benchmark's stride-2 layer.
  const Offsets uo(sl.points, [&](size_t p) { return kpan * depth[p] * g.mr + kPlanePad; });
  float* up = scratch(Scratch::weights, uo.total);
  parallel_for(kpan, [&](size_t panel) {
    const size_t o0 = panel * g.mr, rows = std::min(g.mr, s.cout - o0);
    std::vector<float> buf(sl.slots * g.mr, 0.0f);  // value k of row r at buf[k * mr + r]
    for (size_t i = 0; i < s.cin; ++i) {
      if (four) {
        for (size_t r0 = 0; r0 < rows; r0 += kRows) {
          const float* src[kRows];
          const size_t n = std::min(kRows, rows - r0);
          for (size_t r = 0; r < n; ++r) src[r] = weight + (o0 + r0 + r) * s.w_o + i * s.w_i;
          weight_transform4(src, n, buf.data() + r0, g.mr);
        }
      } else {
        for (size_t r = 0; r < rows; ++r) {
          float u[kSlots];
          weight_transform(weight + (o0 + r) * s.w_o + i * s.w_i, false, u);
          for (size_t k = 0; k < kSlots; ++k) buf[k * g.mr + r] = u[k];
        }
      }
      for (size_t k = 0; k < sl.slots; ++k) {
        const size_t p = sl.point[k];
        float* dst = up + uo.first[p] + (panel * depth[p] + sl.index[k] * s.cin + i) * g.mr;
        for (size_t r = 0; r < g.mr; ++r) dst[r] = buf[k * g.mr + r];
      }
    }
  });

  const size_t tb = block_tiles(sl.slots * s.cin + sl.points * kpan * g.mr, g.nr, 32 * g.nr);
  const size_t ntp = tb / g.nr, blocks = ceil_div(T.total, tb);
  // B panels of the block's tiles: point p's at vp[vo.first[p] + (tp * depth[p] + row) * nr + lane % nr];
  // products M_p (cout x tiles) at mb[p * xs + o * tb + lane].
  const Offsets vo(sl.points, [&](size_t p) { return ntp * depth[p] * g.nr + kPlanePad; });
  const size_t xs = s.cout * tb + kPlanePad;
  auto input = four ? kt.wino2_input4 : kt.wino2_input;
  parallel_for(blocks, [&](size_t blk) {
    const size_t t0 = blk * tb, t1 = std::min(T.total, t0 + tb), nt = t1 - t0;
    float* vp = scratch(Scratch::panels, vo.total);
    float* mb = scratch(Scratch::products, sl.points * xs);
    const size_t row = (win - 1) * T.tw + 1;  // a run's window row
    RunScratch sc(scratch(Scratch::run, RunScratch::floats(row, m * T.tw)), row);

    // Input transforms straight into the panels; a run is cut where it crosses a panel.
    for_each_run(T, t0, t1, [&](size_t img, size_t ty, size_t tx0, size_t run, size_t lane0) {
      const long long step = static_cast<long long>(win - 1);  // from one tile's window to the next
      const long long y0 = step * static_cast<long long>(ty) + s.oy, x0 = step * static_cast<long long>(tx0) + s.ox;
      const long long wl = static_cast<long long>(s.w);
      const long long lo = std::max(0LL, -x0);  // columns [lo, hi) of the run lie inside the plane
      const long long hi = std::max(lo, std::min(step * static_cast<long long>(run) + 1, wl - x0));
      const float* rows[9];
      size_t rstep[9];  // from one channel's row to the next one's
      wino::window_rows(in + img * s.in_image, y0, win, x0, s.h, s.w, s.h * s.w, sc.zeros, rows, rstep);
      // All channels of a piece in one call.
      wino::for_each_segment<9>(lane0, run, g.nr, rows, win - 1,
                                [&](size_t tp, size_t l, size_t cnt, const float* const* seg, long long shift) {
                                  size_t off[kMaxSlots];
                                  for (size_t k = 0; k < sl.slots; ++k) {
                                    const size_t p = sl.point[k];
                                    off[k] = vo.first[p] + (tp * depth[p] + sl.index[k] * s.cin) * g.nr + l;
                                  }
                                  input(vp, off, g.nr, seg, rstep, s.cin, lo - shift, hi - shift, cnt);
                                });
    });
    const size_t used = ceil_div(nt, g.nr);
    if (nt % g.nr != 0) {  // the last panel's lanes past the block's end: zeros, as packing gives
      const size_t l0 = nt % g.nr;
      for (size_t p = 0; p < sl.points; ++p)
        for (size_t r = 0; r < depth[p]; ++r)
          std::fill_n(vp + vo.first[p] + ((used - 1) * depth[p] + r) * g.nr + l0, g.nr - l0, 0.0f);
    }

    // The GEMMs: M_p (cout x tiles) = U_p (cout x depth) . V_p (depth x tiles).
    for (size_t p = 0; p < sl.points; ++p)
      wino::panel_gemm(g, s.cout, nt, depth[p], up + uo.first[p], vp + vo.first[p], mb + p * xs, tb);

    // Y = A^T M A (+ bias), a run at a time: m output rows per channel.
    const size_t plane = s.oh * s.ow;
    for_each_run(T, t0, t1, [&](size_t img, size_t ty, size_t tx0, size_t run, size_t lane0) {
      const size_t y0 = m * ty, x0 = m * tx0, cols = std::min(m * run, s.ow - x0);
      float* o = out + img * s.out_image + y0 * s.ow + x0;
      if (four) {
        float* rows[4];
        size_t rstep[4];
        for (size_t j = 0; j < 4; ++j) {
          const bool inside = y0 + j < s.oh;
          rows[j] = inside ? o + j * s.ow : sc.spill;
          rstep[j] = inside ? plane : 0;
        }
        kt.wino2_output4(rows, rstep, cols, mb + lane0, tb, xs, bias, s.cout);
      } else {
        const bool down = y0 + 1 < s.oh;
        kt.wino2_output(o, down ? o + s.ow : sc.spill, plane, down ? plane : 0, cols, mb + lane0, tb, xs, bias, s.cout);
      }
    });
  });
}

void winograd_3x3_s2_backward_data(float* din, const float* dout, const float* weight, const Wino3x3& s) {
  const KernelTable& kt = active();  // one table for the whole call
  const dn_f32_gemm_config& g = kt.gemm;
  const size_t plane = s.h * s.w, oplane = s.oh * s.ow;
  if (s.oh == 0 || s.ow == 0 || s.cout == 0) {
    for (size_t n = 0; n < s.n; ++n) std::fill_n(din + n * s.in_image, s.cin * plane, 0.0f);
    return;
  }
  // Tiles are 4x4 blocks of din, rows 4Z .. 4Z + 3 and columns likewise, so that the first one
  // starts on the plane's first row and column (a grid aligned to the padding instead would
  // take one more tile row and column when the padding is odd: 225 tiles an image against 196
  // for 56x56 with padding 1). Along each axis a tile then starts on the phase (even or odd,
  // counted in the padded input) of the padding, which decides where the odd phase's tap lands
  // (Axis) and how the tile's values come out (wino2_doutput's parity); its output-gradient
  // window is rows 2Z + floor((p - 1) / 2) .. + 2, p the padding (-oy).
  const wino::Tiles T(s.n, ceil_div(s.h, 4), ceil_div(s.w, 4));
  if (T.total == 0) return;
  auto floor2 = [](long long v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); };
  const bool odd_r = ((-s.oy) % 2 + 2) % 2 == 1, odd_c = ((-s.ox) % 2 + 2) % 2 == 1;
  const long long wy = floor2(-s.oy - 1), wx = floor2(-s.ox - 1);
  const unsigned parity = (odd_r ? 1u : 0u) | (odd_c ? 2u : 0u);
  const Slots sl(odd_r ? kAxis01 : kAxis12, odd_c ? kAxis01 : kAxis12);
  size_t height[kPoints];  // each point's GEMM rows: (slot, input channel)
  for (size_t p = 0; p < kPoints; ++p) height[p] = sl.depth[p] * s.cin;

  // The weights (taps reversed) as A panels, (slot, input channel) down the rows, output
  // channels the depth: point p's at up[uo.first[p] + ((row / mr) * cout + o) * mr + row % mr].
  const Offsets uo(kPoints, [&](size_t p) { return ceil_div(height[p], g.mr) * s.cout * g.mr; });
  const float* up = pack_flipped_weights(weight, s, uo.total, [&](size_t o, size_t i, size_t k) {
    const size_t p = sl.point[k], row = sl.index[k] * s.cin + i;
    return uo.first[p] + ((row / g.mr) * s.cout + o) * g.mr + row % g.mr;
  });

  const size_t tb = block_tiles(kPoints * s.cout + kSlots * s.cin, g.nr, 32 * g.nr);
  const size_t ntp = tb / g.nr, blocks = ceil_div(T.total, tb);
  // B panels (the output gradient's transforms): point p's at vp[p * vs + (tp * cout + o) * nr + lane % nr];
  // products at mb[mo.first[p] + row * tb + lane].
  const size_t vs = ntp * s.cout * g.nr + kPlanePad;
  const Offsets mo(kPoints, [&](size_t p) { return height[p] * tb + kPlanePad; });
  parallel_for(blocks, [&](size_t blk) {
    const size_t t0 = blk * tb, t1 = std::min(T.total, t0 + tb), nt = t1 - t0;
    float* vp = scratch(Scratch::panels, kPoints * vs);
    float* mb = scratch(Scratch::products, mo.total);
    RunScratch sc(scratch(Scratch::run, RunScratch::floats(2 * T.tw + 1, 4 * T.tw)), 2 * T.tw + 1);

    // The output gradient's windows.
    for_each_run(T, t0, t1, [&](size_t img, size_t ty, size_t tx0, size_t run, size_t lane0) {
      const long long y0 = 2 * static_cast<long long>(ty) + wy, x0 = 2 * static_cast<long long>(tx0) + wx;
      const long long wl = static_cast<long long>(s.ow);
      const long long lo = std::max(0LL, -x0);
      const long long hi = std::max(lo, std::min(2 * static_cast<long long>(run) + 1, wl - x0));
      const float* rows[3];
      size_t rstep[3];
      wino::window_rows(dout + img * s.out_image, y0, 3, x0, s.oh, s.ow, oplane, sc.zeros, rows, rstep);
      wino::for_each_segment<3>(lane0, run, g.nr, rows, 2,
                                [&](size_t tp, size_t l, size_t cnt, const float* const* seg, long long shift) {
                                  size_t off[kPoints];
                                  for (size_t p = 0; p < kPoints; ++p) off[p] = p * vs + tp * s.cout * g.nr + l;
                                  kt.wino2_dinput(vp, off, g.nr, seg, rstep, s.cout, lo - shift, hi - shift, cnt);
                                });
    });
    const size_t used = ceil_div(nt, g.nr);
    if (nt % g.nr != 0) {
      const size_t l0 = nt % g.nr;
      for (size_t p = 0; p < kPoints; ++p)
        for (size_t o = 0; o < s.cout; ++o)
          std::fill_n(vp + p * vs + ((used - 1) * s.cout + o) * g.nr + l0, g.nr - l0, 0.0f);
    }

    // 9 GEMMs: P_p (rows x tiles) = U_p^T (rows x cout) . D_p (cout x tiles).
    for (size_t p = 0; p < kPoints; ++p)
      wino::panel_gemm(g, height[p], nt, s.cout, up + uo.first[p], vp + p * vs, mb + mo.first[p], tb);

    // Each tile's 4x4 block of din, a run at a time; rows and columns outside the plane dropped.
    for_each_run(T, t0, t1, [&](size_t img, size_t ty, size_t tx0, size_t run, size_t lane0) {
      const long long y0 = 4 * static_cast<long long>(ty), x0 = 4 * static_cast<long long>(tx0);
      const long long wl = static_cast<long long>(s.w);
      const long long lo = std::max(0LL, -x0);
      const long long hi = std::max(lo, std::min(4 * static_cast<long long>(run), wl - x0));
      size_t off[kSlots];
      for (size_t k = 0; k < kSlots; ++k) off[k] = mo.first[sl.point[k]] + sl.index[k] * s.cin * tb + lane0;
      float* rows[4];
      size_t rstep[4];
      wino::window_rows(din + img * s.in_image, y0, 4, x0, s.h, s.w, plane, sc.spill, rows, rstep);
      kt.wino2_doutput(rows, rstep, lo, hi, mb, off, tb, s.cin, run, parity);
    });
  });
}

void winograd_3x3_s2_weight_grad(float* dweight, float* dbias, const float* dout, const float* in, const Wino3x3& s) {
  const KernelTable& kt = active();  // one table for the whole call
  const dn_f32_gemm_config& g = kt.gemm;
  const wino::Tiles T = tiles(s, 2);
  const Slots sl(kAxis01, kAxis01);
  // S_p (cout x depth) = sum over tiles of Yhat_p (cout x tiles) . V_p^T (tiles x depth), one GEMM
  // per (point, phase pair); the K dimension is the tiles, taken block by block in order.
  const size_t opan = ceil_div(s.cout, g.mr), ipan = ceil_div(s.cin, g.nr);
  const size_t tb = std::max<size_t>(1, std::min(T.total, g.kc));  // at least 1: an empty batch has no blocks
  // ap[p * axs + ((o / mr) * tb + lane) * mr + o % mr]: A dY A^T, point p;
  // bp[bo.first[p] + ((index * ipan + i / nr) * tb + lane) * nr + i % nr]: the input's transforms.
  const size_t axs = opan * g.mr * tb + kPlanePad;
  const Offsets bo(kPoints, [&](size_t p) { return sl.depth[p] * ipan * g.nr * tb + kPlanePad; });
  const size_t a_floats = kPoints * axs, b_floats = bo.total;
  // S: point p's at sums[so.first[p] + o * depth + index * cin + i], depth = sl.depth[p] * cin.
  const Offsets so(kPoints, [&](size_t p) { return sl.depth[p] * s.cin * s.cout; });
  // The sums over blocks of tiles and the bias gradient, as in winograd_3x3_weight_grad.
  constexpr size_t kSplit = 4;
  wino::TileSums ts(ceil_div(T.total, tb), so.total, dbias != nullptr ? kSplit * opan * g.mr : 0);
  // The 25 GEMMs: (point, phase pair) items, each cout x cin.
  size_t item_point[kSlots], item_index[kSlots], items = 0;
  for (size_t p = 0; p < kPoints; ++p)
    for (size_t x = 0; x < sl.depth[p]; ++x) item_point[items] = p, item_index[items] = x, ++items;

  const float* sums = ts.run([&](float* part_sums, double* bias_sums, size_t blk, bool first) {
    float* ap = scratch(Scratch::products, a_floats + b_floats);  // the panels: every lane is written
    float* bp = ap + a_floats;
    const size_t t0 = blk * tb, t1 = std::min(T.total, t0 + tb), nt = t1 - t0;
    parallel_for((opan + ipan) * kSplit, [&](size_t task) {
      const size_t piece = task % kSplit, pt = task / kSplit;
      const size_t u0 = t0 + nt * piece / kSplit, u1 = t0 + nt * (piece + 1) / kSplit;
      const bool grad = pt < opan;
      const size_t R = grad ? g.mr : g.nr, panel = grad ? pt : pt - opan;
      const size_t ch0 = panel * R, nch = std::min(R, (grad ? s.cout : s.cin) - ch0);
      double* bsum = grad && bias_sums != nullptr ? bias_sums + (piece * opan + panel) * g.mr : nullptr;
      const size_t rs = (4 * T.tw + 1) * R;  // a row of lanes
      float* lanes = scratch(Scratch::run, 5 * rs);
      std::fill_n(lanes, 5 * rs, 0.0f);
      const size_t ph = grad ? s.oh : s.h, pw = grad ? s.ow : s.w, plane = ph * pw;
      const float* src = grad ? dout + ch0 * plane : in + ch0 * plane;
      size_t off[kSlots];
      for (size_t k = 0; k < kSlots; ++k) off[k] = bo.first[sl.point[k]] + (sl.index[k] * ipan + panel) * tb * g.nr;
      for_each_run(T, u0, u1, [&](size_t img, size_t ty, size_t tx0, size_t run, size_t lane) {
        const size_t lane0 = lane + (u0 - t0);
        const long long ty2 = 2 * static_cast<long long>(ty), tx2 = 2 * static_cast<long long>(tx0);
        const long long y0 = grad ? ty2 : 2 * ty2 + s.oy, x0 = grad ? tx2 : 2 * tx2 + s.ox;
        const size_t nrows = grad ? 2 : 5, len = grad ? 2 * run : 4 * run + 1;
        const float* img_src = src + img * (grad ? s.out_image : s.in_image);
        for (size_t q = 0; q < nrows; ++q)
          rows_to_lanes(kt, lanes + q * rs, R, img_src, plane, nch, ph, pw, y0 + static_cast<long long>(q), x0, len);
        if (grad) {
          kt.wino2_lanes_grad(ap + panel * tb * R + lane0 * R, axs, lanes, rs, R, run, bsum);
        } else {
          size_t o[kSlots];
          for (size_t k = 0; k < kSlots; ++k) o[k] = off[k] + lane0 * R;
          kt.wino2_lanes_input(bp, o, lanes, rs, R, run);
        }
      });
    });
    // 25 GEMMs accumulating onto the sums of earlier blocks.
    parallel_for(items, [&](size_t it) {
      const size_t p = item_point[it], x = item_index[it], ld = sl.depth[p] * s.cin;
      dn_f32_gemm_params prm{1.0f, first ? 0.0f : 1.0f, nullptr, DN_GEMM_ACT_NONE, 0.0f, nullptr};
      float* sx = part_sums + so.first[p] + x * s.cin;
      for (size_t op = 0; op < opan; ++op) {
        const size_t mr = std::min(g.mr, s.cout - op * g.mr);
        const float* a = ap + p * axs + op * tb * g.mr;
        for (size_t ip = 0; ip < ipan; ++ip) {
          const size_t nr = std::min(g.nr, s.cin - ip * g.nr);
          g.ukernel(mr, nr, nt, a, 0, bp + bo.first[p] + (x * ipan + ip) * tb * g.nr, sx + op * g.mr * ld + ip * g.nr,
                    ld, &prm);
        }
      }
    });
  });
  if (dbias != nullptr) ts.bias(dbias, s.cout, opan * g.mr);

  // dW from the 25 sums of (o, i), the weights' transform transposed: per axis
  // dw0 = d0 + d1, dw1 = d3 + d4, dw2 = d1 + d2 (across first, then down).
  parallel_range(s.cout, 16, 1, [&](size_t o0, size_t o1) {
    for (size_t o = o0; o < o1; ++o)
      for (size_t i = 0; i < s.cin; ++i) {
        float d[5][5];
        for (size_t k = 0; k < kSlots; ++k) {
          const size_t p = sl.point[k], ld = sl.depth[p] * s.cin;
          d[k / 5][k % 5] = sums[so.first[p] + o * ld + sl.index[k] * s.cin + i];
        }
        float t[5][3];
        for (size_t a = 0; a < 5; ++a) {
          t[a][0] = d[a][0] + d[a][1];
          t[a][1] = d[a][3] + d[a][4];
          t[a][2] = d[a][1] + d[a][2];
        }
        float* dst = dweight + o * s.w_o + i * s.w_i;
        for (size_t l = 0; l < 3; ++l) {
          dst[0 * 3 + l] = t[0][l] + t[1][l];
          dst[1 * 3 + l] = t[3][l] + t[4][l];
          dst[2 * 3 + l] = t[1][l] + t[2][l];
        }
      }
  });
}

}  // namespace dn::conv
