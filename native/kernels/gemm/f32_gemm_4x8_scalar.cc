// Scalar 4x8 micro-kernel: the baseline every CPU runs, and the ground floor of the dispatch
// table. 32 accumulators in an array; the j loop may be vectorised by the compiler (each element
// still sums its products in order, so no reassociation is involved).
#include <assert.h>

#include "gemm.h"

namespace {

constexpr size_t kMR = 4;
constexpr size_t kNR = 8;

inline float activate(float t, int act, float slope) {
  if (act == DN_GEMM_ACT_RELU) return 0.0f > t ? 0.0f : t;
  if (act == DN_GEMM_ACT_LEAKY_RELU) return t < 0.0f ? t * slope : t;
  return t;
}

}  // namespace

extern "C" void dn_f32_gemm_ukernel_4x8__scalar(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride,
                                                const float* b, float* c, size_t ldc,
                                                const dn_f32_gemm_params* params) {
  assert(mr >= 1 && mr <= kMR && nr >= 1 && nr <= kNR);
  // Packed panel, or A in place (rows past mr reuse row 0, which is always there).
  const float* row[kMR];
  for (size_t i = 0; i < kMR; ++i) row[i] = a_stride == 0 ? a + i : a + (i < mr ? i : 0) * a_stride;
  const size_t step = a_stride == 0 ? kMR : 1;
  float acc[kMR][kNR] = {};
  for (size_t p = 0; p < kc; ++p) {
    for (size_t i = 0; i < kMR; ++i) {
      const float ai = row[i][p * step];
      for (size_t j = 0; j < kNR; ++j) acc[i][j] += ai * b[j];
    }
    b += kNR;
  }
  const float alpha = params->alpha, beta = params->beta, slope = params->slope;
  const float* bias = params->bias;
  const float* row_bias = params->row_bias;
  const int act = params->act;
  for (size_t i = 0; i < mr; ++i) {
    float* ci = c + i * ldc;
    for (size_t j = 0; j < nr; ++j) {
      float t = alpha * acc[i][j];
      if (beta != 0.0f) t += beta * ci[j];
      if (bias != nullptr) t += bias[j];
      if (row_bias != nullptr) t += row_bias[i];
      ci[j] = activate(t, act, slope);
    }
  }
}
