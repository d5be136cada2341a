// FMA peak, scalar: 12 independent accumulators (a multiply and an add each: the baseline has no FMA).
#include "../kernels/simd/simd_scalar.h"
#include "fma_peak.h"
#include "fma_peak_impl.h"

DN_DEFINE_FMA_PEAK(scalar, simd::Scalar, 12)
