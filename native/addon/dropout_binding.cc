// Dropout and Philox kernels: check every argument, take views, call one operation, return.
// Signatures (outputs first, counts last; the same on the reference backend):
//   dropoutForward(out, mask, x, p, seed, offset[, n])      n defaults to x.length
//   dropoutBackward(dx, dy, mask, p[, n])                   n defaults to dy.length
//   dropoutMask(mask, p, seed, offset, n)
//   dropoutBroadcastForward(out, mask, x, p, seed, offset, outer, mid, inner)
//   dropoutBroadcastBackward(dx, dy, mask, p, outer, mid, inner)
//   randnFill(out, mean, std, seed, offset, n)    uniformFill(out, low, high, seed, offset, n)
//   philox4x32(counter, key, out)
// p is a number in [0, 1]; seed a safe integer or a bigint in [0, 2^64); offset a safe integer.
// Masks hold ceil(bits / 32) words. out may be x itself; masks overlap nothing.
#include "../kernels/dropout/dropout_driver.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {
namespace {

std::size_t words(std::size_t bits) { return (bits + 31) / 32; }

double p_arg(const Napi::CallbackInfo& info, std::size_t index) { return finite_arg(info, index, "p", 0, 1); }

}  // namespace

Napi::Value DropoutForward(const Napi::CallbackInfo& info) {
  expect_args_between(info, 6, 7, "dropoutForward(out, mask, x, p, seed, offset[, n])");
  auto env = info.Env();
  auto out = f32_arg(info, 0, "out");
  auto mask = u32_arg(info, 1, "mask");
  auto x = f32_arg(info, 2, "x");
  const double p = p_arg(info, 3);
  const std::uint64_t seed = u64_arg(info, 4, "seed");
  const std::size_t offset = size_arg(info, 5, "offset");
  const std::size_t n = info.Length() == 7 ? size_arg(info, 6, "n") : x.length;
  expect_length(env, out, n), expect_length(env, mask, words(n)), expect_length(env, x, n);
  expect_same_or_disjoint(env, out, x);
  expect_disjoint(env, mask, out), expect_disjoint(env, mask, x);
  dropout_forward(out.data, mask.data, x.data, n, p, seed, offset);
  return env.Undefined();
}

Napi::Value DropoutBackward(const Napi::CallbackInfo& info) {
  expect_args_between(info, 4, 5, "dropoutBackward(dx, dy, mask, p[, n])");
  auto env = info.Env();
  auto dx = f32_arg(info, 0, "dx");
  auto dy = f32_arg(info, 1, "dy");
  auto mask = u32_arg(info, 2, "mask");
  const double p = p_arg(info, 3);
  const std::size_t n = info.Length() == 5 ? size_arg(info, 4, "n") : dy.length;
  expect_length(env, dx, n), expect_length(env, dy, n), expect_length(env, mask, words(n));
  expect_same_or_disjoint(env, dx, dy);
  expect_disjoint(env, dx, mask);
  dropout_backward(dx.data, dy.data, mask.data, n, p);
  return env.Undefined();
}

Napi::Value DropoutMask(const Napi::CallbackInfo& info) {
  expect_args(info, 5, "dropoutMask(mask, p, seed, offset, n)");
  auto env = info.Env();
  auto mask = u32_arg(info, 0, "mask");
  const double p = p_arg(info, 1);
  const std::uint64_t seed = u64_arg(info, 2, "seed");
  const std::size_t offset = size_arg(info, 3, "offset");
  const std::size_t n = size_arg(info, 4, "n");
  expect_length(env, mask, words(n));
  dropout_mask(mask.data, n, p, seed, offset);
  return env.Undefined();
}

Napi::Value DropoutBroadcastForward(const Napi::CallbackInfo& info) {
  expect_args(info, 9, "dropoutBroadcastForward(out, mask, x, p, seed, offset, outer, mid, inner)");
  auto env = info.Env();
  auto out = f32_arg(info, 0, "out");
  auto mask = u32_arg(info, 1, "mask");
  auto x = f32_arg(info, 2, "x");
  const double p = p_arg(info, 3);
  const std::uint64_t seed = u64_arg(info, 4, "seed");
  const std::size_t offset = size_arg(info, 5, "offset");
  const std::size_t outer = size_arg(info, 6, "outer"), mid = size_arg(info, 7, "mid"),
                    inner = size_arg(info, 8, "inner");
  const std::size_t n = checked_mul(env, checked_mul(env, outer, mid, "x"), inner, "x");
  const std::size_t bits = checked_mul(env, outer, inner, "mask");
  expect_length(env, out, n), expect_length(env, mask, words(bits)), expect_length(env, x, n);
  expect_same_or_disjoint(env, out, x);
  expect_disjoint(env, mask, out), expect_disjoint(env, mask, x);
  dropout_broadcast_forward(out.data, mask.data, x.data, p, seed, offset, outer, mid, inner);
  return env.Undefined();
}

Napi::Value DropoutBroadcastBackward(const Napi::CallbackInfo& info) {
  expect_args(info, 7, "dropoutBroadcastBackward(dx, dy, mask, p, outer, mid, inner)");
  auto env = info.Env();
  auto dx = f32_arg(info, 0, "dx");
  auto dy = f32_arg(info, 1, "dy");
  auto mask = u32_arg(info, 2, "mask");
  const double p = p_arg(info, 3);
  const std::size_t outer = size_arg(info, 4, "outer"), mid = size_arg(info, 5, "mid"),
                    inner = size_arg(info, 6, "inner");
  const std::size_t n = checked_mul(env, checked_mul(env, outer, mid, "dy"), inner, "dy");
  const std::size_t bits = checked_mul(env, outer, inner, "mask");
  expect_length(env, dx, n), expect_length(env, dy, n), expect_length(env, mask, words(bits));
  expect_same_or_disjoint(env, dx, dy);
  expect_disjoint(env, dx, mask);
  dropout_broadcast_backward(dx.data, dy.data, mask.data, p, outer, mid, inner);
  return env.Undefined();
}

Napi::Value RandnFill(const Napi::CallbackInfo& info) {
  expect_args(info, 6, "randnFill(out, mean, std, seed, offset, n)");
  auto env = info.Env();
  auto out = f32_arg(info, 0, "out");
  const double mean = number_arg(info, 1, "mean"), stddev = number_arg(info, 2, "std");
  const std::uint64_t seed = u64_arg(info, 3, "seed");
  const std::size_t offset = size_arg(info, 4, "offset");
  const std::size_t n = size_arg(info, 5, "n");
  expect_length(env, out, n);
  randn_fill(out.data, n, mean, stddev, seed, offset);
  return env.Undefined();
}

Napi::Value UniformFill(const Napi::CallbackInfo& info) {
  expect_args(info, 6, "uniformFill(out, low, high, seed, offset, n)");
  auto env = info.Env();
  auto out = f32_arg(info, 0, "out");
  const double low = number_arg(info, 1, "low"), high = number_arg(info, 2, "high");
  const std::uint64_t seed = u64_arg(info, 3, "seed");
  const std::size_t offset = size_arg(info, 4, "offset");
  const std::size_t n = size_arg(info, 5, "n");
  expect_length(env, out, n);
  uniform_fill(out.data, n, low, high, seed, offset);
  return env.Undefined();
}

Napi::Value Philox4x32(const Napi::CallbackInfo& info) {
  expect_args(info, 3, "philox4x32(counter, key, out)");
  auto env = info.Env();
  auto counter = u32_arg(info, 0, "counter");
  auto key = u32_arg(info, 1, "key");
  auto out = u32_arg(info, 2, "out");
  expect_length(env, counter, 4), expect_length(env, key, 2), expect_length(env, out, 4);
  expect_same_or_disjoint(env, out, counter);
  expect_same_or_disjoint(env, out, key);
  philox4x32(counter.data, key.data, out.data);
  return env.Undefined();
}

}  // namespace dn::addon
