// AVX2 dropout kernels: dropout_mask_impl.h over simd::Avx2 and a Philox engine on 4 blocks per
// ymm set, several sets in flight.
//
// Layout as in the AVX-512 file: one block per 64-bit lane, each Philox word in the low half of
// its lane (the high half is garbage nobody reads), so _mm256_mul_epu32 yields a round's "lo" in
// place and one shift yields "hi". A round is 2 multiplies, 2 shifts and 4 XORs per 4 blocks;
// the round keys are pre-broadcast vectors in memory, used as memory operands.
// Keep bits: words 0/1 and 2/3 of each block are paired into qwords (one blend each), compared
// unsigned (max + equal), and movemask gives the bits in pair order; two spreads on the integer
// side put them in stream order. No cross-lane shuffle is needed.
#include "../simd/simd_avx2.h"
#include "dropout.h"
#include "dropout_mask_impl.h"
#include "philox.h"

namespace {

struct Avx2Philox {
  // Three keep words (six sets) per step: more chains than registers, but the spills go to the
  // load/store units, idle here; measured faster than two or four (docs/dropout.md).
  static constexpr int kWords = 3;
  static constexpr std::size_t kDraws = 32;
  __m256i k0[DN_PHILOX_ROUNDS], k1[DN_PHILOX_ROUNDS];
  __m256i thr;

  Avx2Philox(std::uint32_t key0, std::uint32_t key1, std::uint32_t threshold)
      : thr(_mm256_set1_epi32(static_cast<int>(threshold))) {
    const dropout::RoundKeys keys(key0, key1);
    for (int r = 0; r < DN_PHILOX_ROUNDS; ++r) {
      k0[r] = _mm256_set1_epi32(static_cast<int>(keys.k0[r]));
      k1[r] = _mm256_set1_epi32(static_cast<int>(keys.k1[r]));
    }
  }

  // Philox on NS sets of 4 blocks: set s holds blocks block + 4s .. + 3. On return t01[s] qword j
  // = (word 0, word 1) of block j and t23[s] qword j = (word 2, word 3).
  template <int NS>
  void philox(std::uint64_t block, __m256i t01[NS], __m256i t23[NS]) const {
    const __m256i m0 = _mm256_set1_epi64x(DN_PHILOX_M0);
    const __m256i m1 = _mm256_set1_epi64x(DN_PHILOX_M1);
    const __m256i lane = _mm256_setr_epi64x(0, 1, 2, 3);
    __m256i c0[NS], c1[NS], c2[NS], c3[NS];
    // Round 1 has c2 = c3 = 0: the M1 product vanishes.
#pragma GCC unroll 8
    for (int s = 0; s < NS; ++s) {
      const __m256i ctr = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(block + 4 * s)), lane);
      const __m256i p0 = _mm256_mul_epu32(ctr, m0);  // counter word 0 is the low half of ctr
      c0[s] = _mm256_xor_si256(_mm256_srli_epi64(ctr, 32), k0[0]);
      c1[s] = _mm256_setzero_si256();
      c2[s] = _mm256_xor_si256(_mm256_srli_epi64(p0, 32), k1[0]);
      c3[s] = p0;
    }
#pragma GCC unroll 9
    for (int r = 1; r < DN_PHILOX_ROUNDS; ++r) {
#pragma GCC unroll 8
      for (int s = 0; s < NS; ++s) {
        // The key XOR first: it does not wait for the multiply.
        const __m256i a0 = _mm256_xor_si256(c1[s], k0[r]);
        const __m256i a2 = _mm256_xor_si256(c3[s], k1[r]);
        const __m256i p0 = _mm256_mul_epu32(c0[s], m0);
        const __m256i p1 = _mm256_mul_epu32(c2[s], m1);
        c0[s] = _mm256_xor_si256(_mm256_srli_epi64(p1, 32), a0);
        c1[s] = p1;
        c2[s] = _mm256_xor_si256(_mm256_srli_epi64(p0, 32), a2);
        c3[s] = p0;
      }
    }
#pragma GCC unroll 8
    for (int s = 0; s < NS; ++s) {
      t01[s] = _mm256_blend_epi32(c0[s], _mm256_slli_epi64(c1[s], 32), 0xAA);
      t23[s] = _mm256_blend_epi32(c2[s], _mm256_slli_epi64(c3[s], 32), 0xAA);
    }
  }

  // Moves bit pairs from positions 2j to 4j (j = 0..3): a portable pdep(x, 0x3333).
  static std::uint32_t spread_pairs(std::uint32_t x) {
    x = (x | (x << 4)) & 0x0F0Fu;
    return (x | (x << 2)) & 0x3333u;
  }

  std::uint32_t keep_bits(__m256i v) const {
    const __m256i keep = _mm256_cmpeq_epi32(_mm256_max_epu32(v, thr), v);  // v >= thr, unsigned
    return static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(keep)));
  }

  template <int NW>
  void keep_words(std::uint64_t block, std::uint32_t* words) const {
    __m256i t01[2 * NW], t23[2 * NW];
    philox<2 * NW>(block, t01, t23);
#pragma GCC unroll 4
    for (int w = 0; w < NW; ++w) {
      const std::uint32_t lo = spread_pairs(keep_bits(t01[2 * w])) | (spread_pairs(keep_bits(t23[2 * w])) << 2);
      const std::uint32_t hi = spread_pairs(keep_bits(t01[2 * w + 1])) | (spread_pairs(keep_bits(t23[2 * w + 1])) << 2);
      words[w] = lo | (hi << 16);
    }
  }

  void draws(std::uint64_t block, std::uint32_t* out) const {
    __m256i t01[2], t23[2];
    philox<2>(block, t01, t23);
#pragma GCC unroll 2
    for (int s = 0; s < 2; ++s) {
      const __m256i u0 = _mm256_unpacklo_epi64(t01[s], t23[s]);  // blocks 0 | 2
      const __m256i u1 = _mm256_unpackhi_epi64(t01[s], t23[s]);  // blocks 1 | 3
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 16 * s), _mm256_permute2x128_si256(u0, u1, 0x20));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 16 * s + 8), _mm256_permute2x128_si256(u0, u1, 0x31));
    }
  }
};

}  // namespace

DN_DEFINE_DROPOUT(avx2, simd::Avx2, Avx2Philox)
