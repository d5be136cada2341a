// NEON element-wise kernels (AArch64): 4 lanes, 4x unrolled, scalar tail.
#if !defined(__ARM_NEON)
#error "eltwise_neon.cc is for AArch64 (NEON) builds only"
#endif

#include <arm_neon.h>

#include "eltwise.h"

namespace {

template <class Op, class Scalar>
inline void binary(float* out, const float* a, const float* b, size_t n, Op op, Scalar sop) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const float32x4_t r0 = op(vld1q_f32(a + i), vld1q_f32(b + i));
    const float32x4_t r1 = op(vld1q_f32(a + i + 4), vld1q_f32(b + i + 4));
    const float32x4_t r2 = op(vld1q_f32(a + i + 8), vld1q_f32(b + i + 8));
    const float32x4_t r3 = op(vld1q_f32(a + i + 12), vld1q_f32(b + i + 12));
    vst1q_f32(out + i, r0);
    vst1q_f32(out + i + 4, r1);
    vst1q_f32(out + i + 8, r2);
    vst1q_f32(out + i + 12, r3);
  }
  for (; i + 4 <= n; i += 4) vst1q_f32(out + i, op(vld1q_f32(a + i), vld1q_f32(b + i)));
  for (; i < n; ++i) out[i] = sop(a[i], b[i]);
}

template <class Op, class Scalar>
inline void unary(float* out, const float* x, size_t n, Op op, Scalar sop) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const float32x4_t r0 = op(vld1q_f32(x + i));
    const float32x4_t r1 = op(vld1q_f32(x + i + 4));
    const float32x4_t r2 = op(vld1q_f32(x + i + 8));
    const float32x4_t r3 = op(vld1q_f32(x + i + 12));
    vst1q_f32(out + i, r0);
    vst1q_f32(out + i + 4, r1);
    vst1q_f32(out + i + 8, r2);
    vst1q_f32(out + i + 12, r3);
  }
  for (; i + 4 <= n; i += 4) vst1q_f32(out + i, op(vld1q_f32(x + i)));
  for (; i < n; ++i) out[i] = sop(x[i]);
}

}  // namespace

extern "C" {

void dn_f32_vadd__neon(float* out, const float* a, const float* b, size_t n) {
  binary(out, a, b, n, [](float32x4_t x, float32x4_t y) { return vaddq_f32(x, y); },
         [](float x, float y) { return x + y; });
}

void dn_f32_vmul__neon(float* out, const float* a, const float* b, size_t n) {
  binary(out, a, b, n, [](float32x4_t x, float32x4_t y) { return vmulq_f32(x, y); },
         [](float x, float y) { return x * y; });
}

void dn_f32_vscale__neon(float* out, const float* x, float s, size_t n) {
  const float32x4_t vs = vdupq_n_f32(s);
  unary(out, x, n, [vs](float32x4_t v) { return vmulq_f32(v, vs); }, [s](float v) { return v * s; });
}

void dn_f32_relu_forward__neon(float* out, const float* x, size_t n) {
  // vmaxq_f32 would turn NaN into NaN but -0 into +0; a compare-and-select matches the scalar
  // definition (0 > x ? 0 : x) exactly.
  const float32x4_t zero = vdupq_n_f32(0.0f);
  unary(out, x, n, [zero](float32x4_t v) { return vbslq_f32(vcgtq_f32(zero, v), zero, v); },
        [](float v) { return 0.0f > v ? 0.0f : v; });
}

void dn_f32_relu_backward__neon(float* dx, const float* dy, const float* x, size_t n) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  binary(dx, dy, x, n,
         [zero](float32x4_t g, float32x4_t v) { return vbslq_f32(vcgtq_f32(v, zero), g, zero); },
         [](float g, float v) { return v > 0.0f ? g : 0.0f; });
}

void dn_f32_fill__neon(float* out, float v, size_t n) {
  const float32x4_t vv = vdupq_n_f32(v);
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(out + i, vv);
  for (; i < n; ++i) out[i] = v;
}

}  // extern "C"
