// The activations of the GEMM epilogue, and their names.
//
// sigmoid, tanh and both GELUs are evaluated in double precision from the float result and
// rounded once, by this one baseline-ISA function for every ISA: the same bits whichever
// micro-kernel produced the tile, and within half an ulp or so of the reference backend (which
// evaluates the same formulas in double). GELU follows PyTorch: "gelu" is the exact form
// x/2 * (1 + erf(x/sqrt 2)) (nn.GELU's default), "gelu_tanh" is approximate='tanh'.
#include <cmath>
#include <cstring>

#include "gemm.h"
#include "gemm_driver.h"

namespace dn {
namespace {

constexpr const char* kNames[] = {"none", "relu", "leaky_relu", "sigmoid", "tanh", "gelu", "gelu_tanh"};

template <class F>
void for_each(float* c, std::size_t ldc, std::size_t rows, std::size_t cols, F f) {
  for (std::size_t i = 0; i < rows; ++i) {
    float* ci = c + i * ldc;
    for (std::size_t j = 0; j < cols; ++j) ci[j] = f(ci[j]);
  }
}

}  // namespace

const char* activation_name(Activation act) {
  const int i = static_cast<int>(act);
  return i >= 0 && i < static_cast<int>(sizeof(kNames) / sizeof(kNames[0])) ? kNames[i] : "unknown";
}

bool parse_activation(const char* name, Activation* out) {
  for (int i = 0; i < static_cast<int>(sizeof(kNames) / sizeof(kNames[0])); ++i) {
    if (std::strcmp(name, kNames[i]) == 0) {
      *out = static_cast<Activation>(i);
      return true;
    }
  }
  return false;
}

namespace gemm {

bool fused_in_kernel(Activation act, int* code) {
  switch (act) {
    case Activation::none:
      *code = DN_GEMM_ACT_NONE;
      return true;
    case Activation::relu:
      *code = DN_GEMM_ACT_RELU;
      return true;
    case Activation::leaky_relu:
      *code = DN_GEMM_ACT_LEAKY_RELU;
      return true;
    default:
      *code = DN_GEMM_ACT_NONE;
      return false;
  }
}

void activate(float* c, std::size_t ldc, std::size_t rows, std::size_t cols, Activation act, float slope) {
  switch (act) {
    case Activation::none:
      return;
    case Activation::relu:
      return for_each(c, ldc, rows, cols, [](float t) { return 0.0f > t ? 0.0f : t; });
    case Activation::leaky_relu:
      return for_each(c, ldc, rows, cols, [slope](float t) { return t < 0.0f ? t * slope : t; });
    case Activation::sigmoid:
      return for_each(c, ldc, rows, cols,
                      [](float t) { return static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(t)))); });
    case Activation::tanh:
      return for_each(c, ldc, rows, cols,
                      [](float t) { return static_cast<float>(std::tanh(static_cast<double>(t))); });
    case Activation::gelu:
      return for_each(c, ldc, rows, cols, [](float t) {
        const double x = t;
        return static_cast<float>(0.5 * x * (1.0 + std::erf(x * 0.70710678118654752440)));
      });
    case Activation::gelu_tanh:
      return for_each(c, ldc, rows, cols, [](float t) {
        const double x = t;
        const double inner = 0.79788456080286535588 * (x + 0.044715 * x * x * x);  // sqrt(2/pi)
        return static_cast<float>(0.5 * x * (1.0 + std::tanh(inner)));
      });
  }
}

}  // namespace gemm
}  // namespace dn
