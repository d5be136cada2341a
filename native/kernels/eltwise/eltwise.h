/* Element-wise float32 kernels, one set per ISA.
 *
 * Contract (every ISA): n elements, unit stride, any 4-byte alignment (unaligned loads).
 * out may be exactly the same array as an input (in place) but must not partially overlap one.
 * Every ISA gives bit-identical results: each element is one IEEE operation, no reassociation.
 *   vadd:   out[i] = a[i] + b[i]
 *   vmul:   out[i] = a[i] * b[i]
 *   vscale: out[i] = x[i] * s
 *   relu:   out[i] = 0 > x[i] ? 0 : x[i]      (NaN and -0 pass through, as max(0, x) in SIMD)
 *   relu_backward: dx[i] = x[i] > 0 ? dy[i] : 0
 *   fill:   out[i] = v
 *   colsum: out[j] = sum over r < rows of x[r * ld + j], j < cols (ld >= cols): each column summed
 *           in double, rows in order from 0, rounded to float once; out must not overlap x. The
 *           order is the contract (the reference backend follows it), so the bits are the same
 *           for any ISA and any split of the columns between threads.
 * Plain C interface; the kernels are eltwise_impl.h instantiated once per ISA file, with internal
 * linkage, so no code is shared across differently-flagged translation units. */
#ifndef DN_KERNELS_ELTWISE_H_
#define DN_KERNELS_ELTWISE_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DN_DECLARE_ELTWISE(isa)                                                           \
  void dn_f32_vadd__##isa(float* out, const float* a, const float* b, size_t n);          \
  void dn_f32_vmul__##isa(float* out, const float* a, const float* b, size_t n);          \
  void dn_f32_vscale__##isa(float* out, const float* x, float s, size_t n);               \
  void dn_f32_relu_forward__##isa(float* out, const float* x, size_t n);                  \
  void dn_f32_relu_backward__##isa(float* dx, const float* dy, const float* x, size_t n); \
  void dn_f32_fill__##isa(float* out, float v, size_t n);                                 \
  void dn_f32_colsum__##isa(float* out, const float* x, size_t rows, size_t cols, size_t ld);

DN_DECLARE_ELTWISE(scalar)
DN_DECLARE_ELTWISE(avx2)
DN_DECLARE_ELTWISE(avx512)
DN_DECLARE_ELTWISE(neon)

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_ELTWISE_H_ */
