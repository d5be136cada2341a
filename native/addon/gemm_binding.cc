// GEMM: check, view, call one driver entry, return. Same checks, order and texts as
// sgemmChecks / linearForwardChecks in lib/backend/reference.ts.
//   sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)        C updated in place
//   linearForward(out, x, w, bias, batch, inFeatures, outFeatures, activation)
//   gemmLastPath()   "none" | "single_block" | "blocked" | "narrow": how this thread's last product ran
// Nothing here allocates on the success path and small problems never wake the pool, so a
// tiny matmul costs little more than the N-API call itself.
#include <new>
#include <string>

#include "../kernels/gemm/gemm_driver.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {
namespace {

constexpr double kIntMax = 2147483647.0;

// Elements a row-major rows x cols matrix with leading dimension ld spans.
std::size_t matrix_span(Napi::Env env, std::size_t rows, std::size_t cols, std::size_t ld, const char* what) {
  if (rows == 0 || cols == 0) return 0;
  return checked_mul(env, rows - 1, ld, what) + cols;
}

std::size_t at_least_one(std::size_t x) { return x > 0 ? x : 1; }

// The packing workspace is the only allocation; failing it is a JavaScript error, not a crash.
template <class F>
void run(Napi::Env env, F&& f) {
  try {
    f();
  } catch (const std::bad_alloc&) {
    throw Napi::Error::New(env, "dropnet: out of memory for the GEMM packing buffers");
  }
}

}  // namespace

Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  expect_args(info, 13, "sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)");
  auto env = info.Env();
  const bool trans_a = bool_arg(info, 0, "transA");
  const bool trans_b = bool_arg(info, 1, "transB");
  const std::size_t m = size_arg(info, 2, "m", kIntMax);
  const std::size_t n = size_arg(info, 3, "n", kIntMax);
  const std::size_t k = size_arg(info, 4, "k", kIntMax);
  const double alpha = number_arg(info, 5, "alpha");
  const auto a = f32_arg(info, 6, "a");
  const std::size_t a_rows = trans_a ? k : m, a_cols = trans_a ? m : k;
  const auto lda =
      static_cast<std::size_t>(int_arg(info, 7, "lda", static_cast<double>(at_least_one(a_cols)), kIntMax));
  const auto b = f32_arg(info, 8, "b");
  const std::size_t b_rows = trans_b ? n : k, b_cols = trans_b ? k : n;
  const auto ldb =
      static_cast<std::size_t>(int_arg(info, 9, "ldb", static_cast<double>(at_least_one(b_cols)), kIntMax));
  const double beta = number_arg(info, 10, "beta");
  const auto c = f32_arg(info, 11, "c");
  const auto ldc = static_cast<std::size_t>(int_arg(info, 12, "ldc", static_cast<double>(at_least_one(n)), kIntMax));
  // A and B are only read when the product contributes.
  const bool used = m > 0 && n > 0 && k > 0;
  if (used) {
    expect_length(env, a, matrix_span(env, a_rows, a_cols, lda, "a"));
    expect_length(env, b, matrix_span(env, b_rows, b_cols, ldb, "b"));
  }
  expect_length(env, c, matrix_span(env, m, n, ldc, "c"));
  if (used) {
    expect_disjoint(env, c, a);
    expect_disjoint(env, c, b);
  }
  run(env, [&] {
    dn::sgemm(trans_a, trans_b, m, n, k, static_cast<float>(alpha), a.data, lda, b.data, ldb, static_cast<float>(beta),
              c.data, ldc);
  });
  return env.Undefined();
}

Napi::Value LinearForward(const Napi::CallbackInfo& info) {
  expect_args(info, 8, "linearForward(out, x, w, bias, batch, inFeatures, outFeatures, activation)");
  auto env = info.Env();
  const auto out = f32_arg(info, 0, "out");
  const auto x = f32_arg(info, 1, "x");
  const auto w = f32_arg(info, 2, "w");
  const auto bias = f32_or_null_arg(info, 3, "bias");
  const bool has_bias = !info[3].IsNull();
  const std::size_t batch = size_arg(info, 4, "batch", kIntMax);
  const std::size_t in = size_arg(info, 5, "inFeatures", kIntMax);
  const std::size_t outf = size_arg(info, 6, "outFeatures", kIntMax);
  const std::string act_name = string_arg(info, 7, "activation");
  Activation act;
  DN_THROW_RANGE_IF(
      !parse_activation(act_name.c_str(), &act), env,
      "Expected one of none, relu, leaky_relu, sigmoid, tanh, gelu, gelu_tanh for activation but received ",
      describe(info[7]));
  expect_length(env, out, checked_mul(env, batch, outf, "out"));
  expect_length(env, x, checked_mul(env, batch, in, "x"));
  expect_length(env, w, checked_mul(env, outf, in, "w"));
  if (has_bias) expect_length(env, bias, outf);
  expect_disjoint(env, out, x);
  expect_disjoint(env, out, w);
  if (has_bias) expect_disjoint(env, out, bias);
  run(env, [&] { dn::linear_forward(out.data, x.data, w.data, has_bias ? bias.data : nullptr, batch, in, outf, act); });
  return env.Undefined();
}

Napi::Value GemmLastPath(const Napi::CallbackInfo& info) {
  expect_args(info, 0, "gemmLastPath()");
  switch (gemm::last_path()) {
    case GemmPath::single_block:
      return Napi::String::New(info.Env(), "single_block");
    case GemmPath::blocked:
      return Napi::String::New(info.Env(), "blocked");
    case GemmPath::narrow:
      return Napi::String::New(info.Env(), "narrow");
    case GemmPath::none:
      break;
  }
  return Napi::String::New(info.Env(), "none");
}

}  // namespace dn::addon
