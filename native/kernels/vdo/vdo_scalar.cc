// Sparse variational dropout's per-weight pass, one float at a time: the algorithm of
// vdo_impl.h with W = 1 (the same polynomials as the vector ISAs, not the C library's exp/log).
#include <cmath>
#include <cstdint>
#include <cstring>

#include "vdo.h"
#include "vdo_impl.h"

namespace {

struct ScalarOps {
  using V = float;
  using I = std::int32_t;
  using M = bool;
  static constexpr std::size_t W = 1;
  static V load(const float* p) { return *p; }
  static void store(float* p, V v) { *p = v; }
  static V set1(float v) { return v; }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V div(V a, V b) { return a / b; }
  static V fma(V a, V b, V c) { return a * b + c; }
  // SIMD min/max semantics: the second operand when either is NaN.
  static V min(V a, V b) { return a < b ? a : b; }
  static V max(V a, V b) { return a > b ? a : b; }
  static V abs(V a) { return std::fabs(a); }
  static V round(V a) { return std::nearbyint(a); }
  static I to_int(V a) { return static_cast<I>(a); }
  static I half(I i) { return i >> 1; }
  static I isub(I a, I b) { return a - b; }
  static V pow2(I i) {
    const std::uint32_t bits = static_cast<std::uint32_t>(i + 127) << 23;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  static void split(V a, V* m, V* e) {
    std::uint32_t bits;
    std::memcpy(&bits, &a, sizeof bits);
    *e = static_cast<float>(static_cast<std::int32_t>(bits >> 23) - 127);
    const std::uint32_t mb = (bits & 0x7fffffu) | 0x3f800000u;
    std::memcpy(m, &mb, sizeof mb);
  }
  static M lt(V a, V b) { return a < b; }
  static M gt(V a, V b) { return a > b; }
  static M ge(V a, V b) { return a >= b; }
  static M eq(V a, V b) { return a == b; }
  static M isnan(V a) { return a != a; }
  static M in_range(V a, V lo, V hi) { return a >= lo && a <= hi; }
  static V select(M m, V t, V f) { return m ? t : f; }
};

}  // namespace

extern "C" void dn_vdo_sparse__scalar(const dn_vdo_sparse_args* a) { vdo::sparse<ScalarOps>(a); }
