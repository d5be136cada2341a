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

// Everything of the epilogue but the column bias vectors (which depend on the tile's columns).
inline Epilogue epilogue(const dn_f32_gemm_params* params) {
  Epilogue e;
  e.alpha = _mm256_set1_ps(params->alpha);
  e.beta = _mm256_set1_ps(params->beta);
  e.slope = _mm256_set1_ps(params->slope);
  e.read_c = params->beta != 0.0f;
  e.has_bias = params->bias != nullptr;
  e.act = params->act;
  e.row_bias = params->row_bias;
  return e;
}

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

  Epilogue e = epilogue(params);
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

// The narrow kernel: a tile of 16 rows and NT <= 12 columns. A's 16 rows are first laid out
// as 16 floats a depth in an L1 buffer on the stack: read in place (row-major, k contiguous)
// and transposed 8 x 8 at a time in registers, so that nothing packs it, or taken as packed.
// Then the columns in one or two groups of at most 6: per depth, two vectors of A, a broadcast
// of B per column and two FMAs each (the 6x16 kernel's mix), 2 x 6 accumulators. With all of
// C's columns in one tile, each element of A is loaded and transposed once. The tile is then
// transposed back into rows, finished and stored as the 6x16 kernel's partial columns are.
// Each element is the same FMA chain as in the 6x16 kernel.
constexpr size_t kNarrowKc = 256;  // depths a call takes at most (its buffer)

// Rows row[0..15], depths [0, kc), into at: at[p * 16 + i] is depth p of row i.
inline void narrow_transpose(float* at, const float* const (&row)[16], size_t kc) {
  for (size_t p0 = 0; p0 < kc; p0 += 8) {
    const size_t n = kc - p0 < 8 ? kc - p0 : 8;
    const __m256i m = first_lanes(n);
    for (size_t h = 0; h < 2; ++h) {
      __m256 r[8];
#pragma GCC unroll 8
      for (size_t i = 0; i < 8; ++i)
        r[i] = n == 8 ? _mm256_loadu_ps(row[8 * h + i] + p0) : _mm256_maskload_ps(row[8 * h + i] + p0, m);
      transpose8(r);
#pragma GCC unroll 8
      for (size_t q = 0; q < 8; ++q) _mm256_store_ps(at + (p0 + q) * 16 + 8 * h, r[q]);
    }
  }
}

// Rows [0, rows) (at most 8) of columns [j0, j0 + NG) (acc[j]: column j0 + j) into C.
template <size_t NG>
inline void narrow_store(const Epilogue& e, const __m256 (&acc)[NG], __m256 bias, const float* row_bias, size_t rows,
                         float* c, size_t ldc) {
  __m256 r[8];
#pragma GCC unroll 8
  for (size_t j = 0; j < 8; ++j) r[j] = j < NG ? acc[j] : _mm256_setzero_ps();
  transpose8(r);
#pragma GCC unroll 8
  for (size_t i = 0; i < 8; ++i) {
    if (i < rows) {
      if (row_bias != nullptr) {
        store_vector<true>(e, c + i * ldc, r[i], bias, _mm256_set1_ps(row_bias[i]), NG);
      } else {
        store_vector<false>(e, c + i * ldc, r[i], bias, _mm256_setzero_ps(), NG);
      }
    }
  }
}

// Columns [j0, j0 + NG) of the tile, from the laid-out A (at) and B (NT floats a depth).
template <size_t NT, size_t NG>
inline void narrow_group(const Epilogue& e, size_t j0, size_t mr, size_t kc, const float* at, const float* b, float* c,
                         size_t ldc, const dn_f32_gemm_params* params) {
  __m256 lo[NG], hi[NG];
#pragma GCC unroll 6
  for (size_t j = 0; j < NG; ++j) lo[j] = hi[j] = _mm256_setzero_ps();
  b += j0;
  for (size_t p = 0; p < kc; ++p, at += 16, b += NT) {
    const __m256 a0 = _mm256_load_ps(at), a1 = _mm256_load_ps(at + 8);
#pragma GCC unroll 6
    for (size_t j = 0; j < NG; ++j) {
      const __m256 bj = _mm256_broadcast_ss(b + j);
      lo[j] = _mm256_fmadd_ps(a0, bj, lo[j]);
      hi[j] = _mm256_fmadd_ps(a1, bj, hi[j]);
    }
  }
  const __m256 bias = e.has_bias ? _mm256_maskload_ps(params->bias + j0, first_lanes(NG)) : _mm256_setzero_ps();
  narrow_store<NG>(e, lo, bias, e.row_bias, mr < 8 ? mr : 8, c + j0, ldc);
  if (mr > 8) {
    const float* rb = e.row_bias != nullptr ? e.row_bias + 8 : nullptr;
    narrow_store<NG>(e, hi, bias, rb, mr - 8, c + 8 * ldc + j0, ldc);
  }
}

template <size_t NT>
inline void narrow_tile(size_t mr, size_t kc, const float* a, size_t a_stride, const float* b, float* c, size_t ldc,
                        const dn_f32_gemm_params* params) {
  alignas(32) float buf[kNarrowKc * 16];
  const float* at = a;  // packed: already 16 floats a depth
  if (a_stride != 0) {
    const float* row[16];  // rows past mr read row 0 (always there): lanes never stored
    for (size_t i = 0; i < 16; ++i) row[i] = a + (i < mr ? i : 0) * a_stride;
    narrow_transpose(buf, row, kc);
    at = buf;
  }
  Epilogue e = epilogue(params);
  constexpr size_t N0 = NT <= 6 ? NT : (NT + 1) / 2;
  narrow_group<NT, N0>(e, 0, mr, kc, at, b, c, ldc, params);
  if (NT > N0) narrow_group<NT, (NT > N0 ? NT - N0 : 1)>(e, N0, mr, kc, at, b, c, ldc, params);
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

extern "C" void dn_f32_gemm_ukernel_16x12_narrow__avx2_fma(size_t mr, size_t nr, size_t kc, const float* a,
                                                           size_t a_stride, const float* b, float* c, size_t ldc,
                                                           const dn_f32_gemm_params* params) {
  assert(mr >= 1 && mr <= 16 && nr >= 1 && nr <= 12 && kc <= kNarrowKc);
  switch (nr) {
    case 1:
      return narrow_tile<1>(mr, kc, a, a_stride, b, c, ldc, params);
    case 2:
      return narrow_tile<2>(mr, kc, a, a_stride, b, c, ldc, params);
    case 3:
      return narrow_tile<3>(mr, kc, a, a_stride, b, c, ldc, params);
    case 4:
      return narrow_tile<4>(mr, kc, a, a_stride, b, c, ldc, params);
    case 5:
      return narrow_tile<5>(mr, kc, a, a_stride, b, c, ldc, params);
    case 6:
      return narrow_tile<6>(mr, kc, a, a_stride, b, c, ldc, params);
    case 7:
      return narrow_tile<7>(mr, kc, a, a_stride, b, c, ldc, params);
    case 8:
      return narrow_tile<8>(mr, kc, a, a_stride, b, c, ldc, params);
    case 9:
      return narrow_tile<9>(mr, kc, a, a_stride, b, c, ldc, params);
    case 10:
      return narrow_tile<10>(mr, kc, a, a_stride, b, c, ldc, params);
    case 11:
      return narrow_tile<11>(mr, kc, a, a_stride, b, c, ldc, params);
    default:
      return narrow_tile<12>(mr, kc, a, a_stride, b, c, ldc, params);
  }
}
