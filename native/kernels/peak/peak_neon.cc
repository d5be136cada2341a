// NEON peak: 16 q-register accumulators with vfmaq_f32.
#if !defined(__ARM_NEON)
#error "peak_neon.cc is for AArch64 (NEON) builds only"
#endif

#include <arm_neon.h>

#include "peak.h"

extern "C" {

float dn_fma_peak__neon(size_t iters, float seed) {
  const float32x4_t a = vdupq_n_f32(0.999999f), b = vdupq_n_f32(1e-7f);
  float32x4_t c[16];
  c[0] = vdupq_n_f32(seed);
  for (int j = 1; j < 16; ++j) c[j] = vaddq_f32(c[j - 1], b);
  for (size_t i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < 16; ++j) c[j] = vfmaq_f32(b, c[j], a);
  }
  float32x4_t s = c[0];
  for (int j = 1; j < 16; ++j) s = vaddq_f32(s, c[j]);
  return vaddvq_f32(s);
}

double dn_fma_peak_flops__neon(size_t iters) { return 2.0 * 4.0 * 16.0 * static_cast<double>(iters); }

}  // extern "C"
