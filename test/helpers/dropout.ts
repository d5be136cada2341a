/** Shared inputs and checks for the dropout tests. */
import { expect } from 'vitest';
import { nextPrime } from './shapes.js';
import { randomFloats } from './rng.js';

/** Words a mask of `bits` bits occupies. */
export const maskWords = (bits: number): number => Math.ceil(bits / 32);

/** Extra elements past the end of every array: must be left as they were. */
export const GUARD = 5;
export const MASK_FILL = 0xdeadbeef;

/**
 * Lengths around every width the kernels step by (4 draws per block, 32 per mask word, 64/128
 * per vector step, 256 per NEON tile), primes, and sizes the pool splits over two threads.
 */
export function dropoutSizes(): number[] {
  const sizes = new Set<number>([0, 1, 2, 3, 4, 5]);
  for (const w of [32, 64, 128, 256, 512]) for (const d of [-1, 0, 1]) sizes.add(w + d);
  for (const p of [nextPrime(100), nextPrime(1000), nextPrime(4000)]) sizes.add(p);
  sizes.add(32 * 37 + 19);
  sizes.add(nextPrime(70_000)); // two chunks of at least 32768 elements: split over the pool
  return [...sizes].sort((a, b) => a - b);
}

/** Stream offsets: block-aligned, mid-block, odd, and far out (block counters above 2^32, near 2^53). */
export const OFFSETS = [0, 1, 2, 3, 5, 4 * 2 ** 32 - 3, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER - 200] as const;

export const PROBABILITIES = [0, 0.1, 0.5, 0.9, 1] as const;

/** Inputs with the values a select must treat as any other: NaN, infinities, -0, a subnormal. */
export function dropoutInput(n: number, seed: number): Float32Array {
  const x = randomFloats(n + GUARD, seed, -3, 3);
  const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-40, 0];
  for (let i = 0; i < Math.min(n, specials.length); i++) x[(i * 13) % n] = specials[i]!;
  return x;
}

export function nanFilled(n: number): Float32Array {
  return new Float32Array(n + GUARD).fill(Number.NaN);
}

export function maskFilled(bits: number): Uint32Array {
  return new Uint32Array(maskWords(bits) + GUARD).fill(MASK_FILL);
}

/** Mask words equal, guard words untouched, and no bit set at or above `bits`. */
export function expectMaskEqual(got: Uint32Array, want: Uint32Array, bits: number, context: object): void {
  const words = maskWords(bits);
  for (let w = 0; w < words; w++) {
    if (got[w] !== want[w]) {
      expect.fail(
        `mask word ${w}: reference ${want[w]!.toString(16)}, got ${got[w]!.toString(16)} ${JSON.stringify(context)}`,
      );
    }
  }
  if (bits % 32 !== 0) {
    expect(got[words - 1]! >>> (bits % 32), `unused bits of the last word ${JSON.stringify(context)}`).toBe(0);
  }
  for (let w = words; w < got.length; w++)
    expect(got[w], `mask guard word ${w} ${JSON.stringify(context)}`).toBe(MASK_FILL);
}

/** Elements n .. n + GUARD - 1 still NaN. */
export function expectGuardNaN(out: Float32Array, n: number, context: object): void {
  for (let i = n; i < out.length; i++) {
    if (!Number.isNaN(out[i])) expect.fail(`guard element ${i} written ${JSON.stringify(context)}`);
  }
}

/** Keep bit of element i. */
export function keepBit(mask: Uint32Array, i: number): boolean {
  return ((mask[Math.floor(i / 32)]! >>> (i % 32)) & 1) === 1;
}
