// 4 float lanes (AArch64 NEON): the vector type and the operations the kernels are written with
// (the shared vocabulary is in simd_scalar.h; this ISA has the subset its kernels use).
#pragma once

#if !defined(__ARM_NEON) || !defined(__aarch64__)
#error "simd_neon.h is for AArch64 (NEON) builds only"
#endif

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

namespace {
namespace simd {

struct Neon {
  using V = float32x4_t;
  using M = uint32x4_t;
  static constexpr std::size_t W = 4;

  static V load(const float* p) { return vld1q_f32(p); }
  static void store(float* p, V v) { vst1q_f32(p, v); }
  static V load_n(const float* p, std::size_t n) {
    float b[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (std::size_t i = 0; i < n; ++i) b[i] = p[i];
    return vld1q_f32(b);
  }
  static void store_n(float* p, V v, std::size_t n) {
    float b[4];
    vst1q_f32(b, v);
    for (std::size_t i = 0; i < n; ++i) p[i] = b[i];
  }
  static V set1(float v) { return vdupq_n_f32(v); }
  static V zero() { return vdupq_n_f32(0.0f); }

  static V add(V a, V b) { return vaddq_f32(a, b); }
  static V sub(V a, V b) { return vsubq_f32(a, b); }
  static V mul(V a, V b) { return vmulq_f32(a, b); }
  static V fma(V a, V b, V c) { return vfmaq_f32(c, a, b); }
  // x86 semantics (vmaxq_f32 would differ on NaN and on -0): a > b ? a : b.
  static V max(V a, V b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }

  static M gt(V a, V b) { return vcgtq_f32(a, b); }
  static V select(M m, V t, V f) { return vbslq_f32(m, t, f); }
  static V keep(M m, V v) { return vreinterpretq_f32_u32(vandq_u32(m, vreinterpretq_u32_f32(v))); }
  static M bit_lanes(std::uint32_t bits, int q) {
    const int32_t sh[4] = {0, -1, -2, -3};
    const uint32x4_t b = vshlq_u32(vdupq_n_u32(bits >> (4 * q)), vld1q_s32(sh));
    return vtstq_u32(b, vdupq_n_u32(1u));
  }

  // Double halves, for sums kept in double: lanes 0..1 and 2..3 widened; narrow rounds each to float.
  using D = float64x2_t;
  static D dzero() { return vdupq_n_f64(0.0); }
  static D dlo(V a) { return vcvt_f64_f32(vget_low_f32(a)); }
  static D dhi(V a) { return vcvt_high_f64_f32(a); }
  static D dadd(D a, D b) { return vaddq_f64(a, b); }
  static V narrow(D lo, D hi) { return vcvt_high_f32_f64(vcvt_f32_f64(lo), hi); }
};

}  // namespace simd
}  // namespace
