/**
 * Oracles for the dropout ops, written from the contract and not from the library's code: the
 * keep bits come straight from the Generator's raw draws (keep iff draw >= round(p * 2^32)),
 * and the masks are applied by coordinate loops.
 */
import { Generator, Tensor } from '../../lib/index.js';

/** Keep decisions of stream elements offset .. offset + count - 1 under `seed`. */
export function keepBits(seed: number | bigint, offset: number, count: number, p: number): boolean[] {
  const draws = new Uint32Array(count);
  new Generator(seed).draws(draws, offset);
  const threshold = Math.round(p * 2 ** 32);
  return Array.from(draws, (d) => d >= threshold);
}

/** The coordinates of flat index i in `shape` (row-major). */
export function coordsOf(i: number, shape: readonly number[]): number[] {
  const c = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    c[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return c;
}

/** The flat index, in a noise shape, of the noise element covering coordinates c of x. */
export function noiseIndex(c: readonly number[], noise: readonly number[]): number {
  let k = 0;
  for (let d = 0; d < noise.length; d++) k = k * noise[d]! + (noise[d] === 1 ? 0 : c[d]!);
  return k;
}

/** Inverted dropout of x (of `shape`) under a mask over `noise` (kept: x * fround(1/(1-p)), else +0). */
export function referenceDropout(
  x: Float32Array,
  shape: readonly number[],
  noise: readonly number[],
  keep: readonly boolean[],
  p: number,
): Float32Array {
  const scale = Math.fround(1 / (1 - p));
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = keep[noiseIndex(coordsOf(i, shape), noise)] ? x[i]! * scale : 0;
  return out;
}

/** x permuted: out dimension d is x's dimension perm[d]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((d) => x.shape[d]!);
  const out = new Float32Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const c = coordsOf(i, x.shape);
    let j = 0;
    for (let d = 0; d < shape.length; d++) j = j * shape[d]! + c[perm[d]!]!;
    out[j] = x.data[i]!;
  }
  return new Tensor(out, shape);
}

/** Draws a call of n mask elements advances a generator by: whole blocks of 4. */
export const advance = (n: number): number => Math.ceil(n / 4) * 4;
