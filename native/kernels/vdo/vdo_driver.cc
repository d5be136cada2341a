#include "vdo_driver.h"

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "vdo.h"

namespace dn {
namespace {

// Below this many elements one thread is faster than waking the pool.
constexpr std::size_t kGrain = 1 << 12;
// Elements per stack tile of draws (even: tiles hold whole pairs).
constexpr std::size_t kTile = 512;

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

}  // namespace dn
