// Losses: the fused softmax cross-entropy with class-index targets.
//   softmaxCrossEntropy(loss, dlogits, wsum, logits, targets, weight | null, rows, classes, labelSmoothing,
//   ignoreIndex)
// loss and wsum: rows floats; dlogits, logits: rows * classes; targets: Int32Array of rows class
// indices in [0, classes) or equal to ignoreIndex (anything else is a RangeError naming the row).
#include "../kernels/loss/softmax_xent.h"
#include "../runtime/thread_pool.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {

Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info) {
  expect_args(
      info, 10,
      "softmaxCrossEntropy(loss, dlogits, wsum, logits, targets, weight, rows, classes, labelSmoothing, ignoreIndex)");
  auto env = info.Env();
  auto loss = f32_arg(info, 0, "loss");
  auto dlogits = f32_arg(info, 1, "dlogits");
  auto wsum = f32_arg(info, 2, "wsum");
  auto logits = f32_arg(info, 3, "logits");
  auto targets = i32_arg(info, 4, "targets");
  auto weight = f32_or_null_arg(info, 5, "weight");
  const std::size_t rows = size_arg(info, 6, "rows");
  const auto classes = static_cast<std::size_t>(int_arg(info, 7, "classes", 1, 2147483647.0));
  const double smoothing = finite_arg(info, 8, "labelSmoothing", 0, 1);
  const auto ignore = static_cast<std::int32_t>(int_arg(info, 9, "ignoreIndex", -2147483648.0, 2147483647.0));
  const std::size_t total = checked_mul(env, rows, classes, "rows * classes");
  expect_length(env, loss, rows), expect_length(env, wsum, rows), expect_length(env, targets, rows);
  expect_length(env, dlogits, total), expect_length(env, logits, total);
  if (weight.present) expect_length(env, weight, classes);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::int32_t y = targets.data[r];
    DN_THROW_RANGE_IF(y != ignore && (y < 0 || static_cast<std::size_t>(y) >= classes), env,
                      "Expected class index in [0, ", classes - 1, "] for targets[", r, "] but received ", y,
                      " of type number");
  }
  expect_disjoint(env, dlogits, logits), expect_disjoint(env, loss, logits), expect_disjoint(env, wsum, logits);
  expect_disjoint(env, loss, dlogits), expect_disjoint(env, wsum, dlogits), expect_disjoint(env, loss, wsum);
  const std::size_t grain = classes >= 4096 ? 1 : 4096 / classes;
  parallel_range(rows, grain, 1, [&](std::size_t b, std::size_t e) {
    dn_softmax_xent_forward_backward(loss.data, dlogits.data, wsum.data, logits.data, targets.data,
                                     weight.present ? weight.data : nullptr, classes, static_cast<float>(smoothing),
                                     ignore, b, e);
  });
  return env.Undefined();
}

}  // namespace dn::addon
