// The SGEMM driver: row-major C = alpha * op(A) * op(B) + beta * C with an optional fused
// epilogue (bias per column, then an activation), and the Linear layer forward built on it.
//
// Shapes: op(A) is m x k, op(B) is k x n, C is m x n; A is stored m x k (lda >= k) or, when
// trans_a, k x m (lda >= m); B is stored k x n (ldb >= n) or, when trans_b, n x k (ldb >= k);
// leading dimensions in elements. beta == 0 ignores what C held (NaN included); alpha == 0 (or
// k == 0) does not read A or B. C must not overlap A, B or the bias. The caller (the binding)
// has checked every size against the arrays.
//
// Threads: the output is split over the process-wide pool along M and N only, never K, and every
// element is computed by the same sequence of operations whatever the split, so results are
// bit-identical for any thread count. Small problems run on the calling thread alone.
// May throw std::bad_alloc (packing workspace); nothing else.
#pragma once

#include <cstddef>

namespace dn {

// Applied to every output element after the bias. relu and leaky_relu run inside the micro-kernel;
// the others are applied by the driver to each tile right after it is computed, while it is in L1,
// with the same double-precision code on every ISA.
enum class Activation : int { none = 0, relu, leaky_relu, sigmoid, tanh, gelu, gelu_tanh };

const char* activation_name(Activation act);
// Parses "none" | "relu" | "leaky_relu" | "sigmoid" | "tanh" | "gelu" | "gelu_tanh".
bool parse_activation(const char* name, Activation* out);

// PyTorch's default negative slope (nn.LeakyReLU, F.leaky_relu).
constexpr float kLeakyReluSlope = 0.01f;

enum class GemmPath : int { none = 0, single_block, blocked, narrow };

struct GemmEpilogue {
  const float* bias = nullptr;      // n floats (one per column of C), or null
  const float* row_bias = nullptr;  // m floats (one per row of C, added after bias), or null
  Activation act = Activation::none;
  float slope = kLeakyReluSlope;  // leaky_relu only
};

void sgemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
           std::size_t lda, const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc,
           const GemmEpilogue& epilogue = GemmEpilogue{});

// out (batch, out_features) = act(x (batch, in_features) . w^T + bias), w in PyTorch layout
// (out_features, in_features), bias (out_features) or null.
void linear_forward(float* out, const float* x, const float* w, const float* bias, std::size_t batch,
                    std::size_t in_features, std::size_t out_features, Activation act);

namespace gemm {

// Applies act to the rows x cols window at c (row stride ldc), in place. relu and leaky_relu
// here give the same bits as the micro-kernels' fused versions.
void activate(float* c, std::size_t ldc, std::size_t rows, std::size_t cols, Activation act, float slope);

// Whether act is fused into micro-kernels (and which DN_GEMM_ACT_* code it is there).
bool fused_in_kernel(Activation act, int* code);

// The way sgemm computed its last product on the calling thread (for tests and benchmarks):
// single_block: one cache block, one task, set up without the general blocking arithmetic;
// blocked: the general BLIS loops (K slices, blocks, threads); narrow: few columns (at most two
// panels of the ISA's narrow kernel, at least one panel of rows), vectorised along M. All give
// the same bits.
// none until the first product (calls that multiply nothing leave it unchanged).
GemmPath last_path();

}  // namespace gemm

}  // namespace dn
