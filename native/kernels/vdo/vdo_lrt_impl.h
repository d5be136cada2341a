// The local reparameterisation's noise pass of vdo.h written once over an ISA traits type `O`,
// instantiated by one .cc file per ISA next to vdo_impl.h (whose vlog it uses).
//
// sin and cos of t = 2π·u, u in [0, 1): q = round(4u), f = u − q/4 in [−1/8, 1/8] (exact: u has
//   24 fraction bits), a = 2π·f in [−π/4, π/4]; sin a by its Taylor series to a^11 and cos a to
//   a^10 (truncation < 2e-10 and < 2e-9 relative), then rotated by the quadrant q mod 4.
// The Box-Muller part runs W pairs at a time through the traits; the rest (s = sqrt(v + 1e−8),
// out, half) is a plain loop the compiler vectorises with the ISA's correctly rounded sqrt and
// divide, so it gives the same bits on every ISA.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "vdo.h"

namespace {
namespace vdo {

constexpr float kTwoPi = 6.28318530717958648f;
constexpr float kLrtEps = 1e-8f;
constexpr std::size_t kLrtTile = 256;  // pairs per stack tile

template <class O>
void vsincos(typename O::V u, typename O::V* sin_out, typename O::V* cos_out) {
  using V = typename O::V;
  const V q = O::round(O::mul(u, O::set1(4.0f)));
  const V a = O::mul(O::fma(q, O::set1(-0.25f), u), O::set1(kTwoPi));
  const V a2 = O::mul(a, a);
  V s = O::set1(-1.0f / 39916800.0f);
  s = O::fma(s, a2, O::set1(1.0f / 362880.0f));
  s = O::fma(s, a2, O::set1(-1.0f / 5040.0f));
  s = O::fma(s, a2, O::set1(1.0f / 120.0f));
  s = O::fma(s, a2, O::set1(-1.0f / 6.0f));
  s = O::fma(O::mul(s, a2), a, a);
  V c = O::set1(-1.0f / 3628800.0f);
  c = O::fma(c, a2, O::set1(1.0f / 40320.0f));
  c = O::fma(c, a2, O::set1(-1.0f / 720.0f));
  c = O::fma(c, a2, O::set1(1.0f / 24.0f));
  c = O::fma(c, a2, O::set1(-0.5f));
  c = O::fma(c, a2, O::set1(1.0f));
  // q is 0 .. 4; 4 is a whole turn. Quadrant 1: (sin, cos) = (cos a, −sin a); 2: (−sin a, −cos a);
  // 3: (−cos a, sin a).
  const V zero = O::set1(0.0f);
  const auto q1 = O::eq(q, O::set1(1.0f)), q2 = O::eq(q, O::set1(2.0f)), q3 = O::eq(q, O::set1(3.0f));
  const V ns = O::sub(zero, s), nc = O::sub(zero, c);
  *sin_out = O::select(q1, c, O::select(q2, ns, O::select(q3, nc, s)));
  *cos_out = O::select(q1, ns, O::select(q2, nc, O::select(q3, s, c)));
}

// ε for `pairs` pairs of draws into eps[0 .. 2·pairs).
template <class O>
void normals(const std::uint32_t* d, std::size_t pairs, float* eps) {
  constexpr std::size_t W = O::W;
  float u1[kLrtTile], u2[kLrtTile], r[kLrtTile], sn[kLrtTile], cs[kLrtTile];
  for (std::size_t j = 0; j < pairs; ++j) {
    u1[j] = static_cast<float>((d[2 * j] >> 8) + 1u) * 0x1p-24f;
    u2[j] = static_cast<float>(d[2 * j + 1] >> 8) * 0x1p-24f;
  }
  for (std::size_t j = 0; j < pairs; j += W) {
    const std::size_t len = pairs - j < W ? pairs - j : W;
    using V = typename O::V;
    const V a = O::load_n(u1 + j, len), b = O::load_n(u2 + j, len);
    // The unused lanes of a partial load hold u1 = 0: log gives −inf there, dropped by store_n.
    O::store_n(r + j, O::mul(vlog<O>(a), O::set1(-2.0f)), len);
    V s, c;
    vsincos<O>(b, &s, &c);
    O::store_n(sn + j, s, len);
    O::store_n(cs + j, c, len);
  }
  for (std::size_t j = 0; j < pairs; ++j) {
    const float rj = std::sqrt(r[j]);
    eps[2 * j] = rj * cs[j];
    eps[2 * j + 1] = rj * sn[j];
  }
}

template <class O>
void lrt(const dn_vdo_lrt_args* a) {
  float eps[2 * kLrtTile];
  for (std::size_t b = 0; b < a->n; b += 2 * kLrtTile) {
    const std::size_t len = a->n - b < 2 * kLrtTile ? a->n - b : 2 * kLrtTile;
    normals<O>(a->draws + b, (len + 1) / 2, eps);
    const float* m = a->mean + b;
    const float* v = a->var + b;
    float* out = a->out + b;
    float* half = a->half + b;
    for (std::size_t i = 0; i < len; ++i) {
      const float s = std::sqrt(v[i] + kLrtEps);
      out[i] = m[i] + s * eps[i];
      half[i] = eps[i] / (s + s);
    }
  }
}

}  // namespace vdo
}  // namespace
