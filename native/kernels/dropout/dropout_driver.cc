#include "dropout_driver.h"

#include <cmath>
#include <cstring>

#include "../../runtime/dispatch.h"
#include "../../runtime/thread_pool.h"
#include "dropout.h"
#include "philox.h"

namespace dn {
namespace {

// Philox costs about a cycle per element: below this many elements one thread is faster than
// waking the pool.
constexpr std::size_t kGrain = 1 << 15;
// Threads own whole mask words, so a range starts on a multiple of 32 elements. Together with
// the counter being the element's stream index, that makes every bit independent of the split.
constexpr std::size_t kWordBits = 32;
// Box-Muller is ~50x dearer per element than a mask bit.
constexpr std::size_t kNormalGrain = 1 << 11;
// Draws per stack tile for the fills (even, so tiles hold whole Box-Muller pairs).
constexpr std::size_t kTile = 512;

constexpr double kTwo32 = 4294967296.0;
// The double nearest pi, as Math.PI (not M_PI: that is not ISO C++).
constexpr double kPi = 3.141592653589793;

struct Config {
  bool drop_all;  // threshold = 2^32: nothing is kept
  dn_dropout_params params;
};

Config configure(double p, std::uint64_t seed, std::uint64_t offset) {
  Config c{};
  // p * 2^32 is exact in double (a power-of-two scaling); std::round is exact too, with halves
  // rounding up like Math.round for non-negative values.
  const double t = std::round(p * kTwo32);
  c.drop_all = t >= kTwo32;
  c.params.k0 = static_cast<std::uint32_t>(seed);
  c.params.k1 = static_cast<std::uint32_t>(seed >> 32);
  c.params.offset = offset;
  c.params.threshold = c.drop_all ? 0xffffffffu : static_cast<std::uint32_t>(t);
  c.params.scale = c.drop_all ? 0.0f : static_cast<float>(1.0 / (1.0 - p));
  return c;
}

std::size_t mask_words(std::size_t bits) { return (bits + kWordBits - 1) / kWordBits; }

void zero_floats(float* out, std::size_t n) {
  const auto fill = active().fill;
  parallel_range(n, kGrain, 16, [&](std::size_t b, std::size_t e) { fill(out + b, 0.0f, e - b); });
}

void zero_mask(std::uint32_t* mask, std::size_t bits) {
  if (bits > 0) std::memset(mask, 0, mask_words(bits) * sizeof(std::uint32_t));
}

// out[o, m, j] = bit(o * inner + j) ? x[o, m, j] * scale : 0 over the elements [b, e).
void apply_broadcast(const KernelTable& k, float* out, const float* x, const std::uint32_t* mask, std::size_t b,
                     std::size_t e, std::size_t mid, std::size_t inner, float scale) {
  const std::size_t plane = mid * inner;
  std::size_t i = b;
  while (i < e) {
    const std::size_t o = i / plane, q = i % plane;
    std::size_t len;
    if (mid == 1) {
      // Nothing to broadcast: bit i belongs to element i.
      len = e - i;
      k.dropout_apply(out + i, x + i, mask, i, len, scale);
    } else if (inner == 1) {
      // One bit per plane (channels-first Dropout2d): a scaled copy or zeros, at memory speed.
      const std::size_t plane_end = (o + 1) * plane;
      len = (plane_end < e ? plane_end : e) - i;
      if ((mask[o / kWordBits] >> (o % kWordBits)) & 1u)
        k.vscale(out + i, x + i, scale, len);
      else
        k.fill(out + i, 0.0f, len);
    } else {
      const std::size_t j = q % inner;
      len = inner - j < e - i ? inner - j : e - i;
      k.dropout_apply(out + i, x + i, mask, o * inner + j, len, scale);
    }
    i += len;
  }
}

}  // namespace

void dropout_forward(float* out, std::uint32_t* mask, const float* x, std::size_t n, double p, std::uint64_t seed,
                     std::uint64_t offset) {
  const Config c = configure(p, seed, offset);
  if (c.drop_all) {
    zero_floats(out, n);
    zero_mask(mask, n);
    return;
  }
  const auto kernel = active().dropout_forward;
  parallel_range(n, kGrain, kWordBits, [&](std::size_t b, std::size_t e) {
    dn_dropout_params q = c.params;
    q.offset = offset + b;  // element b's draw: the counter is the element index, not the thread
    kernel(out + b, mask + b / kWordBits, x + b, e - b, &q);
  });
}

void dropout_mask(std::uint32_t* mask, std::size_t n, double p, std::uint64_t seed, std::uint64_t offset) {
  const Config c = configure(p, seed, offset);
  if (c.drop_all) {
    zero_mask(mask, n);
    return;
  }
  const auto kernel = active().dropout_mask;
  parallel_range(n, kGrain, kWordBits, [&](std::size_t b, std::size_t e) {
    dn_dropout_params q = c.params;
    q.offset = offset + b;
    kernel(mask + b / kWordBits, e - b, &q);
  });
}

void dropout_backward(float* dx, const float* dy, const std::uint32_t* mask, std::size_t n, double p) {
  const Config c = configure(p, 0, 0);
  if (c.drop_all) {
    zero_floats(dx, n);
    return;
  }
  const auto apply = active().dropout_apply;
  const float scale = c.params.scale;
  parallel_range(n, kGrain, kWordBits,
                 [&](std::size_t b, std::size_t e) { apply(dx + b, dy + b, mask, b, e - b, scale); });
}

void dropout_broadcast_forward(float* out, std::uint32_t* mask, const float* x, double p, std::uint64_t seed,
                               std::uint64_t offset, std::size_t outer, std::size_t mid, std::size_t inner) {
  const std::size_t n = outer * mid * inner;
  const Config c = configure(p, seed, offset);
  if (c.drop_all) {
    zero_floats(out, n);
    zero_mask(mask, outer * inner);
    return;
  }
  dropout_mask(mask, outer * inner, p, seed, offset);
  if (n == 0) return;
  const KernelTable& k = active();
  parallel_range(n, kGrain, 16, [&](std::size_t b, std::size_t e) {
    apply_broadcast(k, out, x, mask, b, e, mid, inner, c.params.scale);
  });
}

void dropout_broadcast_backward(float* dx, const float* dy, const std::uint32_t* mask, double p, std::size_t outer,
                                std::size_t mid, std::size_t inner) {
  const std::size_t n = outer * mid * inner;
  const Config c = configure(p, 0, 0);
  if (c.drop_all) {
    zero_floats(dx, n);
    return;
  }
  if (n == 0) return;
  const KernelTable& k = active();
  parallel_range(n, kGrain, 16, [&](std::size_t b, std::size_t e) {
    apply_broadcast(k, dx, dy, mask, b, e, mid, inner, c.params.scale);
  });
}

void randn_fill(float* out, std::size_t n, double mean, double stddev, std::uint64_t seed, std::uint64_t offset) {
  const auto draws = active().philox_draws;
  const auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  parallel_range(n, kNormalGrain, kWordBits, [&](std::size_t b, std::size_t e) {
    std::uint32_t d[kTile];
    for (std::size_t i = b; i < e; i += kTile) {
      const std::size_t len = e - i < kTile ? e - i : kTile;
      const std::size_t pairs = (len + 1) / 2;
      draws(d, 2 * pairs, k0, k1, offset + i);  // i is even: pairs never straddle a tile
      for (std::size_t j = 0; j < pairs; ++j) {
        // u1 in (0, 1] so the log is finite; u2 in [0, 1).
        const double u1 = (static_cast<double>(d[2 * j] >> 8) + 1.0) * 0x1p-24;
        const double u2 = static_cast<double>(d[2 * j + 1] >> 8) * 0x1p-24;
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double t = 2.0 * kPi * u2;
        out[i + 2 * j] = static_cast<float>(mean + stddev * r * std::cos(t));
        if (2 * j + 1 < len) out[i + 2 * j + 1] = static_cast<float>(mean + stddev * r * std::sin(t));
      }
    }
  });
}

void uniform_fill(float* out, std::size_t n, double low, double high, std::uint64_t seed, std::uint64_t offset) {
  const auto draws = active().philox_draws;
  const auto k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  const double span = high - low;
  parallel_range(n, kGrain, kWordBits, [&](std::size_t b, std::size_t e) {
    std::uint32_t d[kTile];
    for (std::size_t i = b; i < e; i += kTile) {
      const std::size_t len = e - i < kTile ? e - i : kTile;
      draws(d, len, k0, k1, offset + i);
      for (std::size_t j = 0; j < len; ++j) {
        out[i + j] = static_cast<float>(low + (static_cast<double>(d[j] >> 8) * 0x1p-24) * span);
      }
    }
  });
}

void philox4x32(const std::uint32_t counter[4], const std::uint32_t key[2], std::uint32_t out[4]) {
  std::uint32_t result[4];
  dn_philox4x32_10(counter, key[0], key[1], result);
  std::memcpy(out, result, sizeof(result));
}

}  // namespace dn
