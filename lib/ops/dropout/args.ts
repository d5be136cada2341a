/**
 * Argument checks shared by the dropout family: the rate, the training flag (required: a
 * forgotten flag must not silently change results), the random stream, the noise shape.
 *
 * The stream: `generator` draws from that Generator (advancing it); `seed` is shorthand for a
 * Generator made from that seed for this one call, so a functional call with a seed repeats
 * its mask on every call (layers built with a seed create their Generator once instead, and
 * give a new mask every step); neither draws from the default generator (manualSeed).
 */
import { boolean, probability as checkProbability } from '../../args.js';
import { argRangeError, argTypeError } from '../../errors.js';
import { defaultGenerator, Generator } from '../../random.js';
import type { Shape } from '../../shape.js';

/** Where the random numbers come from. */
export interface StreamOptions {
  /** The stream to draw from (default: the generator seeded by manualSeed). Advanced by each call. */
  generator?: Generator;
  /** A private stream for this call only: `new Generator(seed)`, so the same noise every call. */
  seed?: number | bigint;
}

/** A drop probability: a number in [0, 1] (NaN is a RangeError). */
export function probability(value: unknown, name = 'p'): number {
  return checkProbability(value, name);
}

/** The training flag: required, a boolean. */
export function trainingFlag(value: unknown): boolean {
  return boolean(value, 'training');
}

/** The options object of an op (undefined counts as {} so that the missing flag is what is reported). */
export function optionsObject<T extends object>(value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw argTypeError('options', 'object', value);
  return value;
}

/** The Generator a call draws from. */
export function streamOf(options: StreamOptions): Generator {
  const { generator, seed } = options;
  if (generator !== undefined) {
    if (!(generator instanceof Generator)) throw argTypeError('generator', 'Generator', generator);
    if (seed !== undefined) throw argTypeError('seed', 'undefined (a generator is given)', seed);
    return generator;
  }
  return seed === undefined ? defaultGenerator : new Generator(seed);
}

/**
 * The noise shape resolved against x's shape (Keras semantics): same rank, each entry x's size
 * or 1, null or undefined meaning x's size. Returns null when it is x's shape (no broadcast).
 */
export function resolveNoiseShape(value: unknown, shape: Shape): number[] | null {
  if (value === undefined || value === null) return null;
  const expected = `array of ${shape.length} sizes (x's sizes, 1 or null)`;
  if (!Array.isArray(value)) throw argTypeError('noiseShape', expected, value);
  if (value.length !== shape.length) throw argRangeError('noiseShape', expected, value);
  const out = value.map((d: unknown, i) => {
    const size = shape[i]!;
    if (d === null || d === undefined) return size;
    const want = size === 1 ? '1 or null' : `1, ${size} or null`;
    if (typeof d !== 'number') throw argTypeError(`noiseShape[${i}]`, want, d);
    if (d !== 1 && d !== size) throw argRangeError(`noiseShape[${i}]`, want, d);
    return d;
  });
  return out.every((d, i) => d === shape[i]) ? null : out;
}

/**
 * [outer, mid, inner] when the noise shape broadcasts x along one contiguous run of dimensions
 * (the form of the broadcast kernels: mask bit o * inner + j covers x[o, m, j] for every m),
 * else null. Dimensions of size 1 belong to either side.
 */
export function broadcastSplit(noise: readonly number[], shape: Shape): [number, number, number] | null {
  let first = -1;
  let last = -1;
  for (let i = 0; i < shape.length; i++) {
    if (noise[i] !== shape[i]) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0) return null;
  for (let i = first; i <= last; i++) if (noise[i] !== 1) return null;
  const prod = (a: number, b: number): number => shape.slice(a, b).reduce((p, d) => p * d, 1);
  return [prod(0, first), prod(first, last + 1), prod(last + 1, shape.length)];
}
