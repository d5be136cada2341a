/**
 * The one definition of dropnet's random stream, shared by the Generator (lib/random.ts), the
 * reference kernels and (bit for bit) the native ones (native/kernels/dropout/philox.h).
 *
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11) keyed by
 * the 64-bit seed (k0 = low 32 bits, k1 = high 32 bits). Draw number e of the stream is word
 * e % 4 of the block whose counter is (low32(e / 4), high32(e / 4), 0, 0): a pure function of
 * (seed, e), so any slice can be computed by any thread on any ISA, in any order.
 */
import { u64Words } from './check.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO32 = 4294967296;

/** High 32 bits of the 64-bit product of two uint32 values, exactly (both partial products stay below 2^53). */
function mulhi(a: number, b: number): number {
  const lo = a * (b & 0xffff); // < 2^48
  const hi = a * (b >>> 16); // < 2^48
  // a * b = hi * 2^16 + lo; the low 16 bits of lo cannot carry into bit 32.
  return Math.floor((hi + Math.floor(lo / 65536)) / 65536);
}

/**
 * One Philox4x32-10 block: counter (c0..c3) under key (k0, k1), all uint32. Writes the four
 * output words to out[at..at+3].
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
  at = 0,
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
    // The key schedule: bumped after every round (the bump after the last one is unused).
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[at] = c0;
  out[at + 1] = c1;
  out[at + 2] = c2;
  out[at + 3] = c3;
}

/** The key words (low, high) of a seed: a safe integer >= 0 or a bigint in [0, 2^64). */
export function seedWords(seed: unknown, name = 'seed'): [number, number] {
  return u64Words(seed, name);
}

/**
 * Reads the stream in order from draw `offset` (any safe integer). Block numbers are tracked
 * separately from the lane, so offset + i never has to be formed: it stays exact beyond 2^53.
 */
export class PhiloxStream {
  readonly #k0: number;
  readonly #k1: number;
  #block: number;
  #lane: number;
  readonly #buf = new Uint32Array(4);

  constructor(k0: number, k1: number, offset: number) {
    this.#k0 = k0;
    this.#k1 = k1;
    this.#block = Math.floor(offset / 4);
    this.#lane = offset % 4;
    this.#compute();
  }

  #compute(): void {
    philox4x32(this.#block % TWO32, Math.floor(this.#block / TWO32), 0, 0, this.#k0, this.#k1, this.#buf);
  }

  /** The next draw (a uint32). */
  next(): number {
    if (this.#lane === 4) {
      this.#block++;
      this.#lane = 0;
      this.#compute();
    }
    return this.#buf[this.#lane++]!;
  }
}

/** out[i] = draw offset + i, for i < n. */
export function philoxDraws(out: Uint32Array, n: number, k0: number, k1: number, offset: number): void {
  const s = new PhiloxStream(k0, k1, offset);
  for (let i = 0; i < n; i++) out[i] = s.next();
}

/**
 * out[i] = low + ((draw >>> 8) * 2^-24) * (high - low) for draw offset + i, computed in double
 * and rounded once to float32. (draw >>> 8) * 2^-24 is exact: 24 random bits in [0, 1).
 */
export function fillUniform(
  out: Float32Array,
  n: number,
  low: number,
  high: number,
  k0: number,
  k1: number,
  offset: number,
): void {
  const s = new PhiloxStream(k0, k1, offset);
  const span = high - low;
  for (let i = 0; i < n; i++) out[i] = low + (s.next() >>> 8) * 2 ** -24 * span;
}

/**
 * Box-Muller on draw pairs (offset + 2j, offset + 2j + 1): u1 = ((d0 >>> 8) + 1) * 2^-24 in
 * (0, 1] (so the log is finite), u2 = (d1 >>> 8) * 2^-24 in [0, 1), r = sqrt(-2 ln u1),
 * t = 2 pi u2; out[2j] = mean + std * r * cos t and out[2j + 1] = mean + std * r * sin t, in
 * double, rounded once. An odd n still consumes the last pair's second draw.
 */
export function fillNormal(
  out: Float32Array,
  n: number,
  mean: number,
  std: number,
  k0: number,
  k1: number,
  offset: number,
): void {
  const s = new PhiloxStream(k0, k1, offset);
  for (let j = 0; 2 * j < n; j++) {
    const u1 = ((s.next() >>> 8) + 1) * 2 ** -24;
    const u2 = (s.next() >>> 8) * 2 ** -24;
    const r = Math.sqrt(-2 * Math.log(u1));
    const t = 2 * Math.PI * u2;
    out[2 * j] = mean + std * r * Math.cos(t);
    if (2 * j + 1 < n) out[2 * j + 1] = mean + std * r * Math.sin(t);
  }
}

/**
 * Dropout's keep rule: element i is kept iff its draw >= round(p * 2^32), an integer compare
 * (P(keep) = 1 - threshold / 2^32 exactly, no float-conversion bias). 2^32 keeps nothing.
 */
export function dropoutThreshold(p: number): number {
  return Math.round(p * TWO32);
}

/** 1 / (1 - p) in double, rounded to float32 (the factor kept elements are multiplied by). */
export function dropoutScale(p: number): number {
  return Math.fround(1 / (1 - p));
}

/** The threshold that keeps nothing (p = 1, or p within 2^-33 of it). */
export const DROP_ALL = TWO32;
