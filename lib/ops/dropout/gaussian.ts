/**
 * Gaussian noise layers' ops, with Keras's semantics:
 *   gaussianDropout(x, { rate })    x * e,  e ~ N(1, rate / (1 - rate))   (multiplicative)
 *   gaussianNoise(x, { stddev })    x + e,  e ~ N(0, stddev^2)            (additive)
 * both the identity unless training. The noise comes from the backend's randnFill on the same
 * Philox stream as the dropout masks (offset = generator.reserve(draws)).
 *
 * gaussianDropout's backward needs e: rather than keep 4 bytes per element alive in the graph,
 * it regenerates e from (seed, offset) with the same kernel of the same backend, which gives
 * the same bits (randnFill is a pure function of its arguments on every ISA and thread count).
 * The graph holds no per-element state; backward pays one more normal fill.
 */
import { unitInterval } from '../../args.js';
import { record } from '../../autograd/record.js';
import { activeBackend } from '../../backend/index.js';
import { argRangeError, argTypeError } from '../../errors.js';
import type { Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { expectTensor } from '../check.js';
import { optionsObject, type StreamOptions, streamOf, trainingFlag } from './args.js';

export interface GaussianDropoutOptions extends StreamOptions {
  /** The drop rate it imitates, in [0, 1): the noise has variance rate / (1 - rate). */
  rate: number;
  /** Required: true multiplies by the noise; false returns x unchanged. */
  training: boolean;
}

export interface GaussianNoiseOptions extends StreamOptions {
  /** Standard deviation of the additive noise, a finite number >= 0. */
  stddev: number;
  /** Required: true adds the noise; false returns x unchanged. */
  training: boolean;
}

/** A Gaussian dropout rate: [0, 1). At 1 the noise variance is infinite. */
export function gaussianRate(value: unknown): number {
  return unitInterval(value, 'rate');
}

/** A noise standard deviation: finite and >= 0. */
export function noiseStddev(value: unknown): number {
  if (typeof value !== 'number') throw argTypeError('stddev', 'finite number >= 0', value);
  if (!(value >= 0 && Number.isFinite(value))) throw argRangeError('stddev', 'finite number >= 0', value);
  return value;
}

/** Draws taken by n normal samples: whole Box-Muller pairs. */
const normalDraws = (n: number): number => 2 * Math.ceil(n / 2);

/** x * N(1, rate / (1 - rate)) in training (Keras GaussianDropout); x itself otherwise. */
export function gaussianDropout<S extends Shape>(x: Tensor<S>, options: GaussianDropoutOptions): Tensor<S> {
  expectTensor(x, 'x');
  const o = optionsObject(options);
  const rate = gaussianRate(o.rate);
  const training = trainingFlag(o.training);
  const generator: Generator = streamOf(o);
  const n = x.size;
  if (!training || rate === 0 || n === 0) return x;
  const backend = activeBackend();
  const std = Math.sqrt(rate / (1 - rate));
  const seed = generator.seed;
  const offset = generator.reserve(normalDraws(n));
  const out = new Float32Array(n);
  backend.randnFill(out, 1, std, seed, offset, n);
  backend.mul(out, x.data, out, n);
  return record(new Tensor(out, x.shape), 'gaussianDropout', [x], (g) => {
    const gx = new Float32Array(n);
    backend.randnFill(gx, 1, std, seed, offset, n);
    backend.mul(gx, g, gx, n);
    return [gx];
  });
}

/** x + N(0, stddev^2) in training (Keras GaussianNoise); x itself otherwise. */
export function gaussianNoise<S extends Shape>(x: Tensor<S>, options: GaussianNoiseOptions): Tensor<S> {
  expectTensor(x, 'x');
  const o = optionsObject(options);
  const stddev = noiseStddev(o.stddev);
  const training = trainingFlag(o.training);
  const generator = streamOf(o);
  const n = x.size;
  if (!training || stddev === 0 || n === 0) return x;
  const backend = activeBackend();
  const out = new Float32Array(n);
  backend.randnFill(out, 0, stddev, generator.seed, generator.reserve(normalDraws(n)), n);
  backend.add(out, x.data, out, n);
  return record(new Tensor(out, x.shape), 'gaussianNoise', [x], (g) => [g]);
}
