#include "im2col.h"

#include <cstring>

namespace dn::conv {
namespace {

// The range [first, last] of output columns ox whose input column x = ox*sw - pl + kx*dw lies
// in [0, w) (empty when last < first). It depends on kx only, not on the row.
inline void valid_columns(const ConvGeometry& g, std::size_t kx, long long* first, long long* last) {
  const long long off = static_cast<long long>(kx * g.dw) - static_cast<long long>(g.pl);
  const long long sw = static_cast<long long>(g.sw), w = static_cast<long long>(g.w);
  // x >= 0  <=>  ox >= ceil(-off / sw);  x < w  <=>  ox <= floor((w - 1 - off) / sw)
  *first = off >= 0 ? 0 : (-off + sw - 1) / sw;
  *last = (w - 1 - off) < 0 ? -1 : (w - 1 - off) / sw;
}

// Visits each (row r, input row y, output row segment) of the block:
// fn(r, c, y, kx, ox0, ox1, lo, hi, j0): the segment covers output columns [ox0, ox1) of one
// output row, starting at column j0 of the block; [lo, hi) is the part of it whose input
// column lies inside the image (lo == hi when none does). y may lie outside the image.
// Rows r in [r0, r1) only (r - r0 is the row's place in a band of rows).
template <class F>
void for_each_segment(const ConvGeometry& g, std::size_t r0, std::size_t r1, std::size_t p0, std::size_t np, F&& fn) {
  const std::size_t p1 = p0 + np;
  const std::size_t oy_begin = p0 / g.ow, ox_begin = p0 % g.ow;
  std::size_t c = r0 / (g.kh * g.kw), ky = (r0 / g.kw) % g.kh, kx = r0 % g.kw;
  for (std::size_t r = r0; r < r1; ++r) {
    long long first, last;
    valid_columns(g, kx, &first, &last);
    std::size_t oy = oy_begin, ox0 = ox_begin;
    for (std::size_t p = p0; p < p1; ++oy, ox0 = 0) {
      const std::size_t ox1 = (p1 - (p - ox0)) < g.ow ? p1 - (p - ox0) : g.ow;  // end of this row in the block
      const long long y = static_cast<long long>(oy * g.sh + ky * g.dh) - static_cast<long long>(g.pt);
      // [lo, hi) = [first, last + 1) clamped into [ox0, ox1): never outside the segment.
      const long long a = static_cast<long long>(ox0), b = static_cast<long long>(ox1);
      const long long lo = first < a ? a : (first > b ? b : first);
      const long long hi = last + 1 > b ? b : (last + 1 < lo ? lo : last + 1);
      const std::size_t l = static_cast<std::size_t>(lo), h = static_cast<std::size_t>(hi);
      fn(r, c, y, kx, ox0, ox1, l, h, p - p0);
      p += ox1 - ox0;
    }
    if (++kx == g.kw) {  // the next row: (c, ky, kx) in order
      kx = 0;
      if (++ky == g.kh) ky = 0, ++c;
    }
  }
}

}  // namespace

void im2col(float* cols, const float* x_group, const ConvGeometry& g, std::size_t cg, std::size_t p0, std::size_t np) {
  im2col_rows(cols, x_group, g, p0, np, 0, cg * g.kh * g.kw);
}

void col2im_add(float* dx_group, const float* cols, const ConvGeometry& g, std::size_t cg, std::size_t p0,
                std::size_t np) {
  col2im_add_rows(dx_group, cols, g, p0, np, 0, cg * g.kh * g.kw);
}

void im2col_rows(float* cols, const float* x_group, const ConvGeometry& g, std::size_t p0, std::size_t np,
                 std::size_t r0, std::size_t r1) {
  for_each_segment(g, r0, r1, p0, np,
                   [&](std::size_t r, std::size_t c, long long y, std::size_t kx, std::size_t ox0, std::size_t ox1,
                       std::size_t lo, std::size_t hi, std::size_t j0) {
                     float* dst = cols + (r - r0) * np + j0;
                     const std::size_t len = ox1 - ox0;
                     if (y < 0 || y >= static_cast<long long>(g.h)) {
                       std::memset(dst, 0, len * sizeof(float));
                       return;
                     }
                     const float* src = x_group + (c * g.h + static_cast<std::size_t>(y)) * g.w;
                     const long long off = static_cast<long long>(kx * g.dw) - static_cast<long long>(g.pl);
                     for (std::size_t ox = ox0; ox < lo; ++ox) dst[ox - ox0] = 0.0f;
                     if (g.sw == 1) {
                       if (hi > lo)
                         std::memcpy(dst + (lo - ox0), src + (static_cast<long long>(lo) + off),
                                     (hi - lo) * sizeof(float));
                     } else if (g.sw == 2) {  // a constant stride lets the loop vectorise (stride-2 layers are common)
                       const float* base = src + (static_cast<long long>(2 * lo) + off);
                       float* d = dst + (lo - ox0);
                       for (std::size_t j = 0; j < hi - lo; ++j) d[j] = base[2 * j];
                     } else {
                       for (std::size_t ox = lo; ox < hi; ++ox)
                         dst[ox - ox0] = src[static_cast<long long>(ox * g.sw) + off];
                     }
                     for (std::size_t ox = hi; ox < ox1; ++ox) dst[ox - ox0] = 0.0f;
                   });
}

void col2im_add_rows(float* dx_group, const float* cols, const ConvGeometry& g, std::size_t p0, std::size_t np,
                     std::size_t r0, std::size_t r1) {
  for_each_segment(g, r0, r1, p0, np,
                   [&](std::size_t r, std::size_t c, long long y, std::size_t kx, std::size_t ox0, std::size_t /*ox1*/,
                       std::size_t lo, std::size_t hi, std::size_t j0) {
                     if (y < 0 || y >= static_cast<long long>(g.h) || hi <= lo) return;
                     const float* __restrict src = cols + (r - r0) * np + j0 + (lo - ox0);
                     const long long off = static_cast<long long>(kx * g.dw) - static_cast<long long>(g.pl);
                     // The first input column this segment adds to; cols and dx never overlap.
                     float* __restrict dst = dx_group + (c * g.h + static_cast<std::size_t>(y)) * g.w +
                                             (static_cast<long long>(lo * g.sw) + off);
                     const std::size_t n = hi - lo;
                     if (g.sw == 1) {  // constant strides let these loops vectorise
                       for (std::size_t j = 0; j < n; ++j) dst[j] += src[j];
                     } else if (g.sw == 2) {
                       for (std::size_t j = 0; j < n; ++j) dst[2 * j] += src[j];
                     } else {
                       for (std::size_t j = 0; j < n; ++j) dst[j * g.sw] += src[j];
                     }
                   });
}

}  // namespace dn::conv
