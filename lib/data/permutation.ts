/**
 * Seeded permutations from the library's Philox stream. A permutation of n items uses the 2n
 * draws starting at `offset` (Fisher-Yates, one 53-bit uniform per swap from two 32-bit draws),
 * so it is a pure function of (seed, offset, n): no hidden generator state, and any epoch's order
 * can be recomputed on its own.
 */
import { defaultGenerator, Generator } from '../random.js';

/** Draws one permutation uses, rounded up to Philox's 4-draw blocks. */
export function permutationDraws(n: number): number {
  return Math.ceil((2 * n) / 4) * 4;
}

/** A uniformly random permutation of 0..n-1 from draws offset .. offset + 2n - 1 of `seed`'s stream. */
export function permutation(n: number, seed: number | bigint, offset = 0): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  if (n < 2) return out;
  const bits = new Uint32Array(2 * n);
  new Generator(seed).draws(bits, offset);
  for (let i = n - 1; i > 0; i--) {
    const k = 2 * (n - 1 - i);
    // A 53-bit uniform in [0, 1): the bias of floor(u * (i + 1)) is at most (i + 1) / 2^53.
    const u = ((bits[k]! >>> 0) * 2 ** 21 + (bits[k + 1]! >>> 11)) * 2 ** -53;
    const j = Math.floor(u * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** A seed drawn from the default generator, so unseeded shuffles follow manualSeed(). */
export function drawSeed(): number {
  const bits = new Uint32Array(2);
  defaultGenerator.draws(bits, defaultGenerator.reserve(2));
  // 53 bits: a safe integer, so it survives JSON in a checkpoint.
  return (bits[0]! & 0x1fffff) * 2 ** 32 + bits[1]!;
}
