/**
 * PyTorch's AlphaDropout and FeatureAlphaDropout, for self-normalizing (SELU) networks: dropped
 * units go to SELU's saturation value and an affine map keeps mean 0 and variance 1. The
 * identity in eval mode. The math is in ops/dropout/alpha.ts.
 */
import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { alphaDropout, featureAlphaDropout } from '../../ops/dropout.js';
import { layerShapeError } from '../shape-check.js';
import { BernoulliDropout, dropoutArgs, type DropoutArgs, dropoutSignature } from './bernoulli.js';
import type { NoiseLayerOptions } from './noise-layer.js';

const ALPHA = dropoutSignature('AlphaDropout');
const FEATURE_ALPHA = dropoutSignature('FeatureAlphaDropout');

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

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return alphaDropout(this.checked(input), { p: this.p, training: this.training, ...this.stream });
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

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return featureAlphaDropout(this.checked(input), { p: this.p, training: this.training, ...this.stream });
  }
}
