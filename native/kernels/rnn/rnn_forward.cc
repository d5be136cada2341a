// Recurrent layers over the SGEMM driver (see rnn.h): the forward pass. The GEMMs run on the
// active ISA's micro-kernel; the fused gate passes are baseline code.
#include <cstring>
#include <vector>

#include "rnn.h"
#include "rnn_common.h"

namespace dn {

using namespace rnn;

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

}  // namespace dn
