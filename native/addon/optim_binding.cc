// Optimizer steps and the sum of squares for gradient clipping. Signatures (buffers updated in
// place first, then the gradient, hyperparameters, and the count last):
//   sgdStep(param, momentumBuffer | null, grad, lr, weightDecay, momentum, dampening, nesterov, maximize, init, n)
//   adamStep(param, m, v, vmax | null, grad, lr, beta1, beta2, eps, weightDecay, decoupled, step, maximize, n)
//   rmspropStep(param, squareAvg, gradAvg | null, momentumBuffer | null, grad, lr, alpha, eps, weightDecay, momentum,
//   maximize, n) adagradStep(param, sum, grad, lr, lrDecay, weightDecay, eps, step, maximize, n) sumSquares(x, n) ->
//   number
// Step sizes and bias corrections are computed here in double and rounded to float once, as the
// reference backend does. Every buffer must be disjoint from every other.
#include <cmath>
#include <vector>

#include "../kernels/optim/optim.h"
#include "../runtime/thread_pool.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {
namespace {

// Optimizer steps stream 3-5 arrays: below this many elements one thread is faster.
constexpr std::size_t kGrain = 1 << 15;
constexpr double kMaxStep = 9007199254740991.0;

template <class F>
void split(std::size_t n, F&& f) {
  parallel_range(n, kGrain, 16, [&](std::size_t b, std::size_t e) { f(b, e - b); });
}

// A buffer argument: required, or optional and absent (null).
struct Buffer {
  const F32View* view;
  bool present;
};

Buffer req(const F32View& v) { return {&v, true}; }
Buffer opt(const OptF32View& v) { return {&v, v.present}; }

// Every present buffer holds n elements and shares no memory with any other.
void check_buffers(Napi::Env env, std::initializer_list<Buffer> buffers, std::size_t n) {
  for (const Buffer& b : buffers)
    if (b.present) expect_length(env, *b.view, n);
  for (auto a = buffers.begin(); a != buffers.end(); ++a)
    for (auto b = a + 1; b != buffers.end(); ++b)
      if (a->present && b->present) expect_disjoint(env, *a->view, *b->view);
}

float* ptr(OptF32View& v, std::size_t i) { return v.present && v.data != nullptr ? v.data + i : nullptr; }

}  // namespace

Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  expect_args(
      info, 11,
      "sgdStep(param, momentumBuffer, grad, lr, weightDecay, momentum, dampening, nesterov, maximize, init, n)");
  auto env = info.Env();
  auto p = f32_arg(info, 0, "param");
  auto buf = f32_or_null_arg(info, 1, "momentumBuffer");
  auto g = f32_arg(info, 2, "grad");
  dn_sgd_params hp{};
  hp.lr = static_cast<float>(nonneg_arg(info, 3, "lr"));
  hp.weight_decay = static_cast<float>(nonneg_arg(info, 4, "weightDecay"));
  hp.momentum = static_cast<float>(nonneg_arg(info, 5, "momentum"));
  hp.one_minus_dampening = static_cast<float>(1.0 - finite_arg(info, 6, "dampening", 0, 1));
  hp.nesterov = bool_arg(info, 7, "nesterov");
  hp.maximize = bool_arg(info, 8, "maximize");
  hp.init = bool_arg(info, 9, "init");
  const std::size_t n = size_arg(info, 10, "n");
  DN_THROW_TYPE_IF(hp.momentum != 0.0f && !buf.present, env,
                   "Expected Float32Array for momentumBuffer but received null (momentum is not 0)");
  check_buffers(env, {req(p), opt(buf), req(g)}, n);
  split(n, [&](std::size_t i, std::size_t len) { dn_sgd_step(p.data + i, g.data + i, ptr(buf, i), len, &hp); });
  return env.Undefined();
}

Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  expect_args(info, 14,
              "adamStep(param, m, v, vmax, grad, lr, beta1, beta2, eps, weightDecay, decoupled, step, maximize, n)");
  auto env = info.Env();
  auto p = f32_arg(info, 0, "param");
  auto m = f32_arg(info, 1, "m");
  auto v = f32_arg(info, 2, "v");
  auto vmax = f32_or_null_arg(info, 3, "vmax");
  auto g = f32_arg(info, 4, "grad");
  const double lr = nonneg_arg(info, 5, "lr");
  const double beta1 = finite_arg(info, 6, "beta1", 0, 1);
  const double beta2 = finite_arg(info, 7, "beta2", 0, 1);
  const double eps = nonneg_arg(info, 8, "eps");
  const double wd = nonneg_arg(info, 9, "weightDecay");
  const bool decoupled = bool_arg(info, 10, "decoupled");
  const double step = static_cast<double>(int_arg(info, 11, "step", 1, kMaxStep));
  const bool maximize = bool_arg(info, 12, "maximize");
  const std::size_t n = size_arg(info, 13, "n");
  check_buffers(env, {req(p), req(m), req(v), opt(vmax), req(g)}, n);
  dn_adam_params hp{};
  hp.step_size = static_cast<float>(lr / (1.0 - std::pow(beta1, step)));
  hp.bias2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(beta2, step)));
  hp.beta1 = static_cast<float>(beta1);
  hp.one_minus_beta1 = static_cast<float>(1.0 - beta1);
  hp.beta2 = static_cast<float>(beta2);
  hp.one_minus_beta2 = static_cast<float>(1.0 - beta2);
  hp.eps = static_cast<float>(eps);
  hp.weight_decay = static_cast<float>(wd);
  hp.decay = static_cast<float>(1.0 - lr * wd);
  hp.decoupled = decoupled;
  hp.maximize = maximize;
  split(n, [&](std::size_t i, std::size_t len) {
    dn_adam_step(p.data + i, g.data + i, m.data + i, v.data + i, ptr(vmax, i), len, &hp);
  });
  return env.Undefined();
}

Napi::Value RmspropStep(const Napi::CallbackInfo& info) {
  expect_args(info, 12,
              "rmspropStep(param, squareAvg, gradAvg, momentumBuffer, grad, lr, alpha, eps, weightDecay, momentum, "
              "maximize, n)");
  auto env = info.Env();
  auto p = f32_arg(info, 0, "param");
  auto sq = f32_arg(info, 1, "squareAvg");
  auto gavg = f32_or_null_arg(info, 2, "gradAvg");
  auto buf = f32_or_null_arg(info, 3, "momentumBuffer");
  auto g = f32_arg(info, 4, "grad");
  dn_rmsprop_params hp{};
  hp.lr = static_cast<float>(nonneg_arg(info, 5, "lr"));
  const double alpha = finite_arg(info, 6, "alpha", 0, 1);
  hp.alpha = static_cast<float>(alpha);
  hp.one_minus_alpha = static_cast<float>(1.0 - alpha);
  hp.eps = static_cast<float>(nonneg_arg(info, 7, "eps"));
  hp.weight_decay = static_cast<float>(nonneg_arg(info, 8, "weightDecay"));
  hp.momentum = static_cast<float>(nonneg_arg(info, 9, "momentum"));
  hp.maximize = bool_arg(info, 10, "maximize");
  const std::size_t n = size_arg(info, 11, "n");
  check_buffers(env, {req(p), req(sq), opt(gavg), opt(buf), req(g)}, n);
  split(n, [&](std::size_t i, std::size_t len) {
    dn_rmsprop_step(p.data + i, g.data + i, sq.data + i, ptr(gavg, i), ptr(buf, i), len, &hp);
  });
  return env.Undefined();
}

Napi::Value AdagradStep(const Napi::CallbackInfo& info) {
  expect_args(info, 10, "adagradStep(param, sum, grad, lr, lrDecay, weightDecay, eps, step, maximize, n)");
  auto env = info.Env();
  auto p = f32_arg(info, 0, "param");
  auto sum = f32_arg(info, 1, "sum");
  auto g = f32_arg(info, 2, "grad");
  const double lr = nonneg_arg(info, 3, "lr");
  const double lr_decay = nonneg_arg(info, 4, "lrDecay");
  dn_adagrad_params hp{};
  hp.weight_decay = static_cast<float>(nonneg_arg(info, 5, "weightDecay"));
  hp.eps = static_cast<float>(nonneg_arg(info, 6, "eps"));
  const double step = static_cast<double>(int_arg(info, 7, "step", 1, kMaxStep));
  hp.maximize = bool_arg(info, 8, "maximize");
  const std::size_t n = size_arg(info, 9, "n");
  check_buffers(env, {req(p), req(sum), req(g)}, n);
  hp.clr = static_cast<float>(lr / (1.0 + (step - 1.0) * lr_decay));
  split(n, [&](std::size_t i, std::size_t len) { dn_adagrad_step(p.data + i, g.data + i, sum.data + i, len, &hp); });
  return env.Undefined();
}

// Fixed-size chunks summed in order: the result is the same for any thread count.
Napi::Value SumSquares(const Napi::CallbackInfo& info) {
  expect_args(info, 2, "sumSquares(x, n)");
  auto env = info.Env();
  auto x = f32_arg(info, 0, "x");
  const std::size_t n = size_arg(info, 1, "n");
  expect_length(env, x, n);
  constexpr std::size_t kChunk = 1 << 14;
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<double> partial(chunks);
  auto body = [&](std::size_t c) {
    const std::size_t b = c * kChunk;
    partial[c] = dn_sum_squares(x.data + b, (n - b < kChunk) ? n - b : kChunk);
  };
  if (n >= 8 * kChunk)
    parallel_for(chunks, body);
  else
    for (std::size_t c = 0; c < chunks; ++c) body(c);
  double total = 0.0;
  for (double s : partial) total += s;
  return Napi::Number::New(env, total);
}

}  // namespace dn::addon
