// Recurrent layers over the SGEMM driver (see rnn.h). The fused gate passes are baseline code
// (the same arithmetic on every ISA); the GEMMs run on the active ISA's micro-kernel.
#include "rnn.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "../gemm/gemm_driver.h"
#include "../gemm/pack.h"

namespace dn {
namespace {

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
void apply_mask(float* dst, const float* src, std::size_t rows, std::size_t n, std::size_t batch, const float* mask,
                std::size_t count, std::size_t q) {
  for (std::size_t r = 0; r < rows; r++) {
    const float* m = mask + mask_at(count, r % batch, q, n);
    for (std::size_t i = 0; i < n; i++) dst[r * n + i] = src[r * n + i] * m[i];
  }
}

// C (m, n) [+]= A (m, k) . W^T where W is (n, k) with row stride ldw; C has row stride ldc.
void gemm_nt(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* w,
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

}  // namespace

void rnn_forward(const RnnShape& s, const RnnForwardArgs& a) {
  const std::size_t T = s.steps, B = s.batch, I = s.input, H = s.hidden, O = s.out(), G = s.gates(), W = s.width();
  const std::size_t GH = G * H, TB = T * B;
  const RnnCell cell = s.cell;
  // Input projection of every step: xp (T*B, G*H).
  std::vector<float> xp(TB * GH);
  if (s.in_masks == 0) {
    gemm_nt(TB, GH, I, a.x, I, a.w_ih, I, 0.0f, xp.data(), GH, a.b_ih);
  } else {
    std::vector<float> xm(TB * I);
    const std::size_t parts = s.in_masks == 1 ? 1 : G;
    const std::size_t cols = s.in_masks == 1 ? GH : H;
    for (std::size_t q = 0; q < parts; q++) {
      apply_mask(xm.data(), a.x, TB, I, B, a.in_mask, s.in_masks, q);
      gemm_nt(TB, cols, I, xm.data(), I, a.w_ih + q * H * I, I, 0.0f, xp.data() + q * H, GH,
              a.b_ih ? a.b_ih + q * H : nullptr);
    }
  }
  std::vector<float> hp(B * GH), hm(s.rec_masks ? B * O : 0), mbuf(s.proj ? B * H : 0), hnew(B * O);
  std::vector<float> c_prev(cell == RnnCell::lstm ? B * H : 0);
  if (cell == RnnCell::lstm) std::memcpy(c_prev.data(), a.c0, B * H * sizeof(float));
  const float* h_prev = a.h0;
  // W_hh^T (O, G*H) and W_hr^T (H, P), packed once for all steps.
  // With per-gate masks, each gate's rows of W_hh are packed on their own.
  std::vector<PackedWeight> packs;
  packs.reserve(G + 1);
  const PackedWeight* whh = nullptr;
  if (s.rec_masks <= 1) {
    whh = &packs.emplace_back(a.w_hh, O, GH, O, 1);
  } else {
    for (std::size_t q = 0; q < G; q++) packs.emplace_back(a.w_hh + q * H * O, O, H, O, 1);
  }
  const PackedWeight* whr = s.proj ? &packs.emplace_back(a.w_hr, H, O, H, 1) : nullptr;
  for (std::size_t k = 0; k < T; k++) {
    const std::size_t t = s.reverse ? T - 1 - k : k;
    // Recurrent projection hp (B, G*H).
    if (s.rec_masks == 0) {
      whh->multiply(B, h_prev, O, hp.data(), GH, a.b_hh);
    } else if (s.rec_masks == 1) {
      apply_mask(hm.data(), h_prev, B, O, B, a.rec_mask, 1, 0);
      whh->multiply(B, hm.data(), O, hp.data(), GH, a.b_hh);
    } else {
      for (std::size_t q = 0; q < G; q++) {
        apply_mask(hm.data(), h_prev, B, O, B, a.rec_mask, G, q);
        packs[q].multiply(B, hm.data(), O, hp.data() + q * H, GH, a.b_hh ? a.b_hh + q * H : nullptr);
      }
    }
    float* y = a.y + t * B * O;
    for (std::size_t b = 0; b < B; b++) {
      const float* xg = xp.data() + (t * B + b) * GH;
      const float* hg = hp.data() + b * GH;
      float* ws = a.ws + (t * B + b) * W;
      const float* hpv = h_prev + b * O;
      const float* zh = a.zone_h ? a.zone_h + (t * B + b) * O : nullptr;
      if (cell == RnnCell::lstm) {
        const float* zc = a.zone_c ? a.zone_c + (t * B + b) * H : nullptr;
        float* cp = c_prev.data() + b * H;
        float* m = s.proj ? mbuf.data() + b * H : hnew.data() + b * O;
        for (std::size_t j = 0; j < H; j++) {
          const float iv = sigmoidf(xg[j] + hg[j]);
          const float fv = sigmoidf(xg[H + j] + hg[H + j]);
          const float gv = tanhf_gate(xg[2 * H + j] + hg[2 * H + j]);
          const float ov = sigmoidf(xg[3 * H + j] + hg[3 * H + j]);
          const float c_new = fv * cp[j] + iv * gv;
          const float d = zc ? zc[j] : 0.0f;
          const float c = d * cp[j] + (1.0f - d) * c_new;
          ws[j] = iv, ws[H + j] = fv, ws[2 * H + j] = gv, ws[3 * H + j] = ov, ws[4 * H + j] = c_new, ws[5 * H + j] = c;
          cp[j] = c;
          m[j] = ov * tanhf_gate(c_new);
        }
      } else if (cell == RnnCell::gru) {
        for (std::size_t j = 0; j < H; j++) {
          const float rv = sigmoidf(xg[j] + hg[j]);
          const float zv = sigmoidf(xg[H + j] + hg[H + j]);
          const float hn = hg[2 * H + j];
          const float nv = tanhf_gate(xg[2 * H + j] + rv * hn);
          ws[j] = rv, ws[H + j] = zv, ws[2 * H + j] = nv, ws[3 * H + j] = hn;
          const float h_new = (1.0f - zv) * nv + zv * hpv[j];
          const float d = zh ? zh[j] : 0.0f;
          y[b * O + j] = d * hpv[j] + (1.0f - d) * h_new;
        }
      } else {
        const bool relu = cell == RnnCell::rnn_relu;
        for (std::size_t j = 0; j < H; j++) {
          const float v = xg[j] + hg[j];
          const float h_new = relu ? (v > 0.0f ? v : 0.0f) : tanhf_gate(v);
          ws[j] = h_new;
          const float d = zh ? zh[j] : 0.0f;
          y[b * O + j] = d * hpv[j] + (1.0f - d) * h_new;
        }
      }
    }
    if (cell == RnnCell::lstm) {
      if (s.proj) whr->multiply(B, mbuf.data(), H, hnew.data(), O, nullptr);
      for (std::size_t b = 0; b < B; b++) {
        const float* zh = a.zone_h ? a.zone_h + (t * B + b) * O : nullptr;
        for (std::size_t p = 0; p < O; p++) {
          const float d = zh ? zh[p] : 0.0f;
          y[b * O + p] = d * h_prev[b * O + p] + (1.0f - d) * hnew[b * O + p];
        }
      }
    }
    h_prev = y;
  }
  std::memcpy(a.h_n, h_prev, B * O * sizeof(float));
  if (cell == RnnCell::lstm) std::memcpy(a.c_n, c_prev.data(), B * H * sizeof(float));
}

void rnn_backward(const RnnShape& s, const RnnBackwardArgs& a) {
  const std::size_t T = s.steps, B = s.batch, I = s.input, H = s.hidden, O = s.out(), G = s.gates(), W = s.width();
  const std::size_t GH = G * H, TB = T * B;
  const RnnCell cell = s.cell;
  const bool gru = cell == RnnCell::gru;
  std::vector<float> dgx(TB * GH), dgh_store(gru ? TB * GH : 0);
  float* dgh_all = gru ? dgh_store.data() : dgx.data();
  std::vector<float> dh(a.dh_n, a.dh_n + B * O), dprev(B * O), dhnew(B * O), tmp(B * O);
  std::vector<float> dc(cell == RnnCell::lstm ? B * H : 0), dm(s.proj ? B * H : 0), mbuf(s.proj ? B * H : 0);
  if (cell == RnnCell::lstm) std::memcpy(dc.data(), a.dc_n, B * H * sizeof(float));
  auto time_of = [&](std::size_t k) { return s.reverse ? T - 1 - k : k; };
  auto h_before = [&](std::size_t k) { return k == 0 ? a.h0 : a.y + time_of(k - 1) * B * O; };
  // W_hh (G*H, O) and W_hr (P, H) as op(B), packed once for all steps.
  std::vector<PackedWeight> packs;
  packs.reserve(G + 1);
  const PackedWeight* whh = nullptr;
  if (s.rec_masks <= 1) {
    whh = &packs.emplace_back(a.w_hh, GH, O, 1, O);
  } else {
    for (std::size_t q = 0; q < G; q++) packs.emplace_back(a.w_hh + q * H * O, H, O, 1, O);
  }
  const PackedWeight* whr = s.proj ? &packs.emplace_back(a.w_hr, O, H, 1, H) : nullptr;
  for (std::size_t kk = T; kk-- > 0;) {
    const std::size_t t = time_of(kk);
    const float* hprev = h_before(kk);
    const float* cprev_all = cell == RnnCell::lstm ? (kk == 0 ? a.c0 : nullptr) : nullptr;
    for (std::size_t b = 0; b < B; b++) {
      const float* dy = a.dy + (t * B + b) * O;
      const float* zh = a.zone_h ? a.zone_h + (t * B + b) * O : nullptr;
      for (std::size_t i = 0; i < O; i++) {
        const float tot = dh[b * O + i] + dy[i];
        const float d = zh ? zh[i] : 0.0f;
        dhnew[b * O + i] = (1.0f - d) * tot;
        dprev[b * O + i] = d * tot;
      }
    }
    if (cell == RnnCell::lstm) {
      const float* dmv = dhnew.data();
      if (s.proj) {
        // dm = dh~ . Whr (B, H); dWhr += dh~^T . m, step by step in processing order.
        whr->multiply(B, dhnew.data(), O, dm.data(), H, nullptr);
        for (std::size_t b = 0; b < B; b++) {
          const float* ws = a.ws + (t * B + b) * W;
          for (std::size_t j = 0; j < H; j++) mbuf[b * H + j] = ws[3 * H + j] * tanhf_gate(ws[4 * H + j]);
        }
        sgemm(true, false, O, H, B, 1.0f, dhnew.data(), O, mbuf.data(), H, kk == T - 1 ? 0.0f : 1.0f, a.dw_hr, H);
        dmv = dm.data();
      }
      for (std::size_t b = 0; b < B; b++) {
        const float* ws = a.ws + (t * B + b) * W;
        const float* cp = cprev_all ? cprev_all + b * H : a.ws + (time_of(kk - 1) * B + b) * W + 5 * H;
        const float* zc = a.zone_c ? a.zone_c + (t * B + b) * H : nullptr;
        float* dg = dgx.data() + (t * B + b) * GH;
        for (std::size_t j = 0; j < H; j++) {
          const float iv = ws[j], fv = ws[H + j], gv = ws[2 * H + j], ov = ws[3 * H + j];
          const float tc = tanhf_gate(ws[4 * H + j]);
          const float dmj = dmv[b * H + j];
          const float c_tot = dc[b * H + j];
          const float d = zc ? zc[j] : 0.0f;
          const float dc_new = (1.0f - d) * c_tot + dmj * ov * (1.0f - tc * tc);
          dg[j] = dc_new * gv * iv * (1.0f - iv);
          dg[H + j] = dc_new * cp[j] * fv * (1.0f - fv);
          dg[2 * H + j] = dc_new * iv * (1.0f - gv * gv);
          dg[3 * H + j] = dmj * tc * ov * (1.0f - ov);
          dc[b * H + j] = d * c_tot + dc_new * fv;
        }
      }
    } else if (gru) {
      for (std::size_t b = 0; b < B; b++) {
        const float* ws = a.ws + (t * B + b) * W;
        float* gx = dgx.data() + (t * B + b) * GH;
        float* gh = dgh_all + (t * B + b) * GH;
        for (std::size_t j = 0; j < H; j++) {
          const float rv = ws[j], zv = ws[H + j], nv = ws[2 * H + j], hn = ws[3 * H + j];
          const float dn = dhnew[b * O + j] * (1.0f - zv);
          const float dz = dhnew[b * O + j] * (hprev[b * O + j] - nv);
          dprev[b * O + j] += dhnew[b * O + j] * zv;
          const float dan = dn * (1.0f - nv * nv);
          const float dar = dan * hn * rv * (1.0f - rv);
          const float daz = dz * zv * (1.0f - zv);
          gx[j] = dar, gx[H + j] = daz, gx[2 * H + j] = dan;
          gh[j] = dar, gh[H + j] = daz, gh[2 * H + j] = dan * rv;
        }
      }
    } else {
      const bool relu = cell == RnnCell::rnn_relu;
      for (std::size_t b = 0; b < B; b++) {
        const float* ws = a.ws + (t * B + b) * W;
        float* dg = dgx.data() + (t * B + b) * GH;
        for (std::size_t j = 0; j < H; j++) {
          const float hv = ws[j];
          dg[j] = dhnew[b * O + j] * (relu ? (hv > 0.0f ? 1.0f : 0.0f) : 1.0f - hv * hv);
        }
      }
    }
    // dh_{t-1} = dprev + sum over gates of (dGh_q . Whh_q) * mask_q.
    const float* dgh = dgh_all + t * B * GH;
    if (s.rec_masks <= 1) {
      whh->multiply(B, dgh, GH, tmp.data(), O, nullptr);
      for (std::size_t b = 0; b < B; b++) {
        const float* m = s.rec_masks ? a.rec_mask + b * O : nullptr;
        for (std::size_t i = 0; i < O; i++)
          dh[b * O + i] = dprev[b * O + i] + (m ? tmp[b * O + i] * m[i] : tmp[b * O + i]);
      }
    } else {
      dh = dprev;
      for (std::size_t q = 0; q < G; q++) {
        packs[q].multiply(B, dgh + q * H, GH, tmp.data(), O, nullptr);
        for (std::size_t b = 0; b < B; b++) {
          const float* m = a.rec_mask + mask_at(G, b, q, O);
          for (std::size_t i = 0; i < O; i++) dh[b * O + i] += tmp[b * O + i] * m[i];
        }
      }
    }
  }
  std::memcpy(a.dh0, dh.data(), B * O * sizeof(float));
  if (cell == RnnCell::lstm) std::memcpy(a.dc0, dc.data(), B * H * sizeof(float));

  // Weight gradients of all steps at once. dWih = dGx^T . (x * mx); dWhh = dGh^T . (h_prev * mh),
  // h_prev (T*B, O) laid out by input time.
  {
    const std::size_t parts = s.in_masks > 1 ? G : 1;
    const std::size_t rows = s.in_masks > 1 ? H : GH;
    std::vector<float> xm(s.in_masks ? TB * I : 0);
    for (std::size_t q = 0; q < parts; q++) {
      const float* xs = a.x;
      if (s.in_masks) {
        apply_mask(xm.data(), a.x, TB, I, B, a.in_mask, s.in_masks, q);
        xs = xm.data();
      }
      sgemm(true, false, rows, I, TB, 1.0f, dgx.data() + q * H, GH, xs, I, 0.0f, a.dw_ih + q * H * I, I);
    }
  }
  {
    std::vector<float> hprev(TB * O), hmask(s.rec_masks ? TB * O : 0);
    for (std::size_t k = 0; k < T; k++)
      std::memcpy(hprev.data() + time_of(k) * B * O, h_before(k), B * O * sizeof(float));
    const std::size_t parts = s.rec_masks > 1 ? G : 1;
    const std::size_t rows = s.rec_masks > 1 ? H : GH;
    for (std::size_t q = 0; q < parts; q++) {
      const float* hs = hprev.data();
      if (s.rec_masks) {
        apply_mask(hmask.data(), hprev.data(), TB, O, B, a.rec_mask, s.rec_masks, q);
        hs = hmask.data();
      }
      sgemm(true, false, rows, O, TB, 1.0f, dgh_all + q * H, GH, hs, O, 0.0f, a.dw_hh + q * H * O, O);
    }
  }
  // Bias gradients: column sums in row order, in double.
  if (a.db_ih || a.db_hh) {
    std::vector<double> sx(GH, 0.0), sh(GH, 0.0);
    for (std::size_t n = 0; n < TB; n++) {
      const float* gx = dgx.data() + n * GH;
      const float* gh = dgh_all + n * GH;
      for (std::size_t r = 0; r < GH; r++) sx[r] += gx[r], sh[r] += gh[r];
    }
    for (std::size_t r = 0; r < GH; r++) {
      if (a.db_ih) a.db_ih[r] = static_cast<float>(sx[r]);
      if (a.db_hh) a.db_hh[r] = static_cast<float>(sh[r]);
    }
  }
  // dx = sum over gates of (dGx_q . Wih_q) * mx_q.
  if (s.in_masks <= 1) {
    sgemm(false, false, TB, I, GH, 1.0f, dgx.data(), GH, a.w_ih, I, 0.0f, a.dx, I);
    if (s.in_masks) {
      for (std::size_t n = 0; n < TB; n++) {
        const float* m = a.in_mask + (n % B) * I;
        for (std::size_t i = 0; i < I; i++) a.dx[n * I + i] *= m[i];
      }
    }
  } else {
    std::vector<float> part(TB * I);
    for (std::size_t q = 0; q < G; q++) {
      sgemm(false, false, TB, I, H, 1.0f, dgx.data() + q * H, GH, a.w_ih + q * H * I, I, 0.0f, part.data(), I);
      for (std::size_t n = 0; n < TB; n++) {
        const float* m = a.in_mask + mask_at(G, n % B, q, I);
        for (std::size_t i = 0; i < I; i++) {
          const float v = part[n * I + i] * m[i];
          a.dx[n * I + i] = q == 0 ? v : a.dx[n * I + i] + v;
        }
      }
    }
  }
}

}  // namespace dn
