// The per-weight pass of vdo.h written once over an ISA traits type `O` (native/kernels/simd/),
// instantiated by one .cc file per ISA. Internal linkage (an unnamed namespace), as the traits.
//
// exp(x): n = round(x·log2 e), r = x − n·ln2 (ln2 split in two so n·ln2hi is exact), e^r by its
//   Taylor polynomial of degree 7 on |r| <= ln2/2 (truncation < 6e-9 relative), scaled by
//   2^(n/2)·2^(n − n/2) so results that overflow give +inf and tiny ones round once into the
//   subnormals. NaN passes through.
// log(a), a >= 0: a = m·2^e with m in [√2/2, √2] (subnormals scaled by 2^24 first),
//   log m = 2·atanh(s), s = (m − 1)/(m + 1), |s| <= 0.1716, by the odd series to s^9
//   (truncation < 3e-9 relative); log 0 = −inf, log inf = inf, NaN passes through.
// The KL at log α in [−8, 8] and its derivative: the polynomial pieces of vdo_kl_poly.h (degree 9
//   on pieces of width 1, relative error about 2e-7), one in-register table lookup per
//   coefficient; the reference backend evaluates the closed form in double.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "vdo.h"
#include "vdo_kl_poly.h"

// The helpers below are forced inline into the per-weight loop: over simd::Unroll their vectors
// are structs, which an out-of-line call passes through memory. Left to the compiler, vlog stayed
// out of line on AVX2 and the pass took 3.6-3.7 ns per weight instead of 2.35 (KL and both
// derivatives, 65,536 weights; AVX-512 1.44 against 1.40; `npm run bench -- learned-dropout`).
#if defined(_MSC_VER)
#define DN_VDO_INLINE __forceinline
#else
#define DN_VDO_INLINE __attribute__((always_inline)) inline
#endif

namespace {
namespace vdo {

constexpr float kLog2e = 1.44269504088896341f;
constexpr float kLn2Hi = 0.693115234375f;  // 12 significant bits: n·kLn2Hi is exact for |n| < 4096
constexpr float kLn2Lo = 3.19461849452862e-05f;
constexpr float kMinLogAlpha = -8.0f, kMaxLogAlpha = 8.0f;
constexpr std::size_t kBlock = 256;  // elements summed in float before the double total

// e^r·2^−n for x = n·ln2 + r, n = round(x·log2 e) into *n: the reduction and Taylor polynomial of exp.
template <class O>
DN_VDO_INLINE typename O::V exp_reduced(typename O::V x, typename O::V* n_out) {
  using V = typename O::V;
  const V n = O::round(O::mul(x, O::set1(kLog2e)));
  V r = O::fma(n, O::set1(-kLn2Hi), x);
  r = O::fma(n, O::set1(-kLn2Lo), r);
  V p = O::set1(1.0f / 5040.0f);
  p = O::fma(p, r, O::set1(1.0f / 720.0f));
  p = O::fma(p, r, O::set1(1.0f / 120.0f));
  p = O::fma(p, r, O::set1(1.0f / 24.0f));
  p = O::fma(p, r, O::set1(1.0f / 6.0f));
  p = O::fma(p, r, O::set1(0.5f));
  p = O::fma(p, r, O::set1(1.0f));
  *n_out = n;
  return O::fma(p, r, O::set1(1.0f));
}

template <class O>
DN_VDO_INLINE typename O::V vexp(typename O::V x) {
  using V = typename O::V;
  const V xc = O::min(O::max(x, O::set1(-104.0f)), O::set1(89.0f));
  V n;
  const V p = exp_reduced<O>(xc, &n);
  const auto ni = O::to_int(n);
  const auto n1 = O::half(ni);
  const auto n2 = O::isub(ni, n1);
  const V y = O::mul(O::mul(p, O::pow2(n1)), O::pow2(n2));
  return O::select(O::isnan(x), x, y);
}

template <class O>
DN_VDO_INLINE typename O::V vlog(typename O::V a) {
  using V = typename O::V;
  const auto tiny = O::lt(a, O::set1(1.17549435e-38f));
  const V as = O::select(tiny, O::mul(a, O::set1(16777216.0f)), a);
  V m, e;
  O::split(as, &m, &e);
  const auto big = O::gt(m, O::set1(1.41421356f));
  m = O::select(big, O::mul(m, O::set1(0.5f)), m);
  e = O::add(e, O::select(big, O::set1(1.0f), O::set1(0.0f)));
  e = O::add(e, O::select(tiny, O::set1(-24.0f), O::set1(0.0f)));
  const V s = O::div(O::sub(m, O::set1(1.0f)), O::add(m, O::set1(1.0f)));
  const V s2 = O::mul(s, s);
  V q = O::set1(1.0f / 9.0f);
  q = O::fma(q, s2, O::set1(1.0f / 7.0f));
  q = O::fma(q, s2, O::set1(1.0f / 5.0f));
  q = O::fma(q, s2, O::set1(1.0f / 3.0f));
  q = O::fma(q, s2, O::set1(1.0f));
  const V lm = O::mul(O::add(s, s), q);
  V y = O::fma(e, O::set1(kLn2Hi), O::fma(e, O::set1(kLn2Lo), lm));
  const float inf = std::numeric_limits<float>::infinity();
  y = O::select(O::eq(a, O::set1(0.0f)), O::set1(-inf), y);
  y = O::select(O::eq(a, O::set1(inf)), O::set1(inf), y);
  return O::select(O::isnan(a), a, y);
}

// One vector of weights at w, ls; returns the KL of each lane (zero when !K).
template <class O, bool S, bool A, bool K, bool G>
typename O::V step(const float* w, const float* ls, float* sigma2, float* log_alpha, float* dls, float* dw) {
  using V = typename O::V;
  const V lsv = O::load(ls);
  if (S) O::store(sigma2, vexp<O>(lsv));
  if (!A && !K) return O::set1(0.0f);
  const V wv = O::load(w);
  const V lg = vlog<O>(O::abs(wv));
  const V raw = O::sub(lsv, O::add(lg, lg));
  const V lo = O::set1(kMinLogAlpha), hi = O::set1(kMaxLogAlpha);
  // NaN fails both comparisons and stays NaN.
  const V la = O::select(O::lt(raw, lo), lo, O::select(O::gt(raw, hi), hi, raw));
  if (A) O::store(log_alpha, la);
  if (!K) return O::set1(0.0f);
  // The KL from its polynomial pieces (vdo_kl_poly.h), and with G its derivative by the same
  // Horner pass: the piece of log α in [−8, 8] by one table lookup per coefficient. A NaN log α
  // gives piece 0 (x86 max) and u NaN, so NaN results.
  const V zero = O::set1(0.0f);
  const V j = O::floor(O::min(O::max(O::add(la, O::set1(8.0f)), zero), O::set1(15.0f)));
  const auto piece = O::to_int(j);
  const V u = O::sub(la, O::sub(j, O::set1(7.5f)));
  V kl = O::lookup16(kKlPoly[kKlDegree], piece);
  V d = zero;
  for (int k = kKlDegree - 1; k >= 0; --k) {
    if (G) d = O::fma(d, u, kl);
    kl = O::fma(kl, u, O::lookup16(kKlPoly[k], piece));
  }
  if (G) {
    d = O::select(O::in_range(raw, lo, hi), d, zero);
    const V g = O::select(O::eq(d, zero), zero, O::div(O::mul(O::set1(-2.0f), d), wv));
    O::store(dls, d);
    O::store(dw, g);
  }
  return kl;
}

template <class O, bool S, bool A, bool K, bool G>
void run(const dn_vdo_sparse_args* a) {
  constexpr std::size_t W = O::W;
  const std::size_t n = a->n;
  const float* w = a->w;
  const float* ls = a->ls;
  double total = 0.0;
  std::size_t i = 0;
  float lanes[W];
  while (i + W <= n) {
    const std::size_t end = i + kBlock < n ? i + kBlock : n;
    typename O::V acc = O::set1(0.0f);
    for (; i + W <= end; i += W) {
      acc = O::add(acc, step<O, S, A, K, G>(w + i, ls + i, S ? a->sigma2 + i : nullptr, A ? a->log_alpha + i : nullptr,
                                            G ? a->dls + i : nullptr, G ? a->dw + i : nullptr));
    }
    if (K) {
      O::store(lanes, acc);
      for (std::size_t j = 0; j < W; ++j) total += lanes[j];
    }
  }
  if (i < n) {
    // The tail through padded copies: weights 1, log σ² 0 in the unused lanes, whose results are dropped.
    const std::size_t rem = n - i;
    float wb[W] = {}, lb[W] = {}, sb[W] = {}, ab[W] = {}, db[W] = {}, gb[W] = {};
    for (std::size_t j = 0; j < W; ++j) wb[j] = j < rem ? w[i + j] : 1.0f, lb[j] = j < rem ? ls[i + j] : 0.0f;
    O::store(lanes, step<O, S, A, K, G>(wb, lb, sb, ab, db, gb));
    for (std::size_t j = 0; j < rem; ++j) {
      if (S) a->sigma2[i + j] = sb[j];
      if (A) a->log_alpha[i + j] = ab[j];
      if (G) a->dls[i + j] = db[j], a->dw[i + j] = gb[j];
      if (K) total += lanes[j];
    }
  }
  if (a->kl != nullptr) *a->kl = total;
}

template <class O, int F>
void run_flags(const dn_vdo_sparse_args* a) {
  run<O, (F & 8) != 0, (F & 4) != 0, (F & 2) != 0, (F & 1) != 0>(a);
}

// Picks the instantiation for the outputs asked for (gradients imply the KL).
template <class O>
void sparse(const dn_vdo_sparse_args* a) {
  using Fn = void (*)(const dn_vdo_sparse_args*);
  static constexpr Fn table[16] = {
      run_flags<O, 0>,  run_flags<O, 1>,  run_flags<O, 2>,  run_flags<O, 3>,  run_flags<O, 4>,  run_flags<O, 5>,
      run_flags<O, 6>,  run_flags<O, 7>,  run_flags<O, 8>,  run_flags<O, 9>,  run_flags<O, 10>, run_flags<O, 11>,
      run_flags<O, 12>, run_flags<O, 13>, run_flags<O, 14>, run_flags<O, 15>,
  };
  const bool g = a->dls != nullptr && a->dw != nullptr;
  const bool k = g || a->kl != nullptr;
  const int f = (a->sigma2 != nullptr ? 8 : 0) | (a->log_alpha != nullptr ? 4 : 0) | (k ? 2 : 0) | (g ? 1 : 0);
  table[f](a);
}

}  // namespace vdo
}  // namespace
