/**
 * Dropout layers, Bernoulli masks with inverted scaling (the math is in ops/dropout.ts):
 *   Dropout                    elements (PyTorch), optional Keras noiseShape
 *   Dropout1d / 2d / 3d        whole channels, channels first: (N, C, *spatial) or (C, *spatial) (PyTorch)
 *   SpatialDropout1d / 2d / 3d whole channels, channels last: (N, *spatial, C) (Keras SpatialDropout1D/2D/3D)
 * Each passes its own `training` flag to the op, as PyTorch's F.dropout(input, p, self.training).
 */
import { type ArgKind, is, type Signature, signature } from '../args.js';
import { argRangeError, argTypeError } from '../errors.js';
import {
  type DataFormat,
  dropout,
  dropout1d,
  dropout2d,
  dropout3d,
  spatialDropout1d,
  spatialDropout2d,
  spatialDropout3d,
} from '../ops/dropout.js';
import { probability, resolveNoiseShape } from '../ops/dropout-args.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { NoiseLayer, type NoiseLayerOptions } from './noise-layer.js';
import { layerShapeError } from './shape-check.js';

export type { NoiseLayerOptions } from './noise-layer.js';

/**
 * A dropout layer's arguments, PyTorch's (p, inplace) then (or instead) options; `p` may also be an
 * option. `inplace` is accepted for PyTorch code and changes nothing: the layer never writes into its
 * input, and the result is the same.
 */
export type DropoutArgs<O extends object = NoiseLayerOptions> =
  | [options?: (O & { p?: number; inplace?: boolean }) | undefined]
  | [p?: number, options?: (O & { inplace?: boolean }) | undefined]
  | [p?: number, inplace?: boolean, options?: O | undefined];

/** The signature of a dropout layer: (p, inplace) positional, the stream and `keywords` by name. */
export function dropoutSignature(owner: string, keywords: Readonly<Record<string, ArgKind>> = {}): Signature {
  return signature(
    owner,
    [],
    { p: is.probability, inplace: is.boolean },
    { seed: is.seed, generator: is.generator, ...keywords },
  );
}

/** Parsed dropout arguments: p (default 0.5) and the options. */
export function dropoutArgs<O extends object>(sig: Signature, args: readonly unknown[]): O & { p: number } {
  const o = sig.parse<O & { p?: number; inplace?: boolean }>(args);
  return { ...o, p: o.p ?? 0.5 };
}

const DROPOUT = dropoutSignature('Dropout', { noiseShape: is.arrayOrNull });
const DROPOUT1D = dropoutSignature('Dropout1d');
const DROPOUT2D = dropoutSignature('Dropout2d');
const DROPOUT3D = dropoutSignature('Dropout3d');
const SPATIAL = { dataFormat: is.string };
const SPATIAL1D = dropoutSignature('SpatialDropout1d', SPATIAL);
const SPATIAL2D = dropoutSignature('SpatialDropout2d', SPATIAL);
const SPATIAL3D = dropoutSignature('SpatialDropout3d', SPATIAL);

/** A layer that zeroes units with probability p in training. */
export abstract class BernoulliDropout extends NoiseLayer {
  /** Probability that a unit is zeroed. */
  readonly p: number;

  constructor(p: number, options: NoiseLayerOptions | undefined) {
    super(options);
    this.p = probability(p);
  }

  override get dropoutRate(): number {
    return this.p;
  }

  override getConfig(): Record<string, unknown> {
    return { p: this.p, ...this.streamConfig() };
  }

  /** PyTorch's extra_repr: `p=0.5`. */
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

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

  protected noise(x: Tensor, training: boolean): Tensor {
    return dropout(x, { p: this.p, training, noiseShape: this.noiseShape, ...this.stream });
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

  protected noise(x: Tensor, training: boolean): Tensor {
    return dropout1d(x, { p: this.p, training, ...this.stream });
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

  protected noise(x: Tensor, training: boolean): Tensor {
    return dropout2d(x, { p: this.p, training, ...this.stream });
  }
}

/** Zeroes whole channels of (N, C, D, H, W) or (C, D, H, W) with probability p; the identity in eval mode. */
export class Dropout3d extends ChannelDropout {
  protected readonly spatial = 3;

  constructor(...args: DropoutArgs) {
    const options = dropoutArgs<NoiseLayerOptions>(DROPOUT3D, args);
    super(options.p, options);
  }

  protected noise(x: Tensor, training: boolean): Tensor {
    return dropout3d(x, { p: this.p, training, ...this.stream });
  }
}

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

  protected noise(x: Tensor, training: boolean): Tensor {
    return spatialDropout1d(x, { p: this.p, training, dataFormat: this.dataFormat, ...this.stream });
  }
}

/** Keras SpatialDropout2D on (N, H, W, C) (or (N, C, H, W) with dataFormat 'channelsFirst'). */
export class SpatialDropout2d extends SpatialDropout {
  protected readonly spatial = 2;

  constructor(...args: DropoutArgs<SpatialDropoutLayerOptions>) {
    const options = dropoutArgs<SpatialDropoutLayerOptions>(SPATIAL2D, args);
    super(options.p, options);
  }

  protected noise(x: Tensor, training: boolean): Tensor {
    return spatialDropout2d(x, { p: this.p, training, dataFormat: this.dataFormat, ...this.stream });
  }
}

/** Keras SpatialDropout3D on (N, D, H, W, C) (or (N, C, D, H, W) with dataFormat 'channelsFirst'). */
export class SpatialDropout3d extends SpatialDropout {
  protected readonly spatial = 3;

  constructor(...args: DropoutArgs<SpatialDropoutLayerOptions>) {
    const options = dropoutArgs<SpatialDropoutLayerOptions>(SPATIAL3D, args);
    super(options.p, options);
  }

  protected noise(x: Tensor, training: boolean): Tensor {
    return spatialDropout3d(x, { p: this.p, training, dataFormat: this.dataFormat, ...this.stream });
  }
}
