// Cycles per element of the dropout forward kernels in isolation (no N-API, no pool, one thread),
// next to y = x * s over the same arrays. Built and run by dropout_cycles.sh (x64 only).
//
// TSC cycles are the time-stamp counter's (constant rate); "core/TSC" is the core clock over it,
// measured by a chain of dependent adds (1 cycle each), so core cycles = TSC cycles * core/TSC.
// Each figure is the minimum over the repetitions: the least disturbed run on a shared machine.
#include <x86intrin.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../../native/kernels/dropout/dropout.h"
#include "../../native/kernels/eltwise/eltwise.h"

namespace {

template <class F>
double min_tsc(int reps, F&& f) {
  unsigned long long best = ~0ull;
  for (int r = 0; r < reps; ++r) {
    const unsigned long long t0 = __rdtsc();
    f();
    best = std::min(best, __rdtsc() - t0);
  }
  return static_cast<double>(best);
}

double core_per_tsc() {
  const long iters = 1000000;
  const double tsc = min_tsc(200, [&] {
    unsigned long long x = 0;
    for (long i = 0; i < iters; ++i) asm volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0" : "+r"(x));
  });
  return 4.0 * iters / tsc;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 32768;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 500;
  std::vector<float> x(n), out(n);
  std::vector<uint32_t> mask((n + 31) / 32);
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(i % 7) - 3.0f;
  const dn_dropout_params p{1, 0, 0, 0x80000000u, 2.0f};  // seed 1, offset 0, p = 0.5
  const double ratio = core_per_tsc();
  std::printf("n = %zu floats, p = 0.5; core/TSC = %.3f\n", n, ratio);
  struct Case {
    const char* name;
    void (*scale)(float*, const float*, float, size_t);
    void (*forward)(float*, uint32_t*, const float*, size_t, const dn_dropout_params*);
  } cases[] = {{"avx2", dn_f32_vscale__avx2, dn_f32_dropout_forward__avx2},
               {"avx512", dn_f32_vscale__avx512, dn_f32_dropout_forward__avx512}};
  for (const Case& c : cases) {
    const double s = min_tsc(reps, [&] { c.scale(out.data(), x.data(), 0.5f, n); }) / n;
    const double d = min_tsc(reps, [&] { c.forward(out.data(), mask.data(), x.data(), n, &p); }) / n;
    std::printf("%-6s  y=x*s %.3f TSC cycles/element (%.2f core)  dropout forward %.3f (%.2f core)  ratio %.2f\n", c.name,
                s, s * ratio, d, d * ratio, s / d);
  }
  return 0;
}
