// im2col / col2im for one image and one channel group, over a block of output positions.
// cols has (cg*kh*kw) rows of `cols` floats each: row r = (c, ky, kx), column j = output
// position p0 + j (p = oy*ow + ox). Out-of-image taps are 0 in im2col and skipped in col2im.
#pragma once

#include <cstddef>

#include "conv2d.h"

namespace dn::conv {

void im2col(float* cols, const float* x_group, const ConvGeometry& g, std::size_t cg, std::size_t p0, std::size_t np);
// dx_group[c, y, x] += cols[r, j] for every in-image tap.
void col2im_add(float* dx_group, const float* cols, const ConvGeometry& g, std::size_t cg, std::size_t p0,
                std::size_t np);
// The same for the band of rows [r0, r1) only: cols then holds r1 - r0 rows (row r at r - r0).
void im2col_rows(float* cols, const float* x_group, const ConvGeometry& g, std::size_t p0, std::size_t np,
                 std::size_t r0, std::size_t r1);
void col2im_add_rows(float* dx_group, const float* cols, const ConvGeometry& g, std::size_t p0, std::size_t np,
                     std::size_t r0, std::size_t r1);

}  // namespace dn::conv
