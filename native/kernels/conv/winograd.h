// 3x3 convolutions with unit stride and dilation by Winograd's minimal filtering F(2x2, 3x3):
// each 2x2 block of outputs ("tile") costs 16 multiply-adds per input/output channel pair in
// place of 36, so the GEMM work falls by 2.25x.
//
// Why F(2x2, 3x3) and not the larger F(4x4, 3x3) (4x fewer multiplies): its transforms use
// only 0, +-1 and +-1/2, all exact in float32, so its rounding error stays at the level of a
// direct sum; F(4x4, 3x3) multiplies by up to 8 and 1/24 and measured 15-25x the error of the
// direct sum on 64..256 channels (numpy, float32 against float64), which results compared
// with PyTorch's direct convolution would show.
//
// Layout: every tile's transforms are packed straight into the SGEMM micro-kernel panels
// (gemm.h), so each of the 16 tile positions is one packed GEMM with nothing copied again.
// Tiles are processed in blocks sized to stay in L2; a tile's result never depends on the
// block it lands in, and reductions over tiles (the weight gradient) run block by block in a
// fixed order, so results are the same for any thread count.
// May throw std::bad_alloc (workspace).
#pragma once

#include <cstddef>

namespace dn::conv {

// out(n, o, y, x) = bias[o] + sum over i < cin, j < 3, l < 3 of
//                   in(n, i, y + oy + j, x + ox + l) * weight(o, i, j, l),
// with in() zero outside its h x w plane, for y < oh, x < ow, o < cout.
struct Wino3x3 {
  std::size_t n;
  std::size_t cin, h, w;
  std::size_t cout, oh, ow;
  long long oy, ox;
  std::size_t in_image, out_image;  // floats from one image to the next, in and out
  // weight(o, i, j, l) = weight[o * w_o + i * w_i + (flip ? (2 - j) * 3 + 2 - l : j * 3 + l)]
  std::size_t w_o, w_i;
  bool flip;
};

// Whether F(2x2, 3x3) beats im2col for these channel counts, with a GEMM micro-kernel mr
// rows tall whose partial tiles cost their rows rounded up to mr_step (measured; see
// winograd.cc): for winograd_3x3, and for the weight gradient.
bool winograd_pays(std::size_t cin, std::size_t cout, std::size_t mr, std::size_t mr_step);
bool winograd_weight_grad_pays(std::size_t cin, std::size_t cout);

// Writes out (bias may be null). Threaded over tile blocks.
void winograd_3x3(float* out, const float* in, const float* weight, const float* bias, const Wino3x3& s);

// The weight gradient of that correlation, given dout (the gradient of out, laid out like out):
// dweight(o, i, j, l) = sum over n, y, x of dout(n, o, y, x) * in(n, i, y + oy + j, x + ox + l),
// written (overwritten) at dweight[o * w_o + i * w_i + j * 3 + l] (flip must be false); and,
// when dbias is not null, dbias[o] = sum over n, y, x of dout(n, o, y, x) (double sums).
void winograd_3x3_weight_grad(float* dweight, float* dbias, const float* dout, const float* in, const Wino3x3& s);

}  // namespace dn::conv
