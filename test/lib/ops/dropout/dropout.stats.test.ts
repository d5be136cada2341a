// Statistics of the dropout ops at n = 10^6 for p in {0.1, 0.3, 0.5, 0.9}. Seeds are fixed, so
// each check always passes or always fails. Every bound is 5 standard errors of the statistic,
// worked out below (a correct op fails one with probability below 1e-6):
//   kept fraction     sigma = sqrt(p (1 - p) / n)
//   mean preserved    mean(y) - mean(x) = (1/n) sum x_i (m_i / (1-p) - 1), sigma = sqrt(p/(1-p) sum x_i^2) / n
//   alpha dropout     on a standardized input (mean 0, variance 1 exactly), E[y] = 0 and E[y^2] = 1;
//                     the standard errors of the sample mean and variance are estimated from the
//                     sample's second and fourth moments
//   Gaussian          y = x * e on x = 1: mean 1 (sigma = s / sqrt n), variance s^2 = rate / (1 - rate)
//                     (sigma = s^2 sqrt(2 / n) for a normal sample)
import { describe, expect, it } from 'vitest';
import { Generator, ops, randn, Tensor } from '../../../../lib/index.js';
import { randomFloats } from '../../../helpers/rng.js';

const N = 1_000_000;
const RATES = [0.1, 0.3, 0.5, 0.9];

function moments(y: Float32Array): { mean: number; variance: number; m4: number } {
  let s = 0;
  for (const v of y) s += v;
  const mean = s / y.length;
  let s2 = 0;
  let s4 = 0;
  for (const v of y) {
    const d = (v - mean) ** 2;
    s2 += d;
    s4 += d * d;
  }
  return { mean, variance: s2 / y.length, m4: s4 / y.length };
}

describe('dropout statistics at n = 10^6', () => {
  const x = new Tensor(randomFloats(N, 1, 0.5, 2), [N]);
  let sumX = 0;
  let sumX2 = 0;
  for (const v of x.data) {
    sumX += v;
    sumX2 += v * v;
  }

  it.each(RATES)(
    'p=%s: kept fraction within 5 sigma of 1 - p, mean of the outputs within 5 sigma of the input mean',
    (p) => {
      const y = ops.dropout(x, { p, training: true, seed: 100 });
      let kept = 0;
      let sumY = 0;
      for (const v of y.data) {
        if (v !== 0) kept++;
        sumY += v;
      }
      expect(Math.abs(kept / N - (1 - p))).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
      expect(Math.abs(sumY / N - sumX / N)).toBeLessThan((5 * Math.sqrt((sumX2 * p) / (1 - p))) / N);
    },
  );

  it.each(RATES)(
    'p=%s: dropout2d zeroes whole channels; the kept fraction of the 10^4 channels within 5 sigma',
    (p) => {
      const shape = [100, 100, 10, 10];
      const y = ops.dropout2d(new Tensor(x.data, shape), { p, training: true, seed: 7 });
      const scale = Math.fround(1 / (1 - p));
      let kept = 0;
      for (let c = 0; c < 10_000; c++) {
        const ch = y.data.subarray(c * 100, (c + 1) * 100);
        const src = x.data.subarray(c * 100, (c + 1) * 100);
        const zero = ch.every((v) => v === 0);
        const scaled = ch.every((v, i) => v === Math.fround(src[i]! * scale));
        expect(zero || scaled, `channel ${c}`).toBe(true);
        if (scaled) kept++;
      }
      expect(Math.abs(kept / 10_000 - (1 - p))).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / 10_000));
    },
  );

  const raw = randn([N], { generator: new Generator(5) });
  const m = moments(raw.data);
  const z = new Tensor(
    Float32Array.from(raw.data, (v) => (v - m.mean) / Math.sqrt(m.variance)),
    [N],
  );

  it.each(RATES)('p=%s: alpha dropout keeps mean 0 and variance 1 of a standardized input', (p) => {
    const y = moments(ops.alphaDropout(z, { p, training: true, seed: 9 }).data);
    expect(Math.abs(y.mean)).toBeLessThan(5 * Math.sqrt(y.variance / N));
    expect(Math.abs(y.variance - 1)).toBeLessThan(5 * Math.sqrt((y.m4 - y.variance ** 2) / N));
  });

  it.each(RATES)('rate=%s: Gaussian dropout of a unit input has mean 1 and variance rate / (1 - rate)', (rate) => {
    const s2 = rate / (1 - rate);
    const y = moments(
      ops.gaussianDropout(new Tensor(new Float32Array(N).fill(1), [N]), { rate, training: true, seed: 3 }).data,
    );
    expect(Math.abs(y.mean - 1)).toBeLessThan(5 * Math.sqrt(s2 / N));
    expect(Math.abs(y.variance - s2)).toBeLessThan(5 * s2 * Math.sqrt(2 / N));
  });

  it('Gaussian noise adds variance stddev^2 around the input', () => {
    const y = ops.gaussianNoise(x, { stddev: 0.5, training: true, seed: 4 });
    const e = moments(Float32Array.from(y.data, (v, i) => v - x.data[i]!));
    expect(Math.abs(e.mean)).toBeLessThan(5 * Math.sqrt(0.25 / N));
    // The subtraction is exact to float32 rounding of y (about 1e-7 relative), far below the bound.
    expect(Math.abs(e.variance - 0.25)).toBeLessThan(5 * 0.25 * Math.sqrt(2 / N));
  });
});
