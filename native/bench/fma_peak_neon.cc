// FMA peak, neon: 16 q-register accumulators.
#include "../kernels/simd/simd_neon.h"
#include "fma_peak.h"
#include "fma_peak_impl.h"

DN_DEFINE_FMA_PEAK(neon, simd::Neon, 16)
