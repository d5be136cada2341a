// Sparse variational dropout's fused per-weight pass and the local reparameterisation's noise
// pass (native/kernels/vdo/vdo.h). Signatures (outputs first, count last; the same on the
// reference backend):
//   sparseVd(sigma2, logAlpha, dLogSigma2, dWeight, weight, logSigma2, withKl, n) -> number
//     Each output is a Float32Array or null (not computed); dLogSigma2 and dWeight are both given
//     or both null. Returns Σ KL over the n weights when withKl, else 0. Outputs overlap nothing.
//     Single-threaded: one streaming read of two arrays, a fraction of a GEMM's cost.
//   lrtNoise(out, half, mean, variance, seed, offset, n)
//     out = mean + sqrt(variance + 1e-8)·ε, half = ε / (2·sqrt(variance + 1e-8)), ε the normal
//     draws of randnFill(…, seed, offset, n)'s pairs. out and half overlap nothing; mean and
//     variance may be the same array. Split over the pool on whole pairs.
//   kingmaVd(variance, dVarDWeight, dVarDLogAlpha, dKlDLogAlpha, weight, logAlpha, withKl, n) -> number
//     Each output is a Float32Array or null; weight may be null when the first three outputs are.
//     Returns Σ −poly (Kingma's KL without its constant) when withKl, else 0. Single-threaded.
//   concreteDropout(out, keep, dKeep, x, p, temperature, seed, offset, masks, inner)
//     Concrete dropout's relaxed mask: masks values from the Philox draws at offset .. offset +
//     masks − 1, each scaling `inner` consecutive elements of x into out; keep and dKeep (masks
//     each) hold (1 − z)/(1 − p) and its derivative in p. p in (0, 1), temperature > 0. The
//     outputs overlap nothing. Split over the pool on mask values.
//   concreteDropoutBackward(gx, g, x, keep, dKeep, withDp, masks, inner) -> number
//     gx = g·keep (gx may be null); returns Σ g·x·dKeep (the gradient in p) when withDp, else 0.
#include <limits>

#include "../kernels/vdo/vdo.h"
#include "../kernels/vdo/vdo_driver.h"
#include "../runtime/dispatch.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {

Napi::Value SparseVd(const Napi::CallbackInfo& info) {
  expect_args(info, 8, "sparseVd(sigma2, logAlpha, dLogSigma2, dWeight, weight, logSigma2, withKl, n)");
  auto env = info.Env();
  // The plain arguments first, then the typed-array views.
  const bool with_kl = bool_arg(info, 6, "withKl");
  const std::size_t n = size_arg(info, 7, "n");
  auto sigma2 = f32_or_null_arg(info, 0, "sigma2");
  auto log_alpha = f32_or_null_arg(info, 1, "logAlpha");
  auto dls = f32_or_null_arg(info, 2, "dLogSigma2");
  auto dw = f32_or_null_arg(info, 3, "dWeight");
  auto w = f32_arg(info, 4, "weight");
  auto ls = f32_arg(info, 5, "logSigma2");
  DN_THROW_TYPE_IF(dls.present != dw.present, env,
                   "Expected dLogSigma2 and dWeight to be both Float32Array or both null but received ",
                   dls.present ? "Float32Array" : "null", " and ", dw.present ? "Float32Array" : "null");
  expect_length(env, w, n), expect_length(env, ls, n);
  const OptF32View* outs[] = {&sigma2, &log_alpha, &dls, &dw};
  for (std::size_t i = 0; i < 4; ++i) {
    const OptF32View& o = *outs[i];
    if (!o.present) continue;
    expect_length(env, o, n);
    expect_disjoint(env, o, w), expect_disjoint(env, o, ls);
    for (std::size_t j = i + 1; j < 4; ++j) {
      if (outs[j]->present) expect_disjoint(env, o, *outs[j]);
    }
  }
  double kl = 0.0;
  dn_vdo_sparse_args a{};
  a.w = w.data;
  a.ls = ls.data;
  a.n = n;
  a.sigma2 = sigma2.present ? sigma2.data : nullptr;
  a.log_alpha = log_alpha.present ? log_alpha.data : nullptr;
  a.dls = dls.present ? dls.data : nullptr;
  a.dw = dw.present ? dw.data : nullptr;
  a.kl = with_kl ? &kl : nullptr;
  if (n > 0) active().vdo_sparse(&a);
  return Napi::Number::New(env, kl);
}

Napi::Value LrtNoise(const Napi::CallbackInfo& info) {
  expect_args(info, 7, "lrtNoise(out, half, mean, variance, seed, offset, n)");
  auto env = info.Env();
  // The plain arguments first, then the typed-array views.
  const std::uint64_t seed = u64_arg(info, 4, "seed");
  const std::size_t offset = size_arg(info, 5, "offset");
  const std::size_t n = size_arg(info, 6, "n");
  auto out = f32_arg(info, 0, "out");
  auto half = f32_arg(info, 1, "half");
  auto mean = f32_arg(info, 2, "mean");
  auto var = f32_arg(info, 3, "variance");
  expect_length(env, out, n), expect_length(env, half, n);
  expect_length(env, mean, n), expect_length(env, var, n);
  expect_disjoint(env, out, half);
  expect_disjoint(env, out, mean), expect_disjoint(env, out, var);
  expect_disjoint(env, half, mean), expect_disjoint(env, half, var);
  if (n > 0) vdo_lrt_noise(out.data, half.data, mean.data, var.data, n, seed, offset);
  return env.Undefined();
}

Napi::Value KingmaVd(const Napi::CallbackInfo& info) {
  expect_args(info, 8, "kingmaVd(variance, dVarDWeight, dVarDLogAlpha, dKlDLogAlpha, weight, logAlpha, withKl, n)");
  auto env = info.Env();
  const bool with_kl = bool_arg(info, 6, "withKl");
  const std::size_t n = size_arg(info, 7, "n");
  auto var = f32_or_null_arg(info, 0, "variance");
  auto dvar_dw = f32_or_null_arg(info, 1, "dVarDWeight");
  auto dvar_dla = f32_or_null_arg(info, 2, "dVarDLogAlpha");
  auto dkl = f32_or_null_arg(info, 3, "dKlDLogAlpha");
  auto w = f32_or_null_arg(info, 4, "weight");
  auto la = f32_arg(info, 5, "logAlpha");
  const bool wants_w = var.present || dvar_dw.present || dvar_dla.present;
  DN_THROW_TYPE_IF(wants_w && !w.present, env,
                   "Expected weight to be a Float32Array (a variance output is asked for) but received null");
  expect_length(env, la, n);
  if (w.present) expect_length(env, w, n);
  const OptF32View* outs[] = {&var, &dvar_dw, &dvar_dla, &dkl};
  for (std::size_t i = 0; i < 4; ++i) {
    const OptF32View& o = *outs[i];
    if (!o.present) continue;
    expect_length(env, o, n);
    expect_disjoint(env, o, la);
    if (w.present) expect_disjoint(env, o, w);
    for (std::size_t j = i + 1; j < 4; ++j) {
      if (outs[j]->present) expect_disjoint(env, o, *outs[j]);
    }
  }
  double kl = 0.0;
  dn_vdo_kingma_args a{};
  a.w = w.present ? w.data : nullptr;
  a.la = la.data;
  a.n = n;
  a.var = var.present ? var.data : nullptr;
  a.dvar_dw = dvar_dw.present ? dvar_dw.data : nullptr;
  a.dvar_dla = dvar_dla.present ? dvar_dla.data : nullptr;
  a.dkl = dkl.present ? dkl.data : nullptr;
  a.kl = with_kl ? &kl : nullptr;
  if (n > 0) active().vdo_kingma(&a);
  return Napi::Number::New(env, kl);
}

namespace {

double open_unit_arg(const Napi::CallbackInfo& info, std::size_t index, const char* name) {
  const double v = finite_arg(info, index, name, 0, 1);
  DN_THROW_RANGE_IF(!(v > 0 && v < 1), info.Env(), "Expected ", name, " to be a number in (0, 1) but received ", v);
  return v;
}

}  // namespace

Napi::Value ConcreteDropout(const Napi::CallbackInfo& info) {
  expect_args(info, 10, "concreteDropout(out, keep, dKeep, x, p, temperature, seed, offset, masks, inner)");
  auto env = info.Env();
  // The plain arguments first, then the typed-array views.
  const double p = open_unit_arg(info, 4, "p");
  const double t = number_arg(info, 5, "temperature");
  DN_THROW_RANGE_IF(!(t > 0 && t < std::numeric_limits<double>::infinity()), env,
                    "Expected temperature to be a finite number > 0 but received ", t);
  const std::uint64_t seed = u64_arg(info, 6, "seed");
  const std::size_t offset = size_arg(info, 7, "offset");
  const std::size_t masks = size_arg(info, 8, "masks");
  const std::size_t inner = size_arg(info, 9, "inner");
  const std::size_t n = checked_mul(env, masks, inner, "masks * inner");
  auto out = f32_arg(info, 0, "out");
  auto keep = f32_arg(info, 1, "keep");
  auto dkeep = f32_arg(info, 2, "dKeep");
  auto x = f32_arg(info, 3, "x");
  expect_length(env, out, n), expect_length(env, x, n);
  expect_length(env, keep, masks), expect_length(env, dkeep, masks);
  expect_disjoint(env, out, keep), expect_disjoint(env, out, dkeep), expect_disjoint(env, keep, dkeep);
  expect_disjoint(env, out, x), expect_disjoint(env, keep, x), expect_disjoint(env, dkeep, x);
  if (n > 0) vdo_concrete(out.data, keep.data, dkeep.data, x.data, masks, inner, p, t, seed, offset);
  return env.Undefined();
}

Napi::Value ConcreteDropoutBackward(const Napi::CallbackInfo& info) {
  expect_args(info, 8, "concreteDropoutBackward(gx, g, x, keep, dKeep, withDp, masks, inner)");
  auto env = info.Env();
  const bool with_dp = bool_arg(info, 5, "withDp");
  const std::size_t masks = size_arg(info, 6, "masks");
  const std::size_t inner = size_arg(info, 7, "inner");
  const std::size_t n = checked_mul(env, masks, inner, "masks * inner");
  auto gx = f32_or_null_arg(info, 0, "gx");
  auto g = f32_arg(info, 1, "g");
  auto x = f32_arg(info, 2, "x");
  auto keep = f32_arg(info, 3, "keep");
  auto dkeep = f32_arg(info, 4, "dKeep");
  expect_length(env, g, n), expect_length(env, x, n);
  expect_length(env, keep, masks), expect_length(env, dkeep, masks);
  if (gx.present) {
    expect_length(env, gx, n);
    expect_disjoint(env, gx, g), expect_disjoint(env, gx, x);
    expect_disjoint(env, gx, keep), expect_disjoint(env, gx, dkeep);
  }
  double dp = 0.0;
  if (n > 0 && (gx.present || with_dp)) {
    dp =
        vdo_concrete_grad(gx.present ? gx.data : nullptr, g.data, x.data, keep.data, dkeep.data, masks, inner, with_dp);
  }
  return Napi::Number::New(env, dp);
}

}  // namespace dn::addon
