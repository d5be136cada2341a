/**
 * PyTorch's dropout layers, Bernoulli masks with inverted scaling (the math is in ops/dropout/dropout.ts):
 *   Dropout                    elements (PyTorch), optional Keras noiseShape
 *   Dropout1d / 2d / 3d        whole channels, channels first: (N, C, *spatial) or (C, *spatial) (PyTorch)
 * Keras's channels-last SpatialDropout1d/2d/3d are in spatial.ts.
 */
import { is } from '../../args.js';
import { argRangeError, argTypeError } from '../../errors.js';
import { dropout, dropout1d, dropout2d, dropout3d, resolveNoiseShape } from '../../ops/dropout.js';
import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { layerShapeError } from '../shape-check.js';
import { BernoulliDropout, dropoutArgs, type DropoutArgs, dropoutSignature } from './bernoulli.js';
import type { NoiseLayerOptions } from './noise-layer.js';

const DROPOUT = dropoutSignature('Dropout', { noiseShape: is.arrayOrNull });
const DROPOUT1D = dropoutSignature('Dropout1d');
const DROPOUT2D = dropoutSignature('Dropout2d');
const DROPOUT3D = dropoutSignature('Dropout3d');

export interface DropoutLayerOptions extends NoiseLayerOptions {
  /**
   * The mask's shape, broadcast over the input (Keras's noise_shape): the input's rank, each
   * entry the input's size or 1, null for the input's size (write null for the batch).
   */
  noiseShape?: readonly (number | null)[];
}

/**
 * Inverted dropout: in training each element is zeroed with probability p and the others are
 * scaled by 1/(1-p), so in eval mode the layer is the identity, with no rescaling at inference.
 */
export class Dropout extends BernoulliDropout {
  readonly noiseShape: readonly (number | null)[] | null;

  constructor(...args: DropoutArgs<DropoutLayerOptions>) {
    const options = dropoutArgs<DropoutLayerOptions>(DROPOUT, args);
    super(options.p, options);
    const noiseShape = options.noiseShape ?? null;
    if (noiseShape !== null) {
      if (!Array.isArray(noiseShape))
        throw argTypeError('noiseShape', 'array of sizes (1, a size or null)', noiseShape);
      noiseShape.forEach((d, i) => {
        if (d !== null && typeof d !== 'number') throw argTypeError(`noiseShape[${i}]`, 'positive integer or null', d);
        if (d !== null && !(Number.isSafeInteger(d) && d >= 1))
          throw argRangeError(`noiseShape[${i}]`, 'positive integer or null', d);
      });
    }
    this.noiseShape = noiseShape === null ? null : Object.freeze([...noiseShape]);
  }

  protected override checkShape(shape: Shape): void {
    const noise = this.noiseShape;
    if (noise === null) return;
    try {
      // A size not known yet (-1, the batch) agrees with any noise size.
      resolveNoiseShape(
        noise,
        shape.map((d, i) => (d < 0 ? (noise[i] ?? 1) : d)),
      );
    } catch {
      throw layerShapeError(
        this,
        noise.map((d) => (d === null || d === 1 ? -1 : d)),
        shape,
      );
    }
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return dropout(this.checked(input), {
      p: this.p,
      training: this.training,
      noiseShape: this.noiseShape,
      ...this.stream,
    });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...(this.noiseShape === null ? {} : { noiseShape: [...this.noiseShape] }) };
  }

  override extraRepr(): string {
    const noise =
      this.noiseShape === null ? '' : `, noiseShape=[${this.noiseShape.map((d) => d ?? 'null').join(', ')}]`;
    return `p=${this.p}${noise}`;
  }
}

/** Channels-first channel dropout: (N, C, *spatial) or unbatched (C, *spatial). */
abstract class ChannelDropout extends BernoulliDropout {
  protected abstract readonly spatial: 1 | 2 | 3;

  protected override checkShape(shape: Shape): void {
    if (shape.length !== this.spatial + 1 && shape.length !== this.spatial + 2) {
      throw layerShapeError(this, new Array<number>(this.spatial + 2).fill(-1), shape);
    }
  }
}

/**
 * Zeroes whole channels of (N, C, L) or (C, L) with probability p (each channel of each sample
 * drawn once), scaling the rest by 1/(1-p); the identity in eval mode. For 1-D feature maps
 * whose neighbouring steps are correlated (after Conv1d), where element dropout barely regularizes.
 */
export class Dropout1d extends ChannelDropout {
  protected readonly spatial = 1;

  constructor(...args: DropoutArgs) {
    const options = dropoutArgs<NoiseLayerOptions>(DROPOUT1D, args);
    super(options.p, options);
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return dropout1d(this.checked(input), { p: this.p, training: this.training, ...this.stream });
  }
}

/**
 * Zeroes whole channels of (N, C, H, W) or (C, H, W) with probability p, scaling the rest by
 * 1/(1-p); the identity in eval mode (Tompson et al. 2015's SpatialDropout, channels first).
 * A 3-D input is one unbatched sample (C, H, W); for (N, C, L) use Dropout1d.
 */
export class Dropout2d extends ChannelDropout {
  protected readonly spatial = 2;

  constructor(...args: DropoutArgs) {
    const options = dropoutArgs<NoiseLayerOptions>(DROPOUT2D, args);
    super(options.p, options);
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return dropout2d(this.checked(input), { p: this.p, training: this.training, ...this.stream });
  }
}

/** Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) with probability p; the identity in eval mode. */
export class Dropout3d extends ChannelDropout {
  protected readonly spatial = 3;

  constructor(...args: DropoutArgs) {
    const options = dropoutArgs<NoiseLayerOptions>(DROPOUT3D, args);
    super(options.p, options);
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return dropout3d(this.checked(input), { p: this.p, training: this.training, ...this.stream });
  }
}
