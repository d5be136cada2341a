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

// r[i] = column i of the 8 x 8 block whose rows are r[0..7] (in place).
inline void transpose8(__m256 (&r)[8]) {
  __m256 t[8], u[8];
  for (int j = 0; j < 4; ++j) {
    t[2 * j] = _mm256_unpacklo_ps(r[2 * j], r[2 * j + 1]);
    t[2 * j + 1] = _mm256_unpackhi_ps(r[2 * j], r[2 * j + 1]);
  }
  for (int j = 0; j < 2; ++j) {
    u[4 * j + 0] = _mm256_shuffle_ps(t[4 * j], t[4 * j + 2], _MM_SHUFFLE(1, 0, 1, 0));
    u[4 * j + 1] = _mm256_shuffle_ps(t[4 * j], t[4 * j + 2], _MM_SHUFFLE(3, 2, 3, 2));
    u[4 * j + 2] = _mm256_shuffle_ps(t[4 * j + 1], t[4 * j + 3], _MM_SHUFFLE(1, 0, 1, 0));
    u[4 * j + 3] = _mm256_shuffle_ps(t[4 * j + 1], t[4 * j + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int c = 0; c < 4; ++c) {
    r[c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x20);
    r[c + 4] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x31);
  }
}

// The narrow kernel: a tile of 8 rows (one vector of A's column) and NT <= 12 columns (B
// broadcast, NT floats a depth), NT accumulators. A read in place (row-major, k contiguous) is
// transposed 8 depths at a time in registers, so that nothing packs it: with all of C's columns
// in one tile each element of A is loaded and transposed once. Then the tile is transposed
// back into rows, finished and stored as the 6x16 kernel's partial columns are. Each element
// is the same FMA chain as in the 6x16 kernel.
template <size_t NT>
inline void narrow_step(__m256 (&acc)[NT], __m256 av, const float* b) {
#pragma GCC unroll 12
  for (size_t j = 0; j < NT; ++j) acc[j] = _mm256_fmadd_ps(av, _mm256_broadcast_ss(b + j), acc[j]);
}

// Rows row[0..7], depths [p0, p0 + len) (len <= 256), transposed into at: at[q * 8 + i] is
// depth p0 + q of row i.
inline void narrow_transpose(float* at, const float* const (&row)[8], size_t p0, size_t len) {
  for (size_t q0 = 0; q0 < len; q0 += 8) {
    const size_t n = len - q0 < 8 ? len - q0 : 8;
    __m256 r[8];
    if (n == 8) {
#pragma GCC unroll 8
      for (size_t i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(row[i] + p0 + q0);
    } else {
      const __m256i m = first_lanes(n);
#pragma GCC unroll 8
      for (size_t i = 0; i < 8; ++i) r[i] = _mm256_maskload_ps(row[i] + p0 + q0, m);
    }
    transpose8(r);
#pragma GCC unroll 8
    for (size_t q = 0; q < 8; ++q) _mm256_store_ps(at + (q0 + q) * 8, r[q]);
  }
}

// Columns [j0, j0 + 8) of the tile (acc[j]: column j), rows [0, mr), into C.
template <size_t NT, size_t j0>
inline void narrow_store(const Epilogue& e, const __m256 (&acc)[NT], __m256 bias, size_t mr, float* c, size_t ldc) {
  __m256 r[8];
#pragma GCC unroll 8
  for (size_t j = 0; j < 8; ++j) r[j] = j0 + j < NT ? acc[j0 + j] : _mm256_setzero_ps();
  transpose8(r);
  constexpr size_t n = NT - j0 < 8 ? NT - j0 : 8;
#pragma GCC unroll 8
  for (size_t i = 0; i < 8; ++i) {
    if (i < mr) {
      if (e.row_bias != nullptr) {
        store_vector<true>(e, c + i * ldc + j0, r[i], bias, _mm256_set1_ps(e.row_bias[i]), n);
      } else {
        store_vector<false>(e, c + i * ldc + j0, r[i], bias, _mm256_setzero_ps(), n);
      }
    }
  }
}

template <size_t NT, bool kPacked>
inline void narrow_tile(size_t mr, size_t kc, const float* a, size_t a_stride, const float* b, float* c, size_t ldc,
                        const dn_f32_gemm_params* params) {
  __m256 acc[NT];
#pragma GCC unroll 12
  for (size_t j = 0; j < NT; ++j) acc[j] = _mm256_setzero_ps();
  if (kPacked) {
    for (size_t p = 0; p < kc; ++p, a += 8, b += NT) narrow_step<NT>(acc, _mm256_loadu_ps(a), b);
  } else {
    // Up to 256 depths at a time: first transposed into a buffer on the stack (L1), then the
    // FMAs (transposing between them kept 8 more vectors live than there are registers).
    const float* row[8];  // rows past mr read row 0 (always there): lanes never stored
    for (size_t i = 0; i < 8; ++i) row[i] = a + (i < mr ? i : 0) * a_stride;
    alignas(32) float at[256 * 8];
    for (size_t p0 = 0; p0 < kc; p0 += 256) {
      const size_t len = kc - p0 < 256 ? kc - p0 : 256;
      narrow_transpose(at, row, p0, len);
      for (size_t q = 0; q < len; ++q, b += NT) narrow_step<NT>(acc, _mm256_load_ps(at + q * 8), b);
    }
  }
  Epilogue e;
  e.alpha = _mm256_set1_ps(params->alpha);
  e.beta = _mm256_set1_ps(params->beta);
  e.slope = _mm256_set1_ps(params->slope);
  e.read_c = params->beta != 0.0f;
  e.has_bias = params->bias != nullptr;
  e.act = params->act;
  e.row_bias = params->row_bias;
  const size_t n0 = NT < 8 ? NT : 8;
  e.bias[0] = e.has_bias ? _mm256_maskload_ps(params->bias, first_lanes(n0)) : _mm256_setzero_ps();
  e.bias[1] = e.has_bias && NT > 8 ? _mm256_maskload_ps(params->bias + 8, first_lanes(NT - 8)) : _mm256_setzero_ps();
  narrow_store<NT, 0>(e, acc, e.bias[0], mr, c, ldc);
  if (NT > 8) narrow_store<NT, (NT > 8 ? 8 : 0)>(e, acc, e.bias[1], mr, c, ldc);
}

template <size_t NT>
inline void narrow_cols(size_t mr, size_t kc, const float* a, size_t a_stride, const float* b, float* c, size_t ldc,
                        const dn_f32_gemm_params* params) {
  if (a_stride == 0) return narrow_tile<NT, true>(mr, kc, a, a_stride, b, c, ldc, params);
  return narrow_tile<NT, false>(mr, kc, a, a_stride, b, c, ldc, params);
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

extern "C" void dn_f32_gemm_ukernel_8x12_narrow__avx2_fma(size_t mr, size_t nr, size_t kc, const float* a,
                                                          size_t a_stride, const float* b, float* c, size_t ldc,
                                                          const dn_f32_gemm_params* params) {
  assert(mr >= 1 && mr <= 8 && nr >= 1 && nr <= 12);
  switch (nr) {
    case 1:
      return narrow_cols<1>(mr, kc, a, a_stride, b, c, ldc, params);
    case 2:
      return narrow_cols<2>(mr, kc, a, a_stride, b, c, ldc, params);
    case 3:
      return narrow_cols<3>(mr, kc, a, a_stride, b, c, ldc, params);
    case 4:
      return narrow_cols<4>(mr, kc, a, a_stride, b, c, ldc, params);
    case 5:
      return narrow_cols<5>(mr, kc, a, a_stride, b, c, ldc, params);
    case 6:
      return narrow_cols<6>(mr, kc, a, a_stride, b, c, ldc, params);
    case 7:
      return narrow_cols<7>(mr, kc, a, a_stride, b, c, ldc, params);
    case 8:
      return narrow_cols<8>(mr, kc, a, a_stride, b, c, ldc, params);
    case 9:
      return narrow_cols<9>(mr, kc, a, a_stride, b, c, ldc, params);
    case 10:
      return narrow_cols<10>(mr, kc, a, a_stride, b, c, ldc, params);
    case 11:
      return narrow_cols<11>(mr, kc, a, a_stride, b, c, ldc, params);
    default:
      return narrow_cols<12>(mr, kc, a, a_stride, b, c, ldc, params);
  }
}
