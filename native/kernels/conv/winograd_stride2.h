// 3x3 convolutions with stride 2 (unit dilation) by a polyphase Winograd algorithm: each axis
// split into the kernel's even taps on even columns and its odd tap on odd ones, F(2, 2) on both
// (25 multiply-adds per 2x2 outputs and channel pair instead of 36; F(4, 2) and tiles of 4x4 in
// the forward pass where they pay). The transforms only add and subtract, so the error stays
// that of a direct sum. Derivation, error and timings: docs/convolution.md.
//
// Layout, blocking and threading as in winograd.cc; results do not depend on the thread count.
// May throw std::bad_alloc (workspace).
#pragma once

#include <cstddef>

#include "winograd.h"

namespace dn::conv {

// s describes the correlation out(n, o, y, x) = bias[o] + sum over i < cin, j < 3, l < 3 of
// in(n, i, 2y + oy + j, 2x + ox + l) * weight(o, i, j, l), in() zero outside its h x w plane;
// flip must be false.

// Whether the stride-2 algorithm beats im2col for these channel counts (measured, see .cc):
// the forward pass and backward-data (cin -> cout as in s), and the weight gradient.
bool winograd_stride2_pays(std::size_t cin, std::size_t cout);
bool winograd_stride2_weight_grad_pays(std::size_t cin, std::size_t cout);
// Backward-data, with a GEMM micro-kernel nr columns wide.
bool winograd_stride2_backward_data_pays(std::size_t cin, std::size_t cout, std::size_t nr);

// The forward pass's tile: 2 (2x2 outputs, 25 multiplies per channel pair) or 4 (4x4 outputs,
// 81), whichever measured faster for n images of cin input channels and oh x ow outputs (see .cc).
std::size_t winograd_stride2_tile(std::size_t n, std::size_t cin, std::size_t oh, std::size_t ow);

// Writes out (bias may be null). Threaded over tile blocks.
void winograd_3x3_stride2(float* out, const float* in, const float* weight, const float* bias, const Wino3x3& s);

// din(n, i, r, c) = sum of dout(n, o, y, x) * weight(o, i, j, l) over 2y + oy + j = r,
// 2x + ox + l = c: writes (overwrites) every in-plane float of din, laid out like in.
void winograd_3x3_stride2_backward_data(float* din, const float* dout, const float* weight, const Wino3x3& s);

// dweight(o, i, j, l) = sum over n, y, x of dout(n, o, y, x) * in(n, i, 2y + oy + j, 2x + ox + l),
// overwritten at dweight[o * w_o + i * w_i + j * 3 + l]; and, when dbias is not null,
// dbias[o] = sum of dout(n, o, y, x) (double sums).
void winograd_3x3_stride2_weight_grad(float* dweight, float* dbias, const float* dout, const float* in,
                                      const Wino3x3& s);

}  // namespace dn::conv
