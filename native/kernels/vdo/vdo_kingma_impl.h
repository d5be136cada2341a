// Variational dropout's per-weight pass of vdo.h (Kingma et al.'s α ≤ 1 polynomial) written once
// over an ISA traits type `O`, instantiated by one .cc file per ISA next to vdo_impl.h (whose
// vexp it uses). W weights per step, the tail through the traits' partial loads and stores; the
// sum accumulates per lane in float over blocks of 256 elements, then in double.
#pragma once

#include <cstddef>

#include "vdo.h"

namespace {
namespace vdo {

constexpr float kC1 = 1.16145124f, kC2 = -1.50204118f, kC3 = 0.58629921f;

template <class O>
void kingma(const dn_vdo_kingma_args* a) {
  using V = typename O::V;
  constexpr std::size_t W = O::W;
  const bool wants_w = a->var != nullptr || a->dvar_dw != nullptr || a->dvar_dla != nullptr;
  const bool wants_kl = a->kl != nullptr || a->dkl != nullptr;
  const V zero = O::set1(0.0f);
  double total = 0.0;
  float lanes[W];
  for (std::size_t b = 0; b < a->n; b += kBlock) {
    const std::size_t end = a->n - b < kBlock ? a->n : b + kBlock;
    V acc = zero;
    for (std::size_t i = b; i < end; i += W) {
      const std::size_t len = end - i < W ? end - i : W;
      const V la = O::load_n(a->la + i, len);
      // a = min(la, 0) with NaN kept; inside = la <= 0 (false for NaN).
      const auto above = O::gt(la, zero);
      const auto inside = O::ge(zero, la);
      const V lc = O::select(above, zero, la);
      const V alpha = vexp<O>(lc);
      if (wants_w) {
        const V w = O::load_n(a->w + i, len);
        const V aw = O::mul(alpha, w);
        const V var = O::mul(aw, w);
        if (a->var != nullptr) O::store_n(a->var + i, var, len);
        if (a->dvar_dw != nullptr) O::store_n(a->dvar_dw + i, O::add(aw, aw), len);
        if (a->dvar_dla != nullptr) O::store_n(a->dvar_dla + i, O::keep(inside, var), len);
      }
      if (!wants_kl) continue;
      // −poly = −(0.5·a + α·(c1 + α·(c2 + α·c3)))
      V p = O::fma(alpha, O::set1(kC3), O::set1(kC2));
      p = O::fma(alpha, p, O::set1(kC1));
      const V neg_poly = O::sub(zero, O::fma(alpha, p, O::mul(lc, O::set1(0.5f))));
      // Unused lanes of a partial load hold la = 0, whose −poly is not 0: drop them.
      acc = O::add(acc, len == W ? neg_poly : O::select(O::bit_lanes((1u << len) - 1u, 0), neg_poly, zero));
      if (a->dkl != nullptr) {
        V d = O::fma(alpha, O::set1(3.0f * kC3), O::set1(2.0f * kC2));
        d = O::fma(alpha, d, O::set1(kC1));
        d = O::fma(alpha, d, O::set1(0.5f));
        O::store_n(a->dkl + i, O::keep(inside, O::sub(zero, d)), len);
      }
    }
    if (a->kl != nullptr) {
      O::store(lanes, acc);
      for (std::size_t j = 0; j < W; ++j) total += lanes[j];
    }
  }
  if (a->kl != nullptr) *a->kl = total;
}

}  // namespace vdo
}  // namespace
