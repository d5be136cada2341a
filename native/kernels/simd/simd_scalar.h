// One float lane: the baseline of the ISA traits in this folder, and their shared vocabulary.
//
// A kernel is written once as a template over a traits type S (S::V holds S::W floats, S::I the
// same number of int32, S::M a lane mask) and instantiated by one .cc file per ISA, compiled
// with that ISA's flags (native/sources.json). Every operation is one IEEE operation per lane,
// so every ISA gives the same bits (fma excepted: fused on the vector ISAs). min/max follow x86: the second operand
// when either is NaN (or both are zeros). keep(m, v) is v where m holds and +0 elsewhere; bit_lanes(bits, q) is true in
// lane l iff bit W * q + l of bits is set. load_n/store_n touch lanes 0 .. n - 1 only.
//
// Everything is in an unnamed namespace: each translation unit keeps its own copy, so the linker
// can never substitute one ISA's instantiation for another's (see TOOLCHAIN.md, ODR hazard).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {
namespace simd {

struct Scalar {
  using V = float;
  using I = std::int32_t;
  using M = bool;
  static constexpr std::size_t W = 1;

  static V load(const float* p) { return *p; }
  static void store(float* p, V v) { *p = v; }
  static V load_n(const float* p, std::size_t) { return *p; }
  static void store_n(float* p, V v, std::size_t) { *p = v; }
  static V set1(float v) { return v; }
  static V zero() { return 0.0f; }

  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V div(V a, V b) { return a / b; }
  static V fma(V a, V b, V c) { return a * b + c; }  // rounded twice: no FMA in the baseline ISA
  static V min(V a, V b) { return a < b ? a : b; }
  static V max(V a, V b) { return a > b ? a : b; }
  static V abs(V a) { return std::fabs(a); }
  static V round(V a) { return std::nearbyint(a); }
  static V floor(V a) { return std::floor(a); }

  static I to_int(V a) { return static_cast<I>(a); }
  static I half(I i) { return i >> 1; }
  static I isub(I a, I b) { return a - b; }
  // t[i] for i in [0, 15]: a 16-entry table looked up per lane.
  static V lookup16(const float* t, I i) { return t[i]; }
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
  static V keep(M m, V v) { return m ? v : 0.0f; }
  static M bit_lanes(std::uint32_t bits, int q) { return ((bits >> q) & 1u) != 0; }

  // Double halves, for sums kept in double: D holds W / 2 doubles (here one, the other half empty).
  using D = double;
  static D dzero() { return 0.0; }
  static D dlo(V a) { return static_cast<double>(a); }
  static D dhi(V) { return 0.0; }
  static D dadd(D a, D b) { return a + b; }
  static V narrow(D lo, D) { return static_cast<float>(lo); }
};

}  // namespace simd
}  // namespace
