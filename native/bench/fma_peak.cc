#include "fma_peak.h"

#include "../runtime/dispatch.h"

namespace dn {

float fma_peak(Isa isa, std::size_t iters, float seed) {
  switch (isa) {
#if defined(DN_HAVE_AVX2)
    case Isa::avx2:
      return dn_fma_peak__avx2(iters, seed);
#endif
#if defined(DN_HAVE_AVX512)
    case Isa::avx512:
      return dn_fma_peak__avx512(iters, seed);
#endif
#if defined(DN_HAVE_NEON)
    case Isa::neon:
      return dn_fma_peak__neon(iters, seed);
#endif
    default:
      return dn_fma_peak__scalar(iters, seed);
  }
}

double fma_peak_flops(Isa isa, std::size_t iters) {
  switch (isa) {
#if defined(DN_HAVE_AVX2)
    case Isa::avx2:
      return dn_fma_peak_flops__avx2(iters);
#endif
#if defined(DN_HAVE_AVX512)
    case Isa::avx512:
      return dn_fma_peak_flops__avx512(iters);
#endif
#if defined(DN_HAVE_NEON)
    case Isa::neon:
      return dn_fma_peak_flops__neon(iters);
#endif
    default:
      return dn_fma_peak_flops__scalar(iters);
  }
}

}  // namespace dn
