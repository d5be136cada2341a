#include "conv2d.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "../gemm/gemm_driver.h"
#include "conv_direct_driver.h"
#include "im2col.h"
#include "reduction.h"
#include "scratch.h"
#include "winograd.h"
#include "winograd_stride2.h"

namespace dn {
namespace {

struct Dims {
  std::size_t cg, kg, ckk, p;  // channels per group, outputs per group, GEMM depth, output positions
};

Dims dims(const ConvGeometry& g) {
  const std::size_t cg = g.c / g.groups, kg = g.k / g.groups;
  return {cg, kg, cg * g.kh * g.kw, g.oh * g.ow};
}

// Whether n floats are all finite. The Winograd transforms and the direct weight gradient give
// an output a different value than the sum of its taps when an operand is +-Inf or NaN
// (docs/robustness.md, "Non-finite values in convolution"), so such calls run im2col.
// On the bits (exponent all ones: +-Inf or NaN), which the compiler vectorises: the float
// comparison one element at a time took 7% of a 32-channel 3x3 Winograd forward pass.
bool all_finite(const float* p, std::size_t n) {
  std::uint32_t bad = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t u;
    std::memcpy(&u, p + i, sizeof u);
    bad |= (u & 0x7f800000u) == 0x7f800000u;
  }
  return bad == 0;
}

bool winograd(ConvAlgo a) {
  return a == ConvAlgo::winograd_f2x3 || a == ConvAlgo::winograd_stride2_f2x2 || a == ConvAlgo::winograd_stride2_f4x2;
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

ConvAlgo conv2d_forward(float* out, const float* x, const float* weight, const float* bias, const ConvGeometry& g,
                        const KernelTable& kt, ConvAlgo algo) {
  const conv::ScratchTrim trim;  // this thread's oversized scratch is freed on the way out
  const Dims d = dims(g);
  if (winograd(algo) && !(all_finite(x, g.n * g.c * g.h * g.w) && all_finite(weight, g.k * d.ckk)))
    algo = ConvAlgo::im2col;
  if (winograd(algo)) {
    const conv::Wino3x3 s = winograd_forward_shape(g, d);
    const auto run = algo == ConvAlgo::winograd_f2x3 ? conv::winograd_3x3 : conv::winograd_3x3_stride2;
    for (std::size_t gi = 0; gi < g.groups; ++gi)
      run(out + gi * d.kg * d.p, x + gi * d.cg * g.h * g.w, weight + gi * d.kg * d.ckk,
          bias != nullptr ? bias + gi * d.kg : nullptr, s);
    return algo;
  }
  if (algo == ConvAlgo::direct) {
    conv::direct_forward(kt, out, x, weight, bias, g);
    return algo;
  }
  const bool in_place = algo == ConvAlgo::pointwise;
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
  return algo;
}

ConvAlgo conv2d_backward_data(float* dx, const float* dy, const float* weight, const ConvGeometry& g,
                              const KernelTable& kt, ConvAlgo algo) {
  const conv::ScratchTrim trim;  // this thread's oversized scratch is freed on the way out
  const Dims d = dims(g);
  if (winograd(algo) && !(all_finite(dy, g.n * g.k * d.p) && all_finite(weight, g.k * d.ckk))) algo = ConvAlgo::im2col;
  if (algo == ConvAlgo::winograd_stride2_f2x2) {
    const conv::Wino3x3 s = winograd_forward_shape(g, d);
    for (std::size_t gi = 0; gi < g.groups; ++gi)
      conv::winograd_3x3_stride2_backward_data(dx + gi * d.cg * g.h * g.w, dy + gi * d.kg * d.p,
                                               weight + gi * d.kg * d.ckk, s);
    return algo;
  }
  if (algo == ConvAlgo::winograd_f2x3) {
    // dx is the full correlation of dy with the flipped kernel, channels swapped: padding 2 - p.
    conv::Wino3x3 s{};
    s.n = g.n, s.cin = d.kg, s.h = g.oh, s.w = g.ow, s.cout = d.cg, s.oh = g.h, s.ow = g.w;
    s.oy = static_cast<long long>(g.pt) - 2, s.ox = static_cast<long long>(g.pl) - 2;
    s.in_image = g.k * d.p, s.out_image = g.c * g.h * g.w;
    s.w_o = 9, s.w_i = d.ckk, s.flip = true;
    for (std::size_t gi = 0; gi < g.groups; ++gi)
      conv::winograd_3x3(dx + gi * d.cg * g.h * g.w, dy + gi * d.kg * d.p, weight + gi * d.kg * d.ckk, nullptr, s);
    return algo;
  }
  if (algo == ConvAlgo::direct) {
    conv::direct_backward_data(kt, dx, dy, weight, g);
    return algo;
  }
  const bool direct = algo == ConvAlgo::pointwise;
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
  return algo;
}

ConvAlgo conv2d_backward_weight(float* dweight, float* dbias, const float* dy, const float* x, const ConvGeometry& g,
                                const KernelTable& kt, ConvAlgo algo) {
  const conv::ScratchTrim trim;  // this thread's oversized scratch is freed on the way out
  const Dims d = dims(g);
  if ((winograd(algo) || algo == ConvAlgo::direct) &&
      !(all_finite(dy, g.n * g.k * d.p) && all_finite(x, g.n * g.c * g.h * g.w)))
    algo = ConvAlgo::im2col;
  if (algo == ConvAlgo::direct) {
    conv::direct_backward_weight(kt, dweight, dy, x, g);
    conv2d_bias_grad(dbias, dy, g, d);
    return algo;
  }
  if (winograd(algo)) {
    const conv::Wino3x3 s = winograd_forward_shape(g, d);
    // The bias gradient is summed inside, from the output-gradient rows the transforms read.
    const auto wgrad =
        algo == ConvAlgo::winograd_f2x3 ? conv::winograd_3x3_weight_grad : conv::winograd_3x3_stride2_weight_grad;
    for (std::size_t gi = 0; gi < g.groups; ++gi)
      wgrad(dweight + gi * d.kg * d.ckk, dbias != nullptr ? dbias + gi * d.kg : nullptr, dy + gi * d.kg * d.p,
            x + gi * d.cg * g.h * g.w, s);
    return algo;
  }
  const bool direct = algo == ConvAlgo::pointwise;
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
          sgemm(false, true, d.kg, rows, np, 1.0f, dyg + p0, d.p, cols, np, first ? 0.0f : 1.0f, dst + r0, d.ckk, none);
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
  return algo;
}

}  // namespace dn
