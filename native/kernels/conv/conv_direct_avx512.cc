// The direct convolution kernels (conv_direct.h) for the AVX-512 table: 16 channels of one
// vector of 16 columns in registers (conv_direct_kernels.h over simd::Avx512).
#if !defined(__AVX512F__)
#error "conv_direct_avx512.cc must be compiled with -mavx512f"
#endif

#include "conv_direct_kernels.h"
#include "conv_direct_simd.h"

using dn::conv::simd::Avx512;

extern "C" void dn_f32_conv_direct__avx512(const dn_conv_direct* a) { dn::conv::direct::forward<Avx512>(a); }

extern "C" void dn_f32_conv_direct_wgrad__avx512(const dn_conv_direct_wgrad* a) {
  dn::conv::direct::weight_grad<Avx512>(a);
}
