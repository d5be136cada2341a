#include "vdo_driver.h"

#include <cmath>
#include <vector>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "vdo.h"

namespace dn {
namespace {

// Below this many elements one thread is faster than waking the pool.
constexpr std::size_t kGrain = 1 << 12;
// Elements per stack tile of draws (even: tiles hold whole pairs).
constexpr std::size_t kTile = 512;

// Elements per chunk of the Concrete backward's sum (the chunks, not the threads, fix its order).
constexpr std::size_t kSumChunk = 1 << 14;
constexpr double kConcreteEps = 1e-7;

}  // namespace

void vdo_lrt_noise(float* out, float* half, const float* mean, const float* var, std::size_t n, std::uint64_t seed,
                   std::uint64_t offset) {
  const KernelTable& k = active();
  const auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  // Ranges start on even elements (a multiple of 32), so no pair straddles two threads.
  parallel_range(n, kGrain, 32, [&](std::size_t b, std::size_t e) {
    std::uint32_t d[kTile];
    for (std::size_t i = b; i < e; i += kTile) {
      const std::size_t len = e - i < kTile ? e - i : kTile;
      k.philox_draws(d, 2 * ((len + 1) / 2), k0, k1, offset + i);
      dn_vdo_lrt_args a{};
      a.mean = mean + i;
      a.var = var + i;
      a.draws = d;
      a.n = len;
      a.out = out + i;
      a.half = half + i;
      k.vdo_lrt(&a);
    }
  });
}

void vdo_concrete(float* out, float* keep, float* dkeep, const float* x, std::size_t masks, std::size_t inner, double p,
                  double t, std::uint64_t seed, std::uint64_t offset) {
  const KernelTable& k = active();
  const auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  const double e = kConcreteEps;
  const auto logit = static_cast<float>(std::log(p + e) - std::log(1.0 - p + e));
  const auto inv_t = static_cast<float>(1.0 / t);
  const auto inv_q = static_cast<float>(1.0 / (1.0 - p));
  const auto slope = static_cast<float>((1.0 / (p + e) + 1.0 / (1.0 - p + e)) * (1.0 - p) / t);
  const std::size_t grain = inner >= kGrain ? 1 : kGrain / inner;
  parallel_range(masks, grain, 1, [&](std::size_t b, std::size_t end) {
    std::uint32_t d[kTile];
    for (std::size_t j = b; j < end; j += kTile) {
      const std::size_t len = end - j < kTile ? end - j : kTile;
      k.philox_draws(d, len, k0, k1, offset + j);
      dn_vdo_concrete_args a{};
      a.x = x + j * inner;
      a.draws = d;
      a.masks = len;
      a.inner = inner;
      a.logit = logit;
      a.inv_t = inv_t;
      a.inv_q = inv_q;
      a.slope = slope;
      a.out = out + j * inner;
      a.keep = keep + j;
      a.dkeep = dkeep + j;
      k.vdo_concrete(&a);
    }
  });
}

double vdo_concrete_grad(float* gx, const float* g, const float* x, const float* keep, const float* dkeep,
                         std::size_t masks, std::size_t inner, bool dot) {
  const KernelTable& k = active();
  const std::size_t per = inner >= kSumChunk ? 1 : kSumChunk / inner;  // mask values per chunk
  const std::size_t chunks = (masks + per - 1) / per;
  std::vector<double> partial(dot ? chunks : 0);
  parallel_range(chunks, 1, 1, [&](std::size_t b, std::size_t end) {
    for (std::size_t c = b; c < end; ++c) {
      const std::size_t j = c * per;
      dn_vdo_concrete_grad_args a{};
      a.g = g + j * inner;
      a.x = x + j * inner;
      a.keep = keep + j;
      a.dkeep = dkeep + j;
      a.masks = masks - j < per ? masks - j : per;
      a.inner = inner;
      a.gx = gx != nullptr ? gx + j * inner : nullptr;
      a.dot = dot ? &partial[c] : nullptr;
      k.vdo_concrete_grad(&a);
    }
  });
  double total = 0.0;
  for (const double v : partial) total += v;
  return total;
}

}  // namespace dn
