// FMA peak, avx2: 12 ymm accumulators cover 2 FMA pipes x 4-5 cycles of latency.
#include "../kernels/simd/simd_avx2.h"
#include "fma_peak.h"
#include "fma_peak_impl.h"

DN_DEFINE_FMA_PEAK(avx2, simd::Avx2, 12)
