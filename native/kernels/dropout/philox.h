/* Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as 1, 2, 3",
 * SC'11), the counter-based generator behind every random number dropnet draws.
 *
 * The stream (the same definition as lib/backend/philox.ts):
 *   key     = the 64-bit seed: k0 = low 32 bits, k1 = high 32 bits;
 *   draw e  = word (e % 4) of the block whose counter is (low32(e / 4), high32(e / 4), 0, 0).
 * A draw is a pure function of (seed, e). A kernel that gives element i the draw e = offset + i
 * therefore produces the same numbers whichever thread computes element i and whichever ISA it
 * runs on: the counter is the element's index in the stream, never a thread id or a lane number.
 *
 * `static inline` on purpose: every translation unit that includes this header (the baseline
 * ones and each ISA-flagged one) gets its own internal copy, so the linker can never substitute
 * an AVX-compiled copy for the baseline one (see TOOLCHAIN.md, ODR/COMDAT hazard). Plain C, no
 * dependencies beyond <stdint.h>. */
#ifndef DN_KERNELS_DROPOUT_PHILOX_H_
#define DN_KERNELS_DROPOUT_PHILOX_H_

#include <stddef.h>
#include <stdint.h>

/* Round multipliers and Weyl key increments (Random123's PHILOX_M4x32_*, PHILOX_W32_*). */
#define DN_PHILOX_M0 0xD2511F53u
#define DN_PHILOX_M1 0xCD9E8D57u
#define DN_PHILOX_W0 0x9E3779B9u
#define DN_PHILOX_W1 0xBB67AE85u
#define DN_PHILOX_ROUNDS 10

/* One Philox4x32-10 block: ctr[0..3] under key (k0, k1) -> out[0..3]. out may alias ctr. */
static inline void dn_philox4x32_10(const uint32_t ctr[4], uint32_t k0, uint32_t k1, uint32_t out[4]) {
  uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
  for (int r = 0; r < DN_PHILOX_ROUNDS; ++r) {
    const uint64_t p0 = (uint64_t)DN_PHILOX_M0 * c0;
    const uint64_t p1 = (uint64_t)DN_PHILOX_M1 * c2;
    c0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
    c1 = (uint32_t)p1;
    c2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
    c3 = (uint32_t)p0;
    /* The key schedule: bumped after every round (the bump after the last one is unused). */
    k0 += DN_PHILOX_W0;
    k1 += DN_PHILOX_W1;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/* The four draws of stream block `block` (draws 4*block .. 4*block + 3). */
static inline void dn_philox_block(uint64_t block, uint32_t k0, uint32_t k1, uint32_t out[4]) {
  const uint32_t ctr[4] = {(uint32_t)block, (uint32_t)(block >> 32), 0u, 0u};
  dn_philox4x32_10(ctr, k0, k1, out);
}

/* Draws offset .. offset + n - 1 of the stream, one block at a time (the scalar definition that
 * the vector kernels reproduce). */
static inline void dn_philox_draws_scalar(uint32_t* out, size_t n, uint32_t k0, uint32_t k1, uint64_t offset) {
  uint32_t b[4];
  size_t i = 0;
  uint64_t e = offset;
  while (i < n) {
    dn_philox_block(e >> 2, k0, k1, b);
    for (unsigned w = (unsigned)(e & 3u); w < 4u && i < n; ++w, ++i, ++e) out[i] = b[w];
  }
}

#endif /* DN_KERNELS_DROPOUT_PHILOX_H_ */
