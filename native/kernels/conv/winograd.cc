#include "winograd.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "../gemm/gemm.h"
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

// Output tiles (2x2 blocks of outputs).
wino::Tiles tiles(const Wino3x3& s) { return wino::Tiles(s.n, ceil_div(s.oh, 2), ceil_div(s.ow, 2)); }

// Positions of the 4x4 transformed tile: xi = 4 * a + b, a down, b across.
constexpr size_t kXi = 16;

// U = G g G^T for every (o, i) pair, packed as the micro-kernel's A panels (output channels
// down the rows): up[((xi * kpan + o / mr) * cin + i) * mr + o % mr], zero for o >= cout.
//   G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]
std::vector<float> transform_weights(const float* weight, const Wino3x3& s, size_t mr) {
  const size_t kpan = ceil_div(s.cout, mr);
  std::vector<float> up(kXi * kpan * s.cin * mr, 0.0f);
  parallel_range(s.cout, 16, 1, [&](size_t o0, size_t o1) {
    for (size_t o = o0; o < o1; ++o) {
      for (size_t i = 0; i < s.cin; ++i) {
        const float* src = weight + o * s.w_o + i * s.w_i;
        float g[3][3], t[4][3];
        for (size_t j = 0; j < 3; ++j)
          for (size_t l = 0; l < 3; ++l) g[j][l] = s.flip ? src[(2 - j) * 3 + 2 - l] : src[j * 3 + l];
        for (size_t l = 0; l < 3; ++l) {
          t[0][l] = g[0][l];
          t[1][l] = 0.5f * (g[0][l] + g[1][l] + g[2][l]);
          t[2][l] = 0.5f * (g[0][l] - g[1][l] + g[2][l]);
          t[3][l] = g[2][l];
        }
        float* dst = up.data() + ((o / mr) * s.cin + i) * mr + o % mr;
        const size_t xs = kpan * s.cin * mr;
        for (size_t a = 0; a < 4; ++a) {
          dst[(4 * a + 0) * xs] = t[a][0];
          dst[(4 * a + 1) * xs] = 0.5f * (t[a][0] + t[a][1] + t[a][2]);
          dst[(4 * a + 2) * xs] = 0.5f * (t[a][0] - t[a][1] + t[a][2]);
          dst[(4 * a + 3) * xs] = t[a][2];
        }
      }
    }
  });
  return up;
}

}  // namespace

// Measured with bench/conv.bench.ts and single-pass timings (Zen 4, one thread): with few
// channels the 16 GEMMs are too shallow (depth = cin) for the transforms to pay off; and
// output channels fill the micro-kernel's rows, so a count that leaves much of the last row
// panel's cost wasted goes through im2col (a partial panel costs its rows rounded up to
// mr_step: on AVX-512, 16 outputs are a panel of 12 and one of 4, no waste). 64 -> 64 channels
// on 56x56: 109 GFLOP/s against 74 (forward), 109 against 75 (backward-data).
bool winograd_pays(size_t cin, size_t cout, size_t mr, size_t mr_step) {
  const size_t rows = cout / mr * mr + (cout % mr == 0 ? 0 : std::min(mr, ceil_div(cout % mr, mr_step) * mr_step));
  return cin >= 8 && cout >= 8 && 3 * rows <= 4 * cout;
}

// The weight gradient's GEMMs are deep (the tiles) and take channels both ways; one thread,
// 16 -> 32 channels on 32x32: 58 GFLOP/s against im2col's 43; 64 -> 64 on 56x56: 107 against 62.
bool winograd_weight_grad_pays(size_t cin, size_t cout) { return cin >= 8 && cout >= 8; }

void winograd_3x3(float* out, const float* in, const float* weight, const float* bias, const Wino3x3& s) {
  const KernelTable& kt = active();  // one table for the whole call
  const dn_f32_gemm_config& g = kt.gemm;
  const wino::Tiles T = tiles(s);
  if (T.total == 0 || s.cout == 0) return;
  const size_t kpan = ceil_div(s.cout, g.mr);
  const std::vector<float> up = transform_weights(weight, s, g.mr);
  const size_t tb = block_tiles(kXi * (s.cin + kpan * g.mr), g.nr, 32 * g.nr);
  const size_t ntp = tb / g.nr;
  const size_t blocks = ceil_div(T.total, tb);

  // M_xi (cout x tiles) = U_xi (cout x cin) . V_xi (cin x tiles): output channels down the
  // micro-tile's rows, tiles across its columns, so the products of a tile row's tiles lie
  // side by side and the output transform writes whole output rows.
  parallel_for(blocks, [&](size_t blk) {
    const size_t t0 = blk * tb, t1 = std::min(T.total, t0 + tb), nt = t1 - t0;
    // vp[xi * vs + (tp * cin + i) * nr + lane % nr]: the tiles' V as B panels, and
    // mb[xi * xs + o * tb + lane]: the products. Each is 16 planes written or read side by side,
    // a cache line more than a whole number of panels (or rows) apart, so that the planes do
    // not all fall on the same L1 sets (with 8192-float planes the input transform ran at half
    // its speed).
    const size_t vs = ntp * s.cin * g.nr + kPlanePad, xs = s.cout * tb + kPlanePad;
    float* vp = scratch(Scratch::panels, kXi * vs);
    float* mb = scratch(Scratch::products, kXi * xs);
    RunScratch sc(scratch(Scratch::run, RunScratch::floats(2 * T.tw + 2, 2 * T.tw)), 2 * T.tw + 2);

    // V straight into the panels: each run of tiles is cut where it crosses a panel boundary.
    // Rows are read in place; columns outside the plane are masked off by the transform, rows
    // outside it are a row of zeros.
    for_each_run(T, t0, t1, [&](size_t img, size_t ty, size_t tx0, size_t run, size_t lane0) {
      const long long y0 = 2 * static_cast<long long>(ty) + s.oy, x0 = 2 * static_cast<long long>(tx0) + s.ox;
      const long long wl = static_cast<long long>(s.w);
      // Columns [lo, hi) of the run (from x0) lie inside the plane.
      const long long lo = std::max(0LL, -x0);
      const long long hi = std::max(lo, std::min(2 * static_cast<long long>(run) + 2, wl - x0));
      const float* planes = in + img * s.in_image;
      // The two rows the next tile row adds, on their way while this one is transformed: a
      // run goes through every channel's plane, too many streams for the hardware prefetchers.
      for (size_t i = 0; i < s.cin; ++i) {
        const float* plane = planes + i * s.h * s.w;
        for (long long y = y0 + 4; y < y0 + 6 && y < static_cast<long long>(s.h); ++y)
          for (long long x = lo; x < hi; x += 16) __builtin_prefetch(plane + y * wl + x0 + x);
      }
      // Every channel a call; a panel's lanes past the run are written by later runs (or
      // zeroed below), so the transform may store whole vectors up to the panel's end.
      const float* rows[4];
      size_t step[4];
      wino::window_rows(planes, y0, 4, x0, s.h, s.w, s.h * s.w, sc.zeros, rows, step);
      wino::for_each_segment<4>(lane0, run, g.nr, rows, 2,
                                [&](size_t tp, size_t l, size_t cnt, const float* const* seg, long long shift) {
                                  kt.wino_input(vp + tp * s.cin * g.nr + l, vs, g.nr, seg, step, s.cin, lo - shift,
                                                hi - shift, cnt, g.nr - l);
                                });
    });
    const size_t used = ceil_div(nt, g.nr);
    if (nt % g.nr != 0) {  // the last panel's lanes past the block's end: zeros, as packing gives
      const size_t l0 = nt % g.nr;
      for (size_t xi = 0; xi < kXi; ++xi)
        for (size_t i = 0; i < s.cin; ++i)
          std::fill_n(vp + xi * vs + ((used - 1) * s.cin + i) * g.nr + l0, g.nr - l0, 0.0f);
    }

    // 16 GEMMs: M_xi (cout x tiles) = U_xi (cout x cin) . V_xi (cin x tiles).
    for (size_t xi = 0; xi < kXi; ++xi)
      wino::panel_gemm(g, s.cout, nt, s.cin, up.data() + xi * kpan * s.cin * g.mr, vp + xi * vs, mb + xi * xs, tb);

    // Y = A^T M A (+ bias), a tile row's run at a time: two output rows per channel.
    const size_t plane = s.oh * s.ow;
    for_each_run(T, t0, t1, [&](size_t img, size_t ty, size_t tx0, size_t run, size_t lane0) {
      const size_t y0 = 2 * ty, x0 = 2 * tx0, cols = std::min(2 * run, s.ow - x0);
      float* o = out + img * s.out_image + y0 * s.ow + x0;
      const bool down = y0 + 1 < s.oh;
      for (size_t k = 0; k < s.cout; ++k, o += plane)
        kt.wino_output(o, down ? o + s.ow : sc.spill, cols, mb + k * tb + lane0, xs, bias != nullptr ? bias[k] : 0.0f);
    });
  });
}

void winograd_3x3_weight_grad(float* dweight, float* dbias, const float* dout, const float* in, const Wino3x3& s) {
  const KernelTable& kt = active();  // one table for the whole call
  const dn_f32_gemm_config& g = kt.gemm;
  const wino::Tiles T = tiles(s);
  // S_xi (cout x cin) = sum over tiles of Yhat_xi (cout x tiles) . V_xi^T (tiles x cin), one
  // GEMM per tile position; the K dimension is the tiles, taken block by block in order.
  const size_t opan = ceil_div(s.cout, g.mr), ipan = ceil_div(s.cin, g.nr);
  const size_t tb = std::max<size_t>(1, std::min(T.total, g.kc));  // at least 1: an empty batch has no blocks
  // ap[xi * axs + ((o / mr) * tb + lane) * mr + o % mr], bp[xi * bxs + ((i / nr) * tb + lane) * nr + i % nr]:
  // channels across, tiles down, planes padded as in winograd_3x3. Lanes past cout / cin stay zero.
  const size_t axs = opan * g.mr * tb + kPlanePad, bxs = ipan * g.nr * tb + kPlanePad;
  const size_t a_floats = kXi * axs, b_floats = kXi * bxs;
  // The sums over blocks of tiles (winograd_common.h), and the bias gradient summed from the
  // output-gradient rows as they are laid out: one double per (range, tile piece, channel),
  // each piece's tiles taken in order, all added in order.
  constexpr size_t kSplit = 4;
  const size_t blocks = ceil_div(T.total, tb);
  wino::TileSums ts(blocks, kXi * s.cout * s.cin, dbias != nullptr ? kSplit * opan * g.mr : 0);
  const float* sums = ts.run([&](float* part_sums, double* bias_sums, size_t blk, bool first) {
    float* ap = scratch(Scratch::products, a_floats + b_floats);  // the panels: every lane is written
    float* bp = ap + a_floats;
    const size_t t0 = blk * tb, t1 = std::min(T.total, t0 + tb), nt = t1 - t0;
    // Transforms, one micro-panel of channels per task (the output-gradient panels, then the
    // input ones): a run's rows are first laid channels across (R lanes a column, lanes past
    // the channel count zero), then each tile's 16 transforms are computed R channels at a
    // time and land as whole rows of the panel. (Transforming channel by channel and
    // transposing the 16 results cost 4x the data in transposes, and ran at half the speed.)
    // Each panel's tiles are cut in kSplit ranges too, so that even a layer with one or two
    // panels gives every thread work.
    parallel_for((opan + ipan) * kSplit, [&](size_t task) {
      const size_t piece = task % kSplit, pt = task / kSplit;
      const size_t u0 = t0 + nt * piece / kSplit, u1 = t0 + nt * (piece + 1) / kSplit;
      const bool grad = pt < opan;
      const size_t R = grad ? g.mr : g.nr, pxs = grad ? axs : bxs, panel = grad ? pt : pt - opan;
      const size_t ch0 = panel * R, nch = std::min(R, (grad ? s.cout : s.cin) - ch0);
      float* dst = (grad ? ap : bp) + panel * tb * R;
      // This range's bias sums: R of them, the lanes past the channels summing zeros.
      double* bsum = grad && bias_sums != nullptr ? bias_sums + (piece * opan + panel) * g.mr : nullptr;
      const size_t rs = (2 * T.tw + 2) * R;  // a row of lanes
      float* lanes = scratch(Scratch::run, 4 * rs);
      std::fill_n(lanes, 4 * rs, 0.0f);
      const size_t ph = grad ? s.oh : s.h, pw = grad ? s.ow : s.w, plane = ph * pw;
      const float* src = grad ? dout + ch0 * plane : in + ch0 * plane;
      for_each_run(T, u0, u1, [&](size_t img, size_t ty, size_t tx0, size_t run, size_t lane) {
        const size_t lane0 = lane + (u0 - t0);
        const long long y0 = grad ? 2 * static_cast<long long>(ty) : 2 * static_cast<long long>(ty) + s.oy;
        const long long x0 = grad ? 2 * static_cast<long long>(tx0) : 2 * static_cast<long long>(tx0) + s.ox;
        const size_t nrows = grad ? 2 : 4, len = grad ? 2 * run : 2 * run + 2;
        const float* img_src = src + img * (grad ? s.out_image : s.in_image);
        for (size_t q = 0; q < nrows; ++q)
          rows_to_lanes(kt, lanes + q * rs, R, img_src, plane, nch, ph, pw, y0 + static_cast<long long>(q), x0, len);
        float* v = dst + lane0 * R;
        if (grad) {
          kt.wino_lanes_grad(v, pxs, lanes, rs, R, run, bsum);
        } else {
          kt.wino_lanes_input(v, pxs, lanes, rs, R, run);
        }
      });
    });
    // 16 GEMMs accumulating onto the sums of earlier blocks.
    parallel_for(kXi, [&](size_t xi) {
      dn_f32_gemm_params prm{1.0f, first ? 0.0f : 1.0f, nullptr, DN_GEMM_ACT_NONE, 0.0f, nullptr};
      float* sx = part_sums + xi * s.cout * s.cin;
      for (size_t op = 0; op < opan; ++op) {
        const size_t mr = std::min(g.mr, s.cout - op * g.mr);
        const float* a = ap + xi * axs + op * tb * g.mr;
        for (size_t ip = 0; ip < ipan; ++ip) {
          const size_t nr = std::min(g.nr, s.cin - ip * g.nr);
          g.ukernel(mr, nr, nt, a, 0, bp + xi * bxs + ip * tb * g.nr, sx + op * g.mr * s.cin + ip * g.nr, s.cin, &prm);
        }
      }
    });
  });
  if (dbias != nullptr) ts.bias(dbias, s.cout, opan * g.mr);

  // dW = G^T S G for every (o, i):  G^T = [1 1/2 1/2 0; 0 1/2 -1/2 0; 0 1/2 1/2 1].
  const size_t xs = s.cout * s.cin;
  parallel_range(s.cout, 16, 1, [&](size_t o0, size_t o1) {
    for (size_t o = o0; o < o1; ++o) {
      for (size_t i = 0; i < s.cin; ++i) {
        const float* sp = sums + o * s.cin + i;
        float t[3][4];
        for (size_t b = 0; b < 4; ++b) {
          const float s0 = sp[b * xs], s1 = sp[(4 + b) * xs], s2 = sp[(8 + b) * xs], s3 = sp[(12 + b) * xs];
          t[0][b] = s0 + 0.5f * (s1 + s2);
          t[1][b] = 0.5f * (s1 - s2);
          t[2][b] = 0.5f * (s1 + s2) + s3;
        }
        float* dst = dweight + o * s.w_o + i * s.w_i;
        for (size_t j = 0; j < 3; ++j) {
          dst[j * 3 + 0] = t[j][0] + 0.5f * (t[j][1] + t[j][2]);
          dst[j * 3 + 1] = 0.5f * (t[j][1] - t[j][2]);
          dst[j * 3 + 2] = 0.5f * (t[j][1] + t[j][2]) + t[j][3];
        }
      }
    }
  });
}

}  // namespace dn::conv
