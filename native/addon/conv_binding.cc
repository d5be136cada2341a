// Convolution: conv2d forward, backward-data and backward-weight (+ bias) over NCHW tensors with
// OIHW weights. The geometry travels as one object, checked key by key exactly as
// lib/backend/conv-geometry.ts checks it (same messages):
//   { n, c, h, w, k, kh, kw, sh, sw, pt, pb, pl, pr, dh, dw, groups }
// Entries (outputs first):
//   conv2dForward(out, x, weight, bias | null, geometry)
//   conv2dBackwardData(dx, dy, weight, geometry)
//   conv2dBackwardWeight(dweight, dbias | null, dy, x, geometry)
//   convPlan(geometry) -> { forward, backwardData, backwardWeight }: the algorithm names the
//     planner (native/kernels/conv/conv_plan.h) picks on the active ISA
//   convLastRun() -> the same for the algorithms this thread's last calls ran (null before any)
//   setConvAlgo(spec) -> spec normalised: the override DROPNET_CONV_ALGO sets ("" for none)
// An override that cannot run a geometry, or an unknown name, is a RangeError.
// Bad geometry (sizes < 1, negative padding, channels not divisible by groups, an empty output,
// products that overflow) is a RangeError before any memory is touched.
#include <stdexcept>
#include <string>

#include "../kernels/conv/conv2d.h"
#include "../kernels/conv/conv_plan.h"
#include "../runtime/dispatch.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {
namespace {

CheckedConv geometry(const Napi::CallbackInfo& info, std::size_t index) {
  return check_fields(info.Env(), options_arg(info, index, "geometry"), check_conv_geometry);
}

// The algorithm each pass last ran on this thread, -1 before any.
thread_local int last_run[kConvPassCount] = {-1, -1, -1};

ConvAlgo plan(Napi::Env env, ConvPass pass, const ConvGeometry& g, const KernelTable& kt) {
  try {
    return conv_plan(pass, g, kt);
  } catch (const std::invalid_argument& e) {
    throw Napi::RangeError::New(env, e.what());
  }
}

void ran(ConvPass pass, ConvAlgo a) { last_run[static_cast<int>(pass)] = static_cast<int>(a); }

Napi::Object by_pass(Napi::Env env, const int (&algo)[kConvPassCount]) {
  Napi::Object o = Napi::Object::New(env);
  const char* keys[kConvPassCount] = {"forward", "backwardData", "backwardWeight"};
  for (int i = 0; i < kConvPassCount; ++i)
    o.Set(keys[i], algo[i] < 0 ? env.Null() : Napi::String::New(env, conv_algo_name(static_cast<ConvAlgo>(algo[i]))));
  return o;
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
  const KernelTable& kt = active();  // one table for the whole call
  const ConvAlgo a = plan(env, ConvPass::forward, c.g, kt);
  ran(ConvPass::forward, conv2d_forward(out.data, x.data, w.data, b.present ? b.data : nullptr, c.g, kt, a));
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
  const KernelTable& kt = active();  // one table for the whole call
  const ConvAlgo a = plan(env, ConvPass::backward_data, c.g, kt);
  ran(ConvPass::backward_data, conv2d_backward_data(dx.data, dy.data, w.data, c.g, kt, a));
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
  const KernelTable& kt = active();  // one table for the whole call
  const ConvAlgo a = plan(env, ConvPass::backward_weight, c.g, kt);
  ran(ConvPass::backward_weight,
      conv2d_backward_weight(dw.data, db.present ? db.data : nullptr, dy.data, x.data, c.g, kt, a));
  return env.Undefined();
}

Napi::Value ConvPlan(const Napi::CallbackInfo& info) {
  expect_args(info, 1, "convPlan(geometry)");
  auto env = info.Env();
  const CheckedConv c = geometry(info, 0);
  const KernelTable& kt = active();
  int algo[kConvPassCount];
  for (int i = 0; i < kConvPassCount; ++i) algo[i] = static_cast<int>(plan(env, static_cast<ConvPass>(i), c.g, kt));
  return by_pass(env, algo);
}

Napi::Value ConvLastRun(const Napi::CallbackInfo& info) {
  expect_args(info, 0, "convLastRun()");
  return by_pass(info.Env(), last_run);
}

Napi::Value SetConvAlgo(const Napi::CallbackInfo& info) {
  expect_args(info, 1, "setConvAlgo(spec)");
  const std::string spec = string_arg(info, 0, "spec");
  try {
    return Napi::String::New(info.Env(), set_conv_algo_override(spec));
  } catch (const std::invalid_argument& e) {
    throw Napi::RangeError::New(info.Env(), e.what());
  }
}

}  // namespace dn::addon
