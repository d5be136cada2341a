/**
 * Counter-based random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy
 * as 1, 2, 3", SC'11).
 *
 * A Generator is a (seed, offset) pair. Draw number e of a stream is word e % 4 of the Philox
 * block whose counter is floor(e / 4), under the 64-bit key `seed`: a pure function of
 * (seed, e). Any slice of the stream can be computed independently (by any thread, on any ISA,
 * in any order) and gives the same numbers. Each request takes a fresh run of draws and advances
 * the offset past them, rounded up to a whole block, so the next request starts on a block
 * boundary.
 */
import { argRangeError, argTypeError } from './errors.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 values (exact, in 16-bit pieces). */
function mulhi(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const ll = aLo * bLo;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aHi * bHi + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 65536)) >>> 0;
}

/**
 * One Philox4x32-10 block: counter (c0..c3) under key (k0, k1), all uint32. Writes the four
 * output words to out[at..at+3].
 */
export function philox4x32(
  c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array, at = 0,
): void {
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[at] = c0;
  out[at + 1] = c1;
  out[at + 2] = c2;
  out[at + 3] = c3;
}

const TWO32 = 4294967296;
const MAX_SEED = 2n ** 64n - 1n;

/** Splits a seed (a safe integer or a bigint in [0, 2^64)) into the two 32-bit key words. */
function seedWords(seed: number | bigint): [number, number] {
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) throw argRangeError('seed', 'integer in [0, 2^53) or bigint in [0, 2^64)', seed);
    return [seed % TWO32 >>> 0, Math.floor(seed / TWO32) >>> 0];
  }
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed > MAX_SEED) throw argRangeError('seed', 'integer in [0, 2^53) or bigint in [0, 2^64)', seed);
    return [Number(seed & 0xffffffffn), Number(seed >> 32n)];
  }
  throw argTypeError('seed', 'integer in [0, 2^53) or bigint in [0, 2^64)', seed);
}

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
    const start = this.#offset;
    this.#offset += Math.ceil(count / 4) * 4;
    return start;
  }

  /** Fills `out` with draws offset .. offset + out.length - 1 of this stream (does not advance it). */
  draws(out: Uint32Array, offset: number): void {
    const block = new Uint32Array(4);
    let e = offset;
    let i = 0;
    while (i < out.length) {
      const b = Math.floor(e / 4);
      philox4x32(b >>> 0, Math.floor(b / TWO32) >>> 0, 0, 0, this.#k0, this.#k1, block);
      for (let lane = e % 4; lane < 4 && i < out.length; lane++, e++, i++) out[i] = block[lane]!;
    }
  }

  /** Fills `out` with uniform floats in [0, 1): (draw >>> 8) * 2^-24, exact in float32. Advances. */
  uniform(out: Float32Array, low = 0, high = 1): Float32Array {
    const n = out.length;
    const bits = new Uint32Array(n);
    this.draws(bits, this.reserve(n));
    const span = high - low;
    for (let i = 0; i < n; i++) out[i] = low + ((bits[i]! >>> 8) * 2 ** -24) * span;
    return out;
  }

  /**
   * Fills `out` with standard normal floats (Box-Muller on draw pairs 2j, 2j+1: cos for element
   * 2j, sin for 2j+1), scaled to N(mean, std^2). Advances.
   */
  normal(out: Float32Array, mean = 0, std = 1): Float32Array {
    const n = out.length;
    const pairs = Math.ceil(n / 2);
    const bits = new Uint32Array(pairs * 2);
    this.draws(bits, this.reserve(pairs * 2));
    for (let j = 0; j < pairs; j++) {
      // u1 in (0, 1] so the log is finite; u2 in [0, 1).
      const u1 = ((bits[2 * j]! >>> 8) + 1) * 2 ** -24;
      const u2 = (bits[2 * j + 1]! >>> 8) * 2 ** -24;
      const r = Math.sqrt(-2 * Math.log(u1));
      const t = 2 * Math.PI * u2;
      out[2 * j] = mean + std * r * Math.cos(t);
      if (2 * j + 1 < n) out[2 * j + 1] = mean + std * r * Math.sin(t);
    }
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
