// Element-wise kernels: check, view, call one kernel (split over the pool when large), return.
// Signatures (outputs first, count last), the same on the reference backend:
//   add(out, a, b, n)  mul(out, a, b, n)  scale(out, x, s, n)
//   relu(out, x, n)    reluBackward(dx, dy, x, n)    fill(out, value, n)
//   colSum(out, x, rows, cols): out[j] = sum of x[r * cols + j] over r (order in eltwise.h)
// out may be the very same array as an input (in place); a partial overlap is a RangeError.
#include <algorithm>

#include "../runtime/dispatch.h"
#include "../runtime/thread_pool.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {
namespace {

// Below this many elements one thread streams faster than waking the pool.
constexpr std::size_t kGrain = 1 << 16;
// Chunks start on 64-byte boundaries relative to the array, so threads never share a line.
constexpr std::size_t kAlign = 16;

template <class F>
void split(std::size_t n, F&& f) {
  parallel_range(n, kGrain, kAlign, [&](std::size_t b, std::size_t e) { f(b, e - b); });
}

}  // namespace

Napi::Value Add(const Napi::CallbackInfo& info) {
  expect_args(info, 4, "add(out, a, b, n)");
  auto env = info.Env();
  auto out = f32_arg(info, 0, "out"), a = f32_arg(info, 1, "a"), b = f32_arg(info, 2, "b");
  const std::size_t n = size_arg(info, 3, "n");
  expect_length(env, out, n), expect_length(env, a, n), expect_length(env, b, n);
  expect_same_or_disjoint(env, out, a), expect_same_or_disjoint(env, out, b);
  const auto k = active().vadd;
  split(n, [&](std::size_t i, std::size_t len) { k(out.data + i, a.data + i, b.data + i, len); });
  return env.Undefined();
}

Napi::Value Mul(const Napi::CallbackInfo& info) {
  expect_args(info, 4, "mul(out, a, b, n)");
  auto env = info.Env();
  auto out = f32_arg(info, 0, "out"), a = f32_arg(info, 1, "a"), b = f32_arg(info, 2, "b");
  const std::size_t n = size_arg(info, 3, "n");
  expect_length(env, out, n), expect_length(env, a, n), expect_length(env, b, n);
  expect_same_or_disjoint(env, out, a), expect_same_or_disjoint(env, out, b);
  const auto k = active().vmul;
  split(n, [&](std::size_t i, std::size_t len) { k(out.data + i, a.data + i, b.data + i, len); });
  return env.Undefined();
}

Napi::Value Scale(const Napi::CallbackInfo& info) {
  expect_args(info, 4, "scale(out, x, s, n)");
  auto env = info.Env();
  auto out = f32_arg(info, 0, "out"), x = f32_arg(info, 1, "x");
  const auto s = static_cast<float>(number_arg(info, 2, "s"));
  const std::size_t n = size_arg(info, 3, "n");
  expect_length(env, out, n), expect_length(env, x, n);
  expect_same_or_disjoint(env, out, x);
  const auto k = active().vscale;
  split(n, [&](std::size_t i, std::size_t len) { k(out.data + i, x.data + i, s, len); });
  return env.Undefined();
}

Napi::Value Relu(const Napi::CallbackInfo& info) {
  expect_args(info, 3, "relu(out, x, n)");
  auto env = info.Env();
  auto out = f32_arg(info, 0, "out"), x = f32_arg(info, 1, "x");
  const std::size_t n = size_arg(info, 2, "n");
  expect_length(env, out, n), expect_length(env, x, n);
  expect_same_or_disjoint(env, out, x);
  const auto k = active().relu_forward;
  split(n, [&](std::size_t i, std::size_t len) { k(out.data + i, x.data + i, len); });
  return env.Undefined();
}

Napi::Value ReluBackward(const Napi::CallbackInfo& info) {
  expect_args(info, 4, "reluBackward(dx, dy, x, n)");
  auto env = info.Env();
  auto dx = f32_arg(info, 0, "dx"), dy = f32_arg(info, 1, "dy"), x = f32_arg(info, 2, "x");
  const std::size_t n = size_arg(info, 3, "n");
  expect_length(env, dx, n), expect_length(env, dy, n), expect_length(env, x, n);
  expect_same_or_disjoint(env, dx, dy), expect_same_or_disjoint(env, dx, x);
  const auto k = active().relu_backward;
  split(n, [&](std::size_t i, std::size_t len) { k(dx.data + i, dy.data + i, x.data + i, len); });
  return env.Undefined();
}

Napi::Value Fill(const Napi::CallbackInfo& info) {
  expect_args(info, 3, "fill(out, value, n)");
  auto env = info.Env();
  auto out = f32_arg(info, 0, "out");
  const auto v = static_cast<float>(number_arg(info, 1, "value"));
  const std::size_t n = size_arg(info, 2, "n");
  expect_length(env, out, n);
  const auto k = active().fill;
  split(n, [&](std::size_t i, std::size_t len) { k(out.data + i, v, len); });
  return env.Undefined();
}

Napi::Value ColSum(const Napi::CallbackInfo& info) {
  expect_args(info, 4, "colSum(out, x, rows, cols)");
  auto env = info.Env();
  auto out = f32_arg(info, 0, "out"), x = f32_arg(info, 1, "x");
  const std::size_t rows = size_arg(info, 2, "rows"), cols = size_arg(info, 3, "cols");
  expect_length(env, out, cols), expect_length(env, x, checked_mul(env, rows, cols, "rows * cols"));
  expect_disjoint(env, out, x);
  const auto k = active().colsum;
  // Columns are independent sums, so any split between threads gives the same bits.
  const std::size_t grain = rows == 0 ? cols : std::max<std::size_t>(kAlign, kGrain / rows);
  parallel_range(cols, grain, kAlign,
                 [&](std::size_t b, std::size_t e) { k(out.data + b, x.data + b, rows, e - b, cols); });
  return env.Undefined();
}

}  // namespace dn::addon
