/** Sizes shared by parity tests and benchmarks: 0, 1, primes, and non-multiples of every vector width. */

export function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

export function nextPrime(n: number): number {
  let p = Math.max(2, n);
  while (!isPrime(p)) p++;
  return p;
}

/**
 * Lengths for element-wise kernels: empty, 1, around every vector width and unroll factor
 * (4, 8, 16, 32, 64 lanes), primes, and sizes large enough to be split over threads.
 */
export function eltwiseSizes(): number[] {
  const sizes = new Set<number>([0, 1, 2, 3]);
  for (const w of [4, 8, 16, 32, 64, 128]) for (const d of [-1, 0, 1]) sizes.add(w + d);
  for (const p of [nextPrime(100), nextPrime(1000), nextPrime(5000)]) sizes.add(p);
  sizes.add(65536 * 3 + 7); // split over the pool
  sizes.add(nextPrime(300_000));
  return [...sizes].filter((n) => n >= 0).sort((a, b) => a - b);
}

/**
 * The GEMM register tile (MR x NR) of each ISA's micro-kernel and the depth kc of a packed
 * panel, as set in native/runtime/dispatch.cc: GEMM sweeps go around them.
 */
export const GEMM_TILES: Record<string, { mr: number; nr: number; kc: number }> = {
  scalar: { mr: 4, nr: 8, kc: 256 },
  avx2: { mr: 6, nr: 16, kc: 256 },
  avx512: { mr: 12, nr: 32, kc: 256 },
  neon: { mr: 8, nr: 12, kc: 256 },
};
