// Convolution: conv2d forward, backward-data and backward-weight (+ bias) over NCHW tensors with
// OIHW weights. The geometry travels as one object, checked key by key exactly as
// lib/backend/conv-geometry.ts checks it (same messages):
//   { n, c, h, w, k, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups }
// Entries (outputs first):
//   conv2dForward(out, x, weight, bias | null, geometry)
//   conv2dBackwardData(dx, dy, weight, geometry)
//   conv2dBackwardWeight(dweight, dbias | null, dy, x, geometry)
// Bad geometry (sizes < 1, negative padding, channels not divisible by groups, an empty output,
// products that overflow) is a RangeError before any memory is touched.
#include <string>

#include "../kernels/conv/conv2d.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {
namespace {

constexpr double kMaxDim = 2147483647.0;

std::size_t dim(Napi::Env env, const Napi::Object& o, const char* key, double lo) {
  return int_prop(env, o, "geometry", key, lo, kMaxDim);
}

struct Checked {
  ConvGeometry g;
  std::size_t x_size, w_size, out_size;
};

Checked geometry(const Napi::CallbackInfo& info, std::size_t index) {
  auto env = info.Env();
  const Napi::Object o = options_arg(info, index, "geometry");
  ConvGeometry g{};
  g.n = dim(env, o, "n", 0);
  g.c = dim(env, o, "c", 1);
  g.h = dim(env, o, "h", 1);
  g.w = dim(env, o, "w", 1);
  g.k = dim(env, o, "k", 1);
  g.kh = dim(env, o, "kh", 1);
  g.kw = dim(env, o, "kw", 1);
  g.sh = dim(env, o, "sh", 1);
  g.sw = dim(env, o, "sw", 1);
  g.pt = dim(env, o, "pt", 0);
  g.pb = dim(env, o, "pb", 0);
  g.pl = dim(env, o, "pl", 0);
  g.pr = dim(env, o, "pr", 0);
  g.dh = dim(env, o, "dh", 1);
  g.dw = dim(env, o, "dw", 1);
  g.groups = dim(env, o, "groups", 1);
  DN_THROW_RANGE_IF(g.c % g.groups != 0, env, "Expected input channels divisible by groups but c = ", g.c,
                    " and groups = ", g.groups);
  DN_THROW_RANGE_IF(g.k % g.groups != 0, env, "Expected output channels divisible by groups but k = ", g.k,
                    " and groups = ", g.groups);
  // All terms are below 2^33, so this arithmetic cannot overflow 64 bits.
  const long long span_h = static_cast<long long>(g.h + g.pt + g.pb) - static_cast<long long>(g.dh * (g.kh - 1)) - 1;
  const long long span_w = static_cast<long long>(g.w + g.pl + g.pr) - static_cast<long long>(g.dw * (g.kw - 1)) - 1;
  // Floor division, as JavaScript's Math.floor in the reference checks.
  auto floor_div = [](long long a, long long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  const long long oh = floor_div(span_h, static_cast<long long>(g.sh)) + 1;
  const long long ow = floor_div(span_w, static_cast<long long>(g.sw)) + 1;
  DN_THROW_RANGE_IF(oh < 1 || ow < 1, env, "Expected a non-empty output but an input of ", g.h, "x", g.w, " (padded by ",
                    g.pt, ",", g.pb, ",", g.pl, ",", g.pr, ") convolved with kernel ", g.kh, "x", g.kw, ", stride ", g.sh,
                    "x", g.sw, " and dilation ", g.dh, "x", g.dw, " gives ", oh, "x", ow);
  g.oh = static_cast<std::size_t>(oh);
  g.ow = static_cast<std::size_t>(ow);
  Checked r{g, 0, 0, 0};
  const std::size_t cg = g.c / g.groups;
  r.x_size = checked_mul(env, checked_mul(env, checked_mul(env, g.n, g.c, "n * c"), g.h, "n * c * h"), g.w, "n * c * h * w");
  r.w_size = checked_mul(env, checked_mul(env, checked_mul(env, g.k, cg, "k * c / groups"), g.kh, "k * c / groups * kh"),
                         g.kw, "k * c / groups * kh * kw");
  r.out_size = checked_mul(env, checked_mul(env, checked_mul(env, g.n, g.k, "n * k"), g.oh, "n * k * oh"), g.ow, "n * k * oh * ow");
  checked_mul(env, checked_mul(env, cg * g.kh * g.kw, g.oh, "c / groups * kh * kw * oh"), g.ow, "c / groups * kh * kw * oh * ow");
  return r;
}

}  // namespace

Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  expect_args(info, 5, "conv2dForward(out, x, weight, bias, geometry)");
  auto env = info.Env();
  const Checked c = geometry(info, 4);  // runs getters: before any view is taken (args.h)
  auto out = f32_arg(info, 0, "out");
  auto x = f32_arg(info, 1, "x");
  auto w = f32_arg(info, 2, "weight");
  auto b = f32_or_null_arg(info, 3, "bias");
  expect_length(env, x, c.x_size);
  expect_length(env, w, c.w_size);
  if (b.present) expect_length(env, b, c.g.k);
  expect_length(env, out, c.out_size);
  expect_disjoint(env, out, x), expect_disjoint(env, out, w);
  if (b.present) expect_disjoint(env, out, b);
  conv2d_forward(out.data, x.data, w.data, b.present ? b.data : nullptr, c.g);
  return env.Undefined();
}

Napi::Value Conv2dBackwardData(const Napi::CallbackInfo& info) {
  expect_args(info, 4, "conv2dBackwardData(dx, dy, weight, geometry)");
  auto env = info.Env();
  const Checked c = geometry(info, 3);  // runs getters: before any view is taken (args.h)
  auto dx = f32_arg(info, 0, "dx");
  auto dy = f32_arg(info, 1, "dy");
  auto w = f32_arg(info, 2, "weight");
  expect_length(env, dx, c.x_size);
  expect_length(env, dy, c.out_size);
  expect_length(env, w, c.w_size);
  expect_disjoint(env, dx, dy), expect_disjoint(env, dx, w);
  conv2d_backward_data(dx.data, dy.data, w.data, c.g);
  return env.Undefined();
}

Napi::Value Conv2dBackwardWeight(const Napi::CallbackInfo& info) {
  expect_args(info, 5, "conv2dBackwardWeight(dweight, dbias, dy, x, geometry)");
  auto env = info.Env();
  const Checked c = geometry(info, 4);  // runs getters: before any view is taken (args.h)
  auto dw = f32_arg(info, 0, "dweight");
  auto db = f32_or_null_arg(info, 1, "dbias");
  auto dy = f32_arg(info, 2, "dy");
  auto x = f32_arg(info, 3, "x");
  expect_length(env, dw, c.w_size);
  if (db.present) expect_length(env, db, c.g.k);
  expect_length(env, dy, c.out_size);
  expect_length(env, x, c.x_size);
  expect_disjoint(env, dw, dy), expect_disjoint(env, dw, x);
  if (db.present) {
    expect_disjoint(env, dw, db);
    expect_disjoint(env, db, dy), expect_disjoint(env, db, x);
  }
  conv2d_backward_weight(dw.data, db.present ? db.data : nullptr, dy.data, x.data, c.g);
  return env.Undefined();
}

}  // namespace dn::addon
