/** Geometry of a windowed 2-D pooling over an (n, c, h, w) tensor; PyTorch's semantics. */
export interface Pool2dGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  /** Padding, at most half the kernel. */
  ph: number;
  pw: number;
  /** Dilation (max pooling only; default 1). */
  dh?: number;
  dw?: number;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
  /** avg only: count padded elements in the divisor (default true). */
  countIncludePad?: boolean;
  /** avg only: divide by this instead (0 or absent: none). */
  divisorOverride?: number;
}

/** Geometry of an adaptive average pooling from (n, c, h, w) to (n, c, oh, ow). */
export interface AdaptivePool2dGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
}

/**
 * 2-D pooling over NCHW tensors (PyTorch's output sizes and semantics; see
 * native/kernels/conv/pool2d.h). Max pooling records, per output, the index h * W + w of the
 * winning input within its plane; backward scatters through those indices.
 */
export interface PoolKernels {
  maxPool2dForward(out: Float32Array, indices: Int32Array, x: Float32Array, geometry: Pool2dGeometry): void;
  maxPool2dBackward(dx: Float32Array, dy: Float32Array, indices: Int32Array, geometry: Pool2dGeometry): void;
  avgPool2dForward(out: Float32Array, x: Float32Array, geometry: Pool2dGeometry): void;
  avgPool2dBackward(dx: Float32Array, dy: Float32Array, geometry: Pool2dGeometry): void;
  adaptiveAvgPool2dForward(out: Float32Array, x: Float32Array, geometry: AdaptivePool2dGeometry): void;
  adaptiveAvgPool2dBackward(dx: Float32Array, dy: Float32Array, geometry: AdaptivePool2dGeometry): void;
}
