// NEON (AArch64) 8x12 micro-kernel: 24 q-register accumulators (8 rows x 3 vectors of 4
// columns), 2 q registers for the 8 A elements and 3 for the B row: 29 of the 32 registers.
// Per k step from a packed panel: 5 loads and 24 by-lane FMAs (vfmaq_laneq_f32 broadcasts an A
// lane for free). With A read in place, each row's element is loaded and broadcast (ld1r).
// Edge tiles go through a stack buffer: C's mr x nr window is copied in (if C is read), the
// same vector epilogue runs on the buffer, and the window is copied back, so nothing outside it
// is touched and the arithmetic per element is the same as in full tiles.
#if !defined(__ARM_NEON) || !defined(__aarch64__)
#error "f32_gemm_8x12_neon.cc is for AArch64 (NEON) builds only"
#endif

#include <arm_neon.h>
#include <assert.h>

#include "gemm.h"

namespace {

constexpr size_t kMR = 8;
constexpr size_t kNR = 12;

struct Epilogue {
  float32x4_t alpha, beta, slope;
  float32x4_t bias[3];
  bool read_c, has_bias;
  int act;
};

// acc[i][v] += A[i][p] * B[p][4v .. 4v+3]: the same fused multiply-add in both loops.
inline void accumulate_packed(float32x4_t (&acc)[kMR][3], size_t kc, const float* a, const float* b) {
  for (size_t p = 0; p < kc; ++p) {
    const float32x4_t a0 = vld1q_f32(a);      // rows 0..3
    const float32x4_t a1 = vld1q_f32(a + 4);  // rows 4..7
    const float32x4_t b0 = vld1q_f32(b);
    const float32x4_t b1 = vld1q_f32(b + 4);
    const float32x4_t b2 = vld1q_f32(b + 8);
#define DN_ROW(i, av, lane)                                  \
  acc[i][0] = vfmaq_laneq_f32(acc[i][0], b0, av, lane);      \
  acc[i][1] = vfmaq_laneq_f32(acc[i][1], b1, av, lane);      \
  acc[i][2] = vfmaq_laneq_f32(acc[i][2], b2, av, lane);
    DN_ROW(0, a0, 0) DN_ROW(1, a0, 1) DN_ROW(2, a0, 2) DN_ROW(3, a0, 3)
    DN_ROW(4, a1, 0) DN_ROW(5, a1, 1) DN_ROW(6, a1, 2) DN_ROW(7, a1, 3)
#undef DN_ROW
    a += kMR;
    b += kNR;
  }
}

inline void accumulate_rows(float32x4_t (&acc)[kMR][3], size_t kc, const float* a, size_t a_stride, size_t mr,
                            const float* b) {
  const float* row[kMR];
  for (size_t i = 0; i < kMR; ++i) row[i] = a + (i < mr ? i : 0) * a_stride;
  for (size_t p = 0; p < kc; ++p) {
    const float32x4_t b0 = vld1q_f32(b);
    const float32x4_t b1 = vld1q_f32(b + 4);
    const float32x4_t b2 = vld1q_f32(b + 8);
#pragma GCC unroll 8
    for (size_t i = 0; i < kMR; ++i) {
      const float32x4_t ai = vld1q_dup_f32(row[i] + p);
      acc[i][0] = vfmaq_f32(acc[i][0], b0, ai);
      acc[i][1] = vfmaq_f32(acc[i][1], b1, ai);
      acc[i][2] = vfmaq_f32(acc[i][2], b2, ai);
    }
    b += kNR;
  }
}

inline float32x4_t finish(const Epilogue& e, float32x4_t acc, float32x4_t old, float32x4_t bias) {
  float32x4_t t = vmulq_f32(e.alpha, acc);
  if (e.read_c) t = vfmaq_f32(t, e.beta, old);
  if (e.has_bias) t = vaddq_f32(t, bias);
  const float32x4_t zero = vdupq_n_f32(0.0f);
  if (e.act == DN_GEMM_ACT_RELU) {
    // vmaxq_f32 would turn -0 into +0: select instead, exactly (0 > t) ? 0 : t.
    t = vbslq_f32(vcgtq_f32(zero, t), zero, t);
  } else if (e.act == DN_GEMM_ACT_LEAKY_RELU) {
    t = vbslq_f32(vcltq_f32(t, zero), vmulq_f32(t, e.slope), t);
  }
  return t;
}

// One full row of 12 columns at c (C itself, or the edge buffer).
inline void store_row(const Epilogue& e, float* c, const float32x4_t (&acc)[3]) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  for (int v = 0; v < 3; ++v) {
    const float32x4_t old = e.read_c ? vld1q_f32(c + 4 * v) : zero;
    vst1q_f32(c + 4 * v, finish(e, acc[v], old, e.bias[v]));
  }
}

}  // namespace

extern "C" void dn_f32_gemm_ukernel_8x12__neon(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride,
                                               const float* b, float* c, size_t ldc,
                                               const dn_f32_gemm_params* params) {
  assert(mr >= 1 && mr <= kMR && nr >= 1 && nr <= kNR);
  float32x4_t acc[kMR][3];
  for (size_t i = 0; i < kMR; ++i) acc[i][0] = acc[i][1] = acc[i][2] = vdupq_n_f32(0.0f);
  if (a_stride == 0) {
    accumulate_packed(acc, kc, a, b);
  } else {
    accumulate_rows(acc, kc, a, a_stride, mr, b);
  }

  Epilogue e;
  e.alpha = vdupq_n_f32(params->alpha);
  e.beta = vdupq_n_f32(params->beta);
  e.slope = vdupq_n_f32(params->slope);
  e.read_c = params->beta != 0.0f;
  e.has_bias = params->bias != nullptr;
  e.act = params->act;
  const bool full = mr == kMR && nr == kNR;

  float bias_buf[kNR] = {};
  if (e.has_bias) {
    const float* bias = params->bias;
    if (nr < kNR) {
      for (size_t j = 0; j < nr; ++j) bias_buf[j] = bias[j];
      bias = bias_buf;
    }
    for (int v = 0; v < 3; ++v) e.bias[v] = vld1q_f32(bias + 4 * v);
  } else {
    for (int v = 0; v < 3; ++v) e.bias[v] = vdupq_n_f32(0.0f);
  }

  if (full) {
    for (size_t i = 0; i < kMR; ++i) store_row(e, c + i * ldc, acc[i]);
    return;
  }
  // Edge tile: rows past mr are computed into the zeroed buffer and dropped.
  float buf[kMR * kNR];
  for (size_t i = 0; i < kMR * kNR; ++i) buf[i] = 0.0f;
  if (e.read_c) {
    for (size_t i = 0; i < mr; ++i)
      for (size_t j = 0; j < nr; ++j) buf[i * kNR + j] = c[i * ldc + j];
  }
  for (size_t i = 0; i < kMR; ++i) store_row(e, buf + i * kNR, acc[i]);
  for (size_t i = 0; i < mr; ++i)
    for (size_t j = 0; j < nr; ++j) c[i * ldc + j] = buf[i * kNR + j];
}
