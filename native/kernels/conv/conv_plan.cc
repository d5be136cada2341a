#include "conv_plan.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <stdexcept>

#include "conv_direct.h"
#include "winograd.h"
#include "winograd_stride2.h"

namespace dn {
namespace {

constexpr const char* kAlgoNames[kConvAlgoCount] = {
    "im2col", "pointwise", "direct", "winograd_f2x3", "winograd_stride2_f2x2", "winograd_stride2_f4x2"};
constexpr const char* kPassNames[kConvPassCount] = {"forward", "backward_data", "backward_weight"};

// The override per pass: -1 for none, else a ConvAlgo.
std::atomic<int> g_override[kConvPassCount] = {-1, -1, -1};

bool pointwise(const ConvGeometry& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.pt == 0 && g.pb == 0 && g.pl == 0 && g.pr == 0;
}
bool three_by_three(const ConvGeometry& g, std::size_t stride) {
  return g.kh == 3 && g.kw == 3 && g.sh == stride && g.sw == stride && g.dh == 1 && g.dw == 1;
}

// The direct kernel on g's forward problem, where cin/cout are the channels per group on each
// side (backward-data passes the transposed problem): its hard limits.
const char* direct_cannot_run(const KernelTable& kt, const ConvGeometry& g, std::size_t cin) {
  if (kt.conv_direct == nullptr || kt.conv_direct_wgrad == nullptr) return "the ISA has no direct kernel";
  if (g.sh != 1 || g.sw != 1) return "it takes unit stride only";
  if (cin * g.kh * g.kw > DN_CONV_DIRECT_MAX_TAPS) return "it takes at most 64 taps (channels per group * kh * kw)";
  return nullptr;
}

// Where the direct kernel beats im2col (measured, docs/convolution.md "Direct kernels"): shallow
// GEMMs (depth cin * kh * kw at most 64) with at most 32 outputs per group (or depth 16 or less)
// and rows of at least 8 outputs. On AVX2 only the forward pass and backward-data; its weight
// gradient lost to im2col + GEMM.
bool direct_pays(const KernelTable& kt, ConvPass pass, const ConvGeometry& g, std::size_t cin, std::size_t cout,
                 std::size_t ow) {
  if (direct_cannot_run(kt, g, cin) != nullptr || pointwise(g)) return false;
  if (pass == ConvPass::backward_weight && kt.isa != Isa::avx512) return false;
  const std::size_t depth = cin * g.kh * g.kw;
  return (cout <= 32 || depth <= 16) && ow >= 8;
}

// Backward-data as a forward correlation of dy with the flipped kernel needs the mirrored
// padding (kh - 1) * dh - pt (and so on) to be >= 0.
bool mirrored_padding(const ConvGeometry& g) {
  const std::size_t sy = (g.kh - 1) * g.dh, sx = (g.kw - 1) * g.dw;
  return g.pt <= sy && g.pb <= sy && g.pl <= sx && g.pr <= sx;
}

ConvAlgo stride2_tile(const ConvGeometry& g) {
  return conv::winograd_stride2_tile(g.n, g.c / g.groups, g.oh, g.ow) == 4 ? ConvAlgo::winograd_stride2_f4x2
                                                                           : ConvAlgo::winograd_stride2_f2x2;
}

// The measured rules.
ConvAlgo conv_plan_rule(ConvPass pass, const ConvGeometry& g, const KernelTable& kt) {
  const std::size_t cg = g.c / g.groups, kg = g.k / g.groups;
  const dn_f32_gemm_config& gc = kt.gemm;
  switch (pass) {
    case ConvPass::forward:
      if (three_by_three(g, 2) && conv::winograd_stride2_pays(cg, kg)) return stride2_tile(g);
      if (three_by_three(g, 1) && conv::winograd_pays(cg, kg, gc.mr, gc.mr_step)) return ConvAlgo::winograd_f2x3;
      if (direct_pays(kt, pass, g, cg, kg, g.ow)) return ConvAlgo::direct;
      break;
    case ConvPass::backward_data:
      if (three_by_three(g, 2) && conv::winograd_stride2_backward_data_pays(cg, kg, gc.nr))
        return ConvAlgo::winograd_stride2_f2x2;
      if (three_by_three(g, 1) && conv::winograd_pays(kg, cg, gc.mr, gc.mr_step)) return ConvAlgo::winograd_f2x3;
      if (mirrored_padding(g) && direct_pays(kt, pass, g, kg, cg, g.w)) return ConvAlgo::direct;
      break;
    case ConvPass::backward_weight:
      if (direct_pays(kt, pass, g, cg, kg, g.ow)) return ConvAlgo::direct;
      if (three_by_three(g, 2) && conv::winograd_stride2_weight_grad_pays(cg, kg))
        return ConvAlgo::winograd_stride2_f2x2;
      if (three_by_three(g, 1) && conv::winograd_weight_grad_pays(cg, kg)) return ConvAlgo::winograd_f2x3;
      break;
  }
  return pointwise(g) ? ConvAlgo::pointwise : ConvAlgo::im2col;
}

}  // namespace

const char* conv_algo_name(ConvAlgo a) { return kAlgoNames[static_cast<int>(a)]; }
const char* conv_pass_name(ConvPass p) { return kPassNames[static_cast<int>(p)]; }

const char* conv_algo_cannot_run(ConvAlgo a, ConvPass pass, const ConvGeometry& g, const KernelTable& kt) {
  switch (a) {
    case ConvAlgo::im2col:
      return nullptr;
    case ConvAlgo::pointwise:
      return pointwise(g) ? nullptr : "it takes 1x1 kernels with unit stride and no padding only";
    case ConvAlgo::direct:
      if (pass != ConvPass::backward_data) return direct_cannot_run(kt, g, g.c / g.groups);
      if (!mirrored_padding(g)) return "its backward-data pass takes padding of at most (kernel - 1) * dilation";
      return direct_cannot_run(kt, g, g.k / g.groups);
    case ConvAlgo::winograd_f2x3:
      return three_by_three(g, 1) ? nullptr : "it takes 3x3 kernels with unit stride and dilation only";
    case ConvAlgo::winograd_stride2_f2x2:
    case ConvAlgo::winograd_stride2_f4x2:
      if (!three_by_three(g, 2)) return "it takes 3x3 kernels with stride 2 and unit dilation only";
      if (a == ConvAlgo::winograd_stride2_f2x2 && pass == ConvPass::forward && stride2_tile(g) != a)
        return "the stride-2 forward pass takes tiles of 4x4 outputs for this shape";
      if (a == ConvAlgo::winograd_stride2_f4x2 && (pass != ConvPass::forward || stride2_tile(g) != a))
        return "tiles of 4x4 outputs run the forward pass only, where the tile rule picks them";
      return nullptr;
  }
  return "unknown algorithm";
}

ConvAlgo conv_plan(ConvPass pass, const ConvGeometry& g, const KernelTable& kt) {
  const int forced = g_override[static_cast<int>(pass)].load(std::memory_order_relaxed);
  if (forced < 0) return conv_plan_rule(pass, g, kt);
  const auto a = static_cast<ConvAlgo>(forced);
  if (const char* why = conv_algo_cannot_run(a, pass, g, kt))
    throw std::invalid_argument(std::string("DROPNET_CONV_ALGO: ") + conv_algo_name(a) + " cannot run the " +
                                conv_pass_name(pass) + " pass of this convolution on " + kt.name + ": " + why);
  return a;
}

std::string set_conv_algo_override(const std::string& spec) {
  int next[kConvPassCount] = {-1, -1, -1};
  const auto algo = [](const std::string& name) {
    for (int i = 0; i < kConvAlgoCount; ++i)
      if (name == kAlgoNames[i]) return i;
    std::string known;
    for (const char* n : kAlgoNames) known += std::string(known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("DROPNET_CONV_ALGO: unknown algorithm '" + name + "' (expected one of " + known + ")");
  };
  std::size_t pos = 0;
  while (pos < spec.size()) {
    const std::size_t end = std::min(spec.find(',', pos), spec.size());
    const std::string item = spec.substr(pos, end - pos);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) {
      if (spec.find(',') != std::string::npos)
        throw std::invalid_argument("DROPNET_CONV_ALGO: '" + item + "' in a list must be pass=algorithm");
      for (int& p : next) p = algo(item);
    } else {
      const std::string pass = item.substr(0, eq);
      int pi = -1;
      for (int i = 0; i < kConvPassCount; ++i)
        if (pass == kPassNames[i]) pi = i;
      if (pi < 0)
        throw std::invalid_argument("DROPNET_CONV_ALGO: unknown pass '" + pass +
                                    "' (expected forward, backward_data or backward_weight)");
      next[pi] = algo(item.substr(eq + 1));
    }
    pos = end + 1;
  }
  std::string normal;
  for (int i = 0; i < kConvPassCount; ++i) {
    g_override[i].store(next[i], std::memory_order_relaxed);
    if (next[i] >= 0) normal += std::string(normal.empty() ? "" : ",") + kPassNames[i] + "=" + kAlgoNames[next[i]];
  }
  return normal;
}

}  // namespace dn
