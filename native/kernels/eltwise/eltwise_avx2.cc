// AVX2 element-wise kernels: 8 lanes, 4x unrolled main loop, masked tail (no scalar epilogue,
// and no load or store past element n-1).
#if !defined(__AVX2__) || !defined(__FMA__)
#error "eltwise_avx2.cc must be compiled with -mavx2 -mfma"
#endif

#include <immintrin.h>

#include "eltwise.h"

namespace {

// Lane mask for the last n % 8 elements (n_left in 1..7).
inline __m256i tail_mask(size_t n_left) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n_left)), lanes);
}

template <class Op>
inline void binary(float* out, const float* a, const float* b, size_t n, Op op) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256 r0 = op(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    const __m256 r1 = op(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8));
    const __m256 r2 = op(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16));
    const __m256 r3 = op(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24));
    _mm256_storeu_ps(out + i, r0);
    _mm256_storeu_ps(out + i + 8, r1);
    _mm256_storeu_ps(out + i + 16, r2);
    _mm256_storeu_ps(out + i + 24, r3);
  }
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, op(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
  if (i < n) {
    const __m256i m = tail_mask(n - i);
    _mm256_maskstore_ps(out + i, m, op(_mm256_maskload_ps(a + i, m), _mm256_maskload_ps(b + i, m)));
  }
}

template <class Op>
inline void unary(float* out, const float* x, size_t n, Op op) {
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256 r0 = op(_mm256_loadu_ps(x + i));
    const __m256 r1 = op(_mm256_loadu_ps(x + i + 8));
    const __m256 r2 = op(_mm256_loadu_ps(x + i + 16));
    const __m256 r3 = op(_mm256_loadu_ps(x + i + 24));
    _mm256_storeu_ps(out + i, r0);
    _mm256_storeu_ps(out + i + 8, r1);
    _mm256_storeu_ps(out + i + 16, r2);
    _mm256_storeu_ps(out + i + 24, r3);
  }
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, op(_mm256_loadu_ps(x + i)));
  if (i < n) {
    const __m256i m = tail_mask(n - i);
    _mm256_maskstore_ps(out + i, m, op(_mm256_maskload_ps(x + i, m)));
  }
}

}  // namespace

extern "C" {

void dn_f32_vadd__avx2(float* out, const float* a, const float* b, size_t n) {
  binary(out, a, b, n, [](__m256 x, __m256 y) { return _mm256_add_ps(x, y); });
}

void dn_f32_vmul__avx2(float* out, const float* a, const float* b, size_t n) {
  binary(out, a, b, n, [](__m256 x, __m256 y) { return _mm256_mul_ps(x, y); });
}

void dn_f32_vscale__avx2(float* out, const float* x, float s, size_t n) {
  const __m256 vs = _mm256_set1_ps(s);
  unary(out, x, n, [vs](__m256 v) { return _mm256_mul_ps(v, vs); });
}

void dn_f32_relu_forward__avx2(float* out, const float* x, size_t n) {
  const __m256 zero = _mm256_setzero_ps();
  // max_ps returns its second operand when either is NaN, and on 0 == -0: NaN and -0 pass through.
  unary(out, x, n, [zero](__m256 v) { return _mm256_max_ps(zero, v); });
}

void dn_f32_relu_backward__avx2(float* dx, const float* dy, const float* x, size_t n) {
  const __m256 zero = _mm256_setzero_ps();
  binary(dx, dy, x, n, [zero](__m256 g, __m256 v) { return _mm256_and_ps(g, _mm256_cmp_ps(v, zero, _CMP_GT_OQ)); });
}

void dn_f32_fill__avx2(float* out, float v, size_t n) {
  const __m256 vv = _mm256_set1_ps(v);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, vv);
  if (i < n) _mm256_maskstore_ps(out + i, tail_mask(n - i), vv);
}

}  // extern "C"
