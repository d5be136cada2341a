/* Dropout mask kernels, one set per ISA (the contract; dropout_driver.cc drives them).
 *
 * Units are elements. Element i of a call takes draw number e = offset + i of the Philox stream
 * keyed by (k0, k1) (see philox.h). It is KEPT iff draw >= threshold, an integer compare:
 * threshold = round(p * 2^32) is computed once, so P(keep) = (2^32 - threshold) / 2^32 exactly,
 * with none of the bias of converting the draw to a float and comparing it with p. The caller
 * handles threshold = 2^32 (p = 1, or p within 2^-33 of it: nothing kept) without calling these
 * kernels, so `threshold` here always fits in 32 bits.
 *
 * Masks are bit-packed, 1 bit per element, so backward reads n/8 bytes instead of n floats:
 * bit (i % 32) of word (i / 32) is element i's keep bit. A kernel writing n elements writes
 * words 0 .. ceil(n / 32) - 1 and leaves the bits of the last word at and above n % 32 zero.
 * Callers that split work over threads give each thread a range starting at a multiple of 32
 * elements, so threads own whole mask words and the bits never depend on the thread count.
 *
 * A dropped element is written as +0.0f whatever the input (a select, not x * 0: NaN and
 * infinities are dropped too); a kept one as x * scale (one float multiply, so every ISA gives
 * the same bits). out may be exactly x (in place) but must not partially overlap it; the mask
 * must not overlap either. `offset` is any value: vector kernels handle draws that do not start
 * on a block boundary. Unaligned pointers are fine.
 *
 * Plain C. The kernels are dropout_mask_impl.h instantiated once per ISA file (NEON's is its own). */
#ifndef DN_KERNELS_DROPOUT_H_
#define DN_KERNELS_DROPOUT_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dn_dropout_params {
  uint32_t k0, k1;    /* Philox key: the seed's low and high 32 bits */
  uint64_t offset;    /* stream index of element 0's draw */
  uint32_t threshold; /* keep iff draw >= threshold */
  float scale;        /* 1 / (1 - p), rounded to float */
} dn_dropout_params;

/* dropout_forward: out[i] = keep(i) ? x[i] * scale : 0, and the keep bits into mask.
 * dropout_mask:    the keep bits only.
 * dropout_apply:   out[i] = bit(mask, bit0 + i) ? x[i] * scale : 0 for i < n (backward, and the
 *                  broadcast forms); reads only the mask words holding bits bit0 .. bit0 + n - 1.
 * philox_draws:    out[i] = draw number offset + i of the stream keyed by (k0, k1). */
#define DN_DECLARE_DROPOUT(isa)                                                                             \
  void dn_f32_dropout_forward__##isa(float* out, uint32_t* mask, const float* x, size_t n,                  \
                                     const dn_dropout_params* params);                                      \
  void dn_dropout_mask__##isa(uint32_t* mask, size_t n, const dn_dropout_params* params);                   \
  void dn_f32_dropout_apply__##isa(float* out, const float* x, const uint32_t* mask, size_t bit0, size_t n, \
                                   float scale);                                                            \
  void dn_philox_draws__##isa(uint32_t* out, size_t n, uint32_t k0, uint32_t k1, uint64_t offset);

DN_DECLARE_DROPOUT(scalar)
DN_DECLARE_DROPOUT(avx2)
DN_DECLARE_DROPOUT(avx512)
DN_DECLARE_DROPOUT(neon)

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_DROPOUT_H_ */
