// Element-wise kernels, 4 lanes (AArch64 NEON): eltwise_impl.h over simd::Neon.
#include "../simd/simd_neon.h"
#include "eltwise_impl.h"

DN_DEFINE_ELTWISE(neon, simd::Neon)
