// The direct convolution kernels (conv_direct.h) for the AVX2 table: 6 channels of two vectors
// of 8 columns in registers (16 ymm registers; conv_direct_kernels.h over simd::Avx2).
#if !defined(__AVX2__) || !defined(__FMA__)
#error "conv_direct_avx2.cc must be compiled with -mavx2 -mfma"
#endif

#include "conv_direct_kernels.h"
#include "conv_direct_simd.h"

using dn::conv::simd::Avx2;

extern "C" void dn_f32_conv_direct__avx2(const dn_conv_direct* a) { dn::conv::direct::forward<Avx2>(a); }

extern "C" void dn_f32_conv_direct_wgrad__avx2(const dn_conv_direct_wgrad* a) {
  dn::conv::direct::weight_grad<Avx2>(a);
}
