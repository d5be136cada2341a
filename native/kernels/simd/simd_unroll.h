// U vectors of an ISA traits type O as one: every operation is O's, applied to each of the U
// vectors in turn. A kernel written over O and instantiated over Unroll<O, U> processes U * O::W
// floats per step with the U independent dependency chains interleaved instruction by
// instruction, which is what a long chain (a division, a polynomial) needs when the loop body is
// too large for the core's out-of-order window to overlap two consecutive steps by itself.
// Bits are O's: the same operations on the same values.
#pragma once
#include <cstddef>
#include <cstdint>

namespace {
namespace simd {

template <class O, int U>
struct Unroll {
  struct V {
    typename O::V v[U];
  };
  struct I {
    typename O::I v[U];
  };
  struct M {
    typename O::M v[U];
  };
  static constexpr std::size_t W = O::W * U;

#define DN_UNROLL_EACH(R, expr)              \
  R r;                                       \
  for (int u = 0; u < U; ++u) r.v[u] = expr; \
  return r

  static V load(const float* p) { DN_UNROLL_EACH(V, O::load(p + u * O::W)); }
  static void store(float* p, V a) {
    for (int u = 0; u < U; ++u) O::store(p + u * O::W, a.v[u]);
  }
  static V set1(float x) { DN_UNROLL_EACH(V, O::set1(x)); }
  static V add(V a, V b) { DN_UNROLL_EACH(V, O::add(a.v[u], b.v[u])); }
  static V sub(V a, V b) { DN_UNROLL_EACH(V, O::sub(a.v[u], b.v[u])); }
  static V mul(V a, V b) { DN_UNROLL_EACH(V, O::mul(a.v[u], b.v[u])); }
  static V div(V a, V b) { DN_UNROLL_EACH(V, O::div(a.v[u], b.v[u])); }
  static V fma(V a, V b, V c) { DN_UNROLL_EACH(V, O::fma(a.v[u], b.v[u], c.v[u])); }
  static V min(V a, V b) { DN_UNROLL_EACH(V, O::min(a.v[u], b.v[u])); }
  static V max(V a, V b) { DN_UNROLL_EACH(V, O::max(a.v[u], b.v[u])); }
  static V abs(V a) { DN_UNROLL_EACH(V, O::abs(a.v[u])); }
  static V round(V a) { DN_UNROLL_EACH(V, O::round(a.v[u])); }
  static V floor(V a) { DN_UNROLL_EACH(V, O::floor(a.v[u])); }
  static I to_int(V a) { DN_UNROLL_EACH(I, O::to_int(a.v[u])); }
  static I half(I a) { DN_UNROLL_EACH(I, O::half(a.v[u])); }
  static I isub(I a, I b) { DN_UNROLL_EACH(I, O::isub(a.v[u], b.v[u])); }
  static V pow2(I a) { DN_UNROLL_EACH(V, O::pow2(a.v[u])); }
  static V lookup16(const float* t, I i) { DN_UNROLL_EACH(V, O::lookup16(t, i.v[u])); }
  static void split(V a, V* m, V* e) {
    for (int u = 0; u < U; ++u) O::split(a.v[u], &m->v[u], &e->v[u]);
  }
  static M lt(V a, V b) { DN_UNROLL_EACH(M, O::lt(a.v[u], b.v[u])); }
  static M gt(V a, V b) { DN_UNROLL_EACH(M, O::gt(a.v[u], b.v[u])); }
  static M ge(V a, V b) { DN_UNROLL_EACH(M, O::ge(a.v[u], b.v[u])); }
  static M eq(V a, V b) { DN_UNROLL_EACH(M, O::eq(a.v[u], b.v[u])); }
  static M isnan(V a) { DN_UNROLL_EACH(M, O::isnan(a.v[u])); }
  static M in_range(V a, V lo, V hi) { DN_UNROLL_EACH(M, O::in_range(a.v[u], lo.v[u], hi.v[u])); }
  static V select(M m, V t, V f) { DN_UNROLL_EACH(V, O::select(m.v[u], t.v[u], f.v[u])); }

#undef DN_UNROLL_EACH
};

}  // namespace simd
}  // namespace
