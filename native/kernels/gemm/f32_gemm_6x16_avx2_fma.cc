// AVX2+FMA 6x16 micro-kernel: 12 ymm accumulators (6 rows x 2 vectors of 8 columns), 2 ymm for
// the B row and 1 for the broadcast A element: 15 of the 16 ymm registers. Per k step: 2 B
// loads, 6 broadcasts, 12 FMAs, which keeps both FMA pipes busy without spilling.
// Tiles of at most 8 columns run a one-vector loop (half the FMAs, none of them wasted), and
// tiles of at most 2 or 4 rows run loops over that many rows only (a convolution's 32 output
// channels are 5 panels of 6 rows and one of 2: the last costs a third of a full one).
// Edge tiles read C and the bias with vmaskmovps loads and write C with 4/2/1-float stores:
// vmaskmovps *stores* are microcoded and slow on AMD cores, and nothing outside the mr x nr
// window may be touched. The arithmetic per element is the same in every case.
#if !defined(__AVX2__) || !defined(__FMA__)
#error "f32_gemm_6x16_avx2_fma.cc must be compiled with -mavx2 -mfma"
#endif

#include <assert.h>
#include <immintrin.h>

#include "gemm.h"

namespace {

constexpr size_t kMR = 6;
constexpr size_t kNR = 16;

struct Epilogue {
  __m256 alpha, beta, slope, bias[2];
  bool read_c, has_bias;
  int act;
  const float* row_bias;  // or null
};

// Sums the tile over kc steps into acc[i][v] for rows i < kRows (NV vectors of 8 columns). A is
// the packed panel (kPacked) or read in place through row pointers with unit stride along k.
template <int NV, size_t kRows, bool kPacked>
inline void accumulate(__m256 (&acc)[kMR][2], size_t kc, const float* a, size_t a_stride, size_t mr, const float* b) {
  // In place, rows past mr read row 0 (always there); the packed panel has zeros for them.
  const float* row[kMR];
  for (size_t i = 0; i < kRows; ++i) row[i] = a + (i < mr ? i : 0) * a_stride;
#pragma GCC unroll 4
  for (size_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = NV == 2 ? _mm256_loadu_ps(b + 8) : b0;
#pragma GCC unroll 6
    for (size_t i = 0; i < kRows; ++i) {
      const __m256 ai = _mm256_broadcast_ss(kPacked ? a + i : row[i] + p);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      if (NV == 2) acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
    if (kPacked) a += kMR;
    b += kNR;
  }
}

// All lanes below n (n in [0, 8]) set.
inline __m256i first_lanes(size_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// kRowBias: a separate instantiation, so tiles without a row bias run the code they ran before.
template <bool kRowBias>
inline __m256 finish(const Epilogue& e, __m256 acc, __m256 old, __m256 bias, __m256 row_bias) {
  __m256 t = _mm256_mul_ps(e.alpha, acc);
  if (e.read_c) t = _mm256_fmadd_ps(e.beta, old, t);
  if (e.has_bias) t = _mm256_add_ps(t, bias);
  if (kRowBias) t = _mm256_add_ps(t, row_bias);
  const __m256 zero = _mm256_setzero_ps();
  if (e.act == DN_GEMM_ACT_RELU) {
    t = _mm256_max_ps(zero, t);  // (0 > t) ? 0 : t: NaN and -0 pass through
  } else if (e.act == DN_GEMM_ACT_LEAKY_RELU) {
    t = _mm256_blendv_ps(t, _mm256_mul_ps(t, e.slope), _mm256_cmp_ps(t, zero, _CMP_LT_OQ));
  }
  return t;
}

// Stores the first n (1..8) lanes of v at d.
inline void store_first(float* d, __m256 v, size_t n) {
  if (n == 8) {
    _mm256_storeu_ps(d, v);
    return;
  }
  __m128 x = _mm256_castps256_ps128(v);
  if (n & 4) {
    _mm_storeu_ps(d, x);
    x = _mm256_extractf128_ps(v, 1);
    d += 4;
  }
  if (n & 2) {
    _mm_storel_pi(reinterpret_cast<__m64*>(d), x);
    x = _mm_movehl_ps(x, x);
    d += 2;
  }
  if (n & 1) _mm_store_ss(d, x);
}

// Column vector v of a row: n valid lanes (1..8).
template <bool kRowBias>
inline void store_vector(const Epilogue& e, float* c, __m256 acc, __m256 bias, __m256 row_bias, size_t n) {
  if (n == 8) {
    const __m256 old = e.read_c ? _mm256_loadu_ps(c) : _mm256_setzero_ps();
    _mm256_storeu_ps(c, finish<kRowBias>(e, acc, old, bias, row_bias));
  } else {
    const __m256 old = e.read_c ? _mm256_maskload_ps(c, first_lanes(n)) : _mm256_setzero_ps();
    store_first(c, finish<kRowBias>(e, acc, old, bias, row_bias), n);
  }
}

template <int NV, size_t kRows, bool kRowBias>
inline void store_tile(const Epilogue& e, __m256 (&acc)[kMR][2], size_t mr, size_t nr, float* c, size_t ldc) {
  const size_t n0 = NV == 2 ? 8 : nr;
  const size_t n1 = NV == 2 ? nr - 8 : 0;
#pragma GCC unroll 6
  for (size_t i = 0; i < kRows; ++i) {
    if (i < mr) {
      const __m256 rb = kRowBias ? _mm256_set1_ps(e.row_bias[i]) : _mm256_setzero_ps();
      store_vector<kRowBias>(e, c + i * ldc, acc[i][0], e.bias[0], rb, n0);
      if (NV == 2) store_vector<kRowBias>(e, c + i * ldc + 8, acc[i][1], e.bias[1], rb, n1);
    }
  }
}

template <int NV, size_t kRows, bool kPacked>
inline void tile(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride, const float* b, float* c, size_t ldc,
                 const dn_f32_gemm_params* params) {
  // Start C's lines on their way now: they are needed only after the k loop.
  for (size_t i = 0; i < mr; ++i) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + nr - 1), _MM_HINT_T0);
  }
  __m256 acc[kMR][2];
#pragma GCC unroll 6
  for (size_t i = 0; i < kRows; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  accumulate<NV, kRows, kPacked>(acc, kc, a, a_stride, mr, b);

  Epilogue e;
  e.alpha = _mm256_set1_ps(params->alpha);
  e.beta = _mm256_set1_ps(params->beta);
  e.slope = _mm256_set1_ps(params->slope);
  e.read_c = params->beta != 0.0f;
  e.has_bias = params->bias != nullptr;
  e.act = params->act;
  e.row_bias = params->row_bias;
  const size_t n0 = nr < 8 ? nr : 8;
  e.bias[0] = e.has_bias ? _mm256_maskload_ps(params->bias, first_lanes(n0)) : _mm256_setzero_ps();
  e.bias[1] = e.has_bias && nr > 8 ? _mm256_maskload_ps(params->bias + 8, first_lanes(nr - 8)) : _mm256_setzero_ps();
  if (e.row_bias != nullptr) {
    store_tile<NV, kRows, true>(e, acc, mr, nr, c, ldc);
  } else {
    store_tile<NV, kRows, false>(e, acc, mr, nr, c, ldc);
  }
}

template <int NV, size_t kRows>
inline void tile_rows(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride, const float* b, float* c,
                      size_t ldc, const dn_f32_gemm_params* params) {
  if (a_stride == 0) return tile<NV, kRows, true>(mr, nr, kc, a, a_stride, b, c, ldc, params);
  return tile<NV, kRows, false>(mr, nr, kc, a, a_stride, b, c, ldc, params);
}

template <int NV>
inline void tile_cols(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride, const float* b, float* c,
                      size_t ldc, const dn_f32_gemm_params* params) {
  if (mr <= 2) return tile_rows<NV, 2>(mr, nr, kc, a, a_stride, b, c, ldc, params);
  if (mr <= 4) return tile_rows<NV, 4>(mr, nr, kc, a, a_stride, b, c, ldc, params);
  return tile_rows<NV, kMR>(mr, nr, kc, a, a_stride, b, c, ldc, params);
}

}  // namespace

extern "C" void dn_f32_gemm_ukernel_6x16__avx2_fma(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride,
                                                   const float* b, float* c, size_t ldc,
                                                   const dn_f32_gemm_params* params) {
  assert(mr >= 1 && mr <= kMR && nr >= 1 && nr <= kNR);
  if (nr > 8) return tile_cols<2>(mr, nr, kc, a, a_stride, b, c, ldc, params);
  return tile_cols<1>(mr, nr, kc, a, a_stride, b, c, ldc, params);
}
