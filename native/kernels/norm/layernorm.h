/* Layer normalization over the rows of a (rows, n) matrix, forward and backward.
 *
 * x, y, dy, dx are (rows, n) row-major; weight, bias, dweight, dbias are (n) or NULL (weight NULL
 * means 1, bias NULL means 0; a NULL output is not computed). Per row, in double:
 *   mean = S(x) / n,  var = S((x - mean)^2) / n (biased),  rstd = 1 / sqrt(var + eps)
 *   y    = (x - mean) * rstd [* weight] [+ bias]                  (rounded to float once)
 *   g    = dy [* weight],  xhat = (x - mean) * rstd
 *   dx   = rstd * (g - S(g) / n - xhat * (S(g * xhat) / n))
 *   dweight[j] = sum over rows, in row order, of dy * xhat;  dbias[j] = sum over rows of dy
 * S(v) is the row sum in a fixed order: four partial sums, element j going to partial j % 4, then
 * (p0 + p1) + (p2 + p3). The reference backend (lib/backend/reference-norm.ts) performs the same
 * double operations in the same order, so the results agree bit for bit where the compiler does
 * not contract a * b + c into a fused multiply-add (it cannot on the x86-64 baseline these files
 * are built for). Rows are independent, columns of dweight/dbias too: the callers split rows (or
 * columns) across threads and the results do not depend on the split.
 * mean and rstd are (rows) doubles filled by dn_layernorm_stats for the backward passes. */
#ifndef DN_KERNELS_LAYERNORM_H_
#define DN_KERNELS_LAYERNORM_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void dn_layernorm_forward(float* y, const float* x, const float* weight, const float* bias, size_t n, double eps,
                          size_t row_begin, size_t row_end);

void dn_layernorm_stats(double* mean, double* rstd, const float* x, size_t n, double eps, size_t row_begin,
                        size_t row_end);

void dn_layernorm_backward_data(float* dx, const float* dy, const float* x, const float* weight, const double* mean,
                                const double* rstd, size_t n, size_t row_begin, size_t row_end);

/* Columns [col_begin, col_end) of dweight and dbias (either may be NULL), summed over all rows. */
void dn_layernorm_backward_params(float* dweight, float* dbias, const float* dy, const float* x, const double* mean,
                                  const double* rstd, size_t rows, size_t n, size_t col_begin, size_t col_end);

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_LAYERNORM_H_ */
