// AVX-512F 12x32 micro-kernel: 24 zmm accumulators (12 rows x 2 vectors of 16 columns), 2 zmm
// for the B row and 1 for the broadcast A element: 27 of the 32 zmm registers. Per k step:
// 2 B loads, 12 broadcasts, 24 FMAs. On Zen 4 (512-bit FMAs issued as two 256-bit halves) it
// measured ahead of 14x32 on most shapes: fewer rows wasted in edge tiles (m = 128 is 10 tiles
// of 12 plus 8, against 9 of 14 plus 2).
// Tiles of at most 16 columns run a one-vector loop (half the FMAs, none of them wasted), and
// tiles of at most 4 or 8 rows a loop over that many rows: a layer with 64 outputs is 5 row
// panels of 12 and one of 4, whose FMAs would otherwise be two thirds wasted.
// Edge tiles use k-masked loads and stores for the columns and skip the rows past mr, so
// nothing outside the mr x nr window of C is touched; the arithmetic per element is the same
// in every case.
#if !defined(__AVX512F__)
#error "f32_gemm_12x32_avx512f.cc must be compiled with -mavx512f"
#endif

#include <assert.h>
#include <immintrin.h>

#include "gemm.h"

namespace {

constexpr size_t kMR = 12;
constexpr size_t kNR = 32;

struct Epilogue {
  __m512 alpha, beta, slope, bias[2];
  bool read_c, has_bias;
  int act;
  const float* row_bias;  // or null
};

// Sums the tile over kc steps into acc[i][v] (NV vectors of 16 columns). A is the packed panel
// (kPacked) or read in place through row pointers with unit stride along k.
template <int NV, size_t kRows, bool kPacked>
inline void accumulate(__m512 (&acc)[kMR][2], size_t kc, const float* a, size_t a_stride, size_t mr, const float* b) {
  // In place, rows past mr read row 0 (always there); the packed panel has zeros for them.
  const float* row[kRows];
  for (size_t i = 0; i < kRows; ++i) row[i] = a + (i < mr ? i : 0) * a_stride;
#pragma GCC unroll 2
  for (size_t p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = NV == 2 ? _mm512_loadu_ps(b + 16) : b0;
#pragma GCC unroll 12
    for (size_t i = 0; i < kRows; ++i) {
      const __m512 ai = _mm512_set1_ps(kPacked ? a[i] : row[i][p]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      if (NV == 2) acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
    if (kPacked) a += kMR;
    b += kNR;
  }
}

// kRowBias: a separate instantiation, so tiles without a row bias run exactly the code they
// ran before it existed (one more live vector in the unrolled epilogue made 16-deep tiles spill).
template <bool kRowBias>
inline __m512 finish(const Epilogue& e, __m512 acc, __m512 old, __m512 bias, __m512 row_bias) {
  __m512 t = _mm512_mul_ps(e.alpha, acc);
  if (e.read_c) t = _mm512_fmadd_ps(e.beta, old, t);
  if (e.has_bias) t = _mm512_add_ps(t, bias);
  if (kRowBias) t = _mm512_add_ps(t, row_bias);
  const __m512 zero = _mm512_setzero_ps();
  if (e.act == DN_GEMM_ACT_RELU) {
    t = _mm512_max_ps(zero, t);  // (0 > t) ? 0 : t: NaN and -0 pass through
  } else if (e.act == DN_GEMM_ACT_LEAKY_RELU) {
    t = _mm512_mask_mul_ps(t, _mm512_cmp_ps_mask(t, zero, _CMP_LT_OQ), t, e.slope);
  }
  return t;
}

inline __mmask16 first_lanes(size_t n) {  // n in [0, 16]
  return static_cast<__mmask16>(n >= 16 ? 0xFFFFu : (1u << n) - 1u);
}

// Masked-off lanes are neither loaded nor stored (and never fault).
template <bool kRowBias>
inline void store_vector(const Epilogue& e, float* c, __m512 acc, __m512 bias, __m512 row_bias, __mmask16 m) {
  const __m512 old = e.read_c ? _mm512_maskz_loadu_ps(m, c) : _mm512_setzero_ps();
  _mm512_mask_storeu_ps(c, m, finish<kRowBias>(e, acc, old, bias, row_bias));
}

template <int NV, size_t kRows, bool kRowBias>
inline void store_tile(const Epilogue& e, __m512 (&acc)[kMR][2], size_t mr, float* c, size_t ldc, __mmask16 m0,
                       __mmask16 m1) {
#pragma GCC unroll 12
  for (size_t i = 0; i < kRows; ++i) {
    if (i < mr) {
      const __m512 rb = kRowBias ? _mm512_set1_ps(e.row_bias[i]) : _mm512_setzero_ps();
      store_vector<kRowBias>(e, c + i * ldc, acc[i][0], e.bias[0], rb, m0);
      if (NV == 2) store_vector<kRowBias>(e, c + i * ldc + 16, acc[i][1], e.bias[1], rb, m1);
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
  __m512 acc[kMR][2];
#pragma GCC unroll 12
  for (size_t i = 0; i < kRows; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  accumulate<NV, kRows, kPacked>(acc, kc, a, a_stride, mr, b);

  Epilogue e;
  e.alpha = _mm512_set1_ps(params->alpha);
  e.beta = _mm512_set1_ps(params->beta);
  e.slope = _mm512_set1_ps(params->slope);
  e.read_c = params->beta != 0.0f;
  e.has_bias = params->bias != nullptr;
  e.act = params->act;
  e.row_bias = params->row_bias;
  const __mmask16 m0 = first_lanes(nr < 16 ? nr : 16);
  const __mmask16 m1 = first_lanes(nr > 16 ? nr - 16 : 0);
  e.bias[0] = e.has_bias ? _mm512_maskz_loadu_ps(m0, params->bias) : _mm512_setzero_ps();
  e.bias[1] = e.has_bias && NV == 2 ? _mm512_maskz_loadu_ps(m1, params->bias + 16) : _mm512_setzero_ps();
  if (e.row_bias != nullptr) {
    store_tile<NV, kRows, true>(e, acc, mr, c, ldc, m0, m1);
  } else {
    store_tile<NV, kRows, false>(e, acc, mr, c, ldc, m0, m1);
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
  if (mr <= 4) return tile_rows<NV, 4>(mr, nr, kc, a, a_stride, b, c, ldc, params);
  if (mr <= 8) return tile_rows<NV, 8>(mr, nr, kc, a, a_stride, b, c, ldc, params);
  return tile_rows<NV, kMR>(mr, nr, kc, a, a_stride, b, c, ldc, params);
}

}  // namespace

extern "C" void dn_f32_gemm_ukernel_12x32__avx512f(size_t mr, size_t nr, size_t kc, const float* a, size_t a_stride,
                                                   const float* b, float* c, size_t ldc,
                                                   const dn_f32_gemm_params* params) {
  assert(mr >= 1 && mr <= kMR && nr >= 1 && nr <= kNR);
  if (nr > 16) return tile_cols<2>(mr, nr, kc, a, a_stride, b, c, ldc, params);
  return tile_cols<1>(mr, nr, kc, a, a_stride, b, c, ldc, params);
}
