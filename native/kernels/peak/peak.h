/* Register-only FMA loops that measure the machine's floating-point peak.
 *
 * dn_fma_peak__<isa>(iters, seed) runs `iters` iterations of a loop of independent FMAs on
 * register-resident accumulators (enough of them to cover FMA latency times throughput) and
 * returns a value that depends on every accumulator, so the compiler cannot drop the work.
 * dn_fma_peak_flops__<isa>(iters) is the number of float operations that loop performs
 * (an FMA counts as 2). The caller times the call: flops / seconds = peak. */
#ifndef DN_KERNELS_PEAK_H_
#define DN_KERNELS_PEAK_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DN_DECLARE_PEAK(isa)                                   \
  float dn_fma_peak__##isa(size_t iters, float seed);          \
  double dn_fma_peak_flops__##isa(size_t iters);

DN_DECLARE_PEAK(scalar)
DN_DECLARE_PEAK(avx2)
DN_DECLARE_PEAK(avx512)
DN_DECLARE_PEAK(neon)

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_PEAK_H_ */
