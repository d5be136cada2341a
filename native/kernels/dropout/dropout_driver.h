// The dropout operations the binding calls: each turns (p, seed, offset) into kernel parameters,
// splits the work over the pool on whole mask words, and calls the active ISA's kernels
// (dropout.h). Arguments are already validated: sizes fit the arrays, p is in [0, 1], outputs
// do not partially overlap inputs.
//
// Semantics shared by every operation:
//   threshold = round(p * 2^32) (an integer in [0, 2^32]); element i is kept iff draw
//   offset + i >= threshold; scale = 1 / (1 - p) computed in double and rounded to float.
//   threshold = 2^32 (p = 1, or within 2^-33 of it) keeps nothing: outputs are +0 and masks 0,
//   and backward writes +0 whatever the mask holds; no inf or NaN can appear.
//   A dropped element is +0 even when its input is NaN or infinite (PyTorch multiplies by 0 and
//   gets NaN there); a kept one is x * scale.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dn {

void dropout_forward(float* out, std::uint32_t* mask, const float* x, std::size_t n, double p, std::uint64_t seed,
                     std::uint64_t offset);
void dropout_mask(std::uint32_t* mask, std::size_t n, double p, std::uint64_t seed, std::uint64_t offset);
void dropout_backward(float* dx, const float* dy, const std::uint32_t* mask, std::size_t n, double p);

// x is viewed as [outer, mid, inner]; the mask has outer * inner bits, bit o * inner + j drawn as
// element o * inner + j of the stream, and is shared by every m of [o, m, j].
void dropout_broadcast_forward(float* out, std::uint32_t* mask, const float* x, double p, std::uint64_t seed,
                               std::uint64_t offset, std::size_t outer, std::size_t mid, std::size_t inner);
void dropout_broadcast_backward(float* dx, const float* dy, const std::uint32_t* mask, double p, std::size_t outer,
                                std::size_t mid, std::size_t inner);

// Box-Muller on draw pairs (offset + 2j, offset + 2j + 1), as lib/random.ts Generator.normal:
// u1 = ((d0 >> 8) + 1) * 2^-24, u2 = (d1 >> 8) * 2^-24, r = sqrt(-2 ln u1), t = 2 pi u2,
// out[2j] = mean + std * r * cos t, out[2j + 1] = mean + std * r * sin t, in double, rounded once.
// The transform is baseline code with the C library's log/sin/cos on every ISA and thread count.
void randn_fill(float* out, std::size_t n, double mean, double stddev, std::uint64_t seed, std::uint64_t offset);
// out[i] = low + ((draw >> 8) * 2^-24) * (high - low), in double, rounded once (Generator.uniform).
void uniform_fill(float* out, std::size_t n, double low, double high, std::uint64_t seed, std::uint64_t offset);

// One Philox4x32-10 block (for known-answer tests of the native implementation).
void philox4x32(const std::uint32_t counter[4], const std::uint32_t key[2], std::uint32_t out[4]);

}  // namespace dn
