/* Tile transforms of the stride-2 3x3 convolution (winograd_stride2.cc), templates over ISA
 * traits instantiated once per ISA (winograd_stride2_kernels.h and
 * winograd_stride2_backward_kernels.h over winograd_stride2_simd.h for tiles of 2x2 outputs,
 * winograd_stride2_f4_kernels.h over winograd_stride2_f4_simd.h for 4x4), like the stride-1
 * ones (winograd_transforms.h): only additions and subtractions (the doublings too), contraction
 * off, so every ISA gives the same bits.
 *
 * A 2x2 tile of outputs at stride 2 reads a 5x5 window (rows and columns 4t .. 4t + 4). Along
 * each axis the window x0..x4 splits into its even phase (x0 x2 x4, the kernel taps 0 and 2)
 * and odd phase (x1 x3, tap 1), each a stride-1 filter taken by F(2, 2) onto three points;
 * the odd phase's single tap never reaches the third point. Per axis, 5 transformed values:
 *   t0 = x0 - x2, t1 = x2, t2 = x4 - x2 (even phase, points 0 1 2),
 *   t3 = x1 - x3, t4 = x3              (odd phase, points 0 1).
 * A tile's 25 values t(a, b) (a down, b across) go to slot a * 5 + b.
 *
 * The first four take nch channels in one call: channel c's rows are rows[q] + c * rstep[q]
 * (rstep[q] = 0 for a row of zeros or a row thrown away) and its transforms or products lie
 * c * vstep (c * mstep) floats on from channel 0's.
 *
 * dn_f32_wino_stride2_input: the 25 values of `run` tiles side by side: rows[q] is window row q of
 *   the tiles (tile i at columns 4i .. 4i + 4), of which only columns [lo, hi) are read, the
 *   others taken as zero (so rows[q] may point before its row's start); slot s of tile i goes
 *   to v[off[s] + i].
 * dn_f32_wino_stride2_output: Y = A^T M A + bias, A^T = [1 1 0; 0 1 1], for ceil(cols / 2) tiles side
 *   by side (point (p, q) of tile i at m[(3p + q) * xs + i]; bias[c] added, or nothing when
 *   bias is null); writes the tiles' top output row to r0 and their bottom row to r1 (channel
 *   c's step0 and step1 floats on), columns 0 .. cols - 1.
 * dn_f32_wino_stride2_dinput: the backward-data pass's transform of the output gradient, B^T D B with
 *   B^T = [1 -1 0; 0 1 0; 0 -1 1] on a 3x3 window: rows[q] is window row q (tile i at columns
 *   2i .. 2i + 2, only [lo, hi) read); point p = 3a + b of tile i goes to v[off[p] + i].
 * dn_f32_wino_stride2_doutput: the backward-data pass's output transform: a tile's 25 products (slot
 *   s of tile i at m[off[s] + i]; per axis t0 t1 t2 the even phase on points 0 1 2, t3 t4 the
 *   odd one) give its 4x4 block of input gradients. Along an axis whose tiles start on an even
 *   position (phases E O E O; the odd phase on points 1 and 2): x0 = t0 + t1, x1 = t3,
 *   x2 = t1 + t2, x3 = t3 + t4; on an odd one (O E O E; the odd phase on points 0 and 1):
 *   x0 = t3 + t4, x1 = t0 + t1, x2 = t4, x3 = t1 + t2. parity: bit 0 for rows starting odd,
 *   bit 1 for columns. Row q goes to rows[q], tile i at columns 4i .. 4i + 3, of which only
 *   columns [lo, hi) are written (rows[q] may point before its row's start).
 * dn_f32_wino_stride2_lanes_input, dn_f32_wino_stride2_lanes_grad: the weight gradient's transforms, `lanes`
 *   channels at a time: rows holds 5 input rows (or 2 output-gradient rows), row q at
 *   rows + q * rs, column c's channels at + c * lanes. Input: tile j starts at column 4j; slot
 *   s, channel r of tile j goes to v[off[s] + j * lanes + r]. Grad: tile j starts at column
 *   2j; point p of A dY A^T (A^T as above, transposed: per axis g0, g0 + g1, g1) goes to
 *   v[p * vs + j * lanes + r], and when sums is not null each tile's 4 values of channel r are
 *   added to sums[r] (in double, tile by tile, in order).
 * dn_f32_wino_stride2_input4, dn_f32_wino_stride2_output4: the forward pass on tiles of 4x4 outputs
 *   (winograd_stride2_f4_kernels.h). A tile reads a 9x9 window (rows and columns 8t .. 8t + 8);
 *   per axis the even phase e_j = x_2j (taps 0 and 2) is taken by F(4, 2) onto the points
 *   0 1 -1 2 inf and the odd phase o_j = x_2j+1 (tap 1) onto the first four, each point's row
 *   scaled to small integers (the weights take the inverse factors, winograd_stride2.cc):
 *     t0 = 2 e0 - e1 - 2 e2 + e3, t1 = 2 e1 + e2 - e3, t2 = -2 e1 + 3 e2 - e3, t3 = e3 - e1,
 *     t4 = 2 e1 - e2 - 2 e3 + e4; t5..t8 the first four of o0..o3.
 *   A tile's 81 values t(a, b) go to slot a * 9 + b; input4 takes its arguments as input does,
 *   tile i at columns 8i .. 8i + 8. output4: Y = B^T M B + bias on the 5x5 points (point
 *   (p, q) of tile i at m[(5p + q) * xs + i]), B^T = [1 1 1 1 0; 0 1 -1 2 0; 0 1 1 4 0;
 *   0 1 -1 8 1]; output row j of the tiles to rows[j] + c * rstep[j] for channel c (rstep 0:
 *   a row thrown away), tile i at columns 4i .. 4i + 3, columns 0 .. cols - 1 written.
 * Buffers must not overlap. */
#ifndef DN_KERNELS_CONV_WINOGRAD_STRIDE2_TRANSFORMS_H_
#define DN_KERNELS_CONV_WINOGRAD_STRIDE2_TRANSFORMS_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DN_WINO_STRIDE2_DECLARE(isa)                                                                                   \
  void dn_f32_wino_stride2_input__##isa(float* v, const size_t* off, size_t vstep, const float* const* rows,           \
                                        const size_t* rstep, size_t nch, long long lo, long long hi, size_t run);      \
  void dn_f32_wino_stride2_output__##isa(float* r0, float* r1, size_t step0, size_t step1, size_t cols,                \
                                         const float* m, size_t mstep, size_t xs, const float* bias, size_t nch);      \
  void dn_f32_wino_stride2_dinput__##isa(float* v, const size_t* off, size_t vstep, const float* const* rows,          \
                                         const size_t* rstep, size_t nch, long long lo, long long hi, size_t run);     \
  void dn_f32_wino_stride2_doutput__##isa(float* const* rows, const size_t* rstep, long long lo, long long hi,         \
                                          const float* m, const size_t* off, size_t mstep, size_t nch, size_t run,     \
                                          unsigned parity);                                                            \
  void dn_f32_wino_stride2_lanes_input__##isa(float* v, const size_t* off, const float* rows, size_t rs, size_t lanes, \
                                              size_t run);                                                             \
  void dn_f32_wino_stride2_lanes_grad__##isa(float* v, size_t vs, const float* rows, size_t rs, size_t lanes,          \
                                             size_t run, double* sums);                                                \
  void dn_f32_wino_stride2_input4__##isa(float* v, const size_t* off, size_t vstep, const float* const* rows,          \
                                         const size_t* rstep, size_t nch, long long lo, long long hi, size_t run);     \
  void dn_f32_wino_stride2_output4__##isa(float* const* rows, const size_t* rstep, size_t cols, const float* m,        \
                                          size_t mstep, size_t xs, const float* bias, size_t nch);

DN_WINO_STRIDE2_DECLARE(scalar)
DN_WINO_STRIDE2_DECLARE(avx2)
DN_WINO_STRIDE2_DECLARE(avx512)

#undef DN_WINO_STRIDE2_DECLARE

#ifdef __cplusplus
}
#endif

#endif /* DN_KERNELS_CONV_WINOGRAD_STRIDE2_TRANSFORMS_H_ */
