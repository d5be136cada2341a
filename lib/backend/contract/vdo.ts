/** Sparse variational dropout's fused per-weight pass (native/kernels/vdo/vdo.h has the formulas). */
export interface VdoKernels {
  /**
   * For n weights θ = weight[i] and their log σ² = logSigma2[i], in one read of both:
   * sigma2 = exp(log σ²); logAlpha = clip(log σ² − log θ², −8, 8) (θ = 0 gives 8, NaN stays NaN);
   * dLogSigma2 = dKL/dlog σ² (Molchanov's KL, 0 where log σ² − log θ² is outside [−8, 8]) and
   * dWeight = dKL/dθ = −2·dLogSigma2/θ (0 where dLogSigma2 is). Each output may be null (not
   * computed); dLogSigma2 and dWeight are both given or both null; outputs overlap nothing.
   * Returns Σ KL when withKl (accumulated in double), else 0.
   */
  sparseVd(
    sigma2: Float32Array | null,
    logAlpha: Float32Array | null,
    dLogSigma2: Float32Array | null,
    dWeight: Float32Array | null,
    weight: Float32Array,
    logSigma2: Float32Array,
    withKl: boolean,
    n: number,
  ): number;
}
