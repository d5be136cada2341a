/**
 * Layer normalization over the rows of a (rows, n) matrix (see native/kernels/norm/layernorm.h
 * for the formulas and the fixed summation order). weight, bias and the backward outputs are n
 * floats or null (weight null: 1, bias null: 0; a null output is not computed). Outputs must not
 * overlap any other array. The backward recomputes the row statistics from x.
 */
export interface NormKernels {
  /** y = (x - mean) * rstd * weight + bias, per row. */
  layerNormForward(
    y: Float32Array,
    x: Float32Array,
    weight: Float32Array | null,
    bias: Float32Array | null,
    rows: number,
    n: number,
    eps: number,
  ): void;
  /** dx, and dweight / dbias summed over rows, from dy. */
  layerNormBackward(
    dx: Float32Array | null,
    dweight: Float32Array | null,
    dbias: Float32Array | null,
    dy: Float32Array,
    x: Float32Array,
    weight: Float32Array | null,
    rows: number,
    n: number,
    eps: number,
  ): void;
}
