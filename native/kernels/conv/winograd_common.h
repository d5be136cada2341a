// What the stride-1 (winograd.cc) and stride-2 (winograd_s2.cc) Winograd convolutions share:
// tile numbering, runs of tiles along a tile row, a run's scratch rows, the rows laid channels
// across for the weight-gradient transforms, and the block size rule.
#pragma once

#include <algorithm>
#include <cstddef>

#include "../../runtime/dispatch.h"

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
  float* zeros;  // zero_floats
  float* spill;  // spill_floats: output rows on a plane's edge that are thrown away
  size_t zero_floats;
  static size_t floats(size_t zero_floats, size_t spill_floats) { return zero_floats + spill_floats; }
  RunScratch(float* base, size_t zero_floats) : zeros(base), spill(base + zero_floats), zero_floats(zero_floats) {
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

// Tiles per block: the block's packed inputs and products (per_tile_floats a tile) are kept
// near 768 KiB so they stay in a 1 MiB L2; whole micro-panels (unit tiles), at least one.
inline size_t block_tiles(size_t per_tile_floats, size_t unit, size_t cap) {
  size_t tb = (192 * 1024) / std::max<size_t>(per_tile_floats, 1);
  tb = std::min(tb, cap) / unit * unit;
  return std::max(tb, unit);
}

}  // namespace dn::conv::wino
