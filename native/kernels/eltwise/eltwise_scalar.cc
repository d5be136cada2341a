// Scalar element-wise kernels: the baseline every ISA must match bit for bit.
#include "eltwise.h"

extern "C" {

void dn_f32_vadd__scalar(float* out, const float* a, const float* b, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = a[i] + b[i];
}

void dn_f32_vmul__scalar(float* out, const float* a, const float* b, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

void dn_f32_vscale__scalar(float* out, const float* x, float s, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = x[i] * s;
}

void dn_f32_relu_forward__scalar(float* out, const float* x, size_t n) {
  // Written as SIMD max(0, x) behaves: NaN and -0 pass through unchanged.
  for (size_t i = 0; i < n; ++i) out[i] = 0.0f > x[i] ? 0.0f : x[i];
}

void dn_f32_relu_backward__scalar(float* dx, const float* dy, const float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) dx[i] = x[i] > 0.0f ? dy[i] : 0.0f;
}

void dn_f32_fill__scalar(float* out, float v, size_t n) {
  for (size_t i = 0; i < n; ++i) out[i] = v;
}

}  // extern "C"
