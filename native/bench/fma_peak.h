// The FMA-peak probe: register-only FMA loops that measure the machine's floating-point peak for
// the benchmarks' "% of peak" columns. Bench-only: it is not a kernel and not in the dispatch
// table; the addon exports it as fmaPeak for bench/machine.ts.
//
// fma_peak(isa, iters, seed) runs `iters` iterations of independent FMAs on register-resident
// accumulators (enough to cover FMA latency times throughput) and returns a value that depends
// on every accumulator, so the compiler cannot drop the work. fma_peak_flops(isa, iters) is the
// number of float operations that performs (an FMA counts as 2). The caller times the call.
#pragma once

#include <cstddef>

extern "C" {
#define DN_DECLARE_FMA_PEAK(isa)                           \
  float dn_fma_peak__##isa(std::size_t iters, float seed); \
  double dn_fma_peak_flops__##isa(std::size_t iters);
DN_DECLARE_FMA_PEAK(scalar)
DN_DECLARE_FMA_PEAK(avx2)
DN_DECLARE_FMA_PEAK(avx512)
DN_DECLARE_FMA_PEAK(neon)
}

namespace dn {

enum class Isa : int;  // native/runtime/dispatch.h (not included: the ISA files include this header)

// The probe of `isa` (the scalar one when this build lacks that ISA's).
float fma_peak(Isa isa, std::size_t iters, float seed);
double fma_peak_flops(Isa isa, std::size_t iters);

}  // namespace dn
