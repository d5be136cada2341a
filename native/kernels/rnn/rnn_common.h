// What the recurrent forward (rnn_forward.cc) and backward (rnn_backward.cc) passes share: the
// gates' exp, the dropout masks' layout, and the GEMMs over the SGEMM driver. Baseline code only
// (the fused gate passes do the same arithmetic on every ISA).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "../gemm/gemm_driver.h"
#include "../gemm/pack.h"

namespace dn::rnn {

// exp for the gate passes, branch-free so that the compiler vectorizes the loops that call it
// (std::exp stops that): x = n ln2 + r with n rounded to nearest by the 1.5 * 2^23 trick and ln2
// split in two (Cody-Waite), e^r by Cephes's degree-6 polynomial for expf, 2^n built in the
// exponent bits. Relative error about 2e-7 (a few ulp) over the clamped range [-87, 88], where
// 2^n stays a normal float; beyond it the result saturates (e^-87 ~ 1.6e-38, e^88 ~ 1.7e38), which
// the gates cannot tell from 0 and infinity.
inline float expf_gate(float x) {
  // NaN is clamped too (so that n converts to an integer) and given back at the end.
  const float xc = x > -87.0f ? (x < 88.0f ? x : 88.0f) : -87.0f;
  const float round = 12582912.0f;  // 1.5 * 2^23
  const float n = (xc * 1.44269504088896341f + round) - round;
  const float r = (xc - n * 0.693359375f) + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float e = p * r * r + r + 1.0f;
  const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return x == x ? e * scale : x;
}

inline float sigmoidf(float v) { return 1.0f / (1.0f + expf_gate(-v)); }
// tanh v = 2 sigmoid(2v) - 1: absolute error a few 2^-24, what float32 gates carry anyway.
inline float tanhf_gate(float v) { return 2.0f / (1.0f + expf_gate(-2.0f * v)) - 1.0f; }

// Offset of the mask of gate q for sample b: `count` masks of n floats per sample.
inline std::size_t mask_at(std::size_t count, std::size_t b, std::size_t q, std::size_t n) {
  return (b * count + (count == 1 ? 0 : q)) * n;
}

// dst (rows, n) = src (rows, n) * mask of gate q of each row's sample (row r is sample r % batch).
inline void apply_mask(float* dst, const float* src, std::size_t rows, std::size_t n, std::size_t batch,
                       const float* mask, std::size_t count, std::size_t q) {
  for (std::size_t r = 0; r < rows; r++) {
    const float* m = mask + mask_at(count, r % batch, q, n);
    for (std::size_t i = 0; i < n; i++) dst[r * n + i] = src[r * n + i] * m[i];
  }
}

// C (m, n) [+]= A (m, k) . W^T where W is (n, k) with row stride ldw; C has row stride ldc.
inline void gemm_nt(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* w,
                    std::size_t ldw, float beta, float* c, std::size_t ldc, const float* bias) {
  GemmEpilogue e;
  e.bias = bias;
  sgemm(false, true, m, n, k, 1.0f, a, lda, w, ldw, beta, c, ldc, e);
}

// A weight used as op(B) at every step, packed once per call into the active micro-kernel's
// panels, so each step's product is only micro-kernel calls with A read in place (the GEMM
// driver would pack the weight again at every step, which costs as much as the product when the
// batch is small). op(B) is k x n with element (p, j) at w[p * cs + j * rs].
class PackedWeight {
 public:
  PackedWeight(const float* w, std::size_t k, std::size_t n, std::size_t rs, std::size_t cs)
      : g_(active().gemm), k_(k), n_(n), panels_((n + g_.nr - 1) / g_.nr), data_(panels_ * g_.nr * k) {
    gemm::pack_panels(data_.data(), w, n, k, rs, cs, g_.nr);
  }

  // c (m, n) = a (m, k) . op(B) (+ bias per column), c row stride ldc. Each output element is
  // one micro-kernel's sum over the whole depth, whatever thread computes it.
  void multiply(std::size_t m, const float* a, std::size_t lda, float* c, std::size_t ldc, const float* bias) const {
    const std::size_t threads = static_cast<std::size_t>(num_threads());
    const double fmas = static_cast<double>(m) * static_cast<double>(n_) * static_cast<double>(k_);
    const std::size_t tasks = threads > 1 && fmas >= 65536.0 ? (panels_ < threads ? panels_ : threads) : 1;
    auto run = [&](std::size_t t) {
      const std::size_t p0 = panels_ * t / tasks, p1 = panels_ * (t + 1) / tasks;
      for (std::size_t p = p0; p < p1; p++) {
        const std::size_t j = p * g_.nr;
        const std::size_t nr = n_ - j < g_.nr ? n_ - j : g_.nr;
        dn_f32_gemm_params params{};
        params.alpha = 1.0f;
        params.beta = 0.0f;
        params.bias = bias ? bias + j : nullptr;
        params.act = DN_GEMM_ACT_NONE;
        params.slope = kLeakyReluSlope;
        params.row_bias = nullptr;
        for (std::size_t i = 0; i < m; i += g_.mr) {
          const std::size_t mr = m - i < g_.mr ? m - i : g_.mr;
          g_.ukernel(mr, nr, k_, a + i * lda, lda, data_.data() + p * g_.nr * k_, c + i * ldc + j, ldc, &params);
        }
      }
    };
    if (tasks == 1) {
      run(0);
    } else {
      parallel_for(tasks, [&run](std::size_t t) { run(t); });
    }
  }

 private:
  dn_f32_gemm_config g_;
  std::size_t k_, n_, panels_;
  std::vector<float> data_;
};

}  // namespace dn::rnn
