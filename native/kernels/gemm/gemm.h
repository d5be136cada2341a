/* Single-precision GEMM micro-kernels: the contract every ISA implements.
 *
 * A micro-kernel computes one MR x NR tile of C (units are ELEMENTS everywhere, not bytes):
 *   b: a packed B micro-panel, kc groups of NR floats, b[p*NR + j] = op(B)[p][j] (zeros for j >= nr)
 *   a: if a_stride == 0, a packed A micro-panel, kc groups of MR floats, a[p*MR + i] = op(A)[i][p]
 *      (zeros for i >= mr); otherwise A read in place: row i of the tile is a + i*a_stride, with
 *      its kc elements contiguous (rows i >= mr are never read; the kernel reuses row 0 for them)
 *   acc[i][j] = sum over p = 0 .. kc-1, in order, of A[i][p] * B[p][j]  (one FMA per step)
 *   c[i*ldc + j] = act(alpha * acc[i][j] + beta * c[i*ldc + j] + bias[j] + row_bias[i])   for i < mr, j < nr
 *   (the terms added in that order, left to right)
 * - beta == 0 means C is not read at all (NaN in C does not propagate); kc may be 0 (acc = 0).
 * - bias is NULL or points at nr floats (the tile's columns); it is never read past nr.
 *   row_bias is NULL or points at mr floats (the tile's rows); it is never read past mr.
 * - act is applied in registers: none, relu (0 > t ? 0 : t, so NaN and -0 pass through) or
 *   leaky relu (t < 0 ? t * slope : t). Other activations are applied by the driver.
 * - Only the mr x nr window of C is read or written, whatever mr <= MR and nr <= NR are: edge
 *   tiles use masked loads and partial stores, so a tile at the end of a JavaScript typed array
 *   never touches memory past it.
 * - Each element's arithmetic does not depend on mr, nr, a_stride or the tile's place in C, so
 *   results are the same however the driver splits the matrix (and for any thread count).
 *   Kernels may skip the FMAs of whole column vectors past nr: they feed no output.
 * - No alignment is required of a, b or c. Kernels are reentrant.
 * The driver (gemm_driver.cc) handles everything else: transposes, leading dimensions, packing,
 * cache blocking, the K loop (beta = 1 and no epilogue for all but the first / last K block),
 * alpha = 0, threads, and the activations that are not fused here.
 *
 * Plain C interface: ISA files include only this header and their intrinsics header, so no
 * inline or template code is shared across differently-flagged translation units. */
#ifndef DN_KERNELS_GEMM_H_
#define DN_KERNELS_GEMM_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Activations a micro-kernel fuses (its `act` field). */
enum { DN_GEMM_ACT_NONE = 0, DN_GEMM_ACT_RELU = 1, DN_GEMM_ACT_LEAKY_RELU = 2 };

typedef struct dn_f32_gemm_params {
  float alpha;
  float beta;            /* 0: C is write-only */
  const float* bias;     /* NULL, or nr floats added per column */
  int act;               /* DN_GEMM_ACT_* */
  float slope;           /* negative slope of leaky relu */
  const float* row_bias; /* NULL, or mr floats added per row (a convolution's channel bias) */
} dn_f32_gemm_params;

typedef void (*dn_f32_gemm_ukernel_fn)(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride, const float* b,
                                       float* c, size_t ldc, const dn_f32_gemm_params* params);

/* One ISA's GEMM configuration: the micro-kernel, its register tile, and the cache blocking the
 * driver uses with it (kc: depth of a packed panel; mc: rows of a packed A block, a multiple of
 * mr; nc: columns of a packed B block, a multiple of nr). Tuned by measurement per ISA. */
typedef struct dn_f32_gemm_config {
  dn_f32_gemm_ukernel_fn ukernel;
  size_t mr;
  size_t mr_step; /* a tile of mr' < mr rows costs what one of round_up(mr', mr_step) rows does */
  size_t nr;
  size_t kc, mc, nc;
  /* Optional (null where the ISA has none): the narrow kernel, for products with few columns
   * (the driver's "narrow" path). Same contract as ukernel, but the tile is vectorised along M:
   * mr <= narrow_mr rows, a packed in a panel of narrow_mr rows or read in place; nr <=
   * narrow_nr columns, b packed as kc groups of exactly nr floats (no padding); kc <= 256. */
  dn_f32_gemm_ukernel_fn narrow;
  size_t narrow_mr, narrow_nr;
} dn_f32_gemm_config;

void dn_f32_gemm_ukernel_4x8__scalar(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride, const float* b,
                                     float* c, size_t ldc, const dn_f32_gemm_params* params);
void dn_f32_gemm_ukernel_6x16__avx2_fma(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride,
                                        const float* b, float* c, size_t ldc, const dn_f32_gemm_params* params);
void dn_f32_gemm_ukernel_16x12_narrow__avx2_fma(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride,
                                                const float* b, float* c, size_t ldc, const dn_f32_gemm_params* params);
void dn_f32_gemm_ukernel_12x32__avx512f(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride,
                                        const float* b, float* c, size_t ldc, const dn_f32_gemm_params* params);
void dn_f32_gemm_ukernel_8x12__neon(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride, const float* b,
                                    float* c, size_t ldc, const dn_f32_gemm_params* params);

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_GEMM_H_ */
