#include "conv_direct_driver.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../../runtime/thread_pool.h"
#include "conv_direct.h"
#include "reduction.h"
#include "scratch.h"

namespace dn::conv {
namespace {

struct Dims {
  std::size_t cg, kg, ckk, p;  // channels per group, outputs per group, taps per output, output positions
};

Dims dims(const ConvGeometry& g) {
  const std::size_t cg = g.c / g.groups, kg = g.k / g.groups;
  return {cg, kg, cg * g.kh * g.kw, g.oh * g.ow};
}

}  // namespace

// The forward pass by the direct kernel: weights (and bias) packed 16 output channels a row,
// zeros past the group's channels; tasks over images, groups, blocks of 16 channels and bands
// of output rows, each writing its own part of out.
void direct_forward(const KernelTable& kt, float* out, const float* x, const float* weight, const float* bias,
                    const ConvGeometry& g) {
  const Dims d = dims(g);
  constexpr std::size_t L = DN_CONV_DIRECT_LANES, kBand = 16;
  const std::size_t kb = (d.kg + L - 1) / L, bands = (g.oh + kBand - 1) / kBand;
  std::vector<float> wpack(g.groups * kb * d.ckk * L, 0.0f), bpack(bias != nullptr ? g.groups * kb * L : 0, 0.0f);
  for (std::size_t gi = 0; gi < g.groups; ++gi)
    for (std::size_t o = 0; o < d.kg; ++o) {
      float* dst = wpack.data() + (gi * kb + o / L) * d.ckk * L + o % L;
      const float* src = weight + (gi * d.kg + o) * d.ckk;
      for (std::size_t t = 0; t < d.ckk; ++t) dst[t * L] = src[t];
      if (bias != nullptr) bpack[(gi * kb + o / L) * L + o % L] = bias[gi * d.kg + o];
    }
  // Each task first copies the input rows its band reads into a buffer with the padding as
  // zeros and rows widened to whole steps of 16 outputs, so that no load the kernel makes needs
  // a mask (faster than masking, docs/convolution.md). Rows ph, columns pw: output rows
  // y0 .. y0 + ph - (kh - 1) dh - 1 read rows 0 .. ph - 1.
  const std::size_t pw = (g.ow + L - 1) / L * L + (g.kw - 1) * g.dw, span = (g.kh - 1) * g.dh;
  parallel_for(g.n * g.groups * kb * bands, [&](std::size_t t) {
    const std::size_t band = t % bands, blk = (t / bands) % kb, gi = (t / (bands * kb)) % g.groups;
    const std::size_t n = t / (bands * kb * g.groups);
    const std::size_t y0 = band * kBand, y1 = std::min(g.oh, y0 + kBand), ph = y1 - y0 + span;
    float* buf = scratch(Scratch::cols, d.cg * ph * pw);
    const float* src = x + (n * g.c + gi * d.cg) * g.h * g.w;
    for (std::size_t c = 0; c < d.cg; ++c)
      for (std::size_t r = 0; r < ph; ++r) {
        float* row = buf + (c * ph + r) * pw;
        const long long iy = static_cast<long long>(y0 + r) - static_cast<long long>(g.pt);
        if (iy < 0 || iy >= static_cast<long long>(g.h)) {
          std::fill_n(row, pw, 0.0f);
          continue;
        }
        // Input columns 0 .. w - 1 land at pl .. pl + w - 1, those past pw dropped.
        const std::size_t left = std::min(g.pl, pw), n_in = std::min(g.w, pw - left);
        std::fill_n(row, left, 0.0f);
        std::copy_n(src + (c * g.h + static_cast<std::size_t>(iy)) * g.w, n_in, row + left);
        std::fill_n(row + left + n_in, pw - left - n_in, 0.0f);
      }
    dn_conv_direct a{};
    a.in = buf;
    a.cin = d.cg, a.h = ph, a.w = pw, a.kh = g.kh, a.kw = g.kw, a.dh = g.dh, a.dw = g.dw;
    a.pt = 0, a.pl = 0;
    a.wpack = wpack.data() + (gi * kb + blk) * d.ckk * L;
    a.bias = bias != nullptr ? bpack.data() + (gi * kb + blk) * L : nullptr;
    a.out = out + (n * g.k + gi * d.kg + blk * L) * d.p + y0 * g.ow;
    a.oh = g.oh, a.ow = g.ow, a.nk = std::min(L, d.kg - blk * L);
    a.y0 = 0, a.y1 = y1 - y0;
    kt.conv_direct(&a);
  });
}

// The weight gradient by the direct kernel: images cut into ranges (reduction.h), one task per
// (range, group, block of 16 output channels) summing into its own per-column-residue partial
// sums, which are then added in a fixed order: the 16 residues pairwise, the ranges in turn.
// Rows go 8 at a time, so the output-gradient rows a pass of the kernel reads stay in L1.
void direct_backward_weight(const KernelTable& kt, float* dweight, const float* dy, const float* x,
                            const ConvGeometry& g) {
  const Dims d = dims(g);
  constexpr std::size_t L = DN_CONV_DIRECT_LANES, kBand = 8;
  const std::size_t kb = (d.kg + L - 1) / L;
  const std::size_t slab = d.ckk * L * L;  // one task's sums
  const std::size_t parts = reduction_parts(g.n, g.groups * kb * slab);
  std::vector<float> acc(parts * g.groups * kb * slab, 0.0f);
  parallel_for(parts * g.groups * kb, [&](std::size_t t) {
    const std::size_t blk = t % kb, gi = (t / kb) % g.groups, part = t / (kb * g.groups);
    dn_conv_direct_wgrad a{};
    a.cin = d.cg, a.h = g.h, a.w = g.w, a.kh = g.kh, a.kw = g.kw, a.dh = g.dh, a.dw = g.dw;
    a.pt = static_cast<long long>(g.pt), a.pl = static_cast<long long>(g.pl);
    a.oh = g.oh, a.ow = g.ow, a.nk = std::min(L, d.kg - blk * L);
    a.acc = acc.data() + t * slab;
    for (std::size_t n = g.n * part / parts; n < g.n * (part + 1) / parts; ++n) {
      a.in = x + (n * g.c + gi * d.cg) * g.h * g.w;
      a.dy = dy + (n * g.k + gi * d.kg + blk * L) * d.p;
      for (std::size_t y = 0; y < g.oh; y += kBand) {
        a.y0 = y, a.y1 = std::min(g.oh, y + kBand);
        kt.conv_direct_wgrad(&a);
      }
    }
  });
  parallel_range(g.groups * kb, 1, 1, [&](std::size_t b0, std::size_t b1) {
    for (std::size_t b = b0; b < b1; ++b) {
      const std::size_t gi = b / kb, blk = b % kb, nk = std::min(L, d.kg - blk * L);
      for (std::size_t tap = 0; tap < d.ckk; ++tap)
        for (std::size_t k = 0; k < nk; ++k) {
          float total = 0.0f;
          for (std::size_t part = 0; part < parts; ++part) {
            float r[L];
            std::memcpy(r, acc.data() + (part * g.groups * kb + b) * slab + (tap * L + k) * L, sizeof(r));
            for (std::size_t w = L / 2; w >= 1; w /= 2)  // pairwise: residues l and l + w
              for (std::size_t l = 0; l < w; ++l) r[l] += r[l + w];
            total += r[0];
          }
          dweight[(gi * d.kg + blk * L + k) * d.ckk + tap] = total;
        }
    }
  });
}

void direct_backward_data(const KernelTable& kt, float* dx, const float* dy, const float* weight,
                          const ConvGeometry& g) {
  const std::size_t cg = g.c / g.groups, kg = g.k / g.groups, khw = g.kh * g.kw;
  ConvGeometry t = g;  // dy (n, k, oh, ow) -> dx (n, c, h, w), unit stride
  t.c = g.k, t.h = g.oh, t.w = g.ow, t.k = g.c, t.oh = g.h, t.ow = g.w;
  t.pt = (g.kh - 1) * g.dh - g.pt, t.pb = (g.kh - 1) * g.dh - g.pb;
  t.pl = (g.kw - 1) * g.dw - g.pl, t.pr = (g.kw - 1) * g.dw - g.pr;
  // flipped(gi * cg + i, o, j, l) = weight(gi * kg + o, i, kh - 1 - j, kw - 1 - l)
  std::vector<float> flipped(g.c * kg * khw);
  for (std::size_t gi = 0; gi < g.groups; ++gi)
    for (std::size_t o = 0; o < kg; ++o)
      for (std::size_t i = 0; i < cg; ++i) {
        const float* src = weight + ((gi * kg + o) * cg + i) * khw;
        float* dst = flipped.data() + ((gi * cg + i) * kg + o) * khw;
        for (std::size_t q = 0; q < khw; ++q) dst[q] = src[khw - 1 - q];
      }
  direct_forward(kt, dx, dy, flipped.data(), nullptr, t);
}

}  // namespace dn::conv
