/**
 * Concrete dropout's op (Gal, Hron & Kendall 2017): dropout with a relaxed Bernoulli mask, so
 * that the drop probability p = sigmoid(pLogit) gets a gradient. With u ~ U(0, 1), temperature
 * t and eps = 1e-7:
 *   z = σ((log(p + eps) − log(1 − p + eps) + log(u + eps) − log(1 − u + eps)) / t)
 *   y = x ⊙ (1 − z) / (1 − p)
 * z is close to 0 or 1 at t = 0.1 (a near-Bernoulli(p) drop indicator); E[(1 − z) / (1 − p)]
 * is close to 1. `spatial` draws one z per (sample, channel) of (N, C, *) and applies it to the
 * whole channel (SpatialConcreteDropout, for convolutions).
 *
 * The mask, the scaled output and the backward (x's gradient and p's, through the relaxation) are
 * one backend pass each (concreteDropout / concreteDropoutBackward, native/kernels/vdo/): u is
 * uniformFill's draw for each mask value on the Philox stream (offset = generator.reserve), so the
 * reference backend and the native one use the same u; the native pass computes z in float
 * (within about 1e-5 relative of the reference's double).
 */
import { nonNegativeInt, unitInterval } from '../args.js';
import { record } from '../autograd/record.js';
import { activeBackend } from '../backend/index.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './check.js';
import { optionsObject, type StreamOptions, streamOf, trainingFlag } from './dropout.js';

/** The relaxation's eps, as the reference implementation. */
export const CONCRETE_EPS = 1e-7;

export interface ConcreteDropoutOptions extends StreamOptions {
  /** Required: true applies the relaxed mask; false returns x unchanged. */
  training: boolean;
  /** The relaxation's temperature t > 0 (default 0.1). */
  temperature?: number;
  /** One mask value per (sample, channel) of (N, C, *), shared over the rest (default false). */
  spatial?: boolean;
}

/** A temperature: a finite number > 0. */
export function temperatureOf(value: unknown): number {
  if (value === undefined) return 0.1;
  if (typeof value !== 'number') throw argTypeError('temperature', 'finite number > 0', value);
  if (!(value > 0 && Number.isFinite(value))) throw argRangeError('temperature', 'finite number > 0', value);
  return value;
}

/** p = sigmoid(logit) in float64. */
export function sigmoid64(logit: number): number {
  return logit >= 0 ? 1 / (1 + Math.exp(-logit)) : Math.exp(logit) / (1 + Math.exp(logit));
}

/**
 * `count` relaxed drop indicators z at drop probability p in (0, 1) (the mask before 1 − z and
 * the 1/(1 − p) scaling), drawn from the stream: z = 1 − keep·(1 − p) from the backend's pass
 * (as concreteDropout draws them, absolute error about 1e-7). For tests and plots of the relaxation.
 */
export function concreteMask(
  count: number,
  p: number,
  options: StreamOptions & { temperature?: number } = {},
): Float32Array {
  nonNegativeInt(count, 'count');
  unitInterval(p, 'p');
  if (!(p > 0 && p < 1)) throw argRangeError('p', 'number in (0, 1)', p);
  const o = optionsObject(options);
  const t = temperatureOf(o.temperature);
  const generator = streamOf(o);
  const z = new Float32Array(count);
  if (count === 0) return z;
  const keep = new Float32Array(count);
  const offset = generator.reserve(count);
  activeBackend().concreteDropout(
    z,
    keep,
    new Float32Array(count),
    new Float32Array(count),
    p,
    t,
    generator.seed,
    offset,
    count,
    1,
  );
  for (let i = 0; i < count; i++) z[i] = Math.min(1, Math.max(0, 1 - keep[i]! * (1 - p)));
  return z;
}

/**
 * x ⊙ (1 − z) / (1 − p) with the relaxed mask z at p = sigmoid(pLogit) (training); x itself
 * otherwise. pLogit is a one-element tensor; gradients flow to x and to pLogit.
 */
export function concreteDropout(x: Tensor, pLogit: Tensor, options: ConcreteDropoutOptions): Tensor {
  expectTensor(x, 'x');
  expectTensor(pLogit, 'pLogit');
  if (pLogit.size !== 1)
    throw new ShapeError(`concreteDropout: expected pLogit of one element but received ${formatShape(pLogit.shape)}`);
  const o = optionsObject(options);
  const training = trainingFlag(o.training);
  const t = temperatureOf(o.temperature);
  const spatial = o.spatial ?? false;
  if (typeof spatial !== 'boolean') throw argTypeError('spatial', 'boolean', spatial);
  const generator = streamOf(o);
  if (spatial && x.rank < 3)
    throw new ShapeError(
      `concreteDropout: spatial needs x of shape [N, C, *spatial] but received ${formatShape(x.shape)}`,
    );
  if (!training) return x;
  const n = x.size;
  const masks = spatial ? x.shape[0]! * x.shape[1]! : n;
  const inner = masks === 0 ? 1 : n / masks;
  const p = sigmoid64(pLogit.data[0]!);
  if (!(p > 0 && p < 1))
    throw new RangeError(`concreteDropout: expected pLogit to give a rate p in (0, 1) but received ${pLogit.data[0]}`);
  const backend = activeBackend();
  const out = new Float32Array(n);
  const keep = new Float32Array(masks);
  const dKeep = new Float32Array(masks);
  const offset = masks > 0 ? generator.reserve(masks) : 0;
  backend.concreteDropout(out, keep, dKeep, x.data, p, t, generator.seed, offset, masks, inner);
  const xd = x.data;
  return record(
    new Tensor(out, x.shape),
    spatial ? 'spatialConcreteDropout' : 'concreteDropout',
    [x, pLogit],
    (g, needs) => {
      const gx = needs[0] ? new Float32Array(n) : null;
      const dp = backend.concreteDropoutBackward(gx, g, xd, keep, dKeep, needs[1] === true, masks, inner);
      return [gx, needs[1] ? Float32Array.of(dp * p * (1 - p)) : null];
    },
  );
}

/** log(1 + e^x) in double without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * Concrete dropout's regulariser as one op, p = sigmoid(pLogit):
 *   weightScale · ‖w‖² / (1 − p) + dropoutScale · (p log p + (1 − p) log(1 − p))
 * ‖w‖² is one backend pass (sumSquares, summed in double); the rest is scalar arithmetic in double
 * (log p = −softplus(−logit), log(1 − p) = −softplus(logit)). Gradients in closed form:
 * w: 2·weightScale·w / (1 − p), one scaling pass; pLogit: (weightScale·‖w‖² / (1 − p)² +
 * dropoutScale·logit)·p(1 − p) (d/dp of p log p + (1 − p) log(1 − p) is log(p / (1 − p)) = logit).
 * One tape node instead of a squared copy, a sum and ten scalar ops.
 */
export function concreteRegularizer(
  w: Tensor,
  pLogit: Tensor,
  weightScale: number,
  dropoutScale: number,
): Tensor<readonly []> {
  expectTensor(w, 'w');
  expectTensor(pLogit, 'pLogit');
  if (pLogit.size !== 1)
    throw new ShapeError(
      `concreteRegularizer: expected pLogit of one element but received ${formatShape(pLogit.shape)}`,
    );
  if (typeof weightScale !== 'number') throw argTypeError('weightScale', 'number', weightScale);
  if (typeof dropoutScale !== 'number') throw argTypeError('dropoutScale', 'number', dropoutScale);
  const backend = activeBackend();
  const n = w.size;
  const data = w.data;
  const logit = pLogit.data[0]!;
  const p = sigmoid64(logit);
  const q = 1 - p;
  const norm = n > 0 ? backend.sumSquares(data, n) : 0;
  const negEntropy = -p * softplus(-logit) - q * softplus(logit);
  const value = (weightScale * norm) / q + dropoutScale * negEntropy;
  return record(new Tensor(Float32Array.of(value), []), 'concreteRegularizer', [w, pLogit], (g, needs) => {
    const scale = g[0]!;
    let gw: Float32Array | null = null;
    if (needs[0]) {
      gw = new Float32Array(n);
      if (n > 0) backend.scale(gw, data, (2 * weightScale * scale) / q, n);
    }
    const gl = needs[1]
      ? Float32Array.of(scale * ((weightScale * norm) / (q * q) + dropoutScale * logit) * p * q)
      : null;
    return [gw, gl];
  });
}
