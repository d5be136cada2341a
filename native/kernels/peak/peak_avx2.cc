// AVX2+FMA peak: 12 ymm accumulators cover 2 FMA pipes x 4-5 cycles of latency on current x64 cores.
#if !defined(__AVX2__) || !defined(__FMA__)
#error "peak_avx2.cc must be compiled with -mavx2 -mfma"
#endif

#include <immintrin.h>

#include "peak.h"

extern "C" {

float dn_fma_peak__avx2(size_t iters, float seed) {
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  __m256 c0 = _mm256_set1_ps(seed), c1 = _mm256_add_ps(c0, b), c2 = _mm256_add_ps(c1, b),
         c3 = _mm256_add_ps(c2, b), c4 = _mm256_add_ps(c3, b), c5 = _mm256_add_ps(c4, b),
         c6 = _mm256_add_ps(c5, b), c7 = _mm256_add_ps(c6, b), c8 = _mm256_add_ps(c7, b),
         c9 = _mm256_add_ps(c8, b), c10 = _mm256_add_ps(c9, b), c11 = _mm256_add_ps(c10, b);
  for (size_t i = 0; i < iters; ++i) {
    c0 = _mm256_fmadd_ps(c0, a, b);
    c1 = _mm256_fmadd_ps(c1, a, b);
    c2 = _mm256_fmadd_ps(c2, a, b);
    c3 = _mm256_fmadd_ps(c3, a, b);
    c4 = _mm256_fmadd_ps(c4, a, b);
    c5 = _mm256_fmadd_ps(c5, a, b);
    c6 = _mm256_fmadd_ps(c6, a, b);
    c7 = _mm256_fmadd_ps(c7, a, b);
    c8 = _mm256_fmadd_ps(c8, a, b);
    c9 = _mm256_fmadd_ps(c9, a, b);
    c10 = _mm256_fmadd_ps(c10, a, b);
    c11 = _mm256_fmadd_ps(c11, a, b);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                           _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0] + out[1] + out[2] + out[3] + out[4] + out[5] + out[6] + out[7];
}

double dn_fma_peak_flops__avx2(size_t iters) { return 2.0 * 8.0 * 12.0 * static_cast<double>(iters); }

}  // extern "C"
