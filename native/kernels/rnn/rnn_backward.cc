// Recurrent layers over the SGEMM driver (see rnn.h): the backward pass. The GEMMs run on the
// active ISA's micro-kernel; the fused gate passes are baseline code.
#include <cstring>
#include <vector>

#include "rnn.h"
#include "rnn_common.h"

namespace dn {

using namespace rnn;

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
