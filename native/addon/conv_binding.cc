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

CheckedConv geometry(const Napi::CallbackInfo& info, std::size_t index) {
  return check_fields(info.Env(), options_arg(info, index, "geometry"), check_conv_geometry);
}

}  // namespace

Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  expect_args(info, 5, "conv2dForward(out, x, weight, bias, geometry)");
  auto env = info.Env();
  const CheckedConv c = geometry(info, 4);  // runs getters: before any view is taken (args.h)
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
  const CheckedConv c = geometry(info, 3);  // runs getters: before any view is taken (args.h)
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
  const CheckedConv c = geometry(info, 4);  // runs getters: before any view is taken (args.h)
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
