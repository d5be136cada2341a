// 2-D convolution over NCHW float32 tensors with OIHW weights: forward, backward-data and
// backward-weight (+ bias), with stride, per-side padding, dilation and groups.
//
//   x (n, c, h, w), weight (k, c/groups, kh, kw), bias (k) or null, out (n, k, oh, ow)
//   oh = (h + pt + pb - dh*(kh-1) - 1) / sh + 1, likewise ow; the caller validated the geometry.
//
// Strategy (chosen by measurement, see bench/conv.bench.ts and the comments in conv2d.cc): a
// 1x1 convolution with unit stride and no padding multiplies the weight by the input plane in
// place on the packed SIMD GEMM (no copy at all). A 3x3 one with unit stride and dilation and
// enough channels goes through Winograd F(2x2, 3x3) (winograd.h: 2.25x fewer multiplies,
// transforms exact in float32); a 3x3 one with stride 2 through its polyphase form
// (winograd_s2.h: 1.44x fewer, its forward pass 1.78x on tiles of 4x4 outputs where they pay). A shallow forward pass (few input channels times taps) runs the
// direct kernel (conv_direct.h). Other shapes go through im2col one block of output columns at
// a time, so the column block (c/groups*kh*kw rows) stays in L2 while the GEMM streams it.
// Outputs are overwritten. Work is split over images, groups and column or tile blocks
// (forward, backward-data); the weight gradient's sum over images is cut into ranges fixed by
// the problem (never by the thread count) whose partial sums are added in order. So results do
// not depend on the thread count.
// May throw std::bad_alloc (workspace).
#pragma once

#include <cstddef>

namespace dn {

struct ConvGeometry {
  std::size_t n, c, h, w;    // input
  std::size_t k, kh, kw;     // output channels, kernel
  std::size_t sh, sw;        // stride
  std::size_t pt, pb, pl, pr;  // padding: top, bottom, left, right
  std::size_t dh, dw;        // dilation
  std::size_t groups;
  std::size_t oh, ow;        // output (computed by the caller)
};

void conv2d_forward(float* out, const float* x, const float* weight, const float* bias, const ConvGeometry& g);
void conv2d_backward_data(float* dx, const float* dy, const float* weight, const ConvGeometry& g);
// dweight overwritten; dbias (k floats) overwritten when not null.
void conv2d_backward_weight(float* dweight, float* dbias, const float* dy, const float* x, const ConvGeometry& g);

}  // namespace dn
