// Optimizer steps: one pass over each buffer, every operation in the order optim.h states.
// Built for the baseline ISA only: the steps stream memory and the compiler vectorises these
// loops with the baseline vector width already; -ffp-contract=off keeps each multiply and add
// separate so the reference backend matches bit for bit.
#include "optim.h"

#include <cmath>

extern "C" {

void dn_sgd_step(float* p, const float* grad, float* buf, size_t n, const dn_sgd_params* hp) {
  const float lr = hp->lr, wd = hp->weight_decay, mom = hp->momentum, damp1 = hp->one_minus_dampening;
  const float sign = hp->maximize ? -1.0f : 1.0f;
  for (size_t i = 0; i < n; ++i) {
    float g = sign * grad[i];
    if (wd != 0.0f) g = g + wd * p[i];
    if (mom != 0.0f) {
      const float b = hp->init ? g : mom * buf[i] + damp1 * g;
      buf[i] = b;
      g = hp->nesterov ? g + mom * b : b;
    }
    p[i] = p[i] - lr * g;
  }
}

}  // extern "C"

namespace {

// One Adam pass with the per-call choices fixed at compile time, so the loop has no branches,
// its buffers are declared unaliased (the binding checks they are disjoint), and the compiler
// vectorises it (sqrt and division are exactly rounded in SIMD too: same bits as scalar code).
template <bool Decoupled, bool Decay, bool Amsgrad>
void adam_loop(float* __restrict p, const float* __restrict grad, float* __restrict m, float* __restrict v,
               float* __restrict vmax, size_t n, const dn_adam_params& hp, float sign) {
  const float b1 = hp.beta1, omb1 = hp.one_minus_beta1, b2 = hp.beta2, omb2 = hp.one_minus_beta2;
  const float wd = hp.weight_decay, decay = hp.decay, bias2 = hp.bias2_sqrt, eps = hp.eps, step = hp.step_size;
  for (size_t i = 0; i < n; ++i) {
    float g = sign * grad[i];
    float pi = p[i];
    if (Decoupled) pi = pi * decay;
    if (Decay) g = g + wd * pi;
    const float mi = b1 * m[i] + omb1 * g;
    const float vi = b2 * v[i] + omb2 * (g * g);
    m[i] = mi;
    v[i] = vi;
    float vhat = vi;
    if (Amsgrad) {
      vhat = vmax[i] > vi ? vmax[i] : vi;
      vmax[i] = vhat;
    }
    const float denom = std::sqrt(vhat) / bias2 + eps;
    p[i] = pi - step * (mi / denom);
  }
}

}  // namespace

extern "C" {

void dn_adam_step(float* p, const float* grad, float* m, float* v, float* vmax, size_t n, const dn_adam_params* hp) {
  const float sign = hp->maximize ? -1.0f : 1.0f;
  const bool decoupled = hp->decoupled != 0;
  const bool l2 = !decoupled && hp->weight_decay != 0.0f;
  const bool ams = vmax != nullptr;
  if (decoupled) {
    if (ams)
      adam_loop<true, false, true>(p, grad, m, v, vmax, n, *hp, sign);
    else
      adam_loop<true, false, false>(p, grad, m, v, vmax, n, *hp, sign);
  } else if (l2) {
    if (ams)
      adam_loop<false, true, true>(p, grad, m, v, vmax, n, *hp, sign);
    else
      adam_loop<false, true, false>(p, grad, m, v, vmax, n, *hp, sign);
  } else {
    if (ams)
      adam_loop<false, false, true>(p, grad, m, v, vmax, n, *hp, sign);
    else
      adam_loop<false, false, false>(p, grad, m, v, vmax, n, *hp, sign);
  }
}

void dn_rmsprop_step(float* p, const float* grad, float* sq, float* gavg, float* buf, size_t n,
                     const dn_rmsprop_params* hp) {
  const float sign = hp->maximize ? -1.0f : 1.0f;
  for (size_t i = 0; i < n; ++i) {
    float g = sign * grad[i];
    if (hp->weight_decay != 0.0f) g = g + hp->weight_decay * p[i];
    const float s = hp->alpha * sq[i] + hp->one_minus_alpha * (g * g);
    sq[i] = s;
    float avg;
    if (gavg != nullptr) {
      const float ga = hp->alpha * gavg[i] + hp->one_minus_alpha * g;
      gavg[i] = ga;
      avg = std::sqrt(s - ga * ga) + hp->eps;
    } else {
      avg = std::sqrt(s) + hp->eps;
    }
    if (buf != nullptr) {
      const float b = hp->momentum * buf[i] + g / avg;
      buf[i] = b;
      p[i] = p[i] - hp->lr * b;
    } else {
      p[i] = p[i] - hp->lr * (g / avg);
    }
  }
}

void dn_adagrad_step(float* p, const float* grad, float* sum, size_t n, const dn_adagrad_params* hp) {
  const float sign = hp->maximize ? -1.0f : 1.0f;
  for (size_t i = 0; i < n; ++i) {
    float g = sign * grad[i];
    if (hp->weight_decay != 0.0f) g = g + hp->weight_decay * p[i];
    const float s = sum[i] + g * g;
    sum[i] = s;
    p[i] = p[i] - hp->clr * (g / (std::sqrt(s) + hp->eps));
  }
}

double dn_sum_squares(const float* x, size_t n) {
  double acc = 0.0;
  for (size_t i = 0; i < n; ++i) acc += static_cast<double>(x[i]) * static_cast<double>(x[i]);
  return acc;
}

}  // extern "C"
