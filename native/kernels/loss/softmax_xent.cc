// Fused softmax cross-entropy (baseline ISA: exp and log come from libm in double, so every
// ISA and the reference backend agree to the last float bit in practice).
#include "softmax_xent.h"

#include <cmath>

extern "C" {

void dn_softmax_xent_forward_backward(float* loss, float* dlogits, float* wsum, const float* logits,
                                      const int32_t* targets, const float* weight, size_t classes,
                                      float label_smoothing, int32_t ignore_index, size_t row_begin, size_t row_end) {
  const double eps = label_smoothing;
  double wtotal = 0.0;
  if (eps != 0.0) {
    for (size_t c = 0; c < classes; ++c) wtotal += weight != nullptr ? weight[c] : 1.0;
  }
  for (size_t r = row_begin; r < row_end; ++r) {
    const float* z = logits + r * classes;
    float* dz = dlogits + r * classes;
    const int32_t y = targets[r];
    if (y == ignore_index) {
      loss[r] = 0.0f;
      wsum[r] = 0.0f;
      for (size_t c = 0; c < classes; ++c) dz[c] = 0.0f;
      continue;
    }
    double zmax = -INFINITY;
    for (size_t c = 0; c < classes; ++c) zmax = z[c] > zmax ? z[c] : zmax;
    double sum = 0.0;
    for (size_t c = 0; c < classes; ++c) sum += std::exp(static_cast<double>(z[c]) - zmax);
    const double lse = zmax + std::log(sum);
    const double wy = weight != nullptr ? weight[y] : 1.0;
    const double hard = (1.0 - eps) * wy;
    const double soft = eps / static_cast<double>(classes);
    double smooth_term = 0.0;
    for (size_t c = 0; c < classes; ++c) {
      const double nll_c = lse - z[c];
      const double wc = weight != nullptr ? weight[c] : 1.0;
      if (eps != 0.0) smooth_term += wc * nll_c;
      const double p = std::exp(static_cast<double>(z[c]) - lse);
      double g = hard * (p - (static_cast<size_t>(y) == c ? 1.0 : 0.0));
      if (eps != 0.0) g += soft * (wtotal * p - wc);
      dz[c] = static_cast<float>(g);
    }
    loss[r] = static_cast<float>(hard * (lse - z[y]) + soft * smooth_term);
    wsum[r] = static_cast<float>(wy);
  }
}

}  // extern "C"
