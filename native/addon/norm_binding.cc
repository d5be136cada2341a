// Layer normalization (native/kernels/norm/layernorm.h).
//   layerNormForward(y, x, weight, bias, rows, n, eps)
//   layerNormBackward(dx, dweight, dbias, dy, x, weight, rows, n, eps)
// x, y, dy, dx: rows * n floats; weight, bias, dweight, dbias: n floats, or null (weight null
// means 1, bias null 0; a null output is not computed). Outputs must not overlap any array.
// The plain arguments (rows, n, eps) are checked before any typed-array view is taken.
#include <cmath>
#include <vector>

#include "../kernels/norm/layernorm.h"
#include "../runtime/thread_pool.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {

namespace {

struct Dims {
  std::size_t rows;
  std::size_t n;
  double eps;
  std::size_t total;
};

Dims dims_args(const Napi::CallbackInfo& info, std::size_t at) {
  auto env = info.Env();
  Dims d{};
  d.rows = size_arg(info, at, "rows");
  d.n = static_cast<std::size_t>(int_arg(info, at + 1, "n", 1, 2147483647.0));
  d.eps = number_arg(info, at + 2, "eps");
  DN_THROW_RANGE_IF(!(d.eps > 0) || !std::isfinite(d.eps), env, "Expected positive finite number for eps but received ",
                    describe(info[at + 2]));
  d.total = checked_mul(env, d.rows, d.n, "rows * n");
  return d;
}

// Rows per task: about 16k elements, at least one row.
std::size_t row_grain(std::size_t n) { return n >= 16384 ? 1 : 16384 / n; }

}  // namespace

Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  expect_args(info, 7, "layerNormForward(y, x, weight, bias, rows, n, eps)");
  auto env = info.Env();
  const Dims d = dims_args(info, 4);
  auto y = f32_arg(info, 0, "y");
  auto x = f32_arg(info, 1, "x");
  auto weight = f32_or_null_arg(info, 2, "weight");
  auto bias = f32_or_null_arg(info, 3, "bias");
  expect_length(env, y, d.total), expect_length(env, x, d.total);
  if (weight.present) expect_length(env, weight, d.n), expect_disjoint(env, y, weight);
  if (bias.present) expect_length(env, bias, d.n), expect_disjoint(env, y, bias);
  expect_disjoint(env, y, x);
  parallel_range(d.rows, row_grain(d.n), 1, [&](std::size_t b, std::size_t e) {
    dn_layernorm_forward(y.data, x.data, weight.present ? weight.data : nullptr, bias.present ? bias.data : nullptr,
                         d.n, d.eps, b, e);
  });
  return env.Undefined();
}

Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  expect_args(info, 9, "layerNormBackward(dx, dweight, dbias, dy, x, weight, rows, n, eps)");
  auto env = info.Env();
  const Dims d = dims_args(info, 6);
  auto dx = f32_or_null_arg(info, 0, "dx");
  auto dweight = f32_or_null_arg(info, 1, "dweight");
  auto dbias = f32_or_null_arg(info, 2, "dbias");
  auto dy = f32_arg(info, 3, "dy");
  auto x = f32_arg(info, 4, "x");
  auto weight = f32_or_null_arg(info, 5, "weight");
  expect_length(env, dy, d.total), expect_length(env, x, d.total);
  if (weight.present) expect_length(env, weight, d.n);
  const F32View* outs[3] = {dx.present ? &dx : nullptr, dweight.present ? &dweight : nullptr,
                            dbias.present ? &dbias : nullptr};
  if (dx.present) expect_length(env, dx, d.total);
  if (dweight.present) expect_length(env, dweight, d.n);
  if (dbias.present) expect_length(env, dbias, d.n);
  for (int i = 0; i < 3; ++i) {
    if (outs[i] == nullptr) continue;
    expect_disjoint(env, *outs[i], dy), expect_disjoint(env, *outs[i], x);
    if (weight.present) expect_disjoint(env, *outs[i], weight);
    for (int k = i + 1; k < 3; ++k) {
      if (outs[k] != nullptr) expect_disjoint(env, *outs[i], *outs[k]);
    }
  }
  std::vector<double> mean(d.rows), rstd(d.rows);
  const std::size_t grain = row_grain(d.n);
  parallel_range(d.rows, grain, 1, [&](std::size_t b, std::size_t e) {
    dn_layernorm_stats(mean.data(), rstd.data(), x.data, d.n, d.eps, b, e);
  });
  if (dx.present) {
    parallel_range(d.rows, grain, 1, [&](std::size_t b, std::size_t e) {
      dn_layernorm_backward_data(dx.data, dy.data, x.data, weight.present ? weight.data : nullptr, mean.data(),
                                 rstd.data(), d.n, b, e);
    });
  }
  if (dweight.present || dbias.present) {
    // Columns split across threads; each column sums its rows in order, so the split does not matter.
    const std::size_t col_grain = d.rows >= 4096 ? 16 : 65536 / (d.rows + 1) + 16;
    parallel_range(d.n, col_grain, 16, [&](std::size_t b, std::size_t e) {
      dn_layernorm_backward_params(dweight.present ? dweight.data : nullptr, dbias.present ? dbias.data : nullptr,
                                   dy.data, x.data, mean.data(), rstd.data(), d.rows, d.n, b, e);
    });
  }
  return env.Undefined();
}

}  // namespace dn::addon
