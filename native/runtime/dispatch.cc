#include "dispatch.h"

#include <atomic>
#include <cstring>

#include "../kernels/conv/conv_direct.h"
#include "../kernels/conv/winograd_stride2_transforms.h"
#include "../kernels/conv/winograd_transforms.h"
#include "../kernels/dropout/dropout.h"
#include "../kernels/eltwise/eltwise.h"
#include "../kernels/vdo/vdo.h"
#include "cpu_features.h"

namespace dn {
namespace {

// The order in which ISAs supersede each other on this architecture.
#if defined(__aarch64__)
constexpr Isa kOrder[] = {Isa::scalar, Isa::neon};
#else
constexpr Isa kOrder[] = {Isa::scalar, Isa::avx2, Isa::avx512};
#endif

#define DN_SET_ELTWISE(t, isa)                     \
  (t).vadd = dn_f32_vadd__##isa;                   \
  (t).vmul = dn_f32_vmul__##isa;                   \
  (t).vscale = dn_f32_vscale__##isa;               \
  (t).relu_forward = dn_f32_relu_forward__##isa;   \
  (t).relu_backward = dn_f32_relu_backward__##isa; \
  (t).fill = dn_f32_fill__##isa;                   \
  (t).colsum = dn_f32_colsum__##isa;

// Micro-kernel, MR, MR step, NR, then kc, mc, nc (see gemm.h); the blocking is tuned per ISA with
// bench/gemm.bench.ts for 32 KiB L1d and 1 MiB L2 per core (Zen 4).
#define DN_SET_GEMM(t, ukernel, mr, mr_step, nr, kc, mc, nc) \
  (t).gemm = dn_f32_gemm_config{ukernel, mr, mr_step, nr, kc, mc, nc, nullptr, 0, 0};
#define DN_SET_WINO(t, isa)                                              \
  (t).wino_input = dn_f32_wino_input__##isa;                             \
  (t).wino_lanes_input = dn_f32_wino_lanes_input__##isa;                 \
  (t).wino_lanes_grad = dn_f32_wino_lanes_grad__##isa;                   \
  (t).wino_output = dn_f32_wino_output__##isa;                           \
  (t).wino_transpose = dn_f32_wino_transpose__##isa;                     \
  (t).wino_stride2_input = dn_f32_wino_stride2_input__##isa;             \
  (t).wino_stride2_output = dn_f32_wino_stride2_output__##isa;           \
  (t).wino_stride2_dinput = dn_f32_wino_stride2_dinput__##isa;           \
  (t).wino_stride2_doutput = dn_f32_wino_stride2_doutput__##isa;         \
  (t).wino_stride2_lanes_input = dn_f32_wino_stride2_lanes_input__##isa; \
  (t).wino_stride2_lanes_grad = dn_f32_wino_stride2_lanes_grad__##isa;   \
  (t).wino_stride2_input4 = dn_f32_wino_stride2_input4__##isa;           \
  (t).wino_stride2_output4 = dn_f32_wino_stride2_output4__##isa;
#define DN_SET_DROPOUT(t, isa)                         \
  (t).dropout_forward = dn_f32_dropout_forward__##isa; \
  (t).dropout_mask = dn_dropout_mask__##isa;           \
  (t).dropout_apply = dn_f32_dropout_apply__##isa;     \
  (t).philox_draws = dn_philox_draws__##isa;

KernelTable scalar_table() {
  KernelTable t{};
  t.isa = Isa::scalar;
  t.name = "scalar";
  DN_SET_ELTWISE(t, scalar)
  DN_SET_GEMM(t, dn_f32_gemm_ukernel_4x8__scalar, 4, 4, 8, 256, 128, 2048)
  DN_SET_WINO(t, scalar)
  DN_SET_DROPOUT(t, scalar)
  t.vdo_sparse = dn_vdo_sparse__scalar;
  t.vdo_lrt = dn_vdo_lrt__scalar;
  t.vdo_kingma = dn_vdo_kingma__scalar;
  t.vdo_concrete = dn_vdo_concrete__scalar;
  t.vdo_concrete_grad = dn_vdo_concrete_grad__scalar;
  return t;
}

KernelTable build_table(Isa isa) {
  KernelTable t = scalar_table();
  switch (isa) {
#if defined(DN_HAVE_AVX2)
    case Isa::avx2:
      t.isa = isa;
      t.name = "avx2";
      DN_SET_ELTWISE(t, avx2)
      DN_SET_GEMM(t, dn_f32_gemm_ukernel_6x16__avx2_fma, 6, 2, 16, 256, 144, 4096)
      t.gemm.narrow = dn_f32_gemm_ukernel_16x12_narrow__avx2_fma;
      t.gemm.narrow_mr = 16;
      t.gemm.narrow_nr = 12;
      DN_SET_WINO(t, avx2)
      t.conv_direct = dn_f32_conv_direct__avx2;
      t.conv_direct_wgrad = dn_f32_conv_direct_wgrad__avx2;
      DN_SET_DROPOUT(t, avx2)
      t.vdo_sparse = dn_vdo_sparse__avx2;
      t.vdo_lrt = dn_vdo_lrt__avx2;
      t.vdo_kingma = dn_vdo_kingma__avx2;
      t.vdo_concrete = dn_vdo_concrete__avx2;
      t.vdo_concrete_grad = dn_vdo_concrete_grad__avx2;
      break;
#endif
#if defined(DN_HAVE_AVX512)
    case Isa::avx512:
      t.isa = isa;
      t.name = "avx512";
      DN_SET_ELTWISE(t, avx512)
      DN_SET_GEMM(t, dn_f32_gemm_ukernel_12x32__avx512f, 12, 4, 32, 256, 144, 4096)
      DN_SET_WINO(t, avx512)
      t.conv_direct = dn_f32_conv_direct__avx512;
      t.conv_direct_wgrad = dn_f32_conv_direct_wgrad__avx512;
      DN_SET_DROPOUT(t, avx512)
      t.vdo_sparse = dn_vdo_sparse__avx512;
      t.vdo_lrt = dn_vdo_lrt__avx512;
      t.vdo_kingma = dn_vdo_kingma__avx512;
      t.vdo_concrete = dn_vdo_concrete__avx512;
      t.vdo_concrete_grad = dn_vdo_concrete_grad__avx512;
      break;
#endif
#if defined(DN_HAVE_NEON)
    case Isa::neon:
      t.isa = isa;
      t.name = "neon";
      DN_SET_ELTWISE(t, neon)
      DN_SET_GEMM(t, dn_f32_gemm_ukernel_8x12__neon, 8, 8, 12, 256, 128, 4092)
      DN_SET_DROPOUT(t, neon)
      break;
#endif
    default:
      break;
  }
  return t;
}

struct Tables {
  KernelTable by_isa[kIsaCount];
  Tables() {
    for (int i = 0; i < kIsaCount; ++i) by_isa[i] = build_table(static_cast<Isa>(i));
  }
};

const Tables& tables() {
  static const Tables t;  // thread-safe one-time initialisation
  return t;
}

bool compiled(Isa isa) {
  switch (isa) {
    case Isa::scalar:
      return true;
#if defined(DN_HAVE_AVX2)
    case Isa::avx2:
      return true;
#endif
#if defined(DN_HAVE_AVX512)
    case Isa::avx512:
      return true;
#endif
#if defined(DN_HAVE_NEON)
    case Isa::neon:
      return true;
#endif
    default:
      return false;
  }
}

Isa best_up_to(Isa cap) {
  Isa best = Isa::scalar;
  for (Isa isa : kOrder) {
    if (isa_available(isa)) best = isa;
    if (isa == cap) break;
  }
  return best;
}

bool in_order(Isa isa) {
  for (Isa o : kOrder)
    if (o == isa) return true;
  return false;
}

std::atomic<const KernelTable*>& current() {
  static std::atomic<const KernelTable*> table{nullptr};
  return table;
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::scalar:
      return "scalar";
    case Isa::avx2:
      return "avx2";
    case Isa::avx512:
      return "avx512";
    case Isa::neon:
      return "neon";
  }
  return "unknown";
}

bool parse_isa(const char* name, Isa* out) {
  for (int i = 0; i < kIsaCount; ++i) {
    if (std::strcmp(name, isa_name(static_cast<Isa>(i))) == 0) {
      *out = static_cast<Isa>(i);
      return true;
    }
  }
  return false;
}

bool isa_available(Isa isa) {
  if (!compiled(isa)) return false;
  const CpuFeatures& f = cpu_features();
  switch (isa) {
    case Isa::scalar:
      return true;
    case Isa::avx2:
      return f.avx2 && f.fma;
    case Isa::avx512:
      return f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl && f.fma;
    case Isa::neon:
      return f.neon;
  }
  return false;
}

Isa select_isa(Isa cap) {
  const Isa isa = in_order(cap) ? best_up_to(cap) : Isa::scalar;
  current().store(&tables().by_isa[static_cast<int>(isa)], std::memory_order_release);
  return isa;
}

const KernelTable& active() {
  const KernelTable* t = current().load(std::memory_order_acquire);
  if (t == nullptr) {
    const Isa top = kOrder[sizeof(kOrder) / sizeof(kOrder[0]) - 1];
    const KernelTable* best = &tables().by_isa[static_cast<int>(best_up_to(top))];
    // Only the first caller installs the default; a concurrent select_isa wins.
    if (current().compare_exchange_strong(t, best, std::memory_order_acq_rel)) t = best;
  }
  return *t;
}

}  // namespace dn
