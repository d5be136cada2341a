// The kernel dispatch table.
//
// One table per ISA, each complete: the scalar table fills every slot, and an ISA's table starts
// as a copy of the scalar one and overrides what that ISA implements (BLIS/XNNPACK style), so a
// slot is never empty (except the optional direct convolution pair, marked below). Tables are
// built once; `active()` returns the selected one.
//
// Selection: the best ISA the CPU supports, capped by select_isa(cap). DROPNET_ISA is read by
// the JavaScript loader, which calls select_isa; kernels never test CPU flags themselves.
// Switching is an atomic pointer swap, safe between kernel calls from any thread.
#pragma once

#include <cstddef>
#include <cstdint>

struct dn_dropout_params;  // native/kernels/dropout/dropout.h
struct dn_conv_direct;     // native/kernels/conv/conv_direct.h
struct dn_conv_direct_wgrad;
struct dn_vdo_sparse_args;  // native/kernels/vdo/vdo.h
struct dn_vdo_lrt_args;
struct dn_vdo_kingma_args;
struct dn_vdo_concrete_args;
struct dn_vdo_concrete_grad_args;

#include "../kernels/gemm/gemm.h"

namespace dn {

enum class Isa : int { scalar = 0, avx2 = 1, avx512 = 2, neon = 3 };
constexpr int kIsaCount = 4;

struct KernelTable {
  Isa isa;
  const char* name;
  // eltwise (native/kernels/eltwise/eltwise.h)
  void (*vadd)(float* out, const float* a, const float* b, std::size_t n);
  void (*vmul)(float* out, const float* a, const float* b, std::size_t n);
  void (*vscale)(float* out, const float* x, float s, std::size_t n);
  void (*relu_forward)(float* out, const float* x, std::size_t n);
  void (*relu_backward)(float* dx, const float* dy, const float* x, std::size_t n);
  void (*fill)(float* out, float v, std::size_t n);
  void (*colsum)(float* out, const float* x, std::size_t rows, std::size_t cols, std::size_t ld);
  // sgemm micro-kernel, its tile and cache blocking (native/kernels/gemm/gemm.h)
  dn_f32_gemm_config gemm;
  // direct convolution for shallow depths (native/kernels/conv/conv_direct.h): the one optional
  // pair of slots, null on ISAs where im2col + GEMM is faster (callers then take that path)
  void (*conv_direct)(const dn_conv_direct* a);
  void (*conv_direct_wgrad)(const dn_conv_direct_wgrad* a);
  // Winograd F(2x2, 3x3) tile transforms (native/kernels/conv/winograd_transforms.h)
  void (*wino_input)(float* v, std::size_t vs, std::size_t vstep, const float* const* rows, const std::size_t* rstep,
                     std::size_t nch, long long lo, long long hi, std::size_t run, std::size_t width);
  void (*wino_lanes_input)(float* v, std::size_t vs, const float* rows, std::size_t rs, std::size_t lanes,
                           std::size_t run);
  void (*wino_lanes_grad)(float* v, std::size_t vs, const float* rows, std::size_t rs, std::size_t lanes,
                          std::size_t run, double* sums);
  void (*wino_output)(float* r0, float* r1, std::size_t cols, const float* m, std::size_t xs, float bias);
  void (*wino_transpose)(float* d, std::size_t ld, const float* s, std::size_t ss, std::size_t rows, std::size_t cols);
  // the stride-2 ones (native/kernels/conv/winograd_stride2_transforms.h)
  void (*wino_stride2_input)(float* v, const std::size_t* off, std::size_t vstep, const float* const* rows,
                             const std::size_t* rstep, std::size_t nch, long long lo, long long hi, std::size_t run);
  void (*wino_stride2_output)(float* r0, float* r1, std::size_t step0, std::size_t step1, std::size_t cols,
                              const float* m, std::size_t mstep, std::size_t xs, const float* bias, std::size_t nch);
  void (*wino_stride2_dinput)(float* v, const std::size_t* off, std::size_t vstep, const float* const* rows,
                              const std::size_t* rstep, std::size_t nch, long long lo, long long hi, std::size_t run);
  void (*wino_stride2_doutput)(float* const* rows, const std::size_t* rstep, long long lo, long long hi, const float* m,
                               const std::size_t* off, std::size_t mstep, std::size_t nch, std::size_t run,
                               unsigned parity);
  void (*wino_stride2_lanes_input)(float* v, const std::size_t* off, const float* rows, std::size_t rs,
                                   std::size_t lanes, std::size_t run);
  void (*wino_stride2_lanes_grad)(float* v, std::size_t vs, const float* rows, std::size_t rs, std::size_t lanes,
                                  std::size_t run, double* sums);
  void (*wino_stride2_input4)(float* v, const std::size_t* off, std::size_t vstep, const float* const* rows,
                              const std::size_t* rstep, std::size_t nch, long long lo, long long hi, std::size_t run);
  void (*wino_stride2_output4)(float* const* rows, const std::size_t* rstep, std::size_t cols, const float* m,
                               std::size_t mstep, std::size_t xs, const float* bias, std::size_t nch);
  // dropout masks (native/kernels/dropout/dropout.h)
  void (*dropout_forward)(float* out, std::uint32_t* mask, const float* x, std::size_t n, const dn_dropout_params* p);
  void (*dropout_mask)(std::uint32_t* mask, std::size_t n, const dn_dropout_params* p);
  void (*dropout_apply)(float* out, const float* x, const std::uint32_t* mask, std::size_t bit0, std::size_t n,
                        float scale);
  void (*philox_draws)(std::uint32_t* out, std::size_t n, std::uint32_t k0, std::uint32_t k1, std::uint64_t offset);
  // sparse variational dropout's per-weight pass (native/kernels/vdo/vdo.h)
  void (*vdo_sparse)(const dn_vdo_sparse_args* a);
  void (*vdo_lrt)(const dn_vdo_lrt_args* a);
  void (*vdo_kingma)(const dn_vdo_kingma_args* a);
  void (*vdo_concrete)(const dn_vdo_concrete_args* a);
  void (*vdo_concrete_grad)(const dn_vdo_concrete_grad_args* a);
};

const char* isa_name(Isa isa);
// Parses "scalar" | "avx2" | "avx512" | "neon"; returns false for anything else.
bool parse_isa(const char* name, Isa* out);

// Whether this build contains the ISA's kernels and this CPU can run them.
bool isa_available(Isa isa);

// Selects the best available ISA that is not above `cap` in this architecture's order
// (x64: scalar < avx2 < avx512; arm64: scalar < neon). Returns the selected ISA.
// A cap from another architecture selects scalar.
Isa select_isa(Isa cap);

// The selected table (the best available ISA until select_isa is called).
const KernelTable& active();

}  // namespace dn
