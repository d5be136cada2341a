import type { Conv2dGeometry } from '../conv-geometry.js';

/**
 * 2-D convolution over NCHW tensors with OIHW weights: stride, per-side padding, dilation and
 * groups (see conv-geometry.ts). Outputs are overwritten, never accumulated into.
 */
export interface ConvKernels {
  /** out = conv(x, weight) + bias (bias may be null). */
  conv2dForward(
    out: Float32Array,
    x: Float32Array,
    weight: Float32Array,
    bias: Float32Array | null,
    geometry: Conv2dGeometry,
  ): void;
  /** dx = the gradient of the convolution with respect to its input. */
  conv2dBackwardData(dx: Float32Array, dy: Float32Array, weight: Float32Array, geometry: Conv2dGeometry): void;
  /** dweight (and dbias, if not null) = the gradients with respect to the weight and bias. */
  conv2dBackwardWeight(
    dweight: Float32Array,
    dbias: Float32Array | null,
    dy: Float32Array,
    x: Float32Array,
    geometry: Conv2dGeometry,
  ): void;
  /**
   * The algorithm each pass runs for this geometry: the native planner's choice on the active
   * ISA (native/kernels/conv/conv_plan.h, or DROPNET_CONV_ALGO's), 'reference' on the reference
   * backend. A forced algorithm that cannot run the geometry is a RangeError.
   */
  convPlan(geometry: Conv2dGeometry): ConvPlan;
}

/** The convolution algorithms of the native backend (conv_plan.h), plus the reference loops. */
export const CONV_ALGORITHMS = [
  'im2col',
  'pointwise',
  'direct',
  'winograd_f2x3',
  'winograd_stride2_f2x2',
  'winograd_stride2_f4x2',
] as const;
export type ConvAlgorithm = (typeof CONV_ALGORITHMS)[number] | 'reference';

/** An algorithm name per convolution pass. */
export interface ConvPlan {
  forward: ConvAlgorithm;
  backwardData: ConvAlgorithm;
  backwardWeight: ConvAlgorithm;
}
