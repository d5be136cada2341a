#include "conv2d.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "../gemm/gemm_driver.h"
#include "im2col.h"
#include "winograd.h"

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
bool winograd(const ConvGeometry& g, std::size_t cin, std::size_t cout) {
  return winograd_shape(g) && conv::winograd_pays(cin, cout, active().gemm.nr);
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

// Output columns per im2col block: the block (ckk x cols floats) is kept near 256 KiB so it
// stays in L2 while the GEMM streams it; at least 16 columns, whole multiples of 16.
std::size_t block_cols(std::size_t ckk, std::size_t p) {
  std::size_t cols = (64 * 1024) / std::max<std::size_t>(ckk, 1);
  cols = std::max<std::size_t>(16, cols / 16 * 16);
  return std::min(cols, p);
}

// Per-thread im2col workspace, grown as needed and kept for the next call.
float* workspace(std::size_t floats) {
  thread_local std::vector<float> buf;
  if (buf.size() < floats) buf.resize(floats);
  return buf.data();
}

// dbias[k] = sum of dy over images and positions (double accumulation), when dbias is not null.
void conv2d_bias_grad(float* dbias, const float* dy, const ConvGeometry& g, const Dims& d) {
  if (dbias == nullptr) return;
  parallel_range(g.k, 1, 1, [&](std::size_t k0, std::size_t k1) {
    for (std::size_t k = k0; k < k1; ++k) {
      // Four interleaved double partial sums (a fixed order, so the same bits on any thread
      // count), which lets the loop run at vector speed instead of one dependent add per element.
      double s[4] = {0.0, 0.0, 0.0, 0.0};
      for (std::size_t n = 0; n < g.n; ++n) {
        const float* row = dy + (n * g.k + k) * d.p;
        std::size_t p = 0;
        for (; p + 4 <= d.p; p += 4) {
          s[0] += row[p];
          s[1] += row[p + 1];
          s[2] += row[p + 2];
          s[3] += row[p + 3];
        }
        for (; p < d.p; ++p) s[p % 4] += row[p];
      }
      dbias[k] = static_cast<float>((s[0] + s[1]) + (s[2] + s[3]));
    }
  });
}

}  // namespace

void conv2d_forward(float* out, const float* x, const float* weight, const float* bias, const ConvGeometry& g) {
  const Dims d = dims(g);
  if (winograd(g, d.cg, d.kg)) {
    const conv::Wino3x3 s = winograd_forward_shape(g, d);
    for (std::size_t gi = 0; gi < g.groups; ++gi)
      conv::winograd_3x3(out + gi * d.kg * d.p, x + gi * d.cg * g.h * g.w, weight + gi * d.kg * d.ckk,
                         bias != nullptr ? bias + gi * d.kg : nullptr, s);
    return;
  }
  const bool direct = pointwise(g);
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
    GemmEpilogue none;
    if (direct) {
      sgemm(false, false, d.kg, np, d.ckk, 1.0f, wg, d.ckk, xg + p0, d.p, 0.0f, og, d.p, none);
    } else {
      float* cols = workspace(d.ckk * np);
      conv::im2col(cols, xg, g, d.cg, p0, np);
      sgemm(false, false, d.kg, np, d.ckk, 1.0f, wg, d.ckk, cols, np, 0.0f, og, d.p, none);
    }
    if (bias != nullptr) {
      for (std::size_t r = 0; r < d.kg; ++r) {
        const float b = bias[gi * d.kg + r];
        float* row = og + r * d.p;
        for (std::size_t j = 0; j < np; ++j) row[j] += b;
      }
    }
  });
}

void conv2d_backward_data(float* dx, const float* dy, const float* weight, const ConvGeometry& g) {
  const Dims d = dims(g);
  if (winograd(g, d.kg, d.cg)) {
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
      float* cols = workspace(d.ckk * np);
      sgemm(true, false, d.ckk, np, d.kg, 1.0f, wg, d.ckk, dyg + p0, d.p, 0.0f, cols, np, none);
      conv::col2im_add(dxg, cols, g, d.cg, p0, np);
    }
  });
}

void conv2d_backward_weight(float* dweight, float* dbias, const float* dy, const float* x, const ConvGeometry& g) {
  const Dims d = dims(g);
  if (winograd_shape(g) && conv::winograd_weight_grad_pays(d.cg, d.kg)) {
    const conv::Wino3x3 s = winograd_forward_shape(g, d);
    for (std::size_t gi = 0; gi < g.groups; ++gi)
      conv::winograd_3x3_weight_grad(dweight + gi * d.kg * d.ckk, dy + gi * d.kg * d.p, x + gi * d.cg * g.h * g.w, s);
    conv2d_bias_grad(dbias, dy, g, d);
    return;
  }
  const bool direct = pointwise(g);
  const std::size_t bc = direct ? d.p : block_cols(d.ckk, d.p);
  // dW_g = sum over images and column blocks, in that fixed order, of dY_block . cols_block^T.
  // Groups are independent; inside one, the sgemm splits dW's rows and columns over threads.
  auto group = [&](std::size_t gi) {
    float* dwg = dweight + gi * d.kg * d.ckk;
    GemmEpilogue none;
    bool first = true;
    for (std::size_t n = 0; n < g.n; ++n) {
      const float* xg = x + (n * g.c + gi * d.cg) * g.h * g.w;
      const float* dyg = dy + (n * g.k + gi * d.kg) * d.p;
      for (std::size_t p0 = 0; p0 < d.p; p0 += bc) {
        const std::size_t np = std::min(bc, d.p - p0);
        const float* b;
        std::size_t ldb;
        if (direct) {
          b = xg + p0;
          ldb = d.p;
        } else {
          float* cols = workspace(d.ckk * np);
          conv::im2col(cols, xg, g, d.cg, p0, np);
          b = cols;
          ldb = np;
        }
        sgemm(false, true, d.kg, d.ckk, np, 1.0f, dyg + p0, d.p, b, ldb, first ? 0.0f : 1.0f, dwg, d.ckk, none);
        first = false;
      }
    }
    if (first) std::memset(dwg, 0, d.kg * d.ckk * sizeof(float));  // no images: the gradient is 0
  };
  if (g.groups >= static_cast<std::size_t>(num_threads())) {
    parallel_for(g.groups, group);
  } else {
    for (std::size_t gi = 0; gi < g.groups; ++gi) group(gi);
  }
  conv2d_bias_grad(dbias, dy, g, d);
}

}  // namespace dn
