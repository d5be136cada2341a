// Recurrent layers: one layer in one direction, forward and backward through time. The geometry
// travels as one object, read and checked first (exactly as lib/backend/rnn-geometry.ts, same
// messages), because reading its properties may run JavaScript; only then are the typed-array
// views taken, and no JavaScript runs after that:
//   { cell: 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru', steps, batch, inputSize, hiddenSize,
//     projSize, inputMasks, recurrentMasks, reverse }
// Entries (outputs first; the same on the reference backend, lib/backend/reference-rnn.ts):
//   rnnForward(y, hN, cN, workspace, x, wIh, wHh, bIh, bHh, wHr, h0, c0, inputMask,
//              recurrentMask, zoneoutH, zoneoutC, geometry)
//   rnnBackward(dx, dh0, dc0, dwIh, dwHh, dbIh, dbHh, dwHr, dy, dhN, dcN, x, wIh, wHh, wHr, h0,
//               c0, y, workspace, inputMask, recurrentMask, zoneoutH, zoneoutC, geometry)
// Arrays that a geometry does not use (cN, c0, wHr, masks) must be null; sizes are in
// native/kernels/rnn/rnn.h. Outputs overlap nothing.
#include <string>
#include <utility>
#include <vector>

#include "../kernels/rnn/rnn.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {
namespace {

constexpr double kMaxDim = 2147483647.0;

std::size_t prop(Napi::Env env, const Napi::Object& o, const char* key, double lo, double hi = kMaxDim) {
  const std::string name = concat("geometry.", key);
  const Napi::Value v = o.Get(key);
  const std::string expected =
      concat("integer in [", static_cast<long long>(lo), ", ", static_cast<long long>(hi), "]");
  DN_THROW_TYPE_IF(!v.IsNumber(), env, "Expected ", expected, " for ", name, " but received ", describe(v));
  const double d = v.As<Napi::Number>().DoubleValue();
  DN_THROW_RANGE_IF(!(d >= lo && d <= hi) || static_cast<double>(static_cast<long long>(d)) != d, env, "Expected ",
                    expected, " for ", name, " but received ", describe(v));
  return static_cast<std::size_t>(d);
}

RnnShape geometry(const Napi::CallbackInfo& info, std::size_t index) {
  auto env = info.Env();
  const Napi::Value v = index < info.Length() ? info[index] : env.Undefined();
  DN_THROW_TYPE_IF(!v.IsObject() || v.IsArray() || v.IsTypedArray() || v.IsFunction(), env,
                   "Expected geometry object for geometry but received ", describe(v));
  const auto o = v.As<Napi::Object>();
  const char* cells = "one of rnn_tanh, rnn_relu, lstm, gru";
  const Napi::Value cv = o.Get("cell");
  DN_THROW_TYPE_IF(!cv.IsString(), env, "Expected ", cells, " for geometry.cell but received ", describe(cv));
  const std::string c = cv.As<Napi::String>().Utf8Value();
  RnnShape s{};
  if (c == "rnn_tanh")
    s.cell = RnnCell::rnn_tanh;
  else if (c == "rnn_relu")
    s.cell = RnnCell::rnn_relu;
  else if (c == "lstm")
    s.cell = RnnCell::lstm;
  else if (c == "gru")
    s.cell = RnnCell::gru;
  else
    DN_THROW_RANGE_IF(true, env, "Expected ", cells, " for geometry.cell but received ", describe(cv));
  const std::size_t gates = s.gates();
  s.steps = prop(env, o, "steps", 1);
  s.batch = prop(env, o, "batch", 1);
  s.input = prop(env, o, "inputSize", 1);
  s.hidden = prop(env, o, "hiddenSize", 1);
  s.proj = prop(env, o, "projSize", 0, s.cell == RnnCell::lstm ? static_cast<double>(s.hidden) - 1 : 0);
  s.in_masks = prop(env, o, "inputMasks", 0, static_cast<double>(gates));
  s.rec_masks = prop(env, o, "recurrentMasks", 0, static_cast<double>(gates));
  const std::pair<const char*, std::size_t> counts[] = {{"inputMasks", s.in_masks}, {"recurrentMasks", s.rec_masks}};
  for (const auto& [key, n] : counts) {
    DN_THROW_RANGE_IF(n > 1 && n != gates, env, "Expected 0, 1 or ", gates, " for geometry.", key, " but received ", n,
                      " of type number");
  }
  const Napi::Value rv = o.Get("reverse");
  DN_THROW_TYPE_IF(!rv.IsBoolean(), env, "Expected boolean for geometry.reverse but received ", describe(rv));
  s.reverse = rv.As<Napi::Boolean>().Value();
  const std::size_t tb = checked_mul(env, s.steps, s.batch, "x");
  checked_mul(env, tb, s.input, "x");
  checked_mul(env, tb, s.width(), "workspace");
  checked_mul(env, tb, s.hidden > s.out() ? s.hidden : s.out(), "y");
  checked_mul(env, gates * s.hidden, s.input > s.out() ? s.input : s.out(), "wIh");
  return s;
}

// An array the geometry needs (present) or must not be given (null).
void need(Napi::Env env, bool present, const OptF32View& v, std::size_t length) {
  if (present) {
    DN_THROW_TYPE_IF(!v.present, env, "Expected Float32Array for ", v.name, " but received null");
    expect_length(env, v, length);
  } else {
    DN_THROW_TYPE_IF(v.present, env, "Expected null for ", v.name, " but received Float32Array(", v.length, ")");
  }
}

void optional(Napi::Env env, const OptF32View& v, std::size_t length) {
  if (v.present) expect_length(env, v, length);
}

// Every output disjoint from the other outputs and from every input.
void disjoint_all(Napi::Env env, const std::vector<const F32View*>& outs, const std::vector<const F32View*>& ins) {
  for (std::size_t i = 0; i < outs.size(); i++) {
    if (outs[i]->data == nullptr) continue;
    for (std::size_t j = i + 1; j < outs.size(); j++) {
      if (outs[j]->data != nullptr) expect_disjoint(env, *outs[i], *outs[j]);
    }
    for (const F32View* in : ins) {
      if (in->data != nullptr) expect_disjoint(env, *outs[i], *in);
    }
  }
}

template <class F>
void run(Napi::Env env, F&& f) {
  try {
    f();
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "dropnet: out of memory for the recurrent layer's scratch buffers");
  }
}

}  // namespace

Napi::Value RnnForward(const Napi::CallbackInfo& info) {
  expect_args(
      info, 17,
      "rnnForward(y, hN, cN, workspace, x, wIh, wHh, bIh, bHh, wHr, h0, c0, inputMask, recurrentMask, zoneoutH, "
      "zoneoutC, geometry)");
  auto env = info.Env();
  const RnnShape s = geometry(info, 16);
  // Views from here on: no JavaScript runs.
  auto y = f32_arg(info, 0, "y");
  auto h_n = f32_arg(info, 1, "hN");
  auto c_n = f32_or_null_arg(info, 2, "cN");
  auto ws = f32_arg(info, 3, "workspace");
  auto x = f32_arg(info, 4, "x");
  auto w_ih = f32_arg(info, 5, "wIh");
  auto w_hh = f32_arg(info, 6, "wHh");
  auto b_ih = f32_or_null_arg(info, 7, "bIh");
  auto b_hh = f32_or_null_arg(info, 8, "bHh");
  auto w_hr = f32_or_null_arg(info, 9, "wHr");
  auto h0 = f32_arg(info, 10, "h0");
  auto c0 = f32_or_null_arg(info, 11, "c0");
  auto in_mask = f32_or_null_arg(info, 12, "inputMask");
  auto rec_mask = f32_or_null_arg(info, 13, "recurrentMask");
  auto zone_h = f32_or_null_arg(info, 14, "zoneoutH");
  auto zone_c = f32_or_null_arg(info, 15, "zoneoutC");
  const std::size_t T = s.steps, B = s.batch, I = s.input, H = s.hidden, O = s.out(), G = s.gates();
  const bool lstm = s.cell == RnnCell::lstm;
  expect_length(env, y, T * B * O);
  expect_length(env, h_n, B * O);
  need(env, lstm, c_n, B * H);
  expect_length(env, ws, T * B * s.width());
  expect_length(env, x, T * B * I);
  expect_length(env, w_ih, G * H * I);
  expect_length(env, w_hh, G * H * O);
  optional(env, b_ih, G * H);
  optional(env, b_hh, G * H);
  need(env, s.proj > 0, w_hr, s.proj * H);
  expect_length(env, h0, B * O);
  need(env, lstm, c0, B * H);
  need(env, s.in_masks > 0, in_mask, B * s.in_masks * I);
  need(env, s.rec_masks > 0, rec_mask, B * s.rec_masks * O);
  optional(env, zone_h, T * B * O);
  if (zone_c.present) {
    DN_THROW_TYPE_IF(!lstm, env, "Expected null for zoneoutC but received Float32Array(", zone_c.length, ")");
    expect_length(env, zone_c, T * B * H);
  }
  disjoint_all(env, {&y, &h_n, &c_n, &ws},
               {&x, &w_ih, &w_hh, &b_ih, &b_hh, &w_hr, &h0, &c0, &in_mask, &rec_mask, &zone_h, &zone_c});
  RnnForwardArgs a{y.data,    h_n.data,  c_n.data, ws.data, x.data,       w_ih.data,     w_hh.data,   b_ih.data,
                   b_hh.data, w_hr.data, h0.data,  c0.data, in_mask.data, rec_mask.data, zone_h.data, zone_c.data};
  run(env, [&] { rnn_forward(s, a); });
  return env.Undefined();
}

Napi::Value RnnBackward(const Napi::CallbackInfo& info) {
  expect_args(info, 24,
              "rnnBackward(dx, dh0, dc0, dwIh, dwHh, dbIh, dbHh, dwHr, dy, dhN, dcN, x, wIh, wHh, wHr, h0, c0, y, "
              "workspace, inputMask, recurrentMask, zoneoutH, zoneoutC, geometry)");
  auto env = info.Env();
  const RnnShape s = geometry(info, 23);
  // Views from here on: no JavaScript runs.
  auto dx = f32_arg(info, 0, "dx");
  auto dh0 = f32_arg(info, 1, "dh0");
  auto dc0 = f32_or_null_arg(info, 2, "dc0");
  auto dw_ih = f32_arg(info, 3, "dwIh");
  auto dw_hh = f32_arg(info, 4, "dwHh");
  auto db_ih = f32_or_null_arg(info, 5, "dbIh");
  auto db_hh = f32_or_null_arg(info, 6, "dbHh");
  auto dw_hr = f32_or_null_arg(info, 7, "dwHr");
  auto dy = f32_arg(info, 8, "dy");
  auto dh_n = f32_arg(info, 9, "dhN");
  auto dc_n = f32_or_null_arg(info, 10, "dcN");
  auto x = f32_arg(info, 11, "x");
  auto w_ih = f32_arg(info, 12, "wIh");
  auto w_hh = f32_arg(info, 13, "wHh");
  auto w_hr = f32_or_null_arg(info, 14, "wHr");
  auto h0 = f32_arg(info, 15, "h0");
  auto c0 = f32_or_null_arg(info, 16, "c0");
  auto y = f32_arg(info, 17, "y");
  auto ws = f32_arg(info, 18, "workspace");
  auto in_mask = f32_or_null_arg(info, 19, "inputMask");
  auto rec_mask = f32_or_null_arg(info, 20, "recurrentMask");
  auto zone_h = f32_or_null_arg(info, 21, "zoneoutH");
  auto zone_c = f32_or_null_arg(info, 22, "zoneoutC");
  const std::size_t T = s.steps, B = s.batch, I = s.input, H = s.hidden, O = s.out(), G = s.gates();
  const bool lstm = s.cell == RnnCell::lstm;
  const bool proj = s.proj > 0;
  expect_length(env, dx, T * B * I);
  expect_length(env, dh0, B * O);
  need(env, lstm, dc0, B * H);
  expect_length(env, dw_ih, G * H * I);
  expect_length(env, dw_hh, G * H * O);
  optional(env, db_ih, G * H);
  optional(env, db_hh, G * H);
  need(env, proj, dw_hr, s.proj * H);
  expect_length(env, dy, T * B * O);
  expect_length(env, dh_n, B * O);
  need(env, lstm, dc_n, B * H);
  expect_length(env, x, T * B * I);
  expect_length(env, w_ih, G * H * I);
  expect_length(env, w_hh, G * H * O);
  need(env, proj, w_hr, s.proj * H);
  expect_length(env, h0, B * O);
  need(env, lstm, c0, B * H);
  expect_length(env, y, T * B * O);
  expect_length(env, ws, T * B * s.width());
  need(env, s.in_masks > 0, in_mask, B * s.in_masks * I);
  need(env, s.rec_masks > 0, rec_mask, B * s.rec_masks * O);
  optional(env, zone_h, T * B * O);
  if (zone_c.present) {
    DN_THROW_TYPE_IF(!lstm, env, "Expected null for zoneoutC but received Float32Array(", zone_c.length, ")");
    expect_length(env, zone_c, T * B * H);
  }
  disjoint_all(env, {&dx, &dh0, &dc0, &dw_ih, &dw_hh, &db_ih, &db_hh, &dw_hr},
               {&dy, &dh_n, &dc_n, &x, &w_ih, &w_hh, &w_hr, &h0, &c0, &y, &ws, &in_mask, &rec_mask, &zone_h, &zone_c});
  RnnBackwardArgs a{dx.data, dh0.data,  dc0.data,  dw_ih.data,   dw_hh.data,    db_ih.data,  db_hh.data, dw_hr.data,
                    dy.data, dh_n.data, dc_n.data, x.data,       w_ih.data,     w_hh.data,   w_hr.data,  h0.data,
                    c0.data, y.data,    ws.data,   in_mask.data, rec_mask.data, zone_h.data, zone_c.data};
  run(env, [&] { rnn_backward(s, a); });
  return env.Undefined();
}

}  // namespace dn::addon
