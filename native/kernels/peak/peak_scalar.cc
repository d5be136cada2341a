// Scalar FMA peak: 12 independent accumulators. Uses fmaf semantics through a*b+c, which the
// baseline build keeps as separate multiply and add (no contraction across ISAs is assumed).
#include "peak.h"

extern "C" {

float dn_fma_peak__scalar(size_t iters, float seed) {
  float acc[12];
  for (int j = 0; j < 12; ++j) acc[j] = seed + static_cast<float>(j);
  const float a = 0.999999f, b = 1e-7f;
  for (size_t i = 0; i < iters; ++i) {
    for (int j = 0; j < 12; ++j) acc[j] = acc[j] * a + b;
  }
  float s = 0.0f;
  for (int j = 0; j < 12; ++j) s += acc[j];
  return s;
}

double dn_fma_peak_flops__scalar(size_t iters) { return 2.0 * 12.0 * static_cast<double>(iters); }

}  // extern "C"
