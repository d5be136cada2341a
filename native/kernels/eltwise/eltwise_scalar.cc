// Element-wise kernels, one float at a time (the baseline): eltwise_impl.h over simd::Scalar.
#include "../simd/simd_scalar.h"
#include "eltwise_impl.h"

DN_DEFINE_ELTWISE(scalar, simd::Scalar)
