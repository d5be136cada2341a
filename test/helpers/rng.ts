/** Seeded test inputs (independent of the library's own generator, so tests never share its state). */

/** Mulberry32: a tiny seeded uint32 generator for test data. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded chooser: each call returns one of the given values, uniformly. */
export function seededPick(seed: number): <T>(xs: readonly T[]) => T {
  const r = seededRandom(seed);
  return <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
}

/** n floats uniform in [lo, hi). */
export function randomFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const r = seededRandom(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** A Float32Array of n NaNs: an output buffer whose unwritten elements stand out. */
export function nans(n: number): Float32Array {
  return new Float32Array(n).fill(Number.NaN);
}
