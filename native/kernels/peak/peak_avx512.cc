// AVX-512 peak: 16 zmm accumulators (2 FMA pipes x 4 cycles, doubled for headroom).
#if !defined(__AVX512F__)
#error "peak_avx512.cc must be compiled with -mavx512f"
#endif

#include <immintrin.h>

#include "peak.h"

extern "C" {

float dn_fma_peak__avx512(size_t iters, float seed) {
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  __m512 c[16];
  c[0] = _mm512_set1_ps(seed);
  for (int j = 1; j < 16; ++j) c[j] = _mm512_add_ps(c[j - 1], b);
  for (size_t i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < 16; ++j) c[j] = _mm512_fmadd_ps(c[j], a, b);
  }
  __m512 s = c[0];
  for (int j = 1; j < 16; ++j) s = _mm512_add_ps(s, c[j]);
  float out[16];
  _mm512_storeu_ps(out, s);
  float t = 0.0f;
  for (int j = 0; j < 16; ++j) t += out[j];
  return t;
}

double dn_fma_peak_flops__avx512(size_t iters) { return 2.0 * 16.0 * 16.0 * static_cast<double>(iters); }

}  // extern "C"
