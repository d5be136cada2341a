// NEON (AArch64) 8x12 micro-kernel: 24 q-register accumulators (8 rows x 3 vectors of 4
// columns), 2 q registers for the 8 A elements and 3 for the B row: 29 of the 32 registers.
// Per k step from a packed panel: 5 loads and 24 by-lane FMAs (vfmaq_laneq_f32 broadcasts an A
// lane for free). With A read in place, the 8 rows' elements are gathered by lane inserts.
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
  const float* row_bias;  // or null
};

inline float32x4_t finish(const Epilogue& e, float32x4_t acc, float32x4_t old, float32x4_t bias, float32x4_t row_bias) {
  float32x4_t t = vmulq_f32(e.alpha, acc);
  if (e.read_c) t = vfmaq_f32(t, e.beta, old);
  if (e.has_bias) t = vaddq_f32(t, bias);
  if (e.row_bias != nullptr) t = vaddq_f32(t, row_bias);
  const float32x4_t zero = vdupq_n_f32(0.0f);
  if (e.act == DN_GEMM_ACT_RELU) {
    // vmaxq_f32 would turn -0 into +0: select instead, exactly (0 > t) ? 0 : t.
    t = vbslq_f32(vcgtq_f32(zero, t), zero, t);
  } else if (e.act == DN_GEMM_ACT_LEAKY_RELU) {
    t = vbslq_f32(vcltq_f32(t, zero), vmulq_f32(t, e.slope), t);
  }
  return t;
}

// One full row of 12 columns at c (C itself, or the edge buffer); rb: the row's bias, or 0.
inline void store_row(const Epilogue& e, float* c, float rb, float32x4_t a0, float32x4_t a1, float32x4_t a2) {
  const float32x4_t zero = vdupq_n_f32(0.0f);
  const float32x4_t o0 = e.read_c ? vld1q_f32(c) : zero;
  const float32x4_t o1 = e.read_c ? vld1q_f32(c + 4) : zero;
  const float32x4_t o2 = e.read_c ? vld1q_f32(c + 8) : zero;
  const float32x4_t r = vdupq_n_f32(rb);
  vst1q_f32(c, finish(e, a0, o0, e.bias[0], r));
  vst1q_f32(c + 4, finish(e, a1, o1, e.bias[1], r));
  vst1q_f32(c + 8, finish(e, a2, o2, e.bias[2], r));
}

}  // namespace

extern "C" void dn_f32_gemm_ukernel_8x12__neon(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride,
                                               const float* b, float* c, size_t ldc, const dn_f32_gemm_params* params) {
  assert(mr >= 1 && mr <= kMR && nr >= 1 && nr <= kNR);
  // 24 named accumulators: an array here ends up stored to the stack on every step.
  const float32x4_t zero = vdupq_n_f32(0.0f);
  float32x4_t c00 = zero, c01 = zero, c02 = zero, c10 = zero, c11 = zero, c12 = zero;
  float32x4_t c20 = zero, c21 = zero, c22 = zero, c30 = zero, c31 = zero, c32 = zero;
  float32x4_t c40 = zero, c41 = zero, c42 = zero, c50 = zero, c51 = zero, c52 = zero;
  float32x4_t c60 = zero, c61 = zero, c62 = zero, c70 = zero, c71 = zero, c72 = zero;
  // acc[i][v] += A[i][p] * B[p][4v .. 4v+3]: the same fused multiply-add in both loops.
#define DN_ROW(i, fma, av)        \
  c##i##0 = fma(c##i##0, b0, av); \
  c##i##1 = fma(c##i##1, b1, av); \
  c##i##2 = fma(c##i##2, b2, av);
#define DN_LANE(lane) [](float32x4_t acc, float32x4_t bv, float32x4_t av) { return vfmaq_laneq_f32(acc, bv, av, lane); }
  const auto l0 = DN_LANE(0);
  const auto l1 = DN_LANE(1);
  const auto l2 = DN_LANE(2);
  const auto l3 = DN_LANE(3);
  if (a_stride == 0) {
    for (size_t p = 0; p < kc; ++p) {
      const float32x4_t a0 = vld1q_f32(a);      // rows 0..3
      const float32x4_t a1 = vld1q_f32(a + 4);  // rows 4..7
      const float32x4_t b0 = vld1q_f32(b);
      const float32x4_t b1 = vld1q_f32(b + 4);
      const float32x4_t b2 = vld1q_f32(b + 8);
      DN_ROW(0, l0, a0)
      DN_ROW(1, l1, a0)
      DN_ROW(2, l2, a0)
      DN_ROW(3, l3, a0) DN_ROW(4, l0, a1) DN_ROW(5, l1, a1) DN_ROW(6, l2, a1) DN_ROW(7, l3, a1) a += kMR;
      b += kNR;
    }
  } else {
    const float* r[kMR];
    for (size_t i = 0; i < kMR; ++i) r[i] = a + (i < mr ? i : 0) * a_stride;
    for (size_t p = 0; p < kc; ++p) {
      // Gather the 8 rows' elements into two vectors (lane inserts): the same by-lane FMAs as
      // above then need no more registers than the packed loop.
      float32x4_t a0 = vld1q_dup_f32(r[0] + p);
      float32x4_t a1 = vld1q_dup_f32(r[4] + p);
      a0 = vld1q_lane_f32(r[1] + p, a0, 1);
      a1 = vld1q_lane_f32(r[5] + p, a1, 1);
      a0 = vld1q_lane_f32(r[2] + p, a0, 2);
      a1 = vld1q_lane_f32(r[6] + p, a1, 2);
      a0 = vld1q_lane_f32(r[3] + p, a0, 3);
      a1 = vld1q_lane_f32(r[7] + p, a1, 3);
      const float32x4_t b0 = vld1q_f32(b);
      const float32x4_t b1 = vld1q_f32(b + 4);
      const float32x4_t b2 = vld1q_f32(b + 8);
      DN_ROW(0, l0, a0)
      DN_ROW(1, l1, a0)
      DN_ROW(2, l2, a0)
      DN_ROW(3, l3, a0) DN_ROW(4, l0, a1) DN_ROW(5, l1, a1) DN_ROW(6, l2, a1) DN_ROW(7, l3, a1) b += kNR;
    }
  }
#undef DN_LANE
#undef DN_ROW

  Epilogue e;
  e.alpha = vdupq_n_f32(params->alpha);
  e.beta = vdupq_n_f32(params->beta);
  e.slope = vdupq_n_f32(params->slope);
  e.read_c = params->beta != 0.0f;
  e.has_bias = params->bias != nullptr;
  e.act = params->act;
  e.row_bias = params->row_bias;
  const bool full = mr == kMR && nr == kNR;
  // Rows past mr (edge tiles) only reach the buffer: their bias is never read.
  float rb[kMR] = {};
  if (e.row_bias != nullptr)
    for (size_t i = 0; i < mr; ++i) rb[i] = e.row_bias[i];

  float bias_buf[kNR] = {};
  if (e.has_bias) {
    const float* bias = params->bias;
    if (nr < kNR) {
      for (size_t j = 0; j < nr; ++j) bias_buf[j] = bias[j];
      bias = bias_buf;
    }
    for (int v = 0; v < 3; ++v) e.bias[v] = vld1q_f32(bias + 4 * v);
  } else {
    for (int v = 0; v < 3; ++v) e.bias[v] = zero;
  }

  // Edge tiles: all 8 rows go to the zeroed buffer; only the mr x nr window reaches C.
  float buf[kMR * kNR];
  float* out = c;
  size_t ld = ldc;
  if (!full) {
    for (size_t i = 0; i < kMR * kNR; ++i) buf[i] = 0.0f;
    if (e.read_c) {
      for (size_t i = 0; i < mr; ++i)
        for (size_t j = 0; j < nr; ++j) buf[i * kNR + j] = c[i * ldc + j];
    }
    out = buf;
    ld = kNR;
  }
  store_row(e, out, rb[0], c00, c01, c02);
  store_row(e, out + ld, rb[1], c10, c11, c12);
  store_row(e, out + 2 * ld, rb[2], c20, c21, c22);
  store_row(e, out + 3 * ld, rb[3], c30, c31, c32);
  store_row(e, out + 4 * ld, rb[4], c40, c41, c42);
  store_row(e, out + 5 * ld, rb[5], c50, c51, c52);
  store_row(e, out + 6 * ld, rb[6], c60, c61, c62);
  store_row(e, out + 7 * ld, rb[7], c70, c71, c72);
  if (full) return;
  for (size_t i = 0; i < mr; ++i)
    for (size_t j = 0; j < nr; ++j) c[i * ldc + j] = buf[i * kNR + j];
}
