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

// Concrete dropout's relaxed mask (vdo.h has the formulas) at drop rate p in (0, 1) and temperature
// t > 0: mask value j of the `masks` uses the Philox draw at offset + j under `seed` (uniformFill's
// stream) and scales x's elements j·inner .. (j + 1)·inner into out; keep and dkeep (masks each)
// are what the backward needs. The constants are computed in double, then rounded to float.
// Split over the pool on mask values: the bits do not depend on the thread count.
void vdo_concrete(float* out, float* keep, float* dkeep, const float* x, std::size_t masks, std::size_t inner, double p,
                  double t, std::uint64_t seed, std::uint64_t offset);

// Its backward: gx = g·keep when gx is non-null; returns Σ g·x·dkeep (d loss / dp) when `dot`,
// else 0. The sum is taken over fixed chunks of mask values, then over the chunks in order, so it
// does not depend on the thread count either.
double vdo_concrete_grad(float* gx, const float* g, const float* x, const float* keep, const float* dkeep,
                         std::size_t masks, std::size_t inner, bool dot);

}  // namespace dn
