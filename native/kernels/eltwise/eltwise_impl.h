// The element-wise kernels of eltwise.h written once over an ISA traits type S
// (native/kernels/simd/): a 4x unrolled main loop, then single vectors, then a partial vector
// that touches nothing past element n - 1. DN_DEFINE_ELTWISE(isa, S) emits the extern "C" set
// from one .cc file per ISA, compiled with that ISA's flags.
#pragma once

#include <cstddef>

#include "eltwise.h"

namespace {
namespace eltwise {

// out[i] = op(in[i]...) for each of the inputs (none, one or two), W lanes at a time.
template <class S, class Op, class... In>
void map(float* out, std::size_t n, Op op, const In*... in) {
  constexpr std::size_t W = S::W;
  std::size_t i = 0;
  for (; i + 4 * W <= n; i += 4 * W) {
    const auto r0 = op(S::load(in + i)...);
    const auto r1 = op(S::load(in + i + W)...);
    const auto r2 = op(S::load(in + i + 2 * W)...);
    const auto r3 = op(S::load(in + i + 3 * W)...);
    S::store(out + i, r0);
    S::store(out + i + W, r1);
    S::store(out + i + 2 * W, r2);
    S::store(out + i + 3 * W, r3);
  }
  for (; i + W <= n; i += W) S::store(out + i, op(S::load(in + i)...));
  if (i < n) S::store_n(out + i, op(S::load_n(in + i, n - i)...), n - i);
}

// out[j] = the double sum of x[r * ld + j] over rows r in order, rounded once (eltwise.h):
// 4 vectors of columns a pass over the rows (a cache line on every ISA), each lane's two halves
// in double accumulators, then single vectors, then a partial one.
template <class S>
void colsum(float* out, const float* x, std::size_t rows, std::size_t cols, std::size_t ld) {
  constexpr std::size_t W = S::W;
  std::size_t j = 0;
  for (; j + 4 * W <= cols; j += 4 * W) {
    typename S::D lo[4] = {S::dzero(), S::dzero(), S::dzero(), S::dzero()}, hi[4] = {lo[0], lo[0], lo[0], lo[0]};
    for (std::size_t r = 0; r < rows; ++r) {
      const float* p = x + r * ld + j;
      for (std::size_t u = 0; u < 4; ++u) {
        const typename S::V v = S::load(p + u * W);
        lo[u] = S::dadd(lo[u], S::dlo(v));
        hi[u] = S::dadd(hi[u], S::dhi(v));
      }
    }
    for (std::size_t u = 0; u < 4; ++u) S::store(out + j + u * W, S::narrow(lo[u], hi[u]));
  }
  for (; j < cols; j += W) {
    const std::size_t n = cols - j < W ? cols - j : W;
    typename S::D lo = S::dzero(), hi = S::dzero();
    for (std::size_t r = 0; r < rows; ++r) {
      const typename S::V v = n == W ? S::load(x + r * ld + j) : S::load_n(x + r * ld + j, n);
      lo = S::dadd(lo, S::dlo(v));
      hi = S::dadd(hi, S::dhi(v));
    }
    if (n == W) {
      S::store(out + j, S::narrow(lo, hi));
    } else {
      S::store_n(out + j, S::narrow(lo, hi), n);
    }
  }
}

}  // namespace eltwise
}  // namespace

// relu is max(0, x) with x86 max semantics (0 > x ? 0 : x): NaN and -0 pass through.
#define DN_DEFINE_ELTWISE(isa, S)                                                              \
  extern "C" {                                                                                 \
  void dn_f32_vadd__##isa(float* out, const float* a, const float* b, size_t n) {              \
    eltwise::map<S>(                                                                           \
        out, n, [](S::V x, S::V y) { return S::add(x, y); }, a, b);                            \
  }                                                                                            \
  void dn_f32_vmul__##isa(float* out, const float* a, const float* b, size_t n) {              \
    eltwise::map<S>(                                                                           \
        out, n, [](S::V x, S::V y) { return S::mul(x, y); }, a, b);                            \
  }                                                                                            \
  void dn_f32_vscale__##isa(float* out, const float* x, float s, size_t n) {                   \
    const S::V vs = S::set1(s);                                                                \
    eltwise::map<S>(                                                                           \
        out, n, [vs](S::V v) { return S::mul(v, vs); }, x);                                    \
  }                                                                                            \
  void dn_f32_relu_forward__##isa(float* out, const float* x, size_t n) {                      \
    eltwise::map<S>(                                                                           \
        out, n, [](S::V v) { return S::max(S::zero(), v); }, x);                               \
  }                                                                                            \
  void dn_f32_relu_backward__##isa(float* dx, const float* dy, const float* x, size_t n) {     \
    eltwise::map<S>(                                                                           \
        dx, n, [](S::V g, S::V v) { return S::keep(S::gt(v, S::zero()), g); }, dy, x);         \
  }                                                                                            \
  void dn_f32_fill__##isa(float* out, float v, size_t n) {                                     \
    const S::V vv = S::set1(v);                                                                \
    eltwise::map<S>(out, n, [vv]() { return vv; });                                            \
  }                                                                                            \
  void dn_f32_colsum__##isa(float* out, const float* x, size_t rows, size_t cols, size_t ld) { \
    eltwise::colsum<S>(out, x, rows, cols, ld);                                                \
  }                                                                                            \
  }
