// The local reparameterisation's noise pass as the binding calls it (vdo.h has the formulas):
// element i of the n takes Box-Muller pair i / 2, drawn at Philox stream positions
// offset + 2·(i / 2) and offset + 2·(i / 2) + 1 under the key `seed` (as randnFill), so the
// result does not depend on how the work is split over threads. Arguments are already
// validated: the arrays hold n floats, out and half overlap nothing.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dn {

void vdo_lrt_noise(float* out, float* half, const float* mean, const float* var, std::size_t n, std::uint64_t seed,
                   std::uint64_t offset);

}  // namespace dn
