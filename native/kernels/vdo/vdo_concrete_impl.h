// Concrete dropout's relaxed-mask passes of vdo.h written once over an ISA traits type `O`,
// instantiated by one .cc file per ISA next to vdo_impl.h (whose vexp and vlog they use).
//
// Forward, per mask value j with its uniform u = (draw >> 8)·2^−24 and L = log(p + ε) − log(1 − p + ε):
//   a = (L + log(u + ε) − log(1 − u + ε)) / t,   e = exp(−|a|),   r = 1 / (1 + e)
//   z = sigmoid(a) = r (a >= 0) or e·r,   k = 1 − z = e·r (a >= 0) or r   (no cancellation)
//   keep = k / (1 − p),   dkeep = d keep / dp = keep·(1 − z·slope) / (1 − p)
// with slope = (1/(p + ε) + 1/(1 − p + ε))·(1 − p)/t (dz/dp = z·k·slope/(1 − p)); then
// out = x·keep over each mask value's `inner` elements (a plain product: the same bits on every ISA).
// Backward: gx = g·keep, and Σ g·x·dkeep accumulated per vector lane in float over blocks of
// 256 elements, then in double.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vdo.h"
#include "vdo_impl.h"

namespace {
namespace vdo {

constexpr float kConcreteEps = 1e-7f;
constexpr std::size_t kConcreteTile = 256;  // mask values per stack tile of uniforms

template <class O>
void concrete(const dn_vdo_concrete_args* a) {
  using V = typename O::V;
  constexpr std::size_t W = O::W;
  const V eps = O::set1(kConcreteEps), one = O::set1(1.0f), zero = O::set1(0.0f);
  const V logit = O::set1(a->logit), inv_t = O::set1(a->inv_t), inv_q = O::set1(a->inv_q);
  const V slope = O::set1(a->slope);
  float u[kConcreteTile];
  for (std::size_t b = 0; b < a->masks; b += kConcreteTile) {
    const std::size_t len = a->masks - b < kConcreteTile ? a->masks - b : kConcreteTile;
    for (std::size_t j = 0; j < len; ++j) u[j] = static_cast<float>(a->draws[b + j] >> 8) * 0x1p-24f;
    for (std::size_t j = 0; j < len; j += W) {
      const std::size_t m = len - j < W ? len - j : W;
      const V uv = O::load_n(u + j, m);
      const V lu = vlog<O>(O::add(uv, eps));
      const V lv = vlog<O>(O::add(O::sub(one, uv), eps));
      const V av = O::mul(O::sub(O::add(logit, lu), lv), inv_t);
      const V e = vexp<O>(O::sub(zero, O::abs(av)));
      const V r = O::div(one, O::add(one, e));
      const V er = O::mul(e, r);
      const auto pos = O::ge(av, zero);
      const V z = O::select(pos, r, er);
      const V k = O::select(pos, er, r);
      const V keep = O::mul(k, inv_q);
      const V dkeep = O::mul(O::mul(keep, O::sub(one, O::mul(z, slope))), inv_q);
      O::store_n(a->keep + b + j, keep, m);
      O::store_n(a->dkeep + b + j, dkeep, m);
    }
  }
  const std::size_t inner = a->inner;
  const float* x = a->x;
  float* out = a->out;
  if (inner == 1) {
    for (std::size_t j = 0; j < a->masks; ++j) out[j] = x[j] * a->keep[j];
    return;
  }
  for (std::size_t j = 0; j < a->masks; ++j) {
    const float kj = a->keep[j];
    const float* xj = x + j * inner;
    float* oj = out + j * inner;
    for (std::size_t i = 0; i < inner; ++i) oj[i] = xj[i] * kj;
  }
}

template <class O>
void concrete_grad(const dn_vdo_concrete_grad_args* a) {
  using V = typename O::V;
  constexpr std::size_t W = O::W;
  const std::size_t inner = a->inner, n = a->masks * inner;
  const float *g = a->g, *x = a->x, *keep = a->keep, *dkeep = a->dkeep;
  if (a->gx != nullptr) {
    float* gx = a->gx;
    if (inner == 1) {
      for (std::size_t j = 0; j < n; ++j) gx[j] = g[j] * keep[j];
    } else {
      for (std::size_t j = 0; j < a->masks; ++j) {
        const float kj = keep[j];
        for (std::size_t i = j * inner; i < (j + 1) * inner; ++i) gx[i] = g[i] * kj;
      }
    }
  }
  if (a->dot == nullptr) return;
  double total = 0.0;
  float lanes[W];
  // Flushes the lanes into the double total every kBlock elements.
  V acc = O::zero();
  std::size_t since = 0;
  const auto flush = [&]() {
    O::store(lanes, acc);
    for (std::size_t l = 0; l < W; ++l) total += lanes[l];
    acc = O::zero();
    since = 0;
  };
  if (inner == 1) {
    for (std::size_t i = 0; i < n; i += W) {
      const std::size_t m = n - i < W ? n - i : W;
      const V gv = O::load_n(g + i, m), xv = O::load_n(x + i, m), dv = O::load_n(dkeep + i, m);
      acc = O::fma(O::mul(gv, xv), dv, acc);
      if ((since += W) >= kBlock) flush();
    }
  } else {
    for (std::size_t j = 0; j < a->masks; ++j) {
      const V dj = O::set1(dkeep[j]);
      const float* gj = g + j * inner;
      const float* xj = x + j * inner;
      for (std::size_t i = 0; i < inner; i += W) {
        const std::size_t m = inner - i < W ? inner - i : W;
        acc = O::fma(O::mul(O::load_n(gj + i, m), O::load_n(xj + i, m)), dj, acc);
        if ((since += W) >= kBlock) flush();
      }
    }
  }
  flush();
  *a->dot = total;
}

}  // namespace vdo
}  // namespace
