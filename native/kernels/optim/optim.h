/* Fused optimizer update steps over whole parameter buffers, and the sum of squares that
 * gradient clipping by norm needs.
 *
 * Contract: every array holds n floats, unit stride; param and the state buffers are updated in
 * place; grad is read only. Scalars arrive already rounded to float where the formula uses them
 * as float (the caller computes step sizes and bias corrections in double, then rounds once), so
 * the TypeScript reference can repeat every operation in the same order and match bit for bit.
 * Each element is independent: the driver may split [0, n) across threads freely.
 * Formulas follow PyTorch's single-tensor implementations (torch.optim, 1.13 and later). */
#ifndef DN_KERNELS_OPTIM_H_
#define DN_KERNELS_OPTIM_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* SGD. g = (maximize ? -grad : grad) + weight_decay * p (when weight_decay != 0);
 * with momentum: buf = init ? g : momentum * buf + (1 - dampening) * g;
 *                g = nesterov ? g + momentum * buf : buf;
 * p -= lr * g. buf may be NULL when momentum == 0. */
typedef struct {
  float lr, weight_decay, momentum, one_minus_dampening;
  int nesterov, maximize, init;
} dn_sgd_params;
void dn_sgd_step(float* p, const float* grad, float* buf, size_t n, const dn_sgd_params* hp);

/* Adam / AdamW (decoupled != 0). AdamW first scales p by decay = 1 - lr * weight_decay; Adam
 * adds weight_decay * p to g. m = beta1 * m + (1 - beta1) * g; v = beta2 * v + (1 - beta2) * g * g;
 * vhat = amsgrad ? (vmax = max(vmax, v)) : v; denom = sqrt(vhat) / bias2_sqrt + eps;
 * p -= step_size * (m / denom), step_size = lr / (1 - beta1^step). vmax is NULL unless amsgrad. */
typedef struct {
  float step_size, beta1, one_minus_beta1, beta2, one_minus_beta2, eps, bias2_sqrt;
  float weight_decay, decay;
  int decoupled, maximize;
} dn_adam_params;
void dn_adam_step(float* p, const float* grad, float* m, float* v, float* vmax, size_t n, const dn_adam_params* hp);

/* RMSprop. sq = alpha * sq + (1 - alpha) * g * g; centered (gavg != NULL):
 * gavg = alpha * gavg + (1 - alpha) * g, avg = sqrt(sq - gavg * gavg) + eps; else avg = sqrt(sq) + eps;
 * with momentum (buf != NULL): buf = momentum * buf + g / avg, p -= lr * buf; else p -= lr * (g / avg). */
typedef struct {
  float lr, alpha, one_minus_alpha, eps, weight_decay, momentum;
  int maximize;
} dn_rmsprop_params;
void dn_rmsprop_step(float* p, const float* grad, float* sq, float* gavg, float* buf, size_t n,
                     const dn_rmsprop_params* hp);

/* Adagrad. sum += g * g; p -= clr * (g / (sqrt(sum) + eps)), clr = lr / (1 + (step - 1) * lr_decay). */
typedef struct {
  float clr, eps, weight_decay;
  int maximize;
} dn_adagrad_params;
void dn_adagrad_step(float* p, const float* grad, float* sum, size_t n, const dn_adagrad_params* hp);

/* Sum of x[i]^2 over [0, n), accumulated in double. */
double dn_sum_squares(const float* x, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_OPTIM_H_ */
