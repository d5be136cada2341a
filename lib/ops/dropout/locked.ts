/**
 * Locked (variational) dropout across time (Gal & Ghahramani 2016; AWD-LSTM's LockedDropout):
 * one Bernoulli mask per sample and feature, shared by every time step of the call.
 *
 *   time-major   x is (T, B, H): mask (1, B, H)
 *   batch-first  x is (B, T, H): mask (B, 1, H)
 *
 * Kept values are scaled by 1/(1-p). Mask bit b * H + h is draw offset + b * H + h of the stream
 * (offset = generator.reserve(B * H)): time is not in the key, so "the same mask at every step"
 * holds by construction, for any thread count and ISA (it runs on the backend's broadcast
 * dropout kernels). `training: false`, p = 0 and empty tensors return x itself without drawing;
 * p = 1 gives zeros (and zero gradients) without drawing.
 */
import { argTypeError, formatShape, ShapeError } from '../../errors.js';
import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { expectTensor } from '../check.js';
import { bernoulliDropout } from './dropout.js';
import { optionsObject, probability, type StreamOptions, streamOf, trainingFlag } from './args.js';

export interface LockedDropoutOptions extends StreamOptions {
  /** Probability that a (sample, feature) is zeroed for the whole sequence, in [0, 1] (default 0.5). */
  p?: number;
  /** Required: true drops and scales by 1/(1-p); false returns x unchanged. */
  training: boolean;
  /** x is (B, T, H) rather than (T, B, H) (default false, PyTorch's RNN default). */
  batchFirst?: boolean;
}

/** The mask shape of locked dropout on `shape` (rank 3). */
export function lockedNoiseShape(shape: Shape, batchFirst: boolean): number[] {
  return batchFirst ? [shape[0]!, 1, shape[2]!] : [1, shape[1]!, shape[2]!];
}

/** Locked dropout of a (T, B, H) (or batch-first (B, T, H)) sequence. */
export function lockedDropout<S extends Shape>(x: Tensor<S>, options: LockedDropoutOptions): Tensor<S> {
  expectTensor(x, 'x');
  const o = optionsObject(options);
  const p = probability(o.p === undefined ? 0.5 : o.p);
  const training = trainingFlag(o.training);
  const batchFirst = o.batchFirst ?? false;
  if (typeof batchFirst !== 'boolean') throw argTypeError('batchFirst', 'boolean', batchFirst);
  const generator = streamOf(o);
  if (x.rank !== 3) {
    throw new ShapeError(
      `lockedDropout: expected input ${batchFirst ? '(B, T, H)' : '(T, B, H)'} but received ${formatShape(x.shape)}`,
    );
  }
  const noise = lockedNoiseShape(x.shape, batchFirst);
  // A noise shape equal to x's (T = 1) is plain element dropout: the same draws either way.
  const same = noise.every((d, i) => d === x.shape[i]);
  return bernoulliDropout(x, p, training, generator, same ? null : noise, 'lockedDropout');
}
