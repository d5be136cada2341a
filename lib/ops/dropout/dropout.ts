/**
 * Bernoulli dropout, inverted: in training each element (or each channel, or each element of a
 * noise shape) is kept with probability 1 - p and then scaled by 1/(1-p), so that expectations
 * match inference, where the op is the identity and nothing is rescaled.
 *
 *   dropout(x)                       any shape; optional Keras noiseShape
 *   dropout1d/2d/3d(x)               channels first, whole channels: (N, C, *spatial) or (C, *spatial)
 *   spatialDropout1d/2d/3d(x)        channels last (Keras): (N, *spatial, C)
 *
 * The mask is drawn on the backend's Philox kernels (element k of the noise takes draw
 * offset + k of the stream, offset = generator.reserve(noise elements)) and kept bit-packed for
 * backward: 1 bit per mask element is all the graph holds. `training: false`, p = 0 and empty
 * tensors return x itself without drawing; p = 1 gives zeros (and zero gradients) without drawing.
 */
import { record } from '../../autograd/record.js';
import { activeBackend } from '../../backend/index.js';
import { newDataUninit } from '../../backend/storage.js';
import { dropoutScale } from '../../backend/philox.js';
import { argRangeError, argTypeError, formatShape, ShapeError } from '../../errors.js';
import type { Generator } from '../../random.js';
import type { Shape } from '../../shape.js';
import { Tensor } from '../../tensor.js';
import { expectTensor } from '../check.js';
import {
  broadcastSplit,
  optionsObject,
  probability,
  resolveNoiseShape,
  type StreamOptions,
  streamOf,
  trainingFlag,
} from './args.js';

export type { StreamOptions } from './args.js';

export interface DropoutOptions extends StreamOptions {
  /** Probability that an element is zeroed, in [0, 1] (default 0.5). */
  p?: number;
  /** Required: true drops and scales by 1/(1-p); false returns x unchanged. */
  training: boolean;
  /**
   * The shape of the mask, broadcast over x (Keras's noise_shape): x's rank, each entry x's size
   * or 1 (null: x's size). [N, 1, C] on (N, T, C) drops the same features at every step.
   */
  noiseShape?: readonly (number | null | undefined)[] | null;
}

export interface ChannelDropoutOptions extends StreamOptions {
  /** Probability that a channel is zeroed, in [0, 1] (default 0.5). */
  p?: number;
  /** Required: true drops and scales by 1/(1-p); false returns x unchanged. */
  training: boolean;
}

export type DataFormat = 'channelsLast' | 'channelsFirst';

export interface SpatialDropoutOptions extends ChannelDropoutOptions {
  /** Where the channels are (Keras's data_format); default 'channelsLast'. */
  dataFormat?: DataFormat;
}

/** Words of a bit-packed mask of `bits` bits. */
export const maskWords = (bits: number): number => Math.ceil(bits / 32);

const product = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);

function rate(value: unknown): number {
  return probability(value === undefined ? 0.5 : value);
}

/** Zeros of x's shape whose gradient is zero. */
export function droppedAll<S extends Shape>(x: Tensor<S>, name: string): Tensor<S> {
  const n = x.size;
  return record(new Tensor(new Float32Array(n), x.shape), name, [x], () => [new Float32Array(n)]);
}

/**
 * x's dimensions as runs that are all broadcast (noise stride 0) or all drawn (contiguous in
 * the noise), dimensions of size 1 dropped: [N, C, H, W] under noise [N, 1, H, 1] is three runs.
 */
function noiseRuns(noise: Shape, shape: Shape): { sizes: number[]; strides: number[] } {
  const own = new Array<number>(shape.length);
  for (let d = shape.length - 1, stride = 1; d >= 0; d--) {
    own[d] = noise[d] === 1 ? 0 : stride;
    stride *= noise[d]!;
  }
  const sizes: number[] = [];
  const strides: number[] = [];
  shape.forEach((size, d) => {
    if (size === 1) return;
    const s = own[d]!;
    const last = sizes.length - 1;
    if (last >= 0 && (s === 0 ? strides[last] === 0 : strides[last] === s * size)) {
      sizes[last]! *= size;
      strides[last] = s;
    } else {
      sizes.push(size);
      strides.push(s);
    }
  });
  return { sizes, strides };
}

/**
 * out[i] = kept(noise element of i) ? src[i] * scale : +0 for a noise shape of any pattern;
 * `out` is zero-filled on entry. An odometer walks the runs, the innermost run in one loop (one
 * mask bit for all of it when it is broadcast).
 */
function applyNoiseMask(
  out: Float32Array,
  src: Float32Array,
  mask: Uint32Array,
  noise: Shape,
  shape: Shape,
  scale: number,
): void {
  const kept = (k: number): boolean => ((mask[k >>> 5]! >>> (k & 31)) & 1) === 1;
  const { sizes, strides } = noiseRuns(noise, shape);
  const rank = sizes.length;
  if (rank === 0) {
    if (kept(0)) out[0] = src[0]! * scale;
    return;
  }
  const inner = sizes[rank - 1]!;
  const broadcastInner = strides[rank - 1] === 0;
  const counter = new Array<number>(rank).fill(0);
  for (let at = 0, k = 0; at < out.length; at += inner) {
    if (broadcastInner) {
      if (kept(k)) for (let j = at; j < at + inner; j++) out[j] = src[j]! * scale;
    } else {
      for (let j = 0; j < inner; j++) if (kept(k + j)) out[at + j] = src[at + j]! * scale;
    }
    for (let d = rank - 2; d >= 0; d--) {
      k += strides[d]!;
      if (++counter[d]! < sizes[d]!) break;
      k -= strides[d]! * sizes[d]!;
      counter[d] = 0;
    }
  }
}

/**
 * Inverted Bernoulli dropout of x with a mask of shape `noise` (null: x's shape), drawn from
 * `generator`. The three paths draw the same bits for the same noise shape and stream position:
 * element-wise, the broadcast kernel for one contiguous run of broadcast dimensions, and a
 * mask over the noise elements applied through an index map for any other pattern.
 */
export function bernoulliDropout<S extends Shape>(
  x: Tensor<S>,
  p: number,
  training: boolean,
  generator: Generator,
  noise: number[] | null,
  name: string,
): Tensor<S> {
  const n = x.size;
  if (!training || p === 0 || n === 0) return x;
  if (p === 1) return droppedAll(x, name);
  const backend = activeBackend();
  const seed = generator.seed;
  const out = newDataUninit(n);
  if (noise === null) {
    const mask = new Uint32Array(maskWords(n));
    backend.dropoutForward(out, mask, x.data, p, seed, generator.reserve(n), n);
    return record(new Tensor(out, x.shape), name, [x], (g) => {
      const gx = newDataUninit(n);
      backend.dropoutBackward(gx, g, mask, p, n);
      return [gx];
    });
  }
  const bits = product(noise);
  const mask = new Uint32Array(maskWords(bits));
  const split = broadcastSplit(noise, x.shape);
  if (split !== null) {
    const [outer, mid, inner] = split;
    backend.dropoutBroadcastForward(out, mask, x.data, p, seed, generator.reserve(bits), outer, mid, inner);
    return record(new Tensor(out, x.shape), name, [x], (g) => {
      const gx = newDataUninit(n);
      backend.dropoutBroadcastBackward(gx, g, mask, p, outer, mid, inner);
      return [gx];
    });
  }
  backend.dropoutMask(mask, p, seed, generator.reserve(bits), bits);
  const scale = dropoutScale(p);
  const shape = x.shape;
  out.fill(0); // applyNoiseMask writes the kept elements only
  applyNoiseMask(out, x.data, mask, noise, shape, scale);
  return record(new Tensor(out, shape), name, [x], (g) => {
    const gx = new Float32Array(n);
    applyNoiseMask(gx, g, mask, noise, shape, scale);
    return [gx];
  });
}

/**
 * Inverted dropout: in training, zeroes each element with probability p and scales the rest by
 * 1/(1-p); with `training: false` (or p = 0) returns x itself. PyTorch's F.dropout, plus Keras's
 * noiseShape.
 */
export function dropout<S extends Shape>(x: Tensor<S>, options: DropoutOptions): Tensor<S> {
  expectTensor(x, 'x');
  const o = optionsObject(options);
  const p = rate(o.p);
  const training = trainingFlag(o.training);
  const generator = streamOf(o);
  return bernoulliDropout(x, p, training, generator, resolveNoiseShape(o.noiseShape, x.shape), 'dropout');
}

const SPATIAL_NAMES = ['L', 'H, W', 'D, H, W'] as const;

/** The noise shape of channel dropout: x's shape with `dims` set to 1, or null if that is x's shape. */
function channelNoise(shape: Shape, dims: number[]): number[] | null {
  const noise = shape.map((d, i) => (dims.includes(i) ? 1 : d));
  return noise.every((d, i) => d === shape[i]) ? null : noise;
}

function range(from: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => from + i);
}

/** Channels first: (N, C, *spatial) or unbatched (C, *spatial); one draw per channel. */
function channelsFirst<S extends Shape>(x: Tensor<S>, options: ChannelDropoutOptions, spatial: 1 | 2 | 3): Tensor<S> {
  const name = `dropout${spatial}d`;
  expectTensor(x, 'x');
  const o = optionsObject(options);
  const p = rate(o.p);
  const training = trainingFlag(o.training);
  const generator = streamOf(o);
  const rank = x.rank;
  if (rank !== spatial + 1 && rank !== spatial + 2) {
    const dims = SPATIAL_NAMES[spatial - 1];
    throw new ShapeError(
      `${name}: expected input (N, C, ${dims}) or (C, ${dims}) but received ${formatShape(x.shape)}`,
    );
  }
  return bernoulliDropout(x, p, training, generator, channelNoise(x.shape, range(rank - spatial, spatial)), name);
}

/** Channels last (Keras SpatialDropout): (N, *spatial, C); one draw per (sample, channel). */
function channelsLast<S extends Shape>(x: Tensor<S>, options: SpatialDropoutOptions, spatial: 1 | 2 | 3): Tensor<S> {
  const name = `spatialDropout${spatial}d`;
  expectTensor(x, 'x');
  const o = optionsObject(options);
  const p = rate(o.p);
  const training = trainingFlag(o.training);
  const generator = streamOf(o);
  const format = o.dataFormat ?? 'channelsLast';
  if (format !== 'channelsLast' && format !== 'channelsFirst') {
    const expected = "'channelsLast' or 'channelsFirst'";
    if (typeof format !== 'string') throw argTypeError('dataFormat', expected, format);
    throw argRangeError('dataFormat', expected, format);
  }
  const last = format === 'channelsLast';
  if (x.rank !== spatial + 2) {
    const dims = SPATIAL_NAMES[spatial - 1];
    const layout = last ? `(N, ${dims}, C)` : `(N, C, ${dims})`;
    throw new ShapeError(`${name}: expected input ${layout} but received ${formatShape(x.shape)}`);
  }
  return bernoulliDropout(x, p, training, generator, channelNoise(x.shape, range(last ? 1 : 2, spatial)), name);
}

/** Whole-channel dropout on (N, C, L) or (C, L), as PyTorch's F.dropout1d. */
export function dropout1d<S extends Shape>(x: Tensor<S>, options: ChannelDropoutOptions): Tensor<S> {
  return channelsFirst(x, options, 1);
}

/**
 * Whole-channel dropout on (N, C, H, W) or (C, H, W). A 3-D input is unbatched (C, H, W), the
 * behaviour PyTorch announces; PyTorch still treats it as (N, C, L) for now (use dropout1d).
 */
export function dropout2d<S extends Shape>(x: Tensor<S>, options: ChannelDropoutOptions): Tensor<S> {
  return channelsFirst(x, options, 2);
}

/** Whole-channel dropout on (N, C, D, H, W) or (C, D, H, W), as PyTorch's F.dropout3d. */
export function dropout3d<S extends Shape>(x: Tensor<S>, options: ChannelDropoutOptions): Tensor<S> {
  return channelsFirst(x, options, 3);
}

/** Keras SpatialDropout1D: (N, L, C), each channel of each sample dropped over all steps. */
export function spatialDropout1d<S extends Shape>(x: Tensor<S>, options: SpatialDropoutOptions): Tensor<S> {
  return channelsLast(x, options, 1);
}

/** Keras SpatialDropout2D: (N, H, W, C), or (N, C, H, W) with dataFormat 'channelsFirst'. */
export function spatialDropout2d<S extends Shape>(x: Tensor<S>, options: SpatialDropoutOptions): Tensor<S> {
  return channelsLast(x, options, 2);
}

/** Keras SpatialDropout3D: (N, D, H, W, C), or (N, C, D, H, W) with dataFormat 'channelsFirst'. */
export function spatialDropout3d<S extends Shape>(x: Tensor<S>, options: SpatialDropoutOptions): Tensor<S> {
  return channelsLast(x, options, 3);
}
