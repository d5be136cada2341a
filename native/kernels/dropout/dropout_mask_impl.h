// The dropout kernels of dropout.h written once over two ISA types, instantiated by one .cc file
// per ISA (DN_DEFINE_DROPOUT): S, the float traits of native/kernels/simd/, applies a keep word
// to 32 floats; E, the ISA's Philox engine, computes keep words and raw draws:
//
//   E e(k0, k1, threshold);
//   E::kWords                 keep words per step of the main loop (1 or E::kWords per call)
//   e.keep_words<NW>(b, w)    w[j] = keep bits of the 32 draws of blocks b + 8j .. b + 8j + 7
//   E::kDraws                 draws per call of draws (a multiple of 4)
//   e.draws(b, out)           out[0 .. kDraws) = the draws of blocks b, b + 1, ... in stream order
//
// A call whose offset is not a multiple of 4 starts s = offset % 4 draws into its first block:
// keep words are computed for the block-aligned stream and each element word is a funnel shift
// of two of them, so no ISA needs a scalar head. Internal linkage, as the traits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dropout.h"
#include "philox.h"

namespace {
namespace dropout {

// The key of each round (Philox bumps the key after every round).
struct RoundKeys {
  std::uint32_t k0[DN_PHILOX_ROUNDS], k1[DN_PHILOX_ROUNDS];
  RoundKeys(std::uint32_t key0, std::uint32_t key1) {
    for (int r = 0; r < DN_PHILOX_ROUNDS; ++r) {
      k0[r] = key0;
      k1[r] = key1;
      key0 += DN_PHILOX_W0;
      key1 += DN_PHILOX_W1;
    }
  }
};

// Bits s .. s + 31 of the 64-bit string (b:a): the element word when draws start s into a block.
inline std::uint32_t funnel(std::uint32_t a, std::uint32_t b, unsigned s) {
  return static_cast<std::uint32_t>(((static_cast<std::uint64_t>(b) << 32) | a) >> s);
}

// Calls f(g, word, m) for every element word g of a call, m = elements in it (32 but the last).
template <class E, class F>
void for_each_word(const dn_dropout_params* p, std::size_t n, F&& f) {
  const E e(p->k0, p->k1, p->threshold);
  const std::uint64_t block0 = p->offset >> 2;
  const unsigned s = static_cast<unsigned>(p->offset & 3u);
  const std::size_t words = (n + 31) / 32, full = n / 32;
  std::uint64_t next = 0;  // next stream word to compute
  std::uint32_t carry = 0;
  if (s != 0) e.template keep_words<1>(block0 + 8 * next++, &carry);
  std::size_t g = 0;
  for (; g + E::kWords <= full; g += E::kWords) {
    std::uint32_t sw[E::kWords];
    e.template keep_words<E::kWords>(block0 + 8 * next, sw);
    next += E::kWords;
    for (int j = 0; j < E::kWords; ++j) {
      f(g + j, s != 0 ? funnel(carry, sw[j], s) : sw[j], std::size_t{32});
      carry = sw[j];
    }
  }
  for (; g < words; ++g) {
    std::uint32_t sw;
    e.template keep_words<1>(block0 + 8 * next++, &sw);
    std::uint32_t w = s != 0 ? funnel(carry, sw, s) : sw;
    carry = sw;
    const std::size_t m = n - g * 32 < 32 ? n - g * 32 : 32;
    if (m < 32) w &= (1u << m) - 1u;
    f(g, w, m);
  }
}

// out[i] = bit i of word ? x[i] * scale : +0 for i < m (m <= 32); nothing past element m - 1
// is read or written.
template <class S>
inline void apply(float* out, const float* x, std::uint32_t word, std::size_t m, typename S::V scale) {
  constexpr std::size_t W = S::W;
  if (m == 32) {
    for (std::size_t q = 0; q < 32 / W; ++q) {
      const auto v = S::mul(S::load(x + W * q), scale);
      S::store(out + W * q, S::keep(S::bit_lanes(word, static_cast<int>(q)), v));
    }
    return;
  }
  for (std::size_t q = 0; W * q < m; ++q) {
    const std::size_t lanes = m - W * q < W ? m - W * q : W;
    const auto keep = S::bit_lanes(word, static_cast<int>(q));
    if (lanes == W)
      S::store(out + W * q, S::keep(keep, S::mul(S::load(x + W * q), scale)));
    else
      S::store_n(out + W * q, S::keep(keep, S::mul(S::load_n(x + W * q, lanes), scale)), lanes);
  }
}

template <class S, class E>
void forward(float* out, std::uint32_t* mask, const float* x, std::size_t n, const dn_dropout_params* p) {
  if (n == 0) return;
  const auto scale = S::set1(p->scale);
  for_each_word<E>(p, n, [&](std::size_t g, std::uint32_t word, std::size_t m) {
    mask[g] = word;
    apply<S>(out + g * 32, x + g * 32, word, m, scale);
  });
}

template <class E>
void mask_only(std::uint32_t* mask, std::size_t n, const dn_dropout_params* p) {
  if (n == 0) return;
  for_each_word<E>(p, n, [&](std::size_t g, std::uint32_t word, std::size_t) { mask[g] = word; });
}

template <class S>
void apply_mask(float* out, const float* x, const std::uint32_t* mask, std::size_t bit0, std::size_t n, float scale) {
  const auto sc = S::set1(scale);
  for (std::size_t i = 0; i < n; i += 32) {
    const std::size_t b = bit0 + i, w = b >> 5;
    const unsigned sh = static_cast<unsigned>(b & 31u);
    const std::size_t m = n - i < 32 ? n - i : 32;
    // Read the next mask word only when this run's bits reach into it (never past the mask).
    std::uint64_t two = mask[w];
    if (((b + m - 1) >> 5) != w) two |= static_cast<std::uint64_t>(mask[w + 1]) << 32;
    const std::uint32_t word = static_cast<std::uint32_t>(two >> sh);
    apply<S>(out + i, x + i, m == 32 ? word : word & ((1u << m) - 1u), m, sc);
  }
}

template <class E>
void draws(std::uint32_t* out, std::size_t n, std::uint32_t k0, std::uint32_t k1, std::uint64_t offset) {
  // A head up to the next block boundary, then whole steps straight into out, then a tail.
  const std::size_t head = (4 - (offset & 3u)) & 3u;
  const std::size_t h = head < n ? head : n;
  dn_philox_draws_scalar(out, h, k0, k1, offset);
  out += h;
  n -= h;
  offset += h;
  const E e(k0, k1, 0);
  std::size_t i = 0;
  for (; i + E::kDraws <= n; i += E::kDraws) e.draws((offset + i) >> 2, out + i);
  dn_philox_draws_scalar(out + i, n - i, k0, k1, offset + i);
}

}  // namespace dropout
}  // namespace

#define DN_DEFINE_DROPOUT(isa, S, E)                                                                        \
  extern "C" {                                                                                              \
  void dn_f32_dropout_forward__##isa(float* out, uint32_t* mask, const float* x, size_t n,                  \
                                     const dn_dropout_params* params) {                                     \
    dropout::forward<S, E>(out, mask, x, n, params);                                                        \
  }                                                                                                         \
  void dn_dropout_mask__##isa(uint32_t* mask, size_t n, const dn_dropout_params* params) {                  \
    dropout::mask_only<E>(mask, n, params);                                                                 \
  }                                                                                                         \
  void dn_f32_dropout_apply__##isa(float* out, const float* x, const uint32_t* mask, size_t bit0, size_t n, \
                                   float scale) {                                                           \
    dropout::apply_mask<S>(out, x, mask, bit0, n, scale);                                                   \
  }                                                                                                         \
  void dn_philox_draws__##isa(uint32_t* out, size_t n, uint32_t k0, uint32_t k1, uint64_t offset) {         \
    dropout::draws<E>(out, n, k0, k1, offset);                                                              \
  }                                                                                                         \
  }
