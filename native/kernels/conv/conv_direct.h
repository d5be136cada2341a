/* Direct convolution for layers whose GEMM would be shallow (few input channels times taps,
 * such as a network's first layer on RGB images), unit stride: each output vector gets every tap
 * of up to 16 output channels while it sits in registers, where im2col would first write the
 * columns out and the GEMM pack them again (conv_plan.cc decides when it is used).
 *
 * dn_f32_conv_direct computes, for k < nk (<= 16), y0 <= y < y1, x < ow:
 *   out[k * oh * ow + y * ow + x] = sum over taps t = (c, j, l) in that order (c < cin, j < kh,
 *     l < kw) of wpack[t * 16 + k] * in(c, y - pt + j * dh, x - pl + l * dw)   (+ bias[k])
 * with in(c, iy, ix) = in[(c * h + iy) * w + ix]. It reads whole vectors of 16 columns: every
 * (iy, ix) those sums name for x < 16 * ceil(ow / 16) must lie inside the h x w plane (the
 * caller pads the input into such a plane: conv_direct.cc). The sum runs in tap order from zero, one
 * fused multiply-add a tap on the FMA ISAs (as the GEMM micro-kernels do over the same columns,
 * so the result is that of im2col + GEMM), and the bias is added last.
 * bias: 16 floats or NULL. cin * kh * kw <= DN_CONV_DIRECT_MAX_TAPS. */
#ifndef DN_KERNELS_CONV_CONV_DIRECT_H_
#define DN_KERNELS_CONV_CONV_DIRECT_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dn_conv_direct {
  const float* in;
  size_t cin, h, w;
  size_t kh, kw, dh, dw;
  long long pt, pl;
  const float* wpack; /* (cin * kh * kw) x 16 */
  const float* bias;  /* 16, or NULL */
  float* out;
  size_t oh, ow, nk, y0, y1;
} dn_conv_direct;

#define DN_CONV_DIRECT_LANES 16    /* output channels a call computes (wpack's row length) */
#define DN_CONV_DIRECT_MAX_TAPS 64 /* cin * kh * kw must not exceed it */

/* dn_f32_conv_direct_wgrad: the weight gradient's sums for one image, output rows [y0, y1):
 *   acc[(t * 16 + k) * 16 + x % 16] += dy[k * oh * ow + y * ow + x] * in(c, y - pt + j * dh, x - pl + l * dw)
 * for every tap t = (c, j, l), k < nk (<= 16), y0 <= y < y1, x < ow, each acc element adding its
 * terms one at a time in an order fixed by y0, y1 and ow (one fused multiply-add a term on the
 * FMA ISAs), with in() as above but zero outside the h x w plane (never read there). The
 * 16 x 16 floats of a tap are its channels' partial sums by column residue, for the caller to
 * add up. */
typedef struct dn_conv_direct_wgrad {
  const float* in;
  size_t cin, h, w;
  size_t kh, kw, dh, dw;
  long long pt, pl;
  const float* dy; /* nk planes of oh x ow */
  size_t oh, ow, nk, y0, y1;
  float* acc; /* (cin * kh * kw) x 16 x 16 */
} dn_conv_direct_wgrad;

/* One algorithm (conv_direct_kernels.h) per vector ISA; the scalar table has none (im2col +
 * GEMM is faster there). The planner (conv_plan.h) decides where they run. */
void dn_f32_conv_direct__avx2(const dn_conv_direct* a);
void dn_f32_conv_direct_wgrad__avx2(const dn_conv_direct_wgrad* a);
void dn_f32_conv_direct__avx512(const dn_conv_direct* a);
void dn_f32_conv_direct_wgrad__avx512(const dn_conv_direct_wgrad* a);

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_CONV_CONV_DIRECT_H_ */
