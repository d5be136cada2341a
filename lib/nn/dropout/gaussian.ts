/**
 * Keras's GaussianDropout (multiplicative noise of mean 1) and GaussianNoise (additive noise of
 * mean 0). The identity in eval mode. The math is in ops/dropout/gaussian.ts.
 */
import { is, signature } from '../../args.js';
import { gaussianDropout, gaussianNoise, gaussianRate, noiseStddev } from '../../ops/dropout.js';
import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { NoiseLayer, type NoiseLayerOptions } from './noise-layer.js';

// Keras's positional order: (rate, seed) and (stddev, seed).
const GAUSSIAN_DROPOUT = signature('GaussianDropout', ['rate'], { seed: is.seed }, { generator: is.generator });
const GAUSSIAN_NOISE = signature('GaussianNoise', ['stddev'], { seed: is.seed }, { generator: is.generator });

/** What follows a Gaussian layer's rate or stddev: Keras's seed, then (or instead) options. */
export type GaussianArgs =
  | [options?: NoiseLayerOptions | undefined]
  | [seed?: number | bigint, options?: { generator?: NoiseLayerOptions['generator'] } | undefined];

/**
 * Multiplies by Gaussian noise of mean 1 and variance rate / (1 - rate) in training (Keras's
 * GaussianDropout: the variance of dropout at that rate, without zeros); the identity in eval
 * mode. rate is in [0, 1): at 1 the variance would be infinite.
 */
export class GaussianDropout extends NoiseLayer {
  /** The drop rate the noise imitates. */
  readonly rate: number;

  constructor(rate: number, ...args: GaussianArgs) {
    super(GAUSSIAN_DROPOUT.parse<NoiseLayerOptions>(args));
    this.rate = gaussianRate(rate);
  }

  override get dropoutRate(): number {
    return this.rate;
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return gaussianDropout(this.checked(input), { rate: this.rate, training: this.training, ...this.stream });
  }

  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, ...this.streamConfig() };
  }

  override extraRepr(): string {
    return `rate=${this.rate}`;
  }
}

/**
 * Adds Gaussian noise of mean 0 and standard deviation `stddev` in training (Keras's
 * GaussianNoise, a regularizer and a form of data augmentation); the identity in eval mode.
 * It drops nothing, so it reports no dropoutRate.
 */
export class GaussianNoise extends NoiseLayer {
  readonly stddev: number;

  constructor(stddev: number, ...args: GaussianArgs) {
    super(GAUSSIAN_NOISE.parse<NoiseLayerOptions>(args));
    this.stddev = noiseStddev(stddev);
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return gaussianNoise(this.checked(input), { stddev: this.stddev, training: this.training, ...this.stream });
  }

  override getConfig(): Record<string, unknown> {
    return { stddev: this.stddev, ...this.streamConfig() };
  }

  override extraRepr(): string {
    return `stddev=${this.stddev}`;
  }
}
