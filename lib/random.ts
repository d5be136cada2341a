/**
 * Counter-based random numbers: a Generator is a Philox4x32-10 stream position, (seed, offset).
 *
 * The stream itself (draw e = word e % 4 of the Philox block with counter floor(e / 4) under the
 * 64-bit key `seed`) and the uniform and normal transforms are defined once, in
 * lib/backend/philox.ts, and shared with the reference kernels (randnFill, uniformFill, the
 * dropout masks); the native kernels reproduce them bit for bit. Any slice of the stream can be
 * computed independently (by any thread, on any ISA, in any order) and gives the same numbers.
 * Each request takes a fresh run of draws and advances the offset past them, rounded up to a
 * whole block, so the next request starts on a block boundary.
 */
import { finite } from './args.js';
import { argRangeError } from './errors.js';
import { f32, size, u32 } from './backend/check.js';
import { fillNormal, fillUniform, philoxDraws, seedWords } from './backend/philox.js';

export { philox4x32 } from './backend/philox.js';

/** A Philox stream: a seed and the index of its next unused draw. */
export class Generator {
  #k0 = 0;
  #k1 = 0;
  #seed: bigint = 0n;
  #offset = 0;

  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /** Restarts the stream from draw 0 under a new seed. */
  manualSeed(seed: number | bigint): this {
    [this.#k0, this.#k1] = seedWords(seed);
    this.#seed = (BigInt(this.#k1) << 32n) | BigInt(this.#k0);
    this.#offset = 0;
    return this;
  }

  /** The 64-bit seed. */
  get seed(): bigint {
    return this.#seed;
  }

  /** The key words (low, high) that native kernels take. */
  get key(): readonly [number, number] {
    return [this.#k0, this.#k1];
  }

  /** The index of the next unused draw (a multiple of 4). */
  get offset(): number {
    return this.#offset;
  }

  set offset(value: number) {
    if (!Number.isSafeInteger(value) || value < 0 || value % 4 !== 0) {
      throw argRangeError('offset', 'non-negative safe integer that is a multiple of 4', value);
    }
    this.#offset = value;
  }

  /** Reserves `count` draws; returns the offset of the first. The next reservation starts on a block. */
  reserve(count: number): number {
    size(count, 'count');
    const start = this.#offset;
    const next = start + Math.ceil(count / 4) * 4;
    if (!Number.isSafeInteger(next))
      throw argRangeError('count', `at most ${Number.MAX_SAFE_INTEGER - start} (the stream's safe offsets)`, count);
    this.#offset = next;
    return start;
  }

  /** Fills `out` with draws offset .. offset + out.length - 1 of this stream (does not advance it). */
  draws(out: Uint32Array, offset: number): void {
    u32(out, 'out');
    philoxDraws(out, out.length, this.#k0, this.#k1, size(offset, 'offset'));
  }

  /**
   * Fills `out` with uniform floats in [low, high): low + ((draw >>> 8) * 2^-24) * (high - low).
   * Advances. low and high are finite with low <= high (and a finite span), as PyTorch's uniform_.
   */
  uniform(out: Float32Array, low = 0, high = 1): Float32Array {
    f32(out, 'out');
    finite(low, 'low');
    finite(high, 'high');
    if (!(low <= high) || !Number.isFinite(high - low)) {
      throw argRangeError('high', `number >= low (${low}) with a finite high - low`, high);
    }
    const n = out.length;
    fillUniform(out, n, low, high, this.#k0, this.#k1, this.reserve(n));
    return out;
  }

  /**
   * Fills `out` with normal floats N(mean, std^2): Box-Muller on draw pairs 2j, 2j+1 (cos for
   * element 2j, sin for 2j+1). Advances by whole pairs.
   */
  normal(out: Float32Array, mean = 0, std = 1): Float32Array {
    f32(out, 'out');
    finite(mean, 'mean');
    finite(std, 'std');
    if (std < 0) throw argRangeError('std', 'finite non-negative number', std);
    const n = out.length;
    const pairs = Math.ceil(n / 2);
    fillNormal(out, n, mean, std, this.#k0, this.#k1, this.reserve(pairs * 2));
    return out;
  }
}

/** The seed of the default generator at start-up (PyTorch's default seed, for familiarity). */
export const DEFAULT_SEED = 67280421310721;

/** The process-wide stream used when no generator or seed is given. */
export const defaultGenerator = new Generator(DEFAULT_SEED);

/** Seeds the default generator: everything random after this call is reproducible. */
export function manualSeed(seed: number | bigint): void {
  defaultGenerator.manualSeed(seed);
}
