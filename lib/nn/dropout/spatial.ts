/**
 * Keras's SpatialDropout1D/2D/3D: whole channels of batched input, channels last by default
 * ((N, *spatial, C)), each channel of each sample zeroed with probability p and the rest scaled
 * by 1/(1-p); the identity in eval mode. The math is in ops/dropout/dropout.ts.
 */
import { is } from '../../args.js';
import { argRangeError, argTypeError } from '../../errors.js';
import { type DataFormat, spatialDropout1d, spatialDropout2d, spatialDropout3d } from '../../ops/dropout.js';
import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { layerShapeError } from '../shape-check.js';
import { BernoulliDropout, dropoutArgs, type DropoutArgs, dropoutSignature } from './bernoulli.js';
import type { NoiseLayerOptions } from './noise-layer.js';

const SPATIAL = { dataFormat: is.string };
const SPATIAL1D = dropoutSignature('SpatialDropout1d', SPATIAL);
const SPATIAL2D = dropoutSignature('SpatialDropout2d', SPATIAL);
const SPATIAL3D = dropoutSignature('SpatialDropout3d', SPATIAL);

export interface SpatialDropoutLayerOptions extends NoiseLayerOptions {
  /** Where the channels are (Keras's data_format): 'channelsLast' (the default) or 'channelsFirst'. */
  dataFormat?: DataFormat;
}

/** Keras's SpatialDropout: batched input, channels last by default. */
abstract class SpatialDropout extends BernoulliDropout {
  protected abstract readonly spatial: 1 | 2 | 3;
  readonly dataFormat: DataFormat;

  constructor(p: number, options: SpatialDropoutLayerOptions) {
    super(p, options);
    const format = options.dataFormat ?? 'channelsLast';
    if (format !== 'channelsLast' && format !== 'channelsFirst') {
      const expected = "'channelsLast' or 'channelsFirst'";
      if (typeof format !== 'string') throw argTypeError('dataFormat', expected, format);
      throw argRangeError('dataFormat', expected, format);
    }
    this.dataFormat = format;
  }

  protected override checkShape(shape: Shape): void {
    if (shape.length !== this.spatial + 2)
      throw layerShapeError(this, new Array<number>(this.spatial + 2).fill(-1), shape);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), dataFormat: this.dataFormat };
  }

  override extraRepr(): string {
    return this.dataFormat === 'channelsLast' ? `p=${this.p}` : `p=${this.p}, dataFormat=channelsFirst`;
  }
}

/**
 * Keras SpatialDropout1D on (N, L, C): each channel of each sample is zeroed over all L steps
 * with probability p, the rest scaled by 1/(1-p); the identity in eval mode.
 */
export class SpatialDropout1d extends SpatialDropout {
  protected readonly spatial = 1;

  constructor(...args: DropoutArgs<SpatialDropoutLayerOptions>) {
    const options = dropoutArgs<SpatialDropoutLayerOptions>(SPATIAL1D, args);
    super(options.p, options);
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return spatialDropout1d(this.checked(input), {
      p: this.p,
      training: this.training,
      dataFormat: this.dataFormat,
      ...this.stream,
    });
  }
}

/** Keras SpatialDropout2D on (N, H, W, C) (or (N, C, H, W) with dataFormat 'channelsFirst'). */
export class SpatialDropout2d extends SpatialDropout {
  protected readonly spatial = 2;

  constructor(...args: DropoutArgs<SpatialDropoutLayerOptions>) {
    const options = dropoutArgs<SpatialDropoutLayerOptions>(SPATIAL2D, args);
    super(options.p, options);
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return spatialDropout2d(this.checked(input), {
      p: this.p,
      training: this.training,
      dataFormat: this.dataFormat,
      ...this.stream,
    });
  }
}

/** Keras SpatialDropout3D on (N, D, H, W, C) (or (N, C, D, H, W) with dataFormat 'channelsFirst'). */
export class SpatialDropout3d extends SpatialDropout {
  protected readonly spatial = 3;

  constructor(...args: DropoutArgs<SpatialDropoutLayerOptions>) {
    const options = dropoutArgs<SpatialDropoutLayerOptions>(SPATIAL3D, args);
    super(options.p, options);
  }

  override forward<S extends Shape>(input: Tensor<S>): Tensor<S> {
    return spatialDropout3d(this.checked(input), {
      p: this.p,
      training: this.training,
      dataFormat: this.dataFormat,
      ...this.stream,
    });
  }
}
