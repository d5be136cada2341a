// Bench-only exports: the FMA-peak probe (native/bench/fma_peak.h) that bench/machine.ts times.
#include "../bench/fma_peak.h"
#include "../runtime/dispatch.h"
#include "../runtime/thread_pool.h"
#include "args.h"
#include "bindings.h"

namespace dn::addon {

// fmaPeak(iters, threads): runs the active ISA's register-only FMA loop `iters` times on each of
// `threads` pool threads and returns the float operations performed. The caller times it.
Napi::Value FmaPeak(const Napi::CallbackInfo& info) {
  expect_args(info, 2, "fmaPeak(iters, threads)");
  const std::size_t iters = size_arg(info, 0, "iters", 1e10);
  const auto threads = static_cast<std::size_t>(int_arg(info, 1, "threads", 1, kMaxThreads));
  const dn::Isa isa = active().isa;
  volatile float sink = 0.0f;
  parallel_for(threads, [&](std::size_t t) { sink = sink + fma_peak(isa, iters, static_cast<float>(t)); });
  return Napi::Number::New(info.Env(), fma_peak_flops(isa, iters) * static_cast<double>(threads));
}

}  // namespace dn::addon
