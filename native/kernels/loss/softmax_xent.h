/* Fused softmax cross-entropy with class-index targets: one pass per row computes the row's
 * loss and the gradient of that loss with respect to the logits.
 *
 * logits (rows, classes), targets (rows) class indices, weight (classes) or NULL (all 1).
 * With smoothing e and W = sum of the class weights, lse = log(sum_c exp(z_c)):
 *   loss[r]  = (1 - e) * w[y] * (lse - z_y) + (e / C) * sum_c w[c] * (lse - z_c)
 *   dz[r, c] = (1 - e) * w[y] * (p_c - [c == y]) + (e / C) * (W * p_c - w[c]),  p = softmax(z)
 *   wsum[r]  = w[y] (what a 'mean' reduction divides by, summed over rows)
 * A row whose target equals ignore_index has loss 0, zero gradient and wsum 0.
 * Computed in double from float inputs (max-subtracted, so no overflow); rows are independent.
 * Targets out of [0, classes) other than ignore_index are the caller's to reject. */
#ifndef DN_KERNELS_SOFTMAX_XENT_H_
#define DN_KERNELS_SOFTMAX_XENT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void dn_softmax_xent_forward_backward(float* loss, float* dlogits, float* wsum, const float* logits,
                                      const int32_t* targets, const float* weight, size_t classes,
                                      float label_smoothing, int32_t ignore_index, size_t row_begin, size_t row_end);

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_SOFTMAX_XENT_H_ */
