#include "conv2d.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "../gemm/gemm_driver.h"
#include "conv_direct.h"
#include "im2col.h"
#include "reduction.h"
#include "scratch.h"
#include "winograd.h"
#include "winograd_s2.h"

namespace dn {
namespace {

struct Dims {
  std::size_t cg, kg, ckk, p;  // channels per group, outputs per group, GEMM depth, output positions
};

Dims dims(const ConvGeometry& g) {
  const std::size_t cg = g.c / g.groups, kg = g.k / g.groups;
  return {cg, kg, cg * g.kh * g.kw, g.oh * g.ow};
}

// A 1x1 convolution with unit stride and no padding reads the input plane as the GEMM's B.
bool pointwise(const ConvGeometry& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pb == 0 && g.pl == 0 && g.pr == 0;
}

// 3x3 kernels with unit stride and dilation can go through Winograd F(2x2, 3x3) (winograd.h),
// when the channel counts make it pay: cin -> cout for the forward pass, kg -> cg for
// backward-data (the same correlation, channels swapped), and for the weight gradient.
bool winograd_shape(const ConvGeometry& g) {
  return g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1;
}
// Whether n floats are all finite. Winograd transforms add and subtract neighbouring values, so
// an infinity (or NaN) in an operand spreads NaN to outputs whose direct sum is +-Inf, where
// im2col + GEMM and the reference give each output exactly the sum of its taps (padding taps
// as 0 * w: docs/convolution.md, "Non-finite values"). Calls with non-finite operands therefore
// go through im2col; the check reads each operand once, a small cost next to the convolution.
bool all_finite(const float* p, std::size_t n) {
  bool ok = true;
  for (std::size_t i = 0; i < n; ++i) ok &= std::isfinite(p[i]);
  return ok;
}

bool winograd(const ConvGeometry& g, std::size_t cin, std::size_t cout) {
  const dn_f32_gemm_config& gc = active().gemm;
  return winograd_shape(g) && conv::winograd_pays(cin, cout, gc.mr, gc.mr_step);
}

// 3x3 kernels with stride 2 and unit dilation go through the stride-2 algorithm (winograd_s2.h)
// when the channel counts make it pay (measured; the weight gradient has its own rule).
bool winograd_s2_shape(const ConvGeometry& g) {
  return g.kh == 3 && g.kw == 3 && g.sh == 2 && g.sw == 2 && g.dh == 1 && g.dw == 1;
}
bool winograd_s2(const ConvGeometry& g, const Dims& d) {
  return winograd_s2_shape(g) && conv::winograd_s2_pays(d.cg, d.kg);
}

// The forward correlation of group gi as a Winograd problem (x in, out out).
conv::Wino3x3 winograd_forward_shape(const ConvGeometry& g, const Dims& d) {
  conv::Wino3x3 s{};
  s.n = g.n, s.cin = d.cg, s.h = g.h, s.w = g.w, s.cout = d.kg, s.oh = g.oh, s.ow = g.ow;
  s.oy = -static_cast<long long>(g.pt), s.ox = -static_cast<long long>(g.pl);
  s.in_image = g.c * g.h * g.w, s.out_image = g.k * d.p;
  s.w_o = d.ckk, s.w_i = 9, s.flip = false;
  return s;
}

// Shallow layers go through the direct kernels (conv_direct.h) where the ISA has them (AVX-512):
// unit stride, rows of at least 8 outputs, GEMM depth c/groups*kh*kw of at most 64, and at most
// 32 outputs per group (or depth 16 or less), where im2col's columns would be written out,
// packed again and multiplied only a few dozen deep. Measured against im2col + GEMM (one
// thread, batch 32, 3x3 unless said), forward: 3 -> 16 channels on 32x32, 0.78 -> 0.50 ms;
// 1 -> 16 on 28x28, 0.29 -> 0.17; 7 -> 32, 2.61 -> 1.90; 2 -> 8 5x5, 0.41 -> 0.19; 1 -> 64 on
// 28x28, 0.71 -> 0.59; but 3 -> 48 (1.50 against 1.46) and 3 -> 64 (1.68 against 1.80) are even
// or lost: the GEMM's 12-row tiles then reuse each column more than the kernel's 16-channel
// blocks do. Weight gradient: 3 -> 16, 1.21 -> 0.67 ms; 1 -> 16, 0.35 -> 0.25; 7 -> 32, 3.25 ->
// 2.93. (Written for AVX2 and scalar code too, they lost to im2col there: 7 -> 32 forward on
// AVX2 4.9 against 3.1 ms, weight gradient 7.6 against 3.1.)
constexpr std::size_t kDirectDepth = 64;
static_assert(kDirectDepth <= DN_CONV_DIRECT_MAX_TAPS, "the direct kernel takes at most that many taps");
bool use_direct_kernel(const KernelTable& kt, const ConvGeometry& g, const Dims& d) {
  return kt.conv_direct != nullptr && kt.conv_direct_wgrad != nullptr && g.sh == 1 && g.sw == 1 &&
         d.ckk <= kDirectDepth && (d.kg <= 32 || d.ckk <= 16) && g.ow >= 8 && !pointwise(g);
}

// The forward pass by the direct kernel: weights (and bias) packed 16 output channels a row,
// zeros past the group's channels; tasks over images, groups, blocks of 16 channels and bands
// of output rows, each writing its own part of out.
void conv2d_forward_direct(const KernelTable& kt, float* out, const float* x, const float* weight, const float* bias,
                           const ConvGeometry& g, const Dims& d) {
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
  // zeros and rows widened to whole vectors of outputs, so that every load the kernel makes lies
  // inside that plane and needs no mask (3 -> 16 channels on 32x32, one thread: 66 -> 76
  // GFLOP/s in a timing loop, copy included; the kernel takes the same taps in the same order,
  // so the same bits). Rows ph, columns pw: output rows y0 .. y0 + ph - (kh - 1) dh - 1 read
  // rows 0 .. ph - 1.
  const std::size_t pw = (g.ow + L - 1) / L * L + (g.kw - 1) * g.dw, span = (g.kh - 1) * g.dh;
  parallel_for(g.n * g.groups * kb * bands, [&](std::size_t t) {
    const std::size_t band = t % bands, blk = (t / bands) % kb, gi = (t / (bands * kb)) % g.groups;
    const std::size_t n = t / (bands * kb * g.groups);
    const std::size_t y0 = band * kBand, y1 = std::min(g.oh, y0 + kBand), ph = y1 - y0 + span;
    float* buf = conv::scratch(conv::Scratch::cols, d.cg * ph * pw);
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
void conv2d_backward_weight_direct(const KernelTable& kt, float* dweight, const float* dy, const float* x,
                                   const ConvGeometry& g, const Dims& d) {
  constexpr std::size_t L = DN_CONV_DIRECT_LANES, kBand = 8;
  const std::size_t kb = (d.kg + L - 1) / L;
  const std::size_t slab = d.ckk * L * L;  // one task's sums
  const std::size_t parts = conv::reduction_parts(g.n, g.groups * kb * slab);
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

constexpr std::size_t kBlockFloats = 64 * 1024;

// The most floats of im2col columns a task holds at once (4 MiB). Blocks are near kBlockFloats,
// but a block is at least nr columns wide, so a GEMM depth above kMaxColsFloats / nr (16,384
// to 65,536 rows) would pass it: such convolutions take their columns in bands of rows, and
// their scratch stays bounded whatever the kernel size.
constexpr std::size_t kMaxColsFloats = std::size_t{1} << 20;

// Rows of columns per band for np columns: all ckk when they fit in kMaxColsFloats.
std::size_t cols_band(std::size_t ckk, std::size_t np) {
  if (ckk * np <= kMaxColsFloats) return ckk;
  return std::max<std::size_t>(1, kMaxColsFloats / std::max<std::size_t>(np, 1));
}

// The depth of the K slices sgemm cuts a depth of k into (gemm_driver.cc: equal slices of at
// most the ISA's kc). Calling sgemm once per slice, beta = 1 after the first, sums in the same
// order as one call over all of k.
std::size_t gemm_k_slice(std::size_t k) {
  const std::size_t kc = active().gemm.kc;
  const std::size_t slices = (k + kc - 1) / kc;
  return (k + slices - 1) / slices;
}

// Output columns per im2col block: the block (ckk x cols floats) is kept near 256 KiB so it
// stays in L2 while the GEMM streams it; whole multiples of the micro-kernel's nr columns, so
// no GEMM column panel is left part empty (112 columns on AVX-512's 32 ran 14% slower than 128).
std::size_t block_cols(std::size_t ckk, std::size_t p) {
  const std::size_t nr = active().gemm.nr;
  std::size_t cols = (kBlockFloats + ckk / 2) / std::max<std::size_t>(ckk, 1);
  cols = std::max(nr, (cols + nr / 2) / nr * nr);
  return std::min(cols, p);
}


// dbias[k] = sum of dy over images and positions (double accumulation), when dbias is not null.
void conv2d_bias_grad(float* dbias, const float* dy, const ConvGeometry& g, const Dims& d) {
  if (dbias == nullptr) return;
  parallel_range(g.k, 1, 1, [&](std::size_t k0, std::size_t k1) {
    for (std::size_t k = k0; k < k1; ++k) {
      // kLanes interleaved double partial sums (a fixed order, so the same bits on any thread
      // count): independent chains let the loop run at vector speed instead of one dependent
      // add per element.
      constexpr std::size_t kLanes = 16;
      double s[kLanes] = {};
      for (std::size_t n = 0; n < g.n; ++n) {
        const float* row = dy + (n * g.k + k) * d.p;
        std::size_t p = 0;
        for (; p + kLanes <= d.p; p += kLanes)
          for (std::size_t l = 0; l < kLanes; ++l) s[l] += row[p + l];
        for (; p < d.p; ++p) s[p % kLanes] += row[p];
      }
      for (std::size_t w = kLanes / 2; w >= 1; w /= 2)  // pairwise: lanes l and l + w
        for (std::size_t l = 0; l < w; ++l) s[l] += s[l + w];
      dbias[k] = static_cast<float>(s[0]);
    }
  });
}

}  // namespace

void conv2d_forward(float* out, const float* x, const float* weight, const float* bias, const ConvGeometry& g) {
  const conv::ScratchTrim trim;  // this thread's oversized scratch is freed on the way out
  const Dims d = dims(g);
  const auto finite = [&] { return all_finite(x, g.n * g.c * g.h * g.w) && all_finite(weight, g.k * d.ckk); };
  if (winograd_s2(g, d) && finite()) {
    const conv::Wino3x3 s = winograd_forward_shape(g, d);
    for (std::size_t gi = 0; gi < g.groups; ++gi)
      conv::winograd_3x3_s2(out + gi * d.kg * d.p, x + gi * d.cg * g.h * g.w, weight + gi * d.kg * d.ckk,
                            bias != nullptr ? bias + gi * d.kg : nullptr, s);
    return;
  }
  if (winograd(g, d.cg, d.kg) && finite()) {
    const conv::Wino3x3 s = winograd_forward_shape(g, d);
    for (std::size_t gi = 0; gi < g.groups; ++gi)
      conv::winograd_3x3(out + gi * d.kg * d.p, x + gi * d.cg * g.h * g.w, weight + gi * d.kg * d.ckk,
                         bias != nullptr ? bias + gi * d.kg : nullptr, s);
    return;
  }
  const KernelTable& kt = active();  // one table for the whole call
  if (use_direct_kernel(kt, g, d)) {
    conv2d_forward_direct(kt, out, x, weight, bias, g, d);
    return;
  }
  const bool in_place = pointwise(g);
  // Column blocks also give batch-1 convolutions work to split over threads.
  const std::size_t bc = block_cols(d.ckk, d.p);
  const std::size_t blocks = (d.p + bc - 1) / bc;
  const std::size_t tasks = g.n * g.groups * blocks;
  // Each task owns a disjoint slab of out: image n, group gi, columns [p0, p0 + np).
  parallel_for(tasks, [&](std::size_t t) {
    const std::size_t blk = t % blocks, gi = (t / blocks) % g.groups, n = t / (blocks * g.groups);
    const std::size_t p0 = blk * bc, np = std::min(bc, d.p - p0);
    const float* xg = x + (n * g.c + gi * d.cg) * g.h * g.w;
    const float* wg = weight + gi * d.kg * d.ckk;
    float* og = out + (n * g.k + gi * d.kg) * d.p + p0;
    GemmEpilogue e;  // the channel bias is added by the micro-kernel, in registers
    e.row_bias = bias != nullptr ? bias + gi * d.kg : nullptr;
    if (in_place) {
      sgemm(false, false, d.kg, np, d.ckk, 1.0f, wg, d.ckk, xg + p0, d.p, 0.0f, og, d.p, e);
    } else if (d.ckk * np <= kMaxColsFloats) {
      float* cols = conv::scratch(conv::Scratch::cols, d.ckk * np);
      conv::im2col(cols, xg, g, d.cg, p0, np);
      sgemm(false, false, d.kg, np, d.ckk, 1.0f, wg, d.ckk, cols, np, 0.0f, og, d.p, e);
    } else {
      // A GEMM depth so large that the block's columns would pass kMaxColsFloats: one K slice
      // of the GEMM's own size at a time (gemm_k_slice), summed into og with beta = 1 and the
      // bias added by the last, exactly as the one GEMM over all rows does: the same bits.
      const std::size_t slice = gemm_k_slice(d.ckk);
      float* cols = conv::scratch(conv::Scratch::cols, slice * np);
      for (std::size_t r0 = 0; r0 < d.ckk; r0 += slice) {
        const std::size_t rows = std::min(slice, d.ckk - r0);
        GemmEpilogue es;
        es.row_bias = r0 + rows == d.ckk ? e.row_bias : nullptr;
        conv::im2col_rows(cols, xg, g, p0, np, r0, r0 + rows);
        sgemm(false, false, d.kg, np, rows, 1.0f, wg + r0, d.ckk, cols, np, r0 == 0 ? 0.0f : 1.0f, og, d.p, es);
      }
    }
  });
}

void conv2d_backward_data(float* dx, const float* dy, const float* weight, const ConvGeometry& g) {
  const conv::ScratchTrim trim;  // this thread's oversized scratch is freed on the way out
  const Dims d = dims(g);
  const auto finite = [&] { return all_finite(dy, g.n * g.k * d.p) && all_finite(weight, g.k * d.ckk); };
  if (winograd_s2_shape(g) && conv::winograd_s2_backward_data_pays(d.cg, d.kg, active().gemm.nr) && finite()) {
    const conv::Wino3x3 s = winograd_forward_shape(g, d);
    for (std::size_t gi = 0; gi < g.groups; ++gi)
      conv::winograd_3x3_s2_backward_data(dx + gi * d.cg * g.h * g.w, dy + gi * d.kg * d.p, weight + gi * d.kg * d.ckk,
                                          s);
    return;
  }
  if (winograd(g, d.kg, d.cg) && finite()) {
    // dx is the full correlation of dy with the flipped kernel, channels swapped: padding 2 - p.
    conv::Wino3x3 s{};
    s.n = g.n, s.cin = d.kg, s.h = g.oh, s.w = g.ow, s.cout = d.cg, s.oh = g.h, s.ow = g.w;
    s.oy = static_cast<long long>(g.pt) - 2, s.ox = static_cast<long long>(g.pl) - 2;
    s.in_image = g.k * d.p, s.out_image = g.c * g.h * g.w;
    s.w_o = 9, s.w_i = d.ckk, s.flip = true;
    for (std::size_t gi = 0; gi < g.groups; ++gi)
      conv::winograd_3x3(dx + gi * d.cg * g.h * g.w, dy + gi * d.kg * d.p, weight + gi * d.kg * d.ckk, nullptr, s);
    return;
  }
  const bool direct = pointwise(g);
  const std::size_t bc = direct ? d.p : block_cols(d.ckk, d.p);
  // One task per (image, group): its column blocks scatter into overlapping parts of the same
  // input plane, so they run in order inside the task.
  parallel_for(g.n * g.groups, [&](std::size_t t) {
    const std::size_t gi = t % g.groups, n = t / g.groups;
    float* dxg = dx + (n * g.c + gi * d.cg) * g.h * g.w;
    const float* dyg = dy + (n * g.k + gi * d.kg) * d.p;
    const float* wg = weight + gi * d.kg * d.ckk;
    GemmEpilogue none;
    if (direct) {
      sgemm(true, false, d.ckk, d.p, d.kg, 1.0f, wg, d.ckk, dyg, d.p, 0.0f, dxg, d.p, none);
      return;
    }
    std::memset(dxg, 0, d.cg * g.h * g.w * sizeof(float));
    for (std::size_t p0 = 0; p0 < d.p; p0 += bc) {
      const std::size_t np = std::min(bc, d.p - p0);
      // Rows of the columns in bands of at most kMaxColsFloats (each row's sum is over kg, so
      // the bands change no bits).
      const std::size_t band = cols_band(d.ckk, np);
      float* cols = conv::scratch(conv::Scratch::cols, band * np);
      for (std::size_t r0 = 0; r0 < d.ckk; r0 += band) {
        const std::size_t rows = std::min(band, d.ckk - r0);
        sgemm(true, false, rows, np, d.kg, 1.0f, wg + r0, d.ckk, dyg + p0, d.p, 0.0f, cols, np, none);
        conv::col2im_add_rows(dxg, cols, g, p0, np, r0, r0 + rows);
      }
    }
  });
}

void conv2d_backward_weight(float* dweight, float* dbias, const float* dy, const float* x, const ConvGeometry& g) {
  const conv::ScratchTrim trim;  // this thread's oversized scratch is freed on the way out
  const Dims d = dims(g);
  const KernelTable& kt = active();  // one table for the whole call
  // The direct weight-gradient kernel skips padded taps, so it runs only on finite operands
  // (where a skipped 0 * dy adds nothing); others take im2col, whose padded taps add 0 * dy.
  if (use_direct_kernel(kt, g, d) && all_finite(dy, g.n * g.k * d.p) && all_finite(x, g.n * g.c * g.h * g.w)) {
    conv2d_backward_weight_direct(kt, dweight, dy, x, g, d);
    conv2d_bias_grad(dbias, dy, g, d);
    return;
  }
  const bool s2 = winograd_s2_shape(g) && conv::winograd_s2_weight_grad_pays(d.cg, d.kg);
  if ((s2 || (winograd_shape(g) && conv::winograd_weight_grad_pays(d.cg, d.kg))) &&
      all_finite(dy, g.n * g.k * d.p) && all_finite(x, g.n * g.c * g.h * g.w)) {
    const conv::Wino3x3 s = winograd_forward_shape(g, d);
    // The bias gradient is summed inside, from the output-gradient rows the transforms read.
    const auto wgrad = s2 ? conv::winograd_3x3_s2_weight_grad : conv::winograd_3x3_weight_grad;
    for (std::size_t gi = 0; gi < g.groups; ++gi)
      wgrad(dweight + gi * d.kg * d.ckk, dbias != nullptr ? dbias + gi * d.kg : nullptr, dy + gi * d.kg * d.p,
            x + gi * d.cg * g.h * g.w, s);
    return;
  }
  const bool direct = pointwise(g);
  const std::size_t bc = direct ? d.p : block_cols(d.ckk, d.p);
  const std::size_t blocks = (d.p + bc - 1) / bc, items = g.n * blocks, wfloats = d.kg * d.ckk;
  // dW_g = sum over the (image, column block) items, in order, of dY_block . cols_block^T. The
  // items are cut into `parts` contiguous ranges, a count fixed by the problem and never by the
  // thread count; each range sums into its own buffer and the buffers are added in order, so
  // the result is the same on any number of threads. One task per (range, group); GEMMs inside
  // a task run on its thread. A single task runs on the caller, where the GEMM splits dW itself.
  const std::size_t parts = conv::reduction_parts(items, g.groups * wfloats);
  std::vector<float> partial(parts > 1 ? parts * g.groups * wfloats : 0);
  auto task = [&](std::size_t t) {
    const std::size_t gi = t % g.groups, part = t / g.groups;
    const std::size_t i0 = items * part / parts, i1 = items * (part + 1) / parts;
    float* dst = (parts > 1 ? partial.data() + part * g.groups * wfloats : dweight) + gi * wfloats;
    GemmEpilogue none;
    bool first = true;
    for (std::size_t i = i0; i < i1; ++i) {
      const std::size_t n = i / blocks, p0 = (i % blocks) * bc, np = std::min(bc, d.p - p0);
      const float* xg = x + (n * g.c + gi * d.cg) * g.h * g.w;
      const float* dyg = dy + (n * g.k + gi * d.kg) * d.p;
      const float* b;
      std::size_t ldb;
      if (direct) {
        b = xg + p0;
        ldb = d.p;
      } else if (d.ckk * np > kMaxColsFloats) {
        // Columns of dW in bands of rows of the columns (each sum is over np: no bits change).
        const std::size_t band = cols_band(d.ckk, np);
        float* cols = conv::scratch(conv::Scratch::cols, band * np);
        for (std::size_t r0 = 0; r0 < d.ckk; r0 += band) {
          const std::size_t rows = std::min(band, d.ckk - r0);
          conv::im2col_rows(cols, xg, g, p0, np, r0, r0 + rows);
          sgemm(false, true, d.kg, rows, np, 1.0f, dyg + p0, d.p, cols, np, first ? 0.0f : 1.0f, dst + r0, d.ckk,
                none);
        }
        first = false;
        continue;
      } else {
        float* cols = conv::scratch(conv::Scratch::cols, d.ckk * np);
        conv::im2col(cols, xg, g, d.cg, p0, np);
        b = cols;
        ldb = np;
      }
      sgemm(false, true, d.kg, d.ckk, np, 1.0f, dyg + p0, d.p, b, ldb, first ? 0.0f : 1.0f, dst, d.ckk, none);
      first = false;
    }
    if (first) std::memset(dst, 0, wfloats * sizeof(float));  // no items: the gradient is 0
  };
  const std::size_t tasks = parts * g.groups;
  if (tasks == 1) {
    task(0);
  } else {
    parallel_for(tasks, task);
  }
  if (parts > 1) {
    const std::size_t total = g.groups * wfloats;
    parallel_range(total, 4096, 16, [&](std::size_t j0, std::size_t j1) {
      for (std::size_t j = j0; j < j1; ++j) {
        float sum = partial[j];
        for (std::size_t part = 1; part < parts; ++part) sum += partial[part * total + j];
        dweight[j] = sum;
      }
    });
  }
  conv2d_bias_grad(dbias, dy, g, d);
}

}  // namespace dn
