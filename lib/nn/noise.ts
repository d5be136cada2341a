/**
 * The dropout family beyond Bernoulli masks (math in ops/alpha-dropout.ts and
 * ops/gaussian-dropout.ts):
 *   AlphaDropout, FeatureAlphaDropout   for SELU networks (PyTorch)
 *   GaussianDropout, GaussianNoise      multiplicative and additive Gaussian noise (Keras)
 * All are the identity in eval mode.
 */
import { alphaDropout, featureAlphaDropout } from '../ops/alpha-dropout.js';
import { gaussianDropout, gaussianNoise, gaussianRate, noiseStddev } from '../ops/gaussian-dropout.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { is, signature } from '../args.js';
import { BernoulliDropout, dropoutArgs, type DropoutArgs, dropoutSignature } from './dropout.js';
import { NoiseLayer, type NoiseLayerOptions } from './noise-layer.js';
import { layerShapeError } from './shape-check.js';

const ALPHA = dropoutSignature('AlphaDropout');
const FEATURE_ALPHA = dropoutSignature('FeatureAlphaDropout');
// Keras's positional order: (rate, seed) and (stddev, seed).
const GAUSSIAN_DROPOUT = signature('GaussianDropout', ['rate'], { seed: is.seed }, { generator: is.generator });
const GAUSSIAN_NOISE = signature('GaussianNoise', ['stddev'], { seed: is.seed }, { generator: is.generator });

/** What follows a Gaussian layer's rate or stddev: Keras's seed, then (or instead) options. */
export type GaussianArgs =
  | [options?: NoiseLayerOptions | undefined]
  | [seed?: number | bigint, options?: { generator?: NoiseLayerOptions['generator'] } | undefined];

/**
 * Alpha dropout for self-normalizing networks (after SELU): in training a unit is dropped with
 * probability p to SELU's saturation value -λα, then all units are mapped by a·x + b so that
 * inputs of mean 0 and variance 1 keep them; the identity in eval mode.
 */
export class AlphaDropout extends BernoulliDropout {
  constructor(...args: DropoutArgs) {
    const options = dropoutArgs<NoiseLayerOptions>(ALPHA, args);
    super(options.p, options);
  }

  protected noise(x: Tensor, training: boolean): Tensor {
    return alphaDropout(x, { p: this.p, training, ...this.stream });
  }
}

/**
 * Alpha dropout of whole channels of (N, C, *) (each channel of each sample is dropped as a
 * whole), for SELU networks with convolutions; the identity in eval mode.
 */
export class FeatureAlphaDropout extends BernoulliDropout {
  constructor(...args: DropoutArgs) {
    const options = dropoutArgs<NoiseLayerOptions>(FEATURE_ALPHA, args);
    super(options.p, options);
  }

  protected override checkShape(shape: Shape): void {
    if (shape.length < 2) throw layerShapeError(this, [-1, -1], shape);
  }

  protected noise(x: Tensor, training: boolean): Tensor {
    return featureAlphaDropout(x, { p: this.p, training, ...this.stream });
  }
}

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

  protected noise(x: Tensor, training: boolean): Tensor {
    return gaussianDropout(x, { rate: this.rate, training, ...this.stream });
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

  protected noise(x: Tensor, training: boolean): Tensor {
    return gaussianNoise(x, { stddev: this.stddev, training, ...this.stream });
  }

  override getConfig(): Record<string, unknown> {
    return { stddev: this.stddev, ...this.streamConfig() };
  }

  override extraRepr(): string {
    return `stddev=${this.stddev}`;
  }
}
