/**
 * Sparse variational dropout's fused per-weight pass, the local reparameterisation's noise and
 * Concrete dropout's relaxed mask (native/kernels/vdo/vdo.h).
 */
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
  /**
   * The local reparameterisation's noise pass: out = mean + s·ε and half = ε / (2s) with
   * s = sqrt(variance + 1e-8), ε the normals of randnFill(…, 0, 1, seed, offset, n) (Box-Muller
   * pairs at offset + 2j, offset + 2j + 1). The reference computes ε as randnFill does; the native
   * pass uses float log/sin/cos of its own, within a few float32 ulp of it, the same on every
   * thread count. out and half overlap nothing; mean and variance may be one array.
   */
  lrtNoise(
    out: Float32Array,
    half: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    seed: number | bigint,
    offset: number,
    n: number,
  ): void;
  /**
   * Variational dropout's per-weight pass (Kingma et al.), with a = min(log α, 0) (NaN stays NaN)
   * and α = exp(a): variance = α·θ², dVarDWeight = 2·α·θ, dVarDLogAlpha = α·θ² where log α <= 0
   * (else 0), dKlDLogAlpha = −(0.5 + c1·α + 2·c2·α² + 3·c3·α³) where log α <= 0 (else 0). Each
   * output may be null; weight may be null when the first three are. Returns, when withKl,
   * Σ −(0.5·a + c1·α + c2·α² + c3·α³) (the KL without its constant, summed in double), else 0.
   */
  kingmaVd(
    variance: Float32Array | null,
    dVarDWeight: Float32Array | null,
    dVarDLogAlpha: Float32Array | null,
    dKlDLogAlpha: Float32Array | null,
    weight: Float32Array | null,
    logAlpha: Float32Array,
    withKl: boolean,
    n: number,
  ): number;
  /**
   * Concrete dropout's relaxed mask at drop rate p in (0, 1) and temperature t > 0: for mask value
   * j of `masks`, u = the uniform of uniformFill(…, 0, 1, seed, offset + j) (draw >> 8)·2^−24,
   * z = sigmoid((log(p + 1e−7) − log(1 − p + 1e−7) + log(u + 1e−7) − log(1 − u + 1e−7)) / t),
   * keep[j] = (1 − z)/(1 − p), dKeep[j] = d keep[j] / dp, and out = x·keep[j] over elements
   * j·inner .. (j + 1)·inner − 1. The reference computes in double (V8's log and exp); the
   * native pass in float with its own log and exp, within about 1e-5 relative of it (the log's
   * rounding scaled by 1/t), the same on every thread count. Outputs overlap nothing.
   */
  concreteDropout(
    out: Float32Array,
    keep: Float32Array,
    dKeep: Float32Array,
    x: Float32Array,
    p: number,
    temperature: number,
    seed: number | bigint,
    offset: number,
    masks: number,
    inner: number,
  ): void;
  /**
   * Its backward: gx = g·keep[j] over mask value j's elements (gx may be null: not computed) and,
   * when withDp, returns Σ g·x·dKeep[j] (the loss's gradient in p, summed in double), else 0.
   */
  concreteDropoutBackward(
    gx: Float32Array | null,
    g: Float32Array,
    x: Float32Array,
    keep: Float32Array,
    dKeep: Float32Array,
    withDp: boolean,
    masks: number,
    inner: number,
  ): number;
}
