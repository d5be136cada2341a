/* 2-D pooling over NCHW float32 tensors, forward and backward, with PyTorch's semantics.
 *
 * x is (N, C, H, W), out is (N, C, OH, OW), contiguous. Planes (n, c) are independent: the driver
 * may give whole planes to different threads. Geometry is validated by the caller;
 * dn_pool2d_out_size gives PyTorch's output size (ceil_mode included).
 *   max:  out = max over the dilated window (padding never wins; NaN propagates), indices[o] =
 *         h * W + w of the winning input element within its plane (PyTorch's return_indices).
 *         Backward: dx = 0, then dx[plane, indices[o]] += dy[o] in output order.
 *   avg:  out = sum over the window clipped to the image / divisor, where the divisor is
 *         divisor_override if > 0, else the window clipped to the padded image when
 *         count_include_pad, else the window clipped to the image.
 *   adaptive avg: window [floor(o*H/OH), ceil((o+1)*H/OH)) in each dimension. */
#ifndef DN_KERNELS_POOL2D_H_
#define DN_KERNELS_POOL2D_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  size_t planes; /* N * C */
  size_t h, w;   /* input height, width */
  size_t oh, ow; /* output height, width */
  size_t kh, kw, sh, sw, ph, pw, dh, dw;
  int count_include_pad; /* avg only */
  size_t divisor;        /* avg only: 0 = none */
} dn_pool2d_geometry;

/* PyTorch's pooling output size along one dimension; 0 means empty (an error for the caller). */
long long dn_pool2d_out_size(long long in, long long k, long long s, long long p, long long d, int ceil_mode);

void dn_maxpool2d_forward(float* out, int32_t* indices, const float* x, const dn_pool2d_geometry* g, size_t plane_begin,
                          size_t plane_end);
void dn_maxpool2d_backward(float* dx, const float* dy, const int32_t* indices, const dn_pool2d_geometry* g,
                           size_t plane_begin, size_t plane_end);
void dn_avgpool2d_forward(float* out, const float* x, const dn_pool2d_geometry* g, size_t plane_begin,
                          size_t plane_end);
void dn_avgpool2d_backward(float* dx, const float* dy, const dn_pool2d_geometry* g, size_t plane_begin,
                           size_t plane_end);
void dn_adaptive_avgpool2d_forward(float* out, const float* x, const dn_pool2d_geometry* g, size_t plane_begin,
                                   size_t plane_end);
void dn_adaptive_avgpool2d_backward(float* dx, const float* dy, const dn_pool2d_geometry* g, size_t plane_begin,
                                    size_t plane_end);

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_POOL2D_H_ */
