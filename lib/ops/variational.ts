/**
 * The ops of variational dropout (Kingma, Salimans & Welling 2015) and sparse variational
 * dropout (Molchanov, Ashukha & Vetrov 2017); the layers are in nn/dropout/.
 *
 *   lrtNoise(mean, variance)          mean + sqrt(variance + 1e-8) ⊙ ε, ε ~ N(0, 1): the local
 *                                     reparameterisation trick's sample of a pre-activation
 *                                     b ~ N(γ, δ) given γ = xθ + b and δ = (x ⊙ x)·σ²
 *   unitNoise(x, logAlpha)            x ⊙ (1 + sqrt(α) ε), α per unit of dim 1 (Gaussian dropout
 *                                     with a learned rate; α = min(exp(logAlpha), 1))
 *   sparseVdLogAlpha(weight, logSigma2)   log α = clip(log σ² − log θ², −8, 8), element-wise
 *   sparseVdSigma2(logSigma2)         σ² = exp(log σ²), differentiable
 *   sparseVdKl(weight, logSigma2)     Σ KL(q(w) ‖ log-uniform), Molchanov's approximation
 *   kingmaKl(logAlpha)                Σ KL, Kingma's polynomial with α clamped to ≤ 1
 *   kingmaVariance(weight, logAlpha)  α θ², the variances of Kingma's per-weight local reparameterisation
 *
 * Noise comes from the Philox stream (offset = generator.reserve), a pure function of (seed,
 * offset, index) on every thread count: lrtNoise's through the backend's fused noise pass
 * (native/kernels/vdo/, randnFill's normals to a few float32 ulp), unitNoise's through randnFill. The KL sums
 * accumulate in float64. The sparse variational ones (log α, σ², Molchanov's KL and its
 * gradients) run on the backend's fused per-weight pass, sparseVd (native/kernels/vdo/).
 */
import { unitInterval } from '../args.js';
import { needsGrad, record } from '../autograd/record.js';
import { activeBackend } from '../backend/index.js';
import { newDataUninit } from '../backend/storage.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Generator } from '../random.js';
import { type Shape, shapesEqual } from '../shape.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './check.js';
import { optionsObject, type StreamOptions, streamOf, trainingFlag } from './dropout.js';
import { holds, lease, release } from './variational-product.js';

/** Added to the variance before the square root (as the reference code): keeps sqrt differentiable at 0. */
export const LRT_EPS = 1e-8;

/** Molchanov et al.'s fit of the KL: −KL ≈ k1·σ(k2 + k3·log α) − 0.5·log1p(1/α) − k1. */
export const SPARSE_VD_K1 = 0.63576;
export const SPARSE_VD_K2 = 1.8732;
export const SPARSE_VD_K3 = 1.48695;
/** log α is clipped to this range (DenseVarDropOutARD). */
export const LOG_ALPHA_MIN = -8;
export const LOG_ALPHA_MAX = 8;

/** Kingma et al.'s fit: −KL ≈ const + 0.5·log α + c1·α + c2·α² + c3·α³, valid for α ≤ 1. */
export const KINGMA_C1 = 1.16145124;
export const KINGMA_C2 = -1.50204118;
export const KINGMA_C3 = 0.58629921;

/** Molchanov's −KL at log α (no clipping). */
export function sparseVdNegKl(logAlpha: number): number {
  const s = 1 / (1 + Math.exp(-(SPARSE_VD_K2 + SPARSE_VD_K3 * logAlpha)));
  return SPARSE_VD_K1 * s - 0.5 * log1pExp(-logAlpha) - SPARSE_VD_K1;
}

/** Kingma's polynomial 0.5·log α + c1·α + c2·α² + c3·α³ (−KL without its constant). */
export function kingmaPolynomial(alpha: number): number {
  return 0.5 * Math.log(alpha) + KINGMA_C1 * alpha + KINGMA_C2 * alpha * alpha + KINGMA_C3 * alpha * alpha * alpha;
}

/**
 * The constant of Kingma's −KL. The prior is improper, so the KL is defined up to a constant;
 * this one makes Kingma's KL equal Molchanov's at α = 1, so both vanish as α → ∞ (Molchanov's
 * normalisation) and Kingma's is positive for every α ≤ 1.
 */
export const KINGMA_CONST = sparseVdNegKl(0) - kingmaPolynomial(1);

/** log(1 + e^x) without overflow. */
function log1pExp(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sameShape(a: Tensor, b: Tensor, op: string, names: [string, string]): void {
  if (!shapesEqual(a.shape, b.shape)) {
    throw new ShapeError(
      `${op}: expected ${names[1]} of the shape of ${names[0]} ${formatShape(a.shape)} but received ${formatShape(b.shape)}`,
    );
  }
}

export interface LrtNoiseOptions extends StreamOptions {
  /** Required: true samples, false returns the mean. */
  training: boolean;
}

/**
 * mean + sqrt(variance + 1e-8) ⊙ ε with ε ~ N(0, 1) (training); the mean itself otherwise.
 * variance must be >= 0 (a sum of squares times variances). Gradients: g to the mean,
 * g ⊙ ε / (2 sqrt(variance + 1e-8)) to the variance.
 */
export function lrtNoise(mean: Tensor, variance: Tensor, options: LrtNoiseOptions): Tensor {
  expectTensor(mean, 'mean');
  expectTensor(variance, 'variance');
  sameShape(mean, variance, 'lrtNoise', ['mean', 'variance']);
  const o = optionsObject(options);
  const training = trainingFlag(o.training);
  const generator: Generator = streamOf(o);
  if (!training) return mean;
  const n = mean.size;
  // The kernel writes every element of both (no zero fill needed).
  const out = newDataUninit(n);
  // Saved for backward: ε / (2σ), one float per output.
  const half = newDataUninit(n);
  if (n > 0)
    activeBackend().lrtNoise(
      out,
      half,
      mean.data,
      variance.data,
      generator.seed,
      generator.reserve(2 * Math.ceil(n / 2)),
      n,
    );
  return record(new Tensor(out, mean.shape), 'lrtNoise', [mean, variance], (g, needs) => {
    let gv: Float32Array | null = null;
    if (needs[1]) {
      gv = newDataUninit(n);
      activeBackend().mul(gv, g, half, n);
    }
    return [needs[0] ? g : null, gv];
  });
}

/** log α = clip(logSigma2 − log θ², −8, 8) as plain floats (no gradient); θ = 0 gives 8, NaN stays NaN. */
export function sparseVdLogAlpha(weight: Tensor, logSigma2: Tensor): Float32Array {
  expectTensor(weight, 'weight');
  expectTensor(logSigma2, 'logSigma2');
  sameShape(weight, logSigma2, 'sparseVdLogAlpha', ['weight', 'logSigma2']);
  const out = new Float32Array(weight.size);
  activeBackend().sparseVd(null, out, null, null, weight.data, logSigma2.data, false, weight.size);
  return out;
}

/**
 * σ² = exp(logSigma2), the variances of the local reparameterisation's second product, from the
 * backend's fused per-weight pass. Gradient: g ⊙ σ².
 */
export function sparseVdSigma2<S extends Shape>(logSigma2: Tensor<S>): Tensor<S> {
  expectTensor(logSigma2, 'logSigma2');
  const n = logSigma2.size;
  const sigma2 = new Float32Array(n);
  // Only σ² is asked for, so the weight argument is not read: logSigma2 stands in for it.
  activeBackend().sparseVd(sigma2, null, null, null, logSigma2.data, logSigma2.data, false, n);
  return record(new Tensor(sigma2, logSigma2.shape), 'sparseVdSigma2', [logSigma2], (g) => {
    const out = newDataUninit(n);
    activeBackend().mul(out, g, sigma2, n);
    return [out];
  });
}

/**
 * Σ over weights of Molchanov's KL(q(θ, σ²) ‖ log-uniform) at log α = clip(log σ² − log θ², −8, 8):
 *   KL = k1 − k1·σ(k2 + k3·log α) + 0.5·log1p(e^(−log α))
 * a positive scalar, decreasing in α. The gradient flows through log α where it is inside the
 * clip range (inclusive, as clamp), and is 0 outside: d log α / d log σ² = 1, d log α / dθ = −2/θ.
 * The backend's fused pass computes the sum and both per-weight derivatives in one read of θ and
 * log σ² (the sum accumulates in double); backward is then one scaling of each, in place. The
 * derivative arrays are kept with logSigma2 and reused from step to step (variational-product.ts's
 * lease), so a step allocates none.
 */
export function sparseVdKl(weight: Tensor, logSigma2: Tensor): Tensor<readonly []> {
  expectTensor(weight, 'weight');
  expectTensor(logSigma2, 'logSigma2');
  sameShape(weight, logSigma2, 'sparseVdKl', ['weight', 'logSigma2']);
  const n = weight.size;
  const backend = activeBackend();
  const token = {};
  let dls = needsGrad(weight, logSigma2) ? lease(logSigma2, 'kl.dls', n, token) : null;
  let dw = dls !== null ? lease(logSigma2, 'kl.dw', n, token) : null;
  const total = backend.sparseVd(null, null, dls, dw, weight.data, logSigma2.data, true, n);
  return record(new Tensor(Float32Array.of(total), []), 'sparseVdKl', [weight, logSigma2], (g, needs) => {
    const scale = g[0]!;
    if (dls === null || dw === null || !holds(dls, token) || !holds(dw, token)) {
      // A second backward through a retained graph, or a later term of the same layer took the
      // arrays over: the derivatives again, in arrays of its own.
      backend.sparseVd(
        null,
        null,
        (dls = newDataUninit(n)),
        (dw = newDataUninit(n)),
        weight.data,
        logSigma2.data,
        true,
        n,
      );
    }
    // The first backward hands the derivatives (scaled in place) over to the engine, which adds or
    // copies them into the gradients before anything else runs, and ends their lease.
    if (scale !== 1) {
      backend.scale(dls, dls, scale, n);
      backend.scale(dw, dw, scale, n);
    }
    const grads = [needs[0] ? dw : null, needs[1] ? dls : null];
    release(dls);
    release(dw);
    dls = dw = null;
    return grads;
  });
}

/**
 * Σ of Kingma's KL over log α, with α clamped to ≤ 1 (log α ≤ 0) as in the paper:
 *   KL = −(KINGMA_CONST + 0.5·log α + c1·α + c2·α² + c3·α³)
 * positive and decreasing in α on (0, 1]. The gradient is 0 where log α > 0 (clamped). The
 * backend's per-weight pass (kingmaVd) gives the sum of the polynomial part and its derivative
 * in one read of log α.
 */
export function kingmaKl(logAlpha: Tensor): Tensor<readonly []> {
  expectTensor(logAlpha, 'logAlpha');
  const n = logAlpha.size;
  const backend = activeBackend();
  const token = {};
  let dkl = needsGrad(logAlpha) ? lease(logAlpha, 'kl.dkl', n, token) : null;
  const negPoly = backend.kingmaVd(null, null, null, dkl, null, logAlpha.data, true, n);
  const total = negPoly - n * KINGMA_CONST;
  // As sparseVdKl's: handed over scaled, once; a second backward makes them again.
  return record(new Tensor(Float32Array.of(total), []), 'kingmaKl', [logAlpha], (g) => {
    if (dkl === null || !holds(dkl, token))
      backend.kingmaVd(null, null, null, (dkl = newDataUninit(n)), null, logAlpha.data, true, n);
    if (g[0] !== 1) backend.scale(dkl, dkl, g[0]!, n);
    const grad = dkl;
    release(dkl);
    dkl = null;
    return [grad];
  });
}

/**
 * α·θ² with α = min(exp(logAlpha), 1) per weight: the variances of variational dropout's local
 * reparameterisation (Kingma et al.'s type B), from the backend's per-weight pass. Gradients:
 * g·2αθ to the weight, g·αθ² to logAlpha where logAlpha ≤ 0 (0 where it is clamped).
 */
export function kingmaVariance(weight: Tensor, logAlpha: Tensor): Tensor {
  expectTensor(weight, 'weight');
  expectTensor(logAlpha, 'logAlpha');
  sameShape(weight, logAlpha, 'kingmaVariance', ['weight', 'logAlpha']);
  const n = weight.size;
  const track = needsGrad(weight, logAlpha);
  const variance = new Float32Array(n);
  const dw = track ? new Float32Array(n) : null;
  const dla = track ? new Float32Array(n) : null;
  activeBackend().kingmaVd(variance, dw, dla, null, weight.data, logAlpha.data, false, n);
  return record(new Tensor(variance, weight.shape), 'kingmaVariance', [weight, logAlpha], (g, needs) => {
    let gw: Float32Array | null = null;
    let gl: Float32Array | null = null;
    if (needs[0]) activeBackend().mul((gw = newDataUninit(n)), g, dw!, n);
    if (needs[1]) activeBackend().mul((gl = newDataUninit(n)), g, dla!, n);
    return [gw, gl];
  });
}

export interface UnitNoiseOptions extends StreamOptions {
  /** Required: true multiplies by the noise; false returns x unchanged. */
  training: boolean;
}

/**
 * x ⊙ (1 + sqrt(α) ε), ε ~ N(0, 1) per element, with α = min(exp(logAlpha), 1) per unit of
 * dimension 1 (the features of (N, F), the channels of (N, C, *)); logAlpha has that many
 * elements. Gaussian dropout whose variance α is learned (Kingma et al.'s type A). The
 * gradient to logAlpha is 0 where it is clamped (logAlpha > 0).
 */
export function unitNoise(x: Tensor, logAlpha: Tensor, options: UnitNoiseOptions): Tensor {
  expectTensor(x, 'x');
  expectTensor(logAlpha, 'logAlpha');
  const o = optionsObject(options);
  const training = trainingFlag(o.training);
  const generator = streamOf(o);
  if (x.rank < 2)
    throw new ShapeError(`unitNoise: expected x of shape [N, features, *] but received ${formatShape(x.shape)}`);
  const units = x.shape[1]!;
  if (logAlpha.size !== units) {
    throw new ShapeError(
      `unitNoise: expected logAlpha of ${units} elements (x's dimension 1) but received ${formatShape(logAlpha.shape)}`,
    );
  }
  if (!training) return x;
  const n = x.size;
  const inner = n / (x.shape[0]! * units);
  const eps = new Float32Array(n);
  if (n > 0) activeBackend().randnFill(eps, 0, 1, generator.seed, generator.reserve(2 * Math.ceil(n / 2)), n);
  const std = new Float64Array(units);
  for (let u = 0; u < units; u++) std[u] = Math.sqrt(Math.exp(Math.min(logAlpha.data[u]!, 0)));
  const xd = x.data;
  const noise = new Float32Array(n);
  for (let i = 0; i < n; i++) noise[i] = 1 + std[Math.floor(i / inner) % units]! * eps[i]!;
  const out = new Float32Array(n);
  activeBackend().mul(out, xd, noise, n);
  return record(new Tensor(out, x.shape), 'unitNoise', [x, logAlpha], (g, needs) => {
    let gx: Float32Array | null = null;
    if (needs[0]) {
      gx = new Float32Array(n);
      activeBackend().mul(gx, g, noise, n);
    }
    let ga: Float32Array | null = null;
    if (needs[1]) {
      // d/dlogα of x(1 + sqrt(α) ε) = x ε sqrt(α) / 2 (inside the clamp).
      const acc = new Float64Array(units);
      for (let i = 0; i < n; i++) acc[Math.floor(i / inner) % units]! += g[i]! * xd[i]! * eps[i]!;
      ga = new Float32Array(units);
      for (let u = 0; u < units; u++) if (logAlpha.data[u]! <= 0) ga[u] = (acc[u]! * std[u]!) / 2;
    }
    return [gx, ga];
  });
}

/** A drop rate p in [0, 1) as the Gaussian-dropout variance α = p / (1 − p). */
export function alphaOfRate(p: unknown, name = 'p'): number {
  const rate = unitInterval(p, name);
  return rate / (1 - rate);
}
