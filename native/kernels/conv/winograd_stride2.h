// 3x3 convolutions with stride 2 (unit dilation) by a polyphase Winograd algorithm: each 2x2
// tile of outputs costs 25 multiply-adds per input/output channel pair in place of 36 (1.44x
// fewer), with transforms that only add and subtract.
//
// Along each axis the stride-2 kernel (w0 w1 w2) is two stride-1 filters on the input's two
// phases: (w0 w2) on the even columns and (w1) on the odd ones. Each phase is taken by
// F(2, 2) onto the same three points (the odd phase's one tap reaches only two of them), so
// the phases add up point by point before one output transform A^T = [1 1 0; 0 1 1]:
//   input (x0..x4, a tile's window): x0 - x2, x2, x4 - x2 | x1 - x3, x3
//   weight: w0, w0 + w2, w2 | w1, w1
// In 2-D the 9 points are 9 GEMMs whose depths are 4, 2 or 1 times the input channels (the
// phase pairs that reach the point). The weights' transform adds two taps (one rounding), the
// data's subtracts two values: the error stays at the level of a direct sum, as with F(2x2, 3x3)
// (winograd.h).
//
// The forward pass takes larger tiles where they pay (winograd_stride2_tile): 4x4 outputs a tile,
// F(4, 2) on each phase onto the points 0 1 -1 2 inf (the odd phase on the first four), 81
// multiply-adds per 16 outputs (1.78x fewer than direct, 19% fewer than tiles of 2) in 25
// GEMMs of depth 4, 2 or 1 times the input channels. Its transforms scale by 2, 3 and 8 and
// its weights divide by 2 and 6 (transformed in double, rounded once): its relative RMS
// rounding error measured 2-4x that of a float32 sum taken in order (1.6-1.7e-6 against
// 4.3-8.6e-7 on 64 -> 32, 256 -> 32 and 64 -> 128 channels; largest errors 2-8x), where tiles
// of 2 stay at 0.7-1.4x (scripts/conv-error.mjs).
//
// The backward-data pass is its adjoint regrouped so that no two tiles write the same input
// gradient: each 4x4 block of the input gradient (its two phases along each axis) is a
// stride-1 correlation of a 3x3 window of the output gradient, F(2, 2) again, with the phases
// now sharing the input transform. The blocks start on the plane's first row and column, so
// along an axis with odd padding they start on an odd phase (the odd tap then lands on the
// first two points instead of the last two). The weight gradient is the dual of the forward pass: the
// sum over tiles of (A dY A^T) times the forward input transform, then the weights' transform
// transposed.
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
