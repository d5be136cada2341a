// AVX-512 dropout kernels: Philox4x32-10 on 8 blocks per zmm set, four sets in flight.
//
// Layout: each 64-bit lane carries one block; a Philox word lives in the low 32 bits of its lane
// and the high half holds garbage that no step reads. That suits _mm512_mul_epu32, which
// multiplies the low halves into a full 64-bit product: the product's low half is the round's
// "lo" output in place, and one shift brings "hi" down. A round is then 2 multiplies, 2 shifts
// and 2 three-way XORs (vpternlog) per 8 blocks, with no shuffles.
//
// Eight blocks are 32 consecutive draws, i.e. one 32-bit word of keep bits: a short transpose
// puts the draws in stream order, one unsigned compare per 16 draws gives a __mmask16, and the
// masks are the bit-packed mask itself. The same mask drives a zero-masking multiply, so the
// apply is one instruction per 16 elements.
//
// Offsets that are not a multiple of 4 (or chunks starting mid-block): keep words are computed
// for the block-aligned stream and each element word is a 64-bit funnel shift of two of them,
// so every element still gets draw offset + i and the vector path never needs a scalar head.
#if !defined(__AVX512F__) || !defined(__AVX512BW__) || !defined(__AVX512DQ__) || !defined(__AVX512VL__)
#error "dropout_mask_avx512.cc must be compiled with -mavx512f -mavx512bw -mavx512dq -mavx512vl"
#endif

#include <immintrin.h>

#include "dropout.h"
#include "philox.h"

namespace {

constexpr int kRounds = DN_PHILOX_ROUNDS;
// Words (sets of 8 blocks) per step: four sets keep enough independent multiplies in flight to
// cover the latency of a round's multiply -> shift -> xor chain; more would spill.
constexpr int kSets = 4;

struct Stream {
  uint32_t k0[kRounds], k1[kRounds];  // the key of each round
  uint64_t block0;                     // block holding the call's first draw

  Stream(uint32_t key0, uint32_t key1, uint64_t offset) : block0(offset >> 2) {
    for (int r = 0; r < kRounds; ++r) {
      k0[r] = key0;
      k1[r] = key1;
      key0 += DN_PHILOX_W0;
      key1 += DN_PHILOX_W1;
    }
  }
};

// Philox on NS sets of 8 blocks: set s holds blocks block0 + 8 * (first + s) + 0..7. On return
// t[s][0] qword j = (word 0, word 1) of block j and t[s][1] qword j = (word 2, word 3).
template <int NS>
inline void philox8(const Stream& st, uint64_t first, __m512i t[NS][2]) {
  const __m512i m0 = _mm512_set1_epi64(DN_PHILOX_M0);
  const __m512i m1 = _mm512_set1_epi64(DN_PHILOX_M1);
  const __m512i lane = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
  __m512i c0[NS], c1[NS], c2[NS], c3[NS];
  // Round 1 has c2 = c3 = 0: the M1 product vanishes.
#pragma GCC unroll 4
  for (int s = 0; s < NS; ++s) {
    const __m512i ctr = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(st.block0 + 8 * (first + s))), lane);
    const __m512i hi_ctr = _mm512_srli_epi64(ctr, 32);  // counter word 1: high 32 bits of the block
    const __m512i p0 = _mm512_mul_epu32(ctr, m0);        // counter word 0 is the low half of ctr
    c0[s] = _mm512_xor_si512(hi_ctr, _mm512_set1_epi32(static_cast<int>(st.k0[0])));
    c1[s] = _mm512_setzero_si512();
    c2[s] = _mm512_xor_si512(_mm512_srli_epi64(p0, 32), _mm512_set1_epi32(static_cast<int>(st.k1[0])));
    c3[s] = p0;
  }
#pragma GCC unroll 9
  for (int r = 1; r < kRounds; ++r) {
    const __m512i k0 = _mm512_set1_epi32(static_cast<int>(st.k0[r]));
    const __m512i k1 = _mm512_set1_epi32(static_cast<int>(st.k1[r]));
#pragma GCC unroll 4
    for (int s = 0; s < NS; ++s) {
      const __m512i p0 = _mm512_mul_epu32(c0[s], m0);
      const __m512i p1 = _mm512_mul_epu32(c2[s], m1);
      c0[s] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p1, 32), c1[s], k0, 0x96);  // a ^ b ^ c
      c1[s] = p1;
      c2[s] = _mm512_ternarylogic_epi64(_mm512_srli_epi64(p0, 32), c3[s], k1, 0x96);
      c3[s] = p0;
    }
  }
#pragma GCC unroll 4
  for (int s = 0; s < NS; ++s) {
    // Odd 32-bit lanes take the pair-swapped neighbour: qword j becomes (word0, word1) of block j.
    t[s][0] = _mm512_mask_shuffle_epi32(c0[s], 0xAAAA, c1[s], _MM_PERM_CDAB);
    t[s][1] = _mm512_mask_shuffle_epi32(c2[s], 0xAAAA, c3[s], _MM_PERM_CDAB);
  }
}

// Draws 32k .. 32k + 31 (counted from block0's first draw) for NS consecutive k = first ..,
// in stream order: d[s][0] holds draws 0..15 of set s, d[s][1] draws 16..31.
template <int NS>
inline void draws32(const Stream& st, uint64_t first, __m512i d[NS][2]) {
  __m512i t[NS][2];
  philox8<NS>(st, first, t);
  const __m512i lo_idx = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
  const __m512i hi_idx = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
#pragma GCC unroll 4
  for (int s = 0; s < NS; ++s) {
    d[s][0] = _mm512_permutex2var_epi64(t[s][0], lo_idx, t[s][1]);  // blocks 0..3, words in order
    d[s][1] = _mm512_permutex2var_epi64(t[s][0], hi_idx, t[s][1]);  // blocks 4..7
  }
}

// Keep bits of NS consecutive 32-draw words of the block-aligned stream.
template <int NS>
inline void keep_words(const Stream& st, uint64_t first, __m512i thr, uint32_t* words) {
  __m512i d[NS][2];
  draws32<NS>(st, first, d);
#pragma GCC unroll 4
  for (int s = 0; s < NS; ++s) {
    const uint32_t lo = _cvtmask16_u32(_mm512_cmpge_epu32_mask(d[s][0], thr));
    const uint32_t hi = _cvtmask16_u32(_mm512_cmpge_epu32_mask(d[s][1], thr));
    words[s] = lo | (hi << 16);
  }
}

// Bits s .. s + 31 of the 64-bit string (b:a): the element word when draws start s into a block.
inline uint32_t funnel(uint32_t a, uint32_t b, unsigned s) {
  return static_cast<uint32_t>(((static_cast<uint64_t>(b) << 32) | a) >> s);
}

inline void apply32(float* out, const float* x, uint32_t word, __m512 scale) {
  const __m512 a = _mm512_maskz_mul_ps(static_cast<__mmask16>(word), _mm512_loadu_ps(x), scale);
  const __m512 b = _mm512_maskz_mul_ps(static_cast<__mmask16>(word >> 16), _mm512_loadu_ps(x + 16), scale);
  _mm512_storeu_ps(out, a);
  _mm512_storeu_ps(out + 16, b);
}

// The first m < 32 elements only: masked loads and stores touch nothing past element m - 1.
inline void apply_part(float* out, const float* x, uint32_t word, size_t m, __m512 scale) {
  const uint32_t live = (1u << m) - 1u;
  const __mmask16 l0 = static_cast<__mmask16>(live), l1 = static_cast<__mmask16>(live >> 16);
  const __m512 a = _mm512_maskz_mul_ps(static_cast<__mmask16>(word), _mm512_maskz_loadu_ps(l0, x), scale);
  const __m512 b = _mm512_maskz_mul_ps(static_cast<__mmask16>(word >> 16), _mm512_maskz_loadu_ps(l1, x + 16), scale);
  _mm512_mask_storeu_ps(out, l0, a);
  _mm512_mask_storeu_ps(out + 16, l1, b);
}

// Calls f(g, word, m) for every element word g of a call, m = elements in it (32 but the last).
// Draws start s = offset % 4 into block0.
template <class F>
inline void for_each_word(const dn_dropout_params* p, size_t n, F&& f) {
  const Stream st(p->k0, p->k1, p->offset);
  const unsigned s = static_cast<unsigned>(p->offset & 3u);
  const __m512i thr = _mm512_set1_epi32(static_cast<int>(p->threshold));
  const size_t words = (n + 31) / 32, full = n / 32;
  uint64_t next = 0;  // next stream word to compute
  uint32_t carry = 0;
  if (s != 0) keep_words<1>(st, next++, thr, &carry);
  size_t g = 0;
  for (; g + kSets <= full; g += kSets) {
    uint32_t sw[kSets];
    keep_words<kSets>(st, next, thr, sw);
    next += kSets;
#pragma GCC unroll 4
    for (int j = 0; j < kSets; ++j) {
      f(g + j, s != 0 ? funnel(carry, sw[j], s) : sw[j], size_t{32});
      carry = sw[j];
    }
  }
  for (; g < words; ++g) {
    uint32_t sw;
    keep_words<1>(st, next++, thr, &sw);
    uint32_t w = s != 0 ? funnel(carry, sw, s) : sw;
    carry = sw;
    const size_t m = n - g * 32 < 32 ? n - g * 32 : 32;
    if (m < 32) w &= (1u << m) - 1u;
    f(g, w, m);
  }
}

}  // namespace

extern "C" {

void dn_f32_dropout_forward__avx512(float* out, uint32_t* mask, const float* x, size_t n,
                                    const dn_dropout_params* params) {
  if (n == 0) return;
  const __m512 scale = _mm512_set1_ps(params->scale);
  for_each_word(params, n, [&](size_t g, uint32_t word, size_t m) {
    mask[g] = word;
    if (m == 32) apply32(out + g * 32, x + g * 32, word, scale);
    else apply_part(out + g * 32, x + g * 32, word, m, scale);
  });
}

void dn_dropout_mask__avx512(uint32_t* mask, size_t n, const dn_dropout_params* params) {
  if (n == 0) return;
  for_each_word(params, n, [&](size_t g, uint32_t word, size_t) { mask[g] = word; });
}

void dn_f32_dropout_apply__avx512(float* out, const float* x, const uint32_t* mask, size_t bit0, size_t n,
                                  float scale) {
  const __m512 sc = _mm512_set1_ps(scale);
  for (size_t i = 0; i < n; i += 32) {
    const size_t b = bit0 + i, w = b >> 5;
    const unsigned sh = static_cast<unsigned>(b & 31u);
    const size_t m = n - i < 32 ? n - i : 32;
    // Read the next mask word only when this run's bits reach into it (never past the mask).
    uint64_t two = mask[w];
    if (((b + m - 1) >> 5) != w) two |= static_cast<uint64_t>(mask[w + 1]) << 32;
    const uint32_t word = static_cast<uint32_t>(two >> sh);
    if (m == 32) apply32(out + i, x + i, word, sc);
    else apply_part(out + i, x + i, word & ((1u << m) - 1u), m, sc);
  }
}

void dn_philox_draws__avx512(uint32_t* out, size_t n, uint32_t k0, uint32_t k1, uint64_t offset) {
  // A head up to the next block boundary, then whole blocks straight into out, then a tail.
  const size_t head = (4 - (offset & 3u)) & 3u;
  const size_t h = head < n ? head : n;
  dn_philox_draws_scalar(out, h, k0, k1, offset);
  out += h;
  n -= h;
  offset += h;
  const Stream st(k0, k1, offset);
  size_t i = 0;
  for (; i + 32 * kSets <= n; i += 32 * kSets) {
    __m512i d[kSets][2];
    draws32<kSets>(st, i / 32, d);
#pragma GCC unroll 4
    for (int s = 0; s < kSets; ++s) {
      _mm512_storeu_si512(out + i + 32 * s, d[s][0]);
      _mm512_storeu_si512(out + i + 32 * s + 16, d[s][1]);
    }
  }
  dn_philox_draws_scalar(out + i, n - i, k0, k1, offset + i);
}

}  // extern "C"
