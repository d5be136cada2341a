// AVX-512 element-wise kernels: 16 lanes, 4x unrolled, masked tail.
// Compiled on every x64 build and selectable at run time; needs AVX-512F/BW/DQ/VL hardware.
#if !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512DQ__) || !defined(__AVX512VL__)
#error "eltwise_avx512.cc must be compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl"
#endif

#include <immintrin.h>

#include "eltwise.h"

namespace {

inline __mmask16 tail_mask(size_t n_left) { return static_cast<__mmask16>((1u << n_left) - 1u); }

template <class Op>
inline void binary(float* out, const float* a, const float* b, size_t n, Op op) {
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512 r0 = op(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    const __m512 r1 = op(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16));
    const __m512 r2 = op(_mm512_loadu_ps(a + i + 32), _mm512_loadu_ps(b + i + 32));
    const __m512 r3 = op(_mm512_loadu_ps(a + i + 48), _mm512_loadu_ps(b + i + 48));
    _mm512_storeu_ps(out + i, r0);
    _mm512_storeu_ps(out + i + 16, r1);
    _mm512_storeu_ps(out + i + 32, r2);
    _mm512_storeu_ps(out + i + 48, r3);
  }
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, op(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i)));
  if (i < n) {
    const __mmask16 m = tail_mask(n - i);
    _mm512_mask_storeu_ps(out + i, m, op(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i)));
  }
}

template <class Op>
inline void unary(float* out, const float* x, size_t n, Op op) {
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512 r0 = op(_mm512_loadu_ps(x + i));
    const __m512 r1 = op(_mm512_loadu_ps(x + i + 16));
    const __m512 r2 = op(_mm512_loadu_ps(x + i + 32));
    const __m512 r3 = op(_mm512_loadu_ps(x + i + 48));
    _mm512_storeu_ps(out + i, r0);
    _mm512_storeu_ps(out + i + 16, r1);
    _mm512_storeu_ps(out + i + 32, r2);
    _mm512_storeu_ps(out + i + 48, r3);
  }
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, op(_mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 m = tail_mask(n - i);
    _mm512_mask_storeu_ps(out + i, m, op(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

}  // namespace

extern "C" {

void dn_f32_vadd__avx512(float* out, const float* a, const float* b, size_t n) {
  binary(out, a, b, n, [](__m512 x, __m512 y) { return _mm512_add_ps(x, y); });
}

void dn_f32_vmul__avx512(float* out, const float* a, const float* b, size_t n) {
  binary(out, a, b, n, [](__m512 x, __m512 y) { return _mm512_mul_ps(x, y); });
}

void dn_f32_vscale__avx512(float* out, const float* x, float s, size_t n) {
  const __m512 vs = _mm512_set1_ps(s);
  unary(out, x, n, [vs](__m512 v) { return _mm512_mul_ps(v, vs); });
}

void dn_f32_relu_forward__avx512(float* out, const float* x, size_t n) {
  const __m512 zero = _mm512_setzero_ps();
  unary(out, x, n, [zero](__m512 v) { return _mm512_max_ps(zero, v); });
}

void dn_f32_relu_backward__avx512(float* dx, const float* dy, const float* x, size_t n) {
  const __m512 zero = _mm512_setzero_ps();
  binary(dx, dy, x, n, [zero](__m512 g, __m512 v) {
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, zero, _CMP_GT_OQ), g);
  });
}

void dn_f32_fill__avx512(float* out, float v, size_t n) {
  const __m512 vv = _mm512_set1_ps(v);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, vv);
  if (i < n) _mm512_mask_storeu_ps(out + i, tail_mask(n - i), vv);
}

}  // extern "C"
