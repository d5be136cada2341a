// Element-wise kernels, 16 lanes (AVX-512): eltwise_impl.h over simd::Avx512.
#include "../simd/simd_avx512.h"
#include "eltwise_impl.h"

DN_DEFINE_ELTWISE(avx512, simd::Avx512)
