// Pooling: maxPool2d (with argmax indices for backward), avgPool2d and adaptiveAvgPool2d over
// NCHW tensors. The geometry travels as one object, checked key by key:
//   { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ceilMode }      (max; avg adds countIncludePad,
//   divisorOverride (0 = none) and ignores dh/dw)                  (adaptive: { n, c, h, w, oh, ow })
// Entries (outputs first):
//   maxPool2dForward(out, indices, x, geometry)   maxPool2dBackward(dx, dy, indices, geometry)
//   avgPool2dForward(out, x, geometry)            avgPool2dBackward(dx, dy, geometry)
//   adaptiveAvgPool2dForward(out, x, geometry)    adaptiveAvgPool2dBackward(dx, dy, geometry)
// Output sizes follow PyTorch; an empty output, a padding above half the kernel, or sizes whose
// product overflows is a RangeError before any memory is touched. Threads take whole planes.
#include <string>

#include "../kernels/conv/pool2d.h"
#include "../runtime/thread_pool.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {
namespace {

Napi::Object geometry_arg(const Napi::CallbackInfo& info, std::size_t index) {
  return options_arg(info, index, "geometry");
}

dn_pool2d_geometry windowed(Napi::Env env, const Napi::Object& o, bool dilated) {
  return check_fields(env, o, [dilated](const FieldReader& read) { return check_pool_geometry(read, dilated, false); });
}

dn_pool2d_geometry adaptive(Napi::Env env, const Napi::Object& o) {
  return check_fields(env, o, check_adaptive_geometry);
}

template <class F>
void by_plane(const dn_pool2d_geometry& g, F&& f) {
  // A plane is the unit of work; small tensors stay on the calling thread.
  const std::size_t per_plane = g.h * g.w + g.oh * g.ow;
  const std::size_t grain = per_plane >= (1 << 14) ? 1 : ((1 << 14) + per_plane - 1) / per_plane;
  parallel_range(g.planes, grain, 1, f);
}

}  // namespace

Napi::Value MaxPool2dForward(const Napi::CallbackInfo& info) {
  expect_args(info, 4, "maxPool2dForward(out, indices, x, geometry)");
  auto env = info.Env();
  const dn_pool2d_geometry g = windowed(env, geometry_arg(info, 3), true);  // getters run before any view
  auto out = f32_arg(info, 0, "out");
  auto idx = i32_arg(info, 1, "indices");
  auto x = f32_arg(info, 2, "x");
  expect_length(env, x, g.planes * g.h * g.w);
  expect_length(env, out, g.planes * g.oh * g.ow);
  expect_length(env, idx, g.planes * g.oh * g.ow);
  DN_THROW_RANGE_IF(g.h * g.w > 2147483647u, env, "Expected h * w to fit int32 indices but it is ", g.h * g.w);
  expect_disjoint(env, out, x), expect_disjoint(env, idx, x), expect_disjoint(env, out, idx);
  by_plane(g, [&](std::size_t b, std::size_t e) { dn_maxpool2d_forward(out.data, idx.data, x.data, &g, b, e); });
  return env.Undefined();
}

Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info) {
  expect_args(info, 4, "maxPool2dBackward(dx, dy, indices, geometry)");
  auto env = info.Env();
  const dn_pool2d_geometry g = windowed(env, geometry_arg(info, 3), true);  // getters run before any view
  auto dx = f32_arg(info, 0, "dx");
  auto dy = f32_arg(info, 1, "dy");
  auto idx = i32_arg(info, 2, "indices");
  expect_length(env, dx, g.planes * g.h * g.w);
  expect_length(env, dy, g.planes * g.oh * g.ow);
  expect_length(env, idx, g.planes * g.oh * g.ow);
  expect_disjoint(env, dx, dy), expect_disjoint(env, dx, idx);
  // The kernel skips indices outside the plane, so hostile indices cannot write out of bounds.
  by_plane(g, [&](std::size_t b, std::size_t e) { dn_maxpool2d_backward(dx.data, dy.data, idx.data, &g, b, e); });
  return env.Undefined();
}

namespace {

dn_pool2d_geometry avg_geometry(Napi::Env env, const Napi::Object& o) {
  return check_fields(env, o, [](const FieldReader& read) { return check_pool_geometry(read, false, true); });
}

}  // namespace

namespace {

using GeometryReader = dn_pool2d_geometry (*)(Napi::Env, const Napi::Object&);
using PlaneKernel = void (*)(float*, const float*, const dn_pool2d_geometry*, std::size_t, std::size_t);

// The avg and adaptive-avg entries: (written, read, geometry). Forward writes the pooled
// (output-sized) array from the input-sized one; backward writes the input-sized gradient from
// the output-sized one. The input-sized array's length is checked first, as in the reference.
Napi::Value pool_pass(const Napi::CallbackInfo& info, const char* signature, const char* written_name,
                      const char* read_name, bool forward, GeometryReader read_geometry, PlaneKernel kernel) {
  expect_args(info, 3, signature);
  auto env = info.Env();
  const dn_pool2d_geometry g = read_geometry(env, geometry_arg(info, 2));  // getters run before any view
  auto written = f32_arg(info, 0, written_name);
  auto read = f32_arg(info, 1, read_name);
  const std::size_t in_size = g.planes * g.h * g.w, out_size = g.planes * g.oh * g.ow;
  expect_length(env, forward ? read : written, in_size);
  expect_length(env, forward ? written : read, out_size);
  expect_disjoint(env, written, read);
  by_plane(g, [&](std::size_t b, std::size_t e) { kernel(written.data, read.data, &g, b, e); });
  return env.Undefined();
}

}  // namespace

Napi::Value AvgPool2dForward(const Napi::CallbackInfo& info) {
  return pool_pass(info, "avgPool2dForward(out, x, geometry)", "out", "x", true, avg_geometry, dn_avgpool2d_forward);
}

Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info) {
  return pool_pass(info, "avgPool2dBackward(dx, dy, geometry)", "dx", "dy", false, avg_geometry, dn_avgpool2d_backward);
}

Napi::Value AdaptiveAvgPool2dForward(const Napi::CallbackInfo& info) {
  return pool_pass(info, "adaptiveAvgPool2dForward(out, x, geometry)", "out", "x", true, adaptive,
                   dn_adaptive_avgpool2d_forward);
}

Napi::Value AdaptiveAvgPool2dBackward(const Napi::CallbackInfo& info) {
  return pool_pass(info, "adaptiveAvgPool2dBackward(dx, dy, geometry)", "dx", "dy", false, adaptive,
                   dn_adaptive_avgpool2d_backward);
}

}  // namespace dn::addon
