/* Winograd F(2x2, 3x3) tile transforms (winograd.cc): pure element-wise arithmetic, templates
 * over ISA traits (winograd_kernels.h) instantiated once per ISA so each vectorises as wide as
 * its ISA allows. They
 * only add and subtract (and the flags forbid contraction), so every ISA gives the same bits.
 *
 * dn_f32_wino_input: V = B^T D B for `run` tiles side by side of nch channels: channel c's
 *   input row r of the tiles is rows[r] + c * rstep[r] (columns 0 .. 2 * run + 1, tile i
 *   starting at column 2i), of which only columns [lo, hi) are read, the others taken as zero
 *   (so a row may point before its row's start); writes V of tile i at
 *   v[c * vstep + xi * vs + i], xi = 4a + b (a down, b across), for i < run; lanes run ..
 *   width - 1 of those rows may be written too, with anything.
 *     B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
 * dn_f32_wino_lanes_input, dn_f32_wino_lanes_grad: the weight gradient's transforms, `lanes`
 *   channels at a time: rows holds 4 input rows (or 2 output-gradient rows), row q at
 *   rows + q * rs, column c's channels at + c * lanes (channel r at + r); tile i starts at
 *   column 2i. Writes channel r of V = B^T D B (or of Yhat = A dY A^T) of tile i at
 *   v[xi * vs + i * lanes + r], for i < run: rows of the micro-kernels' panels. The grad one
 *   also adds, when sums is not null, each tile's 4 values of channel r to sums[r] (in double,
 *   tile by tile, in order): the bias gradient.
 *     A^T = [1 1 1 0; 0 1 -1 -1]
 * dn_f32_wino_output: Y = A^T M A + bias for ceil(cols / 2) tiles side by side of one channel
 *   (M_xi of tile i at m[xi * xs + i]); writes the tiles' top output row to r0 and their bottom
 *   row to r1, columns 0 .. cols - 1 (an odd cols crops the last tile at the plane's edge).
 * dn_f32_wino_transpose: d[k * ld + i] = s[i * ss + k] for i < rows, k < cols (lays channel
 *   rows side by side, channels across, for the lanes transforms).
 * Buffers must not overlap. */
#ifndef DN_KERNELS_CONV_WINOGRAD_TRANSFORMS_H_
#define DN_KERNELS_CONV_WINOGRAD_TRANSFORMS_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DN_WINO_DECLARE(isa)                                                                                        \
  void dn_f32_wino_input__##isa(float* v, size_t vs, size_t vstep, const float* const* rows, const size_t* rstep,   \
                                size_t nch, long long lo, long long hi, size_t run, size_t width);                  \
  void dn_f32_wino_lanes_input__##isa(float* v, size_t vs, const float* rows, size_t rs, size_t lanes, size_t run); \
  void dn_f32_wino_lanes_grad__##isa(float* v, size_t vs, const float* rows, size_t rs, size_t lanes, size_t run,   \
                                     double* sums);                                                                 \
  void dn_f32_wino_output__##isa(float* r0, float* r1, size_t cols, const float* m, size_t xs, float bias);         \
  void dn_f32_wino_transpose__##isa(float* d, size_t ld, const float* s, size_t ss, size_t rows, size_t cols);

DN_WINO_DECLARE(scalar)
DN_WINO_DECLARE(avx2)
DN_WINO_DECLARE(avx512)

#undef DN_WINO_DECLARE

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_CONV_WINOGRAD_TRANSFORMS_H_ */
