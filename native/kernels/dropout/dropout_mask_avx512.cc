// AVX-512 dropout kernels: dropout_mask_impl.h over simd::Avx512 and a Philox engine on 8 blocks
// per zmm set, four sets in flight.
//
// Each 64-bit lane carries one block; a Philox word lives in the low 32 bits of its lane (the
// high half is garbage no step reads), which suits _mm512_mul_epu32: the product's low half is
// the round's "lo" in place and one shift brings "hi" down. A round is 2 multiplies, 2 shifts
// and 2 three-way XORs (vpternlog) per 8 blocks, with no shuffles. Eight blocks are one keep
// word: a short transpose puts the draws in stream order and one unsigned compare per 16 draws
// gives the mask bits directly.
#include "../simd/simd_avx512.h"
#include "dropout.h"
#include "dropout_mask_impl.h"
#include "philox.h"

namespace {

struct Avx512Philox {
  // Four sets keep enough independent multiplies in flight to cover a round's latency; more spill.
  static constexpr int kWords = 4;
  static constexpr std::size_t kDraws = 32 * 4;
  dropout::RoundKeys keys;
  __m512i thr;

  Avx512Philox(std::uint32_t k0, std::uint32_t k1, std::uint32_t threshold)
      : keys(k0, k1), thr(_mm512_set1_epi32(static_cast<int>(threshold))) {}

  // Draws of blocks block + 8s .. + 7 for s < NS, in stream order: d[s][0] draws 0..15, d[s][1] 16..31.
  template <int NS>
  void draws32(std::uint64_t block, __m512i d[NS][2]) const {
    const __m512i m0 = _mm512_set1_epi64(DN_PHILOX_M0);
    const __m512i m1 = _mm512_set1_epi64(DN_PHILOX_M1);
    const __m512i lane = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7);
    __m512i c0[NS], c1[NS], c2[NS], c3[NS];
    // Round 1 has c2 = c3 = 0: the M1 product vanishes.
#pragma GCC unroll 4
    for (int s = 0; s < NS; ++s) {
      const __m512i ctr = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(block + 8 * s)), lane);
      const __m512i p0 = _mm512_mul_epu32(ctr, m0);  // counter word 0 is the low half of ctr
      c0[s] = _mm512_xor_si512(_mm512_srli_epi64(ctr, 32), _mm512_set1_epi32(static_cast<int>(keys.k0[0])));
      c1[s] = _mm512_setzero_si512();
      c2[s] = _mm512_xor_si512(_mm512_srli_epi64(p0, 32), _mm512_set1_epi32(static_cast<int>(keys.k1[0])));
      c3[s] = p0;
    }
#pragma GCC unroll 9
    for (int r = 1; r < DN_PHILOX_ROUNDS; ++r) {
      const __m512i k0 = _mm512_set1_epi32(static_cast<int>(keys.k0[r]));
      const __m512i k1 = _mm512_set1_epi32(static_cast<int>(keys.k1[r]));
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
    const __m512i lo_idx = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
    const __m512i hi_idx = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
#pragma GCC unroll 4
    for (int s = 0; s < NS; ++s) {
      // Odd 32-bit lanes take the pair-swapped neighbour: qword j becomes (word 0, word 1) of block j.
      const __m512i t01 = _mm512_mask_shuffle_epi32(c0[s], 0xAAAA, c1[s], _MM_PERM_CDAB);
      const __m512i t23 = _mm512_mask_shuffle_epi32(c2[s], 0xAAAA, c3[s], _MM_PERM_CDAB);
      d[s][0] = _mm512_permutex2var_epi64(t01, lo_idx, t23);  // blocks 0..3, words in order
      d[s][1] = _mm512_permutex2var_epi64(t01, hi_idx, t23);  // blocks 4..7
    }
  }

  template <int NW>
  void keep_words(std::uint64_t block, std::uint32_t* words) const {
    __m512i d[NW][2];
    draws32<NW>(block, d);
#pragma GCC unroll 4
    for (int s = 0; s < NW; ++s) {
      const std::uint32_t lo = _cvtmask16_u32(_mm512_cmpge_epu32_mask(d[s][0], thr));
      const std::uint32_t hi = _cvtmask16_u32(_mm512_cmpge_epu32_mask(d[s][1], thr));
      words[s] = lo | (hi << 16);
    }
  }

  void draws(std::uint64_t block, std::uint32_t* out) const {
    __m512i d[kWords][2];
    draws32<kWords>(block, d);
#pragma GCC unroll 4
    for (int s = 0; s < kWords; ++s) {
      _mm512_storeu_si512(out + 32 * s, d[s][0]);
      _mm512_storeu_si512(out + 32 * s + 16, d[s][1]);
    }
  }
};

}  // namespace

DN_DEFINE_DROPOUT(avx512, simd::Avx512, Avx512Philox)
