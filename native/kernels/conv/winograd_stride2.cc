// The stride-2 Winograd convolution's forward pass and the rules for when it pays (contract in
// winograd_stride2.h; measurements in docs/convolution.md).
#include "winograd_stride2.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "../gemm/gemm.h"
#include "reduction.h"
#include "scratch.h"
#include "winograd_common.h"
#include "winograd_stride2_plan.h"

namespace dn::conv {

using std::size_t;
using wino::block_tiles;
using wino::ceil_div;
using wino::for_each_run;
using wino::kPlanePad;
using wino::rows_to_lanes;
using wino::RunScratch;
using namespace stride2;

// The forward and backward-data passes stream all the transformed weights once per block of
// tiles: past 8 MiB of them im2col wins (measurements in docs/convolution.md).
bool winograd_stride2_pays(size_t cin, size_t cout) {
  return cin >= 16 && cout >= 16 && kSlots * cin * cout * sizeof(float) <= (size_t{8} << 20);
}
bool winograd_stride2_weight_grad_pays(size_t cin, size_t cout) { return cin >= 16 && cout >= 16; }
// Backward-data's GEMMs are only as deep as the output channels: narrower micro-kernels need 128.
bool winograd_stride2_backward_data_pays(size_t cin, size_t cout, size_t nr) {
  return winograd_stride2_pays(cin, cout) && (nr >= 32 || cout >= 128);
}

// Tiles of 4 save multiplies but cost 3.2x the weight packing and waste partial tiles: 32 input
// channels or more, 10% fewer multiplies and 256 tiles of 4 in the call (docs/convolution.md).
size_t winograd_stride2_tile(size_t n, size_t cin, size_t oh, size_t ow) {
  const size_t two = 25 * ceil_div(oh, 2) * ceil_div(ow, 2), four = 81 * ceil_div(oh, 4) * ceil_div(ow, 4);
  return cin >= 32 && 10 * four <= 9 * two && n * ceil_div(oh, 4) * ceil_div(ow, 4) >= 256 ? 4 : 2;
}

void winograd_3x3_stride2(float* out, const float* in, const float* weight, const float* bias, const Wino3x3& s) {
  const KernelTable& kt = active();  // one table for the whole call
  const dn_f32_gemm_config& g = kt.gemm;
  const size_t m = winograd_stride2_tile(s.n, s.cin, s.oh, s.ow);  // outputs per tile side: 2 or 4
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
  auto input = four ? kt.wino_stride2_input4 : kt.wino_stride2_input;
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
        kt.wino_stride2_output4(rows, rstep, cols, mb + lane0, tb, xs, bias, s.cout);
      } else {
        const bool down = y0 + 1 < s.oh;
        kt.wino_stride2_output(o, down ? o + s.ow : sc.spill, plane, down ? plane : 0, cols, mb + lane0, tb, xs, bias,
                               s.cout);
      }
    });
  });
}

}  // namespace dn::conv
