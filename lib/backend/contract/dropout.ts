/**
 * Dropout and the Philox stream (lib/backend/philox.ts). Element i takes draw offset + i of the
 * Philox4x32-10 stream keyed by `seed` (a safe integer or a bigint in [0, 2^64)); it is kept iff
 * draw >= round(p * 2^32), p a number in [0, 1]. Kept: x * scale, scale = fround(1 / (1 - p));
 * dropped: +0 even for NaN or infinite x. p = 1 keeps nothing. Masks are bit-packed: bit i % 32
 * of word floor(i / 32), ceil(bits / 32) words, the unused high bits of the last word 0. Same bits
 * for any thread count and ISA.
 */
export interface DropoutKernels {
  /** out = x * keep * scale and the keep bits into mask; n defaults to x.length. */
  dropoutForward(
    out: Float32Array,
    mask: Uint32Array,
    x: Float32Array,
    p: number,
    seed: number | bigint,
    offset: number,
    n?: number,
  ): void;
  /** dx = dy * keep * scale (zeros when p = 1, whatever the mask); n defaults to dy.length. */
  dropoutBackward(dx: Float32Array, dy: Float32Array, mask: Uint32Array, p: number, n?: number): void;
  /** The keep bits of n elements only (DropConnect, tests). */
  dropoutMask(mask: Uint32Array, p: number, seed: number | bigint, offset: number, n: number): void;
  /**
   * Dropout whose mask is shared along one axis: x is viewed as [outer, mid, inner], the mask has
   * outer * inner bits (bit o * inner + j drawn as stream element offset + o * inner + j) and
   * applies to every m. Dropout2d on NCHW: outer = N*C, mid = H*W, inner = 1; Keras
   * SpatialDropout2D on NHWC: outer = N, mid = H*W, inner = C.
   */
  dropoutBroadcastForward(
    out: Float32Array,
    mask: Uint32Array,
    x: Float32Array,
    p: number,
    seed: number | bigint,
    offset: number,
    outer: number,
    mid: number,
    inner: number,
  ): void;
  dropoutBroadcastBackward(
    dx: Float32Array,
    dy: Float32Array,
    mask: Uint32Array,
    p: number,
    outer: number,
    mid: number,
    inner: number,
  ): void;
  /**
   * out[i] ~ N(mean, std^2): Box-Muller on draw pairs (offset + 2j, offset + 2j + 1), exactly as
   * Generator.normal. The native transform uses the C library's log/sin/cos, the reference V8's:
   * they may differ in the last bit; native results are the same on every ISA and thread count.
   */
  randnFill(out: Float32Array, mean: number, std: number, seed: number | bigint, offset: number, n: number): void;
  /** out[i] = low + ((draw >>> 8) * 2^-24) * (high - low), exactly as Generator.uniform. */
  uniformFill(out: Float32Array, low: number, high: number, seed: number | bigint, offset: number, n: number): void;
  /** One Philox4x32-10 block: out = philox(counter[0..3], key[0..1]) (known-answer tests). */
  philox4x32(counter: Uint32Array, key: Uint32Array, out: Uint32Array): void;
}
