// What the stride-1 (winograd.cc) and stride-2 (winograd_stride2.cc) Winograd convolutions share:
// tile numbering, runs of tiles along a tile row, a run's scratch rows, the rows laid channels
// across for the weight-gradient transforms, the block size rule, and the weight gradients'
// sums over blocks of tiles.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "../gemm/gemm.h"
#include "reduction.h"

namespace dn::conv::wino {

using std::size_t;

// Floats added between the planes of a buffer the transforms write or read all at once (one
// cache line), so that planes a power of two apart do not share their L1 sets.
constexpr size_t kPlanePad = 16;

inline size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

// Tiles of a th x tw grid per image, numbered image by image, row by row.
struct Tiles {
  size_t th, tw, per_image, total;
  Tiles(size_t n, size_t rows, size_t cols) : th(rows), tw(cols), per_image(rows * cols), total(n * rows * cols) {}
};

// Scratch for one run of tiles along a tile row: a row of zeros (read for input rows outside
// the plane), and a row for output that falls past the plane.
struct RunScratch {
  float* zeros;  // zero_floats of them
  float* spill;  // spill_floats: output rows on a plane's edge that are thrown away
  static size_t floats(size_t zero_floats, size_t spill_floats) { return zero_floats + spill_floats; }
  RunScratch(float* base, size_t zero_floats) : zeros(base), spill(base + zero_floats) {
    std::fill_n(zeros, zero_floats, 0.0f);
  }
};

// Row y, columns [x0, x0 + len), of the planes of nch channels (plane floats apart, each ph x pw)
// laid channels across: dst[c * lanes + r] is channel r at column x0 + c; zero where that
// lies outside the plane. Lanes nch .. lanes - 1 are left as they are.
inline void rows_to_lanes(const KernelTable& kt, float* dst, size_t lanes, const float* planes, size_t plane,
                          size_t nch, size_t ph, size_t pw, long long y, long long x0, size_t len) {
  const long long n = static_cast<long long>(len), wl = static_cast<long long>(pw);
  const bool inside = y >= 0 && y < static_cast<long long>(ph);
  const long long lo = inside ? std::min(n, std::max(0LL, -x0)) : n;
  const long long hi = inside ? std::max(lo, std::min(n, wl - x0)) : n;
  for (long long c = 0; c < lo; ++c) std::fill_n(dst + c * lanes, nch, 0.0f);
  for (long long c = hi; c < n; ++c) std::fill_n(dst + c * lanes, nch, 0.0f);
  if (hi > lo)
    kt.wino_transpose(dst + lo * lanes, lanes, planes + y * wl + x0 + lo, plane, nch, static_cast<size_t>(hi - lo));
}

// Calls fn(img, ty, tx0, run, lane0) for the runs of consecutive tiles along tile rows that make
// up tiles [t0, t1); lane0 is the first tile's index counted from t0.
template <class F>
void for_each_run(const Tiles& T, size_t t0, size_t t1, F&& fn) {
  for (size_t t = t0; t < t1;) {
    const size_t img = t / T.per_image, r = t % T.per_image;
    const size_t ty = r / T.tw, tx0 = r % T.tw;
    const size_t run = std::min(T.tw - tx0, t1 - t);
    fn(img, ty, tx0, run, t - t0);
    t += run;
  }
}

// C (m x nt, rows ldc floats apart) = A (m x depth) . B (depth x nt) on the micro-kernel:
// A packed in mr-row panels (panel r at a + r * depth * mr, zero rows past m), B in nr-column
// panels (panel t at b + t * depth * nr, zero lanes past nt); depth cut into equal slices of
// at most kc, as the GEMM driver cuts it. Each B panel stays in L1 across A's panels.
inline void panel_gemm(const dn_f32_gemm_config& g, size_t m, size_t nt, size_t depth, const float* a, const float* b,
                       float* c, size_t ldc) {
  const size_t kc = ceil_div(depth, ceil_div(depth, g.kc)), apan = ceil_div(m, g.mr), bpan = ceil_div(nt, g.nr);
  dn_f32_gemm_params prm{1.0f, 0.0f, nullptr, DN_GEMM_ACT_NONE, 0.0f, nullptr};
  for (size_t tp = 0; tp < bpan; ++tp) {
    const size_t nr = std::min(g.nr, nt - tp * g.nr);
    for (size_t pc = 0; pc < depth; pc += kc) {
      const size_t dk = std::min(kc, depth - pc);
      prm.beta = pc == 0 ? 0.0f : 1.0f;
      for (size_t rp = 0; rp < apan; ++rp) {
        const size_t mr = std::min(g.mr, m - rp * g.mr);
        g.ukernel(mr, nr, dk, a + (rp * depth + pc) * g.mr, 0, b + (tp * depth + pc) * g.nr,
                  c + rp * g.mr * ldc + tp * g.nr, ldc, &prm);
      }
    }
  }
}

// The rows y0 .. y0 + n - 1 of a plane (ph x pw) from column x0 on, for a transform that reads
// (or writes) them: rows[q] points at column x0 of row y0 + q, formed as an integer (with
// x0 < 0 it lies before the row; the transforms never touch columns outside the plane), and
// step[q] = channel_step; a row outside the plane is `outside` (zeros to read, or a row to
// throw away) with step 0.
template <class T>
void window_rows(T* plane, long long y0, size_t n, long long x0, size_t ph, size_t pw, size_t channel_step,
                 typename std::remove_cv<T>::type* outside, T** rows, size_t* step) {
  const long long hl = static_cast<long long>(ph), wl = static_cast<long long>(pw);
  for (size_t q = 0; q < n; ++q) {
    const long long y = y0 + static_cast<long long>(q);
    const bool inside = y >= 0 && y < hl;
    rows[q] = inside ? reinterpret_cast<T*>(reinterpret_cast<std::uintptr_t>(plane + y * wl) +
                                            static_cast<std::uintptr_t>(x0) * sizeof(float))
                     : outside;
    step[q] = inside ? channel_step : 0;
  }
}

// The pieces of a run of tiles (lanes lane0 .. lane0 + run - 1 of a block) cut where they cross
// a micro-panel of nr lanes: fn(tp, l, cnt, seg, shift) for tiles j .. j + cnt - 1 of the run,
// lanes l .. l + cnt - 1 of panel tp, with the run's N window rows moved on to tile j
// (seg[q] = rows[q] + shift, formed as an integer: it may lie before its row) and
// shift = stride * j, the tiles lying `stride` columns apart.
template <size_t N, class F>
void for_each_segment(size_t lane0, size_t run, size_t nr, const float* const* rows, size_t stride, F&& fn) {
  for (size_t j = 0; j < run;) {
    const size_t lane = lane0 + j, l = lane % nr, cnt = std::min(nr - l, run - j);
    const float* seg[N];
    for (size_t q = 0; q < N; ++q)
      seg[q] = reinterpret_cast<const float*>(reinterpret_cast<std::uintptr_t>(rows[q]) + stride * j * sizeof(float));
    fn(lane / nr, l, cnt, static_cast<const float* const*>(seg), static_cast<long long>(stride * j));
    j += cnt;
  }
}

// Tiles per block: the block's packed inputs and products (per_tile_floats a tile) are kept
// near 768 KiB so they stay in a 1 MiB L2; whole micro-panels (unit tiles), at least one.
inline size_t block_tiles(size_t per_tile_floats, size_t unit, size_t cap) {
  size_t tb = (192 * 1024) / std::max<size_t>(per_tile_floats, 1);
  tb = std::min(tb, cap) / unit * unit;
  return std::max(tb, unit);
}

// A weight gradient's sums over blocks of tiles, taken in order. The blocks are cut into
// parts() contiguous ranges (reduction.h), each at least 4 blocks long (fewer blocks a range
// measured slower on one thread, the partial sums' traffic outweighing the transforms). Each
// range sums into its own `floats` sums, one task each, the work inside it running on its
// thread; the ranges' sums are then added in order. With one range, the work of each block is
// spread over the threads instead. (Spread block by block, small layers' two synchronisations
// per 256 tiles made 2 threads slower than one.) Each range also has `bias_doubles` doubles of
// bias-gradient sums, zeroed. May throw std::bad_alloc.
class TileSums {
 public:
  TileSums(size_t blocks, size_t floats, size_t bias_doubles)
      : blocks_(blocks),
        floats_(floats),
        bias_doubles_(bias_doubles),
        parts_(reduction_parts(blocks / 4, floats)),
        sums_(new float[parts_ * floats]),
        bias_(parts_ * bias_doubles, 0.0) {}

  // Calls block(sums, bias, blk, first) for every block, in order within each range (sums and
  // bias are the range's; first: the range's first block, whose sums must be overwritten, not
  // added to: the sums start uninitialised). Returns the total sums: zeros when there are no
  // blocks (an empty batch).
  template <class F>
  const float* run(F&& block) {
    if (blocks_ == 0) {
      std::fill_n(sums_.get(), floats_, 0.0f);
      return sums_.get();
    }
    auto range = [&](size_t part) {
      float* sums = sums_.get() + part * floats_;
      double* bias = bias_doubles_ != 0 ? bias_.data() + part * bias_doubles_ : nullptr;
      const size_t b0 = blocks_ * part / parts_, b1 = blocks_ * (part + 1) / parts_;
      for (size_t blk = b0; blk < b1; ++blk) block(sums, bias, blk, blk == b0);
    };
    if (parts_ == 1) {
      range(0);
    } else {
      parallel_for(parts_, range);
      float* sums = sums_.get();
      parallel_range(floats_, 4096, 16, [&](size_t j0, size_t j1) {
        for (size_t j = j0; j < j1; ++j)
          for (size_t part = 1; part < parts_; ++part) sums[j] += sums[part * floats_ + j];
      });
    }
    return sums_.get();
  }

  // dbias[o] = the sum, in order, of bias[c * chunk + o] over every range's chunks of `chunk`
  // doubles, for o < n.
  void bias(float* dbias, size_t n, size_t chunk) const {
    for (size_t o = 0; o < n; ++o) {
      double sum = 0.0;
      for (size_t c = 0; c < bias_.size() / chunk; ++c) sum += bias_[c * chunk + o];
      dbias[o] = static_cast<float>(sum);
    }
  }

 private:
  size_t blocks_, floats_, bias_doubles_, parts_;
  std::unique_ptr<float[]> sums_;
  std::vector<double> bias_;
};

}  // namespace dn::conv::wino
