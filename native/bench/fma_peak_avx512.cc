// FMA peak, avx512: 16 zmm accumulators.
#include "../kernels/simd/simd_avx512.h"
#include "fma_peak.h"
#include "fma_peak_impl.h"

DN_DEFINE_FMA_PEAK(avx512, simd::Avx512, 16)
