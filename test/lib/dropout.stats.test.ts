// Statistics of the dropout masks and the Philox fills at n = 10^6, on the active backend (the
// native kernels, or the reference with DROPNET_BACKEND=js; the parity tests hold both to the
// same bits). Seeds are fixed, so each check either always passes or always fails; the bounds
// are 5 sigma for means and fractions and the 1e-6 upper quantile for chi-square statistics.
import { describe, expect, it } from 'vitest';
import { kernels } from '../../lib/index.js';
import { keepBit, maskWords } from '../helpers/dropout.js';

const N = 1_000_000;
const k = kernels();

/** Upper quantile of chi-square with `dof` degrees of freedom (Wilson-Hilferty), z = 4.753 for 1e-6. */
function chiSquareBound(dof: number, z = 4.753): number {
  const a = 2 / (9 * dof);
  return dof * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Pearson chi-square of observed counts against expected counts. */
function chiSquare(observed: number[], expected: number[]): number {
  let x = 0;
  for (let i = 0; i < observed.length; i++) x += (observed[i]! - expected[i]!) ** 2 / expected[i]!;
  return x;
}

/** Chi-square (1 dof) of the 2x2 table of bit pairs (a[i], b[i]): independence test. */
function pairChiSquare(a: (i: number) => boolean, b: (i: number) => boolean, n: number): number {
  const t = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) t[(a(i) ? 2 : 0) + (b(i) ? 1 : 0)]!++;
  const ra = [t[0]! + t[1]!, t[2]! + t[3]!];
  const cb = [t[0]! + t[2]!, t[1]! + t[3]!];
  const expected = [(ra[0]! * cb[0]!) / n, (ra[0]! * cb[1]!) / n, (ra[1]! * cb[0]!) / n, (ra[1]! * cb[1]!) / n];
  return chiSquare(t, expected);
}

function mask(p: number, seed: number | bigint, offset: number, n = N): Uint32Array {
  const m = new Uint32Array(maskWords(n));
  k.dropoutMask(m, p, seed, offset, n);
  return m;
}

function popcount(m: Uint32Array): number {
  let c = 0;
  for (let w of m) {
    w -= (w >>> 1) & 0x55555555;
    w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
    c += Math.imul((w + (w >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
  }
  return c;
}

const ONE_DOF = chiSquareBound(1); // about 24

describe(`dropout mask statistics at n = 10^6 (${k.name} backend)`, () => {
  it.each([0.1, 0.3, 0.5, 0.9])('p=%s: kept fraction within 5 sigma of 1 - p, mean of the outputs preserved', (p) => {
    const x = new Float32Array(N).fill(1);
    const out = new Float32Array(N);
    const m = new Uint32Array(maskWords(N));
    k.dropoutForward(out, m, x, p, 20240501, 0, N);
    const kept = popcount(m) / N;
    const sigma = Math.sqrt((p * (1 - p)) / N);
    expect(Math.abs(kept - (1 - p))).toBeLessThan(5 * sigma);
    // E[out] = x: each output is x * scale with probability 1 - p, else 0; its sd is scale * sigma.
    let sum = 0;
    for (let i = 0; i < N; i++) sum += out[i]!;
    const scale = Math.fround(1 / (1 - p));
    expect(Math.abs(sum / N - 1)).toBeLessThan(5 * scale * sigma);
  });

  it.each([0.1, 0.5, 0.9])(
    'p=%s: every bit position of the mask words is kept equally often (chi-square, 31 dof)',
    (p) => {
      const m = mask(p, 7, 0);
      const counts = new Array<number>(32).fill(0);
      for (let i = 0; i < N; i++) if (keepBit(m, i)) counts[i % 32]!++;
      const expected = new Array<number>(32).fill(((1 - p) * N) / 32);
      expect(chiSquare(counts, expected)).toBeLessThan(chiSquareBound(31));
    },
  );

  it('p=0.5: bytes of the mask are uniform over 256 patterns (chi-square, 255 dof)', () => {
    const m = mask(0.5, 11, 0);
    const counts = new Array<number>(256).fill(0);
    const bytes = new Uint8Array(m.buffer, 0, Math.floor(N / 8));
    for (const b of bytes) counts[b]!++;
    expect(chiSquare(counts, new Array<number>(256).fill(bytes.length / 256))).toBeLessThan(chiSquareBound(255));
  });

  it.each([1, 2, 3, 4, 5, 32])('p=0.3: neighbouring bits at lag %i are independent (2x2 chi-square)', (lag) => {
    const m = mask(0.3, 13, 0);
    expect(
      pairChiSquare(
        (i) => keepBit(m, i),
        (i) => keepBit(m, i + lag),
        N - lag,
      ),
    ).toBeLessThan(ONE_DOF);
  });

  it('consecutive calls (the next reservation of the stream) give independent masks', () => {
    const a = mask(0.5, 17, 0);
    const b = mask(0.5, 17, N); // the draws right after a's
    expect(
      pairChiSquare(
        (i) => keepBit(a, i),
        (i) => keepBit(b, i),
        N,
      ),
    ).toBeLessThan(ONE_DOF);
  });

  it('neighbouring seeds give independent masks', () => {
    const a = mask(0.5, 1000, 0);
    const b = mask(0.5, 1001, 0);
    const c = mask(0.5, 1000n + (1n << 32n), 0); // differs in the high key word only
    expect(
      pairChiSquare(
        (i) => keepBit(a, i),
        (i) => keepBit(b, i),
        N,
      ),
    ).toBeLessThan(ONE_DOF);
    expect(
      pairChiSquare(
        (i) => keepBit(a, i),
        (i) => keepBit(c, i),
        N,
      ),
    ).toBeLessThan(ONE_DOF);
  });
});

describe(`Philox fills at n = 10^6 (${k.name} backend)`, () => {
  it('randnFill: mean, variance and the mass within one sd match N(mean, std^2)', () => {
    const mean = 0.25,
      std = 2;
    const g = new Float32Array(N);
    k.randnFill(g, mean, std, 99, 0, N);
    let s = 0,
      s2 = 0,
      within = 0;
    for (const v of g) {
      s += v;
      s2 += (v - mean) ** 2;
      if (Math.abs(v - mean) <= std) within++;
    }
    expect(Math.abs(s / N - mean)).toBeLessThan((5 * std) / Math.sqrt(N));
    // The sample variance of a normal has relative sd sqrt(2 / N).
    expect(Math.abs(s2 / N / std ** 2 - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    const q = 0.6826894921370859;
    expect(Math.abs(within / N - q)).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / N));
  });

  it('uniformFill: mean within 5 sigma and 64 equal bins (chi-square, 63 dof)', () => {
    const u = new Float32Array(N);
    k.uniformFill(u, -1, 3, 5, 0, N);
    let s = 0,
      outside = 0;
    const bins = new Array<number>(64).fill(0);
    for (const v of u) {
      if (!(v >= -1 && v < 3)) outside++;
      s += v;
      bins[Math.min(63, Math.max(0, Math.floor(((v + 1) / 4) * 64)))]!++;
    }
    expect(outside).toBe(0);
    expect(Math.abs(s / N - 1)).toBeLessThan(5 * Math.sqrt(16 / 12 / N));
    expect(chiSquare(bins, new Array<number>(64).fill(N / 64))).toBeLessThan(chiSquareBound(63));
  });
});
