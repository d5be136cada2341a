// 2-D convolution over NCHW float32 tensors with OIHW weights: forward, backward-data and
// backward-weight (+ bias), with stride, per-side padding, dilation and groups.
//
//   x (n, c, h, w), weight (k, c/groups, kh, kw), bias (k) or null, out (n, k, oh, ow)
//   oh = (h + pt + pb - dh*(kh-1) - 1) / sh + 1, likewise ow; the caller validated the geometry.
//
// Each entry runs the algorithm it is given (conv_plan.h picks it and checks that it can run g)
// and returns the one that ran: im2col in its place when a Winograd algorithm or the direct
// weight gradient meets non-finite operands. How each algorithm works and what it measured:
// docs/convolution.md. Outputs are overwritten. Results do not depend on the thread count (work
// is split over images, groups and blocks; reductions run in ranges fixed by the problem).
// May throw std::bad_alloc (workspace).
#pragma once

#include <cstddef>

namespace dn {

struct KernelTable;  // runtime/dispatch.h

enum class ConvAlgo : int {
  im2col,                 // im2col one block of columns at a time + GEMM
  pointwise,              // 1x1, unit stride, no padding: GEMM on the input plane in place
  direct,                 // direct kernel (conv_direct.h) for shallow layers
  winograd_f2x3,          // Winograd F(2x2, 3x3), 3x3 unit stride (winograd.h)
  winograd_stride2_f2x2,  // stride-2 3x3, polyphase F(2, 2) tiles of 2x2 outputs (winograd_stride2.h)
  winograd_stride2_f4x2,  // the same with F(4, 2) tiles of 4x4 outputs (forward pass only)
};
constexpr int kConvAlgoCount = 6;

struct ConvGeometry {
  std::size_t n, c, h, w;      // input
  std::size_t k, kh, kw;       // output channels, kernel
  std::size_t sh, sw;          // stride
  std::size_t pt, pb, pl, pr;  // padding: top, bottom, left, right
  std::size_t dh, dw;          // dilation
  std::size_t groups;
  std::size_t oh, ow;  // output (computed by the caller)
};

ConvAlgo conv2d_forward(float* out, const float* x, const float* weight, const float* bias, const ConvGeometry& g,
                        const KernelTable& kt, ConvAlgo algo);
ConvAlgo conv2d_backward_data(float* dx, const float* dy, const float* weight, const ConvGeometry& g,
                              const KernelTable& kt, ConvAlgo algo);
// dweight overwritten; dbias (k floats) overwritten when not null.
ConvAlgo conv2d_backward_weight(float* dweight, float* dbias, const float* dy, const float* x, const ConvGeometry& g,
                                const KernelTable& kt, ConvAlgo algo);

}  // namespace dn
