// Element-wise kernels, 8 lanes (AVX2 + FMA): eltwise_impl.h over simd::Avx2.
#include "../simd/simd_avx2.h"
#include "eltwise_impl.h"

DN_DEFINE_ELTWISE(avx2, simd::Avx2)
