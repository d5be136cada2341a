// The stride-2 Winograd convolution's backward passes (contract in winograd_stride2.h).
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

void winograd_3x3_stride2_backward_data(float* din, const float* dout, const float* weight, const Wino3x3& s) {
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
  // (Axis) and how the tile's values come out (wino_stride2_doutput's parity); its output-gradient
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
      wino::for_each_segment<3>(
          lane0, run, g.nr, rows, 2, [&](size_t tp, size_t l, size_t cnt, const float* const* seg, long long shift) {
            size_t off[kPoints];
            for (size_t p = 0; p < kPoints; ++p) off[p] = p * vs + tp * s.cout * g.nr + l;
            kt.wino_stride2_dinput(vp, off, g.nr, seg, rstep, s.cout, lo - shift, hi - shift, cnt);
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
      kt.wino_stride2_doutput(rows, rstep, lo, hi, mb, off, tb, s.cin, run, parity);
    });
  });
}

void winograd_3x3_stride2_weight_grad(float* dweight, float* dbias, const float* dout, const float* in,
                                      const Wino3x3& s) {
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
          kt.wino_stride2_lanes_grad(ap + panel * tb * R + lane0 * R, axs, lanes, rs, R, run, bsum);
        } else {
          size_t o[kSlots];
          for (size_t k = 0; k < kSlots; ++k) o[k] = off[k] + lane0 * R;
          kt.wino_stride2_lanes_input(bp, o, lanes, rs, R, run);
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
