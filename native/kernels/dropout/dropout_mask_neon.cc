// NEON dropout kernels (AArch64): Philox4x32-10 on 4 blocks per q-register set, two sets in
// flight, draws stored in stream order by vst4q (its interleave is exactly the block-to-draw
// order), then compared and applied 4 lanes at a time from a small stack tile.
//
// A round per 4 blocks: vmull_u32 / vmull_high_u32 give the four 64-bit products, vuzp2q picks
// their high halves and vuzp1q their low halves, and two XORs per output word add the key.
#if !defined(__ARM_NEON) || !defined(__aarch64__)
#error "dropout_mask_neon.cc is for AArch64 (NEON) builds only"
#endif

#include <arm_neon.h>

#include "dropout.h"
#include "philox.h"

namespace {

constexpr int kRounds = DN_PHILOX_ROUNDS;
constexpr size_t kTile = 256;  // elements per stack tile of draws (a multiple of 32)

// Writes the 16 draws of blocks block .. block + 3 to out, for NS consecutive groups of 4 blocks.
template <int NS>
inline void philox16(uint64_t block, const uint32_t* rk0, const uint32_t* rk1, uint32_t* out) {
  const uint32x4_t m0 = vdupq_n_u32(DN_PHILOX_M0), m1 = vdupq_n_u32(DN_PHILOX_M1);
  const uint32x2_t m0h = vdup_n_u32(DN_PHILOX_M0), m1h = vdup_n_u32(DN_PHILOX_M1);
  uint32x4_t c0[NS], c1[NS], c2[NS], c3[NS];
  for (int s = 0; s < NS; ++s) {
    const uint64_t b = block + 4 * static_cast<uint64_t>(s);
    const uint32_t lo[4] = {static_cast<uint32_t>(b), static_cast<uint32_t>(b + 1), static_cast<uint32_t>(b + 2),
                            static_cast<uint32_t>(b + 3)};
    const uint32_t hi[4] = {static_cast<uint32_t>(b >> 32), static_cast<uint32_t>((b + 1) >> 32),
                            static_cast<uint32_t>((b + 2) >> 32), static_cast<uint32_t>((b + 3) >> 32)};
    c0[s] = vld1q_u32(lo);
    c1[s] = vld1q_u32(hi);
    c2[s] = vdupq_n_u32(0);
    c3[s] = vdupq_n_u32(0);
  }
  for (int r = 0; r < kRounds; ++r) {
    const uint32x4_t k0 = vdupq_n_u32(rk0[r]), k1 = vdupq_n_u32(rk1[r]);
    for (int s = 0; s < NS; ++s) {
      const uint32x4_t p0a = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(c0[s]), m0h));
      const uint32x4_t p0b = vreinterpretq_u32_u64(vmull_high_u32(c0[s], m0));
      const uint32x4_t p1a = vreinterpretq_u32_u64(vmull_u32(vget_low_u32(c2[s]), m1h));
      const uint32x4_t p1b = vreinterpretq_u32_u64(vmull_high_u32(c2[s], m1));
      // Little-endian 64-bit products: even 32-bit elements are the low halves, odd the high.
      const uint32x4_t hi0 = vuzp2q_u32(p0a, p0b), lo0 = vuzp1q_u32(p0a, p0b);
      const uint32x4_t hi1 = vuzp2q_u32(p1a, p1b), lo1 = vuzp1q_u32(p1a, p1b);
      c0[s] = veorq_u32(veorq_u32(hi1, c1[s]), k0);
      c1[s] = lo1;
      c2[s] = veorq_u32(veorq_u32(hi0, c3[s]), k1);
      c3[s] = lo0;
    }
  }
  for (int s = 0; s < NS; ++s) {
    uint32x4x4_t v;
    v.val[0] = c0[s];
    v.val[1] = c1[s];
    v.val[2] = c2[s];
    v.val[3] = c3[s];
    vst4q_u32(out + 16 * s, v);  // out[4j + w] = word w of block j: stream order
  }
}

void round_keys(uint32_t k0, uint32_t k1, uint32_t* rk0, uint32_t* rk1) {
  for (int r = 0; r < kRounds; ++r) {
    rk0[r] = k0;
    rk1[r] = k1;
    k0 += DN_PHILOX_W0;
    k1 += DN_PHILOX_W1;
  }
}

void draws(uint32_t* out, size_t n, uint32_t k0, uint32_t k1, uint64_t offset) {
  const size_t head = (4 - (offset & 3u)) & 3u;
  const size_t h = head < n ? head : n;
  dn_philox_draws_scalar(out, h, k0, k1, offset);
  out += h;
  n -= h;
  offset += h;
  uint32_t rk0[kRounds], rk1[kRounds];
  round_keys(k0, k1, rk0, rk1);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) philox16<2>((offset + i) >> 2, rk0, rk1, out + i);
  dn_philox_draws_scalar(out + i, n - i, k0, k1, offset + i);
}

// Keep bits of up to 32 draws (len), element j of the word at bit j.
inline uint32_t keep_word(const uint32_t* d, size_t len, uint32x4_t thr) {
  static const uint32_t kBits[4] = {1u, 2u, 4u, 8u};
  const uint32x4_t bits = vld1q_u32(kBits);
  uint32_t word = 0;
  size_t j = 0;
  for (; j + 4 <= len; j += 4) {
    const uint32x4_t keep = vcgeq_u32(vld1q_u32(d + j), thr);
    word |= vaddvq_u32(vandq_u32(keep, bits)) << j;
  }
  for (; j < len; ++j) word |= static_cast<uint32_t>(d[j] >= vgetq_lane_u32(thr, 0)) << j;
  return word;
}

// out[j] = bit j of word ? x[j] * scale : 0 for j < len (<= 32).
inline void apply_word(float* out, const float* x, uint32_t word, size_t len, float scale) {
  static const uint32_t kBits[4] = {1u, 2u, 4u, 8u};
  const uint32x4_t bits = vld1q_u32(kBits);
  const float32x4_t sc = vdupq_n_f32(scale);
  size_t j = 0;
  for (; j + 4 <= len; j += 4) {
    const uint32x4_t keep = vtstq_u32(vdupq_n_u32(word >> j), bits);
    const uint32x4_t v = vreinterpretq_u32_f32(vmulq_f32(vld1q_f32(x + j), sc));
    vst1q_f32(out + j, vreinterpretq_f32_u32(vandq_u32(v, keep)));
  }
  for (; j < len; ++j) out[j] = ((word >> j) & 1u) ? x[j] * scale : 0.0f;
}

}  // namespace

extern "C" {

void dn_f32_dropout_forward__neon(float* out, uint32_t* mask, const float* x, size_t n,
                                  const dn_dropout_params* params) {
  const uint32x4_t thr = vdupq_n_u32(params->threshold);
  uint32_t d[kTile];
  for (size_t i0 = 0; i0 < n; i0 += kTile) {
    const size_t len = n - i0 < kTile ? n - i0 : kTile;
    draws(d, len, params->k0, params->k1, params->offset + i0);
    for (size_t j = 0; j < len; j += 32) {
      const size_t m = len - j < 32 ? len - j : 32;
      const uint32_t word = keep_word(d + j, m, thr);
      mask[(i0 + j) / 32] = word;
      apply_word(out + i0 + j, x + i0 + j, word, m, params->scale);
    }
  }
}

void dn_dropout_mask__neon(uint32_t* mask, size_t n, const dn_dropout_params* params) {
  const uint32x4_t thr = vdupq_n_u32(params->threshold);
  uint32_t d[kTile];
  for (size_t i0 = 0; i0 < n; i0 += kTile) {
    const size_t len = n - i0 < kTile ? n - i0 : kTile;
    draws(d, len, params->k0, params->k1, params->offset + i0);
    for (size_t j = 0; j < len; j += 32) mask[(i0 + j) / 32] = keep_word(d + j, len - j < 32 ? len - j : 32, thr);
  }
}

void dn_f32_dropout_apply__neon(float* out, const float* x, const uint32_t* mask, size_t bit0, size_t n, float scale) {
  for (size_t i = 0; i < n; i += 32) {
    const size_t b = bit0 + i, w = b >> 5;
    const unsigned sh = static_cast<unsigned>(b & 31u);
    const size_t m = n - i < 32 ? n - i : 32;
    // Read the next mask word only when this run's bits reach into it (never past the mask).
    uint64_t two = mask[w];
    if (((b + m - 1) >> 5) != w) two |= static_cast<uint64_t>(mask[w + 1]) << 32;
    apply_word(out + i, x + i, static_cast<uint32_t>(two >> sh), m, scale);
  }
}

void dn_philox_draws__neon(uint32_t* out, size_t n, uint32_t k0, uint32_t k1, uint64_t offset) {
  draws(out, n, k0, k1, offset);
}

}  // extern "C"
