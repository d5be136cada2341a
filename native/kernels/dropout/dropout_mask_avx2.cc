// AVX2 dropout kernels: Philox4x32-10 on 4 blocks per ymm set, several sets in flight.
//
// Layout as in the AVX-512 file: one block per 64-bit lane, each Philox word in the low half of
// its lane (the high half is garbage nobody reads), so _mm256_mul_epu32 yields a round's "lo"
// in place and one shift yields "hi". A round is 2 multiplies, 2 shifts and 4 XORs per 4 blocks.
//
// Keep bits: words 0/1 and 2/3 of each block are paired into qwords (one blend each), compared
// unsigned (max + equal), and movemask gives the keep bits in pair order; two spreads on the
// integer side put them in stream order. No cross-lane shuffle is needed for the mask.
// The apply expands a 32-bit keep word into lanes with variable shifts (bit -> sign) and blends
// x * scale with zero: dropped elements are +0 whatever x holds.
//
// Offsets that are not a multiple of 4: keep words are computed for the block-aligned stream and
// each element word is a funnel shift of two of them (no scalar head).
#if !defined(__AVX2__) || !defined(__FMA__)
#error "dropout_mask_avx2.cc must be compiled with -mavx2 -mfma"
#endif

#include <immintrin.h>

#include "dropout.h"
#include "philox.h"

namespace {

constexpr int kRounds = DN_PHILOX_ROUNDS;
// Keep words per step (two sets of 4 blocks each): more independent multiply chains than
// registers, but the spills go to the load/store units, which are idle here, and it measured faster.
constexpr int kWords = 2;

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

// Philox on NS sets of 4 blocks: set s holds blocks block0 + first + 4s .. + 3. On return
// t01[s] qword j = (word 0, word 1) of block j and t23[s] qword j = (word 2, word 3).
template <int NS>
inline void philox(const Stream& st, uint64_t first, __m256i t01[NS], __m256i t23[NS]) {
  const __m256i m0 = _mm256_set1_epi64x(DN_PHILOX_M0);
  const __m256i m1 = _mm256_set1_epi64x(DN_PHILOX_M1);
  const __m256i lane = _mm256_setr_epi64x(0, 1, 2, 3);
  __m256i c0[NS], c1[NS], c2[NS], c3[NS];
  // Round 1 has c2 = c3 = 0: the M1 product vanishes.
#pragma GCC unroll 4
  for (int s = 0; s < NS; ++s) {
    const __m256i ctr =
        _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(st.block0 + first + 4 * s)), lane);
    const __m256i p0 = _mm256_mul_epu32(ctr, m0);  // counter word 0 is the low half of ctr
    c0[s] = _mm256_xor_si256(_mm256_srli_epi64(ctr, 32), _mm256_set1_epi32(static_cast<int>(st.k0[0])));
    c1[s] = _mm256_setzero_si256();
    c2[s] = _mm256_xor_si256(_mm256_srli_epi64(p0, 32), _mm256_set1_epi32(static_cast<int>(st.k1[0])));
    c3[s] = p0;
  }
#pragma GCC unroll 9
  for (int r = 1; r < kRounds; ++r) {
    const __m256i k0 = _mm256_set1_epi32(static_cast<int>(st.k0[r]));
    const __m256i k1 = _mm256_set1_epi32(static_cast<int>(st.k1[r]));
#pragma GCC unroll 4
    for (int s = 0; s < NS; ++s) {
      const __m256i p0 = _mm256_mul_epu32(c0[s], m0);
      const __m256i p1 = _mm256_mul_epu32(c2[s], m1);
      c0[s] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c1[s]), k0);
      c1[s] = p1;
      c2[s] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c3[s]), k1);
      c3[s] = p0;
    }
  }
#pragma GCC unroll 4
  for (int s = 0; s < NS; ++s) {
    t01[s] = _mm256_blend_epi32(c0[s], _mm256_slli_epi64(c1[s], 32), 0xAA);
    t23[s] = _mm256_blend_epi32(c2[s], _mm256_slli_epi64(c3[s], 32), 0xAA);
  }
}

// Moves bit pairs from positions 2j to 4j (j = 0..3): a portable pdep(x, 0x3333).
inline uint32_t spread_pairs(uint32_t x) {
  x = (x | (x << 4)) & 0x0F0Fu;
  return (x | (x << 2)) & 0x3333u;
}

inline uint32_t keep_bits(__m256i v, __m256i thr) {
  const __m256i keep = _mm256_cmpeq_epi32(_mm256_max_epu32(v, thr), v);  // v >= thr, unsigned
  return static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(keep)));
}

// Keep bits of NW consecutive 32-draw words of the block-aligned stream, from word `first`.
template <int NW>
inline void keep_words(const Stream& st, uint64_t first, __m256i thr, uint32_t* words) {
  __m256i t01[2 * NW], t23[2 * NW];
  philox<2 * NW>(st, 8 * first, t01, t23);
#pragma GCC unroll 4
  for (int w = 0; w < NW; ++w) {
    uint32_t word = 0;
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      const int s = 2 * w + h;
      const uint32_t bits = spread_pairs(keep_bits(t01[s], thr)) | (spread_pairs(keep_bits(t23[s], thr)) << 2);
      word |= bits << (16 * h);
    }
    words[w] = word;
  }
}

inline uint32_t funnel(uint32_t a, uint32_t b, unsigned s) {
  return static_cast<uint32_t>(((static_cast<uint64_t>(b) << 32) | a) >> s);
}

// Lane l of group q gets bit 8q + l of the word in its sign bit.
inline __m256i bit_to_sign(__m256i word, int q) {
  const __m256i base = _mm256_setr_epi32(31, 30, 29, 28, 27, 26, 25, 24);
  return _mm256_sllv_epi32(word, _mm256_sub_epi32(base, _mm256_set1_epi32(8 * q)));
}

inline void apply32(float* out, const float* x, uint32_t word, __m256 scale) {
  const __m256i w = _mm256_set1_epi32(static_cast<int>(word));
  const __m256 zero = _mm256_setzero_ps();
#pragma GCC unroll 4
  for (int q = 0; q < 4; ++q) {
    const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + 8 * q), scale);
    _mm256_storeu_ps(out + 8 * q, _mm256_blendv_ps(zero, v, _mm256_castsi256_ps(bit_to_sign(w, q))));
  }
}

// The first m < 32 elements only: masked loads and stores touch nothing past element m - 1.
inline void apply_part(float* out, const float* x, uint32_t word, size_t m, __m256 scale) {
  const __m256i w = _mm256_set1_epi32(static_cast<int>(word));
  const __m256i live = _mm256_set1_epi32(static_cast<int>((1u << m) - 1u));
  const __m256 zero = _mm256_setzero_ps();
  for (int q = 0; q < 4; ++q) {
    const __m256i lm = bit_to_sign(live, q);
    const __m256 v = _mm256_mul_ps(_mm256_maskload_ps(x + 8 * q, lm), scale);
    _mm256_maskstore_ps(out + 8 * q, lm, _mm256_blendv_ps(zero, v, _mm256_castsi256_ps(bit_to_sign(w, q))));
  }
}

// Calls f(g, word, m) for every element word g of a call, m = elements in it (32 but the last).
template <class F>
inline void for_each_word(const dn_dropout_params* p, size_t n, F&& f) {
  const Stream st(p->k0, p->k1, p->offset);
  const unsigned s = static_cast<unsigned>(p->offset & 3u);
  const __m256i thr = _mm256_set1_epi32(static_cast<int>(p->threshold));
  const size_t words = (n + 31) / 32, full = n / 32;
  uint64_t next = 0;  // next stream word to compute
  uint32_t carry = 0;
  if (s != 0) keep_words<1>(st, next++, thr, &carry);
  size_t g = 0;
  for (; g + kWords <= full; g += kWords) {
    uint32_t sw[kWords];
    keep_words<kWords>(st, next, thr, sw);
    next += kWords;
#pragma GCC unroll 4
    for (int j = 0; j < kWords; ++j) {
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

void dn_f32_dropout_forward__avx2(float* out, uint32_t* mask, const float* x, size_t n,
                                  const dn_dropout_params* params) {
  if (n == 0) return;
  const __m256 scale = _mm256_set1_ps(params->scale);
  for_each_word(params, n, [&](size_t g, uint32_t word, size_t m) {
    mask[g] = word;
    if (m == 32) apply32(out + g * 32, x + g * 32, word, scale);
    else apply_part(out + g * 32, x + g * 32, word, m, scale);
  });
}

void dn_dropout_mask__avx2(uint32_t* mask, size_t n, const dn_dropout_params* params) {
  if (n == 0) return;
  for_each_word(params, n, [&](size_t g, uint32_t word, size_t) { mask[g] = word; });
}

void dn_f32_dropout_apply__avx2(float* out, const float* x, const uint32_t* mask, size_t bit0, size_t n,
                                float scale) {
  const __m256 sc = _mm256_set1_ps(scale);
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

void dn_philox_draws__avx2(uint32_t* out, size_t n, uint32_t k0, uint32_t k1, uint64_t offset) {
  // A head up to the next block boundary, then whole blocks straight into out, then a tail.
  const size_t head = (4 - (offset & 3u)) & 3u;
  const size_t h = head < n ? head : n;
  dn_philox_draws_scalar(out, h, k0, k1, offset);
  out += h;
  n -= h;
  offset += h;
  const Stream st(k0, k1, offset);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i t01[2], t23[2];
    philox<2>(st, i / 4, t01, t23);
#pragma GCC unroll 2
    for (int s = 0; s < 2; ++s) {
      const __m256i u0 = _mm256_unpacklo_epi64(t01[s], t23[s]);  // blocks 0 | 2
      const __m256i u1 = _mm256_unpackhi_epi64(t01[s], t23[s]);  // blocks 1 | 3
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + 16 * s), _mm256_permute2x128_si256(u0, u1, 0x20));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + 16 * s + 8), _mm256_permute2x128_si256(u0, u1, 0x31));
    }
  }
  dn_philox_draws_scalar(out + i, n - i, k0, k1, offset + i);
}

}  // extern "C"
